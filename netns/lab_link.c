/* lab_link.c - links, addresses and routes of the lab's hosts, through libnl.
 *
 * A netlink socket acts on the namespace it was created in, so every request
 * for host X opens its socket inside X (lab_enter(), nl_connect(), request,
 * nl_socket_free(), lab_leave()). The one exception is the veth pair: it is
 * created from the orchestrator's namespace with each end placed directly in
 * its host's namespace by IFLA_NET_NS_FD, so no end ever exists elsewhere.
 */
#include "lab.h"
#include "lab_cidr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/if.h>

#include <netlink/netlink.h>
#include <netlink/attr.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/route.h>

#include "lab_internal.h"

#define LAB_OPER_POLL_NS (5 * 1000 * 1000L)

/* libnl's -NLE_* for the errors it finds itself (no kernel errno behind them). */
static const int lab_nle_errno[NLE_MAX + 1] = {
	[NLE_INTR] = EINTR,	      [NLE_BAD_SOCK] = EBADF,
	[NLE_AGAIN] = EAGAIN,	      [NLE_NOMEM] = ENOMEM,
	[NLE_EXIST] = EEXIST,	      [NLE_INVAL] = EINVAL,
	[NLE_RANGE] = ERANGE,	      [NLE_MSGSIZE] = EMSGSIZE,
	[NLE_OPNOTSUPP] = EOPNOTSUPP, [NLE_AF_NOSUPPORT] = EAFNOSUPPORT,
	[NLE_OBJ_NOTFOUND] = ENOENT,  [NLE_AF_MISMATCH] = EINVAL,
	[NLE_SEQ_MISMATCH] = EPROTO,  [NLE_MSG_TRUNC] = EPROTO,
	[NLE_NOADDR] = EADDRNOTAVAIL, [NLE_BUSY] = EBUSY,
	[NLE_NOACCESS] = EACCES,      [NLE_PERM] = EPERM,
	[NLE_NODEV] = ENODEV,
};

/*
 * lab_nl_errno() - the one conversion from libnl's -NLE_* to -errno. When the
 * kernel answered with NLMSG_ERROR its errno is exact (libnl folds, e.g.,
 * ENETUNREACH into NLE_FAILURE), so it wins; otherwise the table, else EIO.
 */
static int lab_nl_errno(const struct lab_nl *nl, int nle)
{
	int e;

	if (nl->kerr > 0)
		return -nl->kerr;
	if (nle < 0)
		nle = -nle;
	e = nle <= NLE_MAX ? lab_nle_errno[nle] : 0;
	return e ? -e : -EIO;
}

/*
 * Error callback: keep the kernel's errno and its extended-ack message, then
 * let libnl return its usual -NLE_* (NL_STOP). With NETLINK_EXT_ACK the TLVs
 * follow the nlmsgerr, after the echoed request unless NLM_F_CAPPED.
 */
static int lab_nl_on_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	const struct nlmsghdr *nlh = (const void *)((const char *)e - NLMSG_HDRLEN);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	struct lab_nl *nl = arg;
	size_t off = sizeof(*e), end = nlh->nlmsg_len - NLMSG_HDRLEN;

	(void)who;
	nl->kerr = -e->error;
	nl->ack[0] = '\0';
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);
	if (off >= end || nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)((char *)e + off),
				    (int)(end - off), NULL) < 0)
		return NL_STOP;
	if (tb[NLMSGERR_ATTR_MSG])
		snprintf(nl->ack, sizeof(nl->ack), "%.*s", nla_len(tb[NLMSGERR_ATTR_MSG]),
			 (const char *)nla_data(tb[NLMSGERR_ATTR_MSG]));
	return NL_STOP;
}

/*
 * lab_nl_fail() - convert @nle, write "<what>: <error text>[ (kernel: <ext-ack>)]"
 * into @err, forget the kernel's answer so the next request starts clean.
 */
int lab_nl_fail(struct lab_nl *nl, int nle, struct tf_err *err, const char *fmt, ...)
{
	int ret = lab_nl_errno(nl, nle);
	const char *text;
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	/* The kernel's own errno reads better than libnl's folding ("Unspecific failure"). */
	text = nl->kerr > 0 ? strerror(nl->kerr) : nl_geterror(nle);
	if (nl->ack[0])
		tf_err_set(err, ret, "%s: %s (kernel: %s)", what, text, nl->ack);
	else
		tf_err_set(err, ret, "%s: %s", what, text);
	nl->kerr = 0;
	nl->ack[0] = '\0';
	return ret;
}

/* lab_nl_open() - a NETLINK_ROUTE socket in the calling thread's current namespace. */
int lab_nl_open(struct lab_nl *nl, const char *where, struct tf_err *err)
{
	int one = 1, ret;

	nl->saved_ns = -1;
	nl->kerr = 0;
	nl->ack[0] = '\0';
	nl->sk = nl_socket_alloc();
	if (!nl->sk)
		return tf_err_set(err, -ENOMEM, "%s: cannot allocate a netlink socket", where);
	/* libnl 3.7 creates it with SOCK_CLOEXEC. */
	ret = nl_connect(nl->sk, NETLINK_ROUTE);
	if (ret < 0) {
		ret = lab_nl_fail(nl, ret, err, "%s: netlink connect", where);
		nl_socket_free(nl->sk);
		nl->sk = NULL;
		return ret;
	}
	nl_socket_modify_err_cb(nl->sk, NL_CB_CUSTOM, lab_nl_on_error, nl);
	/* Best effort: without it (pre-4.12 kernels) errors only lack the text. */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	return 0;
}

/* lab_nl_enter() - lab_enter(@host), then lab_nl_open() there. */
int lab_nl_enter(const struct lab *lab, int host, struct lab_nl *nl, char *where, size_t where_len,
		 struct tf_err *err)
{
	const char *name = lab_host_name(lab, host);
	int saved, ret;

	if (!name)
		return tf_err_set(err, -EINVAL, "no host with index %d in the lab", host);
	snprintf(where, where_len, "host %s", name);
	saved = lab_enter(lab, host);
	if (saved < 0)
		return tf_err_set(err, saved, "%s: cannot enter its namespace: %s", where,
				  strerror(-saved));
	ret = lab_nl_open(nl, where, err);
	if (ret < 0) {
		lab_leave(saved);
		return ret;
	}
	nl->saved_ns = saved;
	return 0;
}

/* lab_nl_close() - free the socket, go back to where lab_nl_enter() came from. */
void lab_nl_close(struct lab_nl *nl)
{
	nl_socket_free(nl->sk);
	nl->sk = NULL;
	lab_leave(nl->saved_ns);
	nl->saved_ns = -1;
}

int lab_ifname_check(const char *where, const char *ifname, struct tf_err *err)
{
	size_t len = ifname ? strlen(ifname) : 0;

	if (len == 0 || len >= IFNAMSIZ)
		return tf_err_set(err, -EINVAL,
				  "%s: interface name '%s' must be 1 to %d characters", where,
				  ifname ? ifname : "(null)", IFNAMSIZ - 1);
	return 0;
}

int lab_nl_link_get(struct lab_nl *nl, const char *where, const char *ifname,
		    struct rtnl_link **link, struct tf_err *err)
{
	int ret;

	ret = lab_ifname_check(where, ifname, err);
	if (ret < 0)
		return ret;
	ret = rtnl_link_get_kernel(nl->sk, 0, ifname, link);
	if (ret < 0)
		return lab_nl_fail(nl, ret, err, "%s: interface %s", where, ifname);
	return 0;
}

static int lab_nl_link_set_up(struct lab_nl *nl, const char *where, const char *ifname, bool up,
			      struct tf_err *err)
{
	struct rtnl_link *link, *change;
	int ret;

	ret = lab_nl_link_get(nl, where, ifname, &link, err);
	if (ret < 0)
		return ret;
	change = rtnl_link_alloc();
	if (!change) {
		ret = tf_err_set(err, -ENOMEM, "%s: set %s %s: out of memory", where, ifname,
				 up ? "up" : "down");
		goto out_put_link;
	}
	if (up)
		rtnl_link_set_flags(change, IFF_UP);
	else
		rtnl_link_unset_flags(change, IFF_UP);
	ret = rtnl_link_change(nl->sk, link, change, 0);
	if (ret < 0)
		ret = lab_nl_fail(nl, ret, err, "%s: set %s %s", where, ifname, up ? "up" : "down");
	rtnl_link_put(change);
out_put_link:
	rtnl_link_put(link);
	return ret;
}

int lab_link_up_current(const char *where, const char *ifname, struct tf_err *err)
{
	struct lab_nl nl;
	int ret;

	ret = lab_nl_open(&nl, where, err);
	if (ret < 0)
		return ret;
	ret = lab_nl_link_set_up(&nl, where, ifname, true, err);
	lab_nl_close(&nl);
	return ret;
}

int lab_link_set_up(struct lab *lab, int host, const char *ifname, bool up, struct tf_err *err)
{
	char where[LAB_NAME_MAX + 8];
	struct lab_nl nl;
	int ret;

	ret = lab_nl_enter(lab, host, &nl, where, sizeof(where), err);
	if (ret < 0)
		return ret;
	ret = lab_nl_link_set_up(&nl, where, ifname, up, err);
	lab_nl_close(&nl);
	return ret;
}

/* One end of a veth: its host's namespace and its name there. */
struct lab_veth_end {
	int netns_fd;
	const char *ifname;
};

/* The request itself: sent from the caller's namespace, each end born in its own. */
static int lab_veth_create(const struct lab_veth_end *a, const struct lab_veth_end *b,
			   const char *what, struct tf_err *err)
{
	struct rtnl_link *link, *peer;
	struct lab_nl nl;
	int ret;

	ret = lab_nl_open(&nl, what, err);
	if (ret < 0)
		return ret;
	link = rtnl_link_veth_alloc();
	if (!link) {
		ret = tf_err_set(err, -ENOMEM, "%s: out of memory", what);
		goto out_close;
	}
	peer = rtnl_link_veth_get_peer(link); /* a reference of our own */
	rtnl_link_set_name(link, a->ifname);
	rtnl_link_set_ns_fd(link, a->netns_fd);
	rtnl_link_set_name(peer, b->ifname);
	rtnl_link_set_ns_fd(peer, b->netns_fd);
	ret = rtnl_link_add(nl.sk, link, NLM_F_CREATE | NLM_F_EXCL);
	if (ret < 0)
		ret = lab_nl_fail(&nl, ret, err, "%s: create", what);
	rtnl_link_put(peer);
	rtnl_link_put(link); /* frees the peer object with it */
out_close:
	lab_nl_close(&nl);
	return ret;
}

int lab_veth_add(struct lab *lab, int a, const char *if_a, int b, const char *if_b,
		 struct tf_err *err)
{
	const char *na = lab_host_name(lab, a), *nb = lab_host_name(lab, b);
	char what[3 * LAB_NAME_MAX + IFNAMSIZ + 16];
	int ret;

	if (!na || !nb)
		return tf_err_set(err, -EINVAL, "veth: no host with index %d in the lab",
				  na ? b : a);
	snprintf(what, sizeof(what), "veth %s:%s <-> %s:%s", na, if_a ? if_a : "?", nb,
		 if_b ? if_b : "?");
	ret = lab_ifname_check(what, if_a, err);
	if (ret == 0)
		ret = lab_ifname_check(what, if_b, err);
	if (ret == 0)
		ret = lab_veth_create(&(struct lab_veth_end){ lab_host_netns_fd(lab, a), if_a },
				      &(struct lab_veth_end){ lab_host_netns_fd(lab, b), if_b },
				      what, err);
	/*
	 * No undo on failure below: the ends live only in the hosts'
	 * namespaces and go with them in lab_free().
	 */
	if (ret == 0)
		ret = lab_link_set_up(lab, a, if_a, true, err);
	if (ret == 0)
		ret = lab_link_set_up(lab, b, if_b, true, err);
	return ret;
}

static struct nl_addr *lab_cidr_nl(const struct lab_cidr *c)
{
	struct nl_addr *a = nl_addr_build(c->family, c->addr, c->family == AF_INET ? 4 : 16);

	if (a && c->plen >= 0)
		nl_addr_set_prefixlen(a, c->plen);
	return a;
}

/*
 * An address on an interface: the whole connected prefix must stay inside the
 * range too (/15 or longer, /48 or longer), or its route would claim real
 * networks inside the host.
 */
static int lab_addr_check(const char *where, const char *cidr, struct lab_cidr *c,
			  struct tf_err *err)
{
	if (lab_cidr_parse(cidr, c) < 0 || c->plen < 0)
		return tf_err_set(err, -EINVAL, "%s: '%s' is not an address/prefix", where,
				  cidr ? cidr : "(null)");
	if (!lab_cidr_in_range(c))
		return tf_err_set(
			err, -EINVAL,
			"%s: %s is outside the lab's ranges 198.18.0.0/15 and 2001:2::/48", where,
			cidr);
	return 0;
}

/* lab_addr_add() and lab_addr_add_dad(): with @nodad an IPv6 address skips
 * duplicate address detection, now and whenever its carrier returns. */
static int lab_addr_add_nodad(struct lab *lab, int host, const char *ifname, const char *cidr,
			      bool nodad, struct tf_err *err)
{
	struct rtnl_link *link = NULL;
	struct rtnl_addr *addr = NULL;
	struct nl_addr *local = NULL;
	char where[LAB_NAME_MAX + 8];
	struct lab_cidr c;
	struct lab_nl nl;
	int ret;

	snprintf(where, sizeof(where), "host %s", lab_host_name(lab, host) ?: "?");
	ret = lab_addr_check(where, cidr, &c, err);
	if (ret < 0)
		return ret;
	ret = lab_nl_enter(lab, host, &nl, where, sizeof(where), err);
	if (ret < 0)
		return ret;
	ret = lab_nl_link_get(&nl, where, ifname, &link, err);
	if (ret < 0)
		goto out_close;
	addr = rtnl_addr_alloc();
	local = lab_cidr_nl(&c);
	if (!addr || !local) {
		ret = tf_err_set(err, -ENOMEM, "%s: add %s on %s: out of memory", where, cidr,
				 ifname);
		goto out_free;
	}
	rtnl_addr_set_ifindex(addr, rtnl_link_get_ifindex(link));
	rtnl_addr_set_family(addr, c.family);
	rtnl_addr_set_local(addr, local);
	rtnl_addr_set_prefixlen(addr, c.plen);
	/* Without NODAD the address stays tentative ~1 s and bind()/connect() fail. */
	if (c.family == AF_INET6 && nodad)
		rtnl_addr_set_flags(addr, IFA_F_NODAD);
	ret = rtnl_addr_add(nl.sk, addr, NLM_F_EXCL);
	if (ret < 0)
		ret = lab_nl_fail(&nl, ret, err, "%s: add %s on %s", where, cidr, ifname);
out_free:
	nl_addr_put(local);
	rtnl_addr_put(addr);
	rtnl_link_put(link);
out_close:
	lab_nl_close(&nl);
	return ret;
}

int lab_addr_add(struct lab *lab, int host, const char *ifname, const char *cidr,
		 struct tf_err *err)
{
	return lab_addr_add_nodad(lab, host, ifname, cidr, true, err);
}

int lab_addr_add_dad(struct lab *lab, int host, const char *ifname, const char *cidr,
		     struct tf_err *err)
{
	return lab_addr_add_nodad(lab, host, ifname, cidr, false, err);
}

/* Destination any prefix ("0.0.0.0/0", "::/0"); the gateway must be a lab address. */
static int lab_route_check(const char *where, const char *dst_cidr, const char *gateway,
			   struct lab_cidr *dst, struct lab_cidr *gw, struct tf_err *err)
{
	if (lab_cidr_parse(dst_cidr, dst) < 0)
		return tf_err_set(err, -EINVAL,
				  "%s: route destination '%s' is not an address/prefix", where,
				  dst_cidr ? dst_cidr : "(null)");
	if (lab_cidr_parse(gateway, gw) < 0 || gw->plen >= 0)
		return tf_err_set(err, -EINVAL, "%s: route gateway '%s' is not an address", where,
				  gateway ? gateway : "(null)");
	if (dst->family != gw->family)
		return tf_err_set(err, -EINVAL, "%s: route %s via %s mixes IPv4 and IPv6", where,
				  dst_cidr, gateway);
	if (!lab_cidr_in_range(gw))
		return tf_err_set(
			err, -EINVAL,
			"%s: gateway %s is outside the lab's ranges 198.18.0.0/15 and 2001:2::/48",
			where, gateway);
	if (dst->plen < 0)
		dst->plen = dst->family == AF_INET ? 32 : 128;
	return 0;
}

int lab_route_add(struct lab *lab, int host, const char *dst_cidr, const char *gateway,
		  struct tf_err *err)
{
	struct nl_addr *dst = NULL, *gw = NULL;
	struct rtnl_route *route = NULL;
	struct rtnl_nexthop *nh = NULL;
	char where[LAB_NAME_MAX + 8];
	struct lab_cidr cd, cg;
	struct lab_nl nl;
	int ret;

	snprintf(where, sizeof(where), "host %s", lab_host_name(lab, host) ?: "?");
	ret = lab_route_check(where, dst_cidr, gateway, &cd, &cg, err);
	if (ret < 0)
		return ret;
	ret = lab_nl_enter(lab, host, &nl, where, sizeof(where), err);
	if (ret < 0)
		return ret;
	route = rtnl_route_alloc();
	nh = rtnl_route_nh_alloc();
	dst = lab_cidr_nl(&cd);
	gw = lab_cidr_nl(&cg);
	if (!route || !nh || !dst || !gw) {
		ret = tf_err_set(err, -ENOMEM, "%s: route %s via %s: out of memory", where,
				 dst_cidr, gateway);
		if (nh)
			rtnl_route_nh_free(nh);
		goto out_free;
	}
	/* Table main, protocol static, scope guessed from the gateway (libnl defaults). */
	rtnl_route_set_family(route, cd.family);
	rtnl_route_set_dst(route, dst);
	rtnl_route_nh_set_gateway(nh, gw);
	rtnl_route_add_nexthop(route, nh); /* the route owns @nh from here */
	ret = rtnl_route_add(nl.sk, route, NLM_F_EXCL);
	if (ret < 0)
		ret = lab_nl_fail(&nl, ret, err, "%s: route %s via %s", where, dst_cidr, gateway);
out_free:
	nl_addr_put(gw);
	nl_addr_put(dst);
	rtnl_route_put(route);
	lab_nl_close(&nl);
	return ret;
}

/* CLOCK_MONOTONIC in ms, for the lab's bounded waits. */
static long lab_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int lab_link_wait(struct lab *lab, int host, const struct lab_link_wait *w, struct tf_err *err)
{
	const struct timespec tick = { 0, w->tick_ns };
	long deadline = lab_now_ms() + (w->timeout_ms > 0 ? w->timeout_ms : 0);
	char where[LAB_NAME_MAX + 8], state[64];
	struct rtnl_link *link;
	struct lab_nl nl;
	bool ready;
	int ret;

	ret = lab_nl_enter(lab, host, &nl, where, sizeof(where), err);
	if (ret < 0)
		return ret;
	for (;;) {
		ret = lab_nl_link_get(&nl, where, w->ifname, &link, err);
		if (ret < 0)
			break;
		ready = w->ready(link, w->arg, state, sizeof(state));
		rtnl_link_put(link);
		if (ready)
			break;
		if (lab_now_ms() >= deadline) {
			ret = tf_err_set(err, -ETIMEDOUT, "%s: %s still %s after %d ms%s", where,
					 w->ifname, state, w->timeout_ms, w->hint);
			break;
		}
		nanosleep(&tick, NULL);
	}
	lab_nl_close(&nl);
	return ret;
}

static bool lab_link_oper_is_up(struct rtnl_link *link, const void *arg, char *state, size_t size)
{
	uint8_t oper = rtnl_link_get_operstate(link);
	char name[32];

	(void)arg;
	snprintf(state, size, "operstate %s", rtnl_link_operstate2str(oper, name, sizeof(name)));
	return oper == IF_OPER_UP;
}

/*
 * A veth end reports IF_OPER_UP only once both ends are administratively up
 * and the link watcher has run (linkwatch, up to a second on a busy host);
 * before that the first SYN can be dropped. Loopback reports UNKNOWN, never UP.
 */
int lab_link_wait_oper_up(struct lab *lab, int host, const char *ifname, int timeout_ms,
			  struct tf_err *err)
{
	const struct lab_link_wait w = {
		.ifname = ifname,
		.timeout_ms = timeout_ms,
		.tick_ns = LAB_OPER_POLL_NS,
		.ready = lab_link_oper_is_up,
		.hint = " (is the peer end up?)",
	};

	return lab_link_wait(lab, host, &w, err);
}
