/* suite_ktap.c - what a run prints: the KTAP lines of finished cases, the
 * progress line; see suite_ctx.h. */
#include "cli/suite_ctx.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "common/clock.h"
#include "common/secs.h"
#include "report/result.h"
#include "report/run_files.h"
#include "cli/suite_family.h"

/* One KTAP line to stdout and ktap.txt, after clearing the progress line. */
void suite_out(struct suite_ctx *sx, const char *fmt, ...)
{
	va_list ap;

	if (sx->progress)
		fputs("\r\033[K", stderr);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
	if (sx->ktap) {
		va_start(ap, fmt);
		vfprintf(sx->ktap, fmt, ap);
		va_end(ap);
	}
}

/* The job's KTAP name: "theme/case [control]", and " [ipv6]" when --family
 * chose IPv6 (with --family both, each case runs once in each family). */
char *suite_job_name(const struct suite_ctx *sx, const struct suite_job *j, char *buf, size_t len)
{
	run_files_ktap_name(buf, len, j->sc->id, j->control);
	return suite_family_name(buf, len, sx->o->family, j->family);
}

void suite_progress(struct suite_ctx *sx)
{
	if (!sx->progress)
		return;
	fprintf(stderr, "\r\033[K[%d/%d] %d running, %d pass, %d fail, %d error", sx->n_done,
		sx->n_jobs, sx->n_running, sx->n_pass, sx->n_fail, sx->n_error);
	for (int i = 0, shown = 0; i < sx->n_jobs && shown < 2; i++)
		if (sx->jobs[i].state == JOB_RUNNING) {
			char name[300];

			fprintf(stderr, "%s %s", shown++ ? "," : ":",
				suite_job_name(sx, &sx->jobs[i], name, sizeof(name)));
		}
	fflush(stderr);
}

/* case.json, or a stand-in when the worker died before writing it. */
static json_t *suite_load_result(const struct suite_ctx *sx, const struct suite_job *j, int wstatus)
{
	char path[4200], why[200], after[SECS_LEN], limit[SECS_LEN];
	int64_t limit_ms = suite_limit_ms(sx, j);
	json_t *r;

	snprintf(path, sizeof(path), "%s/case.json", j->dir);
	r = json_load_file(path, 0, NULL);
	if (j->timed_out)
		snprintf(why, sizeof(why),
			 "timed out: still running %s s after the case's end (limit %s s)",
			 secs_fmt(after, sizeof(after), limit_ms - j->sc->def->end_ms, 1),
			 secs_fmt(limit, sizeof(limit), limit_ms, 1));
	if (r && json_is_object(r)) {
		/* A worker stopped for its time limit writes "interrupted": say why. */
		if (j->timed_out) {
			json_object_set_new(r, "verdict", json_string("error"));
			json_object_set_new(r, "reason", json_string(why));
			result_dump_json(path, r);
		}
		return r;
	}
	json_decref(r);
	snprintf(path, sizeof(path), "%s/case.json.tmp", j->dir);
	unlink(path); /* what a killed worker was writing */
	if (j->timed_out)
		; /* why says it already */
	else if (WIFSIGNALED(wstatus))
		snprintf(why, sizeof(why), "the case's worker died of signal %d (%s)",
			 WTERMSIG(wstatus), strsignal(WTERMSIG(wstatus)));
	else
		snprintf(why, sizeof(why), "the case's worker exited %d without a result",
			 WEXITSTATUS(wstatus));
	/* The case directory gets a case.json all the same: what the summary says. */
	r = json_pack("{s:s s:s s:b s:s s:s}", "name", j->sc->def->name, "file", j->sc->def->file,
		      "control", j->control, "verdict", "error", "reason", why);
	snprintf(path, sizeof(path), "%s/case.json", j->dir);
	if (r)
		result_dump_json(path, r);
	return r;
}

static void suite_print_report(struct suite_ctx *sx, const struct suite_job *j)
{
	char path[4200], line[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/report.txt", j->dir);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		suite_out(sx, "%s%s", line, strchr(line, '\n') ? "" : "\n");
	fclose(f);
}

void suite_finish(struct suite_ctx *sx, struct suite_job *j, int wstatus)
{
	json_t *r = suite_load_result(sx, j, wstatus);
	const char *verdict = json_string_value(json_object_get(r, "verdict")) ?: "error";
	char name[300], reason[1024];
	bool ok;

	j->state = JOB_DONE;
	j->end_ns = mono_ns();
	if (sx->hub) /* what a killed worker left in the kernel filter goes too */
		obs_hub_slot_close(sx->hub, (int)(j - sx->jobs));
	sx->n_running--;
	sx->n_done++;
	/* KTAP: no '#' in a description (it starts a directive), one line each */
	suite_job_name(sx, j, name, sizeof(name));
	run_files_one_line(reason, sizeof(reason),
			   json_string_value(json_object_get(r, "reason")) ?: "");
	ok = j->control ? strcmp(verdict, "fail") == 0 : strcmp(verdict, "pass") == 0;
	if (strcmp(verdict, "skip") == 0 && sx->o->fail_on_skip &&
	    !suite_family_skip(j->sc->def, j->family)) {
		/* On the CI machine a skip would hide a broken feature. */
		sx->n_fail++;
		ok = false;
		suite_out(sx, "not ok %d %s\n# skipped, and --fail-on-skip: %s\n", ++sx->ktap_no,
			  name, reason);
	} else if (strcmp(verdict, "skip") == 0) {
		sx->n_skip++;
		suite_out(sx, "ok %d %s # SKIP %s\n", ++sx->ktap_no, name, reason);
	} else if (ok) {
		sx->n_pass++;
		suite_out(sx, "ok %d %s\n", ++sx->ktap_no, name);
		for (size_t i = 0; run_files_unjudged(r, i, reason, sizeof(reason)); i++)
			suite_out(sx, "#   %s\n", reason);
		if (j->control)
			suite_out(sx, "#   control failed as it must: %s\n", reason);
	} else {
		strcmp(verdict, "error") == 0 ? sx->n_error++ : sx->n_fail++;
		suite_out(sx, "not ok %d %s\n", ++sx->ktap_no, name);
		if (j->control && strcmp(verdict, "pass") == 0)
			suite_out(sx, "# the control run (%s) passed: this case cannot fail\n",
				  "cause removed");
		else
			suite_out(sx, "# %s: %s\n", verdict, reason);
		if (!j->control || strcmp(verdict, "error") == 0)
			suite_print_report(sx, j);
	}
	suite_family_id(r, j->sc->id, sx->o->family, j->family);
	json_object_set_new(r, "round", json_integer(j->round + 1));
	json_object_set_new(r, "ktap",
			    json_string(ok || (strcmp(verdict, "skip") == 0 &&
					       (!sx->o->fail_on_skip ||
						suite_family_skip(j->sc->def, j->family))) ?
						"ok" :
						"not ok"));
	json_object_set_new(r, "dir", json_string(j->dir));
	suite_wall_add(&sx->wall, j->start_ns, j->end_ns,
		       json_integer_value(json_object_get(r, "step_late_max_us")));
	json_array_append_new(sx->summary_cases, r);
	suite_progress(sx);
}
