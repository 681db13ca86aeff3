/* topo.c - the sysctls of every namespace, as the plan's list; see topo.h. */
#include "plan/topo.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

/* Set in every namespace, whatever the case says after: the neighbour timers
 * decide between ETIMEDOUT and EHOSTUNREACH (KERNEL-FACTS.md), rp_filter and
 * the buffer sizes are copied from the host at namespace creation, so each is
 * pinned to the kernel's own default. The neighbour timers are pinned per
 * interface (plan_neigh_defaults, below); a case overrides them with its own
 * "sysctl HOST net.ipv4.neigh.eth0.KEY=VALUE" lines. */
static const struct {
	const char *key, *value;
} topo_baseline[] = {
	{ "net.ipv4.conf.all.rp_filter", "0" },
	{ "net.ipv4.conf.default.rp_filter", "0" },
	{ "net.ipv4.tcp_rmem", "4096 131072 6291456" },
	{ "net.ipv4.tcp_wmem", "4096 16384 4194304" },
};

/*
 * The kernel's defaults (arp_tbl in net/ipv4/arp.c; ip-sysctl.rst, neigh/):
 * REACHABLE lasts base_reachable_time x random(0.5..1.5), DELAY
 * delay_first_probe_time s, then ucast_solicit + app_solicit + mcast_resolicit
 * unicast probes retrans_time apart before FAILED; an unresolved entry sends
 * mcast_solicit broadcasts. Set on every interface of every namespace: there
 * is no net.ipv4.neigh.default outside the initial namespace (M, 6.18), a new
 * device copies the kernel's built-in arp_tbl values.
 */
const struct plan_neigh_default plan_neigh_defaults[] = {
	{ "base_reachable_time_ms", "30000" },
	{ "delay_first_probe_time", "5" },
	{ "ucast_solicit", "3" },
	{ "mcast_solicit", "3" },
	{ "mcast_resolicit", "0" },
	{ "app_solicit", "0" },
	{ "retrans_time_ms", "1000" },
};

const int plan_n_neigh_defaults = sizeof(plan_neigh_defaults) / sizeof(plan_neigh_defaults[0]);

/* Read back and recorded in the results for every host: the timers the
 * articles argue about. */
static const char *const topo_recorded[] = {
	"net.ipv4.tcp_retries1",	 "net.ipv4.tcp_retries2",
	"net.ipv4.tcp_syn_retries",	 "net.ipv4.tcp_synack_retries",
	"net.ipv4.tcp_orphan_retries",	 "net.ipv4.tcp_fin_timeout",
	"net.ipv4.tcp_keepalive_time",	 "net.ipv4.tcp_keepalive_intvl",
	"net.ipv4.tcp_keepalive_probes", "net.ipv4.tcp_syn_linear_timeouts",
	"net.ipv4.tcp_rto_max_ms",	 "net.ipv4.ip_forward",
};

#define TOPO_N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* Append one sysctl to @p (room was made by the caller). */
static void topo_add(struct plan *p, int host, const char *key, const char *value,
		     const struct case_loc *loc)
{
	struct plan_sysctl *s = &p->sysctls[p->n_sysctls++];

	s->host = host;
	snprintf(s->key, sizeof(s->key), "%s", key);
	s->value = value;
	s->loc = loc;
}

int topo_plan_sysctls(const struct case_def *c, struct plan *p)
{
	int room = c->n_sysctls;
	char key[PLAN_SYSCTL_KEY_MAX];

	for (int h = 0; h < p->n_hosts; h++)
		room += TOPO_N(topo_baseline) + p->hosts[h].n_ifaces * plan_n_neigh_defaults;
	p->sysctls = calloc((size_t)room + 1, sizeof(*p->sysctls));
	if (!p->sysctls)
		return -ENOMEM;
	for (int h = 0; h < p->n_hosts; h++) {
		const struct plan_host *ph = &p->hosts[h];

		for (int i = 0; i < TOPO_N(topo_baseline); i++)
			topo_add(p, h, topo_baseline[i].key, topo_baseline[i].value, NULL);
		for (int i = 0; i < ph->n_ifaces; i++) {
			for (int k = 0; k < plan_n_neigh_defaults; k++) {
				snprintf(key, sizeof(key), "net.ipv4.neigh.%s.%s", ph->ifaces[i],
					 plan_neigh_defaults[k].key);
				topo_add(p, h, key, plan_neigh_defaults[k].value, NULL);
			}
		}
	}
	for (int i = 0; i < c->n_sysctls; i++)
		topo_add(p, c->sysctls[i].host, c->sysctls[i].key, c->sysctls[i].value,
			 &c->sysctls[i].loc);
	p->recorded = topo_recorded;
	p->n_recorded = TOPO_N(topo_recorded);
	return 0;
}
