/* case_job.c - run, verdict, report for one case; see case_job.h. */
#include "cli/case_job.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "plan/plan.h"
#include "report/result.h"
#include "report/sequence.h"
#include "run/run.h"
#include "verdict/judge.h"

/* sequence.txt and sequence.svg: what crossed the wire, drawn from the timeline. */
static void case_job_sequence(const struct run_record *rec, const char *dir)
{
	const char *hosts[CASE_MAX_HOSTS];
	bool captured[CASE_MAX_HOSTS] = { false };
	char title[CASE_TITLE_MAX + 160];

	if (!rec->tl)
		return;
	for (int h = 0; h < rec->c->n_hosts; h++) {
		hosts[h] = rec->c->hosts[h];
		captured[h] = rec->wire && rec->wire[h].captured;
	}
	snprintf(title, sizeof(title), "%s%s: %s", rec->c->name, rec->control ? " [control]" : "",
		 rec->c->title);
	sequence_write(dir,
		       &(struct sequence_conf){ .title = title,
						.hosts = hosts,
						.n_hosts = rec->c->n_hosts,
						.captured = captured },
		       rec->tl);
}

/* --keep: the namespaces of a case that did not pass outlive the worker;
 * report.txt says how to enter them. */
static void case_job_keep(struct run *r, const char *tag, const char *dir)
{
	char path[4200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/report.txt", dir);
	f = fopen(path, "ae");
	if (!f)
		return;
	run_keep(r, tag, f);
	fclose(f);
}

/* A plan that could not be made: case.json says why. */
static enum verdict_status case_job_unplanned(const struct case_def *c, bool control,
					      const struct tf_err *err, const char *dir)
{
	struct result_case out = {
		.c = c, .control = control, .fault_ms = -1, .verdict = VERDICT_ERROR
	};

	snprintf(out.reason, sizeof(out.reason), "%s", err->msg);
	result_write(dir, &out);
	return VERDICT_ERROR;
}

/* A case that is "family N only", asked to run in the other family. */
static enum verdict_status case_job_skipped(const struct case_def *c, bool control,
					    const struct tf_err *err, const char *dir)
{
	struct result_case out = {
		.c = c, .control = control, .fault_ms = -1, .verdict = VERDICT_SKIP
	};

	snprintf(out.reason, sizeof(out.reason), "%s", err->msg);
	result_write(dir, &out);
	return VERDICT_SKIP;
}

enum verdict_status case_job_run(const struct case_def *c, const struct case_job_opts *o,
				 const char *dir)
{
	struct run_opts ro = { .freezer = o->freezer, .feed = o->feed };
	struct tf_err err = { "" };
	struct plan *p = NULL;
	struct run *r = NULL;
	const struct run_record *rec;
	struct result_case out = { .verdict = VERDICT_ERROR };
	struct verdict_result *res = NULL;
	struct model_band *models = NULL;

	if (o->family && !case_family_runs(c, o->family, err.msg, sizeof(err.msg)))
		return case_job_skipped(c, o->control, &err, dir);
	p = plan_build(c, &(struct plan_opts){ .control = o->control, .family = o->family }, &err);
	r = p ? run_case(p, &ro, dir) : NULL;
	if (!p)
		return case_job_unplanned(c, o->control, &err, dir);
	if (!r) {
		plan_free(p);
		return VERDICT_ERROR;
	}
	rec = run_record(r);
	out = (struct result_case){ .c = rec->c,
				    .control = rec->control,
				    .tl = rec->tl,
				    .sysctls = rec->sysctls,
				    .faults = rec->faults,
				    .capture = rec->capture,
				    .fault_ms = rec->fault_ms,
				    .duration_ms = rec->duration_ms,
				    .observer = rec->observer,
				    .obs_events = rec->obs_events,
				    .step_late_max_us = rec->step_late_max_us,
				    .verdict = VERDICT_ERROR };
	for (int h = 0; h < rec->c->n_hosts; h++)
		out.programs[h] = rec->programs[h];
	if (rec->error) {
		snprintf(out.reason, sizeof(out.reason), "%s", rec->reason);
		/* What the kernel lacks (a freezer, netdev egress, SOCK_DESTROY) skips the case. */
		if (rec->error == -EOPNOTSUPP)
			out.verdict = VERDICT_SKIP;
	} else {
		res = calloc((size_t)rec->c->n_expects + 1, sizeof(*res));
		models = calloc((size_t)rec->c->n_expects + 1, sizeof(*models));
		if (res && models) {
			out.verdict = verdict_judge(p, rec, o->timing_emulated, res, models);
			out.results = res;
			out.models = models;
			out.obs_last_ms = rec->obs_last_ms;
			for (int h = 0; h < rec->c->n_hosts; h++) {
				out.peers[h] = rec->peer_res[h];
				out.peer_obs[h] = rec->peers[h];
			}
		}
	}
	result_write(dir, &out);
	if (o->keep && out.verdict != VERDICT_PASS && !o->control)
		case_job_keep(r, o->keep_tag, dir);
	case_job_sequence(rec, dir);
	run_free(r);
	plan_free(p);
	free(res);
	free(models);
	return out.verdict;
}
