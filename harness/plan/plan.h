/* plan.h - a case resolved into what the runner does: the explicit plan.
 *
 * Takes: a parsed case and whether to run its control variant. Gives: an
 * immutable struct plan: the case that runs (the case, or its control variant
 * without the faults "control without" names; the plan owns the variant), the
 * topology resolved to hosts (name, lab index, the address peers reach it at,
 * its interfaces, its cable into the switch), the links, addresses, routes and
 * forwarding to make, the sysctls to set and to read back, and the steps with
 * their case times and resolved targets (a connect's sockaddr, a readdress's
 * addresses). Pure: no lab calls, no I/O; run/lab_build.c builds the lab from
 * a plan, run/run.c takes its steps.
 */
#ifndef PLAN_H
#define PLAN_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "case/case.h"
#include "netns/tf_err.h"

#define PLAN_MAX_IFACES 8
#define PLAN_MAX_LINKS 4
#define PLAN_MAX_ADDRS 4
#define PLAN_MAX_ROUTES 2
#define PLAN_SYSCTL_KEY_MAX 128
#define PLAN_TEXT_MAX 48 /* "2001:2:1:255::255/128" */
#define PLAN_MAX_TEXTS 12

/* A host's cable into the switch; unplug downs the switch's end (fault_link.c). */
struct plan_cable {
	const char *host_if; /* the host's end: "eth0" */
	int switch_host; /* lab index of the switch */
	const char *port; /* the switch's end: "to-client" */
};

struct plan_host {
	const char *name; /* the case's host name (borrowed from the case) */
	int lab_index; /* the lab host index: the case's, in the same order */
	const char *cidr; /* "198.18.0.1/24", where peers reach it; NULL: none */
	const char *ifaces[PLAN_MAX_IFACES]; /* "lo" first, then bridge and veth ends */
	int n_ifaces;
	bool has_cable; /* plugged into the switch (not: pair, the server in routed) */
	struct plan_cable cable;
	bool dad; /* over IPv6, one of its addresses has plan_addr.dad */
};

/* One veth: @a:@a_if <-> @b:@b_if (lab indices); @b_if is enslaved to the
 * bridge when @b is the switch. */
struct plan_link {
	int a, b;
	const char *a_if, *b_if;
	bool b_on_bridge;
};

struct plan_addr {
	int host;
	const char *ifname, *cidr;
	/* over IPv6, the case turned duplicate address detection on for this
	 * interface (sysctl HOST net.ipv6.conf.IF|all.accept_dad >= 1): the
	 * address is added without IFA_F_NODAD (lab_addr_add_dad()) */
	bool dad;
};

struct plan_route {
	int host;
	const char *dst, *via;
};

/* A sysctl set while the lab is built; its effective value is read back. */
struct plan_sysctl {
	int host;
	char key[PLAN_SYSCTL_KEY_MAX]; /* dotted */
	const char *value;
	const struct case_loc *loc; /* a case's "sysctl" line; NULL: the lab's baseline */
	bool optional; /* left out, not an error, on a kernel without the knob */
};

struct plan_step {
	const struct case_step *st; /* the case's step (borrowed from plan->c) */
	enum case_step_kind kind;
	int host;
	bool setup; /* before t=0, waited for, in file order */
	int64_t at_ms; /* case time */
	/* connect: the target's address and port (AF_UNSPEC when it has none) */
	struct sockaddr_storage target;
	/* readdress: the host's address -> st->addr; back: st->addr -> the host's */
	const char *addr_from, *addr_to;
	char addr_buf[PLAN_TEXT_MAX]; /* family 6: st->addr in IPv6 (plan_family_text()) */
};

struct plan {
	const struct case_def *c; /* what runs: the case, or its control variant */
	bool control;
	int family; /* 4 or 6: the addresses below are IPv4 or IPv6 (plan_family.c) */
	enum case_topology topology;
	struct plan_host hosts[CASE_MAX_HOSTS];
	int n_hosts;
	int bridge_host; /* the switch's lab index; -1: no switch */
	const char *bridge; /* its bridge: "br0" */
	struct plan_link links[PLAN_MAX_LINKS];
	int n_links;
	struct plan_addr addrs[PLAN_MAX_ADDRS];
	int n_addrs;
	struct plan_route routes[PLAN_MAX_ROUTES];
	int n_routes;
	int forwarder; /* gets forward_key=1; -1: none */
	const char *forward_key; /* net.ipv4.ip_forward, net.ipv6.conf.all.forwarding */
	/* family 6: the IPv6 texts the addresses, routes and readdress steps
	 * above point into (owned) */
	char texts[PLAN_MAX_TEXTS][PLAN_TEXT_MAX];
	int n_texts;
	/* in order: every host's baseline, its neighbour timers per interface,
	 * then the case's own lines (which may set a key again) */
	struct plan_sysctl *sysctls;
	int n_sysctls;
	const char *const *recorded; /* read back on every host after the sysctls */
	int n_recorded;
	struct plan_step *steps; /* like c->steps: setup steps first, then by time */
	int n_steps;
	int64_t end_ms, time_limit_ms;
	struct case_def *variant; /* owned: the control variant, or NULL */
};

struct plan_opts {
	bool control; /* plan the control variant (c->control_without removed) */
	int family; /* 4 or 6; 0: the case's own ("family" line, else 4) */
};

/**
 * plan_build() - resolve @c (or its control variant, with @o->control).
 * @c must outlive the plan.
 * Return: the plan (free with plan_free()), or NULL with the reason in @err
 * (out of memory, unknown topology, a control asked of a case without one).
 */
struct plan *plan_build(const struct case_def *c, const struct plan_opts *o, struct tf_err *err);

/** plan_free() - free a plan (and the control variant it owns). NULL does nothing. */
void plan_free(struct plan *p);

/**
 * plan_host_addr() - the address a peer uses to reach @host, with @port.
 * Return: 0 or -ENOENT (no such host, or it has no address).
 */
int plan_host_addr(const struct plan *p, int host, int port, struct sockaddr_storage *out);

/**
 * plan_family_text() - @v4, a lab address "198.18.A.B[/P]", as the address
 * that stands for it over IPv6: "2001:2:G:A::B[/Q]" (G: 0 for 198.18, 1 for
 * 198.19; A and B written with the same digits; /24 -> /64, /32 -> /128),
 * written as inet_ntop() does ("2001:2::1/64"); "0.0.0.0/0" -> "::/0". So a case names its addresses once and
 * runs in either family, and every address stays inside 2001:2::/48.
 * Return: 0, or -EINVAL (not such an address, another prefix length, or
 * @len too short).
 */
int plan_family_text(const char *v4, char *out, size_t len);

/** plan_cable() - @host's cable into the switch; NULL when it has none. */
const struct plan_cable *plan_cable(const struct plan *p, int host);

/* The neighbour (ARP) settings pinned on every interface of every namespace
 * (net.ipv4.neigh.<dev>.<key>), to the kernel's defaults. They decide whether
 * a dead peer ends in ETIMEDOUT or EHOSTUNREACH (KERNEL-FACTS.md, "Neighbour
 * (ARP) timers"); fault_link.c reads them back around an unplug. */
struct plan_neigh_default {
	const char *key, *value;
};

extern const struct plan_neigh_default plan_neigh_defaults[];
extern const int plan_n_neigh_defaults;

#endif
