/* topo.h - the topologies a case can name, as data for the plan (plan.c).
 *
 * Takes: a case (its topology, hosts and sysctl lines). Gives: the plan's
 * hosts resolved (lab index, address, interfaces, cable), its links,
 * addresses, routes and forwarder (topo_wire.c, from one table per topology),
 * and the sysctls every namespace gets (topo.c: values that matter are set
 * explicitly, some are copied from the host when a namespace is created,
 * KERNEL-FACTS.md), then the case's own. Pure: run/lab_build.c makes them.
 * Internal to plan/: other stages include plan.h.
 */
#ifndef TOPO_H
#define TOPO_H

#include "case/case.h"
#include "plan/plan.h"

/**
 * topo_resolve() - fill @p's hosts, bridge, links, addresses, routes and
 * forwarder from @c's topology (hosts in the order of c->hosts, so a case
 * host index is also the lab host index).
 * Return: 0 or -EINVAL (unknown topology) with the detail in @err.
 */
int topo_resolve(const struct case_def *c, struct plan *p, struct tf_err *err);

/**
 * topo_plan_sysctls() - fill @p->sysctls (baseline and neighbour timers per
 * host, then @c's lines) and @p->recorded. Needs @p's hosts resolved.
 * Return: 0 or -ENOMEM.
 */
int topo_plan_sysctls(const struct case_def *c, struct plan *p);

#endif
