/* test_verdict_crash.c - the sysctl and keepalive-timer expectations
 * (harness/verdict_crash.c) against synthetic observations. */
#include "verdict/verdict.h"

#include <check.h>

#include "check_run.h"
#include <netinet/tcp.h>
#include <string.h>

static const struct obs_state_change est[] = { { 0, TCP_ESTABLISHED } };

/* client (0) and server (1), the one expectation @e; the client's
 * connection is ESTABLISHED with keepalive maximum @ka_ms. */
static enum verdict_status eval1(struct case_expect e, int64_t ka_ms, const char *seen,
				 const char *why, struct verdict_result *r)
{
	struct case_def c = { .n_hosts = 2, .expects = &e, .n_expects = 1, .file = "x.case" };
	struct obs_peer peers[2] = {
		{ .started = true,
		  .has_conn = true,
		  .states = est,
		  .n_states = 1,
		  .ka_timer_max_ms = ka_ms },
		{ .started = true, .ka_timer_max_ms = -1 },
	};
	const char *seen_v[1] = { seen }, *why_v[1] = { why };
	struct verdict_input in = { .c = &c,
				    .peers = peers,
				    .fault_ms = -1,
				    .obs_first_ms = 0,
				    .obs_last_ms = 2000,
				    .sysctl_seen = seen_v,
				    .sysctl_why = why_v };

	strcpy(c.hosts[0], "client");
	strcpy(c.hosts[1], "server");
	return verdict_eval(&in, r);
}

static struct case_expect sysctl_expect(const char *value)
{
	struct case_expect e = { .kind = CASE_EXPECT_SYSCTL, .host = 0 };

	strcpy(e.sysctl_key, "net.ipv4.tcp_keepalive_time");
	strcpy(e.sysctl_value, value);
	return e;
}

START_TEST(sysctl_matches)
{
	struct verdict_result r;

	ck_assert_int_eq(eval1(sysctl_expect("7200"), -1, "7200", NULL, &r), VERDICT_PASS);
	ck_assert_str_eq(r.expected, "client net.ipv4.tcp_keepalive_time = 7200");
	ck_assert_str_eq(r.observed, "7200");
}
END_TEST

START_TEST(sysctl_differs)
{
	struct verdict_result r;

	ck_assert_int_eq(eval1(sysctl_expect("7200"), -1, "60", NULL, &r), VERDICT_FAIL);
	ck_assert_str_eq(r.observed, "60");
}
END_TEST

START_TEST(sysctl_unread_is_error)
{
	struct verdict_result r;

	ck_assert_int_eq(eval1(sysctl_expect("7200"), -1, NULL, "no such sysctl on this kernel",
			       &r),
			 VERDICT_ERROR);
	ck_assert_str_eq(r.observed, "not read: no such sysctl on this kernel");
}
END_TEST

static struct case_expect ka_expect(int64_t lo, int64_t hi)
{
	return (struct case_expect){
		.kind = CASE_EXPECT_KEEPALIVE_TIMER, .host = 0, .timer_lo_ms = lo, .timer_hi_ms = hi
	};
}

START_TEST(keepalive_timer_in_band)
{
	struct verdict_result r;

	ck_assert_int_eq(eval1(ka_expect(1900, 2000), 1996, NULL, NULL, &r), VERDICT_PASS);
	ck_assert_str_eq(r.observed, "at most 1.996 s ahead");
}
END_TEST

START_TEST(keepalive_timer_out_of_band)
{
	struct verdict_result r;

	ck_assert_int_eq(eval1(ka_expect(1900, 2000), 7199990, NULL, NULL, &r), VERDICT_FAIL);
}
END_TEST

/* Keepalive off (a control run): a fail, not an error, so the control fails. */
START_TEST(keepalive_timer_never_armed)
{
	struct verdict_result r;

	ck_assert_int_eq(eval1(ka_expect(1900, 2000), -1, NULL, NULL, &r), VERDICT_FAIL);
	ck_assert_ptr_nonnull(strstr(r.observed, "no keepalive timer was ever armed"));
}
END_TEST

static Suite *verdict_crash_suite(void)
{
	Suite *s = suite_create("verdict_crash");
	TCase *tc = tcase_create("crash");

	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, sysctl_matches);
	tcase_add_test(tc, sysctl_differs);
	tcase_add_test(tc, sysctl_unread_is_error);
	tcase_add_test(tc, keepalive_timer_in_band);
	tcase_add_test(tc, keepalive_timer_out_of_band);
	tcase_add_test(tc, keepalive_timer_never_armed);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(verdict_crash_suite());
}
