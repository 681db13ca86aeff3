/* test_case_drop.c - unit tests of the drop grammar of case files
 * (harness/case_drop.c and its entries in case_stmt.c, case_expect.c):
 * drop, watch and lift steps, "expect drop|watch NAME count", the
 * "timewait-restarts" and "no-connection" expectations, and the rule that a
 * case that drops must expect its counter.
 *
 * Like test_case.c: each error has a row with the exact first line of the
 * diagnostic; good files are checked field by field.
 */
#include "case/case.h"
#include "case_check.h"

#include <check.h>

#include "check_run.h"
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T "title t\nserver listen 8080\nat 0 client connect server 8080\n"
#define E "expect client no-error\n"
#define D "at 0 drop d at server ingress from client SYN\n"
#define ED "expect drop d count >= 1\n"

static const struct bad_case bad_cases[] = {
	/* the rule a drop is proven by its counter */
	{ "drop without expectation", T D E,
	  "t.case:4:1: error: drop d is not proven: a case that drops must expect its counter "
	  "(expect drop d count N, or count >= 1)" },
	{ "expect unknown drop", T E "expect drop x count 1\n",
	  "t.case:5:1: error: expect drop x: the case has no drop called 'x'" },
	{ "expect drop of a watch",
	  T "at 0 watch w at server ingress SYN\n" E "expect drop w count 1\n",
	  "t.case:6:1: error: 'w' is a watch (line 4): write 'expect watch w ...'" },
	{ "until lifted without lift", T "at 0 drop d at server ingress SYN until lifted\n" ED E,
	  "t.case:4:1: error: drop d is 'until lifted' but no 'lift d' follows" },
	/* drop arguments */
	{ "missing args", T "at 0 drop d at server\n" ED E,
	  "t.case:4:6: error: 'drop' needs NAME at HOST ingress [from HOST] SEGMENT" },
	{ "bad name", T "at 0 drop Syn at server ingress SYN\n" E,
	  "t.case:4:11: error: bad rule name 'Syn': a lower-case letter, then letters, digits, "
	  "'-' or '_', at most 23" },
	{ "egress refused", T "at 0 drop d at client egress SYN\n" ED E,
	  "t.case:4:23: error: expected 'ingress', got 'egress' (rules never sit on a sender's "
	  "egress: a local drop changes TCP's behaviour)" },
	{ "not at or in", T "at 0 drop d on server ingress SYN\n" ED E,
	  "t.case:4:13: error: expected 'at HOST ingress' or 'in ROUTER', got 'on'" },
	{ "in a host that does not forward", T "at 0 drop d in server SYN\n" ED E,
	  "t.case:4:16: error: 'in server': only a router forwards; write 'at server ingress' "
	  "(topology routed has a router)" },
	{ "unknown host", T "at 0 drop d at srv ingress SYN\n" ED E,
	  "t.case:4:16: error: unknown host 'srv': this case's hosts are client, server" },
	{ "from itself", T "at 0 drop d at server ingress from server SYN\n" ED E,
	  "t.case:4:36: error: packets from server never reach server's own ingress" },
	{ "segment lower case", T "at 0 drop d at server ingress syn\n" ED E,
	  "t.case:4:31: error: unknown segment 'syn'; did you mean 'SYN'?" },
	{ "segment unknown", T "at 0 drop d at server ingress PUSHED\n" ED E,
	  "t.case:4:31: error: unknown segment 'PUSHED': expected SYN, SYN-ACK, ACK, DATA, FIN, RST "
	  "or ANY, or match \"NFT EXPRESSION\"" },
	{ "segment missing", T "at 0 drop d at server ingress from client\n" ED E,
	  "t.case:4:36: error: missing SEGMENT (SYN, SYN-ACK, ACK, DATA, FIN, RST, ANY) or "
	  "match \"EXPR\" after 'client'" },
	{ "match unquoted", T "at 0 drop d at server ingress match tcp dport 80\n" ED E,
	  "t.case:4:37: error: 'match' needs a quoted nft expression: match \"tcp dport 8080\"" },
	{ "match unclosed", T "at 0 drop d at server ingress match \"tcp dport 80\n" ED E,
	  "t.case:4:37: error: no closing '\"' for this match" },
	{ "match with a second command",
	  T "at 0 drop d at server ingress match \"tcp; flush ruleset\"\n" ED E,
	  "t.case:4:37: error: a match cannot contain '#' (a comment) or ';' (a second command)" },
	{ "match with a comment", T "at 0 drop d at server ingress match \"tcp # x\"\n" ED E,
	  "t.case:4:37: error: a match cannot contain '#' (a comment) or ';' (a second command)" },
	{ "first zero", T "at 0 drop d at server ingress SYN first 0\n" ED E,
	  "t.case:4:41: error: bad count '0': expected 1..1000000" },
	{ "first on a watch", T "at 0 watch w at server ingress SYN first 2\n" E,
	  "t.case:4:36: error: a watch counts every match: 'first' is for drops" },
	{ "for zero", T "at 0 drop d at server ingress SYN for 0\n" ED E,
	  "t.case:4:39: error: 'for' needs a duration above 0, got '0'" },
	{ "until what", T "at 0 drop d at server ingress SYN until later\n" ED E,
	  "t.case:4:35: error: expected 'until lifted'" },
	{ "trailing word", T "at 0 drop d at server ingress SYN often\n" ED E,
	  "t.case:4:35: error: expected 'first N', 'for DURATION' or 'until lifted', got 'often'" },
	{ "two modifiers", T "at 0 drop d at server ingress SYN first 1 for 2\n" ED E,
	  "t.case:4:43: error: unexpected 'for' after 'at 0 drop d at server ingress SYN first 1'" },
	{ "name taken", T D "at 1 watch d at client ingress SYN-ACK\n" ED E,
	  "t.case:5:12: error: the name 'd' is taken (drop on line 4)" },
	{ "for past the end", T "at 1 drop d at server ingress SYN for 5\nend 3\n" ED E,
	  "t.case:4:39: error: the end of the drop at 6.0 s is after the end of the case (3.0 s)" },
	/* lift */
	{ "lift unknown", T D "at 1 lift x\n" ED E,
	  "t.case:5:11: error: no drop or watch called 'x' before this line" },
	{ "lift twice",
	  T "at 0 drop d at server ingress SYN until lifted\nat 1 lift d\nat 2 lift d\n" ED E,
	  "t.case:6:11: error: 'd' is already lifted on line 5" },
	{ "lift without time", T D "lift d\n" ED E,
	  "t.case:5:1: error: 'lift' is a fault and needs a time: at TIME lift NAME" },
	/* expectations */
	{ "expect drop without count", T D "expect drop d 3\n" E,
	  "t.case:5:8: error: 'drop' needs NAME count N (or count >= N, <= N, > N, < N)" },
	{ "expect drop count word", T D "expect drop d counted 3\n" E,
	  "t.case:5:15: error: expected 'count', got 'counted'" },
	{ "expect drop bad op", T D "expect drop d count => 3\n" E,
	  "t.case:5:21: error: bad comparison '=>': expected >=, <=, > or <" },
	{ "expect drop negative", T D "expect drop d count -1\n" E,
	  "t.case:5:21: error: bad count '-1': expected 0..1000000000" },
	{ "expect drop extra", T D "expect drop d count 3 packets\n" E,
	  "t.case:5:23: error: unexpected 'packets' after 'expect drop d count 3'" },
	{ "timewait-restarts missing", T "expect client timewait-restarts\n",
	  "t.case:4:15: error: 'timewait-restarts' needs COUNT (N, or >= N, <= N, > N, < N)" },
	{ "timewait-restarts bad", T "expect client timewait-restarts many\n",
	  "t.case:4:33: error: bad count 'many': expected 0..1000000000" },
	{ "control without drop and none", T E "control without drop\n",
	  "t.case:5:17: error: control without drop removes nothing: the case has no drop step" },
};

START_TEST(test_bad_case)
{
	check_bad(&bad_cases[_i]);
}
END_TEST

START_TEST(test_good_drops)
{
	struct case_def *c = parse_ok(
		T "at 0 drop syn-lost at server ingress from client SYN first 3\n"
		  "at 0 watch syns at server ingress from client SYN   # counts before the drop\n"
		  "at 0.5 drop acks at client ingress ACK for 2\n"
		  "at 1 drop mine at server ingress match \"tcp dport 8080\" until lifted\n"
		  "at 1 drop all_of_it at client ingress from server ANY\n"
		  "at 2 lift mine\n"
		  "expect drop syn-lost count 3\nexpect watch syns count >=4\n"
		  "expect drop acks count > 0\nexpect drop mine count < 5\n"
		  "expect drop all_of_it count <= 9\n" E "control without drop\n");
	const struct case_step *s;
	const struct case_expect *e;

	s = step_of(c, CASE_STEP_DROP, 0);
	ck_assert_str_eq(s->rule.name, "syn-lost");
	ck_assert_int_eq(s->host, 1);
	ck_assert_int_eq(s->rule.where, CASE_RULE_INGRESS);
	ck_assert_int_eq(s->rule.from_host, 0);
	ck_assert(s->rule.has_seg);
	ck_assert_int_eq(s->rule.seg, CASE_SEG_SYN);
	ck_assert_int_eq(s->rule.first, 3);
	ck_assert(!s->rule.until_lifted);

	s = step_of(c, CASE_STEP_WATCH, 0);
	ck_assert_str_eq(s->rule.name, "syns");

	s = step_of(c, CASE_STEP_DROP, 1);
	ck_assert_str_eq(s->rule.name, "acks");
	ck_assert_int_eq(s->host, 0);
	ck_assert_int_eq(s->rule.from_host, -1);
	ck_assert_int_eq(s->rule.seg, CASE_SEG_ACK);
	ck_assert_int_eq(s->rule.for_ms, 2000);

	s = step_of(c, CASE_STEP_DROP, 2);
	ck_assert(!s->rule.has_seg);
	ck_assert_str_eq(s->rule.match, "tcp dport 8080");
	ck_assert(s->rule.until_lifted);

	s = step_of(c, CASE_STEP_DROP, 3);
	ck_assert_int_eq(s->rule.seg, CASE_SEG_ANY);
	ck_assert_int_eq(s->rule.from_host, 1);

	/* The lifts in time order: "lift mine" at 2, then the generated one of "for 2" at 2.5. */
	s = step_of(c, CASE_STEP_LIFT, 0);
	ck_assert_str_eq(s->rule.name, "mine");
	ck_assert(!s->rule.auto_lift);
	ck_assert_int_eq(s->at_ms, 2000);
	ck_assert_int_eq(s->host, 1);
	s = step_of(c, CASE_STEP_LIFT, 1);
	ck_assert_str_eq(s->rule.name, "acks");
	ck_assert(s->rule.auto_lift);
	ck_assert_int_eq(s->at_ms, 2500);
	ck_assert_int_eq(s->host, 0);
	for (int i = 1; i < c->n_steps; i++)
		ck_assert(c->steps[i].setup || c->steps[i - 1].at_ms <= c->steps[i].at_ms);
	ck_assert_int_eq(c->end_ms, 3500); /* the generated lift + 1 s */

	e = &c->expects[0];
	ck_assert_int_eq(e->kind, CASE_EXPECT_COUNTER);
	ck_assert_int_eq(e->host, -1);
	ck_assert_str_eq(e->rule, "syn-lost");
	ck_assert(!e->rule_watch);
	ck_assert_int_eq(e->cmp, CASE_CMP_EQ);
	ck_assert_int_eq(e->count, 3);
	e = &c->expects[1];
	ck_assert(e->rule_watch);
	ck_assert_int_eq(e->cmp, CASE_CMP_GE);
	ck_assert_int_eq(e->count, 4);
	ck_assert_int_eq(c->expects[2].cmp, CASE_CMP_GT);
	ck_assert_int_eq(c->expects[3].cmp, CASE_CMP_LT);
	ck_assert_int_eq(c->expects[4].cmp, CASE_CMP_LE);
	case_free(c);
}
END_TEST

START_TEST(test_good_expects)
{
	struct case_def *c = parse_ok(T "expect client timewait-restarts >= 1\n"
					"expect server timewait-restarts 0\n"
					"expect server no-connection\n");

	ck_assert_int_eq(c->expects[0].kind, CASE_EXPECT_TW_RESTARTS);
	ck_assert_int_eq(c->expects[0].host, 0);
	ck_assert_int_eq(c->expects[0].cmp, CASE_CMP_GE);
	ck_assert_int_eq(c->expects[0].count, 1);
	ck_assert_int_eq(c->expects[1].cmp, CASE_CMP_EQ);
	ck_assert_int_eq(c->expects[1].count, 0);
	ck_assert_int_eq(c->expects[2].kind, CASE_EXPECT_NO_CONNECTION);
	ck_assert_int_eq(c->expects[2].host, 1);
	case_free(c);
}
END_TEST

/* The control keeps the lifts (a lift of a rule that is not in does nothing)
 * and the counter expectations (the verdict skips them: the rule is absent). */
START_TEST(test_control_without_drop)
{
	struct case_def *c = parse_ok(T "at 0 drop d at server ingress SYN for 1\n"
					"at 0 watch w at server ingress SYN\n" ED
					"expect watch w count 1\n" E "control without drop\n");
	struct case_def *v = case_control(c);
	int drops = 0, lifts = 0, watches = 0;

	ck_assert_ptr_nonnull(v);
	for (int i = 0; i < v->n_steps; i++) {
		drops += v->steps[i].kind == CASE_STEP_DROP;
		lifts += v->steps[i].kind == CASE_STEP_LIFT;
		watches += v->steps[i].kind == CASE_STEP_WATCH;
	}
	ck_assert_int_eq(drops, 0);
	ck_assert_int_eq(lifts, 1);
	ck_assert_int_eq(watches, 1);
	ck_assert_int_eq(v->n_expects, c->n_expects);
	ck_assert_str_eq(case_step_name(CASE_STEP_LIFT), "lift");
	case_free(v);
	case_free(c);
}
END_TEST

/* The shipped handshake and teardown cases parse (make runs the tests from
 * the top of the tree). */
START_TEST(test_shipped_cases)
{
	glob_t g;
	char *buf = NULL;
	size_t len = 0;

	ck_assert_int_eq(glob("cases/handshake/*.case", 0, NULL, &g), 0);
	ck_assert_int_eq(glob("cases/teardown/*.case", GLOB_APPEND, NULL, &g), 0);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		FILE *f = open_memstream(&buf, &len);
		struct case_def *c = case_parse_file(g.gl_pathv[i], f);

		fclose(f);
		ck_assert_msg(c != NULL, "%s:\n%s", g.gl_pathv[i], buf);
		ck_assert_msg(c->has_control, "%s: no control", g.gl_pathv[i]);
		case_free(c);
		free(buf);
		buf = NULL;
	}
	ck_assert_uint_gt(g.gl_pathc, 10);
	globfree(&g);
}
END_TEST

static Suite *case_drop_suite(void)
{
	Suite *s = suite_create("case_drop");
	TCase *tc = tcase_create("grammar");

	tcase_set_timeout(tc, 10);
	tcase_add_loop_test(tc, test_bad_case, 0, (int)ARRAY_SIZE(bad_cases));
	tcase_add_test(tc, test_good_drops);
	tcase_add_test(tc, test_good_expects);
	tcase_add_test(tc, test_control_without_drop);
	tcase_add_test(tc, test_shipped_cases);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(case_drop_suite());
}
