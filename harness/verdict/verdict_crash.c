/* verdict_crash.c - the expectations that read a host's kernel rather than
 * what its peer saw: a sysctl's effective value, the keepalive timer as
 * sock_diag showed it; see verdict.h. Pure: no I/O.
 */
#include "verdict/verdict.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/secs.h"

enum verdict_status verdict_eval_sysctl(const struct verdict_input *in, int idx,
					struct verdict_result *r)
{
	const struct case_expect *e = &in->c->expects[idx];
	const char *seen = in->sysctl_seen ? in->sysctl_seen[idx] : NULL;
	const char *why = in->sysctl_why ? in->sysctl_why[idx] : NULL;

	/* precisions: the key and value may be long; the line is cut, never overrun */
	snprintf(r->expected, sizeof(r->expected), "%.31s %.80s = %.40s", in->c->hosts[e->host],
		 e->sysctl_key, e->sysctl_value);
	if (!seen) {
		snprintf(r->observed, sizeof(r->observed), "not read: %s",
			 why ? why : "the runner read no sysctls");
		return VERDICT_ERROR;
	}
	snprintf(r->observed, sizeof(r->observed), "%s", seen);
	return strcmp(seen, e->sysctl_value) ? VERDICT_FAIL : VERDICT_PASS;
}

enum verdict_status verdict_eval_keepalive_timer(const struct verdict_input *in,
						 const struct case_expect *e,
						 const struct obs_peer *p, struct verdict_result *r)
{
	char lo[24], hi[24], seen[24];

	secs_fmt(lo, sizeof(lo), e->timer_lo_ms, 3);
	secs_fmt(hi, sizeof(hi), e->timer_hi_ms, 3);
	snprintf(r->expected, sizeof(r->expected),
		 "%s's keepalive timer armed %s..%s s ahead at most", in->c->hosts[e->host], lo,
		 hi);
	if (p->n_states == 0) {
		snprintf(r->observed, sizeof(r->observed), "%s",
			 p->has_conn ? "the observer never saw the connection" :
				       "the peer never had a connection");
		return VERDICT_ERROR;
	}
	if (p->ka_timer_max_ms < 0) {
		snprintf(r->observed, sizeof(r->observed),
			 "no keepalive timer was ever armed on the connection (SO_KEEPALIVE off?)");
		return VERDICT_FAIL;
	}
	secs_fmt(seen, sizeof(seen), p->ka_timer_max_ms, 3);
	snprintf(r->observed, sizeof(r->observed), "at most %s s ahead", seen);
	return verdict_band_result(
		in, p->ka_timer_max_ms >= e->timer_lo_ms && p->ka_timer_max_ms <= e->timer_hi_ms,
		r);
}
