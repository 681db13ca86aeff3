/* observations.h - what a case run saw, as plain C structs: per peer its
 * syscall results (first errno, EOF, bytes) and the state history of its
 * connection as the observer sampled it; per drop or watch rule its final
 * counter.
 *
 * Also: per host the effective sysctls read back after the lab was built,
 * and per peer the socket options the kernel read back.
 *
 * Filled by run/ (from the peers' lines, the observer and the faults) and read
 * by the verdict, the timing model's glue and the report: no I/O here, and no
 * JSON (report/ writes it), so a verdict test can build observations by hand.
 * The helpers (observations.c) keep the order things were first recorded in.
 */
#ifndef OBS_OBSERVATIONS_H
#define OBS_OBSERVATIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "case/case.h"

struct obs_state_change {
	int64_t t_ms; /* case clock */
	int state; /* TCP_* or CASE_STATE_CLOSED when the socket vanished */
};

/* What one peer saw and what the observer saw of its connection. */
struct obs_peer {
	bool started; /* the peer process ran */
	bool has_conn; /* connect() succeeded or accept() returned */
	int first_errno; /* 0: none */
	int64_t first_errno_ms;
	char first_errno_call[16];
	/* The application's own first verdict on the connection, a pseudo-errno
	 * (CASE_ERRNO_HEARTBEAT_TIMEOUT): kept apart from first_errno, the
	 * kernel's, so that a case can expect both; 0: none. */
	int app_errno;
	int64_t app_errno_ms;
	bool eof;
	int64_t eof_ms;
	long long received;
	int tw_restarts; /* times the connection's TIME_WAIT timer was seen to start again */
	int64_t tw_first_restart_ms;
	/* the longest time to expiry seen on the connection's keepalive timer
	 * (sock_diag idiag_timer 2, idiag_expires); -1: never seen armed */
	int64_t ka_timer_max_ms;
	bool order_broken; /* a received byte was off the sender's pattern (lost, repeated, reordered) */
	long long order_bad_at; /* its stream offset */
	/* The connection's state as sampled: changes in time order, the first
	 * one when the observer first saw the socket. */
	const struct obs_state_change *states;
	int n_states;
};

/* A drop or watch rule's final counter (fault_drop.c). */
struct obs_counter {
	char name[CASE_RULE_NAME_MAX];
	bool watch;
	bool installed; /* the rule was put in during this run (not in a control without it) */
	uint64_t packets; /* dropped (drop) or counted (watch) */
	uint64_t matched; /* matched the rule, dropped or not ("first N" lets the rest pass) */
};

/* One sysctl's effective value, as read back ("net.ipv4.tcp_retries2" "15"). */
struct obs_sysctl {
	char key[128];
	char value[128];
};

/* A host's effective sysctls, in the order first read; growable. */
struct obs_host_sysctls {
	struct obs_sysctl *v;
	int n, cap;
};

/* Every host's (indexed like c->hosts; hosts at n_hosts and above were not reached). */
struct obs_sysctls {
	struct obs_host_sysctls hosts[CASE_MAX_HOSTS];
	int n_hosts;
};

/**
 * obs_sysctls_set() - record @key = @value in @s: a key seen before keeps its
 * place and gets the new value. Return: 0 or -ENOMEM.
 */
int obs_sysctls_set(struct obs_host_sysctls *s, const char *key, const char *value);

/** obs_sysctls_get() - the value recorded for @key; NULL if none (or NULL @s). */
const char *obs_sysctls_get(const struct obs_host_sysctls *s, const char *key);

/** obs_sysctls_free() - free every host's entries; the struct can be reused. */
void obs_sysctls_free(struct obs_sysctls *s);

#define OBS_MAX_SOCKOPTS 32

/* A socket option as the kernel read it back after the peer set it. */
struct obs_sockopt {
	char name[32]; /* "TCP_KEEPIDLE" */
	bool known; /* false: the peer could not read it back (null in case.json) */
	long long value;
};

/* A peer's read-backs, in the order first set. */
struct obs_sockopts {
	struct obs_sockopt v[OBS_MAX_SOCKOPTS];
	int n;
};

/** obs_sockopts_set() - record @name's read-back (a name seen before keeps its place). */
void obs_sockopts_set(struct obs_sockopts *s, const char *name, bool known, long long value);

#endif
