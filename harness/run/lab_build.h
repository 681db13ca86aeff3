/* lab_build.h - make a plan's lab: namespaces, bridge, veths, addresses,
 * routes, forwarding, then the sysctls, and read their effective values back.
 *
 * Takes: a plan (plan/plan.h: what to make, as data) and an empty lab.
 * Gives: one namespace per host (the plan's host order, so a case host index
 * is also the lab host index), links up (operstate UP), addresses from
 * 198.18.0.0/15, the plan's sysctls set, and the effective values per host.
 */
#ifndef RUN_LAB_BUILD_H
#define RUN_LAB_BUILD_H

#include "obs/observations.h"
#include "plan/plan.h"
#include "netns/lab.h"

/**
 * lab_build() - build @p into @lab.
 * @sysctls_out (zeroed by the caller) receives every host's effective values,
 * also on failure (then maybe partial); free with obs_sysctls_free().
 * Return: 0 or -errno with the detail in @err (a refused case sysctl names its
 * file:line).
 */
int lab_build(const struct plan *p, struct lab *lab, struct obs_sysctls *sysctls_out,
	      struct tf_err *err);

#endif
