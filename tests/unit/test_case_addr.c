/* test_case_addr.c - unit tests of the readdress grammar of case files
 * (harness/case_addr.c and its entry in case_stmt.c): "readdress HOST NEW
 * [back after DURATION]", the "back" step it brings, and the order rule
 * (a host changed and not back cannot change again).
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

#define T "title t\ntopology routed\nserver listen 8080\nat 0.1 client connect server 8080\n"
#define E "expect client no-error\n"

static const struct bad_case bad_cases[] = {
	{ "the router", T "at 1 readdress router 198.18.0.9\n" E,
	  "t.case:5:16: error: readdress changes the address peers reach a host at: client or "
	  "server, not router" },
	{ "the switch", T "at 1 readdress switch 198.18.0.9\n" E,
	  "t.case:5:16: error: readdress changes the address peers reach a host at: client or "
	  "server, not switch" },
	{ "outside the range", T "at 1 readdress client 10.0.0.9\n" E,
	  "t.case:5:23: error: bad address '10.0.0.9': expected an IPv4 address of the lab's range "
	  "198.18.0.0/15, like 198.18.0.9 or 198.18.0.9/24" },
	{ "prefix too short", T "at 1 readdress client 198.18.0.9/8\n" E,
	  "t.case:5:23: error: bad address '198.18.0.9/8': expected an IPv4 address of the lab's "
	  "range 198.18.0.0/15, like 198.18.0.9 or 198.18.0.9/24" },
	{ "not an address", T "at 1 readdress client nine\n" E,
	  "t.case:5:23: error: bad address 'nine': expected an IPv4 address of the lab's range "
	  "198.18.0.0/15, like 198.18.0.9 or 198.18.0.9/24" },
	{ "IPv6", T "at 1 readdress client 2001:2::9\n" E,
	  "t.case:5:23: error: bad address '2001:2::9': expected an IPv4 address of the lab's range "
	  "198.18.0.0/15, like 198.18.0.9 or 198.18.0.9/24" },
	{ "no address", T "at 1 readdress client\n" E,
	  "t.case:5:6: error: 'readdress' needs HOST NEW [back after DURATION]" },
	{ "not back", T "at 1 readdress client 198.18.0.9 later\n" E,
	  "t.case:5:34: error: expected 'back after DURATION', got 'later'" },
	{ "back in", T "at 1 readdress client 198.18.0.9 back in 2\n" E,
	  "t.case:5:39: error: expected 'after DURATION', got 'in'" },
	{ "back alone", T "at 1 readdress client 198.18.0.9 back\n" E,
	  "t.case:5:34: error: 'back' needs after DURATION" },
	{ "back after nothing", T "at 1 readdress client 198.18.0.9 back after\n" E,
	  "t.case:5:39: error: 'after' needs DURATION" },
	{ "back after zero", T "at 1 readdress client 198.18.0.9 back after 0\n" E,
	  "t.case:5:45: error: 'back after' needs a duration above 0, got '0'" },
	{ "back after a word", T "at 1 readdress client 198.18.0.9 back after soon\n" E,
	  "t.case:5:45: error: bad duration 'soon': expected seconds like 1.5, 1.5s or 250ms" },
	{ "extra word", T "at 1 readdress client 198.18.0.9 back after 2 now\n" E,
	  "t.case:5:47: error: unexpected 'now' after 'at 1 readdress client 198.18.0.9 back after 2'" },
	{ "twice", T "at 1 readdress client 198.18.0.9\nat 2 readdress client 198.18.0.10\n" E,
	  "t.case:6:16: error: client's address is already changed (line 5) and not back" },
	{ "again before back",
	  T "at 1 readdress client 198.18.0.9 back after 5\n"
	    "at 2 readdress client 198.18.0.10\n" E,
	  "t.case:6:16: error: client's address is already changed (line 5) and not back" },
	{ "back past the end", T "at 1 readdress client 198.18.0.9 back after 9\nend 5\n" E,
	  "t.case:5:45: error: step at 10.0 s is after the end of the case (5.0 s)" },
	{ "without a time", T "readdress client 198.18.0.9\n" E,
	  "t.case:5:1: error: 'readdress' is a fault and needs a time: at TIME readdress HOST NEW "
	  "[back after DURATION]" },
	{ "control without and none", T E "control without readdress\n",
	  "t.case:6:17: error: control without readdress removes nothing: the case has no readdress "
	  "step" },
};

START_TEST(test_bad_case)
{
	check_bad(&bad_cases[_i]);
}
END_TEST

START_TEST(test_good)
{
	struct case_def *c = parse_ok(T "at 1 readdress client 198.18.0.9 back after 2.5\n"
					"at 2 client send 10\n"
					"at 5 readdress server 198.18.1.7/25\n" E
					"control without readdress\n");
	const struct case_step *s;
	struct case_def *v;

	s = step_of(c, CASE_STEP_READDRESS, 0);
	ck_assert_str_eq(c->hosts[s->host], "client");
	ck_assert_str_eq(s->addr, "198.18.0.9");
	ck_assert_int_eq(s->at_ms, 1000);
	ck_assert(!s->back);
	/* the generated back step, in time order after the send at 2 s */
	ck_assert_int_eq(s[1].kind, CASE_STEP_SEND);
	s = step_of(c, CASE_STEP_READDRESS, 1);
	ck_assert(s->back);
	ck_assert_int_eq(s->at_ms, 3500);
	ck_assert_str_eq(s->addr, "198.18.0.9");
	ck_assert_int_eq(s->loc.line, 5);
	s = step_of(c, CASE_STEP_READDRESS, 2);
	ck_assert_str_eq(c->hosts[s->host], "server");
	ck_assert_str_eq(s->addr, "198.18.1.7/25");
	ck_assert(!s->back);
	v = case_control(c);
	ck_assert_ptr_nonnull(v);
	for (int i = 0; i < v->n_steps; i++)
		ck_assert_int_ne(v->steps[i].kind, CASE_STEP_READDRESS);
	case_free(v);
	case_free(c);
	/* changed again once back */
	c = parse_ok(T "at 1 readdress client 198.18.0.9 back after 1\n"
		       "at 3 readdress client 198.18.0.10 back after 1\n" E);
	ck_assert_int_eq(step_of(c, CASE_STEP_READDRESS, 3)->at_ms, 4000);
	case_free(c);
}
END_TEST

static Suite *case_addr_suite(void)
{
	Suite *s = suite_create("case_addr");
	TCase *tc = tcase_create("grammar");

	tcase_set_timeout(tc, 10);
	tcase_add_loop_test(tc, test_bad_case, 0, (int)ARRAY_SIZE(bad_cases));
	tcase_add_test(tc, test_good);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(case_addr_suite());
}
