/* model.c - the timing model's names, parameters and kernels, and the
 * arithmetic every rule shares (tcp_model_timeout, timer-wheel lateness);
 * the rules themselves are in model_rules.c. See model.h.
 */
#include "model/model.h"
#include "model/model_priv.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/secs.h"

static const struct model_scenario_def {
	const char *name, *what;
	int (*rule)(const struct model_params *p, struct model_pred *out);
} scenarios[] = {
	[MODEL_DATA_TIMEOUT] = { "data-timeout",
				 "unacknowledged data, the peer silent (no ACK, no RST): "
				 "tcp_retries2, or TCP_USER_TIMEOUT",
				 model_rule_data },
	[MODEL_ZERO_WINDOW] = { "zero-window",
				"the peer alive but not reading (zero window): window probes "
				"until TCP_USER_TIMEOUT",
				model_rule_zero_window },
	[MODEL_SYN_TIMEOUT] = { "syn-timeout",
				"connect() unanswered: tcp_syn_retries or TCP_SYNCNT, "
				"tcp_syn_linear_timeouts",
				model_rule_syn },
	[MODEL_SYNACK_TIMEOUT] = { "synack-timeout",
				   "the server's half-open request (SYN-RECV) unanswered: "
				   "tcp_synack_retries",
				   model_rule_synack },
	[MODEL_KEEPALIVE] = { "keepalive",
			      "an idle connection with SO_KEEPALIVE, the peer silent: idle + "
			      "count x interval",
			      model_rule_keepalive },
	[MODEL_FIN_WAIT2] = { "fin-wait2",
			      "close()d, the peer never closes: the orphan's FIN_WAIT2 ends after "
			      "TCP_LINGER2 or tcp_fin_timeout",
			      model_rule_fin_wait2 },
	[MODEL_ORPHAN_FIN] = { "orphan-fin",
			       "close()d, the FIN unanswered (FIN_WAIT1 or LAST_ACK): "
			       "tcp_orphan_retries",
			       model_rule_orphan },
	[MODEL_TIME_WAIT] = { "time-wait", "TIME_WAIT: a fixed 60 s (not tcp_fin_timeout)",
			      model_rule_time_wait },
};

_Static_assert(MODEL_ARRAY_SIZE(scenarios) == MODEL_SCENARIO_COUNT, "a scenario without a rule");

static const char *const origin_names[] = {
	[MODEL_ORIGIN_FIRST_RETRANS] = "the first RTO retransmission",
	[MODEL_ORIGIN_FIRST_PROBE] = "the first zero-window probe",
	[MODEL_ORIGIN_CONNECT] = "connect() (the first SYN)",
	[MODEL_ORIGIN_LAST_RECV] = "the last packet received from the peer",
	[MODEL_ORIGIN_FIN_WAIT2] = "entering FIN_WAIT2 (the ACK of our FIN)",
	[MODEL_ORIGIN_TIME_WAIT] = "entering TIME_WAIT",
};

_Static_assert(MODEL_ARRAY_SIZE(origin_names) == MODEL_ORIGIN_COUNT, "an origin without a name");

/* Limits: what the kernel accepts (sysctl min/max, setsockopt limits), or,
 * where it accepts any int, what keeps the firing walk finite. since_*: the
 * first kernel that has the knob (0: all 6.x). */
static const struct model_knob_def {
	const char *name;
	enum model_knob_kind kind;
	long long def, min, max;
	int since_major, since_minor;
} knobs[] = {
	[MODEL_RETRIES2] = { "net.ipv4.tcp_retries2", MODEL_KNOB_SYSCTL, 15, 0, 255, 0, 0 },
	[MODEL_SYN_RETRIES] = { "net.ipv4.tcp_syn_retries", MODEL_KNOB_SYSCTL, 6, 1, 127, 0, 0 },
	[MODEL_SYNACK_RETRIES] = { "net.ipv4.tcp_synack_retries", MODEL_KNOB_SYSCTL, 5, 0, 255, 0,
				   0 },
	[MODEL_ORPHAN_RETRIES] = { "net.ipv4.tcp_orphan_retries", MODEL_KNOB_SYSCTL, 0, 0, 255, 0,
				   0 },
	[MODEL_FIN_TIMEOUT] = { "net.ipv4.tcp_fin_timeout", MODEL_KNOB_SYSCTL, 60, 0, 2147483, 0,
				0 },
	[MODEL_KEEPALIVE_TIME] = { "net.ipv4.tcp_keepalive_time", MODEL_KNOB_SYSCTL, 7200, 1,
				   2147483, 0, 0 },
	[MODEL_KEEPALIVE_INTVL] = { "net.ipv4.tcp_keepalive_intvl", MODEL_KNOB_SYSCTL, 75, 1,
				    2147483, 0, 0 },
	[MODEL_KEEPALIVE_PROBES] = { "net.ipv4.tcp_keepalive_probes", MODEL_KNOB_SYSCTL, 9, 1, 255,
				     0, 0 },
	[MODEL_SYN_LINEAR_TIMEOUTS] = { "net.ipv4.tcp_syn_linear_timeouts", MODEL_KNOB_SYSCTL, 4, 0,
					127, 6, 5 },
	[MODEL_RTO_MAX_MS] = { "net.ipv4.tcp_rto_max_ms", MODEL_KNOB_SYSCTL, 120000, 1000, 120000,
			       6, 15 },
	[MODEL_SACK] = { "net.ipv4.tcp_sack", MODEL_KNOB_SYSCTL, 1, 0, 1, 0, 0 },
	[MODEL_NEIGH_BASE_REACHABLE_MS] = { "net.ipv4.neigh.*.base_reachable_time_ms",
					    MODEL_KNOB_SYSCTL, 30000, 1, 2147483, 0, 0 },
	[MODEL_NEIGH_DELAY_PROBE_S] = { "net.ipv4.neigh.*.delay_first_probe_time",
					MODEL_KNOB_SYSCTL, 5, 0, 2147483, 0, 0 },
	[MODEL_NEIGH_UCAST_SOLICIT] = { "net.ipv4.neigh.*.ucast_solicit", MODEL_KNOB_SYSCTL, 3, 0,
					255, 0, 0 },
	[MODEL_NEIGH_MCAST_SOLICIT] = { "net.ipv4.neigh.*.mcast_solicit", MODEL_KNOB_SYSCTL, 3, 0,
					255, 0, 0 },
	[MODEL_NEIGH_RETRANS_MS] = { "net.ipv4.neigh.*.retrans_time_ms", MODEL_KNOB_SYSCTL, 1000, 1,
				     2147483, 0, 0 },
	[MODEL_SO_KEEPALIVE] = { "SO_KEEPALIVE", MODEL_KNOB_SOCKOPT, 0, 0, 1, 0, 0 },
	[MODEL_TCP_KEEPIDLE] = { "TCP_KEEPIDLE", MODEL_KNOB_SOCKOPT, 0, 1, 32767, 0, 0 },
	[MODEL_TCP_KEEPINTVL] = { "TCP_KEEPINTVL", MODEL_KNOB_SOCKOPT, 0, 1, 32767, 0, 0 },
	[MODEL_TCP_KEEPCNT] = { "TCP_KEEPCNT", MODEL_KNOB_SOCKOPT, 0, 1, 127, 0, 0 },
	[MODEL_TCP_USER_TIMEOUT] = { "TCP_USER_TIMEOUT", MODEL_KNOB_SOCKOPT, 0, 0, INT_MAX, 0, 0 },
	[MODEL_TCP_SYNCNT] = { "TCP_SYNCNT", MODEL_KNOB_SOCKOPT, 0, 1, 127, 0, 0 },
	[MODEL_TCP_LINGER2] = { "TCP_LINGER2", MODEL_KNOB_SOCKOPT, 0, INT_MIN, 120, 0, 0 },
	[MODEL_TCP_RTO_MAX_MS] = { "TCP_RTO_MAX_MS", MODEL_KNOB_SOCKOPT, 0, 1000, 120000, 6, 15 },
	/* default: model_params_init() sets model_rto_near_zero_ms(hz) */
	[MODEL_RTO_MS] = { "rto_ms", MODEL_KNOB_PATH, MODEL_RTO_MIN_MS, 1, 120000, 0, 0 },
	[MODEL_HZ] = { "hz", MODEL_KNOB_PATH, 250, 100, 1000, 0, 0 },
	[MODEL_ARP] = { "arp", MODEL_KNOB_PATH, MODEL_ARP_ANSWERED, 0, MODEL_ARP_COUNT - 1, 0, 0 },
};

_Static_assert(MODEL_ARRAY_SIZE(knobs) == MODEL_KNOB_COUNT, "a knob without a definition");

const char *model_scenario_name(enum model_scenario s)
{
	return (unsigned int)s < MODEL_SCENARIO_COUNT ? scenarios[s].name : "?";
}

const char *model_scenario_what(enum model_scenario s)
{
	return (unsigned int)s < MODEL_SCENARIO_COUNT ? scenarios[s].what : "?";
}

int model_scenario_parse(const char *name)
{
	for (int i = 0; i < MODEL_SCENARIO_COUNT; i++)
		if (!strcmp(scenarios[i].name, name))
			return i;
	return -1;
}

void model_scenario_list(char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (int i = 0; i < MODEL_SCENARIO_COUNT && len < size; i++) {
		const char *sep = !i ? "" : i == MODEL_SCENARIO_COUNT - 1 ? " or " : ", ";
		int w = snprintf(buf + len, size - len, "%s%s", sep, scenarios[i].name);

		if (w < 0)
			break;
		len += (size_t)w;
	}
}

const char *model_origin_name(enum model_origin o)
{
	return (unsigned int)o < MODEL_ORIGIN_COUNT ? origin_names[o] : "?";
}

const char *model_knob_name(enum model_knob k)
{
	return (unsigned int)k < MODEL_KNOB_COUNT ? knobs[k].name : "?";
}

enum model_knob_kind model_knob_kind(enum model_knob k)
{
	return (unsigned int)k < MODEL_KNOB_COUNT ? knobs[k].kind : MODEL_KNOB_PATH;
}

/* "net.ipv4.neigh.*.retrans_time_ms" matches "net.ipv4.neigh.eth0.retrans_time_ms"
 * and "neigh.default.retrans_time_ms"; "net.ipv4.tcp_retries2" matches "tcp_retries2". */
static bool knob_matches(const char *pattern, const char *name)
{
	const char *star = strchr(pattern, '*');
	const char *short_pat = !strncmp(pattern, "net.ipv4.", 9) ? pattern + 9 : pattern;
	size_t pre, post, n = strlen(name);

	if (!star)
		return !strcmp(pattern, name) || !strcmp(short_pat, name);
	if (!strncmp(name, "net.ipv4.", 9) && strncmp(short_pat, "net.ipv4.", 9))
		name += 9, n -= 9;
	pre = (size_t)(star - short_pat);
	post = strlen(star + 1);
	return n > pre + post && !strncmp(name, short_pat, pre) &&
	       !strcmp(name + n - post, star + 1) && !memchr(name + pre, '/', n - pre - post) &&
	       memchr(name + pre, '.', n - pre - post) == NULL;
}

int model_knob_parse(const char *name)
{
	for (int k = 0; k < MODEL_KNOB_COUNT; k++)
		if (knob_matches(knobs[k].name, name))
			return k;
	return -1;
}

void model_knob_list(enum model_knob_kind kind, char *buf, size_t size)
{
	size_t len = 0;
	bool first = true;

	buf[0] = '\0';
	for (int k = 0; k < MODEL_KNOB_COUNT && len < size; k++) {
		int w;

		if (knobs[k].kind != kind)
			continue;
		w = snprintf(buf + len, size - len, "%s%s", first ? "" : ", ", knobs[k].name);
		if (w < 0)
			break;
		len += (size_t)w;
		first = false;
	}
}

int model_kernel_from_release(const char *release, struct model_kernel *k)
{
	char *end;
	long major, minor;

	memset(k, 0, sizeof(*k));
	major = strtol(release, &end, 10);
	if (end == release || *end != '.')
		return -EINVAL;
	release = end + 1;
	minor = strtol(release, &end, 10);
	if (end == release || major < 0 || major > 1000 || minor < 0 || minor > 1000)
		return -EINVAL;
	k->major = (int)major;
	k->minor = (int)minor;
	k->has_syn_linear_timeouts = major > 6 || (major == 6 && minor >= 5);
	k->has_rto_max = major > 6 || (major == 6 && minor >= 15);
	return 0;
}

void model_params_init(struct model_params *p, const struct model_kernel *k)
{
	memset(p, 0, sizeof(*p));
	for (int i = 0; i < MODEL_KNOB_COUNT; i++)
		p->v[i] = knobs[i].def;
	p->absent[MODEL_SYN_LINEAR_TIMEOUTS] = !k->has_syn_linear_timeouts;
	p->absent[MODEL_RTO_MAX_MS] = !k->has_rto_max;
	p->absent[MODEL_TCP_RTO_MAX_MS] = !k->has_rto_max;
	/* Without the sysctl, the kernel behaves as if it were 0 / 120 s. */
	if (p->absent[MODEL_SYN_LINEAR_TIMEOUTS])
		p->v[MODEL_SYN_LINEAR_TIMEOUTS] = 0;
	p->v[MODEL_RTO_MS] = model_rto_near_zero_ms((int)p->v[MODEL_HZ]);
}

long long model_rto_near_zero_ms(int hz)
{
	/* tcp_rtt_estimator() keeps rttvar >= tcp_rto_min; usecs_to_jiffies()
	 * rounds srtt/8 + rttvar up: a few us above 200 ms is one jiffy more. */
	long long j = (long long)MODEL_RTO_MIN_MS * hz / 1000 + 1;

	return j * 1000 / hz;
}

int model_param_set(struct model_params *p, enum model_knob k, long long value, char *msg,
		    size_t msg_size)
{
	const struct model_knob_def *d;

	if ((unsigned int)k >= MODEL_KNOB_COUNT) {
		snprintf(msg, msg_size, "unknown parameter");
		return -EINVAL;
	}
	d = &knobs[k];
	if (p->absent[k]) {
		snprintf(msg, msg_size,
			 "%s does not exist on this kernel (it came with Linux %d.%d)", d->name,
			 d->since_major, d->since_minor);
		return -ENOENT;
	}
	if (value < d->min || value > d->max) {
		snprintf(msg, msg_size, "%s=%lld is out of range: %lld..%lld", d->name, value,
			 d->min, d->max);
		return -ERANGE;
	}
	p->v[k] = value;
	p->set[k] = true;
	return 0;
}

long long model_eff(const struct model_params *p, enum model_knob sockopt, enum model_knob sysctl)
{
	return p->set[sockopt] && !p->absent[sockopt] ? p->v[sockopt] : p->v[sysctl];
}

int64_t model_rto_max_ms(const struct model_params *p)
{
	if (p->set[MODEL_TCP_RTO_MAX_MS] && !p->absent[MODEL_TCP_RTO_MAX_MS])
		return p->v[MODEL_TCP_RTO_MAX_MS];
	if (!p->absent[MODEL_RTO_MAX_MS])
		return p->v[MODEL_RTO_MAX_MS];
	return MODEL_RTO_MAX_DEFAULT_MS;
}

int64_t model_ms_to_j(int64_t ms, int hz)
{
	return (ms * hz + 999) / 1000;
}

int64_t model_j_to_us(int64_t j, int hz)
{
	return j * 1000000 / hz;
}

/* tcp_model_timeout() (net/ipv4/tcp_timer.c), in jiffies as the kernel does. */
int64_t model_timeout_ms(int boundary, int64_t rto_base_ms, int64_t rto_max_ms, int hz)
{
	int64_t base = model_ms_to_j(rto_base_ms, hz), max = model_ms_to_j(rto_max_ms, hz);
	int64_t ratio = max / base, thresh = 0, timeout;

	while (ratio > 1) { /* ilog2() */
		ratio >>= 1;
		thresh++;
	}
	if (boundary <= thresh)
		timeout = ((2LL << boundary) - 1) * base;
	else
		timeout = ((2LL << thresh) - 1) * base + (boundary - thresh) * max;
	return timeout * 1000 / hz;
}

/* The timer wheel (kernel/time/timer.c): level n holds delays from
 * 63 << 3(n-1) jiffies up, rounded up to 8^n jiffies; level 0 is exact. */
int64_t model_timer_slack_us(int64_t delay_us, int hz)
{
	int64_t j = (delay_us * hz + 999999) / 1000000, gran = 1, start = 63;

	while (j >= start && gran < (1LL << 30)) {
		gran <<= 3;
		start <<= 3;
	}
	return model_j_to_us(gran + (gran > 1 ? 1 : 0), hz);
}

void model_say(struct model_pred *pred, const char *fmt, ...)
{
	size_t used = strlen(pred->rule);
	va_list ap;

	if (used >= sizeof(pred->rule) - 1)
		return;
	va_start(ap, fmt);
	vsnprintf(pred->rule + used, sizeof(pred->rule) - used, fmt, ap);
	va_end(ap);
}

const char *model_fmt_s(char *buf, size_t size, int64_t us)
{
	/* A prediction is rounded to the nearest millisecond, as value_ms is. */
	int64_t ms = (us + (us >= 0 ? 500 : -500)) / 1000;
	char s[SECS_LEN];

	snprintf(buf, size, "%s s", secs_fmt(s, sizeof(s), ms, 3));
	return buf;
}

int model_predict(enum model_scenario s, const struct model_params *p, struct model_pred *out)
{
	memset(out, 0, sizeof(*out));
	if ((unsigned int)s >= MODEL_SCENARIO_COUNT)
		return -EINVAL;
	out->scenario = s;
	return scenarios[s].rule(p, out);
}

bool model_knob_since(enum model_knob k, int *major, int *minor)
{
	if ((unsigned int)k >= MODEL_KNOB_COUNT || !knobs[k].since_major)
		return false;
	*major = knobs[k].since_major;
	*minor = knobs[k].since_minor;
	return true;
}
