/* tcp_events.h - TCP events from the kernel (BPF tracepoints), filtered in the
 * kernel to the network namespaces the caller registers.
 *
 * Takes: namespace fds to watch (added and removed at any time, by any number
 * of cases sharing one handle), and calls to consume. Gives: struct tcp_event
 * records (tcp_event.h says exactly what each carries) for every TCP state
 * change, retransmission, reported socket error, window probe, and RST sent or received in
 * those namespaces, each stamped with its CLOCK_MONOTONIC time in ns by the
 * kernel; an fd that polls readable when records wait.
 *
 * One handle per run: the programs are attached once (they see every
 * namespace; the filter is a kernel hash map of namespace inodes) and one ring
 * buffer carries the events of all the registered namespaces; the consumer
 * routes them by ev->netns. Registering or removing a namespace is a map
 * update (thread-safe); consuming is single-threaded (one consumer per handle).
 *
 * Availability: the build compiles the BPF half only when clang, bpftool,
 * libbpf (pkg-config) and the build machine's /sys/kernel/btf/vmlinux are all
 * there (Makefile: TCP_EVENTS=auto|yes|no; `make TCP_EVENTS=no` forces it off).
 * Otherwise this module is a stub whose tcp_events_open() fails with
 * -EOPNOTSUPP and "unavailable: <why the build left it out>". At run time
 * tcp_events_open() fails with -EOPNOTSUPP and the reason when the kernel has
 * no BTF, the process lacks CAP_BPF+CAP_PERFMON (or CAP_SYS_ADMIN), or a
 * tracepoint is missing (tcp_receive_reset: 5.x; tp_btf needs 5.5). The caller
 * then falls back to polling with sock_diag (obs.h).
 *
 * Errors: 0 (or a count) on success, -errno on failure with the detail in
 * @err. libbpf's own messages are not printed: its print hook (process-wide)
 * is set by tcp_events_open() to keep the first warning for @err.
 */
#ifndef TCP_EVENTS_H
#define TCP_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "obs/tcp_event.h"
#include "netns/tf_err.h"

struct tcp_events;

/** tcp_events_available() - 1 when this build has the BPF event path, else 0. */
int tcp_events_available(void);

/**
 * tcp_events_open() - load the BPF programs, attach them to the tracepoints
 * and set up the ring buffer. Nothing is reported until a namespace is added.
 * Return: 0 and *@out, -EOPNOTSUPP with the reason in @err when the event path
 * is unavailable (see above), or -errno. Free with tcp_events_close().
 */
int tcp_events_open(struct tcp_events **out, struct tf_err *err);

/** tcp_events_close() - detach, unload, free. NULL does nothing. */
void tcp_events_close(struct tcp_events *te);

/**
 * tcp_events_netns_id() - the id the events carry for the namespace @netns_fd
 * (its inode number: fstat(@netns_fd).st_ino, as the kernel's ns.inum).
 * Works in every build. Return: 0 and *@id, or -errno.
 */
int tcp_events_netns_id(int netns_fd, uint32_t *id, struct tf_err *err);

/**
 * tcp_events_add_netns() - report the sockets of the namespace @netns_fd from
 * now on, each event carrying @slot (ev->slot: whose namespace it is, for a
 * consumer that routes one run's events to its cases); its id in *@id (may be
 * NULL). Remove it before its last fd is closed: a later namespace may get the
 * same inode number. Works from a forked child of the opener too (the map fd
 * is inherited; map updates are system calls on it).
 * Return: 0, or -errno (-ENOSPC past 4096 namespaces).
 */
int tcp_events_add_netns(struct tcp_events *te, int netns_fd, uint32_t slot, uint32_t *id,
			 struct tf_err *err);

/**
 * tcp_events_remove_slot() - stop reporting every namespace registered with
 * @slot (what a case left registered when its worker was killed).
 * Return: how many were removed.
 */
int tcp_events_remove_slot(struct tcp_events *te, uint32_t slot);

/**
 * tcp_events_probes() - 1 when window probes are reported (TCP_EVENT_PROBE:
 * the kernel let fexit attach to tcp_send_probe0()), else 0 and why in *@why
 * (borrowed; @why may be NULL).
 */
int tcp_events_probes(const struct tcp_events *te, const char **why);

/**
 * tcp_events_remove_netns() - stop reporting the namespace @id (from
 * tcp_events_add_netns()). Events already in the ring buffer stay there.
 * Return: 0, -ENOENT if it was not registered, or -errno.
 */
int tcp_events_remove_netns(struct tcp_events *te, uint32_t id, struct tf_err *err);

/** tcp_events_fd() - an fd (epoll) that polls readable when events wait. */
int tcp_events_fd(const struct tcp_events *te);

/* Called once per event, in the order the kernel wrote them (per CPU order
 * between CPUs is by reservation, not by t_ns: sort by t_ns if it matters).
 * @ev is valid during the call only. A negative return stops the consume. */
typedef int (*tcp_events_cb)(const struct tcp_event *ev, void *arg);

/**
 * tcp_events_consume() - deliver every waiting event to @cb, without blocking.
 * Return: the number delivered, the negative value @cb returned, or -errno.
 */
int tcp_events_consume(struct tcp_events *te, tcp_events_cb cb, void *arg, struct tf_err *err);

/**
 * tcp_events_lost() - events dropped so far: the ring buffer was full, or a
 * program could not run (tcp_events_misses()).
 */
uint64_t tcp_events_lost(const struct tcp_events *te);

/**
 * tcp_events_misses() - the times a program did not run because it was
 * already running on that CPU (the kernel's recursion_misses): a timer's
 * softirq that interrupts the program, running for another socket, loses
 * its event. Any socket's, the run's or not: the program filters after.
 */
uint64_t tcp_events_misses(const struct tcp_events *te);

/**
 * tcp_events_measure() - from now until tcp_events_close(), have the kernel
 * count the programs' runs and run time (BPF_ENABLE_STATS: machine-wide, for
 * every BPF program, while the handle lives; costs two clock reads per run).
 * For benchmarks and `doctor`. Return: 0 or -errno.
 */
int tcp_events_measure(struct tcp_events *te, struct tf_err *err);

/**
 * tcp_events_cost() - the programs' runs and kernel CPU time in ns so far
 * (since tcp_events_measure(); 0 without it), filtered-out runs included.
 * Return: 0 or -errno.
 */
int tcp_events_cost(const struct tcp_events *te, uint64_t *runs, uint64_t *run_ns,
		    struct tf_err *err);

/** tcp_event_type_name() - "state", "retransmit", "error", "send-reset", "receive-reset", "probe". */
const char *tcp_event_type_name(int type);

/**
 * tcp_event_format() - one line for logs and tests, e.g.
 * "state 198.18.0.1:41234 -> 198.18.0.2:8080 SYN_SENT -> ESTABLISHED netns 4026532301".
 * Return: what snprintf() returns.
 */
int tcp_event_format(const struct tcp_event *ev, char *buf, size_t len);

#endif
