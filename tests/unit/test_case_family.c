/* test_case_family.c - unit tests of "family 4|6 [only REASON]"
 * (harness/case/case_family.c): the family a case runs in, and the SKIP
 * reason of a case that runs in one family only. Like test_case_addr.c: each
 * error has a row with the exact first line of the diagnostic.
 */
#include "case/case.h"
#include "case_check.h"

#include <check.h>

#include "check_run.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T "title t\nserver listen 8080\nat 0.1 client connect server 8080\n"
#define E "expect client no-error\n"

static const struct bad_case bad_cases[] = {
	{ "no family", T "family\n" E, "t.case:4:1: error: 'family' needs 4 or 6" },
	{ "family 5", T "family 5\n" E, "t.case:4:8: error: unknown family '5': expected 4 or 6" },
	{ "family ipv6", T "family ipv6\n" E,
	  "t.case:4:8: error: unknown family 'ipv6': expected 4 or 6" },
	{ "twice", T "family 4\nfamily 6\n" E,
	  "t.case:5:1: error: duplicate 'family' (the first is on line 4)" },
	{ "only without a reason", T "family 4 only\n" E,
	  "t.case:4:10: error: 'only' needs a REASON: family 4 only NDP has no ..." },
	{ "not only", T "family 4 mostly\n" E,
	  "t.case:4:10: error: unexpected 'mostly' after 'family 4'" },
};

START_TEST(test_bad_case)
{
	check_bad(&bad_cases[_i]);
}
END_TEST

START_TEST(test_default)
{
	struct case_def *c = parse_ok(T E);
	char why[256] = "";

	ck_assert_int_eq(c->family, 4);
	ck_assert(!c->family_only);
	ck_assert(case_family_runs(c, 4, why, sizeof(why)));
	ck_assert(case_family_runs(c, 6, why, sizeof(why)));
	case_free(c);
}
END_TEST

START_TEST(test_family6)
{
	struct case_def *c = parse_ok(T "family 6\n" E);
	char why[256] = "";

	ck_assert_int_eq(c->family, 6);
	ck_assert(case_family_runs(c, 4, why, sizeof(why)));
	case_free(c);
}
END_TEST

START_TEST(test_only)
{
	struct case_def *c = parse_ok(T "family 4 only ARP's   gratuitous reply # a comment\n" E);
	char why[256] = "";

	ck_assert_int_eq(c->family, 4);
	ck_assert(c->family_only);
	ck_assert_str_eq(c->family_reason, "ARP's   gratuitous reply");
	ck_assert(case_family_runs(c, 4, why, sizeof(why)));
	ck_assert(!case_family_runs(c, 6, why, sizeof(why)));
	ck_assert_str_eq(why, "IPv4 only: ARP's   gratuitous reply");
	case_free(c);
}
END_TEST

static Suite *family_suite(void)
{
	Suite *s = suite_create("case_family");
	TCase *tc = tcase_create("family");

	tcase_add_loop_test(tc, test_bad_case, 0, (int)ARRAY_SIZE(bad_cases));
	tcase_add_test(tc, test_default);
	tcase_add_test(tc, test_family6);
	tcase_add_test(tc, test_only);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(family_suite());
}
