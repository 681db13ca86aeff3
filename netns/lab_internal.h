/* lab_internal.h - private to netns/lab*.c: switching the calling thread
 * between namespaces, and bringing an interface up in the current namespace.
 *
 * Takes: namespace fds. Gives: the saved fd that switches the thread back.
 * Not for harness/: everything there goes through lab.h and lab_diag.h.
 */
#ifndef LAB_INTERNAL_H
#define LAB_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "tf_err.h"

/**
 * lab_ns_switch() - move the calling thread into the namespace @netns_fd.
 * Return: an O_CLOEXEC fd of the namespace the thread was in (give it to
 * lab_ns_restore()), or -errno with the thread where it was.
 */
int lab_ns_switch(int netns_fd) __attribute__((warn_unused_result));

/**
 * lab_ns_restore() - move the calling thread back into @saved_fd and close it.
 * Aborts if the kernel refuses: a thread left in the wrong namespace would
 * configure the wrong host from then on.
 */
void lab_ns_restore(int saved_fd);

/**
 * lab_link_up_current() - set @ifname administratively up in the calling
 * thread's current namespace; @where names that namespace in error messages.
 * Implemented in lab_link.c. Return: 0 or -errno.
 */
int lab_link_up_current(const char *where, const char *ifname, struct tf_err *err);

/*
 * libnl request helpers of lab_link.c, shared with lab_bridge.c and
 * lab_view.c. A request for host X opens its socket inside X:
 * lab_nl_enter(), requests, lab_nl_close().
 */
struct lab;
struct nl_sock;
struct rtnl_link;

/* One request context: the socket, and what the kernel said when it refused. */
struct lab_nl {
	struct nl_sock *sk;
	int saved_ns; /* from lab_enter(), -1 when opened in the current namespace */
	int kerr; /* errno of the kernel's last NLMSG_ERROR, 0 if none */
	char ack[200]; /* its extended-ack text, "" if none */
};

/* lab_nl_open() - a NETLINK_ROUTE socket (ext-ack on) in the current namespace. 0 or -errno. */
int lab_nl_open(struct lab_nl *nl, const char *where, struct tf_err *err);

/* lab_nl_enter() - lab_enter(@host), then lab_nl_open() there; @where gets "host NAME". */
int lab_nl_enter(const struct lab *lab, int host, struct lab_nl *nl, char *where, size_t where_len,
		 struct tf_err *err);

/* lab_nl_close() - free the socket, go back to where lab_nl_enter() came from. */
void lab_nl_close(struct lab_nl *nl);

/*
 * lab_nl_fail() - convert libnl's @nle (or the kernel's errno) to -errno and
 * write "<what>: <error text>[ (kernel: <ext-ack>)]" into @err.
 */
int lab_nl_fail(struct lab_nl *nl, int nle, struct tf_err *err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* lab_ifname_check() - 1 to IFNAMSIZ-1 characters. 0 or -EINVAL. */
int lab_ifname_check(const char *where, const char *ifname, struct tf_err *err);

/* lab_nl_link_get() - the link @ifname of the socket's namespace (put it). 0 or -errno. */
int lab_nl_link_get(struct lab_nl *nl, const char *where, const char *ifname,
		    struct rtnl_link **link, struct tf_err *err);

/*
 * A bounded wait on a link of one host (lab_link.c): poll @ifname every
 * @tick_ns until @ready says so, at most @timeout_ms. @ready returns true
 * when the link is as wanted, and writes what it sees into @state ("has no
 * carrier", "operstate DOWN") for the timeout message:
 * "host X: IFNAME still STATE after N ms" + @hint.
 */
struct lab_link_wait {
	const char *ifname;
	int timeout_ms;
	long tick_ns;
	bool (*ready)(struct rtnl_link *link, const void *arg, char *state, size_t size);
	const void *arg;
	const char *hint;
};

/** lab_link_wait() - see struct lab_link_wait. Return: 0, -ETIMEDOUT, or -errno. */
int lab_link_wait(struct lab *lab, int host, const struct lab_link_wait *w, struct tf_err *err);

#endif
