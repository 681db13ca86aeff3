/* test_case_exec.c - unit tests of the grammar of a host's own program
 * (harness/case/case_exec.c): "HOST exec COMMAND...", "HOST user NAME",
 * "HOST wait listening|connected|output ...", "need PROGRAM [from PACKAGE]",
 * "reboot HOST exec COMMAND...", and the exit, output and socket error
 * expectations, with the whole-file checks on exec hosts.
 *
 * Like test_case_addr.c: each error has a row with the exact first line of
 * the diagnostics; good files are checked field by field.
 */
#include "case/case.h"
#include "case_check.h"

#include <check.h>

#include "check_run.h"
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T "title t\ntopology lan\n"
#define S "server exec sleep 30\n"
#define E "expect client exit 0\n"

static const struct bad_case bad_cases[] = {
	{ "empty command", T "client exec\n" E, "t.case:3:8: error: 'exec' needs COMMAND..." },
	{ "only a comment", T "client exec # nothing\n" E,
	  "t.case:3:8: error: 'exec' needs COMMAND..." },
	{ "open quote", T "client exec echo 'a # b\n" E,
	  "t.case:3:18: error: no closing ' for this quote in the command" },
	{ "open double quote", T "client exec echo \"a\n" E,
	  "t.case:3:18: error: no closing \" for this quote in the command" },
	{ "unknown user", T "client user nosuchuser-tcpfault\nclient exec true\n" E,
	  "t.case:3:13: error: unknown user 'nosuchuser-tcpfault': no such user on this machine" },
	{ "user twice", T "client user root\nclient user root\nclient exec true\n" E,
	  "t.case:4:13: error: client's user is already set (line 3)" },
	{ "user after exec", T "client exec true\nclient user root\n" E,
	  "t.case:4:8: error: 'user' comes before client's first exec (line 3)" },
	{ "user timed", T "client exec true\nat 1 client user root\n" E,
	  "t.case:4:13: error: 'user' is a setup step: write it without 'at TIME'" },
	{ "wait without exec", T "client wait listening 80\n" E,
	  "t.case:3:8: error: 'wait' waits for client's program: start it first with 'client "
	  "exec COMMAND'" },
	{ "wait for what", T "client exec true\nclient wait ready\n" E,
	  "t.case:4:13: error: unknown wait 'ready': expected listening, connected or output" },
	{ "wait alone", T "client exec true\nclient wait\n" E,
	  "t.case:4:8: error: 'wait' needs listening PORT, connected HOST PORT or output \"REGEX\" "
	  "[timeout DURATION]" },
	{ "wait listening nothing", T "client exec true\nclient wait listening\n" E,
	  "t.case:4:13: error: 'listening' needs PORT" },
	{ "wait bad port", T "client exec true\nclient wait listening 0\n" E,
	  "t.case:4:23: error: bad port '0': expected 1..65535" },
	{ "wait connected host", T "client exec true\nclient wait connected mars 80\n" E,
	  "t.case:4:23: error: unknown host 'mars': this case's hosts are client, server, switch" },
	{ "wait connected no port", T "client exec true\nclient wait connected server\n" E,
	  "t.case:4:13: error: 'connected' needs HOST PORT" },
	{ "wait output unquoted", T "client exec true\nclient wait output ready\n" E,
	  "t.case:4:20: error: expected a quoted REGEX like \"ready\", got 'ready'" },
	{ "wait output bad regex", T "client exec true\nclient wait output \"a(b\"\n" E,
	  "t.case:4:20: error: bad REGEX \"a(b\": Unmatched ( or \\(" },
	{ "wait output open", T "client exec true\nclient wait output \"ab\n" E,
	  "t.case:4:20: error: no closing '\"' for this REGEX" },
	{ "wait timeout zero", T "client exec true\nclient wait listening 80 timeout 0\n" E,
	  "t.case:4:34: error: 'timeout' needs a duration above 0, got '0'" },
	{ "wait timeout word", T "client exec true\nclient wait listening 80 timeout soon\n" E,
	  "t.case:4:34: error: bad duration 'soon': expected seconds like 1.5, 1.5s or 250ms" },
	{ "wait extra", T "client exec true\nclient wait listening 80 now\n" E,
	  "t.case:4:26: error: unexpected 'now' after 'client wait listening 80'" },
	{ "wait timed", T "client exec true\nat 1 client wait listening 80\n" E,
	  "t.case:4:13: error: 'wait' is a setup step: write it without 'at TIME'" },
	{ "need nothing", T "need\nclient exec true\n" E,
	  "t.case:3:1: error: 'need' needs PROGRAM [from PACKAGE]" },
	{ "need from nothing", T "need redis-server from\nclient exec true\n" E,
	  "t.case:3:19: error: 'from' needs PACKAGE" },
	{ "need other word", T "need redis-server in redis\nclient exec true\n" E,
	  "t.case:3:19: error: unexpected 'in' after 'need redis-server'" },
	{ "exit on a host without a program", T S "expect client exit 0\n",
	  "t.case:4:1: error: client runs no program: 'exit' is about a program started with "
	  "'client exec COMMAND'" },
	{ "output on a host without a program", T S "expect client output \"x\"\n",
	  "t.case:4:1: error: client runs no program: 'output' is about a program started with "
	  "'client exec COMMAND'" },
	{ "socket error on a host without a program", T S "expect client socket error ETIMEDOUT\n",
	  "t.case:4:1: error: client runs no program: 'socket error' is about a program started "
	  "with 'client exec COMMAND'" },
	{ "peer error on a program", T S "expect server error ETIMEDOUT\n",
	  "t.case:4:1: error: 'error' is what tcpfault's peer saw, and server runs a program: "
	  "expect server socket error ERRNO, exit or output" },
	{ "exit bad", T S "expect server exit ok\n",
	  "t.case:4:20: error: bad exit 'ok': expected a status 0..255, signal NAME or running" },
	{ "exit 256", T S "expect server exit 256\n",
	  "t.case:4:20: error: bad exit '256': expected a status 0..255, signal NAME or running" },
	{ "exit signal unknown", T S "expect server exit signal BOOM\n",
	  "t.case:4:27: error: unknown signal 'BOOM'" },
	{ "exit signal alone", T S "expect server exit signal\n",
	  "t.case:4:20: error: 'signal' needs NAME (like KILL or SIGTERM)" },
	{ "running within", T S "at 1 kill server\nexpect server exit running within 0..1\n",
	  "t.case:5:28: error: 'running' is about the end of the case: no 'within'" },
	{ "exit within model", T S "at 1 kill server\nexpect server exit 0 within model\n",
	  "t.case:5:29: error: 'within model' needs tcpfault's own peer (its socket options are "
	  "the model's inputs): give the band as LO..HI" },
	{ "output bad regex", T S "expect server output \"[z-a]\"\n",
	  "t.case:4:22: error: bad REGEX \"[z-a]\": Invalid range end" },
	{ "output unquoted", T S "expect server output ready\n",
	  "t.case:4:22: error: expected a quoted REGEX like \"ready\", got 'ready'" },
	{ "socket what", T S "expect server socket closed ETIMEDOUT\n",
	  "t.case:4:22: error: expected 'socket error ERRNO', got 'socket closed'" },
	{ "socket errno", T S "expect server socket error ETIMEOUT\n",
	  "t.case:4:28: error: unknown errno name 'ETIMEOUT'; did you mean 'ETIMEDOUT'?" },
	{ "socket pseudo errno", T S "expect server socket error HEARTBEAT_TIMEOUT\n",
	  "t.case:4:28: error: unknown errno name 'HEARTBEAT_TIMEOUT'" },
	{ "reboot exec nothing",
	  T S "at 1 host-crash server\nat 2 reboot server exec\nexpect server exit running\n",
	  "t.case:5:20: error: 'exec' needs COMMAND..." },
};

START_TEST(test_bad_case)
{
	check_bad(&bad_cases[_i]);
}
END_TEST

START_TEST(test_good)
{
	struct case_def *c =
		parse_ok(T "need /usr/lib/postgresql/*/bin/postgres from postgresql\n"
			   "need psql\n"
			   "server user nosuchuser-made-by-the-package\n"
			   "server exec echo '#1' \"#2\" \\#3 && exec sleep 30 # a comment\n"
			   "server wait output \"^#1|(ready)\\\"\" timeout 2.5 # a comment\n"
			   "server wait listening 5432\n"
			   "client exec psql -c 'select 1'\n"
			   "client wait connected server 5432\n"
			   "at 1 host-crash server\n"
			   "at 2 reboot server exec sleep 5\n"
			   "expect client exit 2 within 1..3\n"
			   "expect client exit signal TERM\n"
			   "expect server exit running\n"
			   "expect client output \"a#b\" within 0..4 # a comment\n"
			   "expect client socket error ECONNRESET within 1..3\n"
			   "expect client state CLOSED\n"
			   "control without host-crash\n");
	const struct case_step *s;
	struct case_def *v;

	ck_assert_int_eq(c->n_needs, 2);
	ck_assert_str_eq(c->needs[0].program, "/usr/lib/postgresql/*/bin/postgres");
	ck_assert_str_eq(c->needs[0].package, "postgresql");
	ck_assert_str_eq(c->needs[1].package, "");
	s = step_of(c, CASE_STEP_USER, 0);
	ck_assert_str_eq(case_text(c, s->text), "nosuchuser-made-by-the-package");
	s = step_of(c, CASE_STEP_EXEC, 0);
	ck_assert(s->setup);
	ck_assert_str_eq(case_text(c, s->text), "echo '#1' \"#2\" \\#3 && exec sleep 30");
	s = step_of(c, CASE_STEP_WAIT, 0);
	ck_assert_int_eq(s->wait_kind, CASE_WAIT_OUTPUT);
	ck_assert_str_eq(case_text(c, s->text), "^#1|(ready)\"");
	ck_assert_int_eq(s->timeout_ms, 2500);
	s = step_of(c, CASE_STEP_WAIT, 1);
	ck_assert_int_eq(s->wait_kind, CASE_WAIT_LISTENING);
	ck_assert_int_eq(s->port, 5432);
	ck_assert_int_eq(s->timeout_ms, 10000);
	s = step_of(c, CASE_STEP_WAIT, 2);
	ck_assert_int_eq(s->wait_kind, CASE_WAIT_CONNECTED);
	ck_assert_str_eq(c->hosts[s->target_host], "server");
	s = step_of(c, CASE_STEP_REBOOT, 0);
	ck_assert_str_eq(case_text(c, s->text), "sleep 5");
	ck_assert(case_host_runs_program(c, 0) && case_host_runs_program(c, 1));
	ck_assert(!case_host_runs_peer(c, 0));
	ck_assert_int_eq(c->expects[0].kind, CASE_EXPECT_EXIT);
	ck_assert_int_eq(c->expects[0].exit_kind, CASE_EXIT_STATUS);
	ck_assert_int_eq(c->expects[0].exit_value, 2);
	ck_assert(c->expects[0].has_band);
	ck_assert_int_eq(c->expects[1].exit_kind, CASE_EXIT_SIGNAL);
	ck_assert_int_eq(c->expects[1].exit_value, SIGTERM);
	ck_assert_int_eq(c->expects[2].exit_kind, CASE_EXIT_RUNNING);
	ck_assert_str_eq(case_text(c, c->expects[3].text), "a#b");
	ck_assert_int_eq(c->expects[3].band_hi_ms, 4000);
	ck_assert_int_eq(c->expects[4].kind, CASE_EXPECT_SOCKET_ERROR);
	ck_assert_int_eq(c->expects[4].errnum, ECONNRESET);
	v = case_control(c);
	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(v->n_texts, c->n_texts);
	ck_assert_str_eq(case_text(v, step_of(v, CASE_STEP_EXEC, 0)->text),
			 case_text(c, step_of(c, CASE_STEP_EXEC, 0)->text));
	case_free(v);
	case_free(c);
}
END_TEST

static Suite *case_exec_suite(void)
{
	Suite *s = suite_create("case_exec");
	TCase *tc = tcase_create("grammar");

	tcase_set_timeout(tc, 10);
	tcase_add_loop_test(tc, test_bad_case, 0, (int)ARRAY_SIZE(bad_cases));
	tcase_add_test(tc, test_good);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(case_exec_suite());
}
