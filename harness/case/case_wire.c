/* case_wire.c - "expect wire" lines: what a host's packet capture must show.
 *
 *   expect wire HOST sent|received SEGMENT count [OP] N [from A to B]
 *   expect wire HOST sent|received SEGMENT gaps G... [tolerance D] [from A to B]
 *
 * SEGMENT is SYN, SYN-ACK, ACK (pure), DATA, FIN, RST or ANY; OP is >=, <=,
 * > or < (none: exactly). "gaps" lists the times between consecutive matching
 * segments, so it also fixes their number (one more than the gaps). The
 * capture, not the socket sampling, is the truth for segments (DESIGN.md).
 * Grammar and examples: docs/CASES.md.
 */
#include "case/case.h"
#include "case/case_priv.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

#define CASE_WIRE_COUNT_MAX 1000000000LL
#define CASE_WIRE_TOLERANCE_MS 100 /* default for gaps: two jiffies at HZ=100 and then some */
#define CASE_WIRE_USAGE "HOST sent|received SEGMENT count N (or gaps G...)"

static const char *const seg_names[CASE_SEG_COUNT] = {
	[CASE_SEG_SYN] = "SYN",	  [CASE_SEG_SYN_ACK] = "SYN-ACK", [CASE_SEG_ACK] = "ACK",
	[CASE_SEG_DATA] = "DATA", [CASE_SEG_FIN] = "FIN",	  [CASE_SEG_RST] = "RST",
	[CASE_SEG_ANY] = "ANY",
};

/* Longest first: ">=" must win over ">". "" is "exactly". */
static const char *const cmp_names[CASE_CMP_COUNT] = {
	[CASE_CMP_EQ] = "",  [CASE_CMP_GE] = ">=", [CASE_CMP_LE] = "<=",
	[CASE_CMP_GT] = ">", [CASE_CMP_LT] = "<",
};

static const char *const dir_names[] = { "sent", "received" };

const char *case_seg_kind_name(enum case_seg_kind kind)
{
	return (unsigned int)kind < CASE_SEG_COUNT ? seg_names[kind] : "?";
}

const char *case_cmp_name(enum case_cmp cmp)
{
	return (unsigned int)cmp < CASE_CMP_COUNT ? cmp_names[cmp] : "?";
}

bool case_cmp_holds(enum case_cmp cmp, long long have, long long want)
{
	switch (cmp) {
	case CASE_CMP_EQ:
		return have == want;
	case CASE_CMP_GE:
		return have >= want;
	case CASE_CMP_LE:
		return have <= want;
	case CASE_CMP_GT:
		return have > want;
	case CASE_CMP_LT:
		return have < want;
	case CASE_CMP_COUNT:
		break;
	}
	return false;
}

static int wire_dir(struct case_parser *p, int i, struct case_wire *w)
{
	const struct case_tok *t = &p->tok[i];
	char hint[64];
	const char *sugg;

	if (case_tok_is(t, "sent") || case_tok_is(t, "received")) {
		w->received = case_tok_is(t, "received");
		return 0;
	}
	sugg = case_suggest(t->s, dir_names, (int)CASE_ARRAY_SIZE(dir_names));
	if (sugg)
		case_err_tok(p, t, "unknown direction '%s'%s", t->s,
			     case_did_you_mean(hint, sizeof(hint), sugg));
	else
		case_err_tok(p, t, "expected 'sent' or 'received', got '%s'", t->s);
	return -EINVAL;
}

static int wire_seg(struct case_parser *p, int i, struct case_wire *w)
{
	const struct case_tok *t = &p->tok[i];
	char hint[64], list[96];
	const char *sugg = NULL;
	int k;

	for (k = 0; k < CASE_SEG_COUNT; k++) {
		if (case_tok_is(t, seg_names[k])) {
			w->seg = (enum case_seg_kind)k;
			return 0;
		}
		if (!strcasecmp(t->s, seg_names[k]))
			sugg = seg_names[k]; /* "syn": the names are upper case */
	}
	if (!sugg)
		sugg = case_suggest(t->s, seg_names, CASE_SEG_COUNT);
	if (sugg) {
		case_err_tok(p, t, "unknown segment '%s'%s", t->s,
			     case_did_you_mean(hint, sizeof(hint), sugg));
		return -EINVAL;
	}
	case_join_names(list, sizeof(list), seg_names, CASE_SEG_COUNT, true);
	case_err_tok(p, t, "unknown segment '%s': expected %s", t->s, list);
	return -EINVAL;
}

/* A leading comparison of @s: its kind and length (0 for none). The table
 * lists ">=" before ">", so the longer one wins. */
static size_t wire_cmp_prefix(const char *s, enum case_cmp *cmp)
{
	for (int k = CASE_CMP_EQ + 1; k < CASE_CMP_COUNT; k++) {
		size_t n = strlen(cmp_names[k]);

		if (!strncmp(s, cmp_names[k], n)) {
			*cmp = (enum case_cmp)k;
			return n;
		}
	}
	*cmp = CASE_CMP_EQ;
	return 0;
}

/* count [OP] N, with @i at "count"; OP may be glued to N (">=2"). */
static int wire_count(struct case_parser *p, int i, struct case_wire *w)
{
	const struct case_tok *t;
	size_t n;

	if (i + 1 >= p->n_tok)
		return case_err_missing(p, i, "N (or >= N, <= N, > N, < N)");
	t = &p->tok[++i];
	n = wire_cmp_prefix(t->s, &w->cmp);
	if (strchr("<>=!", t->s[n]) && t->s[n]) { /* "=>", "==", "!=" */
		case_err_tok(p, t, "bad comparison '%s': expected >=, <=, > or <", t->s);
		return -EINVAL;
	}
	if (n && !t->s[n]) { /* ">=" "2" */
		if (i + 1 >= p->n_tok)
			return case_err_missing(p, i, "N");
		t = &p->tok[++i];
		n = 0;
	}
	if (case_ll_parse(t->s + n, &w->count) < 0 || w->count < 0 ||
	    w->count > CASE_WIRE_COUNT_MAX) {
		case_err_tok(p, t, "bad count '%s': expected 0..%lld", t->s, CASE_WIRE_COUNT_MAX);
		return -EINVAL;
	}
	return i + 1;
}

static bool wire_is_option(const struct case_tok *t)
{
	return case_tok_is(t, "tolerance") || case_tok_is(t, "from");
}

/* gaps G..., with @i at "gaps": durations up to the next option word. */
static int wire_gaps(struct case_parser *p, int i, struct case_wire *w)
{
	int kw = i++;

	w->has_gaps = true;
	w->tolerance_ms = CASE_WIRE_TOLERANCE_MS;
	for (; i < p->n_tok && !wire_is_option(&p->tok[i]); i++) {
		if (w->n_gaps == CASE_WIRE_MAX_GAPS) {
			case_err_tok(p, &p->tok[i], "more than %d gaps", CASE_WIRE_MAX_GAPS);
			return -EINVAL;
		}
		if (case_arg_time(p, i, &w->gaps_ms[w->n_gaps++]))
			return -EINVAL;
	}
	if (!w->n_gaps)
		return case_err_missing(p, kw, "at least one DURATION");
	return i;
}

/* [tolerance D] [from A to B], in any order, each once, from token @i. */
static int wire_options(struct case_parser *p, int i, struct case_expect *e)
{
	struct case_wire *w = &e->wire;
	bool tol = false;

	while (i < p->n_tok) {
		const struct case_tok *t = &p->tok[i];

		if (case_tok_is(t, "tolerance") && !tol && w->has_gaps) {
			if (i + 1 >= p->n_tok)
				return case_err_missing(p, i, "a DURATION");
			if (case_arg_time(p, i + 1, &w->tolerance_ms))
				return -EINVAL;
			tol = true;
			i += 2;
		} else if (case_tok_is(t, "tolerance") && !w->has_gaps) {
			case_err_tok(p, t, "'tolerance' goes with 'gaps', not with 'count'");
			return -EINVAL;
		} else if (case_tok_is(t, "from") && e->when == CASE_WHEN_END) {
			i = case_arg_window(p, i, e);
			if (i < 0)
				return i;
		} else {
			return case_no_more(p, i) ? -EINVAL : i;
		}
	}
	return i;
}

/* Check the tokens present before reporting what is missing. */
static int wire_head(struct case_parser *p, struct case_expect *e)
{
	if (p->n_tok < 3)
		return case_err_missing(p, 1, CASE_WIRE_USAGE);
	if (case_arg_host(p, 2, &e->host))
		return -EINVAL;
	if (p->n_tok > 3 && wire_dir(p, 3, &e->wire))
		return -EINVAL;
	if (p->n_tok > 4 && wire_seg(p, 4, &e->wire))
		return -EINVAL;
	if (p->n_tok < 5)
		return case_err_missing(p, 1, CASE_WIRE_USAGE);
	if (p->n_tok < 6)
		return case_err_missing(p, 4, "'count N' or 'gaps G...'");
	return 0;
}

/* expect wire HOST sent|received SEGMENT (count [OP] N | gaps G... [tolerance D]) [from A to B] */
int case_stmt_expect_wire(struct case_parser *p)
{
	struct case_expect e = { .kind = CASE_EXPECT_WIRE,
				 .loc = case_loc_of(p, 0),
				 .when = CASE_WHEN_END };
	const struct case_tok *t;
	int next;

	if (wire_head(p, &e))
		return -EINVAL;
	t = &p->tok[5];
	if (case_tok_is(t, "count")) {
		next = wire_count(p, 5, &e.wire);
	} else if (case_tok_is(t, "gaps")) {
		next = wire_gaps(p, 5, &e.wire);
	} else {
		case_err_tok(p, t, "expected 'count' or 'gaps' after '%s', got '%s'", p->tok[4].s,
			     t->s);
		return -EINVAL;
	}
	if (next < 0)
		return next;
	next = wire_options(p, next, &e);
	if (next < 0)
		return next;
	return case_expect_add(p, &e);
}
