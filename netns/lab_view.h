/* lab_view.h - what one host's network configuration looks like right now:
 * its links (admin state, carrier, master), addresses and routes, read
 * through netlink (libnl caches) inside its namespace.
 *
 * Takes: a lab host. Gives: a struct lab_view of short sorted text lines, in
 * the spirit of `ip -br link`, `ip addr`, `ip route show table all` and
 * `ip neigh` (ARP's and neighbour discovery's entries apart), so that two
 * views taken at different times can be compared line by line (a cable pull
 * must leave the host's addresses and routes as they were; KERNEL-FACTS.md,
 * "Unplug"). What a cable pull may change is kept out of those lines:
 * carrier, operstate, a route's linkdown flag, address flags (tentative), and
 * the neighbour entries of both families (flushed on carrier loss:
 * neigh_carrier_down() from arp_netdev_event() and ndisc_netdev_event()).
 */
#ifndef LAB_VIEW_H
#define LAB_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "lab.h"
#include "tf_err.h"

#define LAB_VIEW_MAX_LINKS 8
#define LAB_VIEW_MAX_ADDRS 24
#define LAB_VIEW_MAX_ROUTES 48
#define LAB_VIEW_MAX_NEIGHS 32 /* per family: IPv6 adds its multicast (noarp) entries */
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
	/* ARP's: "198.18.0.2 dev eth0 lladdr 02:... reachable" */
	char neighs[LAB_VIEW_MAX_NEIGHS][LAB_VIEW_LINE];
	int n_neighs;
	/* neighbour discovery's (NUD states): "2001:2::2 dev eth0 lladdr 02:... stale",
	 * " router" before the state when the neighbour said it routes (NTF_ROUTER) */
	char neighs6[LAB_VIEW_MAX_NEIGHS][LAB_VIEW_LINE];
	int n_neighs6;
	bool truncated; /* more than the arrays hold: comparisons are then unreliable */
};

/**
 * lab_view_get() - read @host's links, addresses (IPv4 and IPv6), routes
 * (every table, both families) and neighbour entries (ARP's into neighs,
 * neighbour discovery's into neighs6) into @v, each list sorted by its line.
 * Return: 0 or -errno with the detail in @err.
 */
int lab_view_get(struct lab *lab, int host, struct lab_view *v, struct tf_err *err);

/* One neighbour entry, as the kernel dumps it (RTM_NEWNEIGH). */
struct lab_view_neigh_entry {
	const char *dst, *ifname;
	const char *lladdr; /* NULL or "": none yet */
	int state; /* NUD_* bits */
	unsigned int flags; /* NTF_* bits */
};

/**
 * lab_view_neigh_line() - entry @e as its line in @buf (@len bytes):
 * "DST dev IFNAME lladdr LLADDR[ router] STATE", STATE the kernel's NUD_*
 * bits by name ("reachable", "stale", "delay", "probe", "failed",
 * "incomplete", "noarp", "permanent", comma-separated when several; "none"
 * for none), LLADDR "none" when there is none, " router" when @e->flags has
 * NTF_ROUTER (only neighbour discovery sets it). Pure: no netlink.
 * Return: true if the line fitted, false if it was truncated.
 */
bool lab_view_neigh_line(char *buf, size_t len, const struct lab_view_neigh_entry *e);

#endif
