/* lab_diag.h - list every TCP socket of one network namespace, with its state
 * and tcp_info, through NETLINK_SOCK_DIAG (libmnl). Orphans (sockets whose
 * process is gone: inode 0) are included.
 *
 * Takes: a namespace fd. Gives: a handle bound to that namespace (a netlink
 * socket belongs to the namespace it was created in, so the handle is created
 * inside it once and then used from anywhere), and dumps of struct lab_sock.
 */
#ifndef LAB_DIAG_H
#define LAB_DIAG_H

#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "tf_err.h"

struct lab_diag;

struct lab_sock {
	int family; /* AF_INET or AF_INET6 */
	struct sockaddr_storage local, remote; /* ports filled in, network order in the sockaddrs */
	uint8_t state; /* TCP_ESTABLISHED ... from <netinet/tcp.h> */
	uint32_t inode; /* 0 for an orphan */
	uint8_t timer; /* idiag_timer: 0 none, 1 retransmit, 2 keepalive, 3 TIME_WAIT, 4 zero window probe */
	uint8_t retrans; /* idiag_retrans */
	uint32_t expires_ms; /* idiag_expires */
	uint32_t rqueue, wqueue;
	int has_info; /* the fields below are valid (not for TIME_WAIT or request sockets) */
	uint8_t ca_state, retransmits, probes, backoff;
	uint32_t rto_us, unacked, lost, total_retrans;
	uint32_t last_data_recv_ms, last_ack_recv_ms;
	uint32_t ifindex,
		cookie[2]; /* the kernel's identity of the socket, for lab_diag_destroy() */
};

typedef int (*lab_diag_cb)(const struct lab_sock *s, void *arg);

/**
 * lab_diag_open() - open a sock_diag handle inside the namespace @netns_fd.
 * The calling thread's namespace is the same on return as before.
 * Return: 0 and *@out, or -errno. Free with lab_diag_close().
 */
int lab_diag_open(int netns_fd, struct lab_diag **out, struct tf_err *err);

/** lab_diag_close() - close the handle; NULL does nothing. */
void lab_diag_close(struct lab_diag *d);

/**
 * lab_diag_dump() - call @cb for every TCP socket (IPv4 and IPv6, every state,
 * TIME_WAIT and SYN_RECV request sockets included) of the handle's namespace.
 * Return: the number of sockets, or -errno; a negative value from @cb stops the
 * dump and is returned.
 */
int lab_diag_dump(struct lab_diag *d, lab_diag_cb cb, void *arg, struct tf_err *err);

/**
 * lab_diag_lookup() - the one TCP socket whose family, local and remote
 * address and port are those of @key (and its cookie, unless both words are
 * 0), as a dump would give it, into *@out: an exact lookup in the kernel's
 * hash tables (inet_diag_find_one_icsk()), no walk of the table, so its cost
 * does not grow with the namespace's sockets. A listener is found by its local
 * address and port with a zero remote; TIME_WAIT and request sockets too.
 * Return: 1 found, 0 no such socket, or -errno.
 */
int lab_diag_lookup(struct lab_diag *d, const struct lab_sock *key, struct lab_sock *out,
		    struct tf_err *err);

/**
 * lab_diag_destroy() - SOCK_DESTROY one socket @s from a dump of this handle
 * (orphans, TIME_WAIT and request sockets too): the socket is gone as after a
 * reboot; a process that held it sees ECONNABORTED. The kernel sends RST for
 * a synchronized socket (tcp_abort()), so a reboot destroys sockets while the
 * host's traffic is black-holed (DESIGN.md).
 * Return: 0, -ENOENT if it is already gone, -EOPNOTSUPP if the kernel lacks
 * CONFIG_INET_DIAG_DESTROY, or -errno.
 */
int lab_diag_destroy(struct lab_diag *d, const struct lab_sock *s, struct tf_err *err);

/**
 * lab_diag_destroy_all() - destroy every TCP socket of the namespace.
 * Return: the number destroyed, or -errno (-EOPNOTSUPP as above).
 */
int lab_diag_destroy_all(struct lab_diag *d, struct tf_err *err);

/** lab_sock_state_name() - "ESTABLISHED", "SYN_SENT", ...; "UNKNOWN" for others. */
const char *lab_sock_state_name(int state);

/** lab_sock_state_parse() - inverse of lab_sock_state_name(); -1 if unknown. */
int lab_sock_state_parse(const char *name);

#endif
