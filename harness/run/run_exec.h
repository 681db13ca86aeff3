/* run_exec.h - the hosts' own programs during a case run ("HOST exec
 * COMMAND", "HOST user NAME", "HOST wait ...", "reboot HOST exec ...").
 *
 * Takes: the run's context (run_priv.h): the plan, the lab, the timeline, the
 * fault environment. Gives: each program started by /bin/sh -c in its host's
 * namespace and in its host's freezer group (so host-crash freezes it and
 * kill, reboot and the end reach its whole process tree), as root or the
 * host's user, with TCPFAULT_HOST, TCPFAULT_ADDR_<HOST>, TCPFAULT_TMP and
 * TCPFAULT_CASE_DIR in
 * its environment; its stdout and stderr lines in the timeline (src HOST,
 * kind "program", call "stdout"/"stderr") and in program-HOST.txt; its exit
 * in the timeline; at the end SIGTERM, then SIGKILL of the group after
 * RUN_EXEC_GRACE_MS; and for the verdict a struct obs_program per host
 * (obs/obs_program.h) with the host's connection found by the observer.
 *
 * Internal to run/: include run_priv.h first. Not for other stages.
 */
#ifndef RUN_EXEC_H
#define RUN_EXEC_H

#include <poll.h>
#include <stddef.h>

#include "case/case.h"
#include "obs/obs_program.h"
#include "netns/tf_err.h"

struct run_ctx;
struct run;
struct run_progs;

#define RUN_EXEC_GRACE_MS 2000 /* SIGTERM at the end, then SIGKILL */

/**
 * run_exec_init() - before the lab is built: the case's "need" programs and
 * users exist (else -EOPNOTSUPP, a skip, naming the package), the per-host
 * scratch directories (TCPFAULT_TMP) are made. Nothing to do (0) for a case
 * without programs. Sets rc->progs.
 * Return: 0 or -errno with the reason in @reason.
 */
int run_exec_init(struct run_ctx *rc, char *reason, size_t len);

/**
 * run_exec_setup() - take the setup step @idx (exec, user or wait): a wait
 * returns once ready. Return: 0, or -errno with the reason (the program's
 * last lines included) in @reason.
 */
int run_exec_setup(struct run_ctx *rc, int idx, char *reason, size_t len);

/** run_exec_step() - take the timed step @idx (exec). 0 or -errno, the reason in rc->fault_err. */
int run_exec_step(struct run_ctx *rc, int idx);

/** run_exec_fds() - the programs' output fds to poll: up to @max into @pfd; the count. */
int run_exec_fds(struct run_ctx *rc, struct pollfd *pfd, int max);

/** run_exec_pump() - read what the programs wrote, note the ones that exited. */
void run_exec_pump(struct run_ctx *rc);

/** run_exec_stop() - at the end (after the faults' undo): SIGTERM, grace, SIGKILL, reap. */
void run_exec_stop(struct run_ctx *rc);

/**
 * run_exec_collect() - fill r->rec.programs and, for a host that runs a
 * program and no peer, r->rec.peers[h] with the connection the observer
 * found for it (its state history), so that state and no-connection
 * expectations judge it. Writes program-HOST.txt.
 */
void run_exec_collect(struct run *r);

/* fault_env's hooks (fault.h): kill every process of @host's programs (a
 * kill or a reboot, @why), and "reboot HOST exec COMMAND" (@arg: the run_ctx). */
void run_exec_kill(void *arg, int host, const char *why);
int run_exec_again(void *arg, int host, const struct case_step *st, struct tf_err *err);

/** run_exec_free() - stop what still runs, remove the scratch directories, free. */
void run_exec_free(struct run_ctx *rc);

/* run_exec_conn.c: the host's connection among the observer's tracks and the
 * error the kernel gave it, inferred from the samples and the capture. */
void run_exec_conn(const struct run_ctx *rc, int host, struct obs_program *op);

#endif
