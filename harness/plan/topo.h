/* topo.h - the topologies a case can name, built with the lab API.
 *
 * Takes: a case's topology and sysctls. Gives: a lab with one namespace per
 * host, links up (operstate UP), addresses from 198.18.0.0/15, the baseline
 * sysctls every namespace gets (values that matter are set explicitly: some
 * are copied from the host when a namespace is created, KERNEL-FACTS.md),
 * then the case's own sysctls, and the effective values read back.
 */
#ifndef TOPO_H
#define TOPO_H

#include <netinet/in.h>
#include <jansson.h>

#include "case/case.h"
#include "netns/lab.h"

/**
 * topo_build() - build @c's topology into @lab (hosts in the order of c->hosts,
 * so a case host index is also the lab host index), apply sysctls.
 * @sysctls_out receives {"client": {"net.ipv4.tcp_retries2": "15", ...}, ...}
 * with the effective values (new reference, also on failure, may be partial).
 * Return: 0 or -errno with the detail in @err (a refused case sysctl names its
 * file:line).
 */
int topo_build(const struct case_def *c, struct lab *lab, json_t **sysctls_out,
	       struct tf_err *err);

/**
 * topo_host_addr() - the address a peer uses to reach @host, with @port.
 * Return: 0 or -ENOENT.
 */
int topo_host_addr(const struct case_def *c, int host, int port, struct sockaddr_storage *out);

/* ---- topo_wire.c: the wiring tables ---------------------------------- */

/**
 * topo_wire() - create @c's hosts (in the order of c->hosts), the switch's
 * bridge, the veths (switch ends enslaved to it), addresses, routes and
 * forwarding, then wait until every veth end is operstate UP.
 * Return: 0 or -errno with the detail in @err.
 */
int topo_wire(const struct case_def *c, struct lab *lab, struct tf_err *err);

/**
 * topo_host_ifaces() - the interfaces of @host ("lo" first, then the bridge
 * and the veth ends it has), at most @max, into @names (static strings).
 * Return: how many.
 */
int topo_host_ifaces(const struct case_def *c, int host, const char **names, int max);

/* The cable of a host on the switch. */
struct topo_cable_info {
	const char *host_if; /* the host's end: "eth0" */
	int switch_host; /* lab index of the switch */
	const char *port; /* the switch's end: "to-client" */
};

/**
 * topo_cable() - where @host's cable plugs into the switch.
 * Return: 0, or -ENOENT when the host has no cable (pair; the server in routed).
 */
int topo_cable(const struct case_def *c, int host, struct topo_cable_info *out);

/** topo_host_ip() - "198.18.0.1/24", the address peers reach @host at; NULL if none. */
const char *topo_host_ip(const struct case_def *c, int host);

/*
 * The neighbour (ARP) settings pinned on every interface of every namespace
 * (net.ipv4.neigh.<dev>.<key>), to the kernel's defaults.
 * They decide whether a dead peer ends in ETIMEDOUT or EHOSTUNREACH
 * (KERNEL-FACTS.md, "Neighbour (ARP) timers").
 */
struct topo_neigh_default {
	const char *key, *value;
};

extern const struct topo_neigh_default topo_neigh_defaults[];
extern const int topo_n_neigh_defaults;

#endif
