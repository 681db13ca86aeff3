/* case_expect.c - "expect" lines: what a peer must have seen by the end of
 * the case (an errno, EOF, no error, a TCP state, a byte count).
 *
 *   expect HOST error ERRNO [within LO..HI | within model [SCENARIO]]
 *   expect HOST eof [within LO..HI | within model [SCENARIO]]
 *   expect HOST no-error
 *   expect HOST state STATE [at TIME | from TIME to TIME | within LO..HI
 *                            | within model [SCENARIO]]
 *   expect HOST received BYTES
 */
#include "case/case.h"
#include "case/case_priv.h"
#include "model/model.h"

#include <errno.h>
#include <string.h>

#define CASE_RECEIVED_MAX 1000000000000000LL /* bytes in "expect HOST received" */

/* An argument parser reads tokens from @i on into @e and returns the index
 * after the last one it used, or -errno. */
typedef int case_expect_args_fn(struct case_parser *p, int i, struct case_expect *e);

static int err_band(struct case_parser *p, const struct case_tok *t)
{
	case_err_tok(p, t, "bad band '%s': expected LO..HI like 0..0.5 or 0..300ms", t->s);
	return -EINVAL;
}

/* LO..HI at token @i: "0..0.5", "0..300ms"; each side is a duration. */
static int parse_band(struct case_parser *p, int i, struct case_expect *e)
{
	const struct case_tok *t = &p->tok[i];
	const char *dots = strstr(t->s, "..");
	char lo[32], a[32], b[32];
	size_t n = dots ? (size_t)(dots - t->s) : 0;
	bool hint;

	if (!dots || n >= sizeof(lo))
		return err_band(p, t);
	memcpy(lo, t->s, n);
	lo[n] = '\0';
	if (case_duration_parse(lo, &e->band_lo_ms) ||
	    case_duration_parse(dots + 2, &e->band_hi_ms))
		return err_band(p, t);
	if (e->band_lo_ms > e->band_hi_ms) {
		/* "100..300ms" is 100 s to 0.3 s: say why */
		hint = lo[n - 1] >= '0' && lo[n - 1] <= '9' && strstr(dots + 2, "ms");
		case_err_tok(p, t, "empty band '%s': %s is after %s%s", t->s,
			     case_fmt_secs(a, sizeof(a), e->band_lo_ms),
			     case_fmt_secs(b, sizeof(b), e->band_hi_ms),
			     hint ? " (a number without a unit is in seconds)" : "");
		return -EINVAL;
	}
	e->has_band = true;
	return 0;
}

/* within model [SCENARIO] at token @i ("within"): the timing model's band,
 * from the scenario's own clock origin; no SCENARIO: case_expect_check()
 * infers it from the case once the whole file is read. */
static int args_model(struct case_parser *p, int i, struct case_expect *e)
{
	const struct case_tok *t = &p->tok[i + 2];
	char list[160];

	e->band_model = true;
	e->model_scenario = -1;
	if (i + 2 >= p->n_tok)
		return i + 2;
	e->model_scenario = model_scenario_parse(t->s);
	if (e->model_scenario < 0) {
		model_scenario_list(list, sizeof(list));
		case_err_tok(p, t, "unknown model scenario '%s': expected %s", t->s, list);
		return -EINVAL;
	}
	return i + 3;
}

/* [within LO..HI]: seconds after the first fault; checked against it in case.c.
 * [within model [SCENARIO]]: see args_model(). */
static int args_band(struct case_parser *p, int i, struct case_expect *e)
{
	int ret;

	if (i >= p->n_tok || !case_tok_is(&p->tok[i], "within"))
		return i;
	if (i + 1 >= p->n_tok)
		return case_err_missing(p, i, "LO..HI or model");
	if (case_tok_is(&p->tok[i + 1], "model"))
		return args_model(p, i, e);
	if (parse_band(p, i + 1, e))
		return -EINVAL;
	ret = case_time_ref(p, i, e->band_hi_ms, true, "expectation");
	return ret ? ret : i + 2;
}

int case_arg_band(struct case_parser *p, int i, struct case_expect *e)
{
	return args_band(p, i, e);
}

static int args_none(struct case_parser *p, int i, struct case_expect *e)
{
	(void)p;
	(void)e;
	return i;
}

static int args_error(struct case_parser *p, int i, struct case_expect *e)
{
	const struct case_tok *t = &p->tok[i];
	char hint[64];

	e->errnum = case_errno_parse(t->s);
	if (e->errnum < 0) {
		case_err_tok(p, t, "unknown errno name '%s'%s", t->s,
			     case_did_you_mean(hint, sizeof(hint), case_errno_suggest(t->s)));
		return -EINVAL;
	}
	return args_band(p, i + 1, e);
}

static int args_received(struct case_parser *p, int i, struct case_expect *e)
{
	if (case_arg_num(p, i, "byte count", 0, CASE_RECEIVED_MAX, &e->bytes))
		return -EINVAL;
	return i + 1;
}

/* "from A to B" with @i at "from": a "stays" window (e->when = DURING).
 * Return: the index after it, or -EINVAL with the error queued. */
int case_arg_window(struct case_parser *p, int i, struct case_expect *e)
{
	char a[32], b[32];
	int ret;

	if (p->n_tok - i < 4)
		return case_err_missing(p, i, "TIME to TIME");
	if (case_arg_time(p, i + 1, &e->from_ms))
		return -EINVAL;
	if (!case_tok_is(&p->tok[i + 2], "to")) {
		case_err_tok(p, &p->tok[i + 2], "expected 'to', got '%s'", p->tok[i + 2].s);
		return -EINVAL;
	}
	if (case_arg_time(p, i + 3, &e->to_ms))
		return -EINVAL;
	if (e->to_ms <= e->from_ms) {
		case_err_tok(p, &p->tok[i + 3], "empty window: %s is not after %s",
			     case_fmt_secs(a, sizeof(a), e->to_ms),
			     case_fmt_secs(b, sizeof(b), e->from_ms));
		return -EINVAL;
	}
	e->when = CASE_WHEN_DURING;
	ret = case_time_ref(p, i + 3, e->to_ms, false, "expectation");
	return ret ? ret : i + 4;
}

/* [at TIME | from TIME to TIME] after a state, at token @i. */
static int args_when(struct case_parser *p, int i, struct case_expect *e)
{
	int ret;

	e->when = CASE_WHEN_END;
	if (i < p->n_tok && case_tok_is(&p->tok[i], "within"))
		return args_band(p, i, e); /* when the connection entered the state */
	if (i < p->n_tok && case_tok_is(&p->tok[i], "at")) {
		if (i + 1 >= p->n_tok)
			return case_err_missing(p, i, "TIME");
		if (case_arg_time(p, i + 1, &e->from_ms))
			return -EINVAL;
		e->when = CASE_WHEN_AT;
		ret = case_time_ref(p, i + 1, e->from_ms, false, "expectation");
		return ret ? ret : i + 2;
	}
	if (i >= p->n_tok || !case_tok_is(&p->tok[i], "from"))
		return i;
	return case_arg_window(p, i, e);
}

static int args_state(struct case_parser *p, int i, struct case_expect *e)
{
	const struct case_tok *t = &p->tok[i];
	const char *sugg;
	char list[200];
	int s;

	e->state = case_state_parse(t->s);
	if (e->state >= 0)
		return args_when(p, i + 1, e);
	sugg = case_state_suggest(t->s);
	if (sugg) {
		case_err_tok(p, t, "unknown state '%s'; did you mean '%s'?", t->s, sugg);
		return -EINVAL;
	}
	list[0] = '\0';
	for (s = 1; strcmp(case_state_name(s), "?"); s++) /* TCP_* first, CLOSED last */
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s, ",
			 case_state_name(s));
	case_err_tok(p, t, "unknown state '%s': expected %s%s", t->s, list,
		     case_state_name(CASE_STATE_CLOSED));
	return -EINVAL;
}

static const struct case_expect_def {
	const char *name;
	int min_args;
	const char *usage; /* the required arguments: "'error' needs ERRNO" */
	case_expect_args_fn *args;
} expect_defs[] = {
	[CASE_EXPECT_ERROR] = { "error", 1, "ERRNO (like ECONNRESET)", args_error },
	[CASE_EXPECT_NO_ERROR] = { "no-error", 0, "", args_none },
	[CASE_EXPECT_EOF] = { "eof", 0, "", args_band },
	[CASE_EXPECT_STATE] = { "state", 1, "STATE (like ESTABLISHED)", args_state },
	[CASE_EXPECT_RECEIVED] = { "received", 1, "BYTES", args_received },
	/* "expect wire HOST ...": the host comes after the word (case_wire.c) */
	[CASE_EXPECT_WIRE] = { "wire", 0, "", NULL },
	/* "expect drop|watch NAME count ...": a rule's counter (case_drop.c) */
	[CASE_EXPECT_COUNTER] = { "drop", 0, "", NULL },
	[CASE_EXPECT_NO_CONNECTION] = { "no-connection", 0, "", args_none },
	[CASE_EXPECT_TW_RESTARTS] = { "timewait-restarts", 1, "COUNT (N, or >= N, <= N, > N, < N)",
				      case_args_tw_restarts },
	/* case_crash.c */
	[CASE_EXPECT_SYSCTL] = { "sysctl", 2, "KEY VALUE", case_args_expect_sysctl },
	[CASE_EXPECT_KEEPALIVE_TIMER] = { "keepalive-timer", 1, "LO..HI (like 9.9..10)",
					  case_args_keepalive_timer },
	/* the host's own program (case_exec.c) */
	[CASE_EXPECT_EXIT] = { "exit", 1, "STATUS, signal NAME or running", case_args_expect_exit },
	[CASE_EXPECT_OUTPUT] = { "output", 1, "\"REGEX\"", case_args_expect_output },
	[CASE_EXPECT_SOCKET_ERROR] = { "socket", 2, "error ERRNO", case_args_expect_socket },
};

_Static_assert(CASE_ARRAY_SIZE(expect_defs) == CASE_EXPECT_COUNT,
	       "an expectation without a parser");

/* The words written after HOST (entries without a parser come before it). */
static int expect_host_names(const char **names)
{
	int k, n = 0;

	for (k = 0; k < CASE_EXPECT_COUNT; k++)
		if (expect_defs[k].args)
			names[n++] = expect_defs[k].name;
	return n;
}

/* "eof, error, no-error, state or received" */
static void expect_names(char *buf, size_t size)
{
	const char *names[CASE_EXPECT_COUNT];

	case_join_names(buf, size, names, expect_host_names(names), true);
}

/* expect HOST WHAT ARGS... */
int case_stmt_expect(struct case_parser *p)
{
	struct case_expect e = { .loc = case_loc_of(p, 0) };
	const char *names[CASE_EXPECT_COUNT];
	char list[192], usage[256], hint[64];
	int k, next;

	if (p->n_tok >= 2 && case_tok_is(&p->tok[1], "wire"))
		return case_stmt_expect_wire(p);
	if (p->n_tok >= 2 && (case_tok_is(&p->tok[1], "drop") || case_tok_is(&p->tok[1], "watch") ||
			      case_tok_is(&p->tok[1], "middlebox")))
		return case_stmt_expect_counter(p);
	expect_names(list, sizeof(list));
	if (p->n_tok < 3) {
		snprintf(usage, sizeof(usage), "HOST and what to expect (%s)", list);
		return case_err_missing(p, 0, usage);
	}
	if (case_arg_host(p, 1, &e.host))
		return -EINVAL;
	for (k = 0; k < CASE_EXPECT_COUNT; k++)
		if (case_tok_is(&p->tok[2], expect_defs[k].name))
			break;
	if (k < CASE_EXPECT_COUNT && !expect_defs[k].args) {
		case_err_tok(p, &p->tok[2], "'%s' comes before the host: expect %s %s ...",
			     p->tok[2].s, p->tok[2].s, p->tok[1].s);
		return -EINVAL;
	}
	if (k == CASE_EXPECT_COUNT) {
		const char *sugg = case_suggest(p->tok[2].s, names, expect_host_names(names));

		if (sugg)
			case_err_tok(p, &p->tok[2], "unknown expectation '%s'%s", p->tok[2].s,
				     case_did_you_mean(hint, sizeof(hint), sugg));
		else
			case_err_tok(p, &p->tok[2], "unknown expectation '%s': expected %s",
				     p->tok[2].s, list);
		return -EINVAL;
	}
	e.kind = (enum case_expect_kind)k;
	if (p->n_tok - 3 < expect_defs[k].min_args)
		return case_err_missing(p, 2, expect_defs[k].usage);
	next = expect_defs[k].args(p, 3, &e);
	if (next < 0 || case_no_more(p, next))
		return next < 0 ? next : -EINVAL;
	return case_expect_add(p, &e);
}

int case_expect_add(struct case_parser *p, const struct case_expect *e)
{
	struct case_expect *dst =
		vec_push(&p->c->expects, &p->c->n_expects, &p->cap_expects, sizeof(*dst));

	if (!dst)
		return case_err_oom(p);
	*dst = *e;
	return 0;
}

/* ---- "within model" without a scenario ------------------------------- */

static bool host_has_step(const struct case_parser *p, int host, enum case_step_kind kind)
{
	for (int i = 0; i < p->n_setup; i++)
		if (p->setup[i].kind == kind && p->setup[i].host == host)
			return true;
	for (int i = 0; i < p->n_timed; i++)
		if (p->timed[i].kind == kind && p->timed[i].host == host)
			return true;
	return false;
}

static bool other_has_step(const struct case_parser *p, int host, enum case_step_kind kind)
{
	for (int h = 0; h < p->c->n_hosts; h++)
		if (h != host && host_has_step(p, h, kind))
			return true;
	return false;
}

/* The host keeps data unacknowledged across the first fault: a periodic send,
 * or one at or after the fault. A send before it was acknowledged before. */
static bool sends_across_fault(const struct case_parser *p, int host)
{
	int64_t fault = -1;

	for (int i = 0; i < p->n_timed; i++)
		if (case_step_is_fault(p->timed[i].kind) && fault < 0)
			fault = p->timed[i].at_ms;
	for (int i = 0; i < p->n_timed; i++) {
		const struct case_step *st = &p->timed[i];

		if (st->kind == CASE_STEP_SEND && st->host == host &&
		    (st->every_ms > 0 || fault < 0 || st->at_ms >= fault))
			return true;
	}
	return false;
}

/* Any fault but kill -9 (which is no timer's business: its kernel answers). */
static bool has_silent_fault(const struct case_parser *p)
{
	for (int i = 0; i < p->n_timed; i++)
		if (case_step_is_fault(p->timed[i].kind) && p->timed[i].kind != CASE_STEP_KILL)
			return true;
	return false;
}

static bool keepalive_on(const struct case_parser *p, int host)
{
	for (int i = 0; i < p->c->n_sockopts; i++)
		if (p->c->sockopts[i].host == host && p->c->sockopts[i].kind == CASE_SO_KEEPALIVE)
			return p->c->sockopts[i].value != 0;
	return false;
}

/*
 * Which timer ends the connection, from what the case does (docs/CASES.md):
 *   state CLOSED, HOST closes:      orphan-fin if a fault may lose its FIN,
 *                                   else fin-wait2
 *   error/eof, keepalive on, no data unacknowledged at the first fault
 *   (no periodic send, none at or after it): keepalive
 *   error/eof, HOST sends:          zero-window if another host stops reading
 *                                   and nothing is lost, else data-timeout
 *   error/eof, HOST connects only:  syn-timeout
 * Return: the scenario, or -1.
 */
static int infer_scenario(const struct case_parser *p, const struct case_expect *e)
{
	int h = e->host;

	if (e->kind == CASE_EXPECT_STATE) {
		if (e->state != CASE_STATE_CLOSED || !host_has_step(p, h, CASE_STEP_CLOSE))
			return -1;
		return has_silent_fault(p) ? MODEL_ORPHAN_FIN : MODEL_FIN_WAIT2;
	}
	if (e->kind != CASE_EXPECT_ERROR && e->kind != CASE_EXPECT_EOF)
		return -1;
	if (keepalive_on(p, h) && !sends_across_fault(p, h))
		return MODEL_KEEPALIVE;
	if (host_has_step(p, h, CASE_STEP_SEND))
		return other_has_step(p, h, CASE_STEP_STOP_READING) && !has_silent_fault(p) ?
			       MODEL_ZERO_WINDOW :
			       MODEL_DATA_TIMEOUT;
	if (host_has_step(p, h, CASE_STEP_CONNECT))
		return MODEL_SYN_TIMEOUT;
	return -1;
}

/* The model times the end of a connection: the socket vanishing (every
 * scenario) and, where an application holds it, its errno; an orphan's end
 * (fin-wait2, orphan-fin, time-wait) and a request's (synack-timeout) show
 * only as the socket's state. */
static bool scenario_has_app(int s)
{
	return s != MODEL_FIN_WAIT2 && s != MODEL_ORPHAN_FIN && s != MODEL_TIME_WAIT &&
	       s != MODEL_SYNACK_TIMEOUT;
}

static void check_model_use(struct case_parser *p, const struct case_expect *e)
{
	if (e->kind == CASE_EXPECT_STATE && e->state != CASE_STATE_CLOSED)
		case_err(p, e->loc.line, e->loc.col,
			 "'within model' times the end of the connection: write 'state CLOSED "
			 "within model'");
	else if (e->kind != CASE_EXPECT_STATE && e->model_scenario >= 0 &&
		 !scenario_has_app(e->model_scenario))
		case_err(p, e->loc.line, e->loc.col,
			 "no application sees the end of %s: write 'state CLOSED within model %s'",
			 model_scenario_name((enum model_scenario)e->model_scenario),
			 model_scenario_name((enum model_scenario)e->model_scenario));
}

void case_expect_check(struct case_parser *p)
{
	char list[160];

	for (int i = 0; i < p->c->n_expects; i++) {
		struct case_expect *e = &p->c->expects[i];

		if (!e->band_model)
			continue;
		check_model_use(p, e);
		if (!p->end_line && !(p->failed & CASE_FAIL_STEP))
			case_err(p, e->loc.line, e->loc.col,
				 "'within model' needs an 'end' long enough for the prediction "
				 "(tcpfault predict SCENARIO says how long)");
		if (e->model_scenario >= 0)
			continue;
		e->model_scenario = infer_scenario(p, e);
		if (e->model_scenario >= 0 || (p->failed & CASE_FAIL_STEP))
			continue;
		model_scenario_list(list, sizeof(list));
		case_err(p, e->loc.line, e->loc.col,
			 "'within model' cannot tell which timer ends this: write "
			 "'within model SCENARIO' with one of %s",
			 list);
	}
}
