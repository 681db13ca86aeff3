/* case_exec.c - the user's own program in a host, as a case file says it.
 *
 *   HOST exec COMMAND...                    setup, or "at TIME HOST exec ..."
 *   at TIME reboot HOST exec COMMAND...     (case_crash.c hands over here)
 *   HOST user NAME                          setup: the programs run as NAME
 *   HOST wait listening PORT [timeout D]    setup: readiness, default 10 s
 *   HOST wait connected HOST2 PORT [timeout D]
 *   HOST wait output "REGEX" [timeout D]
 *   need PROGRAM [from PACKAGE]             the case is skipped without it
 *   expect HOST exit STATUS|signal NAME|running [within LO..HI]
 *   expect HOST output "REGEX" [within LO..HI]
 *   expect HOST socket error ERRNO [within LO..HI]
 *
 * A COMMAND is the rest of the line as /bin/sh -c reads it: the lexer splits
 * at blanks and takes '#' for a comment, so the command is taken from the raw
 * line, where a '#' inside '...' or "..." (or after a backslash) belongs to
 * the command and an unquoted one starts the comment. A REGEX is a POSIX ERE
 * between double quotes (\" for a quote), compiled here so that a bad one is
 * an error at its column.
 */
#include "case/case.h"
#include "case/case_priv.h"

#include <errno.h>
#include <pwd.h>
#include <regex.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#define CASE_WAIT_DEFAULT_MS 10000
#define CASE_REGEX_MAX 512

bool case_step_is_program(enum case_step_kind kind)
{
	return kind == CASE_STEP_EXEC || kind == CASE_STEP_USER || kind == CASE_STEP_WAIT;
}

const char *case_text(const struct case_def *c, int text)
{
	return text > 0 && text <= c->n_texts ? c->texts[text - 1] : NULL;
}

bool case_host_runs_program(const struct case_def *c, int host)
{
	for (int i = 0; i < c->n_steps; i++)
		if (c->steps[i].host == host &&
		    (c->steps[i].kind == CASE_STEP_EXEC ||
		     (c->steps[i].kind == CASE_STEP_REBOOT && c->steps[i].text)))
			return true;
	return false;
}

bool case_host_runs_peer(const struct case_def *c, int host)
{
	for (int i = 0; i < c->n_steps; i++)
		if (c->steps[i].host == host && !case_step_is_fault(c->steps[i].kind) &&
		    !case_step_is_program(c->steps[i].kind))
			return true;
	return false;
}

/* @n bytes of @s as a new text of the case: its 1-based index, or -ENOMEM. */
static int text_add(struct case_parser *p, const char *s, size_t n)
{
	char **slot = vec_push(&p->c->texts, &p->c->n_texts, &p->cap_texts, sizeof(*slot));

	if (!slot)
		return case_err_oom(p);
	*slot = strndup(s, n);
	if (!*slot) {
		p->c->n_texts--;
		return case_err_oom(p);
	}
	return p->c->n_texts;
}

static bool is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\v' || ch == '\f';
}

/* The end of a shell command that starts at raw offset @start: the first
 * unquoted '#', or the end of the line, blanks trimmed. -EINVAL (queued) for
 * a quote that does not close. */
static int shell_end(struct case_parser *p, size_t start, size_t *end)
{
	size_t i, open_at = 0;
	char quote = 0;

	for (i = start; i < p->raw_len; i++) {
		char ch = p->raw[i];

		if (quote) {
			if (ch == quote)
				quote = 0;
			else if (quote == '"' && ch == '\\' && i + 1 < p->raw_len)
				i++;
		} else if (ch == '\'' || ch == '"') {
			quote = ch;
			open_at = i;
		} else if (ch == '\\' && i + 1 < p->raw_len) {
			i++;
		} else if (ch == '#') {
			break;
		}
	}
	if (quote) {
		case_err(p, p->line, (unsigned int)open_at + 1,
			 "no closing %c for this quote in the command", quote);
		return -EINVAL;
	}
	while (i > start && is_blank(p->raw[i - 1]))
		i--;
	*end = i;
	return 0;
}

/* COMMAND... from token @i to the end of the line (exec, reboot ... exec). */
int case_args_exec(struct case_parser *p, int i, struct case_step *st)
{
	size_t start, end;
	int text;

	if (i >= p->n_tok)
		return case_err_missing(p, i - 1, "COMMAND...");
	start = p->tok[i].col - 1;
	if (shell_end(p, start, &end))
		return -EINVAL;
	text = text_add(p, p->raw + start, end - start);
	if (text < 0)
		return text;
	st->text = text;
	return p->n_tok;
}

/* A setup step of @host before this line, of kind @kind; NULL if none. */
static const struct case_step *setup_step(const struct case_parser *p, int host,
					  enum case_step_kind kind)
{
	for (int i = 0; i < p->n_setup; i++)
		if (p->setup[i].host == host && p->setup[i].kind == kind)
			return &p->setup[i];
	return NULL;
}

/* "'user' is a setup step": @what (a program step) cannot have a time. */
static int err_timed(struct case_parser *p, int i, const char *what)
{
	case_err_tok(p, &p->tok[i - 1], "'%s' is a setup step: write it without 'at TIME'", what);
	return -EINVAL;
}

/* HOST user NAME: before the host's first exec, once. */
int case_args_user(struct case_parser *p, int i, struct case_step *st)
{
	const struct case_tok *t = &p->tok[i];
	const struct case_step *prev;
	int text;

	if (!st->setup)
		return err_timed(p, i, "user");
	prev = setup_step(p, st->host, CASE_STEP_USER);
	if (prev) {
		case_err_tok(p, t, "%s's user is already set (line %u)", p->c->hosts[st->host],
			     prev->loc.line);
		return -EINVAL;
	}
	prev = setup_step(p, st->host, CASE_STEP_EXEC);
	if (prev) {
		case_err_tok(p, &p->tok[i - 1], "'user' comes before %s's first exec (line %u)",
			     p->c->hosts[st->host], prev->loc.line);
		return -EINVAL;
	}
	/* A user that a package creates: the runner checks it again after the
	 * case's "need" lines, and skips the case when the package is missing. */
	if (!getpwnam(t->s) && !p->c->n_needs) {
		case_err_tok(p, t, "unknown user '%s': no such user on this machine", t->s);
		return -EINVAL;
	}
	text = text_add(p, t->s, t->len);
	if (text < 0)
		return text;
	st->text = text;
	return i + 1;
}

/* Tokens again from raw offset @off on, appended after token @j - 1 (a quoted
 * string may have held a '#' that ended the lexer's line). Return: p->n_tok. */
static int relex_from(struct case_parser *p, size_t off, int j)
{
	size_t i = off;

	memcpy(p->buf + off, p->raw + off, p->raw_len - off);
	p->buf[p->raw_len] = '\0';
	p->n_tok = j;
	while (i < p->raw_len) {
		struct case_tok *t;

		while (i < p->raw_len && is_blank(p->buf[i]))
			i++;
		if (i >= p->raw_len || p->buf[i] == '#')
			break;
		t = &p->tok[p->n_tok++];
		t->s = &p->buf[i];
		t->col = (unsigned int)i + 1;
		while (i < p->raw_len && !is_blank(p->buf[i]) && p->buf[i] != '#')
			i++;
		t->len = (unsigned int)(&p->buf[i] - t->s);
		if (i < p->raw_len && p->buf[i] == '#') {
			p->buf[i] = '\0';
			break;
		}
		p->buf[i++] = '\0';
	}
	return p->n_tok;
}

/* "REGEX" at token @i into *@text; the index of the token after it, or -EINVAL. */
static int arg_regex(struct case_parser *p, int i, int *text)
{
	const struct case_tok *q = &p->tok[i];
	char re[CASE_REGEX_MAX], why[160];
	size_t at = q->col, n = 0;
	regex_t rx;
	int ret;

	if (q->s[0] != '"') {
		case_err_tok(p, q, "expected a quoted REGEX like \"ready\", got '%s'", q->s);
		return -EINVAL;
	}
	for (; at < p->raw_len && p->raw[at] != '"'; at++) {
		if (p->raw[at] == '\\' && at + 1 < p->raw_len && p->raw[at + 1] == '"')
			at++;
		if (n + 1 >= sizeof(re)) {
			case_err_tok(p, q, "a REGEX is at most %d bytes", CASE_REGEX_MAX - 1);
			return -EINVAL;
		}
		re[n++] = p->raw[at];
	}
	re[n] = '\0';
	if (at >= p->raw_len) {
		case_err_tok(p, q, "no closing '\"' for this REGEX");
		return -EINVAL;
	}
	ret = regcomp(&rx, re, REG_EXTENDED | REG_NOSUB);
	if (ret) {
		regerror(ret, &rx, why, sizeof(why));
		case_err_tok(p, q, "bad REGEX \"%s\": %s", re, why);
		return -EINVAL;
	}
	regfree(&rx);
	ret = text_add(p, re, n);
	if (ret < 0)
		return ret;
	*text = ret;
	relex_from(p, at + 1, i + 1);
	return i + 1;
}

/* [timeout DURATION] at token @i. */
static int arg_timeout(struct case_parser *p, int i, struct case_step *st)
{
	st->timeout_ms = CASE_WAIT_DEFAULT_MS;
	if (i >= p->n_tok)
		return i;
	if (!case_tok_is(&p->tok[i], "timeout"))
		return i; /* case_no_more() names it */
	if (i + 1 >= p->n_tok)
		return case_err_missing(p, i, "DURATION");
	if (case_arg_time(p, i + 1, &st->timeout_ms))
		return -EINVAL;
	if (!st->timeout_ms) {
		case_err_tok(p, &p->tok[i + 1], "'timeout' needs a duration above 0, got '%s'",
			     p->tok[i + 1].s);
		return -EINVAL;
	}
	return i + 2;
}

/* The port at token @i into st->port; the index after it. */
static int arg_port(struct case_parser *p, int i, struct case_step *st)
{
	long long port;

	if (i >= p->n_tok)
		return case_err_missing(p, i - 1, "PORT");
	if (case_arg_num(p, i, "port", 1, 65535, &port))
		return -EINVAL;
	st->port = (int)port;
	return i + 1;
}

/* HOST wait listening PORT | connected HOST2 PORT | output "REGEX" [timeout D] */
int case_args_wait(struct case_parser *p, int i, struct case_step *st)
{
	const struct case_tok *t = &p->tok[i];
	int next;

	if (!st->setup)
		return err_timed(p, i, "wait");
	if (!setup_step(p, st->host, CASE_STEP_EXEC)) {
		case_err_tok(p, &p->tok[i - 1],
			     "'wait' waits for %s's program: start it first with '%s exec COMMAND'",
			     p->c->hosts[st->host], p->c->hosts[st->host]);
		return -EINVAL;
	}
	if (case_tok_is(t, "listening")) {
		st->wait_kind = CASE_WAIT_LISTENING;
		next = arg_port(p, i + 1, st);
	} else if (case_tok_is(t, "connected")) {
		st->wait_kind = CASE_WAIT_CONNECTED;
		if (i + 2 >= p->n_tok)
			return case_err_missing(p, i, "HOST PORT");
		if (case_arg_host(p, i + 1, &st->target_host))
			return -EINVAL;
		next = arg_port(p, i + 2, st);
	} else if (case_tok_is(t, "output")) {
		st->wait_kind = CASE_WAIT_OUTPUT;
		next = arg_regex(p, i + 1, &st->text);
	} else {
		case_err_tok(p, t, "unknown wait '%s': expected listening, connected or output",
			     t->s);
		return -EINVAL;
	}
	return next < 0 ? next : arg_timeout(p, next, st);
}

/* need PROGRAM [from PACKAGE] */
int case_stmt_need(struct case_parser *p)
{
	struct case_need *n = &p->c->needs[p->c->n_needs];

	if (p->n_tok < 2)
		return case_err_missing(p, 0, "PROGRAM [from PACKAGE]");
	if (p->c->n_needs == CASE_MAX_NEEDS) {
		case_err_tok(p, &p->tok[0], "more than %d 'need' lines", CASE_MAX_NEEDS);
		return -EINVAL;
	}
	if (p->tok[1].len >= sizeof(n->program)) {
		case_err_tok(p, &p->tok[1], "a PROGRAM is at most %zu bytes",
			     sizeof(n->program) - 1);
		return -EINVAL;
	}
	if (p->n_tok > 2 && !case_tok_is(&p->tok[2], "from"))
		return case_no_more(p, 2);
	if (p->n_tok == 3)
		return case_err_missing(p, 2, "PACKAGE");
	if (p->n_tok > 3 && p->tok[3].len >= sizeof(n->package)) {
		case_err_tok(p, &p->tok[3], "a PACKAGE is at most %zu bytes",
			     sizeof(n->package) - 1);
		return -EINVAL;
	}
	if (case_no_more(p, p->n_tok > 3 ? 4 : 2))
		return -EINVAL;
	*n = (struct case_need){ .loc = case_loc_of(p, 1) };
	memcpy(n->program, p->tok[1].s, p->tok[1].len);
	if (p->n_tok > 3)
		memcpy(n->package, p->tok[3].s, p->tok[3].len);
	p->c->n_needs++;
	return 0;
}

/* [within LO..HI]: a band after the first fault; the model's needs a peer. */
static int arg_program_band(struct case_parser *p, int i, struct case_expect *e)
{
	int next = case_arg_band(p, i, e);

	if (next < 0 || !e->band_model)
		return next;
	case_err_tok(p, &p->tok[i + 1],
		     "'within model' needs tcpfault's own peer (its socket options are the "
		     "model's inputs): give the band as LO..HI");
	return -EINVAL;
}

/* "KILL", "SIGKILL" -> SIGKILL; -1 if no such signal. */
static int signal_parse(const char *name)
{
	if (!strncmp(name, "SIG", 3))
		name += 3;
	for (int s = 1; s < NSIG; s++) {
		const char *abbrev = sigabbrev_np(s);

		if (abbrev && !strcmp(abbrev, name))
			return s;
	}
	return -1;
}

/* expect HOST exit STATUS | signal NAME | running [within LO..HI] */
int case_args_expect_exit(struct case_parser *p, int i, struct case_expect *e)
{
	const struct case_tok *t = &p->tok[i];
	long long status;

	if (case_tok_is(t, "running")) {
		e->exit_kind = CASE_EXIT_RUNNING;
		if (i + 1 < p->n_tok && case_tok_is(&p->tok[i + 1], "within")) {
			case_err_tok(p, &p->tok[i + 1],
				     "'running' is about the end of the case: no 'within'");
			return -EINVAL;
		}
		return i + 1;
	}
	if (case_tok_is(t, "signal")) {
		if (i + 1 >= p->n_tok)
			return case_err_missing(p, i, "NAME (like KILL or SIGTERM)");
		e->exit_kind = CASE_EXIT_SIGNAL;
		e->exit_value = signal_parse(p->tok[i + 1].s);
		if (e->exit_value < 0) {
			case_err_tok(p, &p->tok[i + 1], "unknown signal '%s'", p->tok[i + 1].s);
			return -EINVAL;
		}
		return arg_program_band(p, i + 2, e);
	}
	if (case_ll_parse(t->s, &status) < 0 || status < 0 || status > 255) {
		case_err_tok(p, t,
			     "bad exit '%s': expected a status 0..255, signal NAME or running",
			     t->s);
		return -EINVAL;
	}
	e->exit_kind = CASE_EXIT_STATUS;
	e->exit_value = (int)status;
	return arg_program_band(p, i + 1, e);
}

/* expect HOST output "REGEX" [within LO..HI] */
int case_args_expect_output(struct case_parser *p, int i, struct case_expect *e)
{
	int next = arg_regex(p, i, &e->text);

	return next < 0 ? next : arg_program_band(p, next, e);
}

/* expect HOST socket error ERRNO [within LO..HI] */
int case_args_expect_socket(struct case_parser *p, int i, struct case_expect *e)
{
	char hint[64];

	if (!case_tok_is(&p->tok[i], "error")) {
		case_err_tok(p, &p->tok[i], "expected 'socket error ERRNO', got 'socket %s'",
			     p->tok[i].s);
		return -EINVAL;
	}
	e->errnum = case_errno_parse(p->tok[i + 1].s);
	if (e->errnum < 0 || case_errno_is_pseudo(e->errnum)) {
		case_err_tok(p, &p->tok[i + 1], "unknown errno name '%s'%s", p->tok[i + 1].s,
			     case_did_you_mean(hint, sizeof(hint),
					       case_errno_suggest(p->tok[i + 1].s)));
		return -EINVAL;
	}
	return arg_program_band(p, i + 2, e);
}

static bool runs_program(const struct case_parser *p, int host)
{
	for (int i = 0; i < p->n_setup; i++)
		if (p->setup[i].host == host && p->setup[i].kind == CASE_STEP_EXEC)
			return true;
	for (int i = 0; i < p->n_timed; i++)
		if (p->timed[i].host == host &&
		    (p->timed[i].kind == CASE_STEP_EXEC ||
		     (p->timed[i].kind == CASE_STEP_REBOOT && p->timed[i].text)))
			return true;
	return false;
}

static bool runs_peer(const struct case_parser *p, int host)
{
	for (int i = 0; i < p->n_setup + p->n_timed; i++) {
		const struct case_step *s = i < p->n_setup ? &p->setup[i] :
							     &p->timed[i - p->n_setup];

		if (s->host == host && !case_step_is_fault(s->kind) &&
		    !case_step_is_program(s->kind))
			return true;
	}
	return false;
}

/* Is @kind what tcpfault's peer saw (its syscalls), meaningless for a program? */
static bool is_peer_only(enum case_expect_kind kind)
{
	return kind == CASE_EXPECT_ERROR || kind == CASE_EXPECT_NO_ERROR ||
	       kind == CASE_EXPECT_EOF || kind == CASE_EXPECT_RECEIVED;
}

static const char *expect_word(enum case_expect_kind kind)
{
	switch (kind) {
	case CASE_EXPECT_EXIT:
		return "exit";
	case CASE_EXPECT_OUTPUT:
		return "output";
	case CASE_EXPECT_SOCKET_ERROR:
		return "socket error";
	case CASE_EXPECT_ERROR:
		return "error";
	case CASE_EXPECT_NO_ERROR:
		return "no-error";
	case CASE_EXPECT_EOF:
		return "eof";
	default:
		return "received";
	}
}

/**
 * case_check_programs() - after the whole file: the exit, output and socket
 * error expectations are on a host that runs a program; what only tcpfault's
 * peer can see (error, no-error, eof, received) is not on a host that runs a
 * program and no peer.
 */
void case_check_programs(struct case_parser *p)
{
	if (p->failed & CASE_FAIL_STEP)
		return;
	for (int i = 0; i < p->c->n_expects; i++) {
		const struct case_expect *e = &p->c->expects[i];
		const char *host = e->host >= 0 ? p->c->hosts[e->host] : "";
		bool program = e->kind == CASE_EXPECT_EXIT || e->kind == CASE_EXPECT_OUTPUT ||
			       e->kind == CASE_EXPECT_SOCKET_ERROR;

		if (program && !runs_program(p, e->host))
			case_err(p, e->loc.line, e->loc.col,
				 "%s runs no program: '%s' is about a program started with "
				 "'%s exec COMMAND'",
				 host, expect_word(e->kind), host);
		else if (is_peer_only(e->kind) && runs_program(p, e->host) &&
			 !runs_peer(p, e->host))
			case_err(p, e->loc.line, e->loc.col,
				 "'%s' is what tcpfault's peer saw, and %s runs a program: expect "
				 "%s socket error ERRNO, exit or output",
				 expect_word(e->kind), host, host);
	}
}
