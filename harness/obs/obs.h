/* obs.h - the observer: watches every TCP socket of every lab namespace and
 * records what changed.
 *
 * Takes: the hosts' namespace fds (a sock_diag handle is opened inside each),
 * a timeline, optionally the run's event feed (obs_hub.h), and sample calls
 * from the runner (every obs_sample_ms()). Gives: an event in the timeline
 * whenever a socket appears, changes state, or its retransmits, probes,
 * backoff, rto, unacked or total retransmissions change, and "CLOSED" when it
 * disappears ("sock" events: src, kind "obs", local, remote, call "sock",
 * state, rto_ms, unacked, retransmits, probes, backoff, total_retrans,
 * orphan, text); per socket (host, local, remote) a state history for the
 * verdicts. Orphans are included: a socket keeps its history after its
 * process dies.
 *
 * Two paths, chosen per run (obs_use_events() before the first host):
 *  - events (obs_events.c): the kernel's own events (tcp_events.h), each at
 *    its CLOCK_MONOTONIC time: state changes, retransmissions and window
 *    probes are timed to the microsecond ("sock" events then carry t_us),
 *    and two more kinds of event appear: "sock-error" (the errno the kernel
 *    reports on the socket: err, err_name) and "rst-sent" / "rst-received".
 *    sock_diag is used for an exact lookup of the one socket an event names
 *    (its rto, unacked, backoff, probes, timers), a sample of the known
 *    sockets by exact lookups every OBS_EV_SAMPLE_MS (what has no event: the
 *    keepalive timer's expiry, TIME_WAIT and its restarts, request sockets'
 *    end), and a dump of the namespaces only to discover sockets no event
 *    names (request sockets; see obs_events.c).
 *  - polling (obs.c): a sock_diag dump of every namespace every OBS_POLL_MS;
 *    a change is known to within that. The fallback when the event path is
 *    unavailable (no BPF, no BTF, no privilege: tcpfault doctor says).
 */
#ifndef OBS_H
#define OBS_H

#include <stdint.h>
#include <sys/socket.h>

#include "obs/timeline.h"
#include "obs/observations.h"
#include "obs/obs_hub.h"
#include "netns/tf_err.h"

#define OBS_POLL_MS 10 /* polling path: the issue asked for <= 10 ms */
#define OBS_EV_SAMPLE_MS 100 /* event path: what has no event, <= 10 Hz */

struct obs;

/** obs_new() - an observer writing into @tl (borrowed). NULL on ENOMEM. */
struct obs *obs_new(struct timeline *tl);

/** obs_free() - close the sock_diag handles. NULL does nothing. */
void obs_free(struct obs *o);

/**
 * obs_use_events() - observe through the events of @feed (its fd is the
 * observer's from now on: obs_free() closes it and unregisters the hosts'
 * namespaces). Call before obs_add_host(): each host's namespace joins the
 * kernel filter as it is added. Return: 0, or -EBUSY after a host.
 */
int obs_use_events(struct obs *o, const struct obs_feed *feed);

/** obs_mode_name() - "events" or "polling". */
const char *obs_mode_name(const struct obs *o);

/** obs_sample_ms() - how often the runner calls obs_sample(): OBS_EV_SAMPLE_MS or OBS_POLL_MS. */
int obs_sample_ms(const struct obs *o);

/**
 * obs_start() - the case clock starts at monotonic @t0_ns: events are read
 * from now on (those from before have negative case times, as setup lines do).
 */
void obs_start(struct obs *o, int64_t t0_ns);

/** obs_events_fd() - polls readable when events wait (event path, after obs_start()); else -1. */
int obs_events_fd(const struct obs *o);

/**
 * obs_tick() - at the runner's tick (case time @t_ms, every 10 ms): on the
 * event path, look up the sockets without events whose timer is due (the end
 * of a TIME_WAIT or request socket); nothing on the polling path.
 * Return: 0 or -errno.
 */
int obs_tick(struct obs *o, int64_t t_ms, struct tf_err *err);

/** obs_read_events() - handle every waiting event, without blocking. Return: 0 or -errno. */
int obs_read_events(struct obs *o, struct tf_err *err);

/** obs_event_count() - kernel events handled so far (event path). */
uint64_t obs_event_count(const struct obs *o);

/**
 * obs_add_host() - watch the namespace @netns_fd, called @name in events.
 * Return: the host's index in the observer, or -errno.
 */
int obs_add_host(struct obs *o, const char *name, int netns_fd, struct tf_err *err);

/**
 * obs_sample() - at case time @t_ms: polling, dump every watched namespace;
 * events, read the waiting events, then look up each known socket (and dump
 * when a socket may be unnamed). Return: 0 or -errno.
 */
int obs_sample(struct obs *o, int64_t t_ms, struct tf_err *err);

/**
 * obs_history() - the state history of the socket @local -> @remote
 * ("198.18.0.1:41234") in host @host, first entry when it was first seen,
 * CASE_STATE_CLOSED when it vanished.
 * Return: the number of changes (0 if never seen); *@out borrowed from @o.
 */
int obs_history(const struct obs *o, int host, const char *local, const char *remote,
		const struct obs_state_change **out);

/**
 * obs_keepalive_max_ms() - the longest time to expiry seen on the keepalive
 * timer of the socket @local -> @remote in host @host: right after the last
 * packet it is the idle time (TCP_KEEPIDLE, or tcp_keepalive_time).
 * Return: milliseconds, or -1 if the timer was never seen armed.
 */
int64_t obs_keepalive_max_ms(const struct obs *o, int host, const char *local, const char *remote);

/**
 * obs_tw_restarts() - how often the TIME_WAIT timer of the socket @local ->
 * @remote in host @host was seen to start again (a retransmitted FIN restarts
 * it: KERNEL-FACTS.md "Close path"); *@first_ms the case time of the first (-1).
 * Each restart is also a "timewait-restart" event in the timeline.
 */
int obs_tw_restarts(const struct obs *o, int host, const char *local, const char *remote,
		    int64_t *first_ms);

/** obs_first_ms() / obs_last_ms() - case time of the first and last samples (-1: none). */
int64_t obs_first_ms(const struct obs *o);
int64_t obs_last_ms(const struct obs *o);

/** obs_format_addr() - "198.18.0.1:41234" or "[2001:2::1]:80". */
void obs_format_addr(const struct sockaddr_storage *ss, char *buf, size_t len);

#endif
