/* test_verdict_heartbeat.c - the application's pseudo-errno beside the
 * kernel's errno (harness/verdict.c eval_app_error(), result.c
 * peer_result_update()), and the middlebox's counter (verdict_drop.c): a
 * heartbeat's HEARTBEAT_TIMEOUT and a later ETIMEDOUT of the same socket are
 * both expected, each on its own channel.
 */
#include "run/peer_result.h"
#include "verdict/verdict.h"

#include <check.h>

#include "check_run.h"
#include <errno.h>
#include <string.h>

static struct case_def mk_case(struct case_expect *e)
{
	struct case_def c = { .n_hosts = 2, .expects = e, .n_expects = 1, .file = "x.case" };

	strcpy(c.hosts[0], "client");
	strcpy(c.hosts[1], "server");
	return c;
}

static enum verdict_status eval1(struct case_expect e, struct obs_peer server,
				 struct verdict_result *r)
{
	struct case_def c = mk_case(&e);
	struct obs_peer peers[2] = { { .started = true }, server };
	struct verdict_input in = {
		.c = &c, .peers = peers, .fault_ms = 2500, .obs_first_ms = 0, .obs_last_ms = 17000
	};

	return verdict_eval(&in, r);
}

/* The side-by-side case: the heartbeat at 5.5 s, keepalive's ETIMEDOUT at 15.1 s. */
static struct obs_peer both(void)
{
	struct obs_peer p = { .started = true,
			      .has_conn = true,
			      .app_errno = CASE_ERRNO_HEARTBEAT_TIMEOUT,
			      .app_errno_ms = 5500,
			      .first_errno = ETIMEDOUT,
			      .first_errno_ms = 15100 };

	strcpy(p.first_errno_call, "recv");
	return p;
}

START_TEST(both_channels_pass)
{
	struct verdict_result r;
	struct case_expect hb = { .kind = CASE_EXPECT_ERROR,
				  .host = 1,
				  .errnum = CASE_ERRNO_HEARTBEAT_TIMEOUT,
				  .has_band = true,
				  .band_lo_ms = 2500,
				  .band_hi_ms = 3500 };
	struct case_expect ka = { .kind = CASE_EXPECT_ERROR,
				  .host = 1,
				  .errnum = ETIMEDOUT,
				  .has_band = true,
				  .band_lo_ms = 12300,
				  .band_hi_ms = 13200 };

	ck_assert_int_eq(eval1(hb, both(), &r), VERDICT_PASS);
	ck_assert_str_eq(
		r.observed,
		"HEARTBEAT_TIMEOUT from the heartbeat at 5.500 s (3.000 s after the fault)");
	ck_assert_int_eq(eval1(ka, both(), &r), VERDICT_PASS);
	ck_assert_str_eq(r.observed, "ETIMEDOUT from recv at 15.100 s (12.600 s after the fault)");
}
END_TEST

START_TEST(heartbeat_missing_or_late_fails)
{
	struct verdict_result r;
	struct obs_peer p = both();
	struct case_expect hb = { .kind = CASE_EXPECT_ERROR,
				  .host = 1,
				  .errnum = CASE_ERRNO_HEARTBEAT_TIMEOUT,
				  .has_band = true,
				  .band_lo_ms = 2500,
				  .band_hi_ms = 2900 };

	ck_assert_int_eq(eval1(hb, p, &r), VERDICT_FAIL);
	p.app_errno = 0;
	ck_assert_int_eq(eval1(hb, p, &r), VERDICT_FAIL);
	ck_assert_str_eq(r.observed, "the application declared nothing; first errno ETIMEDOUT");
}
END_TEST

START_TEST(no_error_sees_the_heartbeat)
{
	struct verdict_result r;
	struct obs_peer p = { .started = true,
			      .has_conn = true,
			      .app_errno = CASE_ERRNO_HEARTBEAT_TIMEOUT,
			      .app_errno_ms = 6000 };
	struct case_expect e = { .kind = CASE_EXPECT_NO_ERROR, .host = 1 };

	ck_assert_int_eq(eval1(e, p, &r), VERDICT_FAIL);
	ck_assert_str_eq(r.observed, "HEARTBEAT_TIMEOUT from the heartbeat at 6.000 s");
	ck_assert_int_eq(verdict_detect_ms(&p, 2500), 3500);
	p = both(); /* the earlier of the two */
	ck_assert_int_eq(verdict_detect_ms(&p, 2500), 3000);
}
END_TEST

START_TEST(result_folds_the_heartbeat_apart)
{
	struct run_peer_result r = { .obs = { .started = true } };
	json_t *hb = json_pack("{s:s s:I s:s s:s}", "call", "heartbeat", "ret", (json_int_t)-1,
			       "errno", "HEARTBEAT_TIMEOUT", "role", "ping");
	json_t *miss =
		json_pack("{s:s s:I s:n}", "call", "heartbeat", "ret", (json_int_t)2, "errno");
	json_t *rx = json_pack("{s:s s:I s:s}", "call", "recv", "ret", (json_int_t)-1, "errno",
			       "ETIMEDOUT");

	peer_result_update(&r, miss, 5000);
	ck_assert_int_eq(r.obs.app_errno, 0);
	peer_result_update(&r, hb, 5500);
	peer_result_update(&r, rx, 15100);
	ck_assert_int_eq(r.obs.app_errno, CASE_ERRNO_HEARTBEAT_TIMEOUT);
	ck_assert_int_eq(r.obs.app_errno_ms, 5500);
	ck_assert_int_eq(r.obs.first_errno, ETIMEDOUT);
	ck_assert_int_eq(r.obs.first_errno_ms, 15100);
	json_decref(hb);
	json_decref(miss);
	json_decref(rx);
}
END_TEST

START_TEST(middlebox_counter)
{
	struct case_expect e = { .kind = CASE_EXPECT_COUNTER,
				 .host = -1,
				 .rule_mbox = true,
				 .cmp = CASE_CMP_EQ,
				 .count = 6 };
	struct case_def c = mk_case(&e);
	struct obs_counter k = { .name = "fw", .installed = true, .packets = 6, .matched = 6 };
	struct obs_peer peers[2] = { { .started = true }, { .started = true } };
	struct verdict_input in = {
		.c = &c, .peers = peers, .fault_ms = 0, .counters = &k, .n_counters = 1
	};
	struct verdict_result r;

	strcpy(e.rule, "fw");
	ck_assert_int_eq(verdict_eval(&in, &r), VERDICT_PASS);
	ck_assert_str_eq(r.expected, "middlebox fw: 6 packets of forgotten flows stopped");
	ck_assert_str_eq(r.observed, "6 packets stopped");
	in.n_counters = 0; /* a control run without it */
	ck_assert_int_eq(verdict_eval_counter(&in, &e, &r), VERDICT_SKIP);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("verdict_heartbeat");
	TCase *tc = tcase_create("channels");

	tcase_add_test(tc, both_channels_pass);
	tcase_add_test(tc, heartbeat_missing_or_late_fails);
	tcase_add_test(tc, no_error_sees_the_heartbeat);
	tcase_add_test(tc, result_folds_the_heartbeat_apart);
	tcase_add_test(tc, middlebox_counter);
	suite_add_tcase(s, tc);
	return check_run(s);
}
