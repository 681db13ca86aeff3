/* obs.h - the observer: samples every TCP socket of every lab namespace
 * through sock_diag and records what changed.
 *
 * Takes: the hosts' namespace fds (a sock_diag handle is opened inside each),
 * a timeline, and sample calls from the runner (every <= 10 ms). Gives: an
 * event in the timeline whenever a socket appears, changes state, or its
 * retransmits, probes, backoff, rto, unacked or total retransmissions change,
 * and "gone" when it disappears; per socket (host, local, remote) a state
 * history for the verdicts. Orphans are included: a socket keeps its history
 * after its process dies.
 */
#ifndef OBS_H
#define OBS_H

#include <stdint.h>
#include <sys/socket.h>

#include "obs/timeline.h"
#include "obs/observations.h"
#include "netns/tf_err.h"

struct obs;

/** obs_new() - an observer writing into @tl (borrowed). NULL on ENOMEM. */
struct obs *obs_new(struct timeline *tl);

/** obs_free() - close the sock_diag handles. NULL does nothing. */
void obs_free(struct obs *o);

/**
 * obs_add_host() - watch the namespace @netns_fd, called @name in events.
 * Return: the host's index in the observer, or -errno.
 */
int obs_add_host(struct obs *o, const char *name, int netns_fd, struct tf_err *err);

/**
 * obs_sample() - dump every watched namespace once, at case time @t_ms.
 * Return: 0 or -errno.
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
