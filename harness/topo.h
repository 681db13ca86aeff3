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

#include "case.h"
#include "../netns/lab.h"

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

#endif
