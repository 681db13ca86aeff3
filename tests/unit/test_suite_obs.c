/* test_suite_obs.c - unit tests of harness/cli/suite_obs (no root): the
 * --observer names, what -j auto gives, the run's wall line, and the
 * observer's path when polling is asked for (no BPF is loaded). */
#include "cli/suite_obs.h"

#include <check.h>

#include "check_run.h"
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

START_TEST(test_observer_parse)
{
	ck_assert_int_eq(suite_observer_parse("auto"), SUITE_OBSERVER_AUTO);
	ck_assert_int_eq(suite_observer_parse("events"), SUITE_OBSERVER_EVENTS);
	ck_assert_int_eq(suite_observer_parse("polling"), SUITE_OBSERVER_POLLING);
	ck_assert_int_eq(suite_observer_parse("poll"), -1);
	ck_assert_int_eq(suite_observer_parse(""), -1);
}
END_TEST

START_TEST(test_jobs_auto)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int want = (int)cpus * SUITE_JOBS_PER_CPU_EVENTS;
	char line[200];

	if (want < SUITE_JOBS_MIN_EVENTS)
		want = SUITE_JOBS_MIN_EVENTS;
	if (want > SUITE_JOBS_MAX)
		want = SUITE_JOBS_MAX;
	ck_assert_int_eq(suite_jobs_auto(5, true, line, sizeof(line)), 5);
	ck_assert_str_eq(line, "-j 5");
	ck_assert_int_eq(suite_jobs_auto(0, true, line, sizeof(line)), want);
	ck_assert_msg(strstr(line, "-j auto: ") == line, "%s", line);
	ck_assert_int_ge(suite_jobs_auto(0, true, line, sizeof(line)), 24);
	ck_assert_int_eq(suite_jobs_auto(0, false, line, sizeof(line)),
			 (int)cpus * SUITE_JOBS_PER_CPU_POLLING > SUITE_JOBS_MAX ?
				 SUITE_JOBS_MAX :
				 (int)cpus * SUITE_JOBS_PER_CPU_POLLING);
	ck_assert_msg(strstr(line, "polling observer"), "%s", line);
}
END_TEST

START_TEST(test_wall)
{
	struct suite_wall w = { 0 };
	char line[300];
	json_t *j;

	suite_wall_add(&w, 1000000000LL, 29000000000LL, 2500);
	suite_wall_add(&w, 2000000000LL, 36000000000LL, 900);
	suite_wall_add(&w, 3000000000LL, 10000000000LL, 0);
	ck_assert_int_eq(w.first_ns, 1000000000LL);
	ck_assert_int_eq(w.last_ns, 36000000000LL);
	ck_assert_int_eq(w.longest_ns, 34000000000LL);
	ck_assert_int_eq(w.late_us, 2500);
	suite_wall_text(&w, 16, true, line, sizeof(line));
	ck_assert_str_eq(line, "wall 35.0 s, longest case 34.0 s (x1.03) at -j 16, event "
			       "observer; timed steps at most 2.5 ms late");
	j = suite_wall_json(&w);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "wall_ms")), 35000);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "longest_case_ms")), 34000);
	json_decref(j);
}
END_TEST

START_TEST(test_polling_loads_nothing)
{
	struct obs_hub *hub = (struct obs_hub *)1;
	char line[300];

	ck_assert_int_eq(suite_obs_open(SUITE_OBSERVER_POLLING, 4, &hub, line, sizeof(line)), 0);
	ck_assert_ptr_null(hub);
	ck_assert_msg(strstr(line, "observer: polling") == line, "%s", line);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("suite_obs");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_observer_parse);
	tcase_add_test(tc, test_jobs_auto);
	tcase_add_test(tc, test_wall);
	tcase_add_test(tc, test_polling_loads_nothing);
	suite_add_tcase(s, tc);
	return check_run(s);
}
