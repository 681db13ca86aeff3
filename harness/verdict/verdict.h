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
#include "model/model.h"
#include "obs/observations.h"
#include "obs/obs_program.h"

struct wire_host; /* wire.h */

enum verdict_status {
	VERDICT_PASS,
	VERDICT_FAIL,
	VERDICT_ERROR, /* nothing observed could decide the expectation, or the run broke */
	VERDICT_SKIP,
	VERDICT_STATUS_COUNT
};

struct verdict_input {
	const struct case_def *c;
	const struct obs_peer *peers; /* indexed like c->hosts */
	int64_t fault_ms; /* time of the first fault, or -1 */
	int64_t obs_first_ms, obs_last_ms; /* the observer sampled from .. to (case clock) */
	/* per expectation (like c->expects): the timing model's band of each
	 * "within model" one; NULL when the case has none */
	const struct model_band *models;
	/* per host (like c->hosts), what its packet capture saw; NULL: no capture ran */
	const struct wire_host *wire;
	const struct obs_counter *counters; /* the drop and watch rules of the run */
	int n_counters;
	/* per expectation (like c->expects): for "sysctl", the value read back in
	 * the host's namespace after the run (blanks folded); NULL otherwise, or
	 * when it could not be read (sysctl_why[i] then says why, or NULL) */
	const char *const *sysctl_seen;
	const char *const *sysctl_why;
	/* per host, what its own programs did ("HOST exec"); NULL: it ran none */
	const struct obs_program *programs[CASE_MAX_HOSTS];
	/* the run is under software emulation (a TCG guest): an event outside
	 * its time band is reported, not judged (timing_unjudged); what came,
	 * its errno, states and counts are still judged */
	bool timing_emulated;
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
	/* timing_emulated: the event came outside its band; the verdict is the
	 * rest of the expectation's, and the text says "timing not judged" */
	bool timing_unjudged;
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
					     const struct case_expect *e, const struct obs_peer *p,
					     struct verdict_result *r);

/** verdict_eval_no_connection() - "expect HOST no-connection" (verdict_drop.c). */
enum verdict_status verdict_eval_no_connection(const struct verdict_input *in,
					       const struct case_expect *e,
					       const struct obs_peer *p, struct verdict_result *r);

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
						 const struct obs_peer *p,
						 struct verdict_result *r);

/**
 * verdict_eval_program() - "expect HOST exit|output|socket error" against
 * @in->programs[e->host] (verdict_exec.c). Error when the host ran no program.
 */
enum verdict_status verdict_eval_program(const struct verdict_input *in,
					 const struct case_expect *e, struct verdict_result *r);

/**
 * verdict_check_band() - is an event at @t_ms inside @e's band ("within",
 * counted from the first fault)? Appends to r->observed; pass without a band.
 */
enum verdict_status verdict_check_band(const struct verdict_input *in, const struct case_expect *e,
				       int64_t t_ms, struct verdict_result *r);

/**
 * verdict_band_result() - the verdict of a time measured against its band:
 * pass when @inside; outside, fail, or under in->timing_emulated pass with
 * r->timing_unjudged set and "timing not judged (emulated)" appended to
 * r->observed.
 */
enum verdict_status verdict_band_result(const struct verdict_input *in, bool inside,
					struct verdict_result *r);

/** verdict_status_name() - "pass", "fail", "error", "skip". */
const char *verdict_status_name(enum verdict_status s);

/**
 * verdict_state_at() - the state of a history at @t_ms.
 * Return: the state, or -1 if the history does not reach back to @t_ms.
 */
int verdict_state_at(const struct obs_state_change *states, int n, int64_t t_ms);

/** verdict_detect_ms() - first errno or EOF after the fault, minus the fault time; -1 if none. */
int64_t verdict_detect_ms(const struct obs_peer *p, int64_t fault_ms);

#endif
