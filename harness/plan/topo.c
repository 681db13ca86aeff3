/* topo.c - the sysctls of every namespace, as the plan's list; see topo.h. */
#include "plan/topo.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Over IPv6 (plan_family.c), as well: no duplicate address detection, so an
 * address is usable at once and comes back with its cable at once (the lab's
 * addresses are also added with IFA_F_NODAD, lab_link.c); the same values
 * recorded, and the router's forwarding. */
static const struct {
	const char *key, *value;
} topo_baseline6[] = {
	{ "net.ipv6.conf.all.accept_dad", "0" },
	{ "net.ipv6.conf.default.accept_dad", "0" },
};

static const char *const topo_recorded6[] = {
	"net.ipv4.tcp_retries1",	 "net.ipv4.tcp_retries2",
	"net.ipv4.tcp_syn_retries",	 "net.ipv4.tcp_synack_retries",
	"net.ipv4.tcp_orphan_retries",	 "net.ipv4.tcp_fin_timeout",
	"net.ipv4.tcp_keepalive_time",	 "net.ipv4.tcp_keepalive_intvl",
	"net.ipv4.tcp_keepalive_probes", "net.ipv4.tcp_syn_linear_timeouts",
	"net.ipv4.tcp_rto_max_ms",	 "net.ipv6.conf.all.forwarding",
};

#define TOPO_N(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define TOPO_NEIGH4 "net.ipv4.neigh."

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

/* Host @h's neighbour settings pinned on each of its interfaces, in the
 * tree @tree ("ipv4": ARP, "ipv6": neighbour discovery, whose kernel
 * defaults, nd_tbl in net/ipv6/ndisc.c, are arp_tbl's). */
static void topo_neigh(struct plan *p, int h, const char *tree)
{
	const struct plan_host *ph = &p->hosts[h];
	char key[PLAN_SYSCTL_KEY_MAX];

	for (int i = 0; i < ph->n_ifaces; i++) {
		/* an interface's own accept_dad counts as well as "all"'s
		 * (addrconf_dad_begin()): its link-local address too is usable
		 * at once, and stays the same across an unplug */
		if (!strcmp(tree, "ipv6")) {
			snprintf(key, sizeof(key), "net.ipv6.conf.%s.accept_dad", ph->ifaces[i]);
			topo_add(p, h, key, "0", NULL);
		}
		for (int k = 0; k < plan_n_neigh_defaults; k++) {
			snprintf(key, sizeof(key), "net.%s.neigh.%s.%s", tree, ph->ifaces[i],
				 plan_neigh_defaults[k].key);
			topo_add(p, h, key, plan_neigh_defaults[k].value, NULL);
		}
	}
}

/* The case's own lines; over IPv6 a neighbour line (net.ipv4.neigh.IF.KEY,
 * ARP) also sets its neighbour discovery twin (net.ipv6.neigh.IF.KEY): a case
 * shortens "the neighbour timers" of an interface whichever protocol runs. */
static void topo_case_lines(const struct case_def *c, struct plan *p)
{
	char key[PLAN_SYSCTL_KEY_MAX];

	for (int i = 0; i < c->n_sysctls; i++) {
		const struct case_sysctl *cs = &c->sysctls[i];

		topo_add(p, cs->host, cs->key, cs->value, &cs->loc);
		p->sysctls[p->n_sysctls - 1].optional = cs->optional;
		if (p->family != 6 || strncmp(cs->key, TOPO_NEIGH4, strlen(TOPO_NEIGH4)))
			continue;
		snprintf(key, sizeof(key), "net.ipv6.neigh.%s", cs->key + strlen(TOPO_NEIGH4));
		topo_add(p, cs->host, key, cs->value, &cs->loc);
	}
}

int topo_plan_sysctls(const struct case_def *c, struct plan *p)
{
	bool v6 = p->family == 6;
	int room = 2 * c->n_sysctls;

	for (int h = 0; h < p->n_hosts; h++)
		room += TOPO_N(topo_baseline) + TOPO_N(topo_baseline6) +
			p->hosts[h].n_ifaces * (2 * plan_n_neigh_defaults + 1);
	p->sysctls = calloc((size_t)room + 1, sizeof(*p->sysctls));
	if (!p->sysctls)
		return -ENOMEM;
	for (int h = 0; h < p->n_hosts; h++) {
		for (int i = 0; i < TOPO_N(topo_baseline); i++)
			topo_add(p, h, topo_baseline[i].key, topo_baseline[i].value, NULL);
		for (int i = 0; v6 && i < TOPO_N(topo_baseline6); i++)
			topo_add(p, h, topo_baseline6[i].key, topo_baseline6[i].value, NULL);
		topo_neigh(p, h, "ipv4");
		if (v6)
			topo_neigh(p, h, "ipv6");
	}
	topo_case_lines(c, p);
	p->recorded = v6 ? topo_recorded6 : topo_recorded;
	p->n_recorded = v6 ? TOPO_N(topo_recorded6) : TOPO_N(topo_recorded);
	return 0;
}
