/* test_judge.c - a parsed case judged against a run record built by hand,
 * without root: the verdict is a function of (plan, observations). */
#include "verdict/judge.h"

#include <check.h>

#include "check_run.h"
#include <errno.h>
#include <netinet/tcp.h>
#include <string.h>

#include "case_check.h"

static const char judge_case[] = "title t\n"
				 "server listen 8080\n"
				 "client connect server 8080\n"
				 "at 0.5 client send 100\n"
				 "at 1 kill server\n"
				 "end 3\n"
				 "expect client error ECONNRESET within 0..0.1\n"
				 "expect client state ESTABLISHED at 0.9\n"
				 "expect client state CLOSED\n";

/* The client's connection as the observer sampled it: reset at 1.012 s. */
static const struct obs_state_change client_hist[] = {
	{ -5, TCP_ESTABLISHED },
	{ 1012, CASE_STATE_CLOSED },
};

struct judged {
	struct case_def *c;
	struct plan *p;
	struct timeline *tl;
	struct run_peer_result res[2];
	struct run_record rec;
	struct verdict_result results[3];
	struct model_band bands[3];
};

/* A record of a run of judge_case: the kill at 1.000 s, the client's
 * ECONNRESET from recv at 1.012 s with @errnum instead when not 0. */
static void judged_setup(struct judged *j, int errnum)
{
	struct tf_err err = { "" };
	int ret;

	memset(j, 0, sizeof(*j));
	j->c = parse_ok(judge_case);
	j->p = plan_build(j->c, &(struct plan_opts){ .control = false }, &err);
	ck_assert_msg(j->p != NULL, "%s", err.msg);
	j->tl = timeline_new(NULL, &ret);
	ck_assert_ptr_nonnull(j->tl);
	j->res[0].obs = (struct obs_peer){ .started = true,
					   .has_conn = true,
					   .first_errno = errnum ? errnum : ECONNRESET,
					   .first_errno_ms = 1012,
					   .states = client_hist,
					   .n_states = 2,
					   .ka_timer_max_ms = -1 };
	snprintf(j->res[0].obs.first_errno_call, sizeof(j->res[0].obs.first_errno_call), "recv");
	j->res[1].obs =
		(struct obs_peer){ .started = true, .has_conn = true, .ka_timer_max_ms = -1 };
	j->rec = (struct run_record){ .plan = j->p,
				      .c = j->p->c,
				      .fault_ms = 1000,
				      .duration_ms = 3100,
				      .obs_first_ms = -5,
				      .obs_last_ms = 3000,
				      .tl = j->tl };
	for (int h = 0; h < 2; h++) {
		j->rec.peers[h] = j->res[h].obs;
		j->rec.peer_res[h] = &j->res[h];
		j->rec.local[h] = h ? "198.18.0.2:8080" : "198.18.0.1:40000";
		j->rec.remote[h] = h ? "198.18.0.1:40000" : "198.18.0.2:8080";
	}
}

static void judged_free(struct judged *j)
{
	timeline_free(j->tl);
	plan_free(j->p);
	case_free(j->c);
}

START_TEST(test_judge_pass)
{
	struct judged j;

	judged_setup(&j, 0);
	ck_assert_int_eq(verdict_judge(j.p, &j.rec, false, j.results, j.bands), VERDICT_PASS);
	for (int i = 0; i < 3; i++)
		ck_assert_msg(j.results[i].status == VERDICT_PASS, "line %u: %s / %s",
			      j.c->expects[i].loc.line, j.results[i].expected,
			      j.results[i].observed);
	ck_assert_ptr_nonnull(strstr(j.results[0].observed, "ECONNRESET"));
	ck_assert(j.results[0].has_offset);
	ck_assert_int_eq(j.results[0].offset_ms, 12); /* 1.012 s - the kill at 1.000 s */
	ck_assert(!j.bands[0].ok); /* no "within model" here: no band */
	ck_assert_str_eq(j.bands[0].why, "");
	judged_free(&j);
}
END_TEST

START_TEST(test_judge_wrong_errno_fails)
{
	struct judged j;

	judged_setup(&j, ETIMEDOUT);
	ck_assert_int_eq(verdict_judge(j.p, &j.rec, false, j.results, j.bands), VERDICT_FAIL);
	ck_assert_int_eq(j.results[0].status, VERDICT_FAIL);
	ck_assert_ptr_nonnull(strstr(j.results[0].observed, "ETIMEDOUT"));
	ck_assert_int_eq(j.results[1].status, VERDICT_PASS);
	ck_assert_int_eq(j.results[2].status, VERDICT_PASS);
	judged_free(&j);
}
END_TEST

/* Under emulation a late event is reported, not judged: the expectation
 * passes with timing_unjudged and says so; judged, it fails. */
START_TEST(test_judge_timing_emulated)
{
	struct judged j;

	judged_setup(&j, 0);
	j.rec.peers[0].first_errno_ms = 1300; /* 0.3 s after the kill: band 0..0.1 */
	ck_assert_int_eq(verdict_judge(j.p, &j.rec, false, j.results, j.bands), VERDICT_FAIL);
	ck_assert(!j.results[0].timing_unjudged);
	judged_free(&j);

	judged_setup(&j, 0);
	j.rec.peers[0].first_errno_ms = 1300;
	ck_assert_int_eq(verdict_judge(j.p, &j.rec, true, j.results, j.bands), VERDICT_PASS);
	ck_assert(j.results[0].timing_unjudged);
	ck_assert_ptr_nonnull(strstr(j.results[0].observed, "timing not judged (emulated)"));
	ck_assert(!j.results[1].timing_unjudged);
	judged_free(&j);
}
END_TEST

/* Emulation excuses the time only: a wrong errno still fails. */
START_TEST(test_judge_emulated_wrong_errno_fails)
{
	struct judged j;

	judged_setup(&j, ETIMEDOUT);
	j.rec.peers[0].first_errno_ms = 1300;
	ck_assert_int_eq(verdict_judge(j.p, &j.rec, true, j.results, j.bands), VERDICT_FAIL);
	ck_assert_int_eq(j.results[0].status, VERDICT_FAIL);
	judged_free(&j);
}
END_TEST

/* The state history decides: still ESTABLISHED at the end fails. */
START_TEST(test_judge_state_history)
{
	static const struct obs_state_change never_closed[] = { { -5, TCP_ESTABLISHED } };
	struct judged j;

	judged_setup(&j, 0);
	j.rec.peers[0].states = never_closed;
	j.rec.peers[0].n_states = 1;
	ck_assert_int_eq(verdict_judge(j.p, &j.rec, false, j.results, j.bands), VERDICT_FAIL);
	ck_assert_int_eq(j.results[1].status, VERDICT_PASS);
	ck_assert_int_eq(j.results[2].status, VERDICT_FAIL);
	ck_assert_ptr_nonnull(strstr(j.results[2].observed, "ESTABLISHED"));
	judged_free(&j);
}
END_TEST

static Suite *judge_suite(void)
{
	Suite *s = suite_create("judge");
	TCase *tc = tcase_create("judge");

	tcase_add_test(tc, test_judge_pass);
	tcase_add_test(tc, test_judge_wrong_errno_fails);
	tcase_add_test(tc, test_judge_timing_emulated);
	tcase_add_test(tc, test_judge_emulated_wrong_errno_fails);
	tcase_add_test(tc, test_judge_state_history);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(judge_suite());
}
