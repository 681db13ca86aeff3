/* lab_view.h - what one host's network configuration looks like right now:
 * its links (admin state, carrier, master), addresses and routes, read
 * through netlink (libnl caches) inside its namespace.
 *
 * Takes: a lab host. Gives: a struct lab_view of short sorted text lines, in
 * the spirit of `ip -br link`, `ip addr`, `ip route show table all` and
 * `ip -4 neigh`, so that two views taken at different times can be compared
 * line by line (a cable pull must leave the host's addresses and routes as
 * they were; KERNEL-FACTS.md, "Unplug"). What a cable pull may change is kept
 * out of those lines: carrier, operstate, a route's linkdown flag, address
 * flags (tentative), and the neighbour entries (flushed on carrier loss).
 */
#ifndef LAB_VIEW_H
#define LAB_VIEW_H

#include <stdbool.h>

#include "lab.h"
#include "tf_err.h"

#define LAB_VIEW_MAX_LINKS 8
#define LAB_VIEW_MAX_ADDRS 24
#define LAB_VIEW_MAX_ROUTES 48
#define LAB_VIEW_MAX_NEIGHS 16
#define LAB_VIEW_LINE 160

struct lab_view_link {
	char line[LAB_VIEW_LINE]; /* compared: "eth0 up" or "to-client up master br0" */
	bool carrier; /* IFF_LOWER_UP */
	char operstate[16]; /* "up", "lowerlayerdown", ... */
};

struct lab_view_route {
	/* compared: "main unicast 198.18.0.0/24 dev eth0 proto kernel scope link src ..." */
	char line[LAB_VIEW_LINE];
	bool linkdown; /* RTNH_F_LINKDOWN on its nexthop: the device has no carrier */
	int family; /* AF_INET, AF_INET6 */
};

struct lab_view {
	struct lab_view_link links[LAB_VIEW_MAX_LINKS];
	int n_links;
	char addrs[LAB_VIEW_MAX_ADDRS][LAB_VIEW_LINE]; /* "eth0 inet 198.18.0.1/24 scope global" */
	int n_addrs;
	struct lab_view_route routes[LAB_VIEW_MAX_ROUTES];
	int n_routes;
	/* "198.18.0.2 dev eth0 lladdr 02:... reachable" */
	char neighs[LAB_VIEW_MAX_NEIGHS][LAB_VIEW_LINE];
	int n_neighs;
	bool truncated; /* more than the arrays hold: comparisons are then unreliable */
};

/**
 * lab_view_get() - read @host's links, addresses (IPv4 and IPv6), routes
 * (every table, both families) and IPv4 neighbour entries into @v, each list
 * sorted by its line.
 * Return: 0 or -errno with the detail in @err.
 */
int lab_view_get(struct lab *lab, int host, struct lab_view *v, struct tf_err *err);

#endif
