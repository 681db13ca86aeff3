/* lab_freeze.h - freeze and thaw a group of processes: the half of a "host
 * crash" that stops the host's userspace (the other half black-holes its
 * traffic, lab_fw.h: a frozen process alone is not a crash, its kernel still
 * answers; KERNEL-FACTS.md).
 *
 * Takes: pids. Gives: a cgroup of tcpfault's own, on the cgroup v2 hierarchy
 * (cgroup.freeze) when one is mounted and lets us create a child group, else
 * on the v1 freezer hierarchy (freezer.state); found from
 * /proc/self/mountinfo. The group is named "tcpfault.<owner pid>.<owner start
 * time>.<name>" so that a later run can tell a leftover of a dead run from a
 * group of a live one (lab_freezer_sweep()).
 *
 * A frozen v1 task ignores SIGKILL until thawed: lab_freezer_free() always
 * thaws before it kills.
 */
#ifndef LAB_FREEZE_H
#define LAB_FREEZE_H

#include <stdbool.h>
#include <sys/types.h>

#include "tf_err.h"

struct lab_freezer;

/* Which freezer to use: the first usable one (cgroup v2, then the v1
 * freezer), or only the one named (tcpfault run --freezer; how the v1 path
 * is tested on a machine that also has cgroup v2). */
enum lab_freezer_want {
	LAB_FREEZER_AUTO = 0,
	LAB_FREEZER_CGROUP2,
	LAB_FREEZER_V1,
};

/**
 * lab_freezer_want_parse() - "auto", "cgroup2" or "freezer-v1".
 * Return: the enum lab_freezer_want, or -1 for anything else.
 */
int lab_freezer_want_parse(const char *s);

/**
 * lab_freezer_new() - an empty freezer group called @name (a host name), on
 * the hierarchy @want asks for.
 * Return: 0 and *@out, or -errno (-EOPNOTSUPP: no usable freezer of that
 * kind; the reason in @err).
 */
int lab_freezer_new(const char *name, enum lab_freezer_want want, struct lab_freezer **out,
		    struct tf_err *err);

/** lab_freezer_add() - move @pid into the group. Return: 0 or -errno. */
int lab_freezer_add(struct lab_freezer *fz, pid_t pid, struct tf_err *err);

/**
 * lab_freezer_set() - freeze (@frozen) or thaw the group and wait, at most
 * 2 s, until the kernel reports it done.
 * Return: 0, -ETIMEDOUT, or -errno.
 */
int lab_freezer_set(struct lab_freezer *fz, bool frozen, struct tf_err *err);

/** lab_freezer_kind() - "cgroup2" or "freezer-v1". */
const char *lab_freezer_kind(const struct lab_freezer *fz);

/**
 * lab_freezer_free() - thaw, SIGKILL every process still in the group, wait
 * for it to empty and remove it. NULL does nothing.
 */
void lab_freezer_free(struct lab_freezer *fz);

/**
 * lab_freezer_owner_alive() - does the process that made the group called
 * @group (a directory name "tcpfault.<pid>.<start time>.<host>") still run?
 */
bool lab_freezer_owner_alive(const char *group);

/**
 * lab_freezer_sweep() - thaw, kill and remove every tcpfault group whose owner
 * process is gone (same pid with another start time counts as gone).
 * Return: the number of groups removed, or -errno.
 */
int lab_freezer_sweep(struct tf_err *err);

#endif
