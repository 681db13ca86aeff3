/* lab_addr.c - renumber a lab host; see lab_addr.h.
 *
 *   save the interface's routes (not proto kernel) ── delete the old address
 *   (the kernel flushes the interface's routes) ── add the new address (the
 *   kernel adds local, broadcast and prefix routes) ── put the saved routes back
 *
 * All in one netlink socket opened inside the host (lab_nl_enter()).
 */
#include "lab_addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/rtnetlink.h>

#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/nexthop.h>
#include <netlink/route/route.h>

#include "lab_cidr.h"
#include "lab_internal.h"

/* "198.18.0.9" or "198.18.0.9/24" inside 198.18.0.0/15, or an IPv6 address
 * inside 2001:2::/48; 0 or -EINVAL. */
static int lab_addr_parse(const char *s, struct lab_cidr *out)
{
	if (lab_cidr_parse(s, out) < 0 || !lab_cidr_in_range(out))
		return -EINVAL;
	return 0;
}

static size_t lab_addr_len(int family)
{
	return family == AF_INET6 ? 16 : 4;
}

static bool lab_addr_is(struct nl_addr *a, int family, const unsigned char *want)
{
	return a && nl_addr_get_family(a) == family && nl_addr_get_len(a) == lab_addr_len(family) &&
	       !memcmp(nl_addr_get_binary_addr(a), want, lab_addr_len(family));
}

/* The address @want of the socket's namespace (a new reference), or NULL. */
static struct rtnl_addr *lab_addr_find(struct nl_cache *cache, const struct lab_cidr *want)
{
	for (struct nl_object *o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		struct rtnl_addr *a = (struct rtnl_addr *)o;

		if (rtnl_addr_get_family(a) == want->family &&
		    lab_addr_is(rtnl_addr_get_local(a), want->family, want->addr)) {
			nl_object_get(o);
			return a;
		}
	}
	return NULL;
}

struct lab_addr_routes {
	struct rtnl_route *r[LAB_ADDR_MAX_ROUTES];
	int n;
};

static void lab_addr_routes_free(struct lab_addr_routes *rs)
{
	for (int i = 0; i < rs->n; i++)
		rtnl_route_put(rs->r[i]);
	rs->n = 0;
}

static bool lab_route_uses(struct rtnl_route *r, int ifindex)
{
	for (int i = 0; i < rtnl_route_get_nnexthops(r); i++)
		if (rtnl_route_nh_get_ifindex(rtnl_route_nexthop_n(r, i)) == ifindex)
			return true;
	return false;
}

/* Copies of the @family routes through @ifindex the kernel will not re-create. */
static int lab_addr_save_routes(struct lab_nl *nl, const char *where, int ifindex, int family,
				struct lab_addr_routes *rs, struct tf_err *err)
{
	struct nl_cache *cache;
	int ret = rtnl_route_alloc_cache(nl->sk, family, 0, &cache);

	if (ret < 0)
		return lab_nl_fail(nl, ret, err, "%s: list routes", where);
	for (struct nl_object *o = nl_cache_get_first(cache); o && !ret; o = nl_cache_get_next(o)) {
		struct rtnl_route *r = (struct rtnl_route *)o;

		if (rtnl_route_get_protocol(r) == RTPROT_KERNEL || !lab_route_uses(r, ifindex))
			continue;
		if (rs->n == LAB_ADDR_MAX_ROUTES)
			ret = tf_err_set(err, -E2BIG,
					 "%s: more than %d routes through the interface", where,
					 LAB_ADDR_MAX_ROUTES);
		else if (!(rs->r[rs->n] = (struct rtnl_route *)nl_object_clone(o)))
			ret = tf_err_set(err, -ENOMEM, "%s: out of memory", where);
		else
			rs->n++;
	}
	nl_cache_free(cache);
	return ret;
}

/* Put the saved routes back; a preferred source @from becomes @to. */
static int lab_addr_restore_routes(struct lab_nl *nl, const char *where,
				   const struct lab_addr_routes *rs, const struct lab_cidr *from,
				   struct nl_addr *to, struct tf_err *err)
{
	int ret;

	for (int i = 0; i < rs->n; i++) {
		struct rtnl_route *r = rs->r[i];

		/* The kernel refuses a request that carries these state flags. */
		for (int k = 0; k < rtnl_route_get_nnexthops(r); k++)
			rtnl_route_nh_unset_flags(rtnl_route_nexthop_n(r, k),
						  RTNH_F_DEAD | RTNH_F_LINKDOWN);
		if (lab_addr_is(rtnl_route_get_pref_src(r), from->family, from->addr))
			rtnl_route_set_pref_src(r, to);
		ret = rtnl_route_add(nl->sk, r, NLM_F_EXCL);
		/* EEXIST: the interface had another address, the kernel kept it. */
		if (ret < 0 && nl->kerr != EEXIST && ret != -NLE_EXIST)
			return lab_nl_fail(nl, ret, err, "%s: put route %d of %d back", where,
					   i + 1, rs->n);
	}
	return rs->n;
}

/* @at (its plen >= 0) on interface @ifindex; *@local_out, when given,
 * receives the address object (the routes put back name it). An IPv6 address
 * skips duplicate address detection (IFA_F_NODAD), as lab_addr_add()'s do. */
static int lab_addr_put(struct lab_nl *nl, const char *where, int ifindex,
			const struct lab_cidr *at, struct nl_addr **local_out, struct tf_err *err)
{
	const unsigned char *a = at->addr;
	int plen = at->plen;
	struct rtnl_addr *addr = rtnl_addr_alloc();
	struct nl_addr *local = nl_addr_build(at->family, a, lab_addr_len(at->family));
	char text[INET6_ADDRSTRLEN];
	int ret;

	if (!addr || !local) {
		ret = tf_err_set(err, -ENOMEM, "%s: out of memory", where);
		goto out;
	}
	nl_addr_set_prefixlen(local, plen);
	rtnl_addr_set_ifindex(addr, ifindex);
	rtnl_addr_set_family(addr, at->family);
	rtnl_addr_set_local(addr, local);
	rtnl_addr_set_prefixlen(addr, plen);
	if (at->family == AF_INET6)
		rtnl_addr_set_flags(addr, IFA_F_NODAD);
	ret = rtnl_addr_add(nl->sk, addr, NLM_F_EXCL);
	if (ret < 0)
		ret = lab_nl_fail(nl, ret, err, "%s: add %s/%d", where,
				  inet_ntop(at->family, a, text, sizeof(text)) ?: "?", plen);
	if (ret == 0 && local_out) {
		*local_out = local;
		local = NULL;
	}
out:
	nl_addr_put(local);
	rtnl_addr_put(addr);
	return ret;
}

/* A move waits this long for its new address's local route. */
#define LAB_ADDR_LOCAL_WAIT_MS 1000

/* Has the socket's namespace the local route of @at (IPv6: "local A/128")? */
static bool lab_addr_has_local(struct lab_nl *nl, const struct lab_cidr *at)
{
	struct nl_cache *cache;
	bool found = false;

	if (rtnl_route_alloc_cache(nl->sk, AF_INET6, 0, &cache) < 0)
		return false;
	for (struct nl_object *o = nl_cache_get_first(cache); o && !found;
	     o = nl_cache_get_next(o)) {
		struct rtnl_route *r = (struct rtnl_route *)o;
		struct nl_addr *dst = rtnl_route_get_dst(r);

		found = rtnl_route_get_type(r) == RTN_LOCAL && dst &&
			nl_addr_get_prefixlen(dst) == 128 && lab_addr_is(dst, AF_INET6, at->addr);
	}
	nl_cache_free(cache);
	return found;
}

/*
 * An IPv6 address is in use once its local route is in, which addrconf adds
 * from its work queue when duplicate address detection is over, at once with
 * IFA_F_NODAD but after rtnl_addr_add() returns (addrconf_dad_work() ->
 * ipv6_ifa_notify()): wait for it, so that the caller's next look at the host
 * (a snapshot, a send) sees the address as the kernel will keep it. IPv4's
 * routes come with the address.
 */
static int lab_addr_wait_local(struct lab_nl *nl, const char *where, const struct lab_cidr *at,
			       int timeout_ms, struct tf_err *err)
{
	char text[INET6_ADDRSTRLEN];

	for (int waited = 0; at->family == AF_INET6; waited += 5) {
		if (lab_addr_has_local(nl, at))
			return 0;
		if (waited >= timeout_ms)
			return tf_err_set(
				err, -ETIMEDOUT, "%s: no local route for %s after %d ms", where,
				inet_ntop(at->family, at->addr, text, sizeof(text)) ?: "?",
				timeout_ms);
		usleep(5000);
	}
	return 0;
}

/* An address change: from @old (its plen as written, or -1) to @new (-1:
 * the old one's). */
struct lab_addr_change {
	struct lab_cidr old, new;
};

/* The move itself, the old address found as @oa on its interface; routes
 * saved in @rs. */
static int lab_addr_swap(struct lab_nl *nl, const char *where, struct rtnl_addr *oa,
			 const struct lab_addr_change *ch, struct lab_addr_routes *rs,
			 struct tf_err *err)
{
	int ifindex = rtnl_addr_get_ifindex(oa), oplen = rtnl_addr_get_prefixlen(oa);
	const struct lab_cidr *old = &ch->old;
	struct lab_cidr put = ch->new, back = ch->old;
	struct nl_addr *local = NULL;
	struct tf_err undo;
	int ret;

	if (put.plen < 0)
		put.plen = oplen;
	back.plen = oplen;

	ret = lab_addr_save_routes(nl, where, ifindex, old->family, rs, err);
	if (ret < 0)
		return ret;
	ret = rtnl_addr_delete(nl->sk, oa, 0);
	if (ret < 0)
		return lab_nl_fail(nl, ret, err, "%s: delete the old address", where);
	ret = lab_addr_put(nl, where, ifindex, &put, &local, err);
	if (ret < 0) {
		/* Best effort: the host as it was, then the first error. */
		if (lab_addr_put(nl, where, ifindex, &back, &local, &undo) == 0)
			lab_addr_restore_routes(nl, where, rs, old, local, &undo);
		nl_addr_put(local);
		return ret;
	}
	ret = lab_addr_restore_routes(nl, where, rs, old, local, err);
	nl_addr_put(local);
	if (ret >= 0) {
		int waited = lab_addr_wait_local(nl, where, &put, LAB_ADDR_LOCAL_WAIT_MS, err);

		ret = waited < 0 ? waited : ret;
	}
	return ret;
}

int lab_addr_move(struct lab *lab, int host, const char *old_cidr, const char *new_cidr,
		  struct tf_err *err)
{
	struct lab_addr_routes rs = { .n = 0 };
	struct lab_addr_change ch;
	struct lab_cidr *old = &ch.old, *new = &ch.new;
	struct nl_cache *cache = NULL;
	struct rtnl_addr *oa = NULL, *dup;
	char where[LAB_NAME_MAX + 8];
	struct lab_nl nl;
	int ret;

	if (lab_addr_parse(old_cidr, old) < 0 || lab_addr_parse(new_cidr, new) < 0 ||
	    old->family != new->family)
		return tf_err_set(
			err, -EINVAL,
			"readdress %s -> %s: both must be addresses of 198.18.0.0/15, or both of 2001:2::/48",
			old_cidr ? old_cidr : "(null)", new_cidr ? new_cidr : "(null)");
	ret = lab_nl_enter(lab, host, &nl, where, sizeof(where), err);
	if (ret < 0)
		return ret;
	ret = rtnl_addr_alloc_cache(nl.sk, &cache);
	if (ret < 0) {
		ret = lab_nl_fail(&nl, ret, err, "%s: list addresses", where);
		goto out_close;
	}
	oa = lab_addr_find(cache, old);
	if (!oa) {
		ret = tf_err_set(err, -ENOENT, "%s has no address %s", where, old_cidr);
		goto out_free;
	}
	dup = lab_addr_find(cache, new);
	if (dup) {
		rtnl_addr_put(dup);
		ret = tf_err_set(err, -EEXIST, "%s already has the address %s", where, new_cidr);
		goto out_free;
	}
	ret = lab_addr_swap(&nl, where, oa, &ch, &rs, err);
out_free:
	lab_addr_routes_free(&rs);
	rtnl_addr_put(oa);
	nl_cache_free(cache);
out_close:
	lab_nl_close(&nl);
	return ret;
}

int lab_addr_wait_in_use(struct lab *lab, int host, const char *cidr, int timeout_ms,
			 struct tf_err *err)
{
	char where[LAB_NAME_MAX + 8];
	struct lab_cidr at;
	struct lab_nl nl;
	int ret;

	if (lab_addr_parse(cidr, &at) < 0)
		return tf_err_set(err, -EINVAL, "%s is outside the lab's ranges", cidr ?: "(null)");
	if (at.family != AF_INET6)
		return 0;
	ret = lab_nl_enter(lab, host, &nl, where, sizeof(where), err);
	if (ret < 0)
		return ret;
	ret = lab_addr_wait_local(&nl, where, &at, timeout_ms, err);
	lab_nl_close(&nl);
	return ret;
}
