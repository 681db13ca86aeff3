/* model_priv.h - internals of the timing model shared by model.c (names,
 * parameters, kernels) and model_rules.c (one rule per scenario, the firing
 * walk). Not for other modules: include model.h.
 */
#ifndef MODEL_PRIV_H
#define MODEL_PRIV_H

#include "model/model.h"

#define MODEL_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MODEL_MAX_FIRINGS 512 /* a walk longer than this is refused (retries2 = 300...) */

/* Kernel constants (include/net/tcp.h). */
#define MODEL_RTO_MIN_MS 200 /* TCP_RTO_MIN: the base of tcp_model_timeout() for data */
#define MODEL_TIMEOUT_INIT_MS 1000 /* TCP_TIMEOUT_INIT: the first SYN and SYN-ACK timeout */
#define MODEL_RTO_MAX_DEFAULT_MS 120000 /* TCP_RTO_MAX */
#define MODEL_TIMEWAIT_LEN_MS 60000 /* TCP_TIMEWAIT_LEN */
#define MODEL_ORPHAN_ALIVE_RETRIES 8 /* tcp_orphan_retries(): 0 means 8 while rto < rto_max */

/* The parameter a rule uses, socket option first, then its sysctl. */
long long model_eff(const struct model_params *p, enum model_knob sockopt, enum model_knob sysctl);

/* tcp_rto_max(sk): TCP_RTO_MAX_MS, else tcp_rto_max_ms, else 120 s. */
int64_t model_rto_max_ms(const struct model_params *p);

/* Jiffies of @ms at @hz, rounded up as msecs_to_jiffies() does; and back in us. */
int64_t model_ms_to_j(int64_t ms, int hz);
int64_t model_j_to_us(int64_t j, int hz);

/* Append printf text to @pred->rule. */
void model_say(struct model_pred *pred, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "12.648 s" */
const char *model_fmt_s(char *buf, size_t size, int64_t us);

/* model_rules.c: one rule per scenario; each fills @out (rule text included). */
int model_rule_data(const struct model_params *p, struct model_pred *out);
int model_rule_zero_window(const struct model_params *p, struct model_pred *out);
int model_rule_syn(const struct model_params *p, struct model_pred *out);
int model_rule_synack(const struct model_params *p, struct model_pred *out);
int model_rule_keepalive(const struct model_params *p, struct model_pred *out);
int model_rule_fin_wait2(const struct model_params *p, struct model_pred *out);
int model_rule_orphan(const struct model_params *p, struct model_pred *out);
int model_rule_time_wait(const struct model_params *p, struct model_pred *out);

/* ---- model_walk.c: the walk of timer firings the rules share ---- */

/* One firing of the walk, kept to come back to it (walk_settle()). */
struct walk_mark {
	bool set;
	int firing, n_fire, n_delays;
	int64_t t_j, last_j, slack_us, b_us;
	double var;
};

struct walk {
	int hz;
	int firing; /* the current firing, 1-based */
	int not_firing; /* 1 when the walk starts at an event that is no firing (the SYN) */
	int64_t t_j; /* its nominal time from the origin, jiffies */
	int64_t slack_us; /* how late it may come: the timers' lateness added up */
	double var; /* variance of that lateness (uniform per timer), us^2 */
	bool maybe_earlier; /* an earlier firing could have ended it, had its timers run late */
	int64_t last_j; /* the delay that led to the current firing */
	int64_t delays_j[6]; /* the first delays, for the rule text */
	int n_delays;
	int64_t fire_j[MODEL_MAX_FIRINGS]; /* every firing's time: packets sent (neighbour) */
	int n_fire;
	int64_t b_us; /* the budget at the current firing (walk_hits()) */
	/* pick: the first firing nominally short of the budget that its expected
	 * lateness carries past it; early: the last one only its maximum
	 * lateness could carry past. The walk goes on to the firing nominally
	 * past the budget, the alternative; walk_settle() comes back. */
	struct walk_mark pick, early;
	int alt_firing; /* after walk_settle(): the other possible firing, 0: none */
	int64_t alt_t_us;
	bool alt_later; /* the alternative comes after the predicted firing */
};

void walk_init(struct walk *w, int hz, int64_t t0_j, int64_t slack0_us);
int64_t walk_t_us(const struct walk *w);
int walk_next(struct walk *w, int64_t delay_j, bool absorbed);
bool walk_hits(struct walk *w, int64_t b_us);
bool walk_settle(struct walk *w, bool *uncertain);
void walk_say_delays(struct model_pred *out, const struct walk *w);
void walk_finish(struct model_pred *out, const struct walk *w, int64_t value_us);
void walk_neigh_errno(const struct model_params *p, const struct walk *w, struct model_pred *out,
		      int64_t lo_us, int64_t hi_us);
int walk_hz(const struct model_params *p);
int walk_retrans(const struct model_params *p, bool orphan, struct walk *w, struct model_pred *out,
		 int64_t *value_us);

#endif
