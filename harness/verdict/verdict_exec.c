/* verdict_exec.c - the expectations on a host's own program; see verdict.h.
 *
 *   expect HOST exit STATUS|signal NAME|running [within LO..HI]
 *       the host's last program: exited on its own with STATUS, was killed
 *       by NAME, or still ran at the end of the case (the end's SIGTERM came
 *       after the verdict's moment: that is "running")
 *   expect HOST output "REGEX" [within LO..HI]
 *       a line of stdout or stderr matches (with a band: the first matching
 *       line from the first fault on; lines after the end do not count)
 *   expect HOST socket error ERRNO [within LO..HI]
 *       the error the kernel gave the host's connection to another lab host
 *       (obs_program.sock_errno, run/run_exec_conn.c says how it is found)
 */
#include "verdict/verdict.h"

#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "common/secs.h"

/* " within LO..HI s after the fault" of @e appended to @buf (nothing without). */
static void add_band(const struct case_expect *e, char *buf, size_t len)
{
	char lo[24], hi[24];
	size_t used = strlen(buf);

	if (e->has_band && used < len)
		snprintf(buf + used, len - used, " within %s..%s s after the fault",
			 secs_fmt(lo, sizeof(lo), e->band_lo_ms, 3),
			 secs_fmt(hi, sizeof(hi), e->band_hi_ms, 3));
}

/* "status 1", "SIGKILL (kill)" or "running" of @p into @buf. */
static void describe_end(const struct obs_proc *p, char *buf, size_t len)
{
	char at[24];

	secs_fmt(at, sizeof(at), p->exit_ms, 3);
	if (!p->exited || (p->ended_by && !strcmp(p->ended_by, "end")))
		snprintf(buf, len, "pid %d still running at the end", p->pid);
	else if (p->signo)
		snprintf(buf, len, "pid %d killed by SIG%s at %s s%s%s", p->pid,
			 sigabbrev_np(p->signo) ?: "?", at, p->ended_by ? " by " : "",
			 p->ended_by ? p->ended_by : "");
	else
		snprintf(buf, len, "pid %d exited with status %d at %s s", p->pid, p->status, at);
}

static enum verdict_status eval_exit(const struct verdict_input *in, const struct case_expect *e,
				     const struct obs_program *op, struct verdict_result *r)
{
	const struct obs_proc *p = &op->procs[op->n_procs - 1];
	const char *host = in->c->hosts[e->host];
	bool running = !p->exited || (p->ended_by && !strcmp(p->ended_by, "end"));

	if (e->exit_kind == CASE_EXIT_RUNNING)
		snprintf(r->expected, sizeof(r->expected), "%s's program still running at the end",
			 host);
	else if (e->exit_kind == CASE_EXIT_SIGNAL)
		snprintf(r->expected, sizeof(r->expected), "%s's program killed by SIG%s", host,
			 sigabbrev_np(e->exit_value) ?: "?");
	else
		snprintf(r->expected, sizeof(r->expected), "%s's program exits with status %d",
			 host, e->exit_value);
	add_band(e, r->expected, sizeof(r->expected));
	describe_end(p, r->observed, sizeof(r->observed));
	if (e->exit_kind == CASE_EXIT_RUNNING)
		return running ? VERDICT_PASS : VERDICT_FAIL;
	if (running)
		return VERDICT_FAIL;
	r->t_ms = p->exit_ms;
	if (e->exit_kind == CASE_EXIT_SIGNAL ? p->signo != e->exit_value :
					       p->signo || p->status != e->exit_value) {
		verdict_check_band(in, e, p->exit_ms, r);
		return VERDICT_FAIL;
	}
	return verdict_check_band(in, e, p->exit_ms, r);
}

static enum verdict_status eval_output(const struct verdict_input *in, const struct case_expect *e,
				       const struct obs_program *op, struct verdict_result *r)
{
	const char *re = case_text(in->c, e->text);
	int64_t from = e->has_band && in->fault_ms >= 0 ? in->fault_ms : INT64_MIN;
	char at[24];
	regex_t rx;

	snprintf(r->expected, sizeof(r->expected), "%s's program writes a line matching \"%.80s\"",
		 in->c->hosts[e->host], re ? re : "");
	add_band(e, r->expected, sizeof(r->expected));
	if (!re || regcomp(&rx, re, REG_EXTENDED | REG_NOSUB)) {
		snprintf(r->observed, sizeof(r->observed), "the REGEX does not compile");
		return VERDICT_ERROR;
	}
	for (int i = 0; i < op->n_lines; i++) {
		const struct obs_line *l = &op->lines[i];

		if (l->t_ms < from || l->t_ms > op->end_ms ||
		    regexec(&rx, l->text, 0, NULL, 0) != 0)
			continue;
		regfree(&rx);
		r->t_ms = l->t_ms;
		snprintf(r->observed, sizeof(r->observed), "%s at %s s: \"%.100s\"",
			 l->err ? "stderr" : "stdout", secs_fmt(at, sizeof(at), l->t_ms, 3),
			 l->text);
		return verdict_check_band(in, e, l->t_ms, r);
	}
	regfree(&rx);
	if (op->n_lines)
		snprintf(r->observed, sizeof(r->observed),
			 "no line matched%s; its last: \"%.100s\"",
			 from > INT64_MIN ? " after the fault" : "",
			 op->lines[op->n_lines - 1].text);
	else
		snprintf(r->observed, sizeof(r->observed), "the program wrote nothing");
	return VERDICT_FAIL;
}

static enum verdict_status eval_socket_error(const struct verdict_input *in,
					     const struct case_expect *e,
					     const struct obs_program *op, struct verdict_result *r)
{
	char at[24];

	snprintf(r->expected, sizeof(r->expected), "%s's connection gets %s from the kernel",
		 in->c->hosts[e->host], case_errno_name(e->errnum));
	add_band(e, r->expected, sizeof(r->expected));
	if (!op->local[0]) {
		snprintf(r->observed, sizeof(r->observed),
			 "the observer saw no connection of %s to another lab host",
			 in->c->hosts[e->host]);
		return VERDICT_FAIL;
	}
	if (!op->sock_errno) {
		snprintf(r->observed, sizeof(r->observed), "no error on %s>%s", op->local,
			 op->remote);
		return VERDICT_FAIL;
	}
	r->t_ms = op->sock_errno_ms;
	snprintf(r->observed, sizeof(r->observed), "%s at %s s (%.110s)",
		 case_errno_name(op->sock_errno), secs_fmt(at, sizeof(at), op->sock_errno_ms, 3),
		 op->sock_errno_why);
	if (op->sock_errno != e->errnum) {
		verdict_check_band(in, e, op->sock_errno_ms, r);
		return VERDICT_FAIL;
	}
	return verdict_check_band(in, e, op->sock_errno_ms, r);
}

enum verdict_status verdict_eval_program(const struct verdict_input *in,
					 const struct case_expect *e, struct verdict_result *r)
{
	const struct obs_program *op = e->host >= 0 ? in->programs[e->host] : NULL;

	if (!op || !op->ran || !op->n_procs) {
		snprintf(r->expected, sizeof(r->expected), "an expectation on %s's program",
			 e->host >= 0 ? in->c->hosts[e->host] : "?");
		snprintf(r->observed, sizeof(r->observed), "no program ran there");
		return VERDICT_ERROR;
	}
	switch (e->kind) {
	case CASE_EXPECT_EXIT:
		return eval_exit(in, e, op, r);
	case CASE_EXPECT_OUTPUT:
		return eval_output(in, e, op, r);
	case CASE_EXPECT_SOCKET_ERROR:
		return eval_socket_error(in, e, op, r);
	default:
		return VERDICT_ERROR;
	}
}
