/* matrix.c - the kernel matrix; see matrix.h. */
#include "report/matrix.h"
#include "report/matrix_priv.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "common/secs.h"
#include "model/model.h"
#include "report/claims.h"
#include "report/mdhtml.h"
#include "report/run_files.h"

/* guest.txt: "accel tcg", "wall_s 812", ... */
static void mx_read_guest(struct mx_kernel *k, const char *dir)
{
	char path[4700], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/guest.txt", dir);
	snprintf(k->accel, sizeof(k->accel), "?");
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "accel ", 6))
			snprintf(k->accel, sizeof(k->accel), "%.15s", line + 6);
		else if (!strncmp(line, "wall_s ", 7))
			k->wall_s = strtol(line + 7, NULL, 10);
	}
	fclose(f);
}

static int mx_load(struct mx *m, char *why, size_t why_len)
{
	char dir[4200], path[4500];
	struct dirent **names = NULL;
	int n;

	snprintf(dir, sizeof(dir), "%s/kernels", m->run_dir);
	n = scandir(dir, &names, NULL, versionsort);
	if (n < 0) {
		snprintf(why, why_len, "%s: %s", dir, strerror(errno));
		return -errno;
	}
	for (int i = 0; i < n; i++) {
		struct mx_kernel *k = &m->k[m->n];
		struct model_kernel mk;

		if (names[i]->d_name[0] != '.' && m->n < MATRIX_MAX_KERNELS) {
			snprintf(k->release, sizeof(k->release), "%s", names[i]->d_name);
			snprintf(path, sizeof(path), "%s/%s", dir, k->release);
			mx_read_guest(k, path);
			k->summary = run_files_summary(path, why, why_len);
			if (model_kernel_from_release(k->release, &mk))
				model_kernel_from_release("6.18", &mk);
			model_params_init(&k->stock, &mk);
			m->n++;
		}
		free(names[i]);
	}
	free(names);
	if (!m->n) {
		snprintf(why, why_len,
			 "%s: no kernel's results (scripts/kernel-matrix writes them)", dir);
		return -ENOENT;
	}
	return 0;
}

static const char *mx_how(const struct mx_kernel *k)
{
	if (!strcmp(k->accel, "tcg"))
		return "VM, TCG (emulated: timing reported, not judged)";
	if (!strcmp(k->accel, "kvm"))
		return "VM, KVM";
	return !strcmp(k->accel, "host") ? "this machine" : "?";
}

static long mx_total(const struct mx_kernel *k, const char *what)
{
	return (long)json_integer_value(
		json_object_get(json_object_get(k->summary, "totals"), what));
}

static void mx_kernels(struct mx *m, struct mdhtml *d)
{
	static const char *const head[] = { "kernel", "ran on", "wall", "pass",
					    "fail",   "error",	"skip", "observer" };

	mdhtml_h2(d, "Kernels");
	mdhtml_row(d, head, 8);
	for (int i = 0; i < m->n; i++) {
		struct mx_kernel *k = &m->k[i];
		char wall[32], n[4][24];
		const char *cells[8] = { k->release, mx_how(k), wall, n[0], n[1], n[2], n[3], "-" };
		static const char *const tot[] = { "pass", "fail", "error", "skip" };

		snprintf(wall, sizeof(wall), "%ld s", k->wall_s);
		for (int t = 0; t < 4; t++)
			snprintf(n[t], sizeof(n[t]), "%ld", mx_total(k, tot[t]));
		if (!k->summary) {
			cells[3] = "no results";
			m->failures++;
		} else if (mx_total(k, "fail") || mx_total(k, "error")) {
			m->failures++;
		}
		if (k->summary)
			cells[7] = json_string_value(json_object_get(k->summary, "observer")) ?:
												"-";
		mdhtml_row(d, cells, 8);
	}
}

/* The run's row for claim @id, or NULL. */
json_t *mx_claim_row(const struct mx_kernel *k, const char *id)
{
	size_t i;
	json_t *c;

	json_array_foreach(json_object_get(k->summary, "claims"), i, c) {
		if (!strcmp(run_files_str(c, "id"), id))
			return c;
	}
	return NULL;
}

/* One claim on one kernel: "model 15.000 s · measured 15.310 s · confirmed";
 * checks the model against the run's. */
static void mx_claim_cell(struct mx *m, const struct mx_kernel *k, const struct claim *cl,
			  char *buf, size_t len)
{
	json_t *row = mx_claim_row(k, cl->id);
	struct model_pred pred;
	char model[48] = "-", measured[48] = "-";
	int64_t run_model = run_files_int(row, "model_ms", -1);
	bool have = claims_model(cl, &k->stock, &pred) == 0 && !pred.never;

	if (!row) {
		snprintf(buf, len, "not run");
		return;
	}
	m->checked++;
	if (have) {
		secs_fmt(model, sizeof(model), pred.value_ms, 3);
		strcat(model, " s");
	}
	if (run_files_int(row, "measured_ms", -1) >= 0) {
		secs_fmt(measured, sizeof(measured), run_files_int(row, "measured_ms", -1), 3);
		strcat(measured, " s");
	}
	snprintf(buf, len, "model %s · measured %s · %s", model, measured,
		 run_files_str(row, "verdict"));
	if ((have ? pred.value_ms : -1) != run_model) {
		char theirs[48] = "none";

		if (run_model >= 0)
			secs_fmt(theirs, sizeof(theirs), run_model, 3);
		m->mismatches++;
		fprintf(m->msgs,
			"matrix: %s on %s: predict --kernel %s gives %s, the run's own model %s s\n",
			cl->id, k->release, k->release, model, theirs);
		snprintf(buf + strlen(buf), len - strlen(buf), " · MODEL DISAGREES (run: %s s)",
			 theirs);
	}
}

static void mx_claims(struct mx *m, struct mdhtml *d)
{
	const char *cells[2 + MATRIX_MAX_KERNELS];
	char buf[MATRIX_MAX_KERNELS][MATRIX_CELL];

	mdhtml_h2(d, "Claims x kernels");
	mdhtml_p(d,
		 "model: the timing model for that release and the claim's own settings "
		 "(tcpfault predict --kernel RELEASE); measured: the first timed observation "
		 "of a passing case citing the claim, from the model's clock origin; the "
		 "verdict and its reason are the run's claims table (claims.md of each kernel).");
	cells[0] = "claim";
	cells[1] = "article says";
	for (int i = 0; i < m->n; i++)
		cells[2 + i] = m->k[i].release;
	mdhtml_row(d, cells, 2 + m->n);
	for (int c = 0; c < claims_count(); c++) {
		const struct claim *cl = claims_get(c);

		cells[0] = cl->id;
		cells[1] = cl->article_number ? cl->article_number : "-";
		for (int i = 0; i < m->n; i++) {
			mx_claim_cell(m, &m->k[i], cl, buf[i], sizeof(buf[i]));
			cells[2 + i] = buf[i];
		}
		mdhtml_row(d, cells, 2 + m->n);
	}
}

/* Why a claim differs or failed, kernel by kernel (the reasons are long). */
static void mx_claim_reasons(struct mx *m, struct mdhtml *d)
{
	mdhtml_h2(d, "Where a claim differs");
	for (int c = 0; c < claims_count(); c++) {
		const struct claim *cl = claims_get(c);

		for (int i = 0; i < m->n; i++) {
			json_t *row = mx_claim_row(&m->k[i], cl->id);
			const char *v = run_files_str(row, "verdict");

			if (!strcmp(v, "differs") || !strcmp(v, "failed"))
				mdhtml_p(d, "%s on %s: %s: %s", cl->id, m->k[i].release, v,
					 run_files_str(row, "reason"));
		}
	}
}

int matrix_write(const char *run_dir, FILE *msgs, char *why, size_t why_len)
{
	struct mx *m = calloc(1, sizeof(*m));
	struct mdhtml d;
	char base[4200], title[300];
	int ret;

	if (!m) {
		snprintf(why, why_len, "out of memory");
		return -ENOMEM;
	}
	m->run_dir = run_dir;
	m->msgs = msgs;
	ret = mx_load(m, why, why_len);
	snprintf(base, sizeof(base), "%s/matrix", run_dir);
	snprintf(title, sizeof(title), "Kernel matrix: %s", run_dir);
	if (!ret && (ret = mdhtml_open(&d, base, title)) != 0)
		snprintf(why, why_len, "%s.md: %s", base, strerror(-ret));
	if (!ret) {
		mx_kernels(m, &d);
		mx_claims(m, &d);
		mx_claim_reasons(m, &d);
		mx_cases(m, &d);
		mx_timing(m, &d);
		mx_model_check(m, &d);
		ret = mdhtml_close(&d);
		if (ret)
			snprintf(why, why_len, "%s.md: %s", base, strerror(-ret));
	}
	if (!ret)
		ret = m->mismatches || m->failures ? 1 : 0;
	for (int i = 0; i < m->n; i++)
		json_decref(m->k[i].summary);
	free(m);
	return ret;
}
