/* topo_wire.c - the wiring of each topology as tables, and the one builder
 * that turns a table into a lab; see topo.h.
 *
 *   pair:    [client] eth0 ========================== eth0 [server]
 *            198.18.0.1/24                        198.18.0.2/24
 *
 *   lan:     [client] eth0 === to-client ┐
 *            198.18.0.1/24               ├ br0 [switch]
 *            [server] eth0 === to-server ┘
 *            198.18.0.2/24
 *
 *   routed:  [client] eth0 === to-client ┐
 *            198.18.0.1/24               ├ br0 [switch]
 *            [router] eth0 === to-router ┘
 *            198.18.0.254/24
 *            [router] eth1 ========================== eth0 [server]
 *            198.18.1.254/24                      198.18.1.2/24
 *            client: default via 198.18.0.254; server: default via 198.18.1.254;
 *            router: net.ipv4.ip_forward=1
 *
 * The switch has no address: it only forwards frames, so a host on it meets
 * the others' ARP directly (lan) or the router's (routed). Unplugging a host
 * downs the switch port facing it (topo_cable()).
 */
#include "plan/topo.h"

#include <errno.h>
#include <string.h>

#define TOPO_LINK_UP_TIMEOUT_MS 5000
#define TOPO_BRIDGE "br0"
#define TOPO_MAX_LINKS 4
#define TOPO_MAX_ADDRS 4

/* One veth: @a:@a_if <-> @b:@b_if; @b_if is a switch port when @b is the switch. */
struct topo_link {
	const char *a, *a_if, *b, *b_if;
};

/* An address: host, interface, cidr; the first one of a host is where peers reach it. */
struct topo_addr {
	const char *host, *ifname, *cidr;
};

struct topo_route {
	const char *host, *dst, *via;
};

struct topo_wiring {
	const char *bridge_host; /* NULL: no switch */
	struct topo_link links[TOPO_MAX_LINKS];
	int n_links;
	struct topo_addr addrs[TOPO_MAX_ADDRS];
	int n_addrs;
	struct topo_route routes[2];
	int n_routes;
	const char *forwarder; /* gets net.ipv4.ip_forward=1; NULL: none */
};

static const struct topo_wiring topo_wirings[CASE_TOPO_COUNT] = {
	[CASE_TOPO_PAIR] = {
		.links = { { "client", "eth0", "server", "eth0" } },
		.n_links = 1,
		.addrs = { { "client", "eth0", "198.18.0.1/24" },
			   { "server", "eth0", "198.18.0.2/24" } },
		.n_addrs = 2,
	},
	[CASE_TOPO_LAN] = {
		.bridge_host = "switch",
		.links = { { "client", "eth0", "switch", "to-client" },
			   { "server", "eth0", "switch", "to-server" } },
		.n_links = 2,
		.addrs = { { "client", "eth0", "198.18.0.1/24" },
			   { "server", "eth0", "198.18.0.2/24" } },
		.n_addrs = 2,
	},
	[CASE_TOPO_ROUTED] = {
		.bridge_host = "switch",
		.links = { { "client", "eth0", "switch", "to-client" },
			   { "router", "eth0", "switch", "to-router" },
			   { "router", "eth1", "server", "eth0" } },
		.n_links = 3,
		.addrs = { { "client", "eth0", "198.18.0.1/24" },
			   { "server", "eth0", "198.18.1.2/24" },
			   { "router", "eth0", "198.18.0.254/24" },
			   { "router", "eth1", "198.18.1.254/24" } },
		.n_addrs = 4,
		.routes = { { "client", "0.0.0.0/0", "198.18.0.254" },
			    { "server", "0.0.0.0/0", "198.18.1.254" } },
		.n_routes = 2,
		.forwarder = "router",
	},
};

static const struct topo_wiring *topo_wiring_of(const struct case_def *c)
{
	return (unsigned int)c->topology < CASE_TOPO_COUNT ? &topo_wirings[c->topology] : NULL;
}

/* Lab index of @name; the lab's hosts are the case's, in the same order. */
static int topo_idx(const struct case_def *c, const char *name)
{
	for (int h = 0; h < c->n_hosts; h++)
		if (!strcmp(c->hosts[h], name))
			return h;
	return -ENOENT;
}

static int topo_links(const struct case_def *c, const struct topo_wiring *w, struct lab *lab,
		      struct tf_err *err)
{
	int ret;

	for (int i = 0; i < w->n_links; i++) {
		const struct topo_link *l = &w->links[i];

		ret = lab_veth_add(lab, topo_idx(c, l->a), l->a_if, topo_idx(c, l->b), l->b_if,
				   err);
		if (ret)
			return ret;
		if (!w->bridge_host || strcmp(l->b, w->bridge_host))
			continue;
		ret = lab_link_set_master(lab, topo_idx(c, l->b), l->b_if, TOPO_BRIDGE, err);
		if (ret)
			return ret;
	}
	return 0;
}

/* Every veth end reports operstate UP before the first packet (DESIGN.md). */
static int topo_wait_up(const struct case_def *c, const struct topo_wiring *w, struct lab *lab,
			struct tf_err *err)
{
	int ret;

	for (int i = 0; i < w->n_links; i++) {
		const struct topo_link *l = &w->links[i];

		ret = lab_link_wait_oper_up(lab, topo_idx(c, l->a), l->a_if,
					    TOPO_LINK_UP_TIMEOUT_MS, err);
		if (ret == 0)
			ret = lab_link_wait_oper_up(lab, topo_idx(c, l->b), l->b_if,
						    TOPO_LINK_UP_TIMEOUT_MS, err);
		if (ret)
			return ret;
	}
	return 0;
}

int topo_wire(const struct case_def *c, struct lab *lab, struct tf_err *err)
{
	const struct topo_wiring *w = topo_wiring_of(c);
	int ret;

	if (!w)
		return tf_err_set(err, -EINVAL, "unknown topology");
	for (int h = 0; h < c->n_hosts; h++) {
		ret = lab_host_add(lab, c->hosts[h], err);
		if (ret < 0)
			return ret;
	}
	if (w->bridge_host) {
		ret = lab_bridge_add(lab, topo_idx(c, w->bridge_host), TOPO_BRIDGE, err);
		if (ret)
			return ret;
	}
	ret = topo_links(c, w, lab, err);
	for (int i = 0; ret == 0 && i < w->n_addrs; i++)
		ret = lab_addr_add(lab, topo_idx(c, w->addrs[i].host), w->addrs[i].ifname,
				   w->addrs[i].cidr, err);
	for (int i = 0; ret == 0 && i < w->n_routes; i++)
		ret = lab_route_add(lab, topo_idx(c, w->routes[i].host), w->routes[i].dst,
				    w->routes[i].via, err);
	if (ret == 0 && w->forwarder)
		ret = lab_sysctl_set(lab, topo_idx(c, w->forwarder), "net.ipv4.ip_forward", "1",
				     err);
	return ret ? ret : topo_wait_up(c, w, lab, err);
}

int topo_host_ifaces(const struct case_def *c, int host, const char **names, int max)
{
	const struct topo_wiring *w = topo_wiring_of(c);
	int n = 0;

	if (!w || host < 0 || host >= c->n_hosts || max < 1)
		return 0;
	names[n++] = "lo";
	if (w->bridge_host && !strcmp(c->hosts[host], w->bridge_host) && n < max)
		names[n++] = TOPO_BRIDGE;
	for (int i = 0; i < w->n_links && n < max; i++) {
		if (!strcmp(c->hosts[host], w->links[i].a))
			names[n++] = w->links[i].a_if;
		if (!strcmp(c->hosts[host], w->links[i].b) && n < max)
			names[n++] = w->links[i].b_if;
	}
	return n;
}

int topo_cable(const struct case_def *c, int host, struct topo_cable_info *out)
{
	const struct topo_wiring *w = topo_wiring_of(c);

	if (!w || !w->bridge_host || host < 0 || host >= c->n_hosts)
		return -ENOENT;
	for (int i = 0; i < w->n_links; i++) {
		const struct topo_link *l = &w->links[i];

		if (strcmp(l->a, c->hosts[host]) || strcmp(l->b, w->bridge_host))
			continue;
		out->host_if = l->a_if;
		out->switch_host = topo_idx(c, l->b);
		out->port = l->b_if;
		return out->switch_host < 0 ? -ENOENT : 0;
	}
	return -ENOENT;
}

const char *topo_host_ip(const struct case_def *c, int host)
{
	const struct topo_wiring *w = topo_wiring_of(c);

	if (!w || host < 0 || host >= c->n_hosts)
		return NULL;
	for (int i = 0; i < w->n_addrs; i++)
		if (!strcmp(w->addrs[i].host, c->hosts[host]))
			return w->addrs[i].cidr;
	return NULL;
}
