/* doctor.h - `tcpfault doctor`: can this machine (or container) run the
 * shipped cases?
 *
 * Takes: nothing but the machine. Gives: one line per requirement on @out,
 * "ok      NAME[: detail]" or "missing NAME: reason; fix: what to do (needed
 * by: which cases)", NAME in the words of lab_need.h, which the skip reasons
 * of cases use too. The kernel is probed for real (a namespace, a veth pair,
 * an nft table with netdev hooks, a conntrack rule, a sock_diag dump, a
 * socket destroyed, a process frozen and thawed), always in a forked child
 * that first moves into a network namespace of its own: nothing is created
 * in, or changed of, the caller's namespace, and everything the probes made
 * vanishes with the child.
 */
#ifndef DOCTOR_H
#define DOCTOR_H

#include <stdio.h>

/**
 * doctor_run() - probe every requirement, print one line each on @out.
 * Return: 0 when every shipped case can run, 4 when some would skip (the
 * kselftest skip code, as `tcpfault run` uses it).
 */
int doctor_run(FILE *out);

#endif
