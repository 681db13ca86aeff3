/* test_suite_family.c - "run --family": the families each case runs in, the
 * IPv6 run's KTAP name and summary id, and which skips a case declares
 * (harness/cli/suite_family.c). No root. */
#include "cli/suite_family.h"

#include <check.h>

#include "check_run.h"
#include <string.h>

#include "case_check.h"

START_TEST(test_families)
{
	int f[2];

	ck_assert_int_eq(suite_families(0, f), 1);
	ck_assert_int_eq(f[0], 0); /* each case's own */
	ck_assert_int_eq(suite_families(6, f), 1);
	ck_assert_int_eq(f[0], 6);
	ck_assert_int_eq(suite_families(SUITE_FAMILY_BOTH, f), 2);
	ck_assert_int_eq(f[0], 4);
	ck_assert_int_eq(f[1], 6);
}
END_TEST

START_TEST(test_names)
{
	char buf[64] = "unplug/a11 [control]";
	json_t *r = json_object();

	/* without --family nothing is renamed, a case's own "family 6" included */
	ck_assert(!suite_family_tagged(0, 6));
	ck_assert_str_eq(suite_family_name(buf, sizeof(buf), 0, 6), "unplug/a11 [control]");
	ck_assert_str_eq(suite_family_name(buf, sizeof(buf), SUITE_FAMILY_BOTH, 4),
			 "unplug/a11 [control]");
	ck_assert_str_eq(suite_family_name(buf, sizeof(buf), SUITE_FAMILY_BOTH, 6),
			 "unplug/a11 [control] [ipv6]");
	suite_family_id(r, "unplug/a11", 6, 6);
	ck_assert_str_eq(json_string_value(json_object_get(r, "id")), "unplug/a11 [ipv6]");
	ck_assert_int_eq(json_integer_value(json_object_get(r, "family")), 6);
	json_decref(r);
	r = json_object();
	suite_family_id(r, "unplug/a11", 4, 4);
	ck_assert_str_eq(json_string_value(json_object_get(r, "id")), "unplug/a11");
	ck_assert_ptr_null(json_object_get(r, "family"));
	json_decref(r);
}
END_TEST

START_TEST(test_declared_skip)
{
	struct case_def *c =
		parse_ok("title t\nfamily 4 only no NDP here\nserver listen 8080\n"
			 "at 0.1 client connect server 8080\nexpect client no-error\n");

	ck_assert(suite_family_skip(c, 6));
	ck_assert(!suite_family_skip(c, 4));
	ck_assert(!suite_family_skip(c, 0));
	case_free(c);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("suite_family");
	TCase *tc = tcase_create("family");

	tcase_add_test(tc, test_families);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_declared_skip);
	suite_add_tcase(s, tc);
	return check_run(s);
}
