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

/**
 * plan_family_apply() - with @p->family 6, the resolved hosts', addresses'
 * and routes' texts replaced by their IPv6 counterparts (plan_family_text()),
 * and plan_addr.dad / plan_host.dad set where @p->c's sysctl lines turn
 * duplicate address detection on; sets @p->forward_key for either family
 * (plan_family.c).
 * Return: 0 or -EINVAL/-E2BIG (a text without a counterpart) with @err set.
 */
int plan_family_apply(struct plan *p, struct tf_err *err);

/**
 * plan_family_step_addr() - with @p->family 6, @v4 (a readdress step's
 * address) into @ps->addr_buf. Return: 0 or -EINVAL.
 */
int plan_family_step_addr(const struct plan *p, struct plan_step *ps, const char *v4);

#endif
