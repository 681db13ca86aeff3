/* lab_diag.c - TCP sockets of one namespace through NETLINK_SOCK_DIAG (libmnl).
 *
 * One dump per family, each a SOCK_DIAG_BY_FAMILY request:
 *
 *   nlmsghdr { SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST | NLM_F_DUMP, seq }
 *   inet_diag_req_v2 { family, IPPROTO_TCP, idiag_ext = 1 << (INET_DIAG_INFO - 1),
 *                      idiag_states = ~0U, id = {0} (no filter) }
 *
 * answered by one inet_diag_msg per socket, followed by attributes, of which
 * INET_DIAG_INFO carries a struct tcp_info (full sockets only: TIME_WAIT and
 * request sockets have none). The kernel appends tcp_info fields over time, so
 * the attribute is copied only as far as it goes.
 */
#include "lab_diag.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/tcp.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>

#include <libmnl/libmnl.h>

#include "lab_internal.h"

/*
 * The kernel sizes a dump's messages from the largest recvmsg() buffer seen,
 * up to 32 KiB (netlink_recvmsg(), max_recvmsg_len); with a buffer that big
 * no message is ever truncated.
 */
#define LAB_DIAG_BUF 32768

/* TCP_NEW_SYN_RECV: the kernel's state of a request socket (include/net/tcp_states.h). */
#define LAB_TCP_NEW_SYN_RECV 12

struct lab_diag {
	struct mnl_socket *nl;
	unsigned int portid;
	unsigned int seq;
	char buf[LAB_DIAG_BUF];
};

/* State of one dump, shared by the message callback. */
struct lab_diag_run {
	lab_diag_cb cb;
	void *arg;
	int count;
	int cb_ret; /* negative value from the user's callback, 0 otherwise */
	int proto_err; /* a malformed message: -EPROTO */
};

static const char *const lab_state_names[] = {
	[TCP_ESTABLISHED] = "ESTABLISHED",
	[TCP_SYN_SENT] = "SYN_SENT",
	[TCP_SYN_RECV] = "SYN_RECV",
	[TCP_FIN_WAIT1] = "FIN_WAIT1",
	[TCP_FIN_WAIT2] = "FIN_WAIT2",
	[TCP_TIME_WAIT] = "TIME_WAIT",
	[TCP_CLOSE] = "CLOSE",
	[TCP_CLOSE_WAIT] = "CLOSE_WAIT",
	[TCP_LAST_ACK] = "LAST_ACK",
	[TCP_LISTEN] = "LISTEN",
	[TCP_CLOSING] = "CLOSING",
};

#define LAB_STATE_COUNT ((int)(sizeof(lab_state_names) / sizeof(lab_state_names[0])))

const char *lab_sock_state_name(int state)
{
	if (state <= 0 || state >= LAB_STATE_COUNT || !lab_state_names[state])
		return "UNKNOWN";
	return lab_state_names[state];
}

int lab_sock_state_parse(const char *name)
{
	int i;

	for (i = 1; name && i < LAB_STATE_COUNT; i++)
		if (lab_state_names[i] && strcmp(lab_state_names[i], name) == 0)
			return i;
	return -1;
}

int lab_diag_open(int netns_fd, struct lab_diag **out, struct tf_err *err)
{
	struct lab_diag *d;
	int saved, ret;

	*out = NULL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return tf_err_set(err, -ENOMEM, "sock_diag: out of memory");
	saved = lab_ns_switch(netns_fd);
	if (saved < 0) {
		ret = tf_err_set(err, saved, "sock_diag: cannot enter namespace fd %d: %s",
				 netns_fd, strerror(-saved));
		goto out_free;
	}
	/* Created here, the socket answers for this namespace wherever it is used. */
	d->nl = mnl_socket_open2(NETLINK_SOCK_DIAG, SOCK_CLOEXEC);
	if (!d->nl) {
		ret = -errno;
		lab_ns_restore(saved);
		tf_err_set(err, ret, "sock_diag: socket: %s", strerror(-ret));
		goto out_free;
	}
	if (mnl_socket_bind(d->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		lab_ns_restore(saved);
		tf_err_set(err, ret, "sock_diag: bind: %s", strerror(-ret));
		goto out_close;
	}
	lab_ns_restore(saved);
	d->portid = mnl_socket_get_portid(d->nl);
	*out = d;
	return 0;

out_close:
	mnl_socket_close(d->nl);
out_free:
	free(d);
	return ret;
}

void lab_diag_close(struct lab_diag *d)
{
	if (!d)
		return;
	mnl_socket_close(d->nl);
	free(d);
}

static void lab_diag_addr(struct sockaddr_storage *ss, int family, const __be32 *addr, __be16 port,
			  uint32_t ifindex)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = port;
		memcpy(&sin->sin_addr, addr, 4);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = port;
		memcpy(&sin6->sin6_addr, addr, 16);
		if (IN6_IS_ADDR_LINKLOCAL(&sin6->sin6_addr))
			sin6->sin6_scope_id = ifindex;
	}
}

/* Keep known attributes; unknown ones are skipped, so newer kernels still parse. */
static int lab_diag_attr(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (type <= INET_DIAG_MAX)
		tb[type] = attr;
	return MNL_CB_OK;
}

/*
 * The fields we report all sit in the original struct tcp_info (up to
 * tcpi_total_retrans); any kernel with sock_diag sends at least that much.
 */
static void lab_diag_info(struct lab_sock *s, const struct nlattr *attr)
{
	struct tcp_info ti;
	size_t len = mnl_attr_get_payload_len(attr);

	if (len < offsetof(struct tcp_info, tcpi_total_retrans) + sizeof(ti.tcpi_total_retrans))
		return;
	memset(&ti, 0, sizeof(ti));
	memcpy(&ti, mnl_attr_get_payload(attr), len < sizeof(ti) ? len : sizeof(ti));
	s->has_info = 1;
	s->ca_state = ti.tcpi_ca_state;
	s->retransmits = ti.tcpi_retransmits;
	s->probes = ti.tcpi_probes;
	s->backoff = ti.tcpi_backoff;
	s->rto_us = ti.tcpi_rto;
	s->unacked = ti.tcpi_unacked;
	s->lost = ti.tcpi_lost;
	s->total_retrans = ti.tcpi_total_retrans;
	s->last_data_recv_ms = ti.tcpi_last_data_recv;
	s->last_ack_recv_ms = ti.tcpi_last_ack_recv;
}

static int lab_diag_msg(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[INET_DIAG_MAX + 1] = { NULL };
	const struct inet_diag_msg *m = mnl_nlmsg_get_payload(nlh);
	struct lab_diag_run *run = data;
	struct lab_sock s;
	int ret;

	if (run->cb_ret < 0)
		return MNL_CB_OK; /* stopped: drain the rest of the dump unseen */
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*m)) ||
	    (m->idiag_family != AF_INET && m->idiag_family != AF_INET6) ||
	    mnl_attr_parse(nlh, sizeof(*m), lab_diag_attr, tb) < 0) {
		run->proto_err = -EPROTO;
		return MNL_CB_OK;
	}
	memset(&s, 0, sizeof(s));
	s.family = m->idiag_family;
	lab_diag_addr(&s.local, s.family, m->id.idiag_src, m->id.idiag_sport, m->id.idiag_if);
	lab_diag_addr(&s.remote, s.family, m->id.idiag_dst, m->id.idiag_dport, m->id.idiag_if);
	/* Request sockets are TCP_NEW_SYN_RECV inside the kernel; ss shows SYN-RECV. */
	s.state = m->idiag_state == LAB_TCP_NEW_SYN_RECV ? TCP_SYN_RECV : m->idiag_state;
	s.inode = m->idiag_inode;
	s.timer = m->idiag_timer;
	s.retrans = m->idiag_retrans;
	s.expires_ms = m->idiag_expires;
	s.rqueue = m->idiag_rqueue;
	s.wqueue = m->idiag_wqueue;
	s.ifindex = m->id.idiag_if;
	s.cookie[0] = m->id.idiag_cookie[0];
	s.cookie[1] = m->id.idiag_cookie[1];
	if (tb[INET_DIAG_INFO])
		lab_diag_info(&s, tb[INET_DIAG_INFO]);
	run->count++;
	ret = run->cb(&s, run->arg);
	if (ret < 0)
		run->cb_ret = ret;
	return MNL_CB_OK;
}

/*
 * Read and drop whatever an earlier, interrupted dump left queued. Each read
 * makes the kernel produce the dump's next part, so this runs it to the end;
 * otherwise the next request would meet EBUSY or stale sequence numbers.
 */
static void lab_diag_drain(struct lab_diag *d)
{
	int fd = mnl_socket_get_fd(d->nl);

	while (recv(fd, d->buf, sizeof(d->buf), MSG_DONTWAIT) > 0)
		;
}

static int lab_diag_send(struct lab_diag *d, int family)
{
	struct inet_diag_req_v2 *req;
	struct nlmsghdr *nlh;

	nlh = mnl_nlmsg_put_header(d->buf);
	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = ++d->seq;
	req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
	req->sdiag_family = (uint8_t)family;
	req->sdiag_protocol = IPPROTO_TCP;
	req->idiag_ext = 1 << (INET_DIAG_INFO - 1);
	/* Every state, so TIME_WAIT and NEW_SYN_RECV request sockets come too. */
	req->idiag_states = ~0U;
	if (mnl_socket_sendto(d->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	return 0;
}

/* One family's dump, to its NLMSG_DONE. 0 or -errno. */
static int lab_diag_dump_family(struct lab_diag *d, int family, struct lab_diag_run *run,
				struct tf_err *err)
{
	const char *fam = family == AF_INET ? "IPv4" : "IPv6";
	ssize_t n;
	int ret;

	lab_diag_drain(d);
	ret = lab_diag_send(d, family);
	if (ret < 0)
		return tf_err_set(err, ret, "sock_diag %s: send: %s", fam, strerror(-ret));
	for (;;) {
		n = mnl_socket_recvfrom(d->nl, d->buf, sizeof(d->buf));
		if (n < 0) {
			ret = -errno;
			return tf_err_set(err, ret, "sock_diag %s: recv: %s", fam, strerror(-ret));
		}
		ret = mnl_cb_run(d->buf, (size_t)n, d->seq, d->portid, lab_diag_msg, run);
		if (ret < 0) {
			ret = -errno;
			return tf_err_set(err, ret, "sock_diag %s dump: %s", fam, strerror(-ret));
		}
		if (ret == MNL_CB_STOP)
			return 0;
	}
}

int lab_diag_dump(struct lab_diag *d, lab_diag_cb cb, void *arg, struct tf_err *err)
{
	static const int families[] = { AF_INET, AF_INET6 };
	struct lab_diag_run run = { .cb = cb, .arg = arg };
	size_t i;
	int ret;

	if (!d || !cb)
		return tf_err_set(err, -EINVAL, "sock_diag: no handle or no callback");
	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		ret = lab_diag_dump_family(d, families[i], &run, err);
		/* A kernel booted with ipv6.disable=1 has no AF_INET6 handler. */
		if (ret == -ENOENT && families[i] == AF_INET6)
			break;
		if (ret < 0)
			return ret;
		if (run.cb_ret < 0)
			return run.cb_ret;
		if (run.proto_err < 0)
			return tf_err_set(err, run.proto_err,
					  "sock_diag: malformed inet_diag message from the kernel");
	}
	return run.count;
}

/* The inet_diag_sockid of @s, as the kernel gave it in the dump. */
static void lab_diag_sockid(const struct lab_sock *s, struct inet_diag_sockid *id)
{
	memset(id, 0, sizeof(*id));
	if (s->family == AF_INET6) {
		const struct sockaddr_in6 *l = (const struct sockaddr_in6 *)&s->local;
		const struct sockaddr_in6 *r = (const struct sockaddr_in6 *)&s->remote;

		memcpy(id->idiag_src, &l->sin6_addr, 16);
		memcpy(id->idiag_dst, &r->sin6_addr, 16);
		id->idiag_sport = l->sin6_port;
		id->idiag_dport = r->sin6_port;
	} else {
		const struct sockaddr_in *l = (const struct sockaddr_in *)&s->local;
		const struct sockaddr_in *r = (const struct sockaddr_in *)&s->remote;

		id->idiag_src[0] = l->sin_addr.s_addr;
		id->idiag_dst[0] = r->sin_addr.s_addr;
		id->idiag_sport = l->sin_port;
		id->idiag_dport = r->sin_port;
	}
	id->idiag_if = s->ifindex;
	id->idiag_cookie[0] = s->cookie[0];
	id->idiag_cookie[1] = s->cookie[1];
}

/* A request about the one socket @s (its 4-tuple and cookie) in d->buf;
 * *@reqp (if given) to add to it. */
static struct nlmsghdr *lab_diag_put_one(struct lab_diag *d, uint16_t type, uint16_t flags,
					 const struct lab_sock *s, struct inet_diag_req_v2 **reqp)
{
	struct inet_diag_req_v2 *req;
	struct nlmsghdr *nlh;

	lab_diag_drain(d);
	nlh = mnl_nlmsg_put_header(d->buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = ++d->seq;
	req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
	req->sdiag_family = (uint8_t)s->family;
	req->sdiag_protocol = IPPROTO_TCP;
	req->idiag_states = ~0U;
	lab_diag_sockid(s, &req->id);
	if (reqp)
		*reqp = req;
	return nlh;
}

int lab_diag_destroy(struct lab_diag *d, const struct lab_sock *s, struct tf_err *err)
{
	struct nlmsghdr *nlh;
	ssize_t n;
	int ret;

	nlh = lab_diag_put_one(d, SOCK_DESTROY, NLM_F_REQUEST | NLM_F_ACK, s, NULL);
	if (mnl_socket_sendto(d->nl, nlh, nlh->nlmsg_len) < 0)
		return tf_err_set(err, -errno, "SOCK_DESTROY: send: %s", strerror(errno));
	n = mnl_socket_recvfrom(d->nl, d->buf, sizeof(d->buf));
	if (n < 0)
		return tf_err_set(err, -errno, "SOCK_DESTROY: recv: %s", strerror(errno));
	ret = mnl_cb_run(d->buf, (size_t)n, d->seq, d->portid, NULL, NULL);
	if (ret < 0) {
		ret = -errno;
		return tf_err_set(
			err, ret, "SOCK_DESTROY: %s%s", strerror(-ret),
			ret == -EOPNOTSUPP ? " (kernel without CONFIG_INET_DIAG_DESTROY)" : "");
	}
	return 0;
}

/* Dumps are collected first: destroying while the dump runs would race it. */
struct lab_diag_list {
	struct lab_sock *v;
	int n, cap;
};

static int lab_diag_collect(const struct lab_sock *s, void *arg)
{
	struct lab_diag_list *l = arg;

	if (l->n == l->cap) {
		int cap = l->cap ? l->cap * 2 : 32;
		struct lab_sock *p = realloc(l->v, (size_t)cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		l->v = p;
		l->cap = cap;
	}
	l->v[l->n++] = *s;
	return 0;
}

int lab_diag_destroy_all(struct lab_diag *d, struct tf_err *err)
{
	struct lab_diag_list l = { 0 };
	int ret, done = 0;

	ret = lab_diag_dump(d, lab_diag_collect, &l, err);
	for (int i = 0; ret >= 0 && i < l.n; i++) {
		ret = lab_diag_destroy(d, &l.v[i], err);
		if (ret == -ENOENT) /* went away by itself meanwhile */
			ret = 0;
		else if (ret == 0)
			done++;
	}
	free(l.v);
	return ret < 0 ? ret : done;
}

static bool lab_diag_same_addr(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;

		return x->sin6_port == y->sin6_port &&
		       !memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr));
	}
	const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;

	return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
}

static bool lab_diag_same_tuple(const struct lab_sock *key, const struct lab_sock *s)
{
	const struct sockaddr_in *kl = (const void *)&key->local, *sl = (const void *)&s->local;

	/* the port: ports sit at the same offset in both families' sockaddrs */
	return s->family == key->family && kl->sin_port == sl->sin_port &&
	       lab_diag_same_addr(&key->remote, &s->remote);
}

/* Copies the one answer of an exact lookup. */
static int lab_diag_take(const struct lab_sock *s, void *arg)
{
	*(struct lab_sock *)arg = *s;
	return 0;
}

int lab_diag_lookup(struct lab_diag *d, const struct lab_sock *key, struct lab_sock *out,
		    struct tf_err *err)
{
	struct lab_diag_run run = { .cb = lab_diag_take, .arg = out };
	struct inet_diag_req_v2 *req;
	struct nlmsghdr *nlh;
	ssize_t n;
	int ret;

	/* no NLM_F_DUMP: one socket, no table walk */
	nlh = lab_diag_put_one(d, SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST, key, &req);
	req->idiag_ext = 1 << (INET_DIAG_INFO - 1);
	if (!key->cookie[0] && !key->cookie[1]) {
		req->id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
		req->id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
	}
	if (mnl_socket_sendto(d->nl, nlh, nlh->nlmsg_len) < 0)
		return tf_err_set(err, -errno, "sock_diag lookup: send: %s", strerror(errno));
	n = mnl_socket_recvfrom(d->nl, d->buf, sizeof(d->buf));
	if (n < 0)
		return tf_err_set(err, -errno, "sock_diag lookup: recv: %s", strerror(errno));
	ret = mnl_cb_run(d->buf, (size_t)n, d->seq, d->portid, lab_diag_msg, &run);
	if (ret < 0 && errno == ENOENT)
		return 0; /* no such socket (any more) */
	if (ret < 0)
		return tf_err_set(err, -errno, "sock_diag lookup: %s", strerror(errno));
	if (run.proto_err < 0)
		return tf_err_set(err, run.proto_err,
				  "sock_diag: malformed inet_diag message from the kernel");
	/* The kernel falls back to the listener on the local port when no
	 * connection has the tuple (inet_lookup()): that is not the socket asked. */
	return run.count > 0 && lab_diag_same_tuple(key, out);
}
