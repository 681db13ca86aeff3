/* lab_addr.h - renumber a lab host: its address changes (IPv4 or IPv6), its
 * routes stay.
 *
 * Takes: a lab host, the address it has and the one it gets. Gives: the host
 * with the new address on the same interface and the routes it had through
 * that interface put back as they were. Removing an interface's last IPv4
 * address flushes every route through it, gateway routes included
 * (fib_inetaddr_event() -> fib_disable_ip(); KERNEL-FACTS.md "Unplug"), and
 * the kernel re-creates only its own (local, broadcast, prefix) for the new
 * address: a host renumbered by hand or by DHCP gets its default route back
 * from whoever renumbers it, which is what lab_addr_move() does. An IPv6
 * address goes the same way (its prefix route goes with it; routes the kernel
 * kept are counted, EEXIST), the new one skips duplicate address detection,
 * and lab_addr_move() returns once the kernel has put in its local route
 * (addrconf does that from its work queue, after the request returns).
 */
#ifndef LAB_ADDR_H
#define LAB_ADDR_H

#include "lab.h"
#include "tf_err.h"

#define LAB_ADDR_MAX_ROUTES 16 /* routes through one interface put back at most */

/**
 * lab_addr_move() - in @host, replace the address @old_cidr
 * ("198.18.0.1", prefix optional) by @new_cidr ("198.18.0.9/24"; without a
 * prefix the old one's), on the interface that holds @old_cidr; then put
 * back the routes that went through that interface and are not the kernel's
 * own (protocol kernel), with their table, protocol, scope, metric and
 * gateway; a route whose preferred source was the old address gets the new
 * one. If adding the new address fails, the old one and its routes are put
 * back before returning the error.
 * Both addresses must be inside 198.18.0.0/15 (prefix /15 or longer), or
 * both inside 2001:2::/48 (prefix /48 or longer).
 * Return: the number of routes put back (those the kernel had kept count
 * too), or -errno with the detail in @err: -ENOENT when @host has no such
 * address, -EINVAL for an address outside the range, -E2BIG for more than
 * LAB_ADDR_MAX_ROUTES routes.
 */
int lab_addr_move(struct lab *lab, int host, const char *old_cidr, const char *new_cidr,
		  struct tf_err *err);

#endif
