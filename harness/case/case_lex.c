/* case_lex.c - the case parser's lexer and diagnostics.
 *
 * Splits a line into tokens that keep their columns, parses numbers and
 * durations, suggests a name for a typo, names TCP states and errnos, and
 * queues diagnostics that case_diag_flush() prints once, sorted by position:
 *
 *   t.case:3:9: error: unknown action 'snd' for client
 *   client  snd 100
 *           ^~~
 */
#include "case/case.h"
#include "case/case_priv.h"

#include <errno.h>
#include <limits.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/secs.h"

#define CASE_SUGGEST_MAX 32 /* longer words get no "did you mean" */

static bool is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\v' || ch == '\f';
}

/**
 * case_lex_line() - split @line (@len bytes, no newline, no NUL) into p->tok[].
 * A '#' starts a comment anywhere. The tokens point into p->buf and live until
 * the next call.
 * Return: the number of tokens, or -EINVAL if @len is over CASE_LINE_MAX.
 */
int case_lex_line(struct case_parser *p, const char *line, size_t len)
{
	size_t i = 0;

	p->n_tok = 0;
	p->raw = line;
	p->raw_len = len;
	if (len > CASE_LINE_MAX)
		return -EINVAL;
	memcpy(p->buf, line, len);
	p->buf[len] = '\0';
	while (i < len) {
		struct case_tok *t;

		while (i < len && is_blank(p->buf[i]))
			i++;
		if (i >= len || p->buf[i] == '#')
			break;
		t = &p->tok[p->n_tok++];
		t->s = &p->buf[i];
		t->col = (unsigned int)i + 1;
		while (i < len && !is_blank(p->buf[i]) && p->buf[i] != '#')
			i++;
		t->len = (unsigned int)(&p->buf[i] - t->s);
		if (i < len && p->buf[i] == '#') {
			p->buf[i] = '\0';
			break;
		}
		p->buf[i++] = '\0';
	}
	return p->n_tok;
}

static void case_verr(struct case_parser *p, unsigned int line, unsigned int col, const char *fmt,
		      va_list ap) __attribute__((format(printf, 4, 0)));

static void case_verr(struct case_parser *p, unsigned int line, unsigned int col, const char *fmt,
		      va_list ap)
{
	struct case_diag_ent *e;

	if (p->n_diag >= CASE_MAX_ERRORS) {
		p->stopped = true;
		return;
	}
	e = &p->diag[p->n_diag];
	e->line = line;
	e->col = col;
	e->seq = (unsigned int)p->n_diag++;
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
}

/**
 * case_err() - queue an error at @line:@col (line 0: the whole file).
 * Past CASE_MAX_ERRORS it is dropped and p->stopped is set.
 */
void case_err(struct case_parser *p, unsigned int line, unsigned int col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	case_verr(p, line, col, fmt, ap);
	va_end(ap);
}

/** case_err_tok() - queue an error pinned at token @t of the current line. */
void case_err_tok(struct case_parser *p, const struct case_tok *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	case_verr(p, p->line, t->col, fmt, ap);
	va_end(ap);
}

/* Control characters from the input would drive the user's terminal: show '?'. */
static void put_sanitized(FILE *f, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		fputc((ch < 0x20 && ch != '\t') || ch == 0x7f ? '?' : ch, f);
	}
}

/* Line @line (1-based) of the input, without its newline or a final '\r'. */
static bool find_line(const struct case_parser *p, unsigned int line, const char **start, size_t *n)
{
	const char *s = p->text, *end;
	unsigned int l;

	if (!s)
		return false;
	end = s + p->len;
	for (l = 1; l < line; l++) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));

		if (!nl)
			return false;
		s = nl + 1;
	}
	*start = s;
	*n = (size_t)(end - s);
	if (memchr(s, '\n', *n))
		*n = (size_t)((const char *)memchr(s, '\n', *n) - s);
	if (*n && s[*n - 1] == '\r')
		(*n)--;
	return true;
}

/* The source line, then '^' under column @col and '~' under the rest of its token. */
static void put_echo(FILE *f, const char *s, size_t n, unsigned int col)
{
	size_t i, at = col ? col - 1 : 0;

	put_sanitized(f, s, n);
	fputc('\n', f);
	for (i = 0; i < at && i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '\t')
			fputc('\t', f);
		else if ((ch & 0xc0) != 0x80) /* one column per UTF-8 character */
			fputc(' ', f);
	}
	fputc('^', f);
	if (at < n && !is_blank(s[at]) && s[at] != '#')
		for (i = at + 1; i < n && !is_blank(s[i]) && s[i] != '#'; i++)
			if (((unsigned char)s[i] & 0xc0) != 0x80)
				fputc('~', f);
	fputc('\n', f);
}

static bool diag_before(const struct case_diag_ent *a, const struct case_diag_ent *b)
{
	if (a->line != b->line)
		return a->line < b->line;
	if (a->col != b->col)
		return a->col < b->col;
	return a->seq < b->seq;
}

/**
 * case_diag_flush() - print the queued diagnostics to p->out, sorted by
 * position (errors found once the whole file was read come in line order too).
 */
void case_diag_flush(struct case_parser *p)
{
	const char *file = p->c && p->c->file ? p->c->file : "<case>";
	int i, j;

	for (i = 1; i < p->n_diag; i++) {
		struct case_diag_ent e = p->diag[i];

		for (j = i; j > 0 && diag_before(&e, &p->diag[j - 1]); j--)
			p->diag[j] = p->diag[j - 1];
		p->diag[j] = e;
	}
	for (i = 0; p->out && i < p->n_diag; i++) {
		const struct case_diag_ent *e = &p->diag[i];
		const char *s;
		size_t n;

		put_sanitized(p->out, file, strlen(file));
		if (e->line)
			fprintf(p->out, ":%u:%u", e->line, e->col);
		fputs(": error: ", p->out);
		put_sanitized(p->out, e->msg, strlen(e->msg));
		fputc('\n', p->out);
		if (e->line && find_line(p, e->line, &s, &n) && n <= CASE_LINE_MAX)
			put_echo(p->out, s, n, e->col);
	}
	if (p->out && p->stopped) {
		put_sanitized(p->out, file, strlen(file));
		fprintf(p->out, ": note: too many errors, stopped after %d\n", CASE_MAX_ERRORS);
	}
	p->n_diag = 0;
}

/**
 * case_duration_parse() - as case_parse_duration(), but tells a value too
 * large (-ERANGE) from one that is not a duration (-EINVAL).
 */
int case_duration_parse(const char *text, int64_t *ms)
{
	const char *q = text;
	int64_t ip = 0, v;
	int f[4] = { 0, 0, 0, 0 }, nd = 0, nf = 0;

	if (!text || !ms)
		return -EINVAL;
	for (; *q >= '0' && *q <= '9'; q++, nd++)
		if (ip <= CASE_DURATION_MAX_MS) /* stays above the limit, never overflows */
			ip = ip * 10 + (*q - '0');
	if (!nd)
		return -EINVAL;
	if (*q == '.') {
		for (q++; *q >= '0' && *q <= '9'; q++, nf++)
			if (nf < 4)
				f[nf] = *q - '0';
		if (!nf)
			return -EINVAL;
	}
	if (!strcmp(q, "") || !strcmp(q, "s")) /* round half up on the 4th decimal */
		v = ip * 1000 + f[0] * 100 + f[1] * 10 + f[2] + (f[3] >= 5);
	else if (!strcmp(q, "ms"))
		v = ip + (f[0] >= 5);
	else
		return -EINVAL;
	if (ip > CASE_DURATION_MAX_MS || v > CASE_DURATION_MAX_MS)
		return -ERANGE;
	*ms = v;
	return 0;
}

int case_parse_duration(const char *text, int64_t *ms)
{
	int64_t v;

	if (case_duration_parse(text, &v) < 0)
		return -EINVAL;
	*ms = v;
	return 0;
}

/**
 * case_ll_parse() - a decimal integer with an optional '-' and nothing else.
 * Return: 0 and *@v, -EINVAL if not a number, -ERANGE if out of long long.
 */
int case_ll_parse(const char *text, long long *v)
{
	unsigned long long acc = 0, lim = (unsigned long long)LLONG_MAX;
	bool neg = text && *text == '-';
	const char *q = text ? text + neg : NULL;

	if (!q || !*q)
		return -EINVAL;
	for (; *q; q++) {
		unsigned int d = (unsigned int)(*q - '0');

		if (*q < '0' || *q > '9')
			return -EINVAL;
		if (acc > (lim + neg - d) / 10)
			return -ERANGE;
		acc = acc * 10 + d;
	}
	*v = neg ? (acc == lim + 1 ? LLONG_MIN : -(long long)acc) : (long long)acc;
	return 0;
}

/** case_fmt_secs() - 1500 -> "1.5 s", 1000 -> "1.0 s", 250 -> "0.25 s". */
const char *case_fmt_secs(char *buf, size_t size, int64_t ms)
{
	char s[SECS_LEN];

	/* Times of a case file are never negative; a negative one is a bug, said as 0. */
	snprintf(buf, size, "%s s", secs_fmt(s, sizeof(s), ms < 0 ? 0 : ms, SECS_SHORT));
	return buf;
}

/* Optimal string alignment distance: a swap of two letters counts as one edit. */
static unsigned int edit_distance(const char *a, size_t n, const char *b, size_t m)
{
	unsigned int d[CASE_SUGGEST_MAX + 1][CASE_SUGGEST_MAX + 1];
	size_t i, j;

	for (i = 0; i <= n; i++)
		d[i][0] = (unsigned int)i;
	for (j = 0; j <= m; j++)
		d[0][j] = (unsigned int)j;
	for (i = 1; i <= n; i++) {
		for (j = 1; j <= m; j++) {
			unsigned int best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);

			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[n][m];
}

/**
 * case_suggest() - the candidate closest to @word, if at most 2 edits away and
 * closer than the word is long ("x" suggests nothing); the first on a tie.
 * Return: a member of @cands, or NULL.
 */
const char *case_suggest(const char *word, const char *const *cands, int n)
{
	size_t wl = strlen(word);
	unsigned int best = 3;
	const char *found = NULL;
	int i;

	if (wl > CASE_SUGGEST_MAX)
		return NULL;
	for (i = 0; i < n; i++) {
		size_t cl = cands[i] ? strlen(cands[i]) : CASE_SUGGEST_MAX + 1;
		unsigned int dist;

		if (cl > CASE_SUGGEST_MAX)
			continue;
		dist = edit_distance(word, wl, cands[i], cl);
		if (dist > 0 && dist < best && dist < wl) {
			best = dist;
			found = cands[i];
		}
	}
	return found;
}

/** case_did_you_mean() - "; did you mean 'x'?" for @sugg, "" for NULL. */
const char *case_did_you_mean(char *buf, size_t size, const char *sugg)
{
	if (!sugg)
		return "";
	snprintf(buf, size, "; did you mean '%s'?", sugg);
	return buf;
}

/* TCP_* numbers from <netinet/tcp.h>; the kernel's own names minus "TCP_". */
static const char *const state_names[] = {
	[CASE_STATE_CLOSED] = "CLOSED",	 [TCP_ESTABLISHED] = "ESTABLISHED",
	[TCP_SYN_SENT] = "SYN_SENT",	 [TCP_SYN_RECV] = "SYN_RECV",
	[TCP_FIN_WAIT1] = "FIN_WAIT1",	 [TCP_FIN_WAIT2] = "FIN_WAIT2",
	[TCP_TIME_WAIT] = "TIME_WAIT",	 [TCP_CLOSE] = "CLOSE",
	[TCP_CLOSE_WAIT] = "CLOSE_WAIT", [TCP_LAST_ACK] = "LAST_ACK",
	[TCP_LISTEN] = "LISTEN",	 [TCP_CLOSING] = "CLOSING",
};

#define N_STATES ((int)(sizeof(state_names) / sizeof(state_names[0])))

const char *case_state_name(int state)
{
	return state >= 0 && state < N_STATES ? state_names[state] : "?";
}

/** case_state_parse() - "CLOSE_WAIT" -> TCP_CLOSE_WAIT; -1 if unknown. */
int case_state_parse(const char *name)
{
	int i;

	for (i = 0; i < N_STATES; i++)
		if (!strcmp(name, state_names[i]))
			return i;
	return -1;
}

/** case_state_suggest() - the closest state name to @name, or NULL. */
const char *case_state_suggest(const char *name)
{
	return case_suggest(name, state_names, N_STATES);
}

/* Second names glibc's strerrorname_np() does not return. */
static const struct {
	const char *name;
	int num;
} errno_aliases[] = {
	{ "EWOULDBLOCK", EWOULDBLOCK },
	{ "EDEADLOCK", EDEADLOCK },
	{ "ENOTSUP", ENOTSUP },
};

/* The applications' own verdicts (case.h, CASE_ERRNO_PSEUDO_BASE). */
static const struct {
	const char *name;
	int num;
} errno_pseudo[] = {
	{ "HEARTBEAT_TIMEOUT", CASE_ERRNO_HEARTBEAT_TIMEOUT },
};

int case_errno_parse(const char *name)
{
	size_t i;
	int e;

	if (!name)
		return -1;
	for (i = 0; i < sizeof(errno_pseudo) / sizeof(errno_pseudo[0]); i++)
		if (!strcmp(errno_pseudo[i].name, name))
			return errno_pseudo[i].num;
	for (e = 1; e <= CASE_ERRNO_MAX; e++) {
		const char *n = strerrorname_np(e);

		if (n && !strcmp(n, name))
			return e;
	}
	for (i = 0; i < sizeof(errno_aliases) / sizeof(errno_aliases[0]); i++)
		if (!strcmp(errno_aliases[i].name, name))
			return errno_aliases[i].num;
	return -1;
}

const char *case_errno_name(int errnum)
{
	const char *n = errnum > 0 ? strerrorname_np(errnum) : NULL;

	for (size_t i = 0; i < sizeof(errno_pseudo) / sizeof(errno_pseudo[0]); i++)
		if (errno_pseudo[i].num == errnum)
			return errno_pseudo[i].name;
	return n ? n : "E?";
}

/** case_errno_suggest() - the closest errno name to @name, or NULL. */
const char *case_errno_suggest(const char *name)
{
	const char *cands[CASE_ERRNO_MAX + sizeof(errno_pseudo) / sizeof(errno_pseudo[0])];
	int e, n = CASE_ERRNO_MAX;

	for (e = 1; e <= CASE_ERRNO_MAX; e++)
		cands[e - 1] = strerrorname_np(e);
	for (size_t i = 0; i < sizeof(errno_pseudo) / sizeof(errno_pseudo[0]); i++)
		cands[n++] = errno_pseudo[i].name;
	return case_suggest(name, cands, n);
}

/**
 * case_sockopt_suggest() - the closest socket option name to @name, or NULL.
 * The names come from sockopt.c, which owns the option table.
 */
const char *case_sockopt_suggest(const char *name)
{
	const char *cands[CASE_SOCKOPT_COUNT];
	int i;

	for (i = 0; i < CASE_SOCKOPT_COUNT; i++)
		cands[i] = case_sockopt_name((enum case_sockopt_kind)i);
	return case_suggest(name, cands, CASE_SOCKOPT_COUNT);
}
