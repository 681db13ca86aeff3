/* verdict_drop.c - the expectations that come with the drop fault: a rule's
 * counter ("expect drop|watch NAME count [OP] N"), a connection the
 * application never got ("no-connection"), and restarts of the TIME_WAIT
 * timer ("timewait-restarts"). Pure, like verdict.c; see verdict.h.
 */
#include "verdict/verdict.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/secs.h"

/* "3", ">= 1" */
static void fmt_count(char *buf, size_t len, enum case_cmp cmp, long long n)
{
	const char *op = case_cmp_name(cmp);

	snprintf(buf, len, "%s%s%lld", op, *op ? " " : "", n);
}

static const struct obs_counter *counter_find(const struct verdict_input *in,
					      const struct case_expect *e)
{
	for (int i = 0; i < in->n_counters; i++)
		if (in->counters[i].watch == e->rule_watch &&
		    !strcmp(in->counters[i].name, e->rule))
			return &in->counters[i];
	return NULL;
}

enum verdict_status verdict_eval_counter(const struct verdict_input *in,
					 const struct case_expect *e, struct verdict_result *r)
{
	const struct obs_counter *k = counter_find(in, e);
	const char *what = e->rule_watch ? "counted" :
			   e->rule_mbox	 ? "of forgotten flows stopped" :
					   "dropped";
	char n[32];

	fmt_count(n, sizeof(n), e->cmp, e->count);
	snprintf(r->expected, sizeof(r->expected), "%s %s: %s packets %s",
		 e->rule_watch ? "watch" :
		 e->rule_mbox  ? "middlebox" :
				 "drop",
		 e->rule, n, what);
	if (!k || !k->installed) {
		/* The control run removed the rule: this expectation cannot tell
		 * anything; the case's other expectations must make it fail. */
		snprintf(r->observed, sizeof(r->observed),
			 "the rule was not put in during this run");
		return VERDICT_SKIP;
	}
	if (e->rule_watch)
		snprintf(r->observed, sizeof(r->observed), "%" PRIu64 " packets counted",
			 k->packets);
	else if (e->rule_mbox)
		snprintf(r->observed, sizeof(r->observed), "%" PRIu64 " packets stopped",
			 k->packets);
	else
		snprintf(r->observed, sizeof(r->observed),
			 "%" PRIu64 " packets dropped (%" PRIu64 " matched)", k->packets,
			 k->matched);
	if (!case_cmp_holds(e->cmp, (long long)k->packets, e->count))
		return VERDICT_FAIL;
	return VERDICT_PASS;
}

enum verdict_status verdict_eval_no_connection(const struct verdict_input *in,
					       const struct case_expect *e,
					       const struct obs_peer *p, struct verdict_result *r)
{
	snprintf(r->expected, sizeof(r->expected), "%s's application never gets a connection",
		 in->c->hosts[e->host]);
	snprintf(r->observed, sizeof(r->observed), "%s",
		 p->has_conn ? "connect() or accept() succeeded" : "no connection");
	return p->has_conn ? VERDICT_FAIL : VERDICT_PASS;
}

enum verdict_status verdict_eval_tw_restarts(const struct verdict_input *in,
					     const struct case_expect *e, const struct obs_peer *p,
					     struct verdict_result *r)
{
	char n[32];

	fmt_count(n, sizeof(n), e->cmp, e->count);
	snprintf(r->expected, sizeof(r->expected), "%s's TIME_WAIT timer starts again %s times",
		 in->c->hosts[e->host], n);
	if (p->n_states == 0) {
		snprintf(r->observed, sizeof(r->observed), "the observer never saw the connection");
		return VERDICT_ERROR;
	}
	if (p->tw_restarts) {
		char at[SECS_LEN];

		r->t_ms = p->tw_first_restart_ms;
		snprintf(r->observed, sizeof(r->observed), "%d times, first at %s s",
			 p->tw_restarts, secs_fmt(at, sizeof(at), p->tw_first_restart_ms, 3));
	} else {
		snprintf(r->observed, sizeof(r->observed), "never");
	}
	return case_cmp_holds(e->cmp, p->tw_restarts, e->count) ? VERDICT_PASS : VERDICT_FAIL;
}
