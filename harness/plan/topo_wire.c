/* topo_wire.c - the wiring of each topology as tables, resolved into the
 * plan's hosts, links, addresses and routes; see topo.h (run/lab_build.c
 * makes them).
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
 * downs the switch port facing it (plan_cable()).
 */
#include "plan/topo.h"

#include <errno.h>
#include <string.h>

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

/* Lab index of @name; the lab's hosts are the case's, in the same order. */
static int topo_idx(const struct case_def *c, const char *name)
{
	for (int h = 0; h < c->n_hosts; h++)
		if (!strcmp(c->hosts[h], name))
			return h;
	return -ENOENT;
}

/* "lo" first, then the bridge and the veth ends @host has. */
static void topo_ifaces(const struct topo_wiring *w, const char *name, struct plan_host *ph)
{
	ph->ifaces[ph->n_ifaces++] = "lo";
	if (w->bridge_host && !strcmp(name, w->bridge_host))
		ph->ifaces[ph->n_ifaces++] = TOPO_BRIDGE;
	for (int i = 0; i < w->n_links && ph->n_ifaces < PLAN_MAX_IFACES; i++) {
		if (!strcmp(name, w->links[i].a))
			ph->ifaces[ph->n_ifaces++] = w->links[i].a_if;
		if (!strcmp(name, w->links[i].b) && ph->n_ifaces < PLAN_MAX_IFACES)
			ph->ifaces[ph->n_ifaces++] = w->links[i].b_if;
	}
}

/* Address, interfaces and cable of host @h. */
static void topo_host(const struct case_def *c, const struct topo_wiring *w, int h,
		      struct plan_host *ph)
{
	*ph = (struct plan_host){ .name = c->hosts[h], .lab_index = h };
	for (int i = 0; i < w->n_addrs && !ph->cidr; i++)
		if (!strcmp(w->addrs[i].host, c->hosts[h]))
			ph->cidr = w->addrs[i].cidr;
	topo_ifaces(w, c->hosts[h], ph);
	for (int i = 0; w->bridge_host && i < w->n_links && !ph->has_cable; i++) {
		const struct topo_link *l = &w->links[i];

		if (strcmp(l->a, c->hosts[h]) || strcmp(l->b, w->bridge_host) ||
		    topo_idx(c, l->b) < 0)
			continue;
		ph->has_cable = true;
		ph->cable = (struct plan_cable){ .host_if = l->a_if,
						 .switch_host = topo_idx(c, l->b),
						 .port = l->b_if };
	}
}

int topo_resolve(const struct case_def *c, struct plan *p, struct tf_err *err)
{
	const struct topo_wiring *w;

	if ((unsigned int)c->topology >= CASE_TOPO_COUNT)
		return tf_err_set(err, -EINVAL, "unknown topology");
	w = &topo_wirings[c->topology];
	p->n_hosts = c->n_hosts;
	for (int h = 0; h < c->n_hosts; h++)
		topo_host(c, w, h, &p->hosts[h]);
	p->bridge_host = w->bridge_host ? topo_idx(c, w->bridge_host) : -1;
	p->bridge = w->bridge_host ? TOPO_BRIDGE : NULL;
	for (int i = 0; i < w->n_links; i++)
		p->links[p->n_links++] =
			(struct plan_link){ .a = topo_idx(c, w->links[i].a),
					    .a_if = w->links[i].a_if,
					    .b = topo_idx(c, w->links[i].b),
					    .b_if = w->links[i].b_if,
					    .b_on_bridge = w->bridge_host &&
							   !strcmp(w->links[i].b, w->bridge_host) };
	for (int i = 0; i < w->n_addrs; i++)
		p->addrs[p->n_addrs++] = (struct plan_addr){ .host = topo_idx(c, w->addrs[i].host),
							     .ifname = w->addrs[i].ifname,
							     .cidr = w->addrs[i].cidr };
	for (int i = 0; i < w->n_routes; i++)
		p->routes[p->n_routes++] =
			(struct plan_route){ .host = topo_idx(c, w->routes[i].host),
					     .dst = w->routes[i].dst,
					     .via = w->routes[i].via };
	p->forwarder = w->forwarder ? topo_idx(c, w->forwarder) : -1;
	for (int i = 0; i < p->n_links; i++)
		if (p->links[i].a < 0 || p->links[i].b < 0)
			return tf_err_set(err, -EINVAL, "topology %s needs hosts %s and %s",
					  case_topo_name(c->topology), w->links[i].a,
					  w->links[i].b);
	return 0;
}
