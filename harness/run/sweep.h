/* sweep.h - what tcpfault can leave on a machine, found and removed.
 *
 * Takes: nothing but the machine's /proc, /run/netns and cgroup hierarchies.
 * Gives: the leak check (processes of ours, kept or stale named namespaces,
 * freezer groups) and the sweep that removes leftovers of runs whose owner is
 * gone (pid and start time), leaving a concurrently running tcpfault alone.
 *
 * Most of a run cleans itself: namespaces are fds, peers die with their
 * worker (PR_SET_PDEATHSIG), rules die with their namespace. What can outlive
 * a SIGKILLed run: a task frozen by the v1 freezer (it cannot die until
 * thawed), its cgroup, a program's scratch directory, and labs kept on
 * purpose with --keep.
 */
#ifndef SWEEP_H
#define SWEEP_H

#include <stdbool.h>
#include <stdio.h>

#define SWEEP_KEEP_DIR "/run/netns"
#define SWEEP_KEEP_PREFIX "tcpfault-keep-"

/**
 * sweep_stale() - thaw, kill and remove the freezer groups of dead owners,
 * and remove the scratch directories of "HOST exec" programs whose worker
 * is gone (/tmp/tcpfault-exec.PID.*). Kept labs stay (only sweep_kept()
 * removes them).
 * Return: the number of things removed, or -errno.
 */
int sweep_stale(FILE *log);

/**
 * sweep_kept() - unmount and remove every lab kept with --keep, except those
 * of a run that is still going (named after its orchestrator's pid).
 * Return: count or -errno.
 */
int sweep_kept(FILE *log);

/**
 * sweep_check() - list on @out every leak: a process running this binary or
 * named "tcpfault*" (other than the caller and its ancestors), a tcpfault
 * freezer group, a kept or named tcpfault namespace. What belongs to another
 * run that is still going is not a leak (a note says so): processes whose
 * chain of tcpfault parents ends in a "tcpfault run" orchestrator (workers
 * and peers rename themselves "tcpfault-case" / "tcpfault-peer", so an orphan
 * is never taken for one), groups whose owner (pid and start time) runs,
 * kept labs whose run is still going.
 * Return: the number of leaks found.
 */
int sweep_check(FILE *out);

#endif
