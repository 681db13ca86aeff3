/* run.h - run one case: build its lab, start its peers, take its steps and
 * faults on time, sample the sockets, and hand back what was seen.
 *
 * Takes: a plan (plan/plan.h: the case or its control variant, resolved)
 * and a directory for its results. Gives: events.jsonl in that directory (streamed while the case
 * runs, so an interrupted run leaves a readable file), the packet captures,
 * and a struct run_record: the observations that the verdict judges and the
 * report writes. Judging and writing are not done here (cli/case_job.c puts
 * the stages together).
 *
 * Runs in a worker process of its own (suite.c forks one per case): it
 * switches namespaces and forks peers, and everything it creates lives in
 * namespaces held as fds, so its death removes them. The lab stays up until
 * run_free(), so that a case that did not pass can be kept (run_keep()).
 */
#ifndef RUN_H
#define RUN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "case/case.h"
#include "plan/plan.h"
#include "obs/observations.h"
#include "obs/timeline.h"
#include "obs/wire.h"
#include "obs/capture.h"
#include "obs/obs_hub.h"
#include "fault/fault_record.h"
#include "run/peer_result.h"
#include "obs/obs_program.h"

struct run_opts {
	int freezer; /* enum lab_freezer_want (lab_freeze.h); 0: the first usable */
	/* the run's kernel events for this case (obs_hub.h), handed to the
	 * observer (which closes its fd); NULL or fd -1: the polling observer */
	const struct obs_feed *feed;
};

/* What a finished case run saw; everything borrowed from its struct run. */
struct run_record {
	const struct plan *plan; /* what ran (borrowed from the caller) */
	const struct case_def *c; /* plan->c: the case, or its control variant */
	bool control;
	/* 0: the run reached its end; else -errno and @reason (-EOPNOTSUPP: the
	 * kernel lacks what the case needs, a skip) */
	int error;
	char reason[512];
	int64_t fault_ms; /* case time of the first fault, or -1 */
	int64_t duration_ms;
	int64_t obs_first_ms, obs_last_ms; /* the observer sampled from .. to */
	const char *observer; /* "events" or "polling" (obs_mode_name()); NULL: no lab */
	uint64_t obs_events; /* kernel events the observer handled */
	int64_t step_late_max_us; /* the latest a timed step ran after its planned time */
	/* per host (like c->hosts): what its peer saw, with the state history of
	 * its connection; the connection followed (local, remote) */
	struct obs_peer peers[CASE_MAX_HOSTS];
	const struct run_peer_result *peer_res[CASE_MAX_HOSTS];
	const char *local[CASE_MAX_HOSTS], *remote[CASE_MAX_HOSTS];
	const struct obs_counter *counters; /* the drop, watch and middlebox rules */
	int n_counters;
	const struct wire_host *wire; /* per host, what its capture saw; NULL: none ran */
	/* per expectation (like c->expects): a "sysctl" one's value read back
	 * after the run (NULL otherwise, or when unreadable: sysctl_why says why) */
	const char *const *sysctl_seen;
	const char *const *sysctl_why;
	const struct timeline *tl; /* the whole timeline */
	const struct obs_sysctls *sysctls; /* per host, the effective sysctls; NULL: no lab */
	const struct fault_record *faults; /* what the faults recorded (counters, snapshots) */
	const struct capture_summary
		*capture; /* pcap files, segments, lost, cost; NULL: the run broke */
	/* per host, its own programs ("HOST exec"); NULL: it ran none */
	const struct obs_program *programs[CASE_MAX_HOSTS];
};

struct run;

/**
 * run_case() - run the plan @p into @dir; @p must outlive the run.
 * Return: the run (free with run_free()), NULL only when out of memory; a run
 * that could not build its lab or complete a setup step has record->error set.
 */
struct run *run_case(const struct plan *p, const struct run_opts *o, const char *dir);

/** run_record() - what @r saw; valid until run_free(). */
const struct run_record *run_record(const struct run *r);

/**
 * run_keep() - pin the namespaces of @r under SWEEP_KEEP_DIR, named with
 * @tag ("<owner pid>.<n>", unique per run and case), so that they outlive
 * the worker; one line per host on @out: how to enter it, or why it could
 * not be kept. `tcpfault cleanup` removes them.
 */
void run_keep(struct run *r, const char *tag, FILE *out);

/** run_free() - undo the faults, stop the peers, tear the lab down. NULL: nothing. */
void run_free(struct run *r);

#endif
