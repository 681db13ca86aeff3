/* test_case_wire.c - "expect wire" lines (harness/case_wire.c): good lines
 * field by field, and one row per error with the exact first line of the
 * diagnostic ("file:line:col: error: msg").
 */
#include "case/case.h"

#include <check.h>

#include "check_run.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define T "title t\n"

/* Parse @text as "t.case"; the diagnostics (malloc'd) and the case (or NULL). */
static char *parse(const char *text, struct case_def **out)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	struct case_def *c;

	ck_assert_ptr_nonnull(f);
	c = case_parse_buffer("t.case", text, strlen(text), f);
	fclose(f);
	*out = c;
	return buf;
}

static const struct case_expect *parse_one(const char *text, struct case_def **c)
{
	char *diag = parse(text, c);

	ck_assert_msg(*c != NULL, "parse failed:\n%s", diag);
	ck_assert_str_eq(diag, "");
	free(diag);
	ck_assert_int_eq((*c)->n_expects, 1);
	ck_assert_int_eq((*c)->expects[0].kind, CASE_EXPECT_WIRE);
	return &(*c)->expects[0];
}

START_TEST(count_exact)
{
	struct case_def *c;
	const struct case_expect *e = parse_one(T "expect wire client sent SYN count 4\n", &c);

	ck_assert_int_eq(e->host, 0);
	ck_assert(!e->wire.received);
	ck_assert_int_eq(e->wire.seg, CASE_SEG_SYN);
	ck_assert(!e->wire.has_gaps);
	ck_assert_int_eq(e->wire.cmp, CASE_CMP_EQ);
	ck_assert_int_eq(e->wire.count, 4);
	ck_assert_int_eq(e->when, CASE_WHEN_END);
	ck_assert_uint_eq(e->loc.line, 2);
	case_free(c);
}
END_TEST

static const struct {
	const char *text;
	enum case_cmp cmp;
	long long n;
} cmps[] = {
	{ "count >= 2", CASE_CMP_GE, 2 }, { "count >=2", CASE_CMP_GE, 2 },
	{ "count <= 0", CASE_CMP_LE, 0 }, { "count > 1", CASE_CMP_GT, 1 },
	{ "count <3", CASE_CMP_LT, 3 },	  { "count 0", CASE_CMP_EQ, 0 },
};

START_TEST(count_comparisons)
{
	char text[128];
	struct case_def *c;
	const struct case_expect *e;

	snprintf(text, sizeof(text), T "expect wire server received SYN-ACK %s\n", cmps[_i].text);
	e = parse_one(text, &c);
	ck_assert(e->wire.received);
	ck_assert_int_eq(e->host, 1);
	ck_assert_int_eq(e->wire.seg, CASE_SEG_SYN_ACK);
	ck_assert_int_eq(e->wire.cmp, cmps[_i].cmp);
	ck_assert_int_eq(e->wire.count, cmps[_i].n);
	case_free(c);
}
END_TEST

START_TEST(gaps_tolerance_window)
{
	struct case_def *c;
	const struct case_expect *e = parse_one(
		T "expect wire client sent SYN gaps 1 1 1 2 4 tolerance 0.2 from 0 to 12\n", &c);

	ck_assert(e->wire.has_gaps);
	ck_assert_int_eq(e->wire.n_gaps, 5);
	ck_assert_int_eq(e->wire.gaps_ms[3], 2000);
	ck_assert_int_eq(e->wire.gaps_ms[4], 4000);
	ck_assert_int_eq(e->wire.tolerance_ms, 200);
	ck_assert_int_eq(e->when, CASE_WHEN_DURING);
	ck_assert_int_eq(e->from_ms, 0);
	ck_assert_int_eq(e->to_ms, 12000);
	case_free(c);
}
END_TEST

START_TEST(gaps_default_tolerance_units)
{
	struct case_def *c;
	const struct case_expect *e =
		parse_one(T "expect wire server sent FIN gaps 200ms 0.4s\n", &c);

	ck_assert_int_eq(e->wire.seg, CASE_SEG_FIN);
	ck_assert_int_eq(e->wire.n_gaps, 2);
	ck_assert_int_eq(e->wire.gaps_ms[0], 200);
	ck_assert_int_eq(e->wire.gaps_ms[1], 400);
	ck_assert_int_eq(e->wire.tolerance_ms, 100);
	case_free(c);
}
END_TEST

START_TEST(every_segment_name)
{
	static const char *const names[] = { "SYN", "SYN-ACK", "ACK", "DATA", "FIN", "RST", "ANY" };
	char text[128];

	ck_assert_int_eq(ARRAY_SIZE(names), CASE_SEG_COUNT);
	for (int k = 0; k < CASE_SEG_COUNT; k++) {
		struct case_def *c;
		const struct case_expect *e;

		snprintf(text, sizeof(text), T "expect wire client sent %s count 1\n", names[k]);
		e = parse_one(text, &c);
		ck_assert_int_eq(e->wire.seg, k);
		ck_assert_str_eq(case_seg_kind_name(e->wire.seg), names[k]);
		case_free(c);
	}
}
END_TEST

static const struct bad_case {
	const char *name;
	const char *text;
	const char *first;
} bad_cases[] = {
	{ "nothing", T "expect wire\n",
	  "t.case:2:8: error: 'wire' needs HOST sent|received SEGMENT count N (or gaps G...)" },
	{ "host only", T "expect wire client\n",
	  "t.case:2:8: error: 'wire' needs HOST sent|received SEGMENT count N (or gaps G...)" },
	{ "unknown host", T "expect wire srv sent SYN count 1\n",
	  "t.case:2:13: error: unknown host 'srv': this case's hosts are client, server" },
	{ "direction typo", T "expect wire client send SYN count 1\n",
	  "t.case:2:20: error: unknown direction 'send'; did you mean 'sent'?" },
	{ "direction unknown", T "expect wire client got SYN count 1\n",
	  "t.case:2:20: error: expected 'sent' or 'received', got 'got'" },
	{ "segment lower case", T "expect wire client sent syn count 1\n",
	  "t.case:2:25: error: unknown segment 'syn'; did you mean 'SYN'?" },
	{ "segment typo", T "expect wire client sent SYNACK count 1\n",
	  "t.case:2:25: error: unknown segment 'SYNACK'; did you mean 'SYN-ACK'?" },
	{ "segment unknown", T "expect wire client sent PUSH count 1\n",
	  "t.case:2:25: error: unknown segment 'PUSH': expected SYN, SYN-ACK, ACK, DATA, FIN, RST "
	  "or ANY" },
	{ "no count", T "expect wire client sent SYN\n",
	  "t.case:2:25: error: 'SYN' needs 'count N' or 'gaps G...'" },
	{ "neither count nor gaps", T "expect wire client sent SYN times 4\n",
	  "t.case:2:29: error: expected 'count' or 'gaps' after 'SYN', got 'times'" },
	{ "count missing", T "expect wire client sent SYN count\n",
	  "t.case:2:29: error: 'count' needs N (or >= N, <= N, > N, < N)" },
	{ "count op missing n", T "expect wire client sent SYN count >=\n",
	  "t.case:2:35: error: '>=' needs N" },
	{ "count bad", T "expect wire client sent SYN count four\n",
	  "t.case:2:35: error: bad count 'four': expected 0..1000000000" },
	{ "count negative", T "expect wire client sent SYN count -1\n",
	  "t.case:2:35: error: bad count '-1': expected 0..1000000000" },
	{ "count bad op", T "expect wire client sent SYN count => 2\n",
	  "t.case:2:35: error: bad comparison '=>': expected >=, <=, > or <" },
	{ "count eq op", T "expect wire client sent SYN count ==2\n",
	  "t.case:2:35: error: bad comparison '==2': expected >=, <=, > or <" },
	{ "gaps empty", T "expect wire client sent SYN gaps\n",
	  "t.case:2:29: error: 'gaps' needs at least one DURATION" },
	{ "gaps bad", T "expect wire client sent SYN gaps 1 x\n",
	  "t.case:2:36: error: bad duration 'x': expected seconds like 1.5, 1.5s or 250ms" },
	{ "gaps too many", T "expect wire client sent SYN gaps 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1\n",
	  "t.case:2:66: error: more than 16 gaps" },
	{ "tolerance with count", T "expect wire client sent SYN count 4 tolerance 1\n",
	  "t.case:2:37: error: 'tolerance' goes with 'gaps', not with 'count'" },
	{ "tolerance missing", T "expect wire client sent SYN gaps 1 tolerance\n",
	  "t.case:2:36: error: 'tolerance' needs a DURATION" },
	{ "tolerance twice", T "expect wire client sent SYN gaps 1 tolerance 1 tolerance 2\n",
	  "t.case:2:48: error: unexpected 'tolerance' after 'expect wire client sent SYN gaps 1 "
	  "tolerance 1'" },
	{ "window bad", T "expect wire client sent SYN count 1 from 2 to 1\n",
	  "t.case:2:47: error: empty window: 1.0 s is not after 2.0 s" },
	{ "window to", T "expect wire client sent SYN count 1 from 2 till 3\n",
	  "t.case:2:44: error: expected 'to', got 'till'" },
	{ "window short", T "expect wire client sent SYN count 1 from 2\n",
	  "t.case:2:37: error: 'from' needs TIME to TIME" },
	{ "window twice", T "expect wire client sent SYN count 1 from 1 to 2 from 1 to 2\n",
	  "t.case:2:49: error: unexpected 'from' after 'expect wire client sent SYN count 1 from 1 "
	  "to 2'" },
	{ "window after end", T "end 5\nexpect wire client sent SYN count 1 from 1 to 6\n",
	  "t.case:3:47: error: expectation at 6.0 s is after the end of the case (5.0 s)" },
	{ "extra", T "expect wire client sent SYN count 1 now\n",
	  "t.case:2:37: error: unexpected 'now' after 'expect wire client sent SYN count 1'" },
	{ "wire after host", T "expect client wire sent SYN count 1\n",
	  "t.case:2:15: error: 'wire' comes before the host: expect wire client ..." },
};

START_TEST(bad_line)
{
	const struct bad_case *b = &bad_cases[_i];
	struct case_def *c;
	char *diag = parse(b->text, &c), *nl;

	ck_assert_msg(c == NULL, "%s: parsed", b->name);
	nl = strchr(diag, '\n');
	if (nl)
		*nl = '\0';
	ck_assert_msg(!strcmp(diag, b->first), "%s:\n got  %s\n want %s", b->name, diag, b->first);
	free(diag);
}
END_TEST

START_TEST(control_keeps_wire)
{
	struct case_def *c, *ctl;
	char *diag = parse(T "client connect server 80\nat 1 kill server\n"
			     "expect wire server sent RST count 1\ncontrol without kill\n",
			   &c);

	ck_assert_msg(c != NULL, "%s", diag);
	free(diag);
	ctl = case_control(c);
	ck_assert_ptr_nonnull(ctl);
	ck_assert_int_eq(ctl->n_expects, 1);
	ck_assert_int_eq(ctl->expects[0].wire.seg, CASE_SEG_RST);
	ck_assert_int_eq(ctl->expects[0].wire.count, 1);
	case_free(ctl);
	case_free(c);
}
END_TEST

static Suite *case_wire_suite(void)
{
	Suite *s = suite_create("case_wire");
	TCase *tc = tcase_create("good");

	tcase_add_test(tc, count_exact);
	tcase_add_loop_test(tc, count_comparisons, 0, ARRAY_SIZE(cmps));
	tcase_add_test(tc, gaps_tolerance_window);
	tcase_add_test(tc, gaps_default_tolerance_units);
	tcase_add_test(tc, every_segment_name);
	tcase_add_test(tc, control_keeps_wire);
	suite_add_tcase(s, tc);
	tc = tcase_create("bad");
	tcase_add_loop_test(tc, bad_line, 0, ARRAY_SIZE(bad_cases));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(case_wire_suite());
}
