/* fault.h - the faults the runner injects, one handler per fault kind.
 *
 * Takes: a fault step of the plan and the environment of the run (the plan,
 * the lab, the peers' pids, a logger). Gives: the fault, done now, and what it
 * left to report (rule counters, snapshots) in env->record, typed
 * (fault_record.h; report/ writes it into case.json under "faults"). fault_finish() undoes what must be undone before the lab is
 * freed (thaw frozen processes, lift rules) and collects final counters.
 *
 * Each fault kind (case/steps.def, "fault" true) has a struct fault_ops, in
 * the fault_<family>.c file of its family, and one line in fault_kinds[]
 * (fault.c), the only table of faults; tests/unit/test_steps.c checks that
 * every fault kind has ops and no peer action has. Walkthrough: docs/HACKING.md,
 * "Adding a fault kind".
 */
#ifndef FAULT_H
#define FAULT_H

#include <stdbool.h>
#include <sys/types.h>

#include "case/case.h"
#include "fault/fault_record.h"
#include "plan/plan.h"
#include "obs/observations.h"
#include "netns/lab.h"
#include "netns/tf_err.h"

#define FAULT_MAX_RULES 32 /* drop and watch rules in one case */

struct fault_rules;
struct fault_crash;
struct fault_mbox;
struct lab_freezer;

struct fault_env {
	const struct plan *plan; /* what runs: hosts, cables, addresses */
	const struct case_def *c; /* plan->c */
	struct lab *lab;
	pid_t peer_pids[CASE_MAX_HOSTS]; /* 0: the host runs no peer */
	bool peer_dead[CASE_MAX_HOSTS]; /* set by a fault that ended the peer */
	struct fault_record record; /* what to report (case.json "faults"); fault_record_free() */
	/* Timeline note from a fault ("kill -9 server (pid 12)"); @t_ns is the
	 * monotonic time it happened (0: now). */
	void (*log)(void *arg, int64_t t_ns, const char *text);
	void *log_arg;
	int64_t t0_ns; /* monotonic time of the case clock's 0 (0 before t=0) */
	bool finished; /* fault_finish() has run: it runs once */
	/* drop and watch rules (fault_drop.c): live state, NULL until the first
	 * rule and again after fault_finish(), which leaves the final counters
	 * in counters[] for the verdict */
	struct fault_rules *rules;
	struct obs_counter counters[FAULT_MAX_RULES];
	int n_counters;
	/* host crashes and freezes (fault_crash.c): per host, NULL when none;
	 * @freezer is the enum lab_freezer_want of the run (--freezer) */
	int freezer;
	struct fault_crash *crash[CASE_MAX_HOSTS];
	/* the middlebox (fault_mbox.c): NULL when none; fault_finish() leaves
	 * its final counter in counters[] */
	struct fault_mbox *mbox;
	/* "reboot HOST listen PORT": the runner starts a new peer process in
	 * @host's namespace listening on @port, and returns once it listens
	 * (called with log_arg). 0 or -errno. */
	int (*listen_again)(void *arg, int host, int port, struct tf_err *err);
	/* The hosts' own programs (run/run_exec.c): per host the freezer group
	 * they run in (NULL: none), which host-crash and freeze freeze with the
	 * peer; kill_programs kills every process of the host's programs (a kill,
	 * a reboot: @why); exec_again starts "reboot HOST exec COMMAND"'s
	 * program (@st) while the host is still black-holed. Called with log_arg. */
	struct lab_freezer *groups[CASE_MAX_HOSTS];
	void (*kill_programs)(void *arg, int host, const char *why);
	int (*exec_again)(void *arg, int host, const struct case_step *st, struct tf_err *err);
};

/*
 * What a family of faults does besides the faults themselves, at the moments
 * of the run. Kinds of one family share it (drop, watch and lift: one set of
 * rules); each hook runs once per run however many kinds point to it, in the
 * order of the family's first kind in case/steps.def. NULL: nothing then.
 */
struct fault_family {
	/* before t=0: what can be done ahead of the faults (fault_prepare()) */
	int (*prepare)(struct fault_env *env, struct tf_err *err);
	/* at every runner tick (10 ms), case time @t_ms (fault_tick()) */
	void (*tick)(struct fault_env *env, int64_t t_ms);
	/* at the end, before any family's finish: give the hosts back (thaw
	 * frozen processes: a v1-frozen task cannot even be killed) */
	void (*undo)(struct fault_env *env);
	/* at the end, after every undo: rules out, final counters into
	 * env->counters (the verdict's) */
	void (*finish)(struct fault_env *env);
};

/* One kind of fault. */
struct fault_ops {
	/* Inject @ps now (its targets resolved by the plan); *@t_ns: the
	 * monotonic time it took effect (preset to now). 0 or -errno with the
	 * reason in @err. */
	int (*apply)(struct fault_env *env, const struct plan_step *ps, int64_t *t_ns,
		     struct tf_err *err);
	const struct fault_family *family; /* NULL: none (kill) */
	/* Verdict hook: from this step on, the victim answers no ARP (KERNEL-FACTS.md,
	 * "Host crash", "Unplug"), so its peers' neighbour entry fails: an input of
	 * the timing model (verdict/model_env.c). */
	bool arp_silenced;
};

/** fault_ops_of() - the ops of fault kind @kind; NULL for a peer action. */
const struct fault_ops *fault_ops_of(enum case_step_kind kind);

/**
 * fault_apply() - inject the fault @ps now (its targets resolved by the plan).
 * Return: 0 or -errno with the reason in @err (the run then ends in error).
 * *@t_ns is set to the monotonic time the fault took effect: the origin of
 * the case's "within" bands when it is the first fault.
 */
int fault_apply(struct fault_env *env, const struct plan_step *ps, int64_t *t_ns,
		struct tf_err *err);

/**
 * fault_prepare() - before the case clock starts: do what can be done ahead
 * of the faults so that, at their time, only the fault itself is left (an
 * nftables context and table in each host that gets a drop or watch rule:
 * under load, opening them at the step's time made it ~80 ms late).
 * Return: 0 or -errno with the detail in @err.
 */
int fault_prepare(struct fault_env *env, struct tf_err *err);

/**
 * fault_finish() - undo and collect at the end of the run (also after errors).
 * Runs once: later calls do nothing. The runner calls it before judging, so
 * that the final rule counters (env->counters) reach the verdict.
 */
void fault_finish(struct fault_env *env);

/**
 * fault_tick() - the runner's periodic call (every runner tick, 10 ms, case time
 * @t_ms): faults that watch something (rule counters) look now.
 */
void fault_tick(struct fault_env *env, int64_t t_ms);

/** fault_is_fault() - is @kind a fault (done by the runner, not by a peer)? */
bool fault_is_fault(enum case_step_kind kind);

/* ---- the kinds, one file per family of faults ------------------------- */

/* fault_kill.c: kill -9 of the host's peer process. */
extern const struct fault_ops fault_kill_ops;

/* fault_link.c: the switch port facing st->host goes down / comes back up;
 * the host's configuration is recorded before, during and after and must not
 * change (-EPROTO with the difference in @err otherwise). */
extern const struct fault_ops fault_unplug_ops, fault_replug_ops;
/* A host's configuration into @snap: links, addresses, routes (both
 * families) and neighbour settings; with @with_state also the carrier and
 * operstate of @ifname (and the linkdown routes and neighbour entries are
 * reported). Shared with fault_addr.c. 0 or -errno. */
int fault_snapshot(struct fault_env *env, int host, const char *ifname, bool with_state,
		   struct fault_snap *snap, struct tf_err *err);
/* Do two snapshots differ in links, addresses, IPv4 routes or neighbour
 * settings? What differs first goes in @buf. */
bool fault_snap_differs(const struct fault_snap *a, const struct fault_snap *b, char *buf,
			size_t len);

/* fault_drop.c: drop and watch rules (nftables through lab_fw), lift. Their
 * counters are read on every tick (a change is a timeline event; a "first N"
 * drop is lifted once N are dropped), and at the end into env->counters. */
extern const struct fault_ops fault_rule_ops, fault_lift_ops; /* drop and watch; lift */

/* fault_crash.c: host-crash (freeze the host's peer and black-hole every
 * interface both ways, ARP included), reboot (while black-holed: kill, destroy
 * every socket, maybe a new listener, then lift), freeze alone. -EOPNOTSUPP
 * when the kernel lacks nftables' netdev egress, a freezer or SOCK_DESTROY
 * (the case is then skipped). The family's undo thaws and kills frozen
 * processes and lifts black-holes, recording their drop counters. */
extern const struct fault_ops fault_host_crash_ops, fault_reboot_ops, fault_freeze_ops;

/* fault_mbox.c: the router tracks connections (conntrack, its established
 * timeout set to the case's idle-timeout, nf_conntrack_tcp_loose=0, both in
 * the router's namespace only) and drops, or resets, the packets of a flow it
 * has forgotten. Counters read on every tick; at the end into env->counters.
 * -EOPNOTSUPP when the kernel has no conntrack. */
extern const struct fault_ops fault_middlebox_ops;

/* fault_addr.c: readdress (the host's address changes, its routes are put
 * back) and its "back" step (the old address returns; the host's
 * configuration must then be what it was before: -EPROTO otherwise). */
extern const struct fault_ops fault_readdress_ops;

#endif
