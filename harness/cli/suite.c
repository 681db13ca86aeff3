/* suite.c - running the cases in parallel workers and reporting; see suite.h.
 *
 * Each case runs in a forked worker: its namespaces, links and peers live and
 * die with that process (PR_SET_PDEATHSIG), so an interrupted or hung case is
 * cleaned up by killing its worker. Signals reach the orchestrator through a
 * signalfd, so that Ctrl-C, SIGTERM and SIGHUP are handled in the main loop,
 * never in a handler.
 */
#include "cli/suite.h"
#include "cli/suite_ctx.h"

#include <errno.h>
#include <fnmatch.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <jansson.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include "common/clock.h"
#include "common/dirs.h"
#include "common/secs.h"
#include "report/claims.h"
#include "report/result.h"
#include "report/report_run.h"
#include "report/run_files.h"
#include "cli/case_job.h"
#include "cli/suite_family.h"
#include "cli/suite_repeat.h"
#include "cli/suite_obs.h"
#include "cli/suite_env.h"
#include "run/sweep.h"
#include "netns/lab.h"

#define SUITE_VERSION TCPFAULT_VERSION /* Makefile VERSION */
#define SUITE_LAB_ALLOWANCE_MS 15000 /* building and tearing down a lab, above the case's limit */
#define SUITE_STOP_GRACE_NS 5000000000LL /* SIGTERM, then this long to undo faults, then SIGKILL */

/* results/<run-id>, and results/latest pointing at it (replaced atomically). */
static void suite_worker(struct suite_ctx *sx, struct suite_job *j)
{
	enum verdict_status v;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		_exit(125);
	prctl(PR_SET_NAME, "tcpfault-case"); /* not a run's orchestrator (sweep.h) */
	sigprocmask(SIG_UNBLOCK, &sx->blocked, NULL);
	if (sx->ktap)
		fclose(sx->ktap);
	char tag[64];
	struct case_job_opts jo = { .control = j->control,
				    .family = j->family,
				    .keep = sx->o->keep,
				    .keep_tag = tag,
				    .freezer = sx->o->freezer,
				    .feed = sx->hub ? &j->feed : NULL,
				    .timing_emulated = sx->o->timing_emulated };

	if (sx->hub)
		obs_hub_in_worker(sx->hub); /* the other jobs' write ends */

	snprintf(tag, sizeof(tag), "%d.%d", (int)getppid(), (int)(j - sx->jobs));
	v = case_job_run(j->sc->def, &jo, j->dir);
	_exit((int)v);
}

/* How long a job may run, from its start, before it is stopped as hung. */
int64_t suite_limit_ms(const struct suite_ctx *sx, const struct suite_job *j)
{
	if (sx->o->case_timeout_ms > 0)
		return j->sc->def->end_ms + sx->o->case_timeout_ms;
	return j->sc->def->time_limit_ms + SUITE_LAB_ALLOWANCE_MS;
}

static int suite_start(struct suite_ctx *sx, struct suite_job *j)
{
	int ret;

	const char *v6 = suite_family_tagged(sx->o->family, j->family) ? ".ipv6" : "";

	if (sx->o->repeat > 1)
		snprintf(j->dir, sizeof(j->dir), "%s/round%d/%s%s%s", sx->run_dir, j->round + 1,
			 j->sc->id, v6, j->control ? ".control" : "");
	else
		snprintf(j->dir, sizeof(j->dir), "%s/%s%s%s", sx->run_dir, j->sc->id, v6,
			 j->control ? ".control" : "");
	ret = dirs_make(j->dir);
	if (ret)
		return ret;
	if (sx->hub) {
		struct tf_err err = { "" };

		ret = obs_hub_slot_open(sx->hub, (int)(j - sx->jobs), &j->feed, &err);
		if (ret)
			return ret;
	}
	fflush(NULL);
	j->pid = fork();
	if (j->pid < 0)
		return -errno;
	if (j->pid == 0)
		suite_worker(sx, j);
	if (sx->hub)
		obs_hub_slot_forked(sx->hub, &j->feed);
	j->start_ns = mono_ns();
	j->state = JOB_RUNNING;
	j->deadline_ns = mono_ns() + suite_limit_ms(sx, j) * 1000000LL;
	sx->n_running++;
	return 0;
}

static void suite_reap(struct suite_ctx *sx)
{
	int wstatus;
	pid_t pid;

	while ((pid = waitpid(-1, &wstatus, WNOHANG)) > 0)
		for (int i = 0; i < sx->n_jobs; i++)
			if (sx->jobs[i].state == JOB_RUNNING && sx->jobs[i].pid == pid)
				suite_finish(sx, &sx->jobs[i], wstatus);
}

/* Ask every running worker to stop: SIGTERM lets it undo its faults (thaw,
 * lift rules) and write its partial result; SIGKILL follows after a grace. */
static void suite_stop_running(struct suite_ctx *sx)
{
	for (int i = 0; i < sx->n_jobs; i++) {
		struct suite_job *j = &sx->jobs[i];

		if (j->state != JOB_RUNNING || j->kill_at_ns)
			continue;
		kill(j->pid, SIGTERM);
		j->kill_at_ns = mono_ns() + SUITE_STOP_GRACE_NS;
	}
}

/* Signals and time limits: returns how long poll() may sleep. */
static int suite_watch(struct suite_ctx *sx, int sfd)
{
	struct signalfd_siginfo si;
	int64_t now = mono_ns(), wake = now + 500000000LL;
	struct pollfd pfd[2] = { { .fd = sfd, .events = POLLIN },
				 { .fd = sx->hub ? obs_hub_fd(sx->hub) : -1, .events = POLLIN } };

	for (int i = 0; i < sx->n_jobs; i++) {
		struct suite_job *j = &sx->jobs[i];

		if (j->state != JOB_RUNNING)
			continue;
		if (now > j->deadline_ns && !j->timed_out) {
			j->timed_out = true;
			kill(j->pid, SIGTERM);
			j->kill_at_ns = now + SUITE_STOP_GRACE_NS;
		}
		if (j->kill_at_ns && now > j->kill_at_ns)
			kill(j->pid, SIGKILL);
		if (j->deadline_ns < wake)
			wake = j->deadline_ns;
		if (j->kill_at_ns && j->kill_at_ns < wake)
			wake = j->kill_at_ns;
	}
	if (poll(pfd, 2, (int)((wake > now ? wake - now : 0) / 1000000) + 1) <= 0)
		return 0;
	if (pfd[1].revents) {
		struct tf_err err = { "" };

		obs_hub_route(sx->hub, &err); /* each event to its case's worker */
	}
	while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGCHLD)
			continue;
		if (!sx->interrupted)
			suite_out(sx, "# interrupted by signal %u: stopping every running case\n",
				  si.ssi_signo);
		sx->interrupted = true;
		suite_stop_running(sx);
	}
	return 0;
}

/* Longest first (by the case's end, stable): the run's wall time is then
 * about its longest case once -j is wide enough, not the longest case
 * started last (issue 14). Jobs [@from, @to) are one round. */
static void suite_jobs_longest_first(struct suite_job *jobs, int from, int to)
{
	for (int i = from + 1; i < to; i++) {
		struct suite_job j = jobs[i];
		int k = i;

		for (; k > from && jobs[k - 1].sc->def->end_ms < j.sc->def->end_ms; k--)
			jobs[k] = jobs[k - 1];
		jobs[k] = j;
	}
}

/* @sc's jobs of round @r: the case (and its control) in each family --family
 * names (both: IPv4, then IPv6). */
static void suite_add_jobs(struct suite_ctx *sx, const struct suite_case *sc, int r)
{
	const struct suite_opts *o = sx->o;
	int families[2], n_families = suite_families(o->family, families);

	for (int f = 0; f < n_families; f++) {
		sx->jobs[sx->n_jobs++] =
			(struct suite_job){ .sc = sc, .family = families[f], .round = r };
		if (o->with_controls && sc->def->has_control)
			sx->jobs[sx->n_jobs++] = (struct suite_job){
				.sc = sc, .control = true, .family = families[f], .round = r
			};
	}
}

static int suite_jobs_build(struct suite_ctx *sx, const struct suite *s)
{
	const struct suite_opts *o = sx->o;

	int repeat = o->repeat > 1 ? o->repeat : 1, selected;

	sx->jobs = calloc((size_t)s->n_cases * 4 * (size_t)repeat + 1, sizeof(*sx->jobs));
	if (!sx->jobs)
		return -ENOMEM;
	/* Round after round: a verdict that changes between rounds is a flake. */
	for (int r = 0; r < repeat; r++) {
		int first = sx->n_jobs;

		selected = 0;
		for (int i = 0; i < s->n_cases; i++) {
			const struct suite_case *sc = &s->cases[i];

			if (o->filter && fnmatch(o->filter, sc->id, 0) != 0 &&
			    fnmatch(o->filter, sc->def->name, 0) != 0)
				continue;
			if (o->tier >= 0 && (int)sc->def->tier != o->tier)
				continue; /* --tier: stock cases run apart (minutes to hours) */
			if (o->shard_count > 1 && selected++ % o->shard_count != o->shard_index - 1)
				continue; /* --shard: the cases are in sorted order, so this is stable */
			suite_add_jobs(sx, sc, r);
		}
		suite_jobs_longest_first(sx->jobs, first, sx->n_jobs);
	}
	return 0;
}

static void suite_write_summary(struct suite_ctx *sx, const char *started)
{
	char path[4200];
	struct utsname uts;
	json_t *root;

	uname(&uts);
	root = json_pack("{s:s s:s s:s s:s s:b s:{s:i s:i s:i s:i s:i} s:O s:s s:i}", "tool",
			 "tcpfault", "version", SUITE_VERSION, "kernel", uts.release, "started",
			 started, "interrupted", sx->interrupted, "totals", "pass", sx->n_pass,
			 "fail", sx->n_fail, "error", sx->n_error, "skip", sx->n_skip, "not_run",
			 sx->n_jobs - sx->n_done, "cases", sx->summary_cases, "observer",
			 sx->hub ? "events" : "polling", "jobs", sx->width);
	sx->wall.lost = sx->hub ? obs_hub_lost(sx->hub) : 0;
	if (root) /* the run's wall time against its longest case (issue 14) */
		json_object_set_new(root, "wall", suite_wall_json(&sx->wall));
	snprintf(path, sizeof(path), "%s/summary.json", sx->run_dir);
	if (root && sx->claims)
		json_object_set(root, "claims", sx->claims);
	if (root) /* --timing emulated: bands reported, not judged */
		json_object_set_new(root, "timing",
				    json_string(sx->o->timing_emulated ? "emulated" : "judged"));
	if (root)
		result_dump_json(path, root);
	json_decref(root);
}

static void suite_loop(struct suite_ctx *sx, int sfd)
{
	int next = 0;

	while (sx->n_done < sx->n_jobs) {
		while (!sx->interrupted && next < sx->n_jobs && sx->n_running < sx->width) {
			int ret = suite_start(sx, &sx->jobs[next]);

			if (ret) {
				suite_out(sx, "# cannot start %s: %s\n", sx->jobs[next].sc->id,
					  strerror(-ret));
				sx->interrupted = true;
				break;
			}
			next++;
			suite_progress(sx);
		}
		if (sx->n_running == 0)
			break; /* interrupted: the rest never started */
		suite_watch(sx, sfd);
		suite_reap(sx);
	}
	for (int i = next; i < sx->n_jobs; i++) {
		char name[300];

		suite_job_name(sx, &sx->jobs[i], name, sizeof(name));
		suite_out(sx, "not ok %d %s\n# not run: interrupted\n", ++sx->ktap_no, name);
	}
}

/* After the last case: leftovers, flakes, totals, the claims table,
 * summary.json and the closing line. Return: the exit code. */
static int suite_close(struct suite_ctx *sx, const struct suite *s, const char *started)
{
	const struct suite_opts *o = sx->o;
	char line[4200];
	bool orphans_left;

	/* A worker SIGKILLed after its grace could not thaw or remove its freezer
	 * group (fault_crash.c): its owner is dead now, so this removes it. */
	sweep_stale(stderr);
	orphans_left = suite_reap_orphans(5000);
	if (orphans_left) /* a leak: the run fails */
		fprintf(stderr, "tcpfault: a process of a stopped case did not exit in 5 s "
				"(`tcpfault cleanup --check` lists it)\n");
	if (o->repeat > 1 && suite_repeat_report(sx->summary_cases, o->repeat, sx->ktap) > 0)
		sx->n_fail++; /* a verdict that changed between rounds fails the run */
	suite_out(sx, "# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:%d error:%d\n", sx->n_pass,
		  sx->n_fail, sx->n_skip, sx->n_error);
	sx->claims = claims_for_run(s, sx->summary_cases, sx->run_dir, &sx->n_claims_failed);
	claims_summary(sx->claims, line, sizeof(line));
	suite_out(sx, "# %s (%s/claims.md)\n", line, sx->run_dir);
	if (sx->n_claims_failed)
		suite_out(sx,
			  "# claims: %d the run should have measured and did not (%s/claims.md)\n",
			  sx->n_claims_failed, sx->run_dir);
	suite_write_summary(sx, started);
	suite_wall_text(&sx->wall, sx->width, sx->hub != NULL, line, sizeof(line));
	suite_out(sx, "# %s\n", line);
	if (report_run_write(sx->run_dir, line, sizeof(line)))
		fprintf(stderr, "tcpfault: report: %s\n", line);
	if (sx->progress)
		fputs("\r\033[K", stderr);
	/* The plain closing line CI readers look for; errors count as failures. */
	printf("# results in %s (%d errors among the failures)\ncases: %d passed, %d failed, %d skipped\n",
	       sx->run_dir, sx->n_error, sx->n_pass, sx->n_fail + sx->n_error, sx->n_skip);
	if (sx->n_pass + sx->n_fail + sx->n_error == 0 && sx->n_skip > 0 && !sx->interrupted)
		return 4;
	if (sx->observer_missing) /* what was asked for is missing here, as for a skip */
		return 4;
	return sx->interrupted || sx->n_fail || sx->n_error || sx->n_done < sx->n_jobs ||
			       sx->n_claims_failed || orphans_left ?
		       1 :
		       0;
}

int suite_run(struct suite *s, const struct suite_opts *o)
{
	struct suite_ctx sx = { .o = o };
	char started[64], path[4200];
	time_t now = time(NULL);
	int sfd, ret;

	ret = suite_enter();
	if (ret)
		return ret;
	strftime(started, sizeof(started), "%Y-%m-%dT%H:%M:%S%z", localtime(&now));
	if (suite_jobs_build(&sx, s) || sx.n_jobs == 0) {
		fprintf(stderr, "tcpfault: no case matches%s%s\n", o->filter ? " " : "",
			o->filter ? o->filter : "");
		free(sx.jobs);
		return 2;
	}
	ret = suite_make_run_dir(o->results_root, sx.run_dir, sizeof(sx.run_dir));
	if (ret) {
		fprintf(stderr, "tcpfault: cannot create %s: %s\n", sx.run_dir, strerror(-ret));
		free(sx.jobs);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/ktap.txt", sx.run_dir);
	sx.ktap = fopen(path, "we");
	sx.summary_cases = json_array();
	sx.progress = isatty(STDERR_FILENO);
	sigemptyset(&sx.blocked);
	sigaddset(&sx.blocked, SIGCHLD);
	sigaddset(&sx.blocked, SIGINT);
	sigaddset(&sx.blocked, SIGTERM);
	sigaddset(&sx.blocked, SIGHUP);
	sigprocmask(SIG_BLOCK, &sx.blocked, NULL);
	sfd = signalfd(-1, &sx.blocked, SFD_CLOEXEC | SFD_NONBLOCK);
	suite_out(&sx, "TAP version 13\n1..%d\n", sx.n_jobs);
	suite_out(&sx, "# tcpfault %s, results in %s\n", SUITE_VERSION, sx.run_dir);
	if (suite_obs_open(o->observer, sx.n_jobs, &sx.hub, path, sizeof(path))) {
		suite_out(&sx, "Bail out! %s\n", path);
		sx.interrupted = true;
		sx.observer_missing = true;
	} else {
		suite_out(&sx, "# %s\n", path);
	}
	sx.width = suite_jobs_auto(o->jobs, sx.hub != NULL, path, sizeof(path));
	suite_out(&sx, "# %s\n", path);
	if (o->timing_emulated)
		suite_out(&sx, "# timing: emulated (--timing emulated): an event outside its time "
			       "band is reported, not judged\n");
	suite_loop(&sx, sfd);
	ret = suite_close(&sx, s, started);
	obs_hub_close(sx.hub);
	close(sfd);
	if (sx.ktap)
		fclose(sx.ktap);
	json_decref(sx.summary_cases);
	json_decref(sx.claims);
	free(sx.jobs);
	return ret;
}
