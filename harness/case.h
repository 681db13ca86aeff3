/* case.h - case files: parse a .case file into an immutable struct case_def.
 *
 * Takes: a path (or a buffer and a display name). Gives: the case's hosts,
 * sysctls, socket options, timed steps (peer actions and faults), expectations
 * and controls, each node carrying the case_loc it came from; or diagnostics
 * printed once as "file:line:col: error: msg", then the source line and a caret.
 * The parser never exits and never aborts on bad input. Grammar: docs/CASES.md.
 */
#ifndef CASE_H
#define CASE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define CASE_MAX_HOSTS 8
#define CASE_NAME_MAX 32
#define CASE_MAX_SOURCES 16
#define CASE_TITLE_MAX 200

struct case_loc {
	const char *file; /* owned by the case_def */
	unsigned int line, col; /* 1-based */
};

enum case_topology {
	CASE_TOPO_PAIR, /* client and server on one veth */
	CASE_TOPO_COUNT
};

/* Socket options a peer can set; the table in case.c gives names and limits. */
enum case_sockopt_kind {
	CASE_SO_KEEPALIVE,
	CASE_TCP_KEEPIDLE,
	CASE_TCP_KEEPINTVL,
	CASE_TCP_KEEPCNT,
	CASE_TCP_USER_TIMEOUT,
	CASE_TCP_SYNCNT,
	CASE_SO_LINGER, /* value = onoff, value2 = seconds */
	CASE_TCP_LINGER2, /* negative means "skip FIN_WAIT2" */
	CASE_SOCKOPT_COUNT
};

struct case_sockopt {
	int host;
	enum case_sockopt_kind kind;
	long long value, value2;
	struct case_loc loc;
};

struct case_sysctl {
	int host;
	char key[128]; /* dotted: net.ipv4.tcp_retries2 */
	char value[64];
	struct case_loc loc;
};

enum case_step_kind {
	/* peer actions */
	CASE_STEP_LISTEN, /* port */
	CASE_STEP_CONNECT, /* target_host, port */
	CASE_STEP_SEND, /* bytes, every_ms (0: once) */
	CASE_STEP_READ, /* start reading continuously (the default) */
	CASE_STEP_STOP_READING, /* leave data unread in the receive buffer */
	CASE_STEP_SHUTDOWN, /* shutdown(SHUT_WR) */
	CASE_STEP_CLOSE,
	/* faults */
	CASE_STEP_KILL, /* kill -9 of the host's peer process */
	CASE_STEP_COUNT
};

struct case_step {
	enum case_step_kind kind;
	int host; /* the peer acting, or the fault's victim */
	bool setup; /* no "at": runs before the clock starts, in file order */
	int64_t at_ms; /* time on the case clock (0 for setup steps) */
	int target_host; /* connect */
	int port; /* listen, connect */
	long long bytes; /* send */
	int64_t every_ms; /* send: 0 = once */
	struct case_loc loc;
};

enum case_expect_kind {
	CASE_EXPECT_ERROR, /* first errno the peer saw is errnum */
	CASE_EXPECT_NO_ERROR, /* the peer saw no errno at all */
	CASE_EXPECT_EOF, /* the peer's recv() returned 0 */
	CASE_EXPECT_STATE, /* the peer's connection was in state */
	CASE_EXPECT_RECEIVED, /* bytes the peer received in all */
	CASE_EXPECT_COUNT
};

enum case_when {
	CASE_WHEN_END, /* state at the end of the case */
	CASE_WHEN_AT, /* state at from_ms */
	CASE_WHEN_DURING, /* state at every sample from from_ms to to_ms ("stays") */
	CASE_WHEN_COUNT
};

struct case_expect {
	enum case_expect_kind kind;
	int host;
	int errnum; /* ERROR */
	int state; /* STATE: TCP_* number, or CASE_STATE_CLOSED */
	enum case_when when; /* STATE */
	int64_t from_ms, to_ms;
	long long bytes; /* RECEIVED */
	bool has_band; /* ERROR, EOF: "within LO..HI" seconds after the first fault */
	int64_t band_lo_ms, band_hi_ms;
	struct case_loc loc;
};

/* "CLOSED": the connection has no socket any more (or TCP_CLOSE). */
#define CASE_STATE_CLOSED 0

struct case_def {
	char *file; /* path as given; case_loc.file points here */
	char name[128]; /* file's base name without ".case" */
	char title[CASE_TITLE_MAX];
	char sources[CASE_MAX_SOURCES][8]; /* claim ids "A04" */
	int n_sources;
	enum case_topology topology;
	char hosts[CASE_MAX_HOSTS][CASE_NAME_MAX];
	int n_hosts;
	struct case_sysctl *sysctls;
	int n_sysctls;
	struct case_sockopt *sockopts;
	int n_sockopts;
	struct case_step *steps; /* setup steps first in file order, then timed ones by at_ms */
	int n_steps;
	struct case_expect *expects;
	int n_expects;
	uint32_t control_without; /* bitmask of (1u << case_step_kind) removed in the control run */
	struct case_loc control_loc;
	bool has_control;
	int64_t end_ms; /* "end T", or derived: last time named in the case + 1 s */
	int64_t time_limit_ms; /* hard stop for a hung case: end_ms + 30 s */
};

/**
 * case_parse_file() - read and parse @path.
 * Diagnostics go to @diag (may be NULL) as "file:line:col: error: msg" lines
 * with the source line and a caret.
 * Return: the case, or NULL after at least one diagnostic (bad file, I/O error).
 * Free with case_free().
 */
struct case_def *case_parse_file(const char *path, FILE *diag);

/**
 * case_parse_buffer() - as case_parse_file() for text already in memory;
 * @path is used for diagnostics and the case name only.
 */
struct case_def *case_parse_buffer(const char *path, const char *text, size_t len, FILE *diag);

/** case_free() - free a case; NULL does nothing. */
void case_free(struct case_def *c);

/**
 * case_control() - the control variant of @c: a copy without the steps whose
 * kinds are in c->control_without, expectations unchanged.
 * Return: a new case (free with case_free()), or NULL if @c has no control.
 */
struct case_def *case_control(const struct case_def *c);

/** case_step_name() - the keyword of a step kind ("listen", "kill", ...). */
const char *case_step_name(enum case_step_kind kind);

/** case_sockopt_name() - "SO_KEEPALIVE", ... */
const char *case_sockopt_name(enum case_sockopt_kind kind);

/** case_state_name() - "ESTABLISHED", ..., "CLOSED" for CASE_STATE_CLOSED. */
const char *case_state_name(int state);

/** case_errno_parse() - "ECONNRESET" -> ECONNRESET; -1 if not an errno name. */
int case_errno_parse(const char *name);

/** case_errno_name() - ECONNRESET -> "ECONNRESET"; "E?" for unknown values. */
const char *case_errno_name(int errnum);

/**
 * case_parse_duration() - "1.5", "1.5s", "250ms" (seconds when no unit) to ms.
 * Return: 0 and *@ms, or -EINVAL (not a number, negative, trailing garbage, too large).
 */
int case_parse_duration(const char *text, int64_t *ms);

#endif
