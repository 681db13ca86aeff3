/* model_rules.c - one rule per scenario (see model.h), each a walk of the
 * kernel's timer firings. Sources: net/ipv4/tcp_timer.c (tcp_write_timeout,
 * retransmits_timed_out, tcp_model_timeout, tcp_clamp_rto_to_user_timeout,
 * tcp_retransmit_timer, tcp_probe_timer, tcp_keepalive_timer,
 * tcp_orphan_retries), net/ipv4/inet_connection_sock.c (reqsk_timer_handler),
 * net/ipv4/tcp_input.c (FIN_WAIT1 -> FIN_WAIT2), include/net/tcp.h
 * (tcp_fin_time), and the measurements of KERNEL-FACTS.md.
 *
 *   origin   firing 1        firing 2              firing k: budget reached?
 *     |---------|----------------|--- ... ------------|
 *               <- rto x 2 ----->  each timer may fire up to one wheel
 *                                  granularity late (model_timer_slack_us)
 */
#include "model/model.h"
#include "model/model_priv.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/*
 * Where the clock starts, from a lone segment's send (model.h; M on a veth,
 * rto 204 ms: TLP 204..208 ms after the send, the first RTO retransmission
 * 208 ms after the TLP, 412..416 ms after the send; without SACK 205 ms).
 * The PTO of a lone segment is srtt/4 + tcp_rto_min, cut to the RTO's own
 * expiry (tcp_schedule_loss_probe()): ~rto for an RTT near 0. Each timer
 * fires on the jiffy after its expiry (level 0 of the wheel).
 */
static void data_origin(const struct model_params *p, struct model_pred *out)
{
	int hz = walk_hz(p);
	int64_t rto_j = model_ms_to_j(p->v[MODEL_RTO_MS], hz);
	char a[32];

	out->origin_after_send_ms = (p->v[MODEL_SACK] ? 2 * rto_j + 2 : rto_j + 1) * 1000 / hz;
	if (p->v[MODEL_SACK])
		model_say(out,
			  "The clock starts at the first RTO retransmission: with SACK "
			  "(tcp_sack=1) a lone segment's tail loss probe leaves ~1 rto after the "
			  "send and does not set retrans_stamp, the first RTO retransmission "
			  "follows 1 rto + 1 jiffy later, up to %s after the send. ",
			  model_fmt_s(a, sizeof(a), out->origin_after_send_ms * 1000));
	else
		model_say(out,
			  "The clock starts at the first RTO retransmission: without SACK "
			  "(tcp_sack=0) no tail loss probe, 1 rto + 1 jiffy after the send (%s). ",
			  model_fmt_s(a, sizeof(a), out->origin_after_send_ms * 1000));
}

int model_rule_data(const struct model_params *p, struct model_pred *out)
{
	int64_t ut = p->v[MODEL_TCP_USER_TIMEOUT], value;
	struct walk w;
	char a[32];

	out->origin = MODEL_ORIGIN_FIRST_RETRANS;
	if (walk_retrans(p, false, &w, out, &value))
		return -E2BIG;
	model_say(out,
		  "tcp_write_timeout(): given up at the first retransmission-timer firing "
		  "at least %s after the first RTO retransmission (retrans_stamp), ",
		  model_fmt_s(a, sizeof(a), out->budget_ms * 1000));
	if (ut)
		model_say(out,
			  "the budget being TCP_USER_TIMEOUT=%" PRId64 " ms (tcp_retries2 is "
			  "ignored; the timer is clamped to fire at it); ",
			  ut);
	else
		model_say(out,
			  "the budget being tcp_model_timeout(tcp_retries2=%lld, base 200 ms, "
			  "rto_max %" PRId64 " ms); ",
			  p->v[MODEL_RETRIES2], model_rto_max_ms(p));
	model_say(out, "rto %lld ms, doubled by each firing, capped at rto_max: from the origin ",
		  p->v[MODEL_RTO_MS]);
	walk_say_delays(out, &w);
	walk_finish(out, &w, value);
	walk_neigh_errno(p, &w, out, value, walk_t_us(&w) + w.slack_us);
	if (out->errnum == EHOSTUNREACH || out->errno_uncertain) {
		/* RFC 6069 (tcp_ld_RTO_revert()): each ICMP host-unreachable for the
		 * retransmitted segment undoes one backoff step and re-arms the timer
		 * from that segment's transmission: the firings shift, and the one
		 * that crosses the budget may come up to a reverted RTO (half the
		 * last delay) after the nominal one (M: 7.8 s for a 6.2 s budget). */
		int64_t extra = model_j_to_us(w.last_j / 2, w.hz);

		out->hi_ms += (extra + model_timer_slack_us(extra, w.hz) + 999) / 1000;
		model_say(out,
			  "Once the neighbour fails, each ICMP undoes one backoff step (RFC 6069): "
			  "the band reaches %s. ",
			  model_fmt_s(a, sizeof(a), out->hi_ms * 1000));
	}
	data_origin(p, out);
	model_say(out, "No RST is sent; the application gets the errno once, then EOF and EPIPE.");
	return 0;
}

int model_rule_orphan(const struct model_params *p, struct model_pred *out)
{
	int64_t value;
	struct walk w;
	char a[32];

	out->origin = MODEL_ORIGIN_FIRST_RETRANS;
	if (walk_retrans(p, true, &w, out, &value))
		return -E2BIG;
	model_say(out,
		  "tcp_write_timeout() for an orphan: tcp_orphan_retries=%lld (0 means 8 "
		  "while rto < rto_max, and 0 once it reaches it); given up at the first "
		  "firing at least %s after the FIN's first RTO retransmission; ",
		  p->v[MODEL_ORPHAN_RETRIES], model_fmt_s(a, sizeof(a), out->budget_ms * 1000));
	walk_say_delays(out, &w);
	walk_finish(out, &w, value);
	model_say(out, "The orphan dies silently (no RST); no application is left to see an "
		       "errno. The same rule holds in FIN_WAIT1, CLOSING and LAST_ACK.");
	return 0;
}

int model_rule_zero_window(const struct model_params *p, struct model_pred *out)
{
	int hz = walk_hz(p);
	int64_t ut = p->v[MODEL_TCP_USER_TIMEOUT], ut_j = model_ms_to_j(ut, hz);
	int64_t base = model_ms_to_j(
		p->v[MODEL_RTO_MS] > MODEL_RTO_MIN_MS ? p->v[MODEL_RTO_MS] : MODEL_RTO_MIN_MS, hz);
	int64_t max_j = model_ms_to_j(model_rto_max_ms(p), hz), when = base;
	struct walk w;

	out->origin = MODEL_ORIGIN_FIRST_PROBE;
	out->errnum = ETIMEDOUT;
	if (!ut) {
		out->never = true;
		model_say(out, "tcp_probe_timer(): the peer answers every window probe, and each "
			       "answer resets the probe count (RFC 1122 4.2.2.17): without "
			       "TCP_USER_TIMEOUT the connection stays open for ever (M: still "
			       "ESTABLISHED after 12 s).");
		return 0;
	}
	walk_init(&w, hz, 0, 0);
	for (;;) {
		int64_t delay;

		when = when * 2 < max_j ? when * 2 : max_j;
		delay = when < ut_j - w.t_j ? when : ut_j - w.t_j;
		if (delay < 2)
			delay = 2; /* TCP_TIMEOUT_MIN */
		if (walk_next(&w, delay, delay != when))
			return -E2BIG;
		if (walk_hits(&w, ut * 1000))
			break;
	}
	walk_settle(&w, &out->uncertain);
	out->budget_ms = ut;
	model_say(out,
		  "tcp_probe_timer(): TCP_USER_TIMEOUT=%" PRId64 " ms counted from the first "
		  "window probe (icsk_probes_tstamp, Linux 5.11+), the probe timer clamped to "
		  "fire at it; ",
		  ut);
	walk_say_delays(out, &w);
	walk_finish(out, &w, walk_t_us(&w) > ut * 1000 ? walk_t_us(&w) : ut * 1000);
	model_say(out, "errno ETIMEDOUT.");
	return 0;
}

/* SYN_SENT: retrans_stamp is the first SYN, so the clock is connect(). */
int model_rule_syn(const struct model_params *p, struct model_pred *out)
{
	int hz = walk_hz(p);
	long long r = model_eff(p, MODEL_TCP_SYNCNT, MODEL_SYN_RETRIES);
	long long l = p->absent[MODEL_SYN_LINEAR_TIMEOUTS] ? 0 : p->v[MODEL_SYN_LINEAR_TIMEOUTS];
	int64_t ut = p->v[MODEL_TCP_USER_TIMEOUT], ut_j = model_ms_to_j(ut, hz);
	int64_t max_j = model_ms_to_j(model_rto_max_ms(p), hz);
	int64_t rto = model_ms_to_j(MODEL_TIMEOUT_INIT_MS, hz), b_us, value;
	int64_t arp_us = p->v[MODEL_NEIGH_MCAST_SOLICIT] * p->v[MODEL_NEIGH_RETRANS_MS] * 1000;
	bool by_count = false;
	struct walk w;
	char a[32];

	out->origin = MODEL_ORIGIN_CONNECT;
	out->errnum = ETIMEDOUT;
	b_us = ut ? ut * 1000 :
		    model_timeout_ms((int)r, MODEL_TIMEOUT_INIT_MS, model_rto_max_ms(p), hz) * 1000;
	out->budget_ms = b_us / 1000;
	walk_init(&w, hz, 0, 0);
	w.not_firing = 1; /* the walk starts at the first SYN */
	if (walk_next(&w, rto, false))
		return -E2BIG;
	for (;;) {
		int64_t k = w.firing - 1, retrans = k - 1, delay;

		if (retrans >= r + l) {
			by_count = true;
			break;
		}
		if (retrans >= 1 && walk_hits(&w, b_us))
			break;
		if (k > l) /* total_rto > tcp_syn_linear_timeouts: back off */
			rto = rto * 2 < max_j ? rto * 2 : max_j;
		delay = rto;
		if (ut && delay >= ut_j - w.t_j)
			delay = ut_j - w.t_j > 0 ? ut_j - w.t_j : 1;
		if (walk_next(&w, delay, delay != rto))
			return -E2BIG;
	}
	if (walk_settle(&w, &out->uncertain))
		by_count = false; /* the time budget, at an earlier firing */
	value = by_count || walk_t_us(&w) > b_us ? walk_t_us(&w) : b_us;
	if (p->v[MODEL_ARP] != MODEL_ARP_ANSWERED && arp_us < value) {
		/* tcp_v4_err() in SYN_SENT: the ICMP is a hard error, connect() fails at once. */
		int64_t s = p->v[MODEL_NEIGH_MCAST_SOLICIT] *
			    model_timer_slack_us(p->v[MODEL_NEIGH_RETRANS_MS] * 1000, hz);

		out->errnum = EHOSTUNREACH;
		out->uncertain = false;
		out->firing = 0;
		out->value_ms = arp_us / 1000;
		out->lo_ms = arp_us / 1000 - MODEL_OBS_EARLY_PEER_MS;
		out->hi_ms = (arp_us + s) / 1000 + MODEL_OBS_LATE_MS;
		model_say(out,
			  "Nobody answers ARP: the neighbour entry fails after mcast_solicit=%lld "
			  "probes %lld ms apart, %s after the first SYN; the ICMP host-unreachable "
			  "is a hard error in SYN_SENT (tcp_v4_err): connect() fails with "
			  "EHOSTUNREACH then (M 3.05 s), before the SYN budget.",
			  p->v[MODEL_NEIGH_MCAST_SOLICIT], p->v[MODEL_NEIGH_RETRANS_MS],
			  model_fmt_s(a, sizeof(a), arp_us));
		return 0;
	}
	model_say(out,
		  "tcp_write_timeout() in SYN_SENT: R=%lld (%s), L=tcp_syn_linear_timeouts=%lld%s; "
		  "SYNs every 1 s for the first L retries, then doubling from 1 s; given up at the "
		  "first firing where retransmissions >= R+L=%lld or the time since the first SYN "
		  ">= %s (%s); ",
		  r, p->set[MODEL_TCP_SYNCNT] ? "TCP_SYNCNT" : "tcp_syn_retries", l,
		  p->absent[MODEL_SYN_LINEAR_TIMEOUTS] ? " (no such sysctl before 6.5)" : "", r + l,
		  model_fmt_s(a, sizeof(a), b_us),
		  ut ? "TCP_USER_TIMEOUT; the timer is clamped to fire at it" :
		       "tcp_model_timeout(R, base 1 s)");
	walk_say_delays(out, &w);
	model_say(out, "%s; ", by_count ? "the retransmission count ends it" : "the time ends it");
	walk_finish(out, &w, value);
	model_say(out, "errno ETIMEDOUT (an RST answer would be ECONNREFUSED).");
	return 0;
}

/* reqsk_timer_handler(): the request's timer, 1 s << num_timeout. */
int model_rule_synack(const struct model_params *p, struct model_pred *out)
{
	int hz = walk_hz(p);
	long long s = model_eff(p, MODEL_TCP_SYNCNT, MODEL_SYNACK_RETRIES);
	int64_t max_j = model_ms_to_j(model_rto_max_ms(p), hz);
	int64_t t1 = model_ms_to_j(MODEL_TIMEOUT_INIT_MS, hz);
	struct walk w;

	out->origin = MODEL_ORIGIN_CONNECT;
	out->errnum = 0;
	walk_init(&w, hz, 0, 0);
	w.not_firing = 1; /* the walk starts at the first SYN-ACK */
	for (int k = 0;; k++) { /* k = num_timeout before this firing */
		int64_t delay = (t1 << (k < 30 ? k : 30));

		if (walk_next(&w, delay < max_j ? delay : max_j, false))
			return -E2BIG;
		if (k + 1 > s)
			break;
	}
	model_say(out,
		  "reqsk_timer_handler(): the server's request (SYN-RECV) resends its "
		  "SYN-ACK at 1, 3, 7, 15 ... s and is dropped at the firing where "
		  "num_timeout >= %lld (%s, on the listener); ",
		  s, p->set[MODEL_TCP_SYNCNT] ? "TCP_SYNCNT" : "tcp_synack_retries");
	walk_say_delays(out, &w);
	walk_finish(out, &w, walk_t_us(&w));
	model_say(out, "The server application sees nothing (the request never reaches "
		       "accept()); the client sees its own syn-timeout. Counted from the SYN's "
		       "arrival, about connect(). Not modelled: each duplicate SYN from the client "
		       "sends an extra SYN-ACK and re-arms the timer (M synack_retries=2 with "
		       "duplicates: gone at 6.1 s).");
	return 0;
}

int model_rule_keepalive(const struct model_params *p, struct model_pred *out)
{
	int hz = walk_hz(p);
	long long idle = model_eff(p, MODEL_TCP_KEEPIDLE, MODEL_KEEPALIVE_TIME);
	long long intvl = model_eff(p, MODEL_TCP_KEEPINTVL, MODEL_KEEPALIVE_INTVL);
	long long cnt = model_eff(p, MODEL_TCP_KEEPCNT, MODEL_KEEPALIVE_PROBES);
	int64_t ut = p->v[MODEL_TCP_USER_TIMEOUT], idle_j = model_ms_to_j(idle * 1000, hz);
	int64_t intvl_j = model_ms_to_j(intvl * 1000, hz), value;
	struct walk w;
	char a[32];

	out->origin = MODEL_ORIGIN_LAST_RECV;
	out->errnum = ETIMEDOUT;
	if (p->set[MODEL_SO_KEEPALIVE] && !p->v[MODEL_SO_KEEPALIVE]) {
		out->never = true;
		model_say(out, "SO_KEEPALIVE is off: no keepalive timer; an idle connection to a "
			       "dead peer stays ESTABLISHED for ever.");
		return 0;
	}
	walk_init(&w, hz, idle_j, model_timer_slack_us(model_j_to_us(idle_j, hz), hz));
	for (;;) {
		long long probes_out = w.firing - 1;

		if (ut ? probes_out > 0 && walk_hits(&w, ut * 1000) : probes_out >= cnt)
			break;
		if (walk_next(&w, intvl_j, false))
			return -E2BIG;
	}
	walk_settle(&w, &out->uncertain);
	out->budget_ms = ut ? ut : (idle + cnt * intvl) * 1000;
	value = walk_t_us(&w) > out->budget_ms * 1000 ? walk_t_us(&w) : out->budget_ms * 1000;
	model_say(out,
		  "tcp_keepalive_timer(): the first probe after %lld s idle (%s), then one "
		  "every %lld s (%s); ",
		  idle, p->set[MODEL_TCP_KEEPIDLE] ? "TCP_KEEPIDLE" : "tcp_keepalive_time", intvl,
		  p->set[MODEL_TCP_KEEPINTVL] ? "TCP_KEEPINTVL" : "tcp_keepalive_intvl");
	if (ut)
		model_say(out,
			  "with TCP_USER_TIMEOUT=%" PRId64 " ms the count is ignored: given up "
			  "at the first firing at least %s idle with a probe out; ",
			  ut, model_fmt_s(a, sizeof(a), ut * 1000));
	else
		model_say(out,
			  "given up when %lld probes (%s) are unanswered: idle + count x "
			  "interval = %s; ",
			  cnt, p->set[MODEL_TCP_KEEPCNT] ? "TCP_KEEPCNT" : "tcp_keepalive_probes",
			  model_fmt_s(a, sizeof(a), (idle + cnt * intvl) * 1000000));
	walk_finish(out, &w, value);
	walk_neigh_errno(p, &w, out, value, walk_t_us(&w) + w.slack_us);
	model_say(out, "The abort sends an RST. Counted from the last packet received; keepalive "
		       "is inactive while data is unacknowledged (then data-timeout applies).");
	return 0;
}

/* tcp_fin_time(): TCP_LINGER2 or tcp_fin_timeout, at least 3.5 x rto. */
int model_rule_fin_wait2(const struct model_params *p, struct model_pred *out)
{
	int hz = walk_hz(p);
	long long linger2 = p->set[MODEL_TCP_LINGER2] ? p->v[MODEL_TCP_LINGER2] : 0;
	int64_t rto = model_ms_to_j(p->v[MODEL_RTO_MS], hz), floor_j = (rto << 2) - (rto >> 1);
	int64_t tmo = model_ms_to_j((linger2 > 0 ? linger2 : p->v[MODEL_FIN_TIMEOUT]) * 1000, hz);
	int64_t tw = model_ms_to_j(MODEL_TIMEWAIT_LEN_MS, hz);
	struct walk w;
	char a[32];

	out->origin = MODEL_ORIGIN_FIN_WAIT2;
	out->errnum = 0;
	if (linger2 < 0) {
		out->value_ms = 0;
		out->hi_ms = MODEL_OBS_LATE_MS;
		model_say(out, "TCP_LINGER2 < 0: no FIN_WAIT2 at all; the orphan is closed with an "
			       "RST as soon as its FIN is acknowledged.");
		return 0;
	}
	if (tmo < floor_j)
		tmo = floor_j;
	out->budget_ms = tmo * 1000 / hz;
	model_say(out,
		  "The orphan in FIN_WAIT2 lives tcp_fin_time() = max(%s=%lld s, 3.5 x rto) "
		  "= %s from the ACK of its FIN; ",
		  linger2 > 0 ? "TCP_LINGER2" : "tcp_fin_timeout",
		  linger2 > 0 ? linger2 : p->v[MODEL_FIN_TIMEOUT],
		  model_fmt_s(a, sizeof(a), model_j_to_us(tmo, hz)));
	walk_init(&w, hz, 0, 0);
	w.not_firing = 1; /* the walk starts at the ACK of the FIN */
	if (tmo > tw) {
		/* A keepalive timer for tmo - 60 s, then a timewait socket for tmo - 60 s
		 * again (tcp_rcv_state_process, tcp_keepalive_timer): not measured. */
		if (walk_next(&w, tmo - tw, false) || walk_next(&w, tmo - tw, false))
			return -E2BIG;
		model_say(out, "above 60 s the kernel waits tmo - 60 s on the full socket, then "
			       "tmo - 60 s again as a timewait socket: 2 x (tmo - 60 s) in all "
			       "(read from the source, not measured); ");
	} else {
		if (walk_next(&w, tmo, false))
			return -E2BIG;
		model_say(out, "one timewait socket in the FIN_WAIT2 substate; ");
	}
	walk_finish(out, &w, walk_t_us(&w));
	model_say(out, "No application is left to see an errno; the peer's later data draws an "
		       "RST (its send() then fails with EPIPE). After shutdown(SHUT_WR) without "
		       "close() there is no timer: FIN_WAIT2 lasts for ever.");
	return 0;
}

int model_rule_time_wait(const struct model_params *p, struct model_pred *out)
{
	struct walk w;

	out->origin = MODEL_ORIGIN_TIME_WAIT;
	out->errnum = 0;
	out->budget_ms = MODEL_TIMEWAIT_LEN_MS;
	walk_init(&w, walk_hz(p), 0, 0);
	w.not_firing = 1; /* the walk starts on entering TIME_WAIT */
	if (walk_next(&w, model_ms_to_j(MODEL_TIMEWAIT_LEN_MS, walk_hz(p)), false))
		return -E2BIG;
	model_say(out, "TCP_TIMEWAIT_LEN: TIME_WAIT lasts a fixed 60 s (M 62.1 s); "
		       "tcp_fin_timeout does not change it (it sets FIN_WAIT2), and each "
		       "retransmitted FIN from the peer restarts it; ");
	walk_finish(out, &w, walk_t_us(&w));
	model_say(out, "No errno: the application has closed.");
	return 0;
}
