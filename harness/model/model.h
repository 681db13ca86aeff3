/* model.h - the timing model: when, and with which errno, the kernel gives up
 * on a connection, from the effective parameters alone.
 *
 * Takes: a scenario (which timer ends the connection) and the effective
 * parameters (per-namespace sysctls, socket options, the path's first RTO, the
 * kernel's HZ, which knobs this kernel has). Gives: a prediction: the time of
 * the abort counted from a stated clock origin, a band (earliest, latest), the
 * errno the application sees, the rule applied in words. Pure: no I/O, no
 * clock; every rule is checked against KERNEL-FACTS.md in tests/unit/test_model.c.
 *
 * The abort happens at a timer firing, not at the budget itself: the model
 * walks the firing schedule (first delay, backoff, caps, clamps) and adds the
 * lateness of the kernel's timer wheel, which rounds every timer up to the
 * granularity of its level: 1 jiffy under 63 jiffies, then x8 per level
 * (kernel/time/timer.c, calc_index()). At HZ=250 a 120 s timer may fire up
 * to 2.048 s late, a 2 h keepalive timer up to 131 s late. When only that
 * lateness decides between two firings, the prediction names both and the
 * lateness that picks each (model_pred.either).
 *
 * Unacknowledged data (data-timeout, orphan-fin): the clock starts at the
 * first RTO retransmission, tcp_retransmit_skb() setting retrans_stamp. With
 * SACK (the default) a lone segment's tail loss probe leaves one PTO (~rto)
 * after the send; it goes through __tcp_retransmit_skb() and does NOT set
 * retrans_stamp; the first RTO retransmission follows one rto (+1 jiffy)
 * after the TLP, ~2 rto after the send; without SACK there is no TLP and it
 * comes one rto after the send. From the origin the timer fires after
 * 2 rto, 4 rto, ... (rto doubled by that first retransmission), capped at
 * rto_max. Measured (6.18, HZ 250, rto 204 ms, docs/MODEL.md): TCP_USER_TIMEOUT
 * 3000 ends the connection 3.004 s after the first RTO retransmission (3.212 s
 * after the TLP); tcp_retries2=4 at its 5th firing, 6.22..6.45 s after it.
 *
 * The path's RTO defaults to what the kernel gives a near-zero RTT:
 * usecs_to_jiffies(srtt/8 + rttvar) with rttvar >= tcp_rto_min (200 ms), one
 * jiffy above 200 ms (model_rto_near_zero_ms()); 200 ms exactly would put
 * every retries2 budget on a knife edge.
 */
#ifndef MODEL_H
#define MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Which timer ends the connection; names in model.c ("data-timeout", ...). */
enum model_scenario {
	MODEL_DATA_TIMEOUT, /* unacknowledged data, the peer silent: retries2 or TCP_USER_TIMEOUT */
	MODEL_ZERO_WINDOW, /* the peer alive but not reading: window probes; only TCP_USER_TIMEOUT ends it */
	MODEL_SYN_TIMEOUT, /* connect() unanswered: tcp_syn_retries / TCP_SYNCNT */
	MODEL_SYNACK_TIMEOUT, /* the server's SYN-RECV request: tcp_synack_retries */
	MODEL_KEEPALIVE, /* idle connection, the peer silent: idle + count x interval */
	MODEL_FIN_WAIT2, /* orphan in FIN_WAIT2: TCP_LINGER2 or tcp_fin_timeout */
	MODEL_ORPHAN_FIN, /* orphan in FIN_WAIT1/LAST_ACK, its FIN unanswered: tcp_orphan_retries */
	MODEL_TIME_WAIT, /* TIME_WAIT: fixed 60 s */
	MODEL_SCENARIO_COUNT
};

/* What a prediction's clock counts from: an event the runner records. */
enum model_origin {
	MODEL_ORIGIN_FIRST_RETRANS, /* the first RTO retransmission (tcp retrans_stamp) */
	MODEL_ORIGIN_FIRST_PROBE, /* the first zero-window probe (icsk_probes_tstamp) */
	MODEL_ORIGIN_CONNECT, /* connect(): the first SYN (retrans_stamp of a SYN_SENT socket) */
	MODEL_ORIGIN_LAST_RECV, /* the last packet received from the peer */
	MODEL_ORIGIN_FIN_WAIT2, /* entering FIN_WAIT2: the ACK of our FIN, one RTT after close() */
	MODEL_ORIGIN_TIME_WAIT, /* entering TIME_WAIT */
	MODEL_ORIGIN_COUNT
};

/* The parameters. Sysctls always hold the effective value; a socket option
 * that is not set (set[] false) falls back to its sysctl. */
enum model_knob {
	MODEL_RETRIES2,
	MODEL_SYN_RETRIES,
	MODEL_SYNACK_RETRIES,
	MODEL_ORPHAN_RETRIES,
	MODEL_FIN_TIMEOUT,
	MODEL_KEEPALIVE_TIME,
	MODEL_KEEPALIVE_INTVL,
	MODEL_KEEPALIVE_PROBES,
	MODEL_SYN_LINEAR_TIMEOUTS, /* Linux 6.5+ */
	MODEL_RTO_MAX_MS, /* Linux 6.15+ */
	MODEL_SACK, /* net.ipv4.tcp_sack: a tail loss probe before the first RTO */
	MODEL_NEIGH_BASE_REACHABLE_MS, /* net.ipv4.neigh.<dev>.*: who wins, ETIMEDOUT or EHOSTUNREACH */
	MODEL_NEIGH_DELAY_PROBE_S,
	MODEL_NEIGH_UCAST_SOLICIT,
	MODEL_NEIGH_MCAST_SOLICIT,
	MODEL_NEIGH_RETRANS_MS,
	MODEL_SO_KEEPALIVE, /* socket options */
	MODEL_TCP_KEEPIDLE,
	MODEL_TCP_KEEPINTVL,
	MODEL_TCP_KEEPCNT,
	MODEL_TCP_USER_TIMEOUT,
	MODEL_TCP_SYNCNT,
	MODEL_TCP_LINGER2,
	MODEL_TCP_RTO_MAX_MS, /* Linux 6.15+ */
	MODEL_RTO_MS, /* the path: the connection's RTO when the trouble starts (tcpi_rto) */
	MODEL_HZ, /* the kernel's tick */
	MODEL_ARP, /* the peer's neighbour entry: enum model_arp */
	MODEL_KNOB_COUNT
};

enum model_knob_kind { MODEL_KNOB_SYSCTL, MODEL_KNOB_SOCKOPT, MODEL_KNOB_PATH };

/* Does anyone answer ARP for the peer's address (KERNEL-FACTS.md, Neighbour)? */
enum model_arp {
	MODEL_ARP_ANSWERED, /* the peer's host (or a router) is alive: no ICMP, ETIMEDOUT */
	MODEL_ARP_UNANSWERED, /* a dead host on the same L2: the entry expires, then fails */
	MODEL_ARP_FLUSHED, /* no entry (new peer, or the link went down): fails after the solicits */
	MODEL_ARP_COUNT
};

/* The kernel the parameters belong to: which knobs exist. */
struct model_kernel {
	int major, minor;
	bool has_syn_linear_timeouts; /* 6.5+ */
	bool has_rto_max; /* 6.15+: tcp_rto_max_ms, TCP_RTO_MAX_MS */
};

struct model_params {
	long long v[MODEL_KNOB_COUNT];
	bool set[MODEL_KNOB_COUNT]; /* given explicitly (socket options: set on the socket) */
	bool absent[MODEL_KNOB_COUNT]; /* this kernel has no such knob */
};

#define MODEL_RULE_MAX 1600

struct model_pred {
	enum model_scenario scenario;
	enum model_origin origin;
	bool never; /* no timer ends the connection: value and band are meaningless */
	bool uncertain; /* the firing before or after the predicted one is possible too */
	int64_t value_ms; /* the abort, from the origin */
	int64_t lo_ms, hi_ms; /* the band, from the origin, observation allowance included */
	int64_t budget_ms; /* the kernel's limit, before the firing walk (0: a count limit) */
	int firing; /* which timer firing ends it (1-based) */
	int errnum; /* what the application sees (0: nothing, the socket had no application) */
	bool errno_uncertain; /* ETIMEDOUT or EHOSTUNREACH, depending on the neighbour's timers */
	/* uncertain: the other firing that may end it (0: none), its value from
	 * the origin, and both with the condition that picks each, in words. */
	int alt_firing;
	int64_t alt_value_ms;
	char either[300];
	/* data-timeout: the origin's distance from a lone segment's send (TLP
	 * and one rto with SACK, one rto without), as an upper bound; 0: n/a. */
	int64_t origin_after_send_ms;
	char rule[MODEL_RULE_MAX]; /* the rule applied, in words, with the numbers */
};

/*
 * Observation allowance added to every band: the runner sees the clock
 * origin by sampling (every 10 ms) and the abort when poll() wakes the peer;
 * the peer's report and the runner's reading add a few ms more under load.
 * The origin may be seen late, so the observed interval may be short by up
 * to MODEL_OBS_EARLY_MS: M 87 ms with four busy cases on two cores (the
 * observer's sample that first showed a retransmission came that long after
 * it left, host-crash/send-user-timeout).
 */
#define MODEL_OBS_EARLY_MS 100 /* origins the observer samples (a retransmission, a state) */
#define MODEL_OBS_EARLY_PEER_MS 30 /* origins a peer reports itself (connect(), a recv) */
#define MODEL_OBS_LATE_MS 80

/** model_scenario_name() - "data-timeout", ...; "?" out of range. */
const char *model_scenario_name(enum model_scenario s);

/** model_scenario_what() - one line: what the scenario is. */
const char *model_scenario_what(enum model_scenario s);

/** model_scenario_parse() - "data-timeout" -> MODEL_DATA_TIMEOUT; -1 if unknown. */
int model_scenario_parse(const char *name);

/** model_scenario_list() - "data-timeout, zero-window, ... or time-wait" into @buf. */
void model_scenario_list(char *buf, size_t size);

/** model_origin_name() - "first retransmission", ...; "?" out of range. */
const char *model_origin_name(enum model_origin o);

/** model_knob_name() - "net.ipv4.tcp_retries2", "TCP_USER_TIMEOUT", "rto_ms", ... */
const char *model_knob_name(enum model_knob k);

/**
 * model_knob_since() - the first Linux release that has knob @k, into
 * @major and @minor. Return: false when every 6.x kernel has it.
 */
bool model_knob_since(enum model_knob k, int *major, int *minor);

/** model_knob_kind() - sysctl, socket option or path parameter. */
enum model_knob_kind model_knob_kind(enum model_knob k);

/**
 * model_knob_parse() - a knob from its name: "net.ipv4.tcp_retries2" or
 * "tcp_retries2", "TCP_USER_TIMEOUT", "net.ipv4.neigh.eth0.retrans_time_ms"
 * (any device, or "default"), "rto_ms", "hz", "arp".
 * Return: the knob, or -1.
 */
int model_knob_parse(const char *name);

/** model_knob_list() - the names of one kind, comma-separated, into @buf. */
void model_knob_list(enum model_knob_kind kind, char *buf, size_t size);

/**
 * model_kernel_from_release() - the knobs a kernel has, from its release
 * string ("6.18.44-fc-v445", "6.1.0-18-amd64"): tcp_syn_linear_timeouts from
 * 6.5, tcp_rto_max_ms and TCP_RTO_MAX_MS from 6.15.
 * Return: 0, or -EINVAL if @release does not start with MAJOR.MINOR.
 */
int model_kernel_from_release(const char *release, struct model_kernel *k);

/**
 * model_params_init() - the compiled defaults of a fresh namespace of @k:
 * tcp_retries2 15, tcp_syn_retries 6, tcp_synack_retries 5,
 * tcp_orphan_retries 0, tcp_fin_timeout 60, keepalive 7200/75/9,
 * tcp_syn_linear_timeouts 4, tcp_rto_max_ms 120000, the neighbour defaults,
 * tcp_sack 1, no socket option set, HZ 250, rto model_rto_near_zero_ms(250)
 * = 204 ms, ARP answered. Knobs @k lacks are marked absent.
 */
void model_params_init(struct model_params *p, const struct model_kernel *k);

/**
 * model_rto_near_zero_ms() - the RTO a connection with an RTT near 0 gets at
 * @hz: usecs_to_jiffies(srtt/8 + rttvar), rttvar at least tcp_rto_min
 * (200 ms), is the first jiffy above 200 ms: 204 ms at HZ 250, 201 at 1000,
 * 210 at 100 (in whole ms, rounded down: model_ms_to_j() gives the jiffy back).
 */
long long model_rto_near_zero_ms(int hz);

/**
 * model_param_set() - set knob @k to @value, checked against the kernel's
 * limits and against the knob existing on this kernel.
 * Return: 0, or -EINVAL / -ERANGE / -ENOENT (absent) with a message in @msg.
 */
int model_param_set(struct model_params *p, enum model_knob k, long long value, char *msg,
		    size_t msg_size);

/**
 * model_predict() - predict @s with @p into @out.
 * Return: 0, or -EINVAL for a scenario out of range.
 */
int model_predict(enum model_scenario s, const struct model_params *p, struct model_pred *out);

/**
 * model_timeout_ms() - the kernel's tcp_model_timeout(): the time @boundary
 * retransmissions take with exponential backoff from @rto_base_ms, capped at
 * @rto_max_ms, in jiffies of @hz as the kernel computes it.
 */
int64_t model_timeout_ms(int boundary, int64_t rto_base_ms, int64_t rto_max_ms, int hz);

/**
 * model_timer_slack_us() - how late the timer wheel may fire a timer armed
 * @delay_us ahead at @hz: the granularity of its wheel level plus one jiffy.
 */
int64_t model_timer_slack_us(int64_t delay_us, int hz);

/* The timing model's band for one "within model" expectation (verdict/model_env.c):
 * where on the case clock the model puts the event, and why. */
struct model_band {
	bool ok; /* a prediction with a recorded origin; else why says what is missing */
	bool never; /* the model predicts that no timer ends the connection */
	bool uncertain; /* a neighbouring timer firing is possible too */
	int64_t origin_ms; /* case clock: when the model's clock started */
	int64_t value_ms, lo_ms, hi_ms; /* from the origin */
	int errnum; /* the errno the model predicts (0: none) */
	char scenario[24]; /* "data-timeout" */
	char origin[48]; /* "the first RTO retransmission" */
	char why[200];
	char rule[MODEL_RULE_MAX + 100]; /* the rule applied, with the effective parameters */
};

#endif
