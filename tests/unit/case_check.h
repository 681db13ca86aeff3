/* case_check.h - helpers shared by the parser's unit tests (test_case_*.c):
 * parse a text as "t.case", expect it to parse cleanly, or expect the exact
 * first line of its diagnostics. Header-only: each test is its own program. */
#ifndef CASE_CHECK_H
#define CASE_CHECK_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case/case.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Parse @text as "t.case"; the diagnostics (malloc'd) and the case, if any. */
static inline char *parse_diag(const char *text, struct case_def **out)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	struct case_def *c;

	ck_assert_ptr_nonnull(f);
	c = case_parse_buffer("t.case", text, strlen(text), f);
	fclose(f);
	if (out)
		*out = c;
	else
		case_free(c);
	return buf;
}

/* @text must parse with no diagnostic at all. */
static inline struct case_def *parse_ok(const char *text)
{
	struct case_def *c;
	char *diag = parse_diag(text, &c);

	ck_assert_msg(c != NULL, "parse failed:\n%s", diag);
	ck_assert_str_eq(diag, "");
	free(diag);
	return c;
}

struct bad_case {
	const char *name;
	const char *text;
	const char *first; /* the exact first line of the diagnostics */
};

/* @bc->text must be refused, its first diagnostic line exactly @bc->first. */
static inline void check_bad(const struct bad_case *bc)
{
	struct case_def *c;
	char *diag = parse_diag(bc->text, &c);
	size_t n = strcspn(diag, "\n");

	ck_assert_msg(c == NULL, "%s: parsed", bc->name);
	ck_assert_msg(strlen(bc->first) == n && !strncmp(diag, bc->first, n),
		      "%s:\nexpected: %s\ngot:      %.*s", bc->name, bc->first, (int)n, diag);
	free(diag);
}

/* The @nth (from 0) step of @kind in @c; the test fails if there is none. */
static inline const struct case_step *step_of(const struct case_def *c, enum case_step_kind kind,
					      int nth)
{
	for (int i = 0; i < c->n_steps; i++)
		if (c->steps[i].kind == kind && nth-- == 0)
			return &c->steps[i];
	ck_abort_msg("no step %s", case_step_name(kind));
	return NULL;
}

#endif
