/* test_steps.c - unit tests of the registry of step kinds: every kind of
 * harness/case/steps.def is complete in every table that needs it.
 *
 * A fault kind has fault ops (fault/fault.c's fault_kinds[]) with an apply,
 * and no peer command; a peer action has a peer command (peer/peer_step.c)
 * and no fault ops; a program step (exec, user, wait: the runner's
 * run/run_exec.c takes them) has neither; every kind has a keyword of its own and a docs anchor
 * that is the anchor of a heading of docs/CASES.md whose section names the
 * keyword. Run from the top of the checkout (`make unit` does): the docs are
 * read from docs/CASES.md.
 */
#include "case/case.h"
#include "fault/fault.h"
#include "peer/peer.h"

#include <check.h>

#include "check_run.h"
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CASES_MD "docs/CASES.md"

START_TEST(test_keyword)
{
	enum case_step_kind k = (enum case_step_kind)_i;
	const char *name = case_step_name(k);

	ck_assert_msg(name[0] && strcmp(name, "?"), "step kind %d has no keyword", _i);
	for (int j = 0; j < _i; j++)
		ck_assert_msg(strcmp(name, case_step_name((enum case_step_kind)j)),
			      "two step kinds (%d, %d) are both '%s'", j, _i, name);
}
END_TEST

START_TEST(test_fault_ops)
{
	enum case_step_kind k = (enum case_step_kind)_i;
	const struct fault_ops *ops = fault_ops_of(k);

	if (case_step_is_fault(k)) {
		ck_assert_msg(ops, "fault '%s' has no ops in fault_kinds[] (fault/fault.c)",
			      case_step_name(k));
		ck_assert_msg(ops->apply, "fault '%s' has ops without apply", case_step_name(k));
		ck_assert(fault_is_fault(k));
	} else {
		ck_assert_msg(!ops, "peer action '%s' has fault ops", case_step_name(k));
		ck_assert(!fault_is_fault(k));
	}
}
END_TEST

START_TEST(test_peer_cmd)
{
	struct case_step st = { .kind = (enum case_step_kind)_i, .port = 8080 };
	struct peer_cmd cmd = { .kind = PEER_CMD_COUNT };
	int ret = peer_cmd_of_step(&st, &cmd);

	if (case_step_is_fault(st.kind) || case_step_is_program(st.kind)) {
		ck_assert_msg(ret == -EINVAL, "'%s' is no peer action but has a peer command",
			      case_step_name(st.kind));
		return;
	}
	ck_assert_msg(ret == 0, "peer action '%s' has no peer command (peer/peer_step.c)",
		      case_step_name(st.kind));
	ck_assert_uint_lt(cmd.kind, PEER_CMD_COUNT);
	ck_assert_uint_eq(cmd.port, 8080);
}
END_TEST

START_TEST(test_peer_cmd_answer)
{
	struct case_step st = { .kind = CASE_STEP_HEARTBEAT, .every_ms = 500, .misses = 3 };
	struct peer_cmd cmd = { 0 };

	ck_assert_int_eq(peer_cmd_of_step(&st, &cmd), 0);
	ck_assert_uint_eq(cmd.kind, PEER_CMD_HEARTBEAT);
	ck_assert_int_eq(cmd.every_ms, 500);
	ck_assert_int_eq(cmd.misses, 3);
	st.answer = true;
	ck_assert_int_eq(peer_cmd_of_step(&st, &cmd), 0);
	ck_assert_uint_eq(cmd.kind, PEER_CMD_ANSWER);
	st.kind = CASE_STEP_COUNT;
	ck_assert_int_eq(peer_cmd_of_step(&st, &cmd), -EINVAL);
}
END_TEST

/* GitHub's anchor of a heading's text: lower case, punctuation dropped
 * (hyphens and underscores kept), blanks to hyphens. */
static void anchor_of(const char *text, char *out, size_t size)
{
	size_t n = 0;

	for (; *text && *text != '\n' && n + 1 < size; text++) {
		unsigned char ch = (unsigned char)*text;

		if (isalnum(ch) || ch == '-' || ch == '_')
			out[n++] = (char)tolower(ch);
		else if (ch == ' ')
			out[n++] = '-';
	}
	out[n] = '\0';
}

static char *read_docs(void)
{
	FILE *f = fopen(CASES_MD, "r");
	char *buf;
	long len;

	ck_assert_msg(f, "cannot open %s: run from the top of the checkout", CASES_MD);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = calloc(1, (size_t)len + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_int_eq(fread(buf, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	return buf;
}

/* The heading level of the line at @s (outside code blocks), or 0. */
static int heading_level(const char *s)
{
	int level = 0;

	while (s[level] == '#')
		level++;
	return level && s[level] == ' ' ? level : 0;
}

/* The section of docs @md whose heading has anchor @anchor, from its heading
 * up to the next heading of its level or above, copied into a new string;
 * NULL when no heading has that anchor. */
static char *section_of(const char *md, const char *anchor)
{
	const char *start = NULL, *line = md;
	bool code = false;
	int level = 0;

	for (; *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : line + strlen(line)) {
		int h = code ? 0 : heading_level(line);
		char a[160];

		if (!strncmp(line, "```", 3))
			code = !code;
		if (!h)
			continue;
		if (start && h <= level)
			break;
		anchor_of(line + h + 1, a, sizeof(a));
		if (!start && !strcmp(a, anchor)) {
			start = line;
			level = h;
		}
	}
	return start ? strndup(start, (size_t)(line - start)) : NULL;
}

START_TEST(test_docs_anchor)
{
	enum case_step_kind k = (enum case_step_kind)_i;
	const char *name = case_step_name(k), *anchor = case_step_docs(k);
	char *md = read_docs(), *sec, quoted[64], spaced[64];

	ck_assert_msg(anchor[0], "step kind '%s' has no docs anchor (case/steps.def)", name);
	sec = section_of(md, anchor);
	ck_assert_msg(sec, "'%s': no heading of %s has the anchor '%s'", name, CASES_MD, anchor);
	snprintf(quoted, sizeof(quoted), "`%s`", name);
	snprintf(spaced, sizeof(spaced), "`%s ", name);
	ck_assert_msg(strstr(sec, quoted) || strstr(sec, spaced),
		      "'%s': the section '%s' of %s does not name it", name, anchor, CASES_MD);
	free(sec);
	free(md);
}
END_TEST

START_TEST(test_anchor_of)
{
	char a[96];

	anchor_of("A host crash: `host-crash`, `reboot`, `freeze`", a, sizeof(a));
	ck_assert_str_eq(a, "a-host-crash-host-crash-reboot-freeze");
	anchor_of("Faults\n", a, sizeof(a));
	ck_assert_str_eq(a, "faults");
}
END_TEST

static Suite *steps_suite(void)
{
	Suite *s = suite_create("steps");
	TCase *tc = tcase_create("registry");

	tcase_set_timeout(tc, 10);
	tcase_add_loop_test(tc, test_keyword, 0, CASE_STEP_COUNT);
	tcase_add_loop_test(tc, test_fault_ops, 0, CASE_STEP_COUNT);
	tcase_add_loop_test(tc, test_peer_cmd, 0, CASE_STEP_COUNT);
	tcase_add_test(tc, test_peer_cmd_answer);
	tcase_add_test(tc, test_anchor_of);
	tcase_add_loop_test(tc, test_docs_anchor, 0, CASE_STEP_COUNT);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(steps_suite());
}
