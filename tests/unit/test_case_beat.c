/* test_case_beat.c - unit tests of the heartbeat grammar of case files
 * (harness/case_beat.c and its entry in case_stmt.c) and of the pseudo-errno
 * HEARTBEAT_TIMEOUT (case_lex.c): "HOST heartbeat every D misses K",
 * "HOST heartbeat answer [every D misses K]", one heartbeat per host.
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
#define EVERY                                                                           \
	"expected 'every DURATION misses K' (a ping every DURATION; K missed in a row " \
	"declare the other side dead)"

static const struct bad_case bad_cases[] = {
	{ "bare", T "client heartbeat\n" E,
	  "t.case:5:8: error: 'heartbeat' needs every DURATION misses K, or answer [every "
	  "DURATION misses K]" },
	{ "every without misses", T "client heartbeat every 1s\n" E, "t.case:5:18: error: " EVERY },
	{ "typo", T "client heartbeat evry 1s misses 3\n" E, "t.case:5:18: error: " EVERY },
	{ "period too short", T "client heartbeat every 5ms misses 3\n" E,
	  "t.case:5:24: error: bad heartbeat period '5ms': expected 10ms..3600s" },
	{ "period not a duration", T "client heartbeat every often misses 3\n" E,
	  "t.case:5:24: error: bad duration 'often': expected seconds like 1.5, 1.5s or 250ms" },
	{ "zero misses", T "client heartbeat every 1s misses 0\n" E,
	  "t.case:5:34: error: bad miss count '0': expected 1..1000" },
	{ "too many misses", T "client heartbeat every 1s misses 5000\n" E,
	  "t.case:5:34: error: bad miss count '5000': expected 1..1000" },
	{ "answer and a word", T "server heartbeat answer please\n" E,
	  "t.case:5:25: error: " EVERY },
	{ "answer every without misses", T "server heartbeat answer every 1s\n" E,
	  "t.case:5:25: error: " EVERY },
	{ "two heartbeats",
	  T "client heartbeat every 1s misses 3\nat 1 client heartbeat answer\n" E,
	  "t.case:6:13: error: client already has a heartbeat (line 5): a host pings or answers, "
	  "once" },
	{ "extra word", T "client heartbeat every 1s misses 3 now\n" E,
	  "t.case:5:36: error: unexpected 'now' after 'client heartbeat every 1s misses 3'" },
	{ "pseudo-errno typo",
	  T "client heartbeat every 1s misses 3\n"
	    "expect client error HEARTBEAT_TIMEOT\n",
	  "t.case:6:21: error: unknown errno name 'HEARTBEAT_TIMEOT'; did you mean "
	  "'HEARTBEAT_TIMEOUT'?" },
};

START_TEST(test_bad_case)
{
	check_bad(&bad_cases[_i]);
}
END_TEST

START_TEST(test_good)
{
	struct case_def *c = parse_ok(T "server heartbeat answer every 500ms misses 2\n"
					"at 0.2 client heartbeat every 1s misses 3\n"
					"at 2.5 host-crash client\n"
					"expect server error HEARTBEAT_TIMEOUT within 0.5..1.5\n"
					"expect client no-error\n"
					"control without heartbeat\n");
	const struct case_step *s;
	struct case_def *v;

	s = step_of(c, CASE_STEP_HEARTBEAT, 0);
	ck_assert_str_eq(c->hosts[s->host], "server");
	ck_assert(s->setup);
	ck_assert(s->answer);
	ck_assert_int_eq(s->every_ms, 500);
	ck_assert_int_eq(s->misses, 2);
	s = step_of(c, CASE_STEP_HEARTBEAT, 1);
	ck_assert_str_eq(c->hosts[s->host], "client");
	ck_assert(!s->setup);
	ck_assert(!s->answer);
	ck_assert_int_eq(s->every_ms, 1000);
	ck_assert_int_eq(s->misses, 3);
	ck_assert_int_eq(c->expects[0].errnum, CASE_ERRNO_HEARTBEAT_TIMEOUT);
	ck_assert(c->expects[0].has_band);
	v = case_control(c);
	for (int i = 0; i < v->n_steps; i++)
		ck_assert_int_ne(v->steps[i].kind, CASE_STEP_HEARTBEAT);
	case_free(v);
	case_free(c);
	/* answer alone: never declares */
	c = parse_ok(T "client heartbeat answer\n" E);
	s = step_of(c, CASE_STEP_HEARTBEAT, 0);
	ck_assert(s->answer);
	ck_assert_int_eq(s->misses, 0);
	case_free(c);
}
END_TEST

START_TEST(test_pseudo_errno)
{
	ck_assert_int_eq(case_errno_parse("HEARTBEAT_TIMEOUT"), CASE_ERRNO_HEARTBEAT_TIMEOUT);
	ck_assert_str_eq(case_errno_name(CASE_ERRNO_HEARTBEAT_TIMEOUT), "HEARTBEAT_TIMEOUT");
	ck_assert(case_errno_is_pseudo(CASE_ERRNO_HEARTBEAT_TIMEOUT));
	/* real errnos stay what they were */
	ck_assert(!case_errno_is_pseudo(case_errno_parse("ETIMEDOUT")));
	ck_assert_str_eq(case_errno_name(case_errno_parse("ECONNRESET")), "ECONNRESET");
	ck_assert_int_eq(case_errno_parse("heartbeat_timeout"), -1);
}
END_TEST

static Suite *case_beat_suite(void)
{
	Suite *s = suite_create("case_beat");
	TCase *tc = tcase_create("grammar");

	tcase_set_timeout(tc, 10);
	tcase_add_loop_test(tc, test_bad_case, 0, (int)ARRAY_SIZE(bad_cases));
	tcase_add_test(tc, test_good);
	tcase_add_test(tc, test_pseudo_errno);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(case_beat_suite());
}
