/* case_job.h - one case through every stage: run it, judge it, report it.
 *
 * Takes: a parsed case, whether to run its control, the run's options (keep,
 * freezer) and the case's result directory. Gives, in that directory:
 * events.jsonl and the captures (run/), case.json and, unless the case
 * passed, report.txt (report/result.h), sequence.txt and sequence.svg
 * (report/sequence.h); and the verdict. Runs in the case's worker process.
 */
#ifndef CASE_JOB_H
#define CASE_JOB_H

#include <stdbool.h>

#include "case/case.h"
#include "obs/obs_hub.h"
#include "verdict/verdict.h"

struct case_job_opts {
	bool control; /* run the control variant (c->control_without removed) */
	int family; /* 4 or 6; 0: the case's own ("family" line); a case that is
		     * "family N only" in the other one is a SKIP */
	bool keep; /* keep the lab of a case that did not pass (run_keep()) */
	const char *keep_tag; /* "<owner pid>.<n>": makes kept names unique */
	int freezer; /* enum lab_freezer_want (lab_freeze.h); 0: the first usable */
	const struct obs_feed *feed; /* the run's kernel events (run_opts); NULL: polling */
	bool timing_emulated; /* --timing emulated: bands reported, not judged */
};

/**
 * case_job_run() - run @c (or its control) into @dir, judge, write.
 * Return: the verdict; VERDICT_ERROR when the lab could not be built or a
 * setup step did not complete, VERDICT_SKIP when the kernel lacks what the
 * case needs (the reason in case.json either way).
 */
enum verdict_status case_job_run(const struct case_def *c, const struct case_job_opts *o,
				 const char *dir);

#endif
