/* result.h - what one case run leaves behind: case.json (machine-readable)
 * and report.txt (the human diagnostics of a case that did not pass).
 *
 * Takes: the run's observations (run/run.h) and the verdicts.
 * Gives: files in the case's result directory; case.json is written to a
 * temporary name and renamed, so it is either whole or absent.
 */
#ifndef RESULT_H
#define RESULT_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "case/case.h"
#include "obs/capture.h"
#include "fault/fault_record.h"
#include "obs/timeline.h"
#include "run/peer_result.h"
#include "obs/obs_program.h"
#include "verdict/verdict.h"

struct result_case {
	const struct case_def *c;
	bool control;
	const struct timeline *tl;
	const struct obs_sysctls *sysctls; /* per host, effective; NULL: no lab was built */
	const struct fault_record *faults; /* what the faults recorded (counters, snapshots) */
	const struct capture_summary *capture; /* pcap files, segments, lost, cost; NULL: none */
	int64_t fault_ms;
	int64_t duration_ms;
	int64_t obs_last_ms;
	const char *observer; /* "events" or "polling"; NULL: no lab was built */
	uint64_t obs_events; /* kernel events the observer handled */
	int64_t step_late_max_us; /* the latest a timed step ran after its planned time */
	enum verdict_status verdict;
	char reason[512]; /* set by the caller for errors before the verdict */
	const struct verdict_result *results; /* NULL when the case never got to its verdict */
	/* per expectation: the timing model's band ("within model"); NULL: none */
	const struct model_band *models;
	const struct run_peer_result *peers[CASE_MAX_HOSTS];
	struct obs_peer peer_obs[CASE_MAX_HOSTS];
	/* per host, its own programs ("HOST exec"); NULL: none (case.json's "programs") */
	const struct obs_program *programs[CASE_MAX_HOSTS];
};

/**
 * result_dump_json() - write @root to @path whole or not at all: into
 * "@path.tmp", then renamed over @path (a killed writer leaves the old file,
 * or none, never half of one).
 * Return: 0 or -EIO (the temporary file removed).
 */
int result_dump_json(const char *path, const json_t *root);

/**
 * result_write() - write case.json and, unless the case passed, report.txt,
 * into @dir. Fills @rc->reason from the first expectation that did not pass
 * when it is empty.
 * Return: 0 or -errno.
 */
int result_write(const char *dir, struct result_case *rc);

#endif
