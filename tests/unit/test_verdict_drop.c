/* test_verdict_drop.c - the drop fault's expectations (harness/verdict_drop.c)
 * against synthetic observations: rule counters (and their skip in a control
 * run without the rule), no-connection, TIME_WAIT restarts, and the state of a
 * connection the application never got.
 */
#include "verdict/verdict.h"

#include <check.h>

#include "check_run.h"
#include <netinet/tcp.h>
#include <string.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const struct obs_counter counters[] = {
	{ .name = "syn-lost", .installed = true, .packets = 6, .matched = 6 },
	{ .name = "first", .installed = true, .packets = 3, .matched = 5 },
	{ .name = "syns", .watch = true, .installed = true, .packets = 4, .matched = 4 },
};

/* Client (0) and server (1), one expectation, the counters above. */
static enum verdict_status eval1(struct case_expect e, const struct obs_peer *client,
				 int n_counters, struct verdict_result *r)
{
	struct case_def c = { .n_hosts = 2, .expects = &e, .n_expects = 1, .file = "x.case" };
	struct obs_peer peers[2] = { { .started = true }, { .started = true } };
	struct verdict_input in = { .c = &c,
				    .peers = peers,
				    .fault_ms = 0,
				    .obs_first_ms = 0,
				    .obs_last_ms = 9000,
				    .counters = counters,
				    .n_counters = n_counters };

	strcpy(c.hosts[0], "client");
	strcpy(c.hosts[1], "server");
	if (client)
		peers[0] = *client;
	return verdict_eval(&in, r);
}

static struct case_expect counter_expect(const char *name, bool watch, enum case_cmp cmp,
					 long long n)
{
	struct case_expect e = {
		.kind = CASE_EXPECT_COUNTER, .host = -1, .rule_watch = watch, .cmp = cmp, .count = n
	};

	strcpy(e.rule, name);
	return e;
}

static const struct {
	const char *name;
	bool watch;
	enum case_cmp cmp;
	long long n;
	enum verdict_status want;
} counter_rows[] = {
	{ "syn-lost", false, CASE_CMP_EQ, 6, VERDICT_PASS },
	{ "syn-lost", false, CASE_CMP_EQ, 5, VERDICT_FAIL },
	{ "syn-lost", false, CASE_CMP_GE, 1, VERDICT_PASS },
	{ "syn-lost", false, CASE_CMP_GT, 6, VERDICT_FAIL },
	{ "syn-lost", false, CASE_CMP_LE, 6, VERDICT_PASS },
	{ "syn-lost", false, CASE_CMP_LT, 6, VERDICT_FAIL },
	{ "first", false, CASE_CMP_EQ, 3, VERDICT_PASS }, /* dropped, not matched */
	{ "syns", true, CASE_CMP_EQ, 4, VERDICT_PASS },
	{ "syns", false, CASE_CMP_EQ, 4, VERDICT_PASS }, /* a drop "syns" is not there: skip */
	{ "gone", false, CASE_CMP_GE, 1, VERDICT_PASS },
};

START_TEST(test_counter)
{
	struct case_expect e = counter_expect(counter_rows[_i].name, counter_rows[_i].watch,
					      counter_rows[_i].cmp, counter_rows[_i].n);
	struct verdict_result r;

	ck_assert_int_eq(eval1(e, NULL, (int)ARRAY_SIZE(counters), &r), counter_rows[_i].want);
}
END_TEST

START_TEST(test_counter_texts)
{
	struct verdict_result r;

	eval1(counter_expect("first", false, CASE_CMP_GE, 1), NULL, (int)ARRAY_SIZE(counters), &r);
	ck_assert_str_eq(r.expected, "drop first: >= 1 packets dropped");
	ck_assert_str_eq(r.observed, "3 packets dropped (5 matched)");
	eval1(counter_expect("syns", true, CASE_CMP_EQ, 4), NULL, (int)ARRAY_SIZE(counters), &r);
	ck_assert_str_eq(r.observed, "4 packets counted");
}
END_TEST

/* A control run without the drop: the expectation is skipped, and skipped
 * alone does not fail the case (the other expectations must). */
START_TEST(test_counter_absent_is_skip)
{
	struct verdict_result r;

	ck_assert_int_eq(eval1(counter_expect("syn-lost", false, CASE_CMP_EQ, 6), NULL, 0, &r),
			 VERDICT_PASS);
	ck_assert_int_eq(r.status, VERDICT_SKIP);
	ck_assert_str_eq(r.observed, "the rule was not put in during this run");
}
END_TEST

START_TEST(test_no_connection)
{
	struct case_expect e = { .kind = CASE_EXPECT_NO_CONNECTION, .host = 0 };
	struct obs_peer p = { .started = true };
	struct verdict_result r;

	ck_assert_int_eq(eval1(e, &p, 0, &r), VERDICT_PASS);
	p.has_conn = true;
	ck_assert_int_eq(eval1(e, &p, 0, &r), VERDICT_FAIL);
}
END_TEST

static const struct obs_state_change tw_hist[] = {
	{ 0, TCP_ESTABLISHED },
	{ 510, TCP_FIN_WAIT2 },
	{ 1002, TCP_TIME_WAIT },
};

START_TEST(test_tw_restarts)
{
	struct case_expect e = {
		.kind = CASE_EXPECT_TW_RESTARTS, .host = 0, .cmp = CASE_CMP_EQ, .count = 1
	};
	struct obs_peer p = { .started = true,
			      .has_conn = true,
			      .states = tw_hist,
			      .n_states = 3,
			      .tw_restarts = 1,
			      .tw_first_restart_ms = 1213 };
	struct verdict_result r;

	ck_assert_int_eq(eval1(e, &p, 0, &r), VERDICT_PASS);
	ck_assert_str_eq(r.observed, "1 times, first at 1.213 s");
	p.tw_restarts = 0;
	ck_assert_int_eq(eval1(e, &p, 0, &r), VERDICT_FAIL);
	ck_assert_str_eq(r.observed, "never");
	p.n_states = 0;
	ck_assert_int_eq(eval1(e, &p, 0, &r), VERDICT_ERROR);
}
END_TEST

/* SYN_SENT of a connect() that failed: a history without a connection. */
static const struct obs_state_change syn_sent_hist[] = {
	{ 1, TCP_SYN_SENT },
	{ 7137, CASE_STATE_CLOSED },
};

START_TEST(test_state_without_connection)
{
	struct case_expect e = { .kind = CASE_EXPECT_STATE,
				 .host = 0,
				 .state = TCP_SYN_SENT,
				 .when = CASE_WHEN_DURING,
				 .from_ms = 100,
				 .to_ms = 6900 };
	struct obs_peer p = { .started = true, .states = syn_sent_hist, .n_states = 2 };
	struct verdict_result r;

	ck_assert_int_eq(eval1(e, &p, 0, &r), VERDICT_PASS);
	p.n_states = 0;
	ck_assert_int_eq(eval1(e, &p, 0, &r), VERDICT_ERROR);
	ck_assert_str_eq(r.observed, "the peer never had a connection");
}
END_TEST

static Suite *verdict_drop_suite(void)
{
	Suite *s = suite_create("verdict_drop");
	TCase *tc = tcase_create("drop");

	tcase_set_timeout(tc, 10);
	tcase_add_loop_test(tc, test_counter, 0, (int)ARRAY_SIZE(counter_rows));
	tcase_add_test(tc, test_counter_texts);
	tcase_add_test(tc, test_counter_absent_is_skip);
	tcase_add_test(tc, test_no_connection);
	tcase_add_test(tc, test_tw_restarts);
	tcase_add_test(tc, test_state_without_connection);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(verdict_drop_suite());
}
