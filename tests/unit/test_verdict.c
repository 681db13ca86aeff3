/* test_verdict.c - expectations against synthetic observations. */
#include "verdict/verdict.h"

#include <check.h>

#include "check_run.h"
#include <errno.h>
#include <netinet/tcp.h>
#include <string.h>

/* A pair case with client (0) and server (1) and one expectation @e. */
static struct case_def mk_case(struct case_expect *e)
{
	struct case_def c = { .n_hosts = 2, .expects = e, .n_expects = 1, .file = "x.case" };

	strcpy(c.hosts[0], "client");
	strcpy(c.hosts[1], "server");
	return c;
}

static const struct obs_state_change close_wait_hist[] = {
	{ 0, TCP_ESTABLISHED },
	{ 510, TCP_CLOSE_WAIT },
	{ 3010, CASE_STATE_CLOSED },
};

static enum verdict_status eval1(struct case_expect e, struct obs_peer client, int64_t fault_ms,
				 struct verdict_result *r)
{
	struct case_def c = mk_case(&e);
	struct obs_peer peers[2] = { client, { .started = true } };
	struct verdict_input in = { .c = &c,
				    .peers = peers,
				    .fault_ms = fault_ms,
				    .obs_first_ms = 0,
				    .obs_last_ms = 4000 };

	return verdict_eval(&in, r);
}

static struct obs_peer conn_obs(void)
{
	return (struct obs_peer){
		.started = true, .has_conn = true, .states = close_wait_hist, .n_states = 3
	};
}

START_TEST(error_matches_in_band)
{
	struct obs_peer p = conn_obs();
	struct verdict_result r;
	struct case_expect e = { .kind = CASE_EXPECT_ERROR,
				 .errnum = ECONNRESET,
				 .has_band = true,
				 .band_lo_ms = 0,
				 .band_hi_ms = 200 };

	p.first_errno = ECONNRESET;
	p.first_errno_ms = 612;
	strcpy(p.first_errno_call, "recv");
	ck_assert_int_eq(eval1(e, p, 500, &r), VERDICT_PASS);
	ck_assert_str_eq(r.observed, "ECONNRESET from recv at 0.612 s (0.112 s after the fault)");
}
END_TEST

START_TEST(error_outside_band_fails)
{
	struct obs_peer p = conn_obs();
	struct verdict_result r;
	struct case_expect e = { .kind = CASE_EXPECT_ERROR,
				 .errnum = ECONNRESET,
				 .has_band = true,
				 .band_lo_ms = 0,
				 .band_hi_ms = 100 };

	p.first_errno = ECONNRESET;
	p.first_errno_ms = 700;
	strcpy(p.first_errno_call, "recv");
	ck_assert_int_eq(eval1(e, p, 500, &r), VERDICT_FAIL);
}
END_TEST

START_TEST(error_wrong_errno_fails)
{
	struct obs_peer p = conn_obs();
	struct verdict_result r;
	struct case_expect e = { .kind = CASE_EXPECT_ERROR, .errnum = ECONNRESET };

	p.first_errno = EPIPE;
	p.first_errno_ms = 1500;
	strcpy(p.first_errno_call, "send");
	ck_assert_int_eq(eval1(e, p, 500, &r), VERDICT_FAIL);
	ck_assert_str_eq(r.expected, "client error ECONNRESET");
	ck_assert_str_eq(r.observed, "EPIPE from send at 1.500 s");
}
END_TEST

START_TEST(error_none_seen_fails)
{
	struct verdict_result r;
	struct case_expect e = { .kind = CASE_EXPECT_ERROR, .errnum = EPIPE };

	ck_assert_int_eq(eval1(e, conn_obs(), 500, &r), VERDICT_FAIL);
	ck_assert_str_eq(r.observed, "no errno at all");
}
END_TEST

START_TEST(eof_and_no_error)
{
	struct obs_peer p = conn_obs();
	struct verdict_result r;
	struct case_expect eof = { .kind = CASE_EXPECT_EOF, .has_band = true, .band_hi_ms = 200 };
	struct case_expect none = { .kind = CASE_EXPECT_NO_ERROR };

	p.eof = true;
	p.eof_ms = 505;
	ck_assert_int_eq(eval1(eof, p, 500, &r), VERDICT_PASS);
	ck_assert_int_eq(eval1(none, p, 500, &r), VERDICT_PASS);
	p.eof = false;
	ck_assert_int_eq(eval1(eof, p, 500, &r), VERDICT_FAIL);
}
END_TEST

START_TEST(band_without_fault_is_error)
{
	struct obs_peer p = conn_obs();
	struct verdict_result r;
	struct case_expect e = { .kind = CASE_EXPECT_EOF, .has_band = true, .band_hi_ms = 200 };

	p.eof = true;
	p.eof_ms = 505;
	ck_assert_int_eq(eval1(e, p, -1, &r), VERDICT_ERROR);
}
END_TEST

START_TEST(state_at_end_at_and_during)
{
	struct verdict_result r;
	struct case_expect end = { .kind = CASE_EXPECT_STATE,
				   .state = CASE_STATE_CLOSED,
				   .when = CASE_WHEN_END };
	struct case_expect at = { .kind = CASE_EXPECT_STATE,
				  .state = TCP_CLOSE_WAIT,
				  .when = CASE_WHEN_AT,
				  .from_ms = 1000 };
	struct case_expect during = { .kind = CASE_EXPECT_STATE,
				      .state = TCP_CLOSE_WAIT,
				      .when = CASE_WHEN_DURING,
				      .from_ms = 700,
				      .to_ms = 2900 };
	struct case_expect too_long = during;

	too_long.to_ms = 3500;
	ck_assert_int_eq(eval1(end, conn_obs(), 500, &r), VERDICT_PASS);
	ck_assert_int_eq(eval1(at, conn_obs(), 500, &r), VERDICT_PASS);
	ck_assert_int_eq(eval1(during, conn_obs(), 500, &r), VERDICT_PASS);
	ck_assert_int_eq(eval1(too_long, conn_obs(), 500, &r), VERDICT_FAIL);
	ck_assert_str_eq(r.observed, "became CLOSED at 3.010 s");
}
END_TEST

/* An expectation that nothing observed is an error, never a pass. */
START_TEST(state_unobserved_is_error)
{
	struct verdict_result r;
	struct obs_peer no_conn = { .started = true };
	struct obs_peer early = conn_obs();
	struct case_expect at = { .kind = CASE_EXPECT_STATE,
				  .state = TCP_ESTABLISHED,
				  .when = CASE_WHEN_AT,
				  .from_ms = 100 };
	struct case_expect during = { .kind = CASE_EXPECT_STATE,
				      .state = TCP_CLOSE_WAIT,
				      .when = CASE_WHEN_DURING,
				      .from_ms = 700,
				      .to_ms = 5000 };

	ck_assert_int_eq(eval1(at, no_conn, 500, &r), VERDICT_ERROR);
	early.states = close_wait_hist + 1; /* first seen at 510 ms */
	early.n_states = 2;
	ck_assert_int_eq(eval1(at, early, 500, &r), VERDICT_ERROR);
	/* the observer stopped at 4000 ms: a window to 5000 ms was not watched */
	early = conn_obs();
	ck_assert_int_eq(eval1(during, early, 500, &r), VERDICT_ERROR);
}
END_TEST

/* Emulated: a connection that began late (its connect step ran late) is
 * judged from its start, with its timing not judged; judged, an error. */
START_TEST(state_during_emulated_late_start)
{
	struct verdict_result r;
	struct obs_peer late = conn_obs();
	struct case_expect during = { .kind = CASE_EXPECT_STATE,
				      .state = TCP_CLOSE_WAIT,
				      .when = CASE_WHEN_DURING,
				      .from_ms = 100,
				      .to_ms = 2900 };
	struct case_def c = mk_case(&during);
	struct obs_peer peers[2] = { late, { .started = true } };
	struct verdict_input in = {
		.c = &c, .peers = peers, .fault_ms = 0, .obs_last_ms = 4000, .timing_emulated = true
	};

	late.states = close_wait_hist + 1; /* CLOSE_WAIT first seen at 510 ms */
	late.n_states = 2;
	peers[0] = late;
	ck_assert_int_eq(eval1(during, late, 0, &r), VERDICT_ERROR);
	ck_assert_int_eq(verdict_eval(&in, &r), VERDICT_PASS);
	ck_assert(r.timing_unjudged);
	ck_assert_ptr_nonnull(strstr(r.observed, "from 0.510 s, when the connection began"));
	/* the state is still judged: ESTABLISHED throughout fails */
	during.state = TCP_ESTABLISHED;
	ck_assert_int_eq(verdict_eval(&in, &r), VERDICT_FAIL);
}
END_TEST

START_TEST(no_peer_is_error)
{
	struct verdict_result r;
	struct obs_peer none = { 0 };
	struct case_expect e = { .kind = CASE_EXPECT_RECEIVED, .bytes = 0 };

	ck_assert_int_eq(eval1(e, none, 500, &r), VERDICT_ERROR);
}
END_TEST

START_TEST(received_and_detect)
{
	struct obs_peer p = conn_obs();
	struct verdict_result r;
	struct case_expect e = { .kind = CASE_EXPECT_RECEIVED, .bytes = 1000 };

	p.received = 1000;
	ck_assert_int_eq(eval1(e, p, 500, &r), VERDICT_PASS);
	p.received = 999;
	ck_assert_int_eq(eval1(e, p, 500, &r), VERDICT_FAIL);
	p.eof = true;
	p.eof_ms = 530;
	p.first_errno = EPIPE;
	p.first_errno_ms = 1500;
	ck_assert_int_eq(verdict_detect_ms(&p, 500), 30);
	ck_assert_int_eq(verdict_detect_ms(&p, -1), -1);
}
END_TEST

/* The right count with a byte off the pattern (lost, repeated, reordered) still fails. */
START_TEST(received_out_of_order_fails)
{
	struct obs_peer p = conn_obs();
	struct verdict_result r;
	struct case_expect e = { .kind = CASE_EXPECT_RECEIVED, .bytes = 5000 };

	p.received = 5000;
	ck_assert_int_eq(eval1(e, p, 500, &r), VERDICT_PASS);
	p.order_broken = true;
	p.order_bad_at = 1000;
	ck_assert_int_eq(eval1(e, p, 500, &r), VERDICT_FAIL);
	ck_assert_str_eq(r.observed, "5000 bytes, but byte 1000 is off the sender's pattern (lost, "
				     "repeated or reordered data)");
}
END_TEST

static Suite *verdict_suite(void)
{
	Suite *s = suite_create("verdict");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, error_matches_in_band);
	tcase_add_test(tc, error_outside_band_fails);
	tcase_add_test(tc, error_wrong_errno_fails);
	tcase_add_test(tc, error_none_seen_fails);
	tcase_add_test(tc, eof_and_no_error);
	tcase_add_test(tc, band_without_fault_is_error);
	tcase_add_test(tc, state_at_end_at_and_during);
	tcase_add_test(tc, state_during_emulated_late_start);
	tcase_add_test(tc, state_unobserved_is_error);
	tcase_add_test(tc, no_peer_is_error);
	tcase_add_test(tc, received_and_detect);
	tcase_add_test(tc, received_out_of_order_fails);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(verdict_suite());
}
