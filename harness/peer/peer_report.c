/* peer_report.c - the peer's JSON lines, socket options and address text
 * (see peer_int.h). Runs only in the peer child.
 */
#include "peer/peer_int.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "case/sockopt.h"
#include "common/clock.h"

/* strerrorname_np() (glibc 2.32) rather than case_errno_name(): the peer
 * needs no case parser; both give the same names. */
static const char *peer_errno_name(int errnum)
{
	const char *name = strerrorname_np(errnum);

	return name ? name : "E?";
}

static void peer_write_line(const struct peer_state *st, const char *buf, size_t len)
{
	ssize_t n;

	do
		n = write(st->ev_fd, buf, len);
	while (n < 0 && errno == EINTR);
	/* Other failures: the runner is gone; EOF on the command socket ends us. */
}

void peer_emit(struct peer_state *st, int64_t t_ns, const char *call, long long ret, int errnum,
	       json_t *extra)
{
	char buf[PIPE_BUF];
	json_t *o;
	size_t n;

	o = json_pack("{s:I,s:s,s:s,s:I,s:o}", "t_ns", (json_int_t)t_ns, "peer", st->conf->name,
		      "call", call, "ret", (json_int_t)ret, "errno",
		      errnum ? json_string(peer_errno_name(errnum)) : json_null());
	if (o && extra)
		json_object_update(o, extra);
	json_decref(extra);
	n = o ? json_dumpb(o, buf, sizeof(buf) - 1, JSON_COMPACT) : 0;
	json_decref(o);
	if (n == 0 || n >= sizeof(buf) - 1) {
		/* Out of memory or a detail too long for one atomic line. */
		n = (size_t)snprintf(buf, sizeof(buf) - 1,
				     "{\"t_ns\":%lld,\"peer\":\"?\",\"call\":\"report-failed\","
				     "\"ret\":-1,\"errno\":null}",
				     (long long)t_ns);
	}
	buf[n++] = '\n';
	peer_write_line(st, buf, n);
}

void peer_emit_done(struct peer_state *st, uint32_t id)
{
	peer_emit(st, mono_ns(), "done", 0, 0, json_pack("{s:I}", "cmd", (json_int_t)id));
}

static void peer_addr_str(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];
	const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;

	if (ss->ss_family == AF_INET && inet_ntop(AF_INET, &sin->sin_addr, a, sizeof(a)))
		snprintf(buf, len, "%s:%u", a, ntohs(sin->sin_port));
	else if (ss->ss_family == AF_INET6 && inet_ntop(AF_INET6, &sin6->sin6_addr, a, sizeof(a)))
		snprintf(buf, len, "[%s]:%u", a, ntohs(sin6->sin6_port));
	else
		snprintf(buf, len, "?");
}

json_t *peer_names_json(int fd, const struct sockaddr_storage *remote)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char local[INET6_ADDRSTRLEN + 8] = "?", peer[INET6_ADDRSTRLEN + 8];

	if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0)
		peer_addr_str(&ss, local, sizeof(local));
	peer_addr_str(remote, peer, sizeof(peer));
	return json_pack("{s:s,s:s}", "local", local, "remote", peer);
}

json_t *peer_revents_json(short revents)
{
	static const struct {
		short bit;
		const char *name;
	} bits[] = {
		{ POLLIN, "POLLIN" },	{ POLLOUT, "POLLOUT" }, { POLLRDHUP, "POLLRDHUP" },
		{ POLLERR, "POLLERR" }, { POLLHUP, "POLLHUP" }, { POLLNVAL, "POLLNVAL" },
	};
	char buf[80] = "";

	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		if (!(revents & bits[i].bit))
			continue;
		if (buf[0])
			strcat(buf, "|");
		strcat(buf, bits[i].name);
	}
	return json_pack("{s:s}", "revents", buf);
}

json_t *peer_json_set(json_t *obj, const char *key, json_t *value)
{
	if (obj)
		json_object_set_new(obj, key, value);
	else
		json_decref(value);
	return obj;
}

socklen_t peer_addr_len(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return sizeof(struct sockaddr_in);
	if (ss->ss_family == AF_INET6)
		return sizeof(struct sockaddr_in6);
	return 0;
}

void peer_apply_opts(struct peer_state *st, int fd)
{
	for (int i = 0; i < st->conf->n_opts; i++) {
		const struct peer_opt *o = &st->conf->opts[i];
		struct tf_err err = { .msg = "" };
		long long rb = LLONG_MIN;
		int ret = sockopt_apply(fd, o->kind, o->value, o->value2, &rb, &err);
		int64_t t = mono_ns();
		json_t *x;

		x = json_pack("{s:s,s:I}", "opt", case_sockopt_name(o->kind), "value",
			      (json_int_t)o->value);
		if (o->kind == CASE_SO_LINGER)
			peer_json_set(x, "value2", json_integer(o->value2));
		peer_json_set(x, "read_back", rb == LLONG_MIN ? json_null() : json_integer(rb));
		if (ret)
			peer_json_set(x, "detail", json_string(err.msg));
		peer_emit(st, t, "setsockopt", ret ? -1 : 0, -ret, x);
	}
}

void peer_fill_pattern(struct peer_state *st)
{
	for (size_t i = 0; i < sizeof(st->tx_buf); i++)
		st->tx_buf[i] = (unsigned char)(i % PEER_PATTERN_MOD);
}

long long peer_rx_check(const struct peer_state *st, size_t n)
{
	unsigned int want = (unsigned int)(st->rx_total % PEER_PATTERN_MOD);

	for (size_t i = 0; i < n; i++) {
		if (st->rx_buf[i] != want)
			return st->rx_total + (long long)i;
		want = want + 1 == PEER_PATTERN_MOD ? 0 : want + 1;
	}
	return -1;
}
