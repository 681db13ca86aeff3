/* lab.h - the lab: network namespaces held as fds, veth links, addresses,
 * routes and per-namespace sysctls, built in-process through netlink (libnl).
 *
 * Takes: host names, links between hosts, addresses (198.18.0.0/15 only),
 * sysctl settings. Gives: one network namespace per host, held as an fd and
 * never named, so that it vanishes with the process that holds it; an undo
 * list (lab_defer) run in reverse order by lab_free().
 *
 * Safety: the caller must already live in a private network namespace
 * (lab_ns_enter_private()); every function takes an explicit host index and
 * there is no value meaning "the current namespace". Addresses outside
 * 198.18.0.0/15 and 2001:2::/48 are refused with -EINVAL.
 *
 * Not thread-safe: functions switch the calling thread's namespace with
 * setns() and always switch it back before returning.
 */
#ifndef LAB_H
#define LAB_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

#include "tf_err.h"

#define LAB_MAX_HOSTS 8
#define LAB_NAME_MAX 16 /* host names and interface names (IFNAMSIZ) */

struct lab;

typedef void (*lab_defer_fn)(void *arg);

/**
 * lab_ns_enter_private() - move the calling process into a new, empty
 * network namespace of its own, so that nothing it does can reach the host's.
 * Return: 0 or -errno (-EPERM when not root).
 */
int lab_ns_enter_private(struct tf_err *err);

/**
 * lab_new() - an empty lab.
 * Return: the lab, or NULL on allocation failure. Free with lab_free().
 */
struct lab *lab_new(void);

/**
 * lab_free() - run the undo list (LIFO), close every namespace fd. The
 * namespaces disappear once no process lives in them. NULL does nothing.
 */
void lab_free(struct lab *lab);

/**
 * lab_defer() - register an undo action; lab_free() runs them last-in first-out.
 * Return: 0 or -ENOMEM.
 */
int lab_defer(struct lab *lab, lab_defer_fn fn, void *arg);

/**
 * lab_host_add() - create a fresh network namespace for host @name, bring
 * its loopback up.
 * Return: the host index (>= 0) or -errno.
 */
int lab_host_add(struct lab *lab, const char *name, struct tf_err *err);

/** lab_host_count() - number of hosts. */
int lab_host_count(const struct lab *lab);

/** lab_host_name() - name of host @host (valid while the lab lives). */
const char *lab_host_name(const struct lab *lab, int host);

/** lab_host_netns_fd() - the namespace fd of @host (owned by the lab). */
int lab_host_netns_fd(const struct lab *lab, int host);

/**
 * lab_host_pin() - bind-mount @host's namespace on @path (under /run/netns), so
 * that it outlives the lab and `ip netns exec` can enter it. The caller
 * removes it (umount + unlink) when done: tcpfault cleanup does.
 * Return: 0 or -errno.
 */
int lab_host_pin(const struct lab *lab, int host, const char *path, struct tf_err *err);

/** lab_host_find() - index of the host called @name, or -ENOENT. */
int lab_host_find(const struct lab *lab, const char *name);

/**
 * lab_enter() - switch the calling thread into @host's namespace.
 * Return: an fd of the namespace the thread was in (pass to lab_leave()), or -errno.
 */
int lab_enter(const struct lab *lab, int host);

/** lab_leave() - switch back to the namespace @saved_fd returned by lab_enter(), close it. */
void lab_leave(int saved_fd);

/**
 * lab_veth_add() - a veth pair, end @if_a in host @a and end @if_b in host @b,
 * both created in their namespaces in one netlink request, both set up.
 * Return: 0 or -errno, with the kernel's ext-ack text in @err.
 */
int lab_veth_add(struct lab *lab, int a, const char *if_a, int b, const char *if_b,
		 struct tf_err *err);

/**
 * lab_addr_add() - add @cidr ("198.18.0.1/24" or "2001:2::1/64") on @ifname of @host.
 * IPv6 addresses are added with IFA_F_NODAD so they are usable at once.
 * Return: 0 or -errno (-EINVAL outside the benchmarking ranges).
 */
int lab_addr_add(struct lab *lab, int host, const char *ifname, const char *cidr,
		 struct tf_err *err);

/**
 * lab_addr_add_dad() - lab_addr_add(), but an IPv6 address is added without
 * IFA_F_NODAD: duplicate address detection runs for it whenever the
 * interface's accept_dad (or "all"'s) is on when it starts: when the address
 * is added, and again each time the carrier returns (the address is
 * tentative meanwhile: not a source, and what is sent to it is dropped).
 * With accept_dad off when it is added, the address is usable at once.
 * Return: 0 or -errno (-EINVAL outside the benchmarking ranges).
 */
int lab_addr_add_dad(struct lab *lab, int host, const char *ifname, const char *cidr,
		     struct tf_err *err);

/**
 * lab_addr_wait_in_use() - wait until @cidr, an address of @host, is in use,
 * at most @timeout_ms. An IPv6 address is only half there when
 * lab_addr_add() returns: addrconf's work queue later joins its
 * solicited-node multicast group and adds its local route (addrconf_dad_work(),
 * at once with IFA_F_NODAD, after duplicate address detection without).
 * Until then a neighbour solicitation for it goes unanswered and the first
 * packet to it waits a retransmission of the solicitation (1 s): measured
 * under load (16 cases on 2 CPUs), a SYN held 1 s that way. The local route
 * comes last, so this waits for it. IPv4: 0 at once.
 * Return: 0, -ETIMEDOUT, -EINVAL (not a lab address) or -errno.
 */
int lab_addr_wait_in_use(struct lab *lab, int host, const char *cidr, int timeout_ms,
			 struct tf_err *err);

/**
 * lab_route_add() - route @dst_cidr ("0.0.0.0/0" for default) via @gateway in @host.
 * Return: 0 or -errno.
 */
int lab_route_add(struct lab *lab, int host, const char *dst_cidr, const char *gateway,
		  struct tf_err *err);

/**
 * lab_link_set_up() - set @ifname of @host administratively up or down.
 * Return: 0 or -errno.
 */
int lab_link_set_up(struct lab *lab, int host, const char *ifname, bool up, struct tf_err *err);

/**
 * lab_link_wait_oper_up() - wait until @ifname of @host reports operstate UP
 * (otherwise the first SYN can be lost), at most @timeout_ms.
 * Return: 0, -ETIMEDOUT, or -errno.
 */
int lab_link_wait_oper_up(struct lab *lab, int host, const char *ifname, int timeout_ms,
			  struct tf_err *err);

/**
 * lab_bridge_add() - a bridge @name in @host (a switch: STP off, so a port
 * forwards as soon as its link is up), administratively up.
 * Implemented in lab_bridge.c. Return: 0 or -errno.
 */
int lab_bridge_add(struct lab *lab, int host, const char *name, struct tf_err *err);

/**
 * lab_link_set_master() - enslave @ifname of @host to the bridge @master of
 * the same host (a switch port). Return: 0 or -errno.
 */
int lab_link_set_master(struct lab *lab, int host, const char *ifname, const char *master,
			struct tf_err *err);

/**
 * lab_link_wait_carrier() - wait until @ifname of @host has (@carrier true) or
 * has lost (false) its carrier (IFF_LOWER_UP), at most @timeout_ms.
 * Return: 0, -ETIMEDOUT, or -errno.
 */
int lab_link_wait_carrier(struct lab *lab, int host, const char *ifname, bool carrier,
			  int timeout_ms, struct tf_err *err);

/**
 * lab_sysctl_set() - write @value to sysctl @key ("net.ipv4.tcp_retries2",
 * dots as separators) inside @host's namespace, then read it back.
 * Return: 0, -ENOENT if the knob does not exist on this kernel, -EINVAL if the
 * kernel refused the value or read back something else (detail in @err), or -errno.
 */
int lab_sysctl_set(struct lab *lab, int host, const char *key, const char *value,
		   struct tf_err *err);

/**
 * lab_sysctl_get() - read sysctl @key inside @host's namespace into @buf
 * (whitespace runs folded to one space, trailing newline removed).
 * Return: 0 or -errno (-ENOENT when the knob does not exist).
 */
int lab_sysctl_get(struct lab *lab, int host, const char *key, char *buf, size_t len,
		   struct tf_err *err);

#endif
