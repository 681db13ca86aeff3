/* suite.h - the orchestrator: find and parse case files, run each case (and
 * its control) in a worker process of its own, several at once, and report.
 *
 * Takes: paths (case files or directories searched for *.case) and options.
 * Gives: results/<run-id>/ with one directory per case (see run.h),
 * summary.json, ktap.txt and the results/latest link; KTAP on stdout, a
 * progress line on stderr when it is a terminal; an exit code (DESIGN.md):
 * 0 all passed (skips allowed), 1 a case failed or ended in error (or the run
 * was interrupted), 2 bad usage or a bad case file, 4 nothing could run.
 *
 * A control run (the case with its cause removed, "control without ...") is
 * reported "ok" when it FAILS: a case whose control passes cannot fail, and
 * proves nothing.
 */
#ifndef SUITE_H
#define SUITE_H

#include <stdbool.h>
#include <stdio.h>

#include "case/case_set.h"
#include "cli/suite_family.h"

struct suite_opts {
	int jobs; /* workers at once, >= 1; 0: -j auto (suite_obs.h) */
	int observer; /* enum suite_observer: events, polling, or auto (events when available) */
	const char *filter; /* fnmatch() glob on the case id, or NULL */
	bool with_controls; /* also run each case's control */
	const char *results_root; /* "results" */
	/* --family: 4 or 6, every case in that family; SUITE_FAMILY_BOTH: each
	 * case twice, the IPv6 run named "NAME [ipv6]"; 0: each case's own */
	int family;
	int tier; /* run the cases of this enum case_tier (0: quick, the default), -1: all */
	int repeat; /* run everything this many rounds and report flakes (0 or 1: once) */
	bool fail_on_skip; /* a skipped case fails the run (make test: no feature may go missing) */
	bool keep; /* keep the labs of cases that did not pass (tcpfault cleanup removes them) */
	int freezer; /* enum lab_freezer_want: which freezer host crashes use (0: auto) */
	/* a case still running this long after its end (lab build and teardown
	 * included) is stopped and reported as error; 0: the case's time limit
	 * (end + 30 s) + 15 s for its lab */
	int64_t case_timeout_ms;
	/* --shard I/N: run only the cases whose place among the selected ones is
	 * I-1 modulo N (a case and its control together); 0: every case */
	int shard_index, shard_count;
	bool timing_emulated; /* --timing emulated: time bands reported, not judged */
};

/**
 * suite_run() - run the loaded cases. Needs root; moves the process into a
 * private network namespace first.
 * Return: the exit code described above.
 */
int suite_run(struct suite *s, const struct suite_opts *o);

#endif
