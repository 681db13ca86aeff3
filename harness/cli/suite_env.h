/* suite_env.h - the run's process environment (suite.c's helpers).
 *
 * Takes: nothing but the calling process. Gives: a process fit to run cases
 * (suite_enter()), directories made, and the reaping of the processes a
 * subreaper inherits.
 */
#ifndef SUITE_ENV_H
#define SUITE_ENV_H

#include <stdbool.h>
#include <stddef.h>

/**
 * suite_reap_orphans() - wait, at most @limit_ms, for the processes this
 * subreaper inherited. Return: false once none is left, true if some still are.
 */
bool suite_reap_orphans(int limit_ms);

/**
 * suite_enter() - before any case: root, leftovers of killed runs swept, the
 * run's priority, its private network namespace, and this process as the
 * subreaper of every peer. Return: 0, or the exit code when nothing can run.
 */
int suite_enter(void);

/**
 * suite_make_run_dir() - make @root/<date-time>-<pid> (its path into
 * @run_dir) and point @root/latest at it. Return: 0 or -errno.
 */
int suite_make_run_dir(const char *root, char *run_dir, size_t len);

#endif
