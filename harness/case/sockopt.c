/* sockopt.c - names, limits and application of the peer's socket options. */
#include "case/sockopt.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

/* Limits from include/net/tcp.h (MAX_TCP_KEEPIDLE, MAX_TCP_KEEPINTVL,
 * MAX_TCP_KEEPCNT, MAX_TCP_SYNCNT, TCP_FIN_TIMEOUT_MAX / HZ): past them
 * setsockopt() fails with EINVAL, or, for TCP_LINGER2, silently clamps. */
struct sockopt_desc {
	const char *name;
	int level, optname;
	long long min, max;
	bool negative_means_off; /* TCP_LINGER2: any value < 0 is "no FIN_WAIT2" */
	const char *unit;
};

static const struct sockopt_desc sockopt_table[CASE_SOCKOPT_COUNT] = {
	[CASE_SO_KEEPALIVE] = { "SO_KEEPALIVE", SOL_SOCKET, SO_KEEPALIVE, 0, 1, false, "" },
	[CASE_TCP_KEEPIDLE] = { "TCP_KEEPIDLE", IPPROTO_TCP, TCP_KEEPIDLE, 1, 32767, false, " s" },
	[CASE_TCP_KEEPINTVL] = { "TCP_KEEPINTVL", IPPROTO_TCP, TCP_KEEPINTVL, 1, 32767, false,
				 " s" },
	[CASE_TCP_KEEPCNT] = { "TCP_KEEPCNT", IPPROTO_TCP, TCP_KEEPCNT, 1, 127, false, "" },
	[CASE_TCP_USER_TIMEOUT] = { "TCP_USER_TIMEOUT", IPPROTO_TCP, TCP_USER_TIMEOUT, 0, INT_MAX,
				    false, " ms" },
	[CASE_TCP_SYNCNT] = { "TCP_SYNCNT", IPPROTO_TCP, TCP_SYNCNT, 1, 127, false, "" },
	[CASE_SO_LINGER] = { "SO_LINGER", SOL_SOCKET, SO_LINGER, 0, 1, false, "" },
	[CASE_TCP_LINGER2] = { "TCP_LINGER2", IPPROTO_TCP, TCP_LINGER2, 0, 120, true, " s" },
};

const char *case_sockopt_name(enum case_sockopt_kind kind)
{
	if ((unsigned int)kind >= CASE_SOCKOPT_COUNT)
		return "?";
	return sockopt_table[kind].name;
}

int sockopt_parse_name(const char *name)
{
	for (int i = 0; i < CASE_SOCKOPT_COUNT; i++)
		if (strcmp(sockopt_table[i].name, name) == 0)
			return i;
	return -1;
}

int sockopt_check(enum case_sockopt_kind kind, long long value, long long value2,
		  struct tf_err *err)
{
	const struct sockopt_desc *d;

	if ((unsigned int)kind >= CASE_SOCKOPT_COUNT)
		return tf_err_set(err, -EINVAL, "unknown socket option");
	d = &sockopt_table[kind];
	if (kind == CASE_SO_LINGER) {
		if (value < 0 || value > 1)
			return tf_err_set(
				err, -ERANGE,
				"SO_LINGER=%lld,%lld is out of range: on/off must be 0 or 1", value,
				value2);
		if (value2 < 0 || value2 > INT_MAX)
			return tf_err_set(
				err, -ERANGE,
				"SO_LINGER=%lld,%lld is out of range: seconds must be 0..%d", value,
				value2, INT_MAX);
		return 0;
	}
	if (value < 0 && d->negative_means_off)
		return 0;
	if (value < d->min || value > d->max)
		return tf_err_set(err, -ERANGE,
				  "%s=%lld is out of range: the kernel allows %lld..%lld%s%s",
				  d->name, value, d->min, d->max, d->unit,
				  d->negative_means_off ? " (or a negative value for none)" : "");
	return 0;
}

/* What getsockopt() should report after setting @value: TCP_LINGER2 reads
 * back -1 for any negative value (tcp_sock_set_linger2 stores -1). */
static long long sockopt_expected_read_back(enum case_sockopt_kind kind, long long value)
{
	if (kind == CASE_TCP_LINGER2 && value < 0)
		return -1;
	if (kind == CASE_SO_KEEPALIVE)
		return value != 0;
	return value;
}

int sockopt_apply(int fd, enum case_sockopt_kind kind, long long value, long long value2,
		  long long *read_back, struct tf_err *err)
{
	const struct sockopt_desc *d;
	struct linger lg;
	socklen_t len;
	int v, ret;

	ret = sockopt_check(kind, value, value2, err);
	if (ret)
		return ret;
	d = &sockopt_table[kind];
	if (kind == CASE_SO_LINGER) {
		lg = (struct linger){ .l_onoff = (int)value, .l_linger = (int)value2 };
		if (setsockopt(fd, d->level, d->optname, &lg, sizeof(lg)) < 0)
			return tf_err_set(err, -errno, "setsockopt(SO_LINGER): %s",
					  strerror(errno));
		len = sizeof(lg);
		if (getsockopt(fd, d->level, d->optname, &lg, &len) < 0)
			return tf_err_set(err, -errno, "getsockopt(SO_LINGER): %s",
					  strerror(errno));
		*read_back = lg.l_onoff ? lg.l_linger : -1;
		if (!lg.l_onoff != !value || (value && lg.l_linger != value2))
			return tf_err_set(err, -ERANGE, "SO_LINGER=%lld,%lld reads back %d,%d",
					  value, value2, lg.l_onoff, lg.l_linger);
		return 0;
	}
	v = (int)value;
	if (setsockopt(fd, d->level, d->optname, &v, sizeof(v)) < 0)
		return tf_err_set(err, -errno, "setsockopt(%s=%lld): %s", d->name, value,
				  strerror(errno));
	len = sizeof(v);
	if (getsockopt(fd, d->level, d->optname, &v, &len) < 0)
		return tf_err_set(err, -errno, "getsockopt(%s): %s", d->name, strerror(errno));
	*read_back = v;
	/* TCP_LINGER2=0 means "use tcp_fin_timeout", and getsockopt() reports that value. */
	if (kind == CASE_TCP_LINGER2 && value == 0)
		return 0;
	if (v != sockopt_expected_read_back(kind, value))
		return tf_err_set(err, -ERANGE, "%s=%lld reads back %d", d->name, value, v);
	return 0;
}
