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

#include "case/case.h"

struct wire_host; /* wire.h */

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
	const struct verdict_state_change *states;
	int n_states;
};

/* A drop or watch rule's final counter (fault_drop.c). */
struct verdict_counter {
	char name[CASE_RULE_NAME_MAX];
	bool watch;
	bool installed; /* the rule was put in during this run (not in a control without it) */
	uint64_t packets; /* dropped (drop) or counted (watch) */
	uint64_t matched; /* matched the rule, dropped or not ("first N" lets the rest pass) */
};

/* The timing model's band for one "within model" expectation (model_env.c). */
struct verdict_model {
	bool ok; /* a prediction with a recorded origin; else why says what is missing */
	bool never; /* the model predicts that no timer ends the connection */
	bool uncertain; /* a neighbouring timer firing is possible too */
	int64_t origin_ms; /* case clock: when the model's clock started */
	int64_t value_ms, lo_ms, hi_ms; /* from the origin */
	int errnum; /* the errno the model predicts (0: none) */
	char scenario[24]; /* "data-timeout" */
	char origin[48]; /* "the first RTO retransmission" */
	char why[200];
	char rule[1100]; /* the rule applied, with the effective parameters */
};

struct verdict_input {
	const struct case_def *c;
	const struct verdict_peer_obs *peers; /* indexed like c->hosts */
	int64_t fault_ms; /* time of the first fault, or -1 */
	int64_t obs_first_ms, obs_last_ms; /* the observer sampled from .. to (case clock) */
	/* per expectation (like c->expects): the timing model's band of each
	 * "within model" one; NULL when the case has none */
	const struct verdict_model *models;
	/* per host (like c->hosts), what its packet capture saw; NULL: no capture ran */
	const struct wire_host *wire;
	const struct verdict_counter *counters; /* the drop and watch rules of the run */
	int n_counters;
	/* per expectation (like c->expects): for "sysctl", the value read back in
	 * the host's namespace after the run (blanks folded); NULL otherwise, or
	 * when it could not be read (sysctl_why[i] then says why, or NULL) */
	const char *const *sysctl_seen;
	const char *const *sysctl_why;
};

struct verdict_result {
	enum verdict_status status;
	char expected[160]; /* "client error ECONNRESET within 0..0.300 s after the fault" */
	char observed[200]; /* "ECONNRESET from recv at 1.012 s (0.012 s after the fault)" */
	int64_t t_ms; /* where in the timeline to look (-1: nowhere in particular) */
	/* a timed expectation ("within"): the observed event minus the band's
	 * origin (the first fault, or the model's clock origin) */
	bool has_offset;
	int64_t offset_ms;
};

/**
 * verdict_eval() - evaluate every expectation of @in->c.
 * @out must hold in->c->n_expects results.
 * Return: the case verdict: error if any expectation is error, else fail if
 * any failed, else pass.
 */
enum verdict_status verdict_eval(const struct verdict_input *in, struct verdict_result *out);

/**
 * verdict_eval_wire() - one "expect wire" expectation against @in->wire
 * (verdict_wire.c). Error when the host had no capture or it lost packets.
 */
enum verdict_status verdict_eval_wire(const struct verdict_input *in, const struct case_expect *e,
				      struct verdict_result *r);

/**
 * verdict_eval_counter() - "expect drop|watch NAME count [OP] N" against
 * @in->counters (verdict_drop.c). Skip when the rule was not put in during this
 * run (a control without it); the other expectations then decide.
 */
enum verdict_status verdict_eval_counter(const struct verdict_input *in,
					 const struct case_expect *e, struct verdict_result *r);

/** verdict_eval_tw_restarts() - "expect HOST timewait-restarts [OP] N" (verdict_drop.c). */
enum verdict_status verdict_eval_tw_restarts(const struct verdict_input *in,
					     const struct case_expect *e,
					     const struct verdict_peer_obs *p,
					     struct verdict_result *r);

/** verdict_eval_no_connection() - "expect HOST no-connection" (verdict_drop.c). */
enum verdict_status verdict_eval_no_connection(const struct verdict_input *in,
					       const struct case_expect *e,
					       const struct verdict_peer_obs *p,
					       struct verdict_result *r);

/**
 * verdict_eval_sysctl() - "expect HOST sysctl KEY VALUE" against
 * @in->sysctl_seen[@idx] (verdict_crash.c). Error when it could not be read.
 */
enum verdict_status verdict_eval_sysctl(const struct verdict_input *in, int idx,
					struct verdict_result *r);

/**
 * verdict_eval_keepalive_timer() - "expect HOST keepalive-timer LO..HI": the
 * longest time to expiry the observer saw on the keepalive timer of the peer's
 * connection lies in LO..HI (verdict_crash.c). Fail when it was never armed.
 */
enum verdict_status verdict_eval_keepalive_timer(const struct verdict_input *in,
						 const struct case_expect *e,
						 const struct verdict_peer_obs *p,
						 struct verdict_result *r);

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
