/* case_mbox.c - the middlebox fault of a case file and the expectation on
 * its counter:
 *
 *   at TIME middlebox NAME in router idle-timeout DURATION [reset]
 *   expect middlebox NAME count [OP] N
 *
 * The router tracks connections (conntrack) and forgets one that has been
 * idle for DURATION; from then on it drops that connection's packets, or
 * with "reset" answers each with a TCP reset. Only a connection the
 * middlebox saw begin is tracked: a connect written before the middlebox is
 * refused (its packets would be dropped at once, as after a firewall that
 * lost its state, which is another experiment). Like a drop, a middlebox is
 * proven by its counter: the case must expect it. The counter expectation
 * itself is parsed with the drop's (case_drop.c, rule_mbox set).
 * Grammar and examples: docs/CASES.md.
 */
#include "case/case.h"
#include "case/case_priv.h"

#include <errno.h>
#include <string.h>

#define CASE_MBOX_IDLE_MIN_MS 1000 /* conntrack's timeouts are in whole seconds */

/**
 * case_args_mbox() - "NAME in ROUTER idle-timeout DURATION [reset]" from
 * token @i (the NAME; the keyword is token @i - 1); st->at_ms is set.
 * Return: the index after the last token used, or -EINVAL after an error.
 */
int case_args_mbox(struct case_parser *p, int i, struct case_step *st)
{
	const struct case_tok *t;
	char secs[32];

	if (case_arg_rule_name(p, i, st->rule.name))
		return -EINVAL;
	if (!case_tok_is(&p->tok[i + 1], "in")) {
		case_err_tok(p, &p->tok[i + 1], "expected 'in router', got '%s'", p->tok[i + 1].s);
		return -EINVAL;
	}
	if (p->c->topology == CASE_TOPO_ROUTED && case_arg_host(p, i + 2, &st->host))
		return -EINVAL;
	if (p->c->topology != CASE_TOPO_ROUTED || strcmp(p->c->hosts[st->host], "router")) {
		case_err_tok(
			p, &p->tok[i + 2],
			"a middlebox sits in a router, between client and server: topology routed, 'in router'");
		return -EINVAL;
	}
	st->rule.where = CASE_RULE_FORWARD;
	st->rule.from_host = -1;
	t = &p->tok[i + 3];
	if (!case_tok_is(t, "idle-timeout")) {
		case_err_tok(p, t, "expected 'idle-timeout DURATION', got '%s'", t->s);
		return -EINVAL;
	}
	if (case_arg_time(p, i + 4, &st->idle_ms))
		return -EINVAL;
	if (st->idle_ms < CASE_MBOX_IDLE_MIN_MS || st->idle_ms % 1000) {
		case_err_tok(
			p, &p->tok[i + 4],
			"bad idle-timeout '%s': conntrack counts whole seconds, at least 1 (got %s)",
			p->tok[i + 4].s, case_fmt_secs(secs, sizeof(secs), st->idle_ms));
		return -EINVAL;
	}
	if (i + 5 < p->n_tok && case_tok_is(&p->tok[i + 5], "reset")) {
		st->reset = true;
		return i + 6;
	}
	return i + 5;
}

static bool mbox_expected(const struct case_def *c, const struct case_step *st)
{
	for (int i = 0; i < c->n_expects; i++)
		if (c->expects[i].kind == CASE_EXPECT_COUNTER && c->expects[i].rule_mbox &&
		    !strcmp(c->expects[i].rule, st->rule.name))
			return true;
	return false;
}

/* Names are shared by drops, watches and middleboxes: each is a counter. */
static const struct case_step *name_owner(const struct case_parser *p, const char *name,
					  const struct case_step *skip)
{
	for (int i = 0; i < p->n_timed; i++) {
		const struct case_step *s = &p->timed[i];

		if (s != skip && !strcmp(s->rule.name, name) &&
		    (s->kind == CASE_STEP_DROP || s->kind == CASE_STEP_WATCH ||
		     s->kind == CASE_STEP_MIDDLEBOX))
			return s;
	}
	return NULL;
}

/* The first connect the middlebox would not see begin: set up before the
 * clock, or timed no later than it. NULL if none. */
static const struct case_step *connect_before(const struct case_parser *p,
					      const struct case_step *mb)
{
	for (int i = 0; i < p->n_setup; i++)
		if (p->setup[i].kind == CASE_STEP_CONNECT)
			return &p->setup[i];
	for (int i = 0; i < p->n_timed; i++)
		if (p->timed[i].kind == CASE_STEP_CONNECT && p->timed[i].at_ms <= mb->at_ms)
			return &p->timed[i];
	return NULL;
}

static void check_one(struct case_parser *p, const struct case_step *st,
		      const struct case_step **first)
{
	const struct case_step *other = name_owner(p, st->rule.name, st), *conn;
	char at[32];

	if (*first) {
		case_err(
			p, st->loc.line, st->loc.col,
			"the router already has a middlebox (line %u): its conntrack has one idle-timeout",
			(*first)->loc.line);
		return;
	}
	*first = st;
	if (other) {
		const struct case_step *early = other->loc.line < st->loc.line ? other : st;
		const struct case_step *late = early == st ? other : st;

		case_err(p, late->loc.line, late->loc.col, "the name '%s' is taken (%s on line %u)",
			 st->rule.name, case_step_name(early->kind), early->loc.line);
		return;
	}
	conn = connect_before(p, st);
	if (conn)
		case_err(
			p, conn->loc.line, conn->loc.col,
			"the middlebox (line %u) tracks only connections it sees begin: connect after it, at TIME > %s",
			st->loc.line, case_fmt_secs(at, sizeof(at), st->at_ms));
	else if (!(p->failed & CASE_FAIL_EXPECT) && !mbox_expected(p->c, st))
		case_err(
			p, st->loc.line, st->loc.col,
			"middlebox %s is not proven: a case with a middlebox must expect its counter (expect middlebox %s count N, or count >= 1)",
			st->rule.name, st->rule.name);
}

/**
 * case_check_mbox() - the checks that need the whole file: one middlebox per
 * case, its name unique among drops and watches, no connection opened before
 * it, its counter expected, and every "expect middlebox NAME" names it.
 */
void case_check_mbox(struct case_parser *p)
{
	const struct case_step *first = NULL, *st;

	for (int i = 0; i < p->n_timed; i++)
		if (p->timed[i].kind == CASE_STEP_MIDDLEBOX)
			check_one(p, &p->timed[i], &first);
	for (int i = 0; i < p->c->n_expects && !(p->failed & CASE_FAIL_STEP); i++) {
		const struct case_expect *e = &p->c->expects[i];

		if (e->kind != CASE_EXPECT_COUNTER || !e->rule_mbox)
			continue;
		st = name_owner(p, e->rule, NULL);
		if (!st)
			case_err(p, e->loc.line, e->loc.col,
				 "expect middlebox %s: the case has no middlebox called '%s'",
				 e->rule, e->rule);
		else if (st->kind != CASE_STEP_MIDDLEBOX)
			case_err(p, e->loc.line, e->loc.col,
				 "'%s' is a %s (line %u): write 'expect %s %s ...'", e->rule,
				 case_step_name(st->kind), st->loc.line, case_step_name(st->kind),
				 e->rule);
	}
}
