/* result.h - what one case run leaves behind: per-peer observations gathered
 * from the peers' lines, case.json (machine-readable) and report.txt (the
 * human diagnostics of a case that did not pass).
 *
 * Takes: peer lines as they arrive (result_peer_update), then the verdicts.
 * Gives: files in the case's result directory; case.json is written to a
 * temporary name and renamed, so it is either whole or absent.
 */
#ifndef RESULT_H
#define RESULT_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "case/case.h"
#include "obs/timeline.h"
#include "verdict/verdict.h"

struct run_peer_result {
	struct verdict_peer_obs obs; /* states filled in later from the observer */
	char local[64], remote[64]; /* the connection, as the peer reported it */
	json_t *sockopts; /* {"TCP_KEEPIDLE": 2, ...}: what the kernel read back */
};

struct result_case {
	const struct case_def *c;
	bool control;
	struct timeline *tl;
	const json_t *sysctls;
	const json_t *faults; /* what the faults recorded (counters, snapshots) */
	json_t *capture; /* capture_json(): pcap files, segments, lost, cost (borrowed) */
	int64_t fault_ms;
	int64_t duration_ms;
	int64_t obs_last_ms;
	enum verdict_status verdict;
	char reason[512]; /* set by the caller for errors before the verdict */
	const struct verdict_result *results; /* NULL when the case never got to its verdict */
	/* per expectation: the timing model's band ("within model"); NULL: none */
	const struct verdict_model *models;
	const struct run_peer_result *peers[CASE_MAX_HOSTS];
	struct verdict_peer_obs peer_obs[CASE_MAX_HOSTS];
};

/**
 * result_peer_update() - fold one peer line (already carrying "t_ms") into @r:
 * connection addresses, first errno (EAGAIN, EINPROGRESS and EINTR are not
 * errors, nor are failures of setsockopt/bind/listen), EOF, bytes received,
 * socket option read-backs.
 */
void result_peer_update(struct run_peer_result *r, const json_t *ev, int64_t t_ms);

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
