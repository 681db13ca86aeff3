/* case_stmt.c - one handler per line of a case file.
 *
 * A line starts with a keyword from the directive table, or with a host name
 * (a setup step). A handler reads p->tok[] and fills the case, or queues one
 * error and gives up on the line; it returns 0 or -errno (-ENOMEM sets p->oom).
 * Checks that need the whole file are in case.c.
 */
#include "case/case.h"
#include "case/case_priv.h"

#include <errno.h>
#include <string.h>

#define CASE_SEND_MAX 1000000000LL /* bytes in one send step */

/** case_host_find() - index of host @name in @c, or -1. */
int case_host_find(const struct case_def *c, const char *name)
{
	int i;

	for (i = 0; i < c->n_hosts; i++)
		if (!strcmp(c->hosts[i], name))
			return i;
	return -1;
}

/** case_join_names() - "a, b, c" (or "a, b or c" with @with_or) into @buf, cut at @size. */
void case_join_names(char *buf, size_t size, const char *const *names, int n, bool with_or)
{
	size_t len = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < n && len < size; i++) {
		const char *sep = !i ? "" : with_or && i == n - 1 ? " or " : ", ";
		int w = snprintf(buf + len, size - len, "%s%s", sep, names[i]);

		if (w < 0)
			break;
		len += (size_t)w;
	}
}

/** case_hosts_list() - "client, server". */
void case_hosts_list(const struct case_def *c, char *buf, size_t size)
{
	const char *names[CASE_MAX_HOSTS];
	int i;

	for (i = 0; i < c->n_hosts; i++)
		names[i] = c->hosts[i];
	case_join_names(buf, size, names, c->n_hosts, false);
}

bool case_tok_is(const struct case_tok *t, const char *s)
{
	return !strcmp(t->s, s);
}

struct case_loc case_loc_of(const struct case_parser *p, int i)
{
	return (struct case_loc){ .file = p->c->file, .line = p->line, .col = p->tok[i].col };
}

int case_err_oom(struct case_parser *p)
{
	p->oom = true;
	return -ENOMEM;
}

/* "'connect' needs HOST PORT", pinned at the keyword token @i. */
int case_err_missing(struct case_parser *p, int i, const char *usage)
{
	case_err_tok(p, &p->tok[i], "'%s' needs %s", p->tok[i].s, usage);
	return -EINVAL;
}

/* Token @i, if any, is one too many: "unexpected 'foo' after 'client close'". */
int case_no_more(struct case_parser *p, int i)
{
	char after[96];
	size_t len = 0;
	int j;

	if (i >= p->n_tok)
		return 0;
	after[0] = '\0';
	for (j = 0; j < i; j++) {
		int w = snprintf(after + len, sizeof(after) - len, "%s%s", j ? " " : "",
				 p->tok[j].s);

		if (w < 0 || (size_t)w >= sizeof(after) - len) {
			memcpy(after + sizeof(after) - 4, "...", 4);
			break;
		}
		len += (size_t)w;
	}
	case_err_tok(p, &p->tok[i], "unexpected '%s' after '%s'", p->tok[i].s, after);
	return -EINVAL;
}

int case_arg_host(struct case_parser *p, int i, int *host)
{
	char list[CASE_MAX_HOSTS * (CASE_NAME_MAX + 2)];
	int h = case_host_find(p->c, p->tok[i].s);

	if (h < 0) {
		case_hosts_list(p->c, list, sizeof(list));
		case_err_tok(p, &p->tok[i], "unknown host '%s': this case's hosts are %s",
			     p->tok[i].s, list);
		return -EINVAL;
	}
	if (!p->first_host_line)
		p->first_host_line = p->line;
	*host = h;
	return 0;
}

int case_arg_num(struct case_parser *p, int i, const char *what, long long lo, long long hi,
		 long long *v)
{
	const struct case_tok *t = &p->tok[i];

	if (case_ll_parse(t->s, v) < 0 || *v < lo || *v > hi) {
		case_err_tok(p, t, "bad %s '%s': expected %lld..%lld", what, t->s, lo, hi);
		return -EINVAL;
	}
	return 0;
}

int case_arg_time(struct case_parser *p, int i, int64_t *ms)
{
	const struct case_tok *t = &p->tok[i];
	int ret = case_duration_parse(t->s, ms);

	if (ret == -ERANGE)
		case_err_tok(p, t, "duration '%s' is too long: at most %lld s", t->s,
			     CASE_DURATION_MAX_MS / 1000);
	else if (ret < 0)
		case_err_tok(p, t, "bad duration '%s': expected seconds like 1.5, 1.5s or 250ms",
			     t->s);
	return ret;
}

/* Remember a time named at token @i, to check it against "end" later. */
int case_time_ref(struct case_parser *p, int i, int64_t ms, bool band, const char *what)
{
	struct case_timeref *r = vec_push(&p->times, &p->n_times, &p->cap_times, sizeof(*r));

	if (!r)
		return case_err_oom(p);
	*r = (struct case_timeref){
		.ms = ms, .band = band, .what = what, .line = p->line, .col = p->tok[i].col
	};
	return 0;
}

/* ---- steps ---------------------------------------------------------- */

/* An argument parser reads tokens from @i on into @st and returns the index
 * after the last one it used, or -errno. */
typedef int case_step_args_fn(struct case_parser *p, int i, struct case_step *st);

struct case_action {
	const char *name;
	bool fault; /* "at TIME kill HOST": the host comes after the name */
	int min_args;
	const char *usage; /* the required arguments: "'connect' needs HOST PORT" */
	case_step_args_fn *args;
	const char *docs; /* its section's anchor in docs/CASES.md */
};

static int args_none(struct case_parser *p, int i, struct case_step *st)
{
	(void)p;
	(void)st;
	return i;
}

static int args_listen(struct case_parser *p, int i, struct case_step *st)
{
	long long port;

	if (case_arg_num(p, i, "port", 1, 65535, &port))
		return -EINVAL;
	st->port = (int)port;
	return i + 1;
}

static int args_connect(struct case_parser *p, int i, struct case_step *st)
{
	if (case_arg_host(p, i, &st->target_host))
		return -EINVAL;
	return args_listen(p, i + 1, st);
}

static int args_send(struct case_parser *p, int i, struct case_step *st)
{
	if (case_arg_num(p, i, "byte count", 1, CASE_SEND_MAX, &st->bytes))
		return -EINVAL;
	if (i + 1 >= p->n_tok || !case_tok_is(&p->tok[i + 1], "every"))
		return i + 1;
	if (i + 2 >= p->n_tok)
		return case_err_missing(p, i + 1, "a DURATION");
	if (case_arg_time(p, i + 2, &st->every_ms))
		return -EINVAL;
	if (!st->every_ms) {
		case_err_tok(p, &p->tok[i + 2], "'every' needs a duration above 0, got '%s'",
			     p->tok[i + 2].s);
		return -EINVAL;
	}
	return i + 3;
}

static int args_victim(struct case_parser *p, int i, struct case_step *st)
{
	if (case_arg_host(p, i, &st->host))
		return -EINVAL;
	return i + 1;
}

/* One entry per kind, from case/steps.def: the only list of step kinds. */
static const struct case_action actions[] = {
#define STEP(kind, keyword, is_fault, min, use, parse_fn, docs_anchor) \
	[CASE_STEP_##kind] = { .name = keyword,                        \
			       .fault = is_fault,                      \
			       .min_args = min,                        \
			       .usage = use,                           \
			       .args = parse_fn,                       \
			       .docs = docs_anchor },
#include "case/steps.def"
#undef STEP
};

_Static_assert(CASE_ARRAY_SIZE(actions) == CASE_STEP_COUNT, "a step kind without an action");

enum case_act_filter { CASE_ACT_PEER, CASE_ACT_FAULT, CASE_ACT_ANY };

static bool act_matches(int kind, enum case_act_filter want)
{
	return want == CASE_ACT_ANY || actions[kind].fault == (want == CASE_ACT_FAULT);
}

static int action_find(const char *name, enum case_act_filter want)
{
	int k;

	for (k = 0; k < CASE_STEP_COUNT; k++)
		if (act_matches(k, want) && !strcmp(actions[k].name, name))
			return k;
	return -1;
}

/* The names of the actions @want selects, for a list or a suggestion. */
static int action_names(const char **names, enum case_act_filter want)
{
	int k, n = 0;

	for (k = 0; k < CASE_STEP_COUNT; k++)
		if (act_matches(k, want))
			names[n++] = actions[k].name;
	return n;
}

const char *case_step_name(enum case_step_kind kind)
{
	return (unsigned int)kind < CASE_STEP_COUNT ? actions[kind].name : "?";
}

bool case_step_is_fault(enum case_step_kind kind)
{
	return (unsigned int)kind < CASE_STEP_COUNT && actions[kind].fault;
}

const char *case_step_docs(enum case_step_kind kind)
{
	return (unsigned int)kind < CASE_STEP_COUNT ? actions[kind].docs : "";
}

const struct case_step *case_last_step(const struct case_parser *p, int host, int64_t at_ms,
				       unsigned int kinds)
{
	const struct case_step *last = NULL;

	for (int i = 0; i < p->n_timed; i++) {
		const struct case_step *s = &p->timed[i];

		if (s->host == host && s->at_ms <= at_ms && (kinds & CASE_STEP_BIT(s->kind)))
			last = s;
	}
	return last;
}

/* The arguments of action @kind from token @i on, then the end of the line. */
static int step_args(struct case_parser *p, int i, int kind, struct case_step *st)
{
	const struct case_action *a = &actions[kind];
	int next;

	st->kind = (enum case_step_kind)kind;
	if (p->n_tok - i < a->min_args)
		return case_err_missing(p, i - 1, a->usage);
	next = a->args(p, i, st);
	if (next < 0)
		return next;
	return case_no_more(p, next);
}

/* HOST ACTION ARGS..., the host at token @hi. */
static int parse_action(struct case_parser *p, int hi, struct case_step *st)
{
	const struct case_tok *ht = &p->tok[hi], *at = &p->tok[hi + 1];
	const char *names[CASE_STEP_COUNT];
	char list[160], hint[64];
	int kind, n;

	if (case_arg_host(p, hi, &st->host))
		return -EINVAL;
	n = action_names(names, CASE_ACT_PEER);
	if (hi + 1 >= p->n_tok) {
		case_join_names(list, sizeof(list), names, n, true);
		case_err_tok(p, ht, "'%s' needs an ACTION: %s", ht->s, list);
		return -EINVAL;
	}
	kind = action_find(at->s, CASE_ACT_PEER);
	if (kind < 0 && action_find(at->s, CASE_ACT_FAULT) >= 0) {
		case_err_tok(p, at, "'%s' is a fault, not an action: write 'at TIME %s %s'", at->s,
			     at->s, ht->s);
		return -EINVAL;
	}
	if (kind < 0) {
		case_err_tok(p, at, "unknown action '%s' for %s%s", at->s, ht->s,
			     case_did_you_mean(hint, sizeof(hint), case_suggest(at->s, names, n)));
		return -EINVAL;
	}
	return step_args(p, hi + 2, kind, st);
}

/* Timed steps stay sorted by time, equal times in file order: "at" lines come
 * in order, but "replug HOST after T" names a time after later lines. */
static int push_step(struct case_parser *p, const struct case_step *st)
{
	struct case_step *dst;
	int i;

	if (st->setup)
		dst = vec_push(&p->setup, &p->n_setup, &p->cap_setup, sizeof(*dst));
	else
		dst = vec_push(&p->timed, &p->n_timed, &p->cap_timed, sizeof(*dst));
	if (!dst)
		return case_err_oom(p);
	*dst = *st;
	for (i = p->n_timed - 1; !st->setup && i > 0 && p->timed[i - 1].at_ms > st->at_ms; i--) {
		p->timed[i] = p->timed[i - 1];
		p->timed[i - 1] = *st;
	}
	return 0;
}

int case_step_push(struct case_parser *p, const struct case_step *st)
{
	return push_step(p, st);
}

/* HOST ACTION ARGS...: a setup step. */
static int stmt_host(struct case_parser *p)
{
	struct case_step st = { .setup = true, .loc = case_loc_of(p, 0) };
	int ret = parse_action(p, 0, &st);

	return ret ? ret : push_step(p, &st);
}

/* at TIME ... when TIME is neither a fault nor a host. */
static int err_at_target(struct case_parser *p, const struct case_tok *t)
{
	const char *names[CASE_STEP_COUNT];
	char list[CASE_MAX_HOSTS * (CASE_NAME_MAX + 2)];
	const char *sugg = case_suggest(t->s, names, action_names(names, CASE_ACT_FAULT));

	if (sugg) {
		case_err_tok(p, t, "unknown fault '%s'; did you mean '%s'?", t->s, sugg);
		return -EINVAL;
	}
	case_hosts_list(p->c, list, sizeof(list));
	case_err_tok(p, t, "unknown host '%s': this case's hosts are %s", t->s, list);
	return -EINVAL;
}

/* at TIME HOST ACTION ARGS... | at TIME FAULT HOST: a timed step. */
static int stmt_at(struct case_parser *p)
{
	struct case_step st = { .loc = case_loc_of(p, 0) };
	char a[32], b[32];
	int kind, ret;

	if (p->n_tok < 3)
		return case_err_missing(p, 0, "TIME and a step (HOST ACTION or FAULT HOST)");
	if (case_arg_time(p, 1, &st.at_ms))
		return -EINVAL;
	if (p->has_timed && st.at_ms < p->last_at_ms) {
		case_err_tok(p, &p->tok[1], "times out of order: %s comes after %s",
			     case_fmt_secs(a, sizeof(a), st.at_ms),
			     case_fmt_secs(b, sizeof(b), p->last_at_ms));
		return -EINVAL;
	}
	kind = action_find(p->tok[2].s, CASE_ACT_FAULT);
	if (kind >= 0)
		ret = step_args(p, 3, kind, &st);
	else if (case_host_find(p->c, p->tok[2].s) >= 0)
		ret = parse_action(p, 2, &st);
	else
		ret = err_at_target(p, &p->tok[2]);
	if (!ret)
		ret = push_step(p, &st);
	if (!ret)
		ret = case_time_ref(p, 1, st.at_ms, false, "step");
	if (ret)
		return ret;
	p->has_timed = true;
	p->last_at_ms = st.at_ms;
	return 0;
}

/* A line that starts with no keyword and no host. */
static int stmt_unknown(struct case_parser *p, const char *const *keywords, int n_kw)
{
	const struct case_tok *t = &p->tok[0];
	const char *cands[CASE_MAX_HOSTS + 16];
	char hint[64];
	int i, n = 0, k = action_find(t->s, CASE_ACT_FAULT);

	if (k >= 0) {
		case_err_tok(p, t, "'%s' is a fault and needs a time: at TIME %s %s", t->s, t->s,
			     actions[k].usage);
		return -EINVAL;
	}
	if (action_find(t->s, CASE_ACT_PEER) >= 0) {
		case_err_tok(p, t, "missing host before '%s' (HOST %s ...)", t->s, t->s);
		return -EINVAL;
	}
	if (p->n_tok > 1 && action_find(p->tok[1].s, CASE_ACT_PEER) >= 0) {
		int host;

		return case_arg_host(p, 0, &host);
	}
	for (i = 0; i < n_kw && n < (int)CASE_ARRAY_SIZE(cands); i++)
		cands[n++] = keywords[i];
	for (i = 0; i < p->c->n_hosts && n < (int)CASE_ARRAY_SIZE(cands); i++)
		cands[n++] = p->c->hosts[i];
	case_err_tok(p, t, "unknown keyword '%s'%s", t->s,
		     case_did_you_mean(hint, sizeof(hint), case_suggest(t->s, cands, n)));
	return -EINVAL;
}

/* ---- dispatch ------------------------------------------------------- */

static const struct case_directive {
	const char *kw;
	int (*parse)(struct case_parser *p);
	unsigned int fail; /* CASE_FAIL_*: what an error on such a line may hide */
} directives[] = {
	{ "title", case_stmt_title, CASE_FAIL_TITLE },
	{ "source", case_stmt_source, 0 },
	{ "topology", case_stmt_topology, 0 },
	{ "sysctl", case_stmt_sysctl, 0 },
	{ "sockopt", case_stmt_sockopt, CASE_FAIL_SOCKOPT },
	{ "at", stmt_at, CASE_FAIL_STEP },
	{ "end", case_stmt_end, 0 },
	{ "expect", case_stmt_expect, CASE_FAIL_EXPECT },
	{ "control", case_stmt_control, 0 },
	{ "tier", case_stmt_tier, 0 }, /* tier quick|stock */
	{ "family", case_stmt_family, 0 }, /* family 4|6 [only REASON] (case_family.c) */
	{ "need", case_stmt_need, 0 }, /* need PROGRAM [from PACKAGE] (case_exec.c) */
	{ "replug", case_stmt_replug, CASE_FAIL_STEP }, /* replug HOST after T */
};

/**
 * case_stmt_parse() - parse the current line (p->tok[], at least one token).
 * Return: 0, or -errno after queuing an error (or setting p->oom).
 */
int case_stmt_parse(struct case_parser *p)
{
	const char *kws[CASE_ARRAY_SIZE(directives)];
	int n_times = p->n_times, ret;
	unsigned int fail = CASE_FAIL_ALL;
	size_t i;

	for (i = 0; i < CASE_ARRAY_SIZE(directives); i++) {
		kws[i] = directives[i].kw;
		if (case_tok_is(&p->tok[0], kws[i]))
			break;
	}
	if (i < CASE_ARRAY_SIZE(directives)) {
		ret = directives[i].parse(p);
		fail = directives[i].fail;
	} else if (case_host_find(p->c, p->tok[0].s) >= 0) {
		ret = stmt_host(p);
		fail = CASE_FAIL_STEP;
	} else {
		ret = stmt_unknown(p, kws, (int)CASE_ARRAY_SIZE(directives));
	}
	if (ret) {
		p->n_times = n_times; /* a line in error names no time */
		p->failed |= fail;
	}
	return ret;
}
