/* test_case_mbox.c - unit tests of the middlebox grammar of case files
 * (harness/case_mbox.c and its entries in case_stmt.c, case_drop.c): the
 * "middlebox" fault, "expect middlebox NAME count", and the whole-file rules
 * (one per case, proven by its counter, no connection opened before it,
 * names shared with drops and watches).
 *
 * Like test_case_drop.c: each error has a row with the exact first line of
 * the diagnostic; good files are checked field by field.
 */
#include "case/case.h"
#include "case_check.h"

#include <check.h>

#include "check_run.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T "title t\ntopology routed\nserver listen 8080\n"
#define E "expect client no-error\n"
#define M "at 0 middlebox fw in router idle-timeout 3s\n"
#define EM "expect middlebox fw count >= 1\n"
#define C "at 0.1 client connect server 8080\n"

static const struct bad_case bad_cases[] = {
	{ "not proven", T M C E,
	  "t.case:4:1: error: middlebox fw is not proven: a case with a middlebox must expect its "
	  "counter (expect middlebox fw count N, or count >= 1)" },
	{ "two middleboxes",
	  T M C EM E "at 1 middlebox fw2 in router idle-timeout 5\n"
		     "expect middlebox fw2 count 1\n",
	  "t.case:8:1: error: the router already has a middlebox (line 4): its conntrack has one "
	  "idle-timeout" },
	{ "not in the router", T "at 0 middlebox fw in server idle-timeout 3s\n" C EM E,
	  "t.case:4:22: error: a middlebox sits in a router, between client and server: topology "
	  "routed, 'in router'" },
	{ "topology pair", "title t\nat 0 middlebox fw in router idle-timeout 3s\n" C EM E,
	  "t.case:2:22: error: a middlebox sits in a router, between client and server: topology "
	  "routed, 'in router'" },
	{ "on, not in", T "at 0 middlebox fw on router idle-timeout 3s\n" C EM E,
	  "t.case:4:19: error: expected 'in router', got 'on'" },
	{ "timeout word", T "at 0 middlebox fw in router timeout 3s\n" C EM E,
	  "t.case:4:29: error: expected 'idle-timeout DURATION', got 'timeout'" },
	{ "fraction of a second", T "at 0 middlebox fw in router idle-timeout 1500ms\n" C EM E,
	  "t.case:4:42: error: bad idle-timeout '1500ms': conntrack counts whole seconds, at least 1 "
	  "(got 1.5 s)" },
	{ "zero", T "at 0 middlebox fw in router idle-timeout 0\n" C EM E,
	  "t.case:4:42: error: bad idle-timeout '0': conntrack counts whole seconds, at least 1 "
	  "(got 0.0 s)" },
	{ "bad name", T "at 0 middlebox Fw in router idle-timeout 3\n" C EM E,
	  "t.case:4:16: error: bad rule name 'Fw': a lower-case letter, then letters, digits, '-' or "
	  "'_', at most 23" },
	{ "extra word", T "at 0 middlebox fw in router idle-timeout 3 drop\n" C EM E,
	  "t.case:4:44: error: unexpected 'drop' after 'at 0 middlebox fw in router idle-timeout 3'" },
	{ "too short", T "at 0 middlebox fw in router\n" C EM E,
	  "t.case:4:6: error: 'middlebox' needs NAME in router idle-timeout DURATION [reset]" },
	{ "connect before it", T "client connect server 8080\n" M EM E,
	  "t.case:4:1: error: the middlebox (line 5) tracks only connections it sees begin: connect "
	  "after it, at TIME > 0.0 s" },
	{ "connect with it", T M "at 0 client connect server 8080\n" EM E,
	  "t.case:5:1: error: the middlebox (line 4) tracks only connections it sees begin: connect "
	  "after it, at TIME > 0.0 s" },
	{ "expect unknown", T M C "expect middlebox x count 1\n" EM E,
	  "t.case:6:1: error: expect middlebox x: the case has no middlebox called 'x'" },
	{ "name of an earlier drop",
	  T "at 0 drop fw in router SYN\n" M C EM "expect drop fw count 1\n" E,
	  "t.case:5:1: error: the name 'fw' is taken (drop on line 4)" },
	{ "name of a later drop",
	  T M C "at 0.2 drop fw in router SYN\nexpect drop fw count 1\n" EM E,
	  "t.case:6:1: error: the name 'fw' is taken (middlebox on line 4)" },
	{ "expect middlebox of a drop",
	  T M C "at 0.2 drop d in router SYN\nexpect middlebox d count 1\n"
		"expect drop d count 1\n" EM E,
	  "t.case:7:1: error: 'd' is a drop (line 6): write 'expect drop d ...'" },
	{ "without a time", T "middlebox fw in router idle-timeout 3\n" C EM E,
	  "t.case:4:1: error: 'middlebox' is a fault and needs a time: at TIME middlebox NAME in "
	  "router idle-timeout DURATION [reset]" },
};

START_TEST(test_bad_case)
{
	check_bad(&bad_cases[_i]);
}
END_TEST

START_TEST(test_good)
{
	struct case_def *c = parse_ok(T "at 0 middlebox fw in router idle-timeout 3s reset\n" C
					"expect middlebox fw count 1\n" E
					"control without middlebox\n");
	const struct case_step *s = step_of(c, CASE_STEP_MIDDLEBOX, 0);
	const struct case_expect *e = &c->expects[0];
	struct case_def *v;

	ck_assert_str_eq(s->rule.name, "fw");
	ck_assert_str_eq(c->hosts[s->host], "router");
	ck_assert_int_eq(s->rule.where, CASE_RULE_FORWARD);
	ck_assert_int_eq(s->idle_ms, 3000);
	ck_assert(s->reset);
	ck_assert_int_eq(e->kind, CASE_EXPECT_COUNTER);
	ck_assert(e->rule_mbox);
	ck_assert(!e->rule_watch);
	ck_assert_str_eq(e->rule, "fw");
	ck_assert_int_eq(e->cmp, CASE_CMP_EQ);
	ck_assert_int_eq(e->count, 1);
	v = case_control(c);
	ck_assert_ptr_nonnull(v);
	for (int i = 0; i < v->n_steps; i++)
		ck_assert_int_ne(v->steps[i].kind, CASE_STEP_MIDDLEBOX);
	case_free(v);
	case_free(c);
	/* without "reset": drop; a drop and a middlebox side by side */
	c = parse_ok(T M C EM "at 6 drop d in router SYN\nexpect drop d count 0\n" E);
	s = step_of(c, CASE_STEP_MIDDLEBOX, 0);
	ck_assert(!s->reset);
	ck_assert_int_eq(s->at_ms, 0);
	case_free(c);
}
END_TEST

static Suite *case_mbox_suite(void)
{
	Suite *s = suite_create("case_mbox");
	TCase *tc = tcase_create("grammar");

	tcase_set_timeout(tc, 10);
	tcase_add_loop_test(tc, test_bad_case, 0, (int)ARRAY_SIZE(bad_cases));
	tcase_add_test(tc, test_good);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(case_mbox_suite());
}
