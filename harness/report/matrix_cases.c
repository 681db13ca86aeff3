/* matrix_cases.c - the kernel matrix's cases, timing and model check; see
 * matrix_priv.h. */
#include "report/matrix_priv.h"

#include <stdlib.h>
#include <string.h>

#include "common/secs.h"
#include "report/run_files.h"

#define MX_MAX_CASES 1024
#define MX_MAX_DELTAS 4096

/* Kernel @k's result of case @id (its control when @control), or NULL. */
static json_t *mx_case(const struct mx_kernel *k, const char *id, bool control)
{
	size_t i;
	json_t *c;

	json_array_foreach(json_object_get(k->summary, "cases"), i, c) {
		if (!strcmp(run_files_str(c, "id"), id) &&
		    json_is_true(json_object_get(c, "control")) == control)
			return c;
	}
	return NULL;
}

/* The distinct case ids of every kernel, in run order: borrowed strings. */
static int mx_case_ids(const struct mx *m, const char **ids, int max)
{
	int n = 0;

	for (int i = 0; i < m->n; i++) {
		size_t j;
		json_t *c;

		json_array_foreach(json_object_get(m->k[i].summary, "cases"), j, c) {
			const char *id = run_files_str(c, "id");
			int k = 0;

			while (k < n && strcmp(ids[k], id))
				k++;
			if (k == n && n < max && id[0])
				ids[n++] = id;
		}
	}
	return n;
}

static int mx_unjudged(json_t *c)
{
	size_t i;
	json_t *ex;
	int n = 0;

	json_array_foreach(json_object_get(c, "expectations"), i, ex)
		n += json_object_get(ex, "timing") != NULL;
	return n;
}

/* "pass", "pass · timing not judged x2", "skip: needs ...", "fail: line 4: ..." */
static void mx_case_cell(const struct mx_kernel *k, const char *id, char *buf, size_t len)
{
	json_t *c = mx_case(k, id, false), *ctl = mx_case(k, id, true);
	enum run_outcome o;
	char reason[200];

	if (!c) {
		snprintf(buf, len, "-");
		return;
	}
	o = run_files_outcome(c);
	run_files_one_line(reason, sizeof(reason), run_files_str(c, "reason"));
	if (o == RUN_PASSED)
		snprintf(buf, len, "pass");
	else
		snprintf(buf, len, "%s: %s", o == RUN_SKIPPED ? "skip" : run_files_outcome_name(o),
			 reason);
	if (mx_unjudged(c))
		snprintf(buf + strlen(buf), len - strlen(buf), " · timing not judged x%d",
			 mx_unjudged(c));
	if (ctl && run_files_outcome(ctl) != RUN_PASSED && run_files_outcome(ctl) != RUN_SKIPPED)
		snprintf(buf + strlen(buf), len - strlen(buf), " · control %s",
			 !strcmp(run_files_str(ctl, "verdict"), "pass") ? "passed (cannot fail)" :
									  "error");
}

void mx_cases(struct mx *m, struct mdhtml *d)
{
	static const char *ids[MX_MAX_CASES];
	const char *cells[1 + MATRIX_MAX_KERNELS];
	char buf[MATRIX_MAX_KERNELS][MATRIX_CELL];
	int n = mx_case_ids(m, ids, MX_MAX_CASES);

	mdhtml_h2(d, "Cases x kernels");
	mdhtml_p(d, "Each case with its control (--with-controls). A case that needs a newer "
		    "kernel's knob is a skip there, naming the release.");
	cells[0] = "case";
	for (int i = 0; i < m->n; i++)
		cells[1 + i] = m->k[i].release;
	mdhtml_row(d, cells, 1 + m->n);
	for (int c = 0; c < n; c++) {
		cells[0] = ids[c];
		for (int i = 0; i < m->n; i++) {
			mx_case_cell(&m->k[i], ids[c], buf[i], sizeof(buf[i]));
			cells[1 + i] = buf[i];
		}
		mdhtml_row(d, cells, 1 + m->n);
	}
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Guest minus host for every expectation timed in both (same case, same line). */
static int mx_deltas(const struct mx_kernel *g, const struct mx_kernel *h, int64_t *out, int max)
{
	size_t i, j;
	json_t *c, *ex;
	int n = 0;

	json_array_foreach(json_object_get(g->summary, "cases"), i, c) {
		json_t *hc = mx_case(h, run_files_str(c, "id"),
				     json_is_true(json_object_get(c, "control")));

		if (!hc || json_is_true(json_object_get(c, "control")))
			continue;
		json_array_foreach(json_object_get(c, "expectations"), j, ex) {
			json_t *hx = json_array_get(json_object_get(hc, "expectations"), j);

			if (n < max && hx && json_is_integer(json_object_get(ex, "offset_ms")) &&
			    json_is_integer(json_object_get(hx, "offset_ms")) &&
			    run_files_int(ex, "line", 0) == run_files_int(hx, "line", -1))
				out[n++] = run_files_int(ex, "offset_ms", 0) -
					   run_files_int(hx, "offset_ms", 0);
		}
	}
	qsort(out, (size_t)n, sizeof(*out), cmp_i64);
	return n;
}

static void mx_timing_row(struct mdhtml *d, const struct mx_kernel *g, const struct mx_kernel *h)
{
	static int64_t dl[MX_MAX_DELTAS];
	int n = mx_deltas(g, h, dl, MX_MAX_DELTAS), unj = 0;
	char cnt[16], med[32] = "-", lo[32] = "-", hi[32] = "-", nj[16];
	const char *cells[7] = { g->release, g->accel, cnt, med, lo, hi, nj };
	size_t i;
	json_t *c;

	json_array_foreach(json_object_get(g->summary, "cases"), i, c)
		unj += mx_unjudged(c);
	snprintf(cnt, sizeof(cnt), "%d", n);
	snprintf(nj, sizeof(nj), "%d", unj);
	if (n) {
		secs_fmt(med, sizeof(med), dl[n / 2], 3);
		secs_fmt(lo, sizeof(lo), dl[0], 3);
		secs_fmt(hi, sizeof(hi), dl[n - 1], 3);
	}
	mdhtml_row(d, cells, 7);
}

static void mx_unjudged_list(struct mx *m, struct mdhtml *d)
{
	char line[600];

	for (int k = 0; k < m->n; k++) {
		size_t i;
		json_t *c;

		json_array_foreach(json_object_get(m->k[k].summary, "cases"), i, c) {
			for (size_t e = 0; run_files_unjudged(c, e, line, sizeof(line)); e++)
				mdhtml_p(d, "%s, %s%s: %s", m->k[k].release, run_files_str(c, "id"),
					 json_is_true(json_object_get(c, "control")) ?
						 " [control]" :
						 "",
					 line);
		}
	}
}

void mx_timing(struct mx *m, struct mdhtml *d)
{
	static const char *const head[] = { "kernel",  "ran on",  "timed in both", "median (s)",
					    "min (s)", "max (s)", "not judged" };
	const struct mx_kernel *h = NULL;

	mdhtml_h2(d, "Timing against the host");
	for (int i = 0; i < m->n; i++)
		if (!strcmp(m->k[i].accel, "host"))
			h = &m->k[i];
	if (!h) {
		mdhtml_p(d, "No run on this machine's kernel (--kernel host) to compare with.");
	} else {
		mdhtml_p(d,
			 "Each expectation timed on both kernels (same case, same line): the "
			 "guest's time minus the host's (%s), in seconds.",
			 h->release);
		mdhtml_row(d, head, 7);
		for (int i = 0; i < m->n; i++)
			if (&m->k[i] != h && m->k[i].summary)
				mx_timing_row(d, &m->k[i], h);
	}
	mx_unjudged_list(m, d);
}

void mx_model_check(struct mx *m, struct mdhtml *d)
{
	mdhtml_h2(d, "Model check");
	if (!m->mismatches)
		mdhtml_p(d,
			 "predict --kernel RELEASE agrees with the model each run computed from "
			 "its own kernel's defaults: %d claim x kernel comparisons, no "
			 "disagreement.",
			 m->checked);
	else
		mdhtml_p(d,
			 "%d of %d claim x kernel comparisons disagree: predict --kernel "
			 "RELEASE (the compiled defaults of that release) is not what the run "
			 "found on that kernel; see the cells marked MODEL DISAGREES.",
			 m->mismatches, m->checked);
}
