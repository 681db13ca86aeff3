/* test_model_schedule.c - the timing model's defaults and schedule details
 * (issue 18): the RTO of a near-zero RTT, where the data-timeout clock starts
 * relative to the send (tail loss probe with SACK), and the two firings an
 * uncertain prediction names with the lateness that picks each.
 *
 * Measured on the 6.18 kernel (HZ 250, pair topology, one 100-byte send into
 * a crashed peer, the event observer's retransmissions and the pcap): TLP
 * 204..210 ms after the send, the first RTO retransmission 208..212 ms after
 * the TLP (412..420 ms after the send); without SACK no TLP, the first RTO
 * retransmission 205..206 ms after the send; TCP_USER_TIMEOUT=3000 ends it
 * 3.004 s after the first RTO retransmission (3.212 s after the TLP: the TLP
 * does not set retrans_stamp); tcp_retries2=4 at the 5th firing in 19 of 19
 * runs, 6.220..6.445 s after the first RTO retransmission.
 */
#include "model/model.h"

#include <check.h>

#include "check_run.h"
#include <errno.h>
#include <string.h>

static void stock(struct model_params *p)
{
	struct model_kernel k;

	ck_assert_int_eq(model_kernel_from_release("6.18.44-fc-v445", &k), 0);
	model_params_init(p, &k);
}

static void set(struct model_params *p, enum model_knob k, long long v)
{
	char msg[160];

	ck_assert_msg(model_param_set(p, k, v, msg, sizeof(msg)) == 0, "%s", msg);
}

/* usecs_to_jiffies(srtt/8 + rttvar), rttvar >= 200 ms: one jiffy above 200 ms. */
START_TEST(test_rto_near_zero)
{
	struct model_params p;

	ck_assert_int_eq(model_rto_near_zero_ms(250), 204); /* M tcpi_rto on a veth */
	ck_assert_int_eq(model_rto_near_zero_ms(1000), 201);
	ck_assert_int_eq(model_rto_near_zero_ms(100), 210);
	ck_assert_int_eq(model_rto_near_zero_ms(300), 203); /* 61 jiffies = 203.3 ms */
	stock(&p);
	ck_assert_int_eq(p.v[MODEL_RTO_MS], 204);
	ck_assert_int_eq(p.v[MODEL_HZ], 250);
	ck_assert_int_eq(p.v[MODEL_SACK], 1);
}
END_TEST

/* The origin is the first RTO retransmission, 2 rto (+2 jiffies) after a lone
 * segment's send with SACK (M 412..420 ms), 1 rto (+1 jiffy) without (M 205). */
START_TEST(test_origin_after_send)
{
	struct model_params p;
	struct model_pred o;

	stock(&p);
	set(&p, MODEL_RETRIES2, 4);
	ck_assert_int_eq(model_predict(MODEL_DATA_TIMEOUT, &p, &o), 0);
	ck_assert_int_eq(o.origin, MODEL_ORIGIN_FIRST_RETRANS);
	ck_assert_int_eq(o.origin_after_send_ms, 416);
	ck_assert_ptr_nonnull(strstr(o.rule, "does not set retrans_stamp"));
	set(&p, MODEL_SACK, 0);
	ck_assert_int_eq(model_predict(MODEL_DATA_TIMEOUT, &p, &o), 0);
	ck_assert_int_eq(o.origin_after_send_ms, 208);
	ck_assert_int_eq(o.value_ms, 6200); /* the schedule from the origin is the same */
	ck_assert_int_eq(o.firing, 5);
}
END_TEST

/* retries2=4, rto 204 ms: firing 5 is nominally 6.12 s, 80 ms short of the
 * 6.2 s budget; its timers' expected lateness (184 ms) carries it past, so it
 * is predicted, and firing 6 (12.648 s) is the alternative. M: firing 5 in
 * 19 runs, the timers 100..325 ms late. */
START_TEST(test_either_later)
{
	struct model_params p;
	struct model_pred o;

	stock(&p);
	set(&p, MODEL_RETRIES2, 4);
	ck_assert_int_eq(model_predict(MODEL_DATA_TIMEOUT, &p, &o), 0);
	ck_assert(o.uncertain);
	ck_assert_int_eq(o.firing, 5);
	ck_assert_int_eq(o.value_ms, 6200);
	ck_assert_int_eq(o.budget_ms, 6200);
	ck_assert_int_eq(o.alt_firing, 6);
	ck_assert_int_eq(o.alt_value_ms, 12648);
	ck_assert_str_eq(o.either, "firing 5 at 6.200 s .. 6.488 s if the timers have run at "
				   "least 0.080 s late in all by then (expected 0.184 s, at most "
				   "0.368 s), else firing 6 at 12.648 s");
	ck_assert_ptr_nonnull(strstr(o.rule, o.either));
}
END_TEST

/* rto 200 ms exactly (the old default): firing 5 is nominally 6.0 s, and only
 * more than the expected lateness (200 of at most 368 ms) carries it past
 * 6.2 s: firing 6 at 12.4 s is predicted, firing 5 the earlier alternative. */
START_TEST(test_either_earlier)
{
	struct model_params p;
	struct model_pred o;

	stock(&p);
	set(&p, MODEL_RETRIES2, 4);
	set(&p, MODEL_RTO_MS, 200);
	ck_assert_int_eq(model_predict(MODEL_DATA_TIMEOUT, &p, &o), 0);
	ck_assert(o.uncertain);
	ck_assert_int_eq(o.firing, 6);
	ck_assert_int_eq(o.value_ms, 12400);
	ck_assert_int_eq(o.alt_firing, 5);
	ck_assert_int_eq(o.alt_value_ms, 6200);
	ck_assert_str_eq(o.either, "firing 5 at 6.200 s .. 6.368 s if the timers have run at "
				   "least 0.200 s late in all by then (expected 0.184 s, at most "
				   "0.368 s), else firing 6 at 12.400 s");
}
END_TEST

/* Certain predictions name no alternative; an orphan's budget is the one of
 * its predicted firing (0 means 8 while rto < rto_max). */
START_TEST(test_either_none)
{
	struct model_params p;
	struct model_pred o;

	stock(&p);
	set(&p, MODEL_RETRIES2, 5);
	ck_assert_int_eq(model_predict(MODEL_DATA_TIMEOUT, &p, &o), 0);
	ck_assert(!o.uncertain);
	ck_assert_int_eq(o.alt_firing, 0);
	ck_assert_str_eq(o.either, "");
	stock(&p);
	ck_assert_int_eq(model_predict(MODEL_ORPHAN_FIN, &p, &o), 0);
	ck_assert_int_eq(o.budget_ms, 102200);
	ck_assert_int_eq(o.firing, 9);
}
END_TEST

static Suite *schedule_suite(void)
{
	Suite *s = suite_create("model_schedule");
	TCase *tc = tcase_create("schedule");

	tcase_add_test(tc, test_rto_near_zero);
	tcase_add_test(tc, test_origin_after_send);
	tcase_add_test(tc, test_either_later);
	tcase_add_test(tc, test_either_earlier);
	tcase_add_test(tc, test_either_none);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(schedule_suite());
}
