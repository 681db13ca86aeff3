/* sockopt.h - the socket options a peer can set: names, levels, the limits
 * the kernel enforces, and applying them with a read-back.
 *
 * Takes: a case_sockopt_kind and its value(s). Gives: the check the parser
 * runs (values the kernel would reject or silently clamp are refused with the
 * limit in the message; values with a meaning, like a negative TCP_LINGER2,
 * stay allowed) and the setsockopt()+getsockopt() the peer runs.
 */
#ifndef SOCKOPT_H
#define SOCKOPT_H

#include "case/case.h"
#include <stdbool.h>

#include "netns/tf_err.h"

/** sockopt_parse_name() - "TCP_KEEPIDLE" -> kind; -1 if unknown. */
int sockopt_parse_name(const char *name);

/**
 * sockopt_check() - would the kernel take @value (and @value2 for SO_LINGER)
 * unchanged? Limits (Linux 6.x, include/net/tcp.h): TCP_KEEPIDLE and
 * TCP_KEEPINTVL 1..32767 s, TCP_KEEPCNT 1..127, TCP_SYNCNT 1..127,
 * TCP_USER_TIMEOUT 0..INT_MAX ms, TCP_LINGER2 <= 120 s (any negative value
 * allowed), SO_KEEPALIVE 0 or 1, SO_LINGER onoff 0/1 and seconds >= 0.
 * Return: 0 or -ERANGE with "TCP_KEEPCNT=200 is out of range: the kernel allows 1..127" in @err.
 */
int sockopt_check(enum case_sockopt_kind kind, long long value, long long value2,
		  struct tf_err *err);

/**
 * sockopt_apply() - setsockopt() on @fd, then getsockopt() and compare.
 * @read_back receives what the kernel reports (for SO_LINGER, the seconds when on).
 * Return: 0, -errno from setsockopt(), or -ERANGE if the read-back differs
 * (detail in @err).
 */
int sockopt_apply(int fd, enum case_sockopt_kind kind, long long value, long long value2,
		  long long *read_back, struct tf_err *err);

#endif
