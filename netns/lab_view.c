/* lab_view.c - a host's links, addresses and routes as text lines; see lab_view.h.
 *
 * One netlink socket inside the host, four dumps (links, addresses, routes,
 * neighbours) into libnl caches, each object printed as one line. Lines are sorted so
 * that two views compare with strcmp() whatever order the kernel dumped in.
 */
#include "lab_view.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include <netlink/netlink.h>
#include <netlink/cache.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/neighbour.h>
#include <netlink/route/route.h>
#include <netlink/route/rtnl.h>

#include "lab_internal.h"

struct lab_view_ctx {
	struct lab_view *v;
	struct nl_cache *links; /* for ifindex -> name */
};

/* "198.18.0.0/24", "default" for a /0, "198.18.0.1" for a host address. */
static void lab_view_addr(const struct nl_addr *a, bool with_plen, char *buf, size_t len)
{
	char txt[INET6_ADDRSTRLEN];
	int family = nl_addr_get_family(a);

	if (nl_addr_get_len(a) == 0 || (with_plen && nl_addr_get_prefixlen(a) == 0)) {
		snprintf(buf, len, "default");
		return;
	}
	if (!inet_ntop(family, nl_addr_get_binary_addr(a), txt, sizeof(txt)))
		snprintf(txt, sizeof(txt), "?");
	if (with_plen)
		snprintf(buf, len, "%s/%u", txt, nl_addr_get_prefixlen(a));
	else
		snprintf(buf, len, "%s", txt);
}

static void lab_view_ifname(const struct lab_view_ctx *x, int ifindex, char *buf, size_t len)
{
	if (!rtnl_link_i2name(x->links, ifindex, buf, len))
		snprintf(buf, len, "if%d", ifindex);
}

static void lab_view_link_cb(struct nl_object *obj, void *arg)
{
	struct rtnl_link *link = (struct rtnl_link *)obj;
	struct lab_view_ctx *x = arg;
	struct lab_view_link *l;
	char master[IFNAMSIZ + 8] = "";
	unsigned int flags = rtnl_link_get_flags(link);

	if (x->v->n_links >= LAB_VIEW_MAX_LINKS) {
		x->v->truncated = true;
		return;
	}
	l = &x->v->links[x->v->n_links++];
	if (rtnl_link_get_master(link) > 0) {
		memcpy(master, " master ", 8);
		lab_view_ifname(x, rtnl_link_get_master(link), master + 8, sizeof(master) - 8);
	}
	snprintf(l->line, sizeof(l->line), "%s %s%s", rtnl_link_get_name(link),
		 flags & IFF_UP ? "up" : "down", master);
	l->carrier = (flags & IFF_LOWER_UP) != 0;
	rtnl_link_operstate2str(rtnl_link_get_operstate(link), l->operstate, sizeof(l->operstate));
}

static void lab_view_addr_cb(struct nl_object *obj, void *arg)
{
	struct rtnl_addr *a = (struct rtnl_addr *)obj;
	struct lab_view_ctx *x = arg;
	char ifname[IFNAMSIZ], local[INET6_ADDRSTRLEN + 8], scope[32];
	struct nl_addr *la = rtnl_addr_get_local(a);

	if (!la)
		return;
	if (x->v->n_addrs >= LAB_VIEW_MAX_ADDRS) {
		x->v->truncated = true;
		return;
	}
	lab_view_ifname(x, rtnl_addr_get_ifindex(a), ifname, sizeof(ifname));
	lab_view_addr(la, false, local, sizeof(local));
	rtnl_scope2str(rtnl_addr_get_scope(a), scope, sizeof(scope));
	snprintf(x->v->addrs[x->v->n_addrs++], LAB_VIEW_LINE, "%s %s %s/%d scope %s", ifname,
		 rtnl_addr_get_family(a) == AF_INET6 ? "inet6" : "inet", local,
		 rtnl_addr_get_prefixlen(a), scope);
}

/* " via GW dev IF" of the first nexthop; sets *@linkdown from its flags. */
static void lab_view_nexthop(const struct lab_view_ctx *x, struct rtnl_route *r, char *buf,
			     size_t len, bool *linkdown)
{
	struct rtnl_nexthop *nh;
	char gw[INET6_ADDRSTRLEN + 8] = "", ifname[IFNAMSIZ] = "";
	size_t used;

	buf[0] = '\0';
	*linkdown = false;
	if (rtnl_route_get_nnexthops(r) < 1)
		return;
	nh = rtnl_route_nexthop_n(r, 0);
	if (rtnl_route_nh_get_gateway(nh))
		lab_view_addr(rtnl_route_nh_get_gateway(nh), false, gw, sizeof(gw));
	if (rtnl_route_nh_get_ifindex(nh) > 0)
		lab_view_ifname(x, rtnl_route_nh_get_ifindex(nh), ifname, sizeof(ifname));
	*linkdown = (rtnl_route_nh_get_flags(nh) & RTNH_F_LINKDOWN) != 0;
	if (gw[0])
		snprintf(buf, len, " via %s", gw);
	used = strlen(buf);
	if (ifname[0] && used < len)
		snprintf(buf + used, len - used, " dev %s", ifname);
	used = strlen(buf);
	if (rtnl_route_get_nnexthops(r) > 1 && used < len)
		snprintf(buf + used, len - used, " (+%d nexthops)",
			 rtnl_route_get_nnexthops(r) - 1);
}

static void lab_view_route_cb(struct nl_object *obj, void *arg)
{
	struct rtnl_route *r = (struct rtnl_route *)obj;
	struct lab_view_ctx *x = arg;
	char table[32], type[32], proto[32], scope[32], dst[INET6_ADDRSTRLEN + 8], nh[96];
	char src[INET6_ADDRSTRLEN + 8] = "";
	struct lab_view_route *out;
	bool linkdown;

	if (x->v->n_routes >= LAB_VIEW_MAX_ROUTES) {
		x->v->truncated = true;
		return;
	}
	out = &x->v->routes[x->v->n_routes++];
	rtnl_route_table2str((int)rtnl_route_get_table(r), table, sizeof(table));
	nl_rtntype2str(rtnl_route_get_type(r), type, sizeof(type));
	rtnl_route_proto2str(rtnl_route_get_protocol(r), proto, sizeof(proto));
	rtnl_scope2str(rtnl_route_get_scope(r), scope, sizeof(scope));
	lab_view_addr(rtnl_route_get_dst(r), true, dst, sizeof(dst));
	if (rtnl_route_get_pref_src(r)) {
		memcpy(src, " src ", 5);
		lab_view_addr(rtnl_route_get_pref_src(r), false, src + 5, sizeof(src) - 5);
	}
	lab_view_nexthop(x, r, nh, sizeof(nh), &linkdown);
	if (snprintf(out->line, sizeof(out->line), "%s %s %s%s proto %s scope %s%s metric %u",
		     table, type, dst, nh, proto, scope, src,
		     rtnl_route_get_priority(r)) >= (int)sizeof(out->line))
		x->v->truncated = true;
	out->linkdown = linkdown;
	out->family = rtnl_route_get_family(r);
}

bool lab_view_neigh_line(char *buf, size_t len, const struct lab_view_neigh_entry *e)
{
	char names[64];
	int n;

	rtnl_neigh_state2str(e->state, names, sizeof(names));
	if (!names[0]) /* NUD_NONE: an entry just made, not yet resolving */
		snprintf(names, sizeof(names), "none");
	n = snprintf(buf, len, "%s dev %s lladdr %s%s %s", e->dst, e->ifname,
		     e->lladdr && e->lladdr[0] ? e->lladdr : "none",
		     e->flags & NTF_ROUTER ? " router" : "", names);
	return n >= 0 && (size_t)n < len;
}

/* Each family's entries into its own list: ARP's (neighs), neighbour
 * discovery's (neighs6). */
static void lab_view_neigh_cb(struct nl_object *obj, void *arg)
{
	struct rtnl_neigh *n = (struct rtnl_neigh *)obj;
	struct lab_view_ctx *x = arg;
	char dst[INET6_ADDRSTRLEN + 8], ll[64] = "", ifname[IFNAMSIZ];
	int family = rtnl_neigh_get_family(n);
	char(*lines)[LAB_VIEW_LINE] = family == AF_INET6 ? x->v->neighs6 : x->v->neighs;
	int *count = family == AF_INET6 ? &x->v->n_neighs6 : &x->v->n_neighs;
	struct lab_view_neigh_entry e;

	if ((family != AF_INET && family != AF_INET6) || !rtnl_neigh_get_dst(n))
		return;
	if (*count >= LAB_VIEW_MAX_NEIGHS) {
		x->v->truncated = true;
		return;
	}
	lab_view_addr(rtnl_neigh_get_dst(n), false, dst, sizeof(dst));
	if (rtnl_neigh_get_lladdr(n))
		nl_addr2str(rtnl_neigh_get_lladdr(n), ll, sizeof(ll));
	lab_view_ifname(x, rtnl_neigh_get_ifindex(n), ifname, sizeof(ifname));
	e = (struct lab_view_neigh_entry){ .dst = dst,
					   .ifname = ifname,
					   .lladdr = ll,
					   .state = rtnl_neigh_get_state(n),
					   .flags = rtnl_neigh_get_flags(n) };
	if (!lab_view_neigh_line(lines[(*count)++], LAB_VIEW_LINE, &e))
		x->v->truncated = true;
}

static int lab_view_cmp_str(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The structs start with their line: sort them by it. */
static void lab_view_sort(struct lab_view *v)
{
	qsort(v->links, (size_t)v->n_links, sizeof(v->links[0]), lab_view_cmp_str);
	qsort(v->addrs, (size_t)v->n_addrs, sizeof(v->addrs[0]), lab_view_cmp_str);
	qsort(v->routes, (size_t)v->n_routes, sizeof(v->routes[0]), lab_view_cmp_str);
	qsort(v->neighs, (size_t)v->n_neighs, sizeof(v->neighs[0]), lab_view_cmp_str);
	qsort(v->neighs6, (size_t)v->n_neighs6, sizeof(v->neighs6[0]), lab_view_cmp_str);
}

int lab_view_get(struct lab *lab, int host, struct lab_view *v, struct tf_err *err)
{
	struct nl_cache *addrs = NULL, *routes = NULL, *neighs = NULL;
	struct lab_view_ctx x = { .v = v };
	char where[LAB_NAME_MAX + 8];
	struct lab_nl nl;
	int ret;

	memset(v, 0, sizeof(*v));
	ret = lab_nl_enter(lab, host, &nl, where, sizeof(where), err);
	if (ret < 0)
		return ret;
	ret = rtnl_link_alloc_cache(nl.sk, AF_UNSPEC, &x.links);
	if (ret < 0) {
		ret = lab_nl_fail(&nl, ret, err, "%s: dump links", where);
		goto out_close;
	}
	ret = rtnl_addr_alloc_cache(nl.sk, &addrs);
	if (ret < 0) {
		ret = lab_nl_fail(&nl, ret, err, "%s: dump addresses", where);
		goto out_free;
	}
	ret = rtnl_route_alloc_cache(nl.sk, AF_UNSPEC, 0, &routes);
	if (ret < 0) {
		ret = lab_nl_fail(&nl, ret, err, "%s: dump routes", where);
		goto out_free;
	}
	ret = rtnl_neigh_alloc_cache(nl.sk, &neighs);
	if (ret < 0) {
		ret = lab_nl_fail(&nl, ret, err, "%s: dump neighbours", where);
		goto out_free;
	}
	nl_cache_foreach(x.links, lab_view_link_cb, &x);
	nl_cache_foreach(neighs, lab_view_neigh_cb, &x);
	nl_cache_foreach(addrs, lab_view_addr_cb, &x);
	nl_cache_foreach(routes, lab_view_route_cb, &x);
	lab_view_sort(v);
out_free:
	nl_cache_free(neighs);
	nl_cache_free(routes);
	nl_cache_free(addrs);
	nl_cache_free(x.links);
out_close:
	lab_nl_close(&nl);
	return ret;
}
