/* verdict.h - judge a case's expectations against what was observed.
 *
 * Takes: the parsed case and plain observations (per peer: the first errno and
 * when, EOF, bytes received, and the state history of its connection as the
 * observer sampled it). Gives: one result per expectation (pass, fail, or
 * error when nothing was observed that could decide it) and the case verdict.
 * Pure: no I/O, no clock; unit-tested.
 */
#ifndef VERDICT_H
#define VERDICT_H

#include <stdbool.h>
#include <stdint.h>

#include "case.h"

enum verdict_status {
	VERDICT_PASS,
	VERDICT_FAIL,
	VERDICT_ERROR, /* nothing observed could decide the expectation, or the run broke */
	VERDICT_SKIP,
	VERDICT_STATUS_COUNT
};

struct verdict_state_change {
	int64_t t_ms; /* case clock */
	int state; /* TCP_* or CASE_STATE_CLOSED when the socket vanished */
};

/* What one peer saw and what the observer saw of its connection. */
struct verdict_peer_obs {
	bool started; /* the peer process ran */
	bool has_conn; /* connect() succeeded or accept() returned */
	int first_errno; /* 0: none */
	int64_t first_errno_ms;
	char first_errno_call[16];
	bool eof;
	int64_t eof_ms;
	long long received;
	/* The connection's state as sampled: changes in time order, the first
	 * one when the observer first saw the socket. */
	const struct verdict_state_change *states;
	int n_states;
};

struct verdict_input {
	const struct case_def *c;
	const struct verdict_peer_obs *peers; /* indexed like c->hosts */
	int64_t fault_ms; /* time of the first fault, or -1 */
	int64_t obs_first_ms, obs_last_ms; /* the observer sampled from .. to (case clock) */
};

struct verdict_result {
	enum verdict_status status;
	char expected[160]; /* "client error ECONNRESET within 0..0.300 s after the fault" */
	char observed[200]; /* "ECONNRESET from recv at 1.012 s (0.012 s after the fault)" */
	int64_t t_ms; /* where in the timeline to look (-1: nowhere in particular) */
};

/**
 * verdict_eval() - evaluate every expectation of @in->c.
 * @out must hold in->c->n_expects results.
 * Return: the case verdict: error if any expectation is error, else fail if
 * any failed, else pass.
 */
enum verdict_status verdict_eval(const struct verdict_input *in, struct verdict_result *out);

/** verdict_status_name() - "pass", "fail", "error", "skip". */
const char *verdict_status_name(enum verdict_status s);

/**
 * verdict_state_at() - the state of a history at @t_ms.
 * Return: the state, or -1 if the history does not reach back to @t_ms.
 */
int verdict_state_at(const struct verdict_state_change *states, int n, int64_t t_ms);

/** verdict_detect_ms() - first errno or EOF after the fault, minus the fault time; -1 if none. */
int64_t verdict_detect_ms(const struct verdict_peer_obs *p, int64_t fault_ms);

#endif
