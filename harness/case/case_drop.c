/* case_drop.c - the drop, watch and lift steps of a case file, and the
 * expectations on their counters:
 *
 *   at TIME drop  NAME at HOST ingress [from HOST] WHAT [first N | for D | until lifted]
 *   at TIME drop  NAME in ROUTER [from HOST] WHAT [...]
 *   at TIME watch NAME at HOST ingress [from HOST] WHAT [for D | until lifted]
 *   at TIME lift  NAME
 *   expect drop|watch NAME count [OP] N
 *   expect HOST timewait-restarts [OP] N
 *
 * WHAT is a segment kind (SYN, SYN-ACK, ACK, DATA, FIN, RST, ANY: the names
 * of the wire expectations) or match "RAW NFT EXPRESSION". Drops sit where
 * the network would lose the packet: at the receiver's ingress or in a router,
 * never on the sender's egress (KERNEL-FACTS.md). Every drop must be proven
 * by its counter: a case with a drop and no "expect drop NAME count" is
 * refused (case_check_rules()). Grammar and examples: docs/CASES.md.
 */
#include "case/case.h"
#include "case/case_priv.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

#define CASE_RULE_FIRST_MAX 1000000LL
#define CASE_RULE_COUNT_MAX 1000000000LL

static const char *const seg_words[CASE_SEG_COUNT] = {
	[CASE_SEG_SYN] = "SYN",	  [CASE_SEG_SYN_ACK] = "SYN-ACK", [CASE_SEG_ACK] = "ACK",
	[CASE_SEG_DATA] = "DATA", [CASE_SEG_FIN] = "FIN",	  [CASE_SEG_RST] = "RST",
	[CASE_SEG_ANY] = "ANY",
};

/* Longest first, so that ">=" wins over ">". */
static const struct {
	const char *op;
	enum case_cmp cmp;
} cmp_words[] = {
	{ ">=", CASE_CMP_GE },
	{ "<=", CASE_CMP_LE },
	{ ">", CASE_CMP_GT },
	{ "<", CASE_CMP_LT },
};

/* Rules are named like nft identifiers, so a name is also its counter's. */
static bool rule_name_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n >= CASE_RULE_NAME_MAX || s[0] < 'a' || s[0] > 'z')
		return false;
	for (i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
		      s[i] == '_'))
			return false;
	return true;
}

static int arg_rule_name(struct case_parser *p, int i, char *name)
{
	const struct case_tok *t = &p->tok[i];

	if (!rule_name_ok(t->s)) {
		case_err_tok(
			p, t,
			"bad rule name '%s': a lower-case letter, then letters, digits, '-' or '_', at most %d",
			t->s, CASE_RULE_NAME_MAX - 1);
		return -EINVAL;
	}
	memcpy(name, t->s, strlen(t->s) + 1);
	return 0;
}

/** case_arg_rule_name() - a drop, watch or middlebox NAME at token @i into @name. */
int case_arg_rule_name(struct case_parser *p, int i, char *name)
{
	return arg_rule_name(p, i, name);
}

/* The drop or watch called @name among the timed steps read so far. */
static const struct case_step *rule_find(const struct case_parser *p, const char *name)
{
	for (int i = 0; i < p->n_timed; i++) {
		const struct case_step *s = &p->timed[i];

		if ((s->kind == CASE_STEP_DROP || s->kind == CASE_STEP_WATCH) &&
		    !strcmp(s->rule.name, name))
			return s;
	}
	return NULL;
}

/* The switch is a bridge: its inet hooks never see bridged frames; and only
 * a router forwards (topology routed: host "router"). */
static int check_place(struct case_parser *p, int i, const struct case_step *st)
{
	const char *host = p->c->hosts[st->host];

	if (!strcmp(host, "switch")) {
		case_err_tok(
			p, &p->tok[i],
			"the switch is a bridge: its rules would not see bridged frames; drop at the receiver's ingress or in a router");
		return -EINVAL;
	}
	if (st->rule.where == CASE_RULE_FORWARD && strcmp(host, "router") != 0) {
		case_err_tok(
			p, &p->tok[i],
			"'in %s': only a router forwards; write 'at %s ingress' (topology routed has a router)",
			host, host);
		return -EINVAL;
	}
	return 0;
}

/* "at HOST ingress" or "in ROUTER", from token @i; the index after it. */
static int args_place(struct case_parser *p, int i, struct case_step *st)
{
	const struct case_tok *t = &p->tok[i];

	if (case_tok_is(t, "in")) {
		if (i + 1 >= p->n_tok)
			return case_err_missing(p, i, "ROUTER");
		st->rule.where = CASE_RULE_FORWARD;
		if (case_arg_host(p, i + 1, &st->host) || check_place(p, i + 1, st))
			return -EINVAL;
		return i + 2;
	}
	if (!case_tok_is(t, "at")) {
		case_err_tok(p, t, "expected 'at HOST ingress' or 'in ROUTER', got '%s'", t->s);
		return -EINVAL;
	}
	if (i + 2 >= p->n_tok)
		return case_err_missing(p, i, "HOST ingress");
	st->rule.where = CASE_RULE_INGRESS;
	if (case_arg_host(p, i + 1, &st->host) || check_place(p, i + 1, st))
		return -EINVAL;
	if (!case_tok_is(&p->tok[i + 2], "ingress")) {
		case_err_tok(
			p, &p->tok[i + 2],
			"expected 'ingress', got '%s' (rules never sit on a sender's egress: a local drop changes TCP's behaviour)",
			p->tok[i + 2].s);
		return -EINVAL;
	}
	return i + 3;
}

/* [from HOST] at token @i. */
static int args_from(struct case_parser *p, int i, struct case_step *st)
{
	st->rule.from_host = -1;
	if (i >= p->n_tok || !case_tok_is(&p->tok[i], "from"))
		return i;
	if (i + 1 >= p->n_tok)
		return case_err_missing(p, i, "HOST");
	if (case_arg_host(p, i + 1, &st->rule.from_host))
		return -EINVAL;
	if (st->rule.from_host == st->host) {
		case_err_tok(p, &p->tok[i + 1], "packets from %s never reach %s's own %s",
			     p->tok[i + 1].s, p->tok[i + 1].s,
			     st->rule.where == CASE_RULE_FORWARD ? "forward path" : "ingress");
		return -EINVAL;
	}
	return i + 2;
}

static int err_seg(struct case_parser *p, const struct case_tok *t)
{
	const char *sugg = NULL;
	char hint[64], list[96];
	int k;

	for (k = 0; k < CASE_SEG_COUNT && !sugg; k++)
		if (!strcasecmp(t->s, seg_words[k]))
			sugg = seg_words[k]; /* "syn": the names are upper case */
	if (!sugg)
		sugg = case_suggest(t->s, seg_words, CASE_SEG_COUNT);
	if (sugg) {
		case_err_tok(p, t, "unknown segment '%s'%s", t->s,
			     case_did_you_mean(hint, sizeof(hint), sugg));
		return -EINVAL;
	}
	case_join_names(list, sizeof(list), seg_words, CASE_SEG_COUNT, true);
	case_err_tok(p, t, "unknown segment '%s': expected %s, or match \"NFT EXPRESSION\"", t->s,
		     list);
	return -EINVAL;
}

/*
 * match "EXPR": the quoted text is taken from the raw line (the lexer split
 * it at blanks and knows no quotes). A '#' would have ended the line for the
 * lexer; ';' would start a second nft command.
 */
static int args_match(struct case_parser *p, int i, struct case_step *st)
{
	const struct case_tok *q = &p->tok[i];
	size_t start = q->col, end, n;
	const char *close;
	int j;

	if (q->s[0] != '"') {
		case_err_tok(p, q,
			     "'match' needs a quoted nft expression: match \"tcp dport 8080\"");
		return -EINVAL;
	}
	close = memchr(p->raw + start, '"', p->raw_len - start);
	if (!close) {
		case_err_tok(p, q, "no closing '\"' for this match");
		return -EINVAL;
	}
	end = (size_t)(close - p->raw); /* index of the closing quote */
	n = end - start;
	if (memchr(p->raw + start, '#', n) || memchr(p->raw + start, ';', n)) {
		case_err_tok(p, q,
			     "a match cannot contain '#' (a comment) or ';' (a second command)");
		return -EINVAL;
	}
	if (n == 0 || n >= CASE_RULE_MATCH_MAX) {
		case_err_tok(p, q, "a match is 1 to %d bytes of nft syntax",
			     CASE_RULE_MATCH_MAX - 1);
		return -EINVAL;
	}
	memcpy(st->rule.match, p->raw + start, n);
	st->rule.match[n] = '\0';
	for (j = i; j < p->n_tok && p->tok[j].col - 1 <= end; j++)
		;
	return j;
}

/* SEGMENT or match "EXPR" at token @i. */
static int args_what(struct case_parser *p, int i, struct case_step *st)
{
	const struct case_tok *t = &p->tok[i];

	if (i >= p->n_tok) {
		case_err_tok(
			p, &p->tok[i - 1],
			"missing SEGMENT (SYN, SYN-ACK, ACK, DATA, FIN, RST, ANY) or match \"EXPR\" after '%s'",
			p->tok[i - 1].s);
		return -EINVAL;
	}
	if (case_tok_is(t, "match")) {
		if (i + 1 >= p->n_tok)
			return case_err_missing(p, i, "\"NFT EXPRESSION\"");
		return args_match(p, i + 1, st);
	}
	for (int k = 0; k < CASE_SEG_COUNT; k++) {
		if (case_tok_is(t, seg_words[k])) {
			st->rule.has_seg = true;
			st->rule.seg = k;
			return i + 1;
		}
	}
	return err_seg(p, t);
}

/* The lift a "for D" drop brings with it, D after the drop. */
static int push_auto_lift(struct case_parser *p, int i, const struct case_step *st)
{
	struct case_step lift = { .kind = CASE_STEP_LIFT,
				  .host = st->host,
				  .at_ms = st->at_ms + st->rule.for_ms,
				  .loc = st->loc };

	memcpy(lift.rule.name, st->rule.name, sizeof(lift.rule.name));
	lift.rule.auto_lift = true;
	lift.rule.from_host = -1;
	if (case_step_push(p, &lift))
		return -ENOMEM;
	return case_time_ref(p, i, lift.at_ms, false, "the end of the drop");
}

/* [first N | for D | until lifted] at token @i. */
static int args_how_long(struct case_parser *p, int i, struct case_step *st)
{
	const struct case_tok *t = &p->tok[i];
	bool watch = st->kind == CASE_STEP_WATCH;
	int ret;

	if (i >= p->n_tok)
		return i;
	if (case_tok_is(t, "first") && !watch) {
		if (i + 1 >= p->n_tok)
			return case_err_missing(p, i, "N");
		if (case_arg_num(p, i + 1, "count", 1, CASE_RULE_FIRST_MAX, &st->rule.first))
			return -EINVAL;
		return i + 2;
	}
	if (case_tok_is(t, "for")) {
		if (i + 1 >= p->n_tok)
			return case_err_missing(p, i, "DURATION");
		if (case_arg_time(p, i + 1, &st->rule.for_ms))
			return -EINVAL;
		if (!st->rule.for_ms) {
			case_err_tok(p, &p->tok[i + 1], "'for' needs a duration above 0, got '%s'",
				     p->tok[i + 1].s);
			return -EINVAL;
		}
		ret = push_auto_lift(p, i + 1, st);
		return ret ? ret : i + 2;
	}
	if (case_tok_is(t, "until")) {
		if (i + 1 >= p->n_tok || !case_tok_is(&p->tok[i + 1], "lifted")) {
			case_err_tok(p, t, "expected 'until lifted'");
			return -EINVAL;
		}
		st->rule.until_lifted = true;
		return i + 2;
	}
	if (watch && case_tok_is(t, "first")) {
		case_err_tok(p, t, "a watch counts every match: 'first' is for drops");
		return -EINVAL;
	}
	case_err_tok(p, t, "expected 'first N', 'for DURATION' or 'until lifted', got '%s'", t->s);
	return -EINVAL;
}

/**
 * case_args_drop() - the arguments of "drop" and "watch" from token @i (the
 * NAME; the keyword is token @i - 1); st->kind and st->at_ms are set.
 * Return: the index after the last token used, or -errno after an error.
 */
int case_args_drop(struct case_parser *p, int i, struct case_step *st)
{
	const struct case_step *other;
	int next;

	if (arg_rule_name(p, i, st->rule.name))
		return -EINVAL;
	other = rule_find(p, st->rule.name);
	if (other) {
		case_err_tok(p, &p->tok[i], "the name '%s' is taken (%s on line %u)", st->rule.name,
			     case_step_name(other->kind), other->loc.line);
		return -EINVAL;
	}
	next = args_place(p, i + 1, st);
	if (next >= 0)
		next = args_from(p, next, st);
	if (next >= 0)
		next = args_what(p, next, st);
	if (next >= 0)
		next = args_how_long(p, next, st);
	return next;
}

/** case_args_lift() - "lift NAME" from token @i: a drop or watch read before. */
int case_args_lift(struct case_parser *p, int i, struct case_step *st)
{
	const struct case_step *rule;

	if (arg_rule_name(p, i, st->rule.name))
		return -EINVAL;
	rule = rule_find(p, st->rule.name);
	if (!rule) {
		case_err_tok(p, &p->tok[i], "no drop or watch called '%s' before this line",
			     st->rule.name);
		return -EINVAL;
	}
	for (int k = 0; k < p->n_timed; k++) {
		const struct case_step *s = &p->timed[k];

		if (s->kind == CASE_STEP_LIFT && !s->rule.auto_lift &&
		    !strcmp(s->rule.name, st->rule.name)) {
			case_err_tok(p, &p->tok[i], "'%s' is already lifted on line %u",
				     st->rule.name, s->loc.line);
			return -EINVAL;
		}
	}
	st->host = rule->host;
	st->rule.from_host = -1;
	return i + 1;
}

/* [OP] N at token @i, OP glued to N or not (">=1", ">= 1"). */
static int args_count(struct case_parser *p, int i, enum case_cmp *cmp, long long *n)
{
	const struct case_tok *t = &p->tok[i];
	size_t skip = 0;

	*cmp = CASE_CMP_EQ;
	for (size_t k = 0; k < CASE_ARRAY_SIZE(cmp_words); k++) {
		size_t len = strlen(cmp_words[k].op);

		if (!strncmp(t->s, cmp_words[k].op, len)) {
			*cmp = cmp_words[k].cmp;
			skip = len;
			break;
		}
	}
	if (t->s[skip] && strchr("<>=!", t->s[skip])) {
		case_err_tok(p, t, "bad comparison '%s': expected >=, <=, > or <", t->s);
		return -EINVAL;
	}
	if (skip && !t->s[skip]) {
		if (i + 1 >= p->n_tok)
			return case_err_missing(p, i, "N");
		t = &p->tok[++i];
		skip = 0;
	}
	if (case_ll_parse(t->s + skip, n) < 0 || *n < 0 || *n > CASE_RULE_COUNT_MAX) {
		case_err_tok(p, t, "bad count '%s': expected 0..%lld", t->s, CASE_RULE_COUNT_MAX);
		return -EINVAL;
	}
	return i + 1;
}

/** case_args_tw_restarts() - "timewait-restarts [OP] N" from token @i. */
int case_args_tw_restarts(struct case_parser *p, int i, struct case_expect *e)
{
	return args_count(p, i, &e->cmp, &e->count);
}

/** case_stmt_expect_counter() - "expect drop|watch NAME count [OP] N". */
int case_stmt_expect_counter(struct case_parser *p)
{
	struct case_expect e = { .kind = CASE_EXPECT_COUNTER,
				 .host = -1,
				 .loc = case_loc_of(p, 0) };
	int next;

	e.rule_watch = case_tok_is(&p->tok[1], "watch");
	e.rule_mbox = case_tok_is(&p->tok[1], "middlebox"); /* checked in case_mbox.c */
	if (p->n_tok < 5)
		return case_err_missing(p, 1, "NAME count N (or count >= N, <= N, > N, < N)");
	if (arg_rule_name(p, 2, e.rule))
		return -EINVAL;
	if (!case_tok_is(&p->tok[3], "count")) {
		case_err_tok(p, &p->tok[3], "expected 'count', got '%s'", p->tok[3].s);
		return -EINVAL;
	}
	next = args_count(p, 4, &e.cmp, &e.count);
	if (next < 0 || case_no_more(p, next))
		return next < 0 ? next : -EINVAL;
	return case_expect_add(p, &e);
}

static bool rule_expected(const struct case_def *c, const struct case_step *st)
{
	for (int i = 0; i < c->n_expects; i++) {
		const struct case_expect *e = &c->expects[i];

		if (e->kind == CASE_EXPECT_COUNTER && !strcmp(e->rule, st->rule.name) &&
		    e->rule_watch == (st->kind == CASE_STEP_WATCH))
			return true;
	}
	return false;
}

static bool rule_lifted(const struct case_parser *p, const struct case_step *st)
{
	for (int i = 0; i < p->n_timed; i++)
		if (p->timed[i].kind == CASE_STEP_LIFT &&
		    !strcmp(p->timed[i].rule.name, st->rule.name))
			return true;
	return false;
}

/* Each counter expectation names a rule of its kind. */
static void check_expects(struct case_parser *p)
{
	for (int i = 0; i < p->c->n_expects; i++) {
		const struct case_expect *e = &p->c->expects[i];
		const struct case_step *st;
		const char *want = e->rule_watch ? "watch" : "drop";

		if (e->kind != CASE_EXPECT_COUNTER || e->rule_mbox)
			continue;
		st = rule_find(p, e->rule);
		if (!st)
			case_err(p, e->loc.line, e->loc.col,
				 "expect %s %s: the case has no %s called '%s'", want, e->rule,
				 want, e->rule);
		else if ((st->kind == CASE_STEP_WATCH) != e->rule_watch)
			case_err(p, e->loc.line, e->loc.col,
				 "'%s' is a %s (line %u): write 'expect %s %s ...'", e->rule,
				 case_step_name(st->kind), st->loc.line, case_step_name(st->kind),
				 e->rule);
	}
}

/**
 * case_check_rules() - the checks that need the whole file: a drop must be
 * proven by its counter ("expect drop NAME count ..."), every counter
 * expectation names a rule of its kind, "until lifted" has its lift.
 */
void case_check_rules(struct case_parser *p)
{
	if (!(p->failed & CASE_FAIL_STEP))
		check_expects(p);
	for (int i = 0; i < p->n_timed; i++) {
		const struct case_step *st = &p->timed[i];

		if (st->kind == CASE_STEP_DROP && !(p->failed & CASE_FAIL_EXPECT) &&
		    !rule_expected(p->c, st))
			case_err(
				p, st->loc.line, st->loc.col,
				"drop %s is not proven: a case that drops must expect its counter (expect drop %s count N, or count >= 1)",
				st->rule.name, st->rule.name);
		if ((st->kind == CASE_STEP_DROP || st->kind == CASE_STEP_WATCH) &&
		    st->rule.until_lifted && !rule_lifted(p, st))
			case_err(p, st->loc.line, st->loc.col,
				 "%s %s is 'until lifted' but no 'lift %s' follows",
				 case_step_name(st->kind), st->rule.name, st->rule.name);
	}
}
