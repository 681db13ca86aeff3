/* run.h - run one case: build its lab, start its peers, take its steps and
 * faults on time, sample the sockets, judge the expectations.
 *
 * Takes: a parsed case and a directory for its results. Gives, in that
 * directory: events.jsonl (streamed while the case runs), case.json (written
 * last, atomically: its presence means the case finished) and report.txt (the
 * human diagnostics of a case that did not pass: expected vs observed and the
 * slice of the timeline around the difference).
 *
 * Runs in a worker process of its own (suite.c forks one per case): it
 * switches namespaces and forks peers, and everything it creates lives in
 * namespaces held as fds, so its death removes them.
 */
#ifndef RUN_H
#define RUN_H

#include <stdbool.h>

#include "case/case.h"
#include "verdict/verdict.h"

struct run_opts {
	bool control; /* run the control variant (c->control_without removed) */
	bool keep; /* keep the lab of a case that did not pass (SWEEP_KEEP_PREFIX names) */
	const char *keep_tag; /* "<owner pid>.<n>": makes kept names unique */
	int freezer; /* enum lab_freezer_want (lab_freeze.h); 0: the first usable */
};

/**
 * run_case() - run @c (or its control variant) into @dir.
 * Return: the case verdict; VERDICT_ERROR with the reason in case.json when
 * the lab could not be built or a setup step did not complete.
 */
enum verdict_status run_case(const struct case_def *c, const struct run_opts *o, const char *dir);

#endif
