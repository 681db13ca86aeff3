/* lab_bridge.c - a switch inside a host: a Linux bridge, its ports, and
 * waiting for a link's carrier to come or go. Through libnl, like lab_link.c.
 *
 * The bridge is created with STP off (the kernel's default): a port whose
 * link comes up goes straight to forwarding (br_make_forwarding() with
 * BR_NO_STP), so a replugged cable carries frames as soon as both veth ends
 * are up, with no forward delay.
 */
#include "lab.h"

#include <errno.h>
#include <string.h>
#include <time.h>
#include <linux/if.h>

#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>

#include "lab_internal.h"

#define LAB_CARRIER_POLL_NS (2 * 1000 * 1000L)

int lab_bridge_add(struct lab *lab, int host, const char *name, struct tf_err *err)
{
	char where[LAB_NAME_MAX + 8];
	struct rtnl_link *br;
	struct lab_nl nl;
	int ret;

	ret = lab_ifname_check("bridge", name, err);
	if (ret < 0)
		return ret;
	ret = lab_nl_enter(lab, host, &nl, where, sizeof(where), err);
	if (ret < 0)
		return ret;
	br = rtnl_link_bridge_alloc();
	if (!br) {
		ret = tf_err_set(err, -ENOMEM, "%s: bridge %s: out of memory", where, name);
		goto out_close;
	}
	rtnl_link_set_name(br, name);
	/* Created up: the bridge has no address, it only forwards. */
	rtnl_link_set_flags(br, IFF_UP);
	ret = rtnl_link_add(nl.sk, br, NLM_F_CREATE | NLM_F_EXCL);
	if (ret < 0)
		ret = lab_nl_fail(&nl, ret, err, "%s: create bridge %s", where, name);
	rtnl_link_put(br);
out_close:
	lab_nl_close(&nl);
	return ret;
}

int lab_link_set_master(struct lab *lab, int host, const char *ifname, const char *master,
			struct tf_err *err)
{
	struct rtnl_link *link = NULL, *br = NULL, *change;
	char where[LAB_NAME_MAX + 8];
	struct lab_nl nl;
	int ret;

	ret = lab_nl_enter(lab, host, &nl, where, sizeof(where), err);
	if (ret < 0)
		return ret;
	ret = lab_nl_link_get(&nl, where, ifname, &link, err);
	if (ret == 0)
		ret = lab_nl_link_get(&nl, where, master, &br, err);
	if (ret < 0)
		goto out_put;
	change = rtnl_link_alloc();
	if (!change) {
		ret = tf_err_set(err, -ENOMEM, "%s: %s master %s: out of memory", where, ifname,
				 master);
		goto out_put;
	}
	rtnl_link_set_master(change, rtnl_link_get_ifindex(br));
	ret = rtnl_link_change(nl.sk, link, change, 0);
	if (ret < 0)
		ret = lab_nl_fail(&nl, ret, err, "%s: %s master %s", where, ifname, master);
	rtnl_link_put(change);
out_put:
	if (br)
		rtnl_link_put(br);
	if (link)
		rtnl_link_put(link);
	lab_nl_close(&nl);
	return ret;
}

/*
 * IFF_LOWER_UP is the carrier as the driver set it (netif_carrier_on/off,
 * dev_get_flags()); for a veth it follows the peer end's admin state at once
 * (veth_open()/veth_close()), while operstate waits for the link watcher.
 * The carrier is what a cable pull changes, so that is what is waited for.
 */
static bool lab_link_carrier_is(struct rtnl_link *link, const void *arg, char *state, size_t size)
{
	bool want = *(const bool *)arg, now = (rtnl_link_get_flags(link) & IFF_LOWER_UP) != 0;

	snprintf(state, size, "%s carrier", now ? "has" : "has no");
	return now == want;
}

int lab_link_wait_carrier(struct lab *lab, int host, const char *ifname, bool carrier,
			  int timeout_ms, struct tf_err *err)
{
	const struct lab_link_wait w = {
		.ifname = ifname,
		.timeout_ms = timeout_ms,
		.tick_ns = LAB_CARRIER_POLL_NS,
		.ready = lab_link_carrier_is,
		.arg = &carrier,
		.hint = "",
	};

	return lab_link_wait(lab, host, &w, err);
}
