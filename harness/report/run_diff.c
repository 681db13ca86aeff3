/* run_diff.c - two runs compared; see run_diff.h. */
#include "report/run_diff.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "report/run_files.h"

struct diff_ctx {
	int64_t tolerance_ms;
	int differences;
};

static void diff_add(struct diff_ctx *d, json_t *changes, const char *what, json_t *a, json_t *b,
		     bool flagged)
{
	json_t *ch = json_pack("{s:s s:o s:o s:b}", "what", what, "a", a ? a : json_null(), "b",
			       b ? b : json_null(), "flagged", flagged);

	d->differences += flagged;
	json_array_append_new(changes, ch);
}

static void diff_str(struct diff_ctx *d, json_t *changes, const char *what, const char *a,
		     const char *b)
{
	if (strcmp(a, b))
		diff_add(d, changes, what, json_string(a), json_string(b), true);
}

/* One time in both runs (-1: not measured) and the band of run b's model
 * (lo -1: none), which the time must stay in. */
struct diff_time {
	int64_t a, b, lo, hi;
};

/* A time in both runs: a change only past the tolerance or out of the band. */
static void diff_ms(struct diff_ctx *d, json_t *changes, const char *what,
		    const struct diff_time *t)
{
	int64_t a = t->a, b = t->b, lo = t->lo, hi = t->hi;
	int64_t delta = b - a, tol = d->tolerance_ms;
	bool out_of_band = lo >= 0 && (b < lo || b > hi);
	json_t *ch;

	if (a < 0 && b < 0)
		return;
	if (a < 0 || b < 0) {
		diff_add(d, changes, what, a < 0 ? NULL : json_integer(a),
			 b < 0 ? NULL : json_integer(b), true);
		return;
	}
	if (a / 20 > tol)
		tol = a / 20; /* 5 % of a long time */
	if (delta == 0 || (llabs(delta) <= tol && !out_of_band))
		return;
	ch = json_pack("{s:s s:I s:I s:I s:b}", "what", what, "a", (json_int_t)a, "b",
		       (json_int_t)b, "delta_ms", (json_int_t)delta, "flagged", true);
	if (out_of_band)
		json_object_set_new(ch, "band", json_pack("[I I]", (json_int_t)lo, (json_int_t)hi));
	d->differences++;
	json_array_append_new(changes, ch);
}

static void diff_peers(struct diff_ctx *d, json_t *changes, const json_t *a, const json_t *b)
{
	const json_t *pa, *pb;
	const char *host;
	char what[160];

	json_object_foreach((json_t *)json_object_get(a, "peers"), host, pa) {
		pb = json_object_get(json_object_get(b, "peers"), host);
		snprintf(what, sizeof(what), "%s errno", host);
		diff_str(d, changes, what, run_files_str(pa, "errno"), run_files_str(pb, "errno"));
		snprintf(what, sizeof(what), "%s final state", host);
		diff_str(d, changes, what, run_files_str(pa, "final_state"),
			 run_files_str(pb, "final_state"));
		snprintf(what, sizeof(what), "%s detection", host);
		diff_ms(d, changes, what,
			&(struct diff_time){ run_files_int(pa, "detect_ms", -1),
					     run_files_int(pb, "detect_ms", -1), -1, -1 });
	}
}

/* Each expectation's measured time (by its line), against b's model band. */
static void diff_expectations(struct diff_ctx *d, json_t *changes, const json_t *a, const json_t *b)
{
	const json_t *xa, *xb;
	size_t i, k;
	char what[160];

	json_array_foreach(json_object_get(a, "expectations"), i, xa)
		json_array_foreach(json_object_get(b, "expectations"), k, xb) {
			const json_t *m = json_object_get(xb, "model");

			if (run_files_int(xa, "line", -1) != run_files_int(xb, "line", -2))
				continue;
			snprintf(what, sizeof(what), "line %lld verdict",
				 (long long)run_files_int(xa, "line", 0));
			diff_str(d, changes, what, run_files_str(xa, "verdict"),
				 run_files_str(xb, "verdict"));
			snprintf(what, sizeof(what), "line %lld time",
				 (long long)run_files_int(xa, "line", 0));
			diff_ms(d, changes, what,
				&(struct diff_time){ run_files_int(xa, "offset_ms", -1),
						     run_files_int(xb, "offset_ms", -1),
						     run_files_int(m, "lo_ms", -1),
						     run_files_int(m, "hi_ms", -1) });
		}
}

static void diff_key(const json_t *c, char *buf, size_t len)
{
	char name[512];

	snprintf(buf, len, "%s#%lld", run_files_case_name(name, sizeof(name), c),
		 (long long)run_files_int(c, "round", 1));
}

static json_t *diff_index(const json_t *summary)
{
	json_t *idx = json_object();
	const json_t *c;
	char key[600];
	size_t i;

	json_array_foreach(json_object_get(summary, "cases"), i, c) {
		diff_key(c, key, sizeof(key));
		json_object_set(idx, key, (json_t *)c);
	}
	return idx;
}

static json_t *diff_case(struct diff_ctx *d, const json_t *a, const json_t *b)
{
	const json_t *c = a ? a : b;
	json_t *changes = json_array();
	char name[512];

	if (!a || !b)
		diff_add(d, changes, a ? "only in run a" : "only in run b",
			 json_string(run_files_str(c, "verdict")), NULL, true);
	else {
		diff_str(d, changes, "verdict", run_files_str(a, "verdict"),
			 run_files_str(b, "verdict"));
		diff_str(d, changes, "ktap", run_files_str(a, "ktap"), run_files_str(b, "ktap"));
		diff_peers(d, changes, a, b);
		diff_expectations(d, changes, a, b);
	}
	return json_pack("{s:s s:b s:o}", "id", run_files_case_name(name, sizeof(name), c),
			 "control", json_is_true(json_object_get(c, "control")), "changes",
			 changes);
}

/* In run a's order, then what only run b has. */
static json_t *diff_cases(struct diff_ctx *d, const json_t *sa, const json_t *sb)
{
	json_t *out = json_array(), *ia = diff_index(sa), *ib = diff_index(sb), *row;
	const json_t *c;
	char key[600];
	size_t i;

	json_array_foreach(json_object_get(sa, "cases"), i, c) {
		diff_key(c, key, sizeof(key));
		row = diff_case(d, c, json_object_get(ib, key));
		if (json_array_size(json_object_get(row, "changes")))
			json_array_append(out, row);
		json_decref(row);
	}
	json_array_foreach(json_object_get(sb, "cases"), i, c) {
		diff_key(c, key, sizeof(key));
		if (!json_object_get(ia, key))
			json_array_append_new(out, diff_case(d, NULL, c));
	}
	json_decref(ia);
	json_decref(ib);
	return out;
}

static json_t *diff_claims(struct diff_ctx *d, const json_t *sa, const json_t *sb)
{
	json_t *out = json_array();
	const json_t *ra, *rb;
	size_t i, k;

	json_array_foreach(json_object_get(sa, "claims"), i, ra) {
		json_t *changes = json_array();

		json_array_foreach(json_object_get(sb, "claims"), k, rb) {
			if (strcmp(run_files_str(ra, "id"), run_files_str(rb, "id")))
				continue;
			diff_str(d, changes, "verdict", run_files_str(ra, "verdict"),
				 run_files_str(rb, "verdict"));
			/* no band: a claim's model_band is for its stock parameters,
			 * its measure may come from a quick case */
			diff_ms(d, changes, "measured",
				&(struct diff_time){ run_files_int(ra, "measured_ms", -1),
						     run_files_int(rb, "measured_ms", -1), -1,
						     -1 });
		}
		if (json_array_size(changes))
			json_array_append_new(out,
					      json_pack("{s:s s:o}", "id", run_files_str(ra, "id"),
							"changes", changes));
		else
			json_decref(changes);
	}
	return out;
}

json_t *run_diff(const char *dir_a, const char *dir_b, int64_t tolerance_ms, char *why,
		 size_t why_len)
{
	struct diff_ctx d = { .tolerance_ms = tolerance_ms };
	json_t *sa = run_files_summary(dir_a, why, why_len), *sb, *out = NULL;

	sb = sa ? run_files_summary(dir_b, why, why_len) : NULL;
	if (sa && sb) {
		out = json_pack("{s:s s:s s:o s:o}", "a", dir_a, "b", dir_b, "cases",
				diff_cases(&d, sa, sb), "claims", diff_claims(&d, sa, sb));
		if (strcmp(run_files_str(sa, "kernel"), run_files_str(sb, "kernel"))) {
			json_object_set_new(out, "kernel",
					    json_pack("{s:s s:s}", "a", run_files_str(sa, "kernel"),
						      "b", run_files_str(sb, "kernel")));
			d.differences++;
		}
		json_object_set_new(out, "differences", json_integer(d.differences));
	}
	json_decref(sa);
	json_decref(sb);
	return out;
}

static void diff_print_value(FILE *f, const json_t *v, bool is_ms)
{
	if (json_is_integer(v) && is_ms)
		fprintf(f, "%.3f s", (double)json_integer_value(v) / 1000);
	else if (json_is_string(v))
		fputs(json_string_value(v)[0] ? json_string_value(v) : "none", f);
	else
		fputs("none", f);
}

static void diff_print_rows(FILE *f, const json_t *rows, const char *kind)
{
	const json_t *row, *ch;
	size_t i, k;

	json_array_foreach(rows, i, row)
		json_array_foreach(json_object_get(row, "changes"), k, ch) {
			bool is_ms = json_object_get(ch, "delta_ms") != NULL ||
				     json_is_integer(json_object_get(ch, "a"));

			fprintf(f, "%s %s%s: %s: ",
				json_is_true(json_object_get(ch, "flagged")) ? "!" : " ", kind,
				run_files_str(row, "id"), run_files_str(ch, "what"));
			diff_print_value(f, json_object_get(ch, "a"), is_ms);
			fputs(" -> ", f);
			diff_print_value(f, json_object_get(ch, "b"), is_ms);
			if (json_object_get(ch, "delta_ms"))
				fprintf(f, " (%+.3f s)",
					(double)run_files_int(ch, "delta_ms", 0) / 1000);
			if (json_object_get(ch, "band"))
				fputs(", outside the model's band", f);
			fputc('\n', f);
		}
}

void run_diff_print(FILE *f, const json_t *diff)
{
	const json_t *kernel = json_object_get(diff, "kernel");

	fprintf(f, "a: %s\nb: %s\n", run_files_str(diff, "a"), run_files_str(diff, "b"));
	if (kernel)
		fprintf(f, "! kernel: %s -> %s\n", run_files_str(kernel, "a"),
			run_files_str(kernel, "b"));
	diff_print_rows(f, json_object_get(diff, "cases"), "");
	diff_print_rows(f, json_object_get(diff, "claims"), "claim ");
	fprintf(f, "%lld difference%s beyond the time tolerance\n",
		(long long)run_files_int(diff, "differences", 0),
		run_files_int(diff, "differences", 0) == 1 ? "" : "s");
}
