/* suite_ctx.h - the state of one `tcpfault run` shared by suite.c (workers,
 * the main loop) and suite_ktap.c (what a finished case prints and adds to
 * the summary). Private to cli/suite*.c.
 *
 * Takes: the run's options and jobs. Gives: the KTAP output (stdout and
 * ktap.txt, one line at a time, after clearing the progress line), the
 * progress line, and a finished job's report.
 */
#ifndef SUITE_CTX_H
#define SUITE_CTX_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <jansson.h>

#include "cli/suite.h"
#include "cli/suite_obs.h"
#include "cli/suite_repeat.h"

enum suite_job_state { JOB_PENDING, JOB_RUNNING, JOB_DONE };

struct suite_job {
	const struct suite_case *sc;
	bool control;
	int family; /* 4 or 6; 0: the case's own (no --family) */
	int round; /* --repeat: 0 .. repeat-1 */
	enum suite_job_state state;
	pid_t pid;
	int64_t deadline_ns;
	int64_t kill_at_ns; /* asked to stop: SIGKILL at this time; 0: not asked */
	bool timed_out;
	struct obs_feed feed; /* its kernel events (event path) */
	int64_t start_ns, end_ns;
	char dir[4096];
};

struct suite_ctx {
	const struct suite_opts *o;
	struct suite_job *jobs;
	int n_jobs, n_done, n_running, ktap_no;
	int n_pass, n_fail, n_error, n_skip;
	FILE *ktap;
	json_t *summary_cases;
	json_t *claims; /* the claims table (claims.c) */
	int n_claims_failed; /* claims the run should have measured and did not */
	char run_dir[2048];
	bool interrupted, progress;
	bool observer_missing; /* --observer events on a kernel without it: nothing ran (exit 4) */
	sigset_t blocked;
	struct obs_hub *hub; /* the run's kernel events; NULL: the polling observer */
	int width; /* cases at once (-j, or what -j auto chose) */
	struct suite_wall wall;
};

/** suite_out() - one KTAP line to stdout and ktap.txt, after clearing the progress line. */
void suite_out(struct suite_ctx *sx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/** suite_job_name() - the job's KTAP name into @buf. Return: @buf. */
char *suite_job_name(const struct suite_ctx *sx, const struct suite_job *j, char *buf, size_t len);

/** suite_progress() - redraw the progress line on a terminal. */
void suite_progress(struct suite_ctx *sx);

/** suite_limit_ms() - how long job @j may run, from its start, before it is stopped as hung. */
int64_t suite_limit_ms(const struct suite_ctx *sx, const struct suite_job *j);

/**
 * suite_finish() - job @j's worker ended with @wstatus: load (or stand in
 * for) its case.json, count its verdict, print its KTAP line and what goes
 * under it, and add it to the summary.
 */
void suite_finish(struct suite_ctx *sx, struct suite_job *j, int wstatus);

#endif
