/* verdict.c - expectations against observations; see verdict.h. */
#include "verdict/verdict.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/secs.h"

static const char *const verdict_names[VERDICT_STATUS_COUNT] = {
	[VERDICT_PASS] = "pass",
	[VERDICT_FAIL] = "fail",
	[VERDICT_ERROR] = "error",
	[VERDICT_SKIP] = "skip",
};

const char *verdict_status_name(enum verdict_status s)
{
	if ((unsigned int)s >= VERDICT_STATUS_COUNT)
		return "?";
	return verdict_names[s];
}

int verdict_state_at(const struct obs_state_change *states, int n, int64_t t_ms)
{
	int state = -1;

	for (int i = 0; i < n && states[i].t_ms <= t_ms; i++)
		state = states[i].state;
	return state;
}

int64_t verdict_detect_ms(const struct obs_peer *p, int64_t fault_ms)
{
	int64_t t = -1;

	if (fault_ms < 0)
		return -1;
	if (p->first_errno && p->first_errno_ms >= fault_ms)
		t = p->first_errno_ms;
	if (p->eof && p->eof_ms >= fault_ms && (t < 0 || p->eof_ms < t))
		t = p->eof_ms;
	/* the application's heartbeat found it first */
	if (p->app_errno && p->app_errno_ms >= fault_ms && (t < 0 || p->app_errno_ms < t))
		t = p->app_errno_ms;
	return t < 0 ? -1 : t - fault_ms;
}

/* The model's band of a "within model" expectation, or NULL. */
static const struct model_band *model_of(const struct verdict_input *in,
					 const struct case_expect *e)
{
	if (!e->band_model || !in->models)
		return NULL;
	return &in->models[e - in->c->expects];
}

/* "within LO..HI s after the fault" (or the model's band and origin) appended
 * to @buf when the expectation has a band. */
static void describe_band(const struct verdict_input *in, const struct case_expect *e, char *buf,
			  size_t len)
{
	const struct model_band *m = model_of(in, e);
	char lo[24], hi[24];
	size_t used = strlen(buf);

	if (used >= len)
		return;
	if (e->band_model && m && m->ok && !m->never) {
		secs_fmt(lo, sizeof(lo), m->lo_ms, 3);
		secs_fmt(hi, sizeof(hi), m->hi_ms, 3);
		snprintf(buf + used, len - used, " within model %s: %s..%s s after %s", m->scenario,
			 lo, hi, m->origin);
		return;
	}
	if (e->band_model) {
		snprintf(buf + used, len - used, " within model %s",
			 m && m->scenario[0] ? m->scenario : "");
		return;
	}
	if (!e->has_band)
		return;
	secs_fmt(lo, sizeof(lo), e->band_lo_ms, 3);
	secs_fmt(hi, sizeof(hi), e->band_hi_ms, 3);
	snprintf(buf + used, len - used, " within %s..%s s after the fault", lo, hi);
}

/* Inside its band, or the timing not judged under emulation (said in the
 * observed text, flagged for the reports: never a silent pass). */
enum verdict_status verdict_band_result(const struct verdict_input *in, bool inside,
					struct verdict_result *r)
{
	size_t used = strlen(r->observed);

	if (inside)
		return VERDICT_PASS;
	if (!in->timing_emulated)
		return VERDICT_FAIL;
	r->timing_unjudged = true;
	snprintf(r->observed + used, sizeof(r->observed) - used,
		 "; outside the band: timing not judged (emulated)");
	return VERDICT_PASS;
}

/* An event at @t_ms against the timing model's band. */
static enum verdict_status check_model(const struct verdict_input *in, const struct case_expect *e,
				       int64_t t_ms, struct verdict_result *r)
{
	const struct model_band *m = model_of(in, e);
	size_t used = strlen(r->observed);
	char rel_s[24], val[24];
	int64_t rel;

	if (!m || !m->ok) {
		snprintf(r->observed + used, sizeof(r->observed) - used, ", but %s",
			 m && m->why[0] ? m->why : "the run computed no model band");
		/* The event came but the scenario's clock never started: another
		 * cause ended the connection (a control run, typically). */
		return m && m->origin[0] ? VERDICT_FAIL : VERDICT_ERROR;
	}
	if (m->never) {
		snprintf(r->observed + used, sizeof(r->observed) - used,
			 ", but the model predicts no timer ends it (%s)", m->scenario);
		return VERDICT_FAIL;
	}
	rel = t_ms - m->origin_ms;
	r->has_offset = true;
	r->offset_ms = rel;
	secs_fmt(rel_s, sizeof(rel_s), rel, 3);
	secs_fmt(val, sizeof(val), m->value_ms, 3);
	snprintf(r->observed + used, sizeof(r->observed) - used, " (%s s after %s; model %s s%s%s)",
		 rel_s, m->origin, val,
		 e->kind == CASE_EXPECT_ERROR && m->errnum && m->errnum != e->errnum ? ", errno " :
										       "",
		 e->kind == CASE_EXPECT_ERROR && m->errnum && m->errnum != e->errnum ?
			 case_errno_name(m->errnum) :
			 "");
	return verdict_band_result(in, rel >= m->lo_ms && rel <= m->hi_ms, r);
}

/* The awaited event did not come: was the case too short for the model's band? */
static enum verdict_status band_unfinished(const struct verdict_input *in,
					   const struct case_expect *e, struct verdict_result *r,
					   enum verdict_status otherwise)
{
	const struct model_band *m = model_of(in, e);
	size_t used = strlen(r->observed);
	char end[24];

	if (!m || !m->ok || m->never || m->origin_ms + m->hi_ms <= in->obs_last_ms)
		return otherwise;
	secs_fmt(end, sizeof(end), m->origin_ms + m->hi_ms, 3);
	snprintf(r->observed + used, sizeof(r->observed) - used,
		 "; the case ended before the model's band (until %s s): raise 'end'", end);
	return VERDICT_ERROR;
}

/* Is an event at @t_ms inside the expectation's band? Sets the verdict text. */
static enum verdict_status check_band(const struct verdict_input *in, const struct case_expect *e,
				      int64_t t_ms, struct verdict_result *r)
{
	char after[24];
	size_t used = strlen(r->observed);
	int64_t rel;

	if (e->band_model)
		return check_model(in, e, t_ms, r);
	if (!e->has_band)
		return VERDICT_PASS;
	if (in->fault_ms < 0) {
		snprintf(r->observed + used, sizeof(r->observed) - used, ", but no fault happened");
		return VERDICT_ERROR;
	}
	rel = t_ms - in->fault_ms;
	r->has_offset = true;
	r->offset_ms = rel;
	secs_fmt(after, sizeof(after), rel, 3);
	snprintf(r->observed + used, sizeof(r->observed) - used, " (%s s after the fault)", after);
	return verdict_band_result(in, rel >= e->band_lo_ms && rel <= e->band_hi_ms, r);
}

enum verdict_status verdict_check_band(const struct verdict_input *in, const struct case_expect *e,
				       int64_t t_ms, struct verdict_result *r)
{
	return check_band(in, e, t_ms, r);
}

/* "error HEARTBEAT_TIMEOUT": the application's own verdict, judged apart
 * from the kernel's first errno (a case expects both side by side). */
static enum verdict_status eval_app_error(const struct verdict_input *in,
					  const struct case_expect *e, const struct obs_peer *p,
					  struct verdict_result *r)
{
	char at[24];

	if (!p->app_errno) {
		snprintf(r->observed, sizeof(r->observed), "the application declared nothing%s%s",
			 p->first_errno ? "; first errno " : "",
			 p->first_errno ? case_errno_name(p->first_errno) : "");
		return band_unfinished(in, e, r, VERDICT_FAIL);
	}
	r->t_ms = p->app_errno_ms;
	secs_fmt(at, sizeof(at), p->app_errno_ms, 3);
	snprintf(r->observed, sizeof(r->observed), "%s from the heartbeat at %s s",
		 case_errno_name(p->app_errno), at);
	if (p->app_errno != e->errnum) {
		check_band(in, e, p->app_errno_ms, r);
		return VERDICT_FAIL;
	}
	return check_band(in, e, p->app_errno_ms, r);
}

static enum verdict_status eval_error(const struct verdict_input *in, const struct case_expect *e,
				      const struct obs_peer *p, struct verdict_result *r)
{
	char at[24];

	snprintf(r->expected, sizeof(r->expected), "%s error %s", in->c->hosts[e->host],
		 case_errno_name(e->errnum));
	describe_band(in, e, r->expected, sizeof(r->expected));
	if (case_errno_is_pseudo(e->errnum))
		return eval_app_error(in, e, p, r);
	if (!p->first_errno) {
		snprintf(r->observed, sizeof(r->observed), "no errno at all%s",
			 p->eof ? " (EOF only)" : "");
		return band_unfinished(in, e, r, VERDICT_FAIL);
	}
	r->t_ms = p->first_errno_ms;
	secs_fmt(at, sizeof(at), p->first_errno_ms, 3);
	snprintf(r->observed, sizeof(r->observed), "%s from %s at %s s",
		 case_errno_name(p->first_errno), p->first_errno_call, at);
	if (p->first_errno != e->errnum) {
		check_band(in, e, p->first_errno_ms, r);
		return VERDICT_FAIL;
	}
	return check_band(in, e, p->first_errno_ms, r);
}

static enum verdict_status eval_no_error(const struct verdict_input *in,
					 const struct case_expect *e, const struct obs_peer *p,
					 struct verdict_result *r)
{
	char at[24];

	snprintf(r->expected, sizeof(r->expected), "%s sees no errno", in->c->hosts[e->host]);
	if (p->app_errno && (!p->first_errno || p->app_errno_ms <= p->first_errno_ms)) {
		r->t_ms = p->app_errno_ms;
		secs_fmt(at, sizeof(at), p->app_errno_ms, 3);
		snprintf(r->observed, sizeof(r->observed), "%s from the heartbeat at %s s",
			 case_errno_name(p->app_errno), at);
		return VERDICT_FAIL;
	}
	if (!p->first_errno) {
		snprintf(r->observed, sizeof(r->observed), "no errno");
		return VERDICT_PASS;
	}
	r->t_ms = p->first_errno_ms;
	secs_fmt(at, sizeof(at), p->first_errno_ms, 3);
	snprintf(r->observed, sizeof(r->observed), "%s from %s at %s s",
		 case_errno_name(p->first_errno), p->first_errno_call, at);
	return VERDICT_FAIL;
}

static enum verdict_status eval_eof(const struct verdict_input *in, const struct case_expect *e,
				    const struct obs_peer *p, struct verdict_result *r)
{
	char at[24];

	snprintf(r->expected, sizeof(r->expected), "%s reads EOF", in->c->hosts[e->host]);
	describe_band(in, e, r->expected, sizeof(r->expected));
	if (!p->eof) {
		snprintf(r->observed, sizeof(r->observed), "no EOF%s%s",
			 p->first_errno ? "; first errno " : "",
			 p->first_errno ? case_errno_name(p->first_errno) : "");
		return band_unfinished(in, e, r, VERDICT_FAIL);
	}
	r->t_ms = p->eof_ms;
	secs_fmt(at, sizeof(at), p->eof_ms, 3);
	snprintf(r->observed, sizeof(r->observed), "EOF at %s s", at);
	return check_band(in, e, p->eof_ms, r);
}

static enum verdict_status eval_received(const struct verdict_input *in,
					 const struct case_expect *e, const struct obs_peer *p,
					 struct verdict_result *r)
{
	snprintf(r->expected, sizeof(r->expected), "%s receives %lld bytes", in->c->hosts[e->host],
		 e->bytes);
	snprintf(r->observed, sizeof(r->observed), "%lld bytes", p->received);
	if (p->order_broken) {
		/* the count alone would hide a lost block made up by a repeated one */
		snprintf(
			r->observed, sizeof(r->observed),
			"%lld bytes, but byte %lld is off the sender's pattern (lost, repeated or reordered data)",
			p->received, p->order_bad_at);
		return VERDICT_FAIL;
	}
	return p->received == e->bytes ? VERDICT_PASS : VERDICT_FAIL;
}

/* "stays STATE from A to B": every sample in [A, B] shows STATE. */
static enum verdict_status eval_state_during(const struct verdict_input *in,
					     const struct case_expect *e, const struct obs_peer *p,
					     struct verdict_result *r)
{
	char at[24];
	int s = verdict_state_at(p->states, p->n_states, e->from_ms);
	int64_t from = e->from_ms;

	/* Emulated: the steps before the window may run late (a connect 0.8 s
	 * after its time under TCG); the window starts when the connection does. */
	if (s < 0 && in->timing_emulated && p->n_states && p->states[0].t_ms < e->to_ms) {
		from = p->states[0].t_ms;
		s = p->states[0].state;
	}
	if (s < 0 || in->obs_last_ms < e->to_ms) {
		snprintf(r->observed, sizeof(r->observed),
			 "the observer did not see the connection across the whole window");
		r->t_ms = e->from_ms;
		return VERDICT_ERROR;
	}
	if (s != e->state) {
		secs_fmt(at, sizeof(at), e->from_ms, 3);
		snprintf(r->observed, sizeof(r->observed), "%s at %s s", case_state_name(s), at);
		r->t_ms = e->from_ms;
		return VERDICT_FAIL;
	}
	for (int i = 0; i < p->n_states; i++) {
		const struct obs_state_change *ch = &p->states[i];

		if (ch->t_ms <= from || ch->t_ms > e->to_ms || ch->state == e->state)
			continue;
		secs_fmt(at, sizeof(at), ch->t_ms, 3);
		snprintf(r->observed, sizeof(r->observed), "became %s at %s s",
			 case_state_name(ch->state), at);
		r->t_ms = ch->t_ms;
		return VERDICT_FAIL;
	}
	snprintf(r->observed, sizeof(r->observed), "%s throughout", case_state_name(e->state));
	if (from != e->from_ms) {
		secs_fmt(at, sizeof(at), from, 3);
		snprintf(r->observed + strlen(r->observed),
			 sizeof(r->observed) - strlen(r->observed),
			 " from %s s, when the connection began", at);
		return verdict_band_result(in, false, r);
	}
	return VERDICT_PASS;
}

/* "state STATE within ...": the first sample in STATE at or after the band's
 * origin (the first fault, or the model's clock origin) lies in the band. */
static enum verdict_status eval_state_entered(const struct verdict_input *in,
					      const struct case_expect *e, const struct obs_peer *p,
					      struct verdict_result *r)
{
	const struct model_band *m = model_of(in, e);
	int64_t origin = e->band_model ? (m && m->ok ? m->origin_ms : -1) : in->fault_ms;
	char at[24];

	snprintf(r->expected, sizeof(r->expected), "%s enters %s", in->c->hosts[e->host],
		 case_state_name(e->state));
	describe_band(in, e, r->expected, sizeof(r->expected));
	for (int i = 0; origin >= 0 && i < p->n_states; i++) {
		if (p->states[i].t_ms < origin || p->states[i].state != e->state)
			continue;
		r->t_ms = p->states[i].t_ms;
		secs_fmt(at, sizeof(at), r->t_ms, 3);
		snprintf(r->observed, sizeof(r->observed), "%s at %s s", case_state_name(e->state),
			 at);
		return check_band(in, e, r->t_ms, r);
	}
	for (int i = 0; origin < 0 && i < p->n_states; i++) {
		if (p->states[i].state != e->state)
			continue;
		/* it did enter the state, but there is no origin to count from */
		snprintf(r->observed, sizeof(r->observed), "%s", case_state_name(e->state));
		return check_band(in, e, p->states[i].t_ms, r);
	}
	snprintf(r->observed, sizeof(r->observed), "never %s%s", case_state_name(e->state),
		 origin < 0 ? "" : " after the band's origin");
	return band_unfinished(in, e, r, VERDICT_FAIL);
}

static enum verdict_status eval_state(const struct verdict_input *in, const struct case_expect *e,
				      const struct obs_peer *p, struct verdict_result *r)
{
	char from[24], to[24];
	int64_t t;
	int s;

	secs_fmt(from, sizeof(from), e->from_ms, 3);
	secs_fmt(to, sizeof(to), e->to_ms, 3);
	switch (e->when) {
	case CASE_WHEN_END:
		snprintf(r->expected, sizeof(r->expected), "%s state %s at the end",
			 in->c->hosts[e->host], case_state_name(e->state));
		break;
	case CASE_WHEN_AT:
		snprintf(r->expected, sizeof(r->expected), "%s state %s at %s s",
			 in->c->hosts[e->host], case_state_name(e->state), from);
		break;
	case CASE_WHEN_DURING:
		snprintf(r->expected, sizeof(r->expected), "%s stays %s from %s to %s s",
			 in->c->hosts[e->host], case_state_name(e->state), from, to);
		break;
	case CASE_WHEN_COUNT:
		return VERDICT_ERROR;
	}
	/* A connection the application never got (a SYN_SENT that failed, a
	 * request the server never accepted) has a history too when the runner
	 * knew its addresses (the attempt's, or the other side's mirrored). */
	if (p->n_states == 0) {
		snprintf(r->observed, sizeof(r->observed), "%s",
			 p->has_conn ? "the observer never saw the connection" :
				       "the peer never had a connection");
		return VERDICT_ERROR;
	}
	if (e->has_band || e->band_model)
		return eval_state_entered(in, e, p, r);
	if (e->when == CASE_WHEN_DURING)
		return eval_state_during(in, e, p, r);
	t = e->when == CASE_WHEN_END ? in->obs_last_ms : e->from_ms;
	s = verdict_state_at(p->states, p->n_states, t);
	r->t_ms = t;
	if (s < 0 || t > in->obs_last_ms) {
		snprintf(r->observed, sizeof(r->observed), "not observed at that time");
		return VERDICT_ERROR;
	}
	snprintf(r->observed, sizeof(r->observed), "%s", case_state_name(s));
	return s == e->state ? VERDICT_PASS : VERDICT_FAIL;
}

/* The judges whose expectation is not on a peer, in the common signature. */
static enum verdict_status eval_wire(const struct verdict_input *in, const struct case_expect *e,
				     const struct obs_peer *p, struct verdict_result *r)
{
	(void)p;
	return verdict_eval_wire(in, e, r);
}

static enum verdict_status eval_counter(const struct verdict_input *in, const struct case_expect *e,
					const struct obs_peer *p, struct verdict_result *r)
{
	(void)p;
	return verdict_eval_counter(in, e, r);
}

static enum verdict_status eval_sysctl(const struct verdict_input *in, const struct case_expect *e,
				       const struct obs_peer *p, struct verdict_result *r)
{
	(void)p;
	return verdict_eval_sysctl(in, (int)(e - in->c->expects), r);
}

static enum verdict_status eval_program(const struct verdict_input *in, const struct case_expect *e,
					const struct obs_peer *p, struct verdict_result *r)
{
	(void)p;
	return verdict_eval_program(in, e, r);
}

typedef enum verdict_status verdict_eval_fn(const struct verdict_input *in,
					    const struct case_expect *e, const struct obs_peer *p,
					    struct verdict_result *r);

/* One judge per kind of expectation; the only dispatch on it. */
static const struct verdict_judge {
	/* on the host's peer: an error when the host ran none. Else @p is NULL
	 * when the expectation has no host. */
	bool on_peer;
	verdict_eval_fn *eval;
} judges[CASE_EXPECT_COUNT] = {
	[CASE_EXPECT_ERROR] = { true, eval_error },
	[CASE_EXPECT_NO_ERROR] = { true, eval_no_error },
	[CASE_EXPECT_EOF] = { true, eval_eof },
	[CASE_EXPECT_STATE] = { true, eval_state },
	[CASE_EXPECT_RECEIVED] = { true, eval_received },
	[CASE_EXPECT_WIRE] = { false, eval_wire }, /* the capture, not the peer: any host */
	[CASE_EXPECT_COUNTER] = { false, eval_counter }, /* a rule's counter: host is -1 */
	[CASE_EXPECT_NO_CONNECTION] = { true, verdict_eval_no_connection },
	[CASE_EXPECT_TW_RESTARTS] = { true, verdict_eval_tw_restarts },
	[CASE_EXPECT_SYSCTL] = { false, eval_sysctl }, /* the host's namespace: no peer needed */
	[CASE_EXPECT_KEEPALIVE_TIMER] = { true, verdict_eval_keepalive_timer },
	/* the host's own program, not a peer (verdict_exec.c) */
	[CASE_EXPECT_EXIT] = { false, eval_program },
	[CASE_EXPECT_OUTPUT] = { false, eval_program },
	[CASE_EXPECT_SOCKET_ERROR] = { false, eval_program },
};

static enum verdict_status eval_one(const struct verdict_input *in, const struct case_expect *e,
				    struct verdict_result *r)
{
	const struct obs_peer *p = e->host >= 0 ? &in->peers[e->host] : NULL;
	const struct verdict_judge *j =
		(unsigned int)e->kind < CASE_EXPECT_COUNT ? &judges[e->kind] : NULL;

	memset(r, 0, sizeof(*r));
	r->t_ms = -1;
	if (!j || !j->eval)
		return VERDICT_ERROR;
	if (j->on_peer && !p->started) {
		snprintf(r->expected, sizeof(r->expected), "an expectation on %s",
			 in->c->hosts[e->host]);
		snprintf(r->observed, sizeof(r->observed), "%s ran no peer", in->c->hosts[e->host]);
		return VERDICT_ERROR;
	}
	return j->eval(in, e, p, r);
}

enum verdict_status verdict_eval(const struct verdict_input *in, struct verdict_result *out)
{
	bool any_fail = false, any_error = false;

	for (int i = 0; i < in->c->n_expects; i++) {
		out[i].status = eval_one(in, &in->c->expects[i], &out[i]);
		any_fail |= out[i].status == VERDICT_FAIL;
		any_error |= out[i].status == VERDICT_ERROR;
	}
	if (any_error)
		return VERDICT_ERROR;
	return any_fail ? VERDICT_FAIL : VERDICT_PASS;
}
