/* obs.c - socket-state sampling; see obs.h.
 *
 * What sampling can and cannot see (DESIGN.md): states that timers hold
 * (SYN_SENT, FIN_WAIT2, CLOSE_WAIT, TIME_WAIT, a retransmitting ESTABLISHED)
 * are seen; states that last microseconds (FIN_WAIT1 in a clean close) can be
 * missed, so no expectation should rest on them.
 */
#include "obs/obs.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <netinet/tcp.h>

#include "common/clock.h"
#include "common/vec.h"
#include "obs/obs_priv.h"

struct obs *obs_new(struct timeline *tl)
{
	struct obs *o = calloc(1, sizeof(*o));

	if (!o)
		return NULL;
	o->tl = tl;
	o->first_ms = o->last_ms = -1;
	o->now_us = -1;
	o->feed.fd = -1;
	return o;
}

void obs_free(struct obs *o)
{
	if (!o)
		return;
	obs_stop_events(o);
	for (int i = 0; i < o->n_hosts; i++)
		lab_diag_close(o->hosts[i].diag);
	for (int i = 0; i < o->n_tracks; i++)
		free(o->tracks[i].changes);
	free(o->tracks);
	free(o);
}

int obs_add_host(struct obs *o, const char *name, int netns_fd, struct tf_err *err)
{
	struct obs_host *h;
	int ret;

	if (o->n_hosts == OBS_MAX_HOSTS)
		return tf_err_set(err, -ENOSPC, "observer: more than %d hosts", OBS_MAX_HOSTS);
	h = &o->hosts[o->n_hosts];
	snprintf(h->name, sizeof(h->name), "%s", name);
	ret = lab_diag_open(netns_fd, &h->diag, err);
	if (ret)
		return ret;
	if (obs_events_mode(o)) {
		ret = tcp_events_add_netns(o->feed.te, netns_fd, o->feed.slot, &h->netns_id, err);
		if (ret) {
			lab_diag_close(h->diag);
			return ret;
		}
		h->registered = true;
	}
	return o->n_hosts++;
}

void obs_format_addr(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN] = "?";

	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;

		inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof(a));
		snprintf(buf, len, "[%s]:%u", a, ntohs(s6->sin6_port));
		return;
	}
	const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;

	inet_ntop(AF_INET, &s4->sin_addr, a, sizeof(a));
	snprintf(buf, len, "%s:%u", a, ntohs(s4->sin_port));
}

bool obs_events_mode(const struct obs *o)
{
	return o->feed.fd >= 0;
}

struct obs_track *obs_track_find(const struct obs *o, int host, const char *local,
				 const char *remote)
{
	for (int i = 0; i < o->n_tracks; i++) {
		struct obs_track *t = &o->tracks[i];

		if (t->host == host && strcmp(t->local, local) == 0 &&
		    strcmp(t->remote, remote) == 0)
			return t;
	}
	return NULL;
}

struct obs_track *obs_track_add(struct obs *o, int host, const char *local, const char *remote)
{
	struct obs_track *t;

	t = vec_push(&o->tracks, &o->n_tracks, &o->cap_tracks, sizeof(*t));
	if (!t)
		return NULL;
	t->ka_max_ms = -1;
	t->host = host;
	snprintf(t->local, sizeof(t->local), "%s", local);
	snprintf(t->remote, sizeof(t->remote), "%s", remote);
	return t;
}

int obs_track_push_state(struct obs_track *t, int64_t t_ms, int state)
{
	struct obs_state_change *c;

	if (t->n_changes && t->changes[t->n_changes - 1].state == state)
		return 0;
	c = vec_push(&t->changes, &t->n_changes, &t->cap_changes, sizeof(*c));
	if (!c)
		return -ENOMEM;
	*c = (struct obs_state_change){ .t_ms = t_ms, .state = state };
	return 0;
}

int obs_emit(struct obs *o, const struct obs_track *t, const char *state_name)
{
	const struct obs_snap *s = &t->last;
	char text[300];
	json_t *ev;

	/* Listeners and TIME_WAIT sockets carry no tcp_info: say only their state. */
	if (s->state == TCP_LISTEN || s->state == TCP_TIME_WAIT || !s->rto_ms)
		snprintf(text, sizeof(text), "%s>%s %s%s", t->local, t->remote, state_name,
			 s->orphan ? " no-fd" : "");
	else
		snprintf(text, sizeof(text),
			 "%s>%s %s rto %ums unacked %u retrans %u/%u probes %u backoff %u%s",
			 t->local, t->remote, state_name, s->rto_ms, s->unacked, s->retransmits,
			 s->total_retrans, s->probes, s->backoff, s->orphan ? " no-fd" : "");
	ev = json_pack("{sI ss ss ss ss ss ss si si si si si si sb ss}", "t_ms",
		       (json_int_t)o->now_ms, "src", o->hosts[t->host].name, "kind", "obs", "local",
		       t->local, "remote", t->remote, "call", "sock", "state", state_name, "rto_ms",
		       (int)s->rto_ms, "unacked", (int)s->unacked, "retransmits",
		       (int)s->retransmits, "probes", (int)s->probes, "backoff", (int)s->backoff,
		       "total_retrans", (int)s->total_retrans, "orphan", s->orphan, "text", text);
	if (ev && o->now_us != -1) /* an event's exact time (event path) */
		json_object_set_new(ev, "t_us", json_integer(o->now_us));
	return timeline_add(o->tl, ev);
}

void obs_snap_fill(struct obs_snap *s, const struct lab_sock *ls)
{
	memset(s, 0, sizeof(*s));
	s->state = ls->state;
	s->timer = ls->timer;
	s->orphan = ls->inode == 0 && ls->state != TCP_LISTEN;
	if (ls->has_info) {
		s->retransmits = ls->retransmits;
		s->probes = ls->probes;
		s->backoff = ls->backoff;
		s->rto_ms = ls->rto_us / 1000;
		s->unacked = ls->unacked;
		s->total_retrans = ls->total_retrans;
	}
}

/*
 * TIME_WAIT lasts TCP_TIMEWAIT_LEN (60 s) from its last start, and a
 * retransmitted FIN from the peer starts it again (tcp_timewait_state_process():
 * inet_twsk_reschedule(tw, TCP_TIMEWAIT_LEN)). idiag_expires is the time left,
 * so now + expires is the deadline: it stays put while the timer runs and moves
 * later only on a restart. "Now" is read here, next to the dump, not the
 * sample's start: a sample delayed on a busy machine must not look like a
 * restart. The deadline jitters by a jiffy or two; a restart moves it by at
 * least the peer's RTO (>= 200 ms), hence OBS_TW_RESTART_MS.
 */
#define OBS_TW_RESTART_MS 100

static int obs_tw_check(struct obs *o, struct obs_track *t, const struct lab_sock *ls)
{
	int64_t deadline = mono_ms() + ls->expires_ms;
	char text[200];
	json_t *ev;

	if (!t->tw_deadline_ms || deadline <= t->tw_deadline_ms + OBS_TW_RESTART_MS) {
		if (!t->tw_deadline_ms || deadline > t->tw_deadline_ms)
			t->tw_deadline_ms = deadline;
		return 0;
	}
	if (!t->tw_restarts++)
		t->tw_first_restart_ms = o->now_ms;
	snprintf(text, sizeof(text), "%s>%s TIME_WAIT timer started again: %u ms left (+%lld ms)",
		 t->local, t->remote, ls->expires_ms, (long long)(deadline - t->tw_deadline_ms));
	t->tw_deadline_ms = deadline;
	ev = json_pack("{sI ss ss ss ss ss si si ss}", "t_ms", (json_int_t)o->now_ms, "src",
		       o->hosts[t->host].name, "kind", "obs", "local", t->local, "remote",
		       t->remote, "call", "timewait-restart", "expires_ms", (int)ls->expires_ms,
		       "restarts", t->tw_restarts, "text", text);
	return timeline_add(o->tl, ev);
}

/*
 * Event path: a full socket (it has tcp_info) that no event named yet is left
 * to its events, which may still be on their way: a dump must not give it a
 * state ahead of them. Only a connect() whose SYN_SENT event came without its
 * port is named here, from the cookie. Return: the track, or NULL to skip.
 */
static struct obs_track *obs_track_named(struct obs *o, const struct lab_sock *ls,
					 const char *local, const char *remote)
{
	uint64_t cookie = ls->cookie[0] | (uint64_t)ls->cookie[1] << 32;
	struct obs_track *t;
	int64_t t_ns;

	if (!obs_ev_pending_take(o, o->cur_host, cookie, &t_ns))
		return NULL;
	t = obs_track_add(o, o->cur_host, local, remote);
	if (!t)
		return NULL;
	t->by_events = true;
	t->key = *ls;
	obs_snap_fill(&t->last, ls);
	t->last.state = TCP_SYN_SENT;
	o->now_us = (t_ns - o->t0_ns) / 1000;
	if (obs_track_push_state(t, obs_ev_ms(o, t_ns), TCP_SYN_SENT) == 0) {
		int64_t now_ms = o->now_ms;

		o->now_ms = obs_ev_ms(o, t_ns);
		obs_emit(o, t, "SYN_SENT");
		o->now_ms = now_ms;
	}
	o->now_us = -1;
	return t;
}

int obs_on_sock(const struct lab_sock *ls, void *arg)
{
	struct obs *o = arg;
	char local[OBS_KEY_MAX / 2], remote[OBS_KEY_MAX / 2];
	struct obs_snap snap;
	struct obs_track *t;
	bool is_new = false;
	int ret;

	obs_format_addr(&ls->local, local, sizeof(local));
	obs_format_addr(&ls->remote, remote, sizeof(remote));
	obs_snap_fill(&snap, ls);
	t = obs_track_find(o, o->cur_host, local, remote);
	if (!t && obs_events_mode(o) && ls->has_info) {
		obs_track_named(o, ls, local, remote);
		return 0;
	}
	/* A tuple that vanished and came back is a new socket: keep one history
	 * per tuple anyway, the verdicts read it as "closed, then open again". */
	if (!t) {
		t = obs_track_add(o, o->cur_host, local, remote);
		if (!t)
			return -ENOMEM;
		is_new = true;
	}
	t->present = true;
	t->key = *ls;
	if (t->by_events) { /* the state is the events': a sample may be ahead of them */
		if (ls->has_info && !t->gone) {
			ret = obs_ev_state_seen(o, t, snap.state);
			if (ret)
				return ret;
		}
		snap.state = t->last.state;
	}
	/* idiag_timer 2 is sk_timer, the keepalive timer of an established socket
	 * (inet_diag's inet_sk_diag_fill(); in FIN_WAIT2 the same timer counts
	 * the linger2 time); its expiry counts down, so only the longest is kept
	 * (no event: it changes at every sample). */
	if (ls->state == TCP_ESTABLISHED && ls->timer == OBS_TIMER_KEEPALIVE &&
	    (int64_t)ls->expires_ms > t->ka_max_ms)
		t->ka_max_ms = ls->expires_ms;
	obs_track_due(t, ls);
	if (ls->state == TCP_TIME_WAIT && !t->by_events) {
		ret = obs_tw_check(o, t, ls);
		if (ret)
			return ret;
	}
	if (!is_new && !t->gone && memcmp(&snap, &t->last, sizeof(snap)) == 0)
		return 0;
	if (t->by_events && t->gone)
		return 0; /* its end was an event; what a sample still sees is stale */
	t->gone = false;
	t->last = snap;
	ret = obs_track_push_state(t, o->now_ms,
				   snap.state == TCP_CLOSE ? CASE_STATE_CLOSED : snap.state);
	if (ret)
		return ret;
	return obs_emit(o, t, lab_sock_state_name(snap.state));
}

/*
 * What no event reports comes when a timer fires: the end of a TIME_WAIT or
 * request socket (which have no events at all), and a window probe (idiag_timer
 * 4, the zero window probe timer) when fexit on tcp_send_probe0() is refused.
 * The event path looks such a socket up at the runner's first tick after its
 * timer's expiry (obs_tick()), so these are timed to the tick, as polling does.
 */
void obs_track_due(struct obs_track *t, const struct lab_sock *ls)
{
	if (((!ls->has_info && ls->timer) || ls->timer == OBS_TIMER_PROBE0) &&
	    ls->expires_ms < 86400000u)
		t->due_ms = mono_ms() + ls->expires_ms;
}

int obs_gone(struct obs *o, struct obs_track *t, int64_t t_ms)
{
	int ret;

	t->gone = true;
	ret = obs_track_push_state(t, t_ms, CASE_STATE_CLOSED);
	if (ret)
		return ret;
	return obs_emit(o, t, "CLOSED");
}

int obs_dump_all(struct obs *o, struct tf_err *err)
{
	int ret;

	for (int h = 0; h < o->n_hosts; h++) {
		o->cur_host = h;
		ret = lab_diag_dump(o->hosts[h].diag, obs_on_sock, o, err);
		if (ret < 0)
			return ret;
	}
	return 0;
}

int obs_sample(struct obs *o, int64_t t_ms, struct tf_err *err)
{
	int ret;

	if (obs_events_mode(o))
		return obs_ev_sample(o, t_ms, err);
	o->now_ms = t_ms;
	for (int i = 0; i < o->n_tracks; i++)
		o->tracks[i].present = false;
	ret = obs_dump_all(o, err);
	if (ret < 0)
		return ret;
	for (int i = 0; i < o->n_tracks; i++) {
		struct obs_track *t = &o->tracks[i];

		if (t->present || t->gone)
			continue;
		ret = obs_gone(o, t, t_ms);
		if (ret)
			return ret;
	}
	if (o->first_ms < 0)
		o->first_ms = t_ms;
	o->last_ms = t_ms;
	return 0;
}

int obs_history(const struct obs *o, int host, const char *local, const char *remote,
		const struct obs_state_change **out)
{
	const struct obs_track *t = obs_track_find(o, host, local, remote);

	*out = t ? t->changes : NULL;
	return t ? t->n_changes : 0;
}

int obs_tw_restarts(const struct obs *o, int host, const char *local, const char *remote,
		    int64_t *first_ms)
{
	const struct obs_track *t = obs_track_find(o, host, local, remote);

	*first_ms = t && t->tw_restarts ? t->tw_first_restart_ms : -1;
	return t ? t->tw_restarts : 0;
}

int64_t obs_keepalive_max_ms(const struct obs *o, int host, const char *local, const char *remote)
{
	const struct obs_track *t = obs_track_find(o, host, local, remote);

	return t ? t->ka_max_ms : -1;
}

int64_t obs_first_ms(const struct obs *o)
{
	return o->first_ms;
}

int64_t obs_last_ms(const struct obs *o)
{
	return o->last_ms;
}
