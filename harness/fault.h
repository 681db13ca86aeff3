/* fault.h - the faults the runner injects, one handler per fault kind.
 *
 * Takes: a fault step of the case and the environment of the run (the lab,
 * the peers' pids, a logger). Gives: the fault, done now, and what it left to
 * report (rule counters, snapshots) in env->record, which goes into case.json
 * under "faults". fault_finish() undoes what must be undone before the lab is
 * freed (thaw frozen processes, lift rules) and collects final counters.
 *
 * Adding a fault: a CASE_STEP_* kind and its parse entry in case_stmt.c, a
 * handler in a fault_<name>.c file, and one line in fault_table (fault.c).
 */
#ifndef FAULT_H
#define FAULT_H

#include <stdbool.h>
#include <sys/types.h>
#include <jansson.h>

#include "case.h"
#include "../netns/lab.h"
#include "../netns/tf_err.h"

struct fault_env {
	const struct case_def *c;
	struct lab *lab;
	pid_t peer_pids[CASE_MAX_HOSTS]; /* 0: the host runs no peer */
	bool peer_dead[CASE_MAX_HOSTS]; /* set by a fault that ended the peer */
	json_t *record; /* {"...": ...} reported as case.json "faults"; owned by the runner */
	/* Timeline note from a fault ("kill -9 server (pid 12)"); @t_ns is the
	 * monotonic time it happened (0: now). */
	void (*log)(void *arg, int64_t t_ns, const char *text);
	void *log_arg;
};

/**
 * fault_apply() - inject the fault @st now.
 * Return: 0 or -errno with the reason in @err (the run then ends in error).
 * *@t_ns is set to the monotonic time the fault took effect: the origin of
 * the case's "within" bands when it is the first fault.
 */
int fault_apply(struct fault_env *env, const struct case_step *st, int64_t *t_ns,
		struct tf_err *err);

/** fault_finish() - undo and collect at the end of the run (also after errors). */
void fault_finish(struct fault_env *env);

/** fault_is_fault() - is @kind a fault (done by the runner, not by a peer)? */
bool fault_is_fault(enum case_step_kind kind);

/** fault_mono_ns() - CLOCK_MONOTONIC in ns, the clock of every timeline. */
int64_t fault_mono_ns(void);

#endif
