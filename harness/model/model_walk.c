/* model_walk.c - the walk of the kernel's timer firings that every rule of
 * model_rules.c takes: firings from an origin, each up to a timer wheel's
 * granularity late, the budget check, the rule's text; see model_priv.h. */
#include "model/model.h"
#include "model/model_priv.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

void walk_init(struct walk *w, int hz, int64_t t0_j, int64_t slack0_us)
{
	memset(w, 0, sizeof(*w));
	w->hz = hz;
	w->firing = 1;
	w->t_j = t0_j;
	w->slack_us = slack0_us;
	w->var = (double)slack0_us * (double)slack0_us / 12;
	w->fire_j[w->n_fire++] = t0_j;
}

int64_t walk_t_us(const struct walk *w)
{
	return model_j_to_us(w->t_j, w->hz);
}

/* The next firing, @delay_j after this one. @absorbed: the timer was clamped
 * to a deadline computed from the real clock (TCP_USER_TIMEOUT), so earlier
 * lateness no longer adds up. */
int walk_next(struct walk *w, int64_t delay_j, bool absorbed)
{
	int64_t s = model_timer_slack_us(model_j_to_us(delay_j, w->hz), w->hz);

	if (w->n_fire >= MODEL_MAX_FIRINGS)
		return -E2BIG;
	if (absorbed) {
		w->slack_us = 0;
		w->var = 0;
	}
	w->t_j += delay_j;
	w->last_j = delay_j;
	w->slack_us += s;
	w->var += (double)s * (double)s / 12;
	w->firing++;
	w->fire_j[w->n_fire++] = w->t_j;
	if (w->n_delays < (int)MODEL_ARRAY_SIZE(w->delays_j))
		w->delays_j[w->n_delays++] = delay_j;
	return 0;
}

static void walk_mark_at(const struct walk *w, struct walk_mark *m)
{
	*m = (struct walk_mark){ .set = true,
				 .firing = w->firing,
				 .n_fire = w->n_fire,
				 .n_delays = w->n_delays,
				 .t_j = w->t_j,
				 .last_j = w->last_j,
				 .slack_us = w->slack_us,
				 .b_us = w->b_us,
				 .var = w->var };
}

/*
 * Is the current firing past a time budget @b_us for sure (nominally)? The
 * walk ends there. On the way, a firing nominally short of the budget that
 * the expected lateness (half the maximum) carries past it is the pick (the
 * predicted firing, walk_settle()); one that only a larger lateness could
 * carry past is remembered as a possible earlier end.
 */
bool walk_hits(struct walk *w, int64_t b_us)
{
	int64_t t = walk_t_us(w);
	double mean = (double)t + (double)w->slack_us / 2 - (double)b_us;

	w->b_us = b_us;
	if (t >= b_us)
		return true;
	if (w->pick.set)
		return false;
	if (mean >= 0) {
		walk_mark_at(w, &w->pick);
	} else if (t + w->slack_us >= b_us) {
		w->maybe_earlier = true;
		walk_mark_at(w, &w->early);
	}
	return false;
}

/*
 * After the walk: back to the pick if there is one. Uncertain when an
 * earlier firing could have ended it, or when the pick's margin is within
 * two standard deviations of its lateness (then the firing after it, the
 * one the walk stopped at, is the alternative). Return: true if it went back.
 */
bool walk_settle(struct walk *w, bool *uncertain)
{
	const struct walk_mark *m = &w->pick;
	double mean;

	w->alt_firing = 0;
	*uncertain = w->maybe_earlier;
	if (w->maybe_earlier) {
		w->alt_firing = w->early.firing;
		w->alt_t_us = model_j_to_us(w->early.t_j, w->hz);
		w->alt_later = false;
	}
	if (!m->set)
		return false;
	mean = (double)model_j_to_us(m->t_j, w->hz) + (double)m->slack_us / 2 - (double)m->b_us;
	if (mean * mean < 4 * m->var) {
		*uncertain = true;
		w->alt_firing = m->firing + 1;
		w->alt_t_us = model_j_to_us(w->fire_j[m->n_fire], w->hz);
		w->alt_later = true;
	}
	w->firing = m->firing;
	w->n_fire = m->n_fire;
	w->n_delays = m->n_delays;
	w->t_j = m->t_j;
	w->last_j = m->last_j;
	w->slack_us = m->slack_us;
	w->b_us = m->b_us;
	w->var = m->var;
	return true;
}

/* "+0.408, +0.816, +1.632 ... s" */
void walk_say_delays(struct model_pred *out, const struct walk *w)
{
	char b[32];

	model_say(out, "timer delays ");
	for (int i = 0; i < w->n_delays; i++)
		model_say(out, "%s+%s", i ? ", " : "",
			  model_fmt_s(b, sizeof(b), model_j_to_us(w->delays_j[i], w->hz)));
	model_say(out, "%s; ", w->firing > w->n_delays + 1 ? " ..." : "");
}

/* The two firings an uncertain prediction hesitates between, the earlier
 * first, each with the lateness (the timers' added up) that picks it. */
static void walk_either(struct model_pred *out, const struct walk *w, int64_t value_us)
{
	int64_t et, es, eb, lt;
	int ef, lf;
	char a[32], b[32], c[32], d[32], e[32], f[32];

	if (!w->alt_firing) {
		snprintf(out->either, sizeof(out->either),
			 "firing %d or a neighbouring one, as late as the timers run", out->firing);
		return;
	}
	if (w->alt_later) { /* the pick, nominally short of the budget, or the next */
		ef = out->firing;
		et = walk_t_us(w), es = w->slack_us, eb = w->b_us;
		lf = w->alt_firing - w->not_firing;
		lt = w->alt_t_us > eb ? w->alt_t_us : eb;
		out->alt_value_ms = (lt + 500) / 1000;
	} else { /* an earlier firing, if its timers ran very late, or this one */
		ef = w->early.firing - w->not_firing;
		et = model_j_to_us(w->early.t_j, w->hz), es = w->early.slack_us, eb = w->early.b_us;
		lf = out->firing;
		lt = value_us;
		out->alt_value_ms = (eb + 500) / 1000;
	}
	out->alt_firing = w->alt_later ? lf : ef;
	snprintf(out->either, sizeof(out->either),
		 "firing %d at %s .. %s if the timers have run at least %s late in all by then "
		 "(expected %s, at most %s), else firing %d at %s",
		 ef, model_fmt_s(a, sizeof(a), eb), model_fmt_s(b, sizeof(b), et + es),
		 model_fmt_s(c, sizeof(c), eb - et), model_fmt_s(d, sizeof(d), es / 2),
		 model_fmt_s(e, sizeof(e), es), lf, model_fmt_s(f, sizeof(f), lt));
}

/* value, band and the sentence that says them; @value_us >= the nominal firing. */
void walk_finish(struct model_pred *out, const struct walk *w, int64_t value_us)
{
	int64_t hi_us = walk_t_us(w) + w->slack_us, limit;
	bool peer_origin = out->origin == MODEL_ORIGIN_CONNECT ||
			   out->origin == MODEL_ORIGIN_LAST_RECV;
	char a[32], b[32], c[32], d[32];

	out->firing = w->firing - w->not_firing;
	out->value_ms = (value_us + 500) / 1000;
	out->lo_ms = value_us / 1000 - (peer_origin ? MODEL_OBS_EARLY_PEER_MS : MODEL_OBS_EARLY_MS);
	if (out->lo_ms < 0)
		out->lo_ms = 0;
	out->hi_ms = (hi_us + 999) / 1000 + MODEL_OBS_LATE_MS;
	model_say(out, "firing %d at %s nominal, up to %s late (timer wheel): ends %s .. %s",
		  out->firing, model_fmt_s(a, sizeof(a), walk_t_us(w)),
		  model_fmt_s(b, sizeof(b), w->slack_us), model_fmt_s(c, sizeof(c), value_us),
		  model_fmt_s(d, sizeof(d), hi_us));
	model_say(out, " (band %s .. %s with the observation allowance)",
		  model_fmt_s(a, sizeof(a), out->lo_ms * 1000),
		  model_fmt_s(b, sizeof(b), out->hi_ms * 1000));
	limit = out->value_ms / 20 > 300 ? out->value_ms / 20 : 300;
	if (out->hi_ms - out->lo_ms > limit)
		model_say(out, "; wider than max(0.3 s, 5%%): the timer wheel's granularity");
	if (out->uncertain) {
		walk_either(out, w, value_us);
		model_say(out, "; UNCERTAIN, the timer wheel decides: %s; predicted: firing %d",
			  out->either, out->firing);
	}
	model_say(out, ". ");
}

/*
 * ETIMEDOUT or EHOSTUNREACH: tcp_write_err() reports sk_err_soft ?: ETIMEDOUT,
 * and the ICMP host-unreachable of a FAILED neighbour entry sets
 * sk_err_soft (KERNEL-FACTS.md, Neighbour). The entry fails after REACHABLE
 * (base x 0.5..1.5 from the last confirmation, about the origin), then the
 * next packet sent, DELAY and the unicast probes; an absent entry fails after
 * the multicast probes from the first packet.
 */
void walk_neigh_errno(const struct model_params *p, const struct walk *w, struct model_pred *out,
		      int64_t lo_us, int64_t hi_us)
{
	int64_t base = p->v[MODEL_NEIGH_BASE_REACHABLE_MS] * 1000;
	int64_t probe = p->v[MODEL_NEIGH_DELAY_PROBE_S] * 1000000 +
			p->v[MODEL_NEIGH_UCAST_SOLICIT] * p->v[MODEL_NEIGH_RETRANS_MS] * 1000;
	int64_t fail_lo = -1, fail_hi = -1;
	char a[32], b[32];

	out->errnum = ETIMEDOUT;
	if (p->v[MODEL_ARP] == MODEL_ARP_ANSWERED) {
		model_say(out, "errno ETIMEDOUT (nothing set a soft error: the peer's address is "
			       "still resolved). ");
		return;
	}
	if (p->v[MODEL_ARP] == MODEL_ARP_FLUSHED) {
		fail_lo = fail_hi =
			p->v[MODEL_NEIGH_MCAST_SOLICIT] * p->v[MODEL_NEIGH_RETRANS_MS] * 1000;
	} else {
		for (int i = 0; i < w->n_fire; i++) { /* the first packet after REACHABLE ends */
			int64_t t = model_j_to_us(w->fire_j[i], w->hz);

			if (fail_lo < 0 && t >= base / 2)
				fail_lo = t + probe;
			if (fail_hi < 0 && t >= base * 3 / 2)
				fail_hi = t + probe;
		}
		if (fail_lo >= 0 && fail_hi < 0)
			fail_hi = INT64_MAX;
	}
	if (fail_lo < 0 || fail_lo > hi_us) {
		model_say(out,
			  "errno ETIMEDOUT: the neighbour entry cannot fail before the abort. ");
		return;
	}
	out->errnum = EHOSTUNREACH;
	if (fail_hi <= lo_us) {
		model_say(out,
			  "errno EHOSTUNREACH: the neighbour entry fails by %s, before the "
			  "abort, and its ICMP host-unreachable is the soft error. ",
			  model_fmt_s(a, sizeof(a), fail_hi));
		return;
	}
	out->errno_uncertain = true;
	if ((fail_hi == INT64_MAX ? hi_us : fail_hi) > lo_us + (hi_us - lo_us) / 2 &&
	    fail_lo > lo_us)
		out->errnum = ETIMEDOUT;
	model_say(out,
		  "errno %s or %s: the neighbour entry fails between %s and %s, across "
		  "the abort (base_reachable_time is randomised x0.5..1.5). ",
		  out->errnum == ETIMEDOUT ? "ETIMEDOUT" : "EHOSTUNREACH",
		  out->errnum == ETIMEDOUT ? "EHOSTUNREACH" : "ETIMEDOUT",
		  model_fmt_s(a, sizeof(a), fail_lo),
		  fail_hi == INT64_MAX ? "never" : model_fmt_s(b, sizeof(b), fail_hi));
}

int walk_hz(const struct model_params *p)
{
	return (int)p->v[MODEL_HZ];
}

/* The retransmission timer of an established or orphaned socket, from its
 * first RTO retransmission (retrans_stamp; model.h): the next firing 2 rto
 * later, doubling, capped at rto_max, clamped to TCP_USER_TIMEOUT. @orphan: tcp_orphan_retries, re-read at every
 * firing because "0 means 8" holds only while rto < rto_max. */
int walk_retrans(const struct model_params *p, bool orphan, struct walk *w, struct model_pred *out,
		 int64_t *value_us)
{
	int hz = walk_hz(p);
	int64_t max_j = model_ms_to_j(model_rto_max_ms(p), hz);
	int64_t rto = model_ms_to_j(p->v[MODEL_RTO_MS], hz), ut = p->v[MODEL_TCP_USER_TIMEOUT];
	int64_t ut_j = model_ms_to_j(ut, hz), b_us = 0;

	walk_init(w, hz, 0, 0);
	rto = rto * 2 < max_j ? rto * 2 : max_j;
	for (;;) {
		int64_t delay = rto, retries = p->v[MODEL_RETRIES2];
		bool clamped = false;

		if (ut && delay >= ut_j - w->t_j) {
			delay = ut_j - w->t_j > 0 ? ut_j - w->t_j : 1;
			clamped = true;
		}
		if (walk_next(w, delay, clamped))
			return -E2BIG;
		if (orphan) {
			retries = p->v[MODEL_ORPHAN_RETRIES];
			if (!retries && rto < max_j)
				retries = MODEL_ORPHAN_ALIVE_RETRIES;
		}
		b_us = ut ? ut * 1000 :
			    model_timeout_ms((int)retries, MODEL_RTO_MIN_MS, model_rto_max_ms(p),
					     hz) *
				       1000;
		if (walk_hits(w, b_us))
			break;
		rto = rto * 2 < max_j ? rto * 2 : max_j;
	}
	walk_settle(w, &out->uncertain);
	b_us = w->b_us;
	out->budget_ms = b_us / 1000;
	*value_us = walk_t_us(w) > b_us ? walk_t_us(w) : b_us;
	return 0;
}
