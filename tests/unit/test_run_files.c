/* test_run_files.c - reading a run back (report/run_files.c): KTAP
 * descriptions without '#', outcomes as a CI system counts them, themes,
 * case directories; and XML escaping (report/xml_out.c). */
#include "report/run_files.h"

#include <check.h>

#include "check_run.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/xml_out.h"

START_TEST(test_ktap_name)
{
	char buf[128];

	ck_assert_str_eq(run_files_ktap_name(buf, sizeof(buf), "a#b/c", false), "a_b/c");
	ck_assert_str_eq(run_files_ktap_name(buf, sizeof(buf), "x/y", true), "x/y [control]");
	ck_assert_str_eq(run_files_ktap_name(buf, sizeof(buf), "x\ny", false), "x y");
	ck_assert_str_eq(run_files_one_line(buf, sizeof(buf), "why #1\nand 2"), "why #1 and 2");
}
END_TEST

static enum run_outcome outcome(const char *ktap, const char *verdict)
{
	json_t *c = json_pack("{s:s s:s}", "ktap", ktap, "verdict", verdict);
	enum run_outcome o = run_files_outcome(c);

	json_decref(c);
	return o;
}

START_TEST(test_outcome)
{
	static const struct {
		const char *ktap, *verdict;
		enum run_outcome want;
	} rows[] = {
		{ "ok", "pass", RUN_PASSED },	  { "ok", "fail", RUN_PASSED }, /* a control */
		{ "not ok", "fail", RUN_FAILED }, { "not ok", "pass", RUN_FAILED },
		{ "not ok", "error", RUN_ERROR }, { "ok", "skip", RUN_SKIPPED },
		{ "not ok", "skip", RUN_FAILED }, /* --fail-on-skip */
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		ck_assert_int_eq(outcome(rows[i].ktap, rows[i].verdict), rows[i].want);
	ck_assert_str_eq(run_files_outcome_name(RUN_SKIPPED), "skipped");
}
END_TEST

START_TEST(test_theme_and_dir)
{
	json_t *c = json_pack("{s:s s:b s:i}", "id", "host-crash/retries2-15", "control", 1,
			      "round", 1);
	json_t *flat = json_pack("{s:s}", "id", "alone");
	char buf[4096];

	ck_assert_str_eq(run_files_theme(buf, sizeof(buf), c), "host-crash");
	ck_assert_str_eq(run_files_theme(buf, sizeof(buf), flat), "cases");
	ck_assert_str_eq(run_files_case_name(buf, sizeof(buf), c),
			 "host-crash/retries2-15 [control]");
	ck_assert_int_eq(run_files_case_dir("/nonexistent-run", c, buf, sizeof(buf)), -ENOENT);
	ck_assert_str_eq(buf, "/nonexistent-run/host-crash/retries2-15.control");
	json_decref(c);
	json_decref(flat);
}
END_TEST

START_TEST(test_xml_escape)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	xml_put(f, "a<b>&\"c'\x01\td");
	fclose(f);
	ck_assert_str_eq(text, "a&lt;b&gt;&amp;&quot;c&#39;\td");
	free(text);
	f = open_memstream(&text, &len);
	xml_put_href(f, "a#b/x y?.control/case.html");
	fclose(f);
	ck_assert_str_eq(text, "a%23b/x%20y%3F.control/case.html");
	free(text);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("run_files");
	TCase *tc = tcase_create("run_files");

	tcase_add_test(tc, test_ktap_name);
	tcase_add_test(tc, test_outcome);
	tcase_add_test(tc, test_theme_and_dir);
	tcase_add_test(tc, test_xml_escape);
	suite_add_tcase(s, tc);
	return check_run(s);
}
