/* merge.c - runs merged into one; see merge.h. */
#include "report/merge.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/dirs.h"
#include "case/case_set.h"
#include "report/claims.h"
#include "report/report_run.h"
#include "report/run_files.h"

static int merge_copy_file(const char *from, const char *to)
{
	char buf[65536];
	int in = open(from, O_RDONLY | O_CLOEXEC), out, ret = 0;
	ssize_t n;

	if (in < 0)
		return -errno;
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0) {
		ret = -errno;
		goto out_close_in;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n) {
			ret = -EIO;
			break;
		}
	if (n < 0)
		ret = -errno;
	if (close(out) < 0 && !ret)
		ret = -EIO;
out_close_in:
	close(in);
	return ret;
}

/* The files of a case directory (it holds no folders), copied to @to. */
static int merge_copy_dir(const char *from, const char *to)
{
	char src[4400], dst[4500];
	struct dirent *de;
	int ret = dirs_make(to);
	DIR *d;

	if (ret)
		return ret;
	d = opendir(from);
	if (!d)
		return -errno;
	while (!ret && (de = readdir(d))) {
		struct stat st;

		snprintf(src, sizeof(src), "%s/%s", from, de->d_name);
		if (stat(src, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		if (!strcmp(de->d_name, "case.html") || strstr(de->d_name, ".tmp"))
			continue; /* pages are rewritten for the merged run */
		snprintf(dst, sizeof(dst), "%s/%s", to, de->d_name);
		ret = merge_copy_file(src, dst);
	}
	closedir(d);
	return ret;
}

struct merge_ctx {
	const char *into;
	json_t *cases, *seen, *kernels;
	char started[64], version[64];
	bool interrupted;
	int64_t not_run;
	char *why;
	size_t why_len;
};

static int merge_case(struct merge_ctx *m, const char *run, json_t *c)
{
	char key[600], src[4096], dst[4200];
	int ret;

	snprintf(key, sizeof(key), "%s#%lld", run_files_case_name(src, sizeof(src), c),
		 (long long)run_files_int(c, "round", 1));
	if (json_object_get(m->seen, key)) {
		snprintf(m->why, m->why_len, "%s: %s ran in two of the runs", run, key);
		return -EEXIST;
	}
	json_object_set_new(m->seen, key, json_true());
	if (run_files_case_dir(run, c, src, sizeof(src)) == 0) {
		snprintf(dst, sizeof(dst), "%s%s", m->into, src + strlen(run));
		ret = merge_copy_dir(src, dst);
		if (ret) {
			snprintf(m->why, m->why_len, "%s -> %s: %s", src, dst, strerror(-ret));
			return ret;
		}
		json_object_set_new(c, "dir", json_string(dst));
	}
	json_array_append(m->cases, c);
	return 0;
}

static int merge_run(struct merge_ctx *m, const char *run)
{
	json_t *s = run_files_summary(run, m->why, m->why_len), *c;
	const char *kernel;
	size_t i;
	int ret = 0;

	if (!s)
		return -ENOENT;
	kernel = run_files_str(s, "kernel");
	if (!json_object_get(m->kernels, kernel))
		json_object_set_new(m->kernels, kernel, json_true());
	/* same clock format everywhere: the earliest sorts first */
	if (!m->started[0] || strcmp(run_files_str(s, "started"), m->started) < 0)
		snprintf(m->started, sizeof(m->started), "%s", run_files_str(s, "started"));
	if (!m->version[0])
		snprintf(m->version, sizeof(m->version), "%s", run_files_str(s, "version"));
	m->interrupted |= json_is_true(json_object_get(s, "interrupted"));
	m->not_run += run_files_int(json_object_get(s, "totals"), "not_run", 0);
	json_array_foreach(json_object_get(s, "cases"), i, c)
		if (!ret)
			ret = merge_case(m, run, c);
	json_decref(s);
	return ret;
}

/* The folders holding the cases' files ("cases/handshake/x.case"): their
 * common parent when they share one (so that a claim's other cases, also
 * those of another tier, are known as in a run of the whole folder). */
static int merge_case_paths(const json_t *cases, char ***paths)
{
	json_t *dirs = json_object();
	const json_t *c;
	const char *dir;
	char buf[4096], root[4096] = "";
	bool one_root = true;
	size_t i;
	int n = 0;

	json_array_foreach(cases, i, c) {
		snprintf(buf, sizeof(buf), "%s", run_files_str(c, "file"));
		if (!buf[0])
			continue;
		dir = dirname(buf);
		json_object_set_new(dirs, dir, json_true());
		snprintf(buf, sizeof(buf), "%s", dir);
		dir = dirname(buf);
		one_root &= !root[0] || !strcmp(root, dir);
		snprintf(root, sizeof(root), "%s", dir);
	}
	*paths = calloc(json_object_size(dirs) + 1, sizeof(**paths));
	if (*paths && one_root && root[0])
		(*paths)[n++] = strdup(root);
	else if (*paths)
		json_object_foreach(dirs, dir, c)
			(*paths)[n++] = strdup(dir);
	json_decref(dirs);
	return n;
}

/* The claims table over every merged case (claims.md written too); NULL
 * when the case files cannot be read here. */
static json_t *merge_claims(const struct merge_ctx *m)
{
	struct suite s = { 0 };
	char **paths = NULL;
	int n = merge_case_paths(m->cases, &paths), failed = 0;
	json_t *rows = NULL;
	FILE *quiet = fopen("/dev/null", "we");

	if (n > 0 && quiet && suite_load(&s, paths, n, quiet) == 0)
		rows = claims_for_run(&s, m->cases, m->into, &failed);
	suite_free(&s);
	if (quiet)
		fclose(quiet);
	for (int i = 0; paths && i < n; i++)
		free(paths[i]);
	free(paths);
	return rows;
}

static void merge_ktap(const struct merge_ctx *m, FILE *f)
{
	const json_t *c;
	char name[512];
	size_t i;

	fprintf(f, "TAP version 13\n1..%zu\n# tcpfault %s, merged into %s\n",
		json_array_size(m->cases), m->version, m->into);
	json_array_foreach(m->cases, i, c) {
		enum run_outcome o = run_files_outcome(c);

		char reason[1024];

		run_files_case_name(name, sizeof(name), c);
		run_files_one_line(reason, sizeof(reason), run_files_str(c, "reason"));
		if (o == RUN_SKIPPED)
			fprintf(f, "ok %zu %s # SKIP %s\n", i + 1, name, reason);
		else if (o == RUN_PASSED)
			fprintf(f, "ok %zu %s\n", i + 1, name);
		else
			fprintf(f, "not ok %zu %s\n# %s: %s\n", i + 1, name,
				run_files_str(c, "verdict"), reason);
	}
}

static json_t *merge_summary(const struct merge_ctx *m, char *const *runs, int n_runs)
{
	int n[RUN_OUTCOME_COUNT] = { 0 };
	json_t *root, *from = json_array(), *claims;
	const json_t *c;
	const char *kernel = "";
	size_t i;

	json_array_foreach(m->cases, i, c)
		n[run_files_outcome(c)]++;
	for (int k = 0; k < n_runs; k++)
		json_array_append_new(from, json_string(runs[k]));
	json_object_foreach(m->kernels, kernel, c)
		break; /* the first; "kernels" lists them all when they differ */
	root = json_pack("{s:s s:s s:s s:s s:b s:{s:i s:i s:i s:i s:I} s:O s:o}", "tool",
			 "tcpfault", "version", m->version, "kernel", kernel ? kernel : "",
			 "started", m->started, "interrupted", m->interrupted, "totals", "pass",
			 n[RUN_PASSED], "fail", n[RUN_FAILED], "error", n[RUN_ERROR], "skip",
			 n[RUN_SKIPPED], "not_run", (json_int_t)m->not_run, "cases", m->cases,
			 "merged_from", from);
	if (root && json_object_size(m->kernels) > 1) {
		json_t *list = json_array();

		json_object_foreach(m->kernels, kernel, c)
			json_array_append_new(list, json_string(kernel));
		json_object_set_new(root, "kernels", list);
	}
	claims = merge_claims(m);
	if (root && claims)
		json_object_set_new(root, "claims", claims);
	else
		json_decref(claims);
	return root;
}

static int merge_write(const struct merge_ctx *m, const json_t *summary)
{
	char path[4200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/summary.json", m->into);
	if (json_dump_file(summary, path, JSON_INDENT(2)) < 0)
		return -EIO;
	snprintf(path, sizeof(path), "%s/ktap.txt", m->into);
	f = fopen(path, "we");
	if (!f)
		return -errno;
	merge_ktap(m, f);
	return fclose(f) ? -EIO : 0;
}

int merge_runs(char *const *runs, int n_runs, const char *into, char *why, size_t why_len)
{
	struct merge_ctx m = { .into = into, .why = why, .why_len = why_len };
	json_t *summary = NULL;
	int ret = dirs_make(into);

	if (ret) {
		snprintf(why, why_len, "%s: %s", into, strerror(-ret));
		return ret;
	}
	m.cases = json_array();
	m.seen = json_object();
	m.kernels = json_object();
	for (int i = 0; !ret && i < n_runs; i++)
		ret = merge_run(&m, runs[i]);
	if (!ret) {
		summary = merge_summary(&m, runs, n_runs);
		ret = summary ? merge_write(&m, summary) : -ENOMEM;
		if (ret)
			snprintf(why, why_len, "%s: %s", into, strerror(-ret));
	}
	if (!ret)
		ret = report_run_write(into, why, why_len);
	json_decref(summary);
	json_decref(m.cases);
	json_decref(m.seen);
	json_decref(m.kernels);
	return ret;
}
