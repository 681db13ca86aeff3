/* junit.c - junit.xml from a run's files; see junit.h. */
#include "report/junit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/run_files.h"
#include "report/xml_out.h"

#define JUNIT_REPORT_MAX (64 * 1024) /* report.txt beyond this is cut */

struct junit_counts {
	int tests, failures, errors, skipped;
	int64_t ms;
};

static void junit_count(struct junit_counts *n, const json_t *c)
{
	enum run_outcome o = run_files_outcome(c);

	n->tests++;
	n->failures += o == RUN_FAILED;
	n->errors += o == RUN_ERROR;
	n->skipped += o == RUN_SKIPPED;
	n->ms += run_files_int(c, "duration_ms", 0);
}

static void junit_counts_attrs(FILE *f, const struct junit_counts *n)
{
	fprintf(f, " tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\" time=\"%.3f\"",
		n->tests, n->failures, n->errors, n->skipped, (double)n->ms / 1000);
}

/* "line 31: expected ...; observed ..." of the first expectation that did
 * not pass, else the case's reason. */
static void junit_failure_message(FILE *f, const json_t *c)
{
	const json_t *ex;
	size_t i;

	if (json_is_true(json_object_get(c, "control")) &&
	    !strcmp(run_files_str(c, "verdict"), "pass")) {
		fputs("the control run (cause removed) passed: this case cannot fail", f);
		return;
	}
	json_array_foreach(json_object_get(c, "expectations"), i, ex) {
		if (!strcmp(run_files_str(ex, "verdict"), "pass"))
			continue;
		xml_printf(f, "line %lld: expected %s; observed %s",
			   (long long)run_files_int(ex, "line", 0), run_files_str(ex, "expected"),
			   run_files_str(ex, "observed"));
		return;
	}
	xml_put(f, run_files_str(c, "reason"));
}

/* What a person reads in the CI's test view: the case at a glance. */
static void junit_case_summary(FILE *f, const json_t *c)
{
	const char *key;
	const json_t *ex, *p;
	size_t i;

	xml_printf(f, "%s\nfile: %s\nverdict: %s%s%s\n", run_files_str(c, "title"),
		   run_files_str(c, "file"), run_files_str(c, "verdict"),
		   run_files_str(c, "reason")[0] ? ": " : "", run_files_str(c, "reason"));
	json_array_foreach(json_object_get(c, "expectations"), i, ex)
		xml_printf(f, "%-4s line %lld: expected %s; observed %s\n",
			   run_files_str(ex, "verdict"), (long long)run_files_int(ex, "line", 0),
			   run_files_str(ex, "expected"), run_files_str(ex, "observed"));
	json_object_foreach((json_t *)json_object_get(c, "peers"), key, p) {
		int64_t detect = run_files_int(p, "detect_ms", -1);

		xml_printf(f, "%s: errno %s, ", key,
			   run_files_str(p, "errno")[0] ? run_files_str(p, "errno") : "none");
		if (detect >= 0)
			xml_printf(f, "detected %.3f s after the fault, ", (double)detect / 1000);
		xml_printf(f, "final state %s\n",
			   run_files_str(p, "final_state")[0] ? run_files_str(p, "final_state") :
								"none");
	}
}

static void junit_failure_text(FILE *f, const char *run_dir, const json_t *c)
{
	char dir[4096], path[4200], *text;

	if (run_files_case_dir(run_dir, c, dir, sizeof(dir)))
		return;
	snprintf(path, sizeof(path), "%s/report.txt", dir);
	text = run_files_read(path, JUNIT_REPORT_MAX);
	xml_put(f, text);
	free(text);
}

static void junit_testcase(FILE *f, const char *run_dir, const json_t *c, const char *theme)
{
	enum run_outcome o = run_files_outcome(c);
	char name[512], full[512];
	const char *slash;

	run_files_case_name(full, sizeof(full), c);
	slash = strrchr(full, '/');
	snprintf(name, sizeof(name), "%s", slash ? slash + 1 : full);
	fputs("    <testcase name=\"", f);
	xml_put(f, name);
	fputs("\" classname=\"tcpfault.", f);
	xml_put(f, theme);
	fprintf(f, "\" time=\"%.3f\" file=\"", (double)run_files_int(c, "duration_ms", 0) / 1000);
	xml_put(f, run_files_str(c, "file"));
	fputs("\">\n", f);
	if (o == RUN_SKIPPED) {
		fputs("      <skipped message=\"", f);
		xml_put(f, run_files_str(c, "reason"));
		fputs("\"/>\n", f);
	} else if (o == RUN_ERROR || o == RUN_FAILED) {
		const char *tag = o == RUN_ERROR ? "error" : "failure";

		fprintf(f, "      <%s type=\"%s\" message=\"", tag, run_files_str(c, "verdict"));
		if (o == RUN_ERROR) /* the case never got to judge: why */
			xml_put(f, run_files_str(c, "reason"));
		else
			junit_failure_message(f, c);
		fputs("\">", f);
		junit_failure_text(f, run_dir, c);
		fprintf(f, "</%s>\n", tag);
	}
	fputs("      <system-out>", f);
	junit_case_summary(f, c);
	fputs("</system-out>\n    </testcase>\n", f);
}

static void junit_suite(FILE *f, const char *run_dir, const json_t *summary, const char *theme)
{
	const json_t *cases = json_object_get(summary, "cases"), *c;
	struct junit_counts n = { 0 };
	char t[512];
	size_t i;

	json_array_foreach(cases, i, c)
		if (!strcmp(run_files_theme(t, sizeof(t), c), theme))
			junit_count(&n, c);
	fputs("  <testsuite name=\"", f);
	xml_put(f, theme);
	fputc('"', f);
	junit_counts_attrs(f, &n);
	fputs(" timestamp=\"", f);
	xml_put(f, run_files_str(summary, "started"));
	fputs("\">\n    <properties>\n      <property name=\"kernel\" value=\"", f);
	xml_put(f, run_files_str(summary, "kernel"));
	fputs("\"/>\n      <property name=\"tcpfault\" value=\"", f);
	xml_put(f, run_files_str(summary, "version"));
	fputs("\"/>\n    </properties>\n", f);
	json_array_foreach(cases, i, c)
		if (!strcmp(run_files_theme(t, sizeof(t), c), theme))
			junit_testcase(f, run_dir, c, theme);
	fputs("  </testsuite>\n", f);
}

static int junit_write_file(FILE *f, const char *run_dir, const json_t *summary)
{
	const json_t *cases = json_object_get(summary, "cases"), *c;
	json_t *seen = json_object();
	struct junit_counts n = { 0 };
	char theme[512];
	size_t i;

	if (!seen)
		return -ENOMEM;
	json_array_foreach(cases, i, c)
		junit_count(&n, c);
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"tcpfault\"", f);
	junit_counts_attrs(f, &n);
	fputs(">\n", f);
	/* themes in the order their first case ran */
	json_array_foreach(cases, i, c) {
		run_files_theme(theme, sizeof(theme), c);
		if (json_object_get(seen, theme))
			continue;
		json_object_set_new(seen, theme, json_true());
		junit_suite(f, run_dir, summary, theme);
	}
	fputs("</testsuites>\n", f);
	json_decref(seen);
	return 0;
}

struct junit_args {
	const char *run_dir;
	const json_t *summary;
};

static int junit_body(FILE *f, const void *arg)
{
	const struct junit_args *a = arg;

	return junit_write_file(f, a->run_dir, a->summary);
}

int junit_write(const char *run_dir, const json_t *summary)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/junit.xml", run_dir);
	return xml_file_write(path, junit_body,
			      &(struct junit_args){ .run_dir = run_dir, .summary = summary });
}
