/* obs_priv.h - internals of the observer shared by obs.c (tracks, histories,
 * the timeline's "sock" events, the 10 ms polling path) and obs_events.c (the
 * kernel event path). Not for other modules: include obs.h.
 *
 * A track is one socket tuple (host, local, remote): its state history, its
 * last snapshot (the fields whose change is an event), its keepalive and
 * TIME_WAIT bookkeeping. Both paths feed tracks through obs_on_sock() (a
 * socket as sock_diag gives it); the event path also through obs_ev_*().
 */
#ifndef OBS_PRIV_H
#define OBS_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "obs/obs.h"
#include "obs/obs_hub.h"
#include "obs/tcp_event.h"
#include "netns/lab_diag.h"

#define OBS_MAX_HOSTS 8
#define OBS_KEY_MAX 112
#define OBS_TIMER_KEEPALIVE 2 /* idiag_timer: sk_timer pending (lab_diag.h) */
#define OBS_TIMER_PROBE0 4 /* idiag_timer: the zero window probe timer */
#define OBS_MAX_PENDING 16

/* The fields whose change is worth an event. */
struct obs_snap {
	uint8_t state, retransmits, probes, backoff, timer;
	uint32_t rto_ms, unacked, total_retrans;
	bool orphan; /* inode 0: an orphan, or not accepted yet */
};

struct obs_track {
	int host;
	char local[OBS_KEY_MAX / 2], remote[OBS_KEY_MAX / 2];
	struct lab_sock key; /* family and addresses: the exact lookup's key */
	struct obs_snap last;
	bool present; /* seen in the current sample */
	bool gone;
	/* event path: the state came from a state event (a full socket, whose
	 * changes and end are all events); samples then leave the state alone */
	bool by_events;
	/* event path: a lookup saw a full socket in @ahead_state (TCP_CLOSE: it
	 * no longer found it), not the state the events gave, first at case ms
	 * @ahead_ms: its event is on its way, or was lost (obs_ev_state_seen()) */
	bool ahead;
	int ahead_state;
	int64_t ahead_ms;
	struct obs_state_change *changes;
	int n_changes, cap_changes;
	int64_t ka_max_ms; /* longest time to expiry seen on its keepalive timer; -1: none */
	int64_t tw_deadline_ms; /* TIME_WAIT: monotonic ms its timer fires (0: not seen) */
	int tw_restarts; /* times that deadline moved later (obs_tw_check()) */
	int64_t tw_first_restart_ms; /* case time of the first */
	/* event path: monotonic ms a timer whose firing no event reports is due
	 * (obs_track_due(), obs_tick()); 0: none */
	int64_t due_ms;
};

struct obs_host {
	char name[32];
	struct lab_diag *diag;
	uint32_t netns_id; /* the events' ev->netns (event path) */
	bool registered; /* in the kernel filter (event path) */
};

/* A connect() seen at SYN_SENT before its port was chosen (tcp_event.h): its
 * first state waits for the next event, or a dump, that names the port. */
struct obs_pending {
	uint64_t cookie;
	int host;
	int64_t t_ns;
};

struct obs {
	struct timeline *tl;
	struct obs_host hosts[OBS_MAX_HOSTS];
	int n_hosts;
	struct obs_track *tracks;
	int n_tracks, cap_tracks;
	int64_t first_ms, last_ms, now_ms;
	int64_t now_us; /* event path: the event's case time in us; -1: none (a sample) */
	int cur_host; /* host being dumped, for the callback */
	int err; /* first error inside the callback */
	/* event path (obs_use_events()); feed.fd < 0: polling */
	struct obs_feed feed;
	int64_t t0_ns; /* case clock origin (obs_start()); 0: not started */
	int n_samples;
	bool discover; /* a dump is due (a socket only a dump can name) */
	struct obs_pending pending[OBS_MAX_PENDING];
	int n_pending;
	uint64_t n_events;
};

/* obs.c */
struct obs_track *obs_track_find(const struct obs *o, int host, const char *local,
				 const char *remote);
struct obs_track *obs_track_add(struct obs *o, int host, const char *local, const char *remote);
int obs_track_push_state(struct obs_track *t, int64_t t_ms, int state);
int obs_emit(struct obs *o, const struct obs_track *t, const char *state_name);
void obs_snap_fill(struct obs_snap *s, const struct lab_sock *ls);
int obs_on_sock(const struct lab_sock *ls, void *arg);
int obs_gone(struct obs *o, struct obs_track *t, int64_t t_ms);
void obs_track_due(struct obs_track *t, const struct lab_sock *ls);
int obs_dump_all(struct obs *o, struct tf_err *err);
bool obs_events_mode(const struct obs *o);

/* obs_events.c */
int obs_ev_sample(struct obs *o, int64_t t_ms, struct tf_err *err);
void obs_stop_events(struct obs *o);
int obs_ev_pending_take(struct obs *o, int host, uint64_t cookie, int64_t *t_ns);
int64_t obs_ev_ms(const struct obs *o, int64_t t_ns);
int obs_ev_state_seen(struct obs *o, struct obs_track *t, int state);

#endif
