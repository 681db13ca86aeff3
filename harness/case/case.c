/* case.c - parse a case file into a struct case_def (see case.h).
 *
 * Reads the file, feeds it line by line to case_stmt.c, then runs the checks
 * that need the whole file: a title and an expectation exist, every time named
 * fits before "end" (or derives "end"), a 'within' band has a fault to count
 * from, a control removes something. Also copies a case for its control run.
 * Tokens and diagnostics: case_lex.c. Grammar: docs/CASES.md.
 */
#include "case/case.h"
#include "case/case_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CASE_END_MARGIN_MS 1000 /* derived end: last time named + 1 s */
#define CASE_LIMIT_MARGIN_MS 30000 /* hard stop: end + 30 s */

static void parse_line(struct case_parser *p, const char *s, size_t n)
{
	const char *nul = memchr(s, '\0', n);

	if (n > CASE_LINE_MAX) {
		case_err(p, p->line, 1, "line is longer than %d bytes", CASE_LINE_MAX);
		p->failed |= CASE_FAIL_ALL;
		return;
	}
	if (nul) {
		case_err(p, p->line, (unsigned int)(nul - s) + 1, "NUL byte in the line");
		p->failed |= CASE_FAIL_ALL;
		return;
	}
	if (case_lex_line(p, s, n) > 0)
		case_stmt_parse(p);
}

/* Every line, until the end, CASE_MAX_ERRORS errors or out of memory. */
static unsigned int parse_lines(struct case_parser *p)
{
	const char *s = p->text, *end = p->text + p->len;
	unsigned int line = 0;

	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));

		if (p->oom || p->n_diag >= CASE_MAX_ERRORS) {
			p->stopped = !p->oom;
			break;
		}
		p->line = ++line;
		parse_line(p, s, nl ? (size_t)(nl - s) : (size_t)(end - s));
		s = nl ? nl + 1 : end;
	}
	return line ? line : 1;
}

static bool has_step_kind(const struct case_parser *p, enum case_step_kind kind)
{
	int i;

	for (i = 0; i < p->n_setup; i++)
		if (p->setup[i].kind == kind)
			return true;
	for (i = 0; i < p->n_timed; i++)
		if (p->timed[i].kind == kind)
			return true;
	return false;
}

/* A time named at @r is past "end": say which and pin it. */
static void err_after_end(struct case_parser *p, const struct case_timeref *r, int64_t t,
			  int64_t fault_ms)
{
	char a[32], f[32], h[32], e[32];

	case_fmt_secs(a, sizeof(a), t);
	case_fmt_secs(e, sizeof(e), p->c->end_ms);
	if (r->band)
		case_err(
			p, r->line, r->col,
			"'within' ends at %s (first fault at %s + %s), after the end of the case (%s)",
			a, case_fmt_secs(f, sizeof(f), fault_ms),
			case_fmt_secs(h, sizeof(h), r->ms), e);
	else
		case_err(p, r->line, r->col, "%s at %s is after the end of the case (%s)", r->what,
			 a, e);
}

/* Bands against the first fault, times against "end", or "end" from the times. */
static void check_times(struct case_parser *p)
{
	struct case_def *c = p->c;
	int64_t fault_ms = 0, last = 0;
	bool has_fault = false;
	int i;

	for (i = 0; i < p->n_timed; i++) {
		if (case_step_is_fault(p->timed[i].kind) &&
		    (!has_fault || p->timed[i].at_ms < fault_ms)) {
			fault_ms = p->timed[i].at_ms;
			has_fault = true;
		}
	}
	for (i = 0; i < p->n_times; i++) {
		const struct case_timeref *r = &p->times[i];
		int64_t t = r->ms + (r->band ? fault_ms : 0);

		if (r->band && !has_fault) {
			if (!(p->failed & CASE_FAIL_STEP))
				case_err(
					p, r->line, r->col,
					"'within' counts from the first fault, but the case has none");
			continue;
		}
		if (p->end_line && t > c->end_ms)
			err_after_end(p, r, t, fault_ms);
		if (t > last)
			last = t;
	}
	if (!p->end_line)
		c->end_ms = last + CASE_END_MARGIN_MS;
	c->time_limit_ms = c->end_ms + CASE_LIMIT_MARGIN_MS;
}

static void check_whole(struct case_parser *p, unsigned int n_lines)
{
	int k;

	if (!p->title_line && !(p->failed & CASE_FAIL_TITLE))
		case_err(p, 1, 1, "no title: a case starts with 'title TEXT'");
	if (!p->c->n_expects && !(p->failed & CASE_FAIL_EXPECT))
		case_err(p, n_lines, 1,
			 "no expectation: a case must say what it expects (expect ...)");
	check_times(p);
	case_expect_check(p);
	case_check_rules(p); /* a drop is proven by its counter (case_drop.c) */
	case_check_mbox(p); /* so is a middlebox (case_mbox.c) */
	case_check_programs(p); /* exec hosts and their expectations (case_exec.c) */
	for (k = 0; k < CASE_STEP_COUNT; k++) {
		const char *name = case_step_name((enum case_step_kind)k);

		if (!(p->c->control_without & (1u << k)) || has_step_kind(p, k) ||
		    (p->failed & CASE_FAIL_STEP))
			continue;
		case_err(p, p->control_kind_loc[k].line, p->control_kind_loc[k].col,
			 "control without %s removes nothing: the case has no %s step", name, name);
	}
	for (k = 0; k < CASE_SOCKOPT_COUNT; k++) {
		const char *name = case_sockopt_name((enum case_sockopt_kind)k);
		bool set = false;

		for (int i = 0; i < p->c->n_sockopts; i++)
			set |= p->c->sockopts[i].kind == (enum case_sockopt_kind)k;
		if (!(p->c->control_without_opts & (1u << k)) || set ||
		    (p->failed & CASE_FAIL_SOCKOPT))
			continue;
		case_err(p, p->control_opt_loc[k].line, p->control_opt_loc[k].col,
			 "control without %s removes nothing: no sockopt line sets it", name);
	}
}

/* case_def.steps: the setup steps in file order, then the timed ones. */
static int merge_steps(struct case_parser *p)
{
	struct case_def *c = p->c;
	int n = p->n_setup + p->n_timed;

	if (!n)
		return 0;
	c->steps = malloc((size_t)n * sizeof(*c->steps));
	if (!c->steps)
		return -ENOMEM;
	if (p->n_setup)
		memcpy(c->steps, p->setup, (size_t)p->n_setup * sizeof(*c->steps));
	if (p->n_timed)
		memcpy(c->steps + p->n_setup, p->timed, (size_t)p->n_timed * sizeof(*c->steps));
	c->n_steps = n;
	return 0;
}

/* "cases/process-crash/idle.case" -> "idle". */
static void set_name(struct case_parser *p)
{
	const char *path = p->c->file, *base = strrchr(path, '/');
	size_t n;

	base = base ? base + 1 : path;
	n = strlen(base);
	if (n > 5 && !strcmp(base + n - 5, ".case"))
		n -= 5;
	if (!n)
		case_err(p, 0, 0, "no case name in the path");
	else if (n >= sizeof(p->c->name))
		case_err(p, 0, 0, "case name is longer than %zu bytes", sizeof(p->c->name) - 1);
	else
		memcpy(p->c->name, base, n);
}

static void parser_free(struct case_parser *p)
{
	free(p->setup);
	free(p->timed);
	free(p->times);
	free(p);
}

struct case_def *case_parse_buffer(const char *path, const char *text, size_t len, FILE *diag)
{
	struct case_parser *p = calloc(1, sizeof(*p));
	struct case_def *c = calloc(1, sizeof(*c));
	unsigned int n_lines;
	bool failed;

	path = path ? path : "<buffer>";
	if (!text) { /* an empty file may come as NULL; arithmetic on NULL is undefined */
		text = "";
		len = 0;
	}
	if (!p || !c || !(c->file = strdup(path))) {
		if (diag)
			fprintf(diag, "%s: error: out of memory\n", path);
		free(p);
		case_free(c);
		return NULL;
	}
	p->c = c;
	p->out = diag;
	p->text = text;
	p->len = text ? len : 0;
	case_set_topology(c, CASE_TOPO_PAIR);
	c->family = 4;
	set_name(p);
	n_lines = parse_lines(p);
	if (!p->oom)
		check_whole(p, n_lines);
	if (!p->oom && !p->n_diag && merge_steps(p))
		p->oom = true;
	if (p->oom)
		case_err(p, 0, 0, "out of memory");
	failed = p->oom || p->n_diag;
	case_diag_flush(p);
	parser_free(p);
	if (failed) {
		case_free(c);
		return NULL;
	}
	return c;
}

/* The whole file into a new buffer; over CASE_FILE_MAX bytes is -EFBIG. */
static int read_file(const char *path, char **out, size_t *len)
{
	size_t n = 0;
	char *buf;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	buf = malloc(CASE_FILE_MAX + 1);
	if (!buf) {
		ret = -ENOMEM;
		goto out_close;
	}
	while (n <= CASE_FILE_MAX) {
		ssize_t r = read(fd, buf + n, CASE_FILE_MAX + 1 - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			ret = -errno;
			goto out_free;
		}
		if (!r)
			break;
		n += (size_t)r;
	}
	if (n > CASE_FILE_MAX) {
		ret = -EFBIG;
		goto out_free;
	}
	close(fd);
	*out = buf;
	*len = n;
	return 0;
out_free:
	free(buf);
out_close:
	close(fd);
	return ret;
}

struct case_def *case_parse_file(const char *path, FILE *diag)
{
	struct case_def *c;
	char *buf = NULL;
	size_t len = 0;
	int ret;

	ret = path ? read_file(path, &buf, &len) : -EINVAL;
	if (ret < 0) {
		if (diag && ret == -EFBIG)
			fprintf(diag, "%s: error: cannot read: larger than %d bytes\n", path,
				CASE_FILE_MAX);
		else if (diag)
			fprintf(diag, "%s: error: cannot read: %s\n", path ? path : "(null)",
				strerror(-ret));
		return NULL;
	}
	c = case_parse_buffer(path, buf, len, diag);
	free(buf);
	return c;
}

void case_free(struct case_def *c)
{
	if (!c)
		return;
	free(c->sysctls);
	free(c->sockopts);
	free(c->steps);
	free(c->expects);
	for (int i = 0; i < c->n_texts; i++)
		free(c->texts[i]);
	free(c->texts);
	free(c->file);
	free(c);
}

/* A copy of @n elements of @size bytes; *@dst stays NULL for none. */
static int dup_array(void *dst, const void *src, int n, size_t size)
{
	void *copy = NULL;

	if (n > 0) {
		copy = malloc((size_t)n * size);
		if (!copy)
			return -ENOMEM;
		memcpy(copy, src, (size_t)n * size);
	}
	memcpy(dst, &copy, sizeof(copy));
	return 0;
}

/* @c's texts into @v (which has none yet); on failure @v keeps what it got. */
static int dup_texts(struct case_def *v, const struct case_def *c)
{
	if (!c->n_texts)
		return 0;
	v->texts = calloc((size_t)c->n_texts, sizeof(*v->texts));
	if (!v->texts)
		return -ENOMEM;
	for (; v->n_texts < c->n_texts; v->n_texts++) {
		v->texts[v->n_texts] = strdup(c->texts[v->n_texts]);
		if (!v->texts[v->n_texts])
			return -ENOMEM;
	}
	return 0;
}

struct case_def *case_control(const struct case_def *c)
{
	struct case_def *v;
	int i, n = 0;

	if (!c || !c->has_control)
		return NULL;
	v = calloc(1, sizeof(*v));
	if (!v)
		return NULL;
	*v = *c;
	v->sysctls = NULL;
	v->sockopts = NULL;
	v->steps = NULL;
	v->expects = NULL;
	v->texts = NULL;
	v->n_texts = 0;
	v->file = strdup(c->file);
	if (!v->file || dup_array(&v->sysctls, c->sysctls, c->n_sysctls, sizeof(*c->sysctls)) ||
	    dup_array(&v->sockopts, c->sockopts, c->n_sockopts, sizeof(*c->sockopts)) ||
	    dup_array(&v->expects, c->expects, c->n_expects, sizeof(*c->expects)) ||
	    dup_array(&v->steps, c->steps, c->n_steps, sizeof(*c->steps)) || dup_texts(v, c)) {
		case_free(v);
		return NULL;
	}
	for (i = 0; i < c->n_steps; i++)
		if (!(c->control_without & (1u << c->steps[i].kind)))
			v->steps[n++] = c->steps[i];
	v->n_steps = n;
	for (i = 0, n = 0; i < c->n_sockopts; i++)
		if (!(c->control_without_opts & (1u << c->sockopts[i].kind)))
			v->sockopts[n++] = c->sockopts[i];
	v->n_sockopts = n;
	/* every case_loc points at the copy's own file name */
	for (i = 0; i < v->n_sysctls; i++)
		v->sysctls[i].loc.file = v->file;
	for (i = 0; i < v->n_sockopts; i++)
		v->sockopts[i].loc.file = v->file;
	for (i = 0; i < v->n_expects; i++)
		v->expects[i].loc.file = v->file;
	for (i = 0; i < v->n_steps; i++)
		v->steps[i].loc.file = v->file;
	v->control_loc.file = v->file;
	for (i = 0; i < v->n_needs; i++)
		v->needs[i].loc.file = v->file;
	return v;
}
