/* run_files.c - a finished run's files, read back; see run_files.h. */
#include "report/run_files.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

json_t *run_files_summary(const char *run_dir, char *why, size_t why_len)
{
	char path[4096];
	json_error_t jerr;
	json_t *root;

	snprintf(path, sizeof(path), "%s/summary.json", run_dir);
	root = json_load_file(path, 0, &jerr);
	if (!root) {
		snprintf(why, why_len, "%s: %s", path, jerr.text);
		return NULL;
	}
	if (!json_is_object(root) || !json_is_array(json_object_get(root, "cases"))) {
		snprintf(why, why_len, "%s: not a tcpfault summary (no \"cases\" array)", path);
		json_decref(root);
		return NULL;
	}
	return root;
}

const char *run_files_str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

int64_t run_files_int(const json_t *o, const char *key, int64_t dflt)
{
	const json_t *v = json_object_get(o, key);

	if (json_is_integer(v))
		return json_integer_value(v);
	if (json_is_real(v))
		return (int64_t)json_real_value(v);
	return dflt;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int run_files_case_dir(const char *run_dir, const json_t *c, char *buf, size_t len)
{
	const char *id = run_files_str(c, "id");
	const char *ctl = json_is_true(json_object_get(c, "control")) ? ".control" : "";
	char alt[4096];

	if (!id[0]) /* a summary of an older version: the name only */
		id = run_files_str(c, "name");
	snprintf(buf, len, "%s/%s%s", run_dir, id, ctl);
	if (is_dir(buf))
		return 0;
	snprintf(alt, sizeof(alt), "%s/round%lld/%s%s", run_dir,
		 (long long)run_files_int(c, "round", 1), id, ctl);
	if (!is_dir(alt))
		return -ENOENT;
	snprintf(buf, len, "%s", alt);
	return 0;
}

enum run_outcome run_files_outcome(const json_t *c)
{
	const char *verdict = run_files_str(c, "verdict");
	bool ok = !strcmp(run_files_str(c, "ktap"), "ok");

	if (!strcmp(verdict, "skip"))
		return ok ? RUN_SKIPPED : RUN_FAILED;
	if (ok)
		return RUN_PASSED;
	return strcmp(verdict, "error") ? RUN_FAILED : RUN_ERROR;
}

const char *run_files_outcome_name(enum run_outcome o)
{
	static const char *const names[RUN_OUTCOME_COUNT] = {
		[RUN_PASSED] = "passed",
		[RUN_FAILED] = "failed",
		[RUN_ERROR] = "error",
		[RUN_SKIPPED] = "skipped",
	};

	return (unsigned)o < RUN_OUTCOME_COUNT ? names[o] : "error";
}

char *run_files_ktap_name(char *buf, size_t len, const char *id, bool control)
{
	snprintf(buf, len, "%s%s", id, control ? " [control]" : "");
	for (char *p = buf; *p; p++) {
		if (*p == '#')
			*p = '_';
		else if (*p == '\n' || *p == '\r')
			*p = ' ';
	}
	return buf;
}

char *run_files_one_line(char *buf, size_t len, const char *s)
{
	snprintf(buf, len, "%s", s);
	for (char *p = buf; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	return buf;
}

char *run_files_case_name(char *buf, size_t len, const json_t *c)
{
	const char *id = run_files_str(c, "id");

	return run_files_ktap_name(buf, len, id[0] ? id : run_files_str(c, "name"),
				   json_is_true(json_object_get(c, "control")));
}

char *run_files_theme(char *buf, size_t len, const json_t *c)
{
	const char *id = run_files_str(c, "id");
	const char *slash = strrchr(id, '/');

	if (!slash)
		snprintf(buf, len, "cases");
	else
		snprintf(buf, len, "%.*s", (int)(slash - id), id);
	return buf;
}

char *run_files_read(const char *path, size_t max)
{
	FILE *f = fopen(path, "re");
	char *text;
	size_t n;

	if (!f)
		return NULL;
	text = malloc(max + 1);
	if (!text) {
		fclose(f);
		return NULL;
	}
	n = fread(text, 1, max, f);
	text[n] = '\0';
	fclose(f);
	return text;
}

json_t *run_files_events(const char *case_dir)
{
	char path[4096], *line = NULL;
	size_t cap = 0;
	json_t *events = json_array();
	FILE *f;

	if (!events)
		return NULL;
	snprintf(path, sizeof(path), "%s/events.jsonl", case_dir);
	f = fopen(path, "re");
	if (!f)
		return events;
	while (getline(&line, &cap, f) > 0) {
		json_t *ev = json_loads(line, 0, NULL);

		if (json_is_object(ev))
			json_array_append_new(events, ev);
		else
			json_decref(ev);
	}
	free(line);
	fclose(f);
	return events;
}

bool run_files_unjudged(json_t *r, size_t i, char *buf, size_t len)
{
	size_t k;
	json_t *ex;

	json_array_foreach(json_object_get(r, "expectations"), k, ex) {
		if (!json_object_get(ex, "timing") || i--)
			continue;
		snprintf(buf, len, "timing not judged (emulated): line %d: %s; observed %s",
			 (int)json_integer_value(json_object_get(ex, "line")),
			 json_string_value(json_object_get(ex, "expected")) ?: "",
			 json_string_value(json_object_get(ex, "observed")) ?: "");
		return true;
	}
	return false;
}
