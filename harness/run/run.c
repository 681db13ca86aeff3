/* run.c - one case from lab to verdict; see run.h.
 *
 *   setup steps (no "at", file order, each waited for)
 *   t=0 ── timed steps and faults ── observer events as they come, samples
 *          every obs_sample_ms(), fault ticks every RUN_TICK_MS ── end
 *   verdict ── case.json, report.txt
 */
#include "run/run.h"
#include "run/run_priv.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include "common/clock.h"
#include "obs/capture.h"
#include "fault/fault.h"
#include "obs/obs.h"
#include "peer/peer.h"
#include "run/sweep.h"
#include "obs/timeline.h"
#include "run/lab_build.h"
#include "netns/lab.h"

/* The runner's tick: fault hooks (a "first N" drop rule is lifted within it)
 * and the packet capture; the observer samples every obs_sample_ms(). */
#define RUN_TICK_MS 10

/* Set by SIGINT, SIGTERM or SIGHUP: the case stops at once, and its faults are
 * undone (fault_finish()) before the worker exits, which a SIGKILL would skip. */
static volatile sig_atomic_t g_run_stop;

static void run_on_signal(int sig)
{
	(void)sig;
	g_run_stop = 1;
}

/* Case-clock ms of a monotonic ns time, rounded towards minus infinity. */
int64_t run_ms_of(const struct run_ctx *rc, int64_t t_ns)
{
	return mono_floor(t_ns - rc->t0_ns, 1000000);
}

/* A runner event (step taken, fault injected, setup problem) at monotonic
 * @t_ns (0: now) in the timeline; before t=0 it waits in rc->pending with the
 * peers' lines. */
void run_log(struct run_ctx *rc, int64_t t_ns, const char *call, const char *fmt, ...)
{
	char text[300];
	va_list ap;
	json_t *ev;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (!t_ns)
		t_ns = mono_ns();
	ev = json_pack("{sI ss ss ss}", "t_ns", (json_int_t)t_ns, "src", "runner", "call", call,
		       "text", text);
	if (!ev)
		return;
	if (!rc->clock_started) {
		json_object_set_new(ev, "_host", json_integer(-1));
		json_array_append_new(rc->pending, ev);
		return;
	}
	json_object_set_new(ev, "t_ms", json_integer(run_ms_of(rc, t_ns)));
	json_object_set_new(ev, "t_us", json_integer((t_ns - rc->t0_ns) / 1000));
	json_object_del(ev, "t_ns");
	timeline_add(rc->tl, ev);
}

static void run_fault_log(void *arg, int64_t t_ns, const char *text)
{
	run_log(arg, t_ns, "fault", "%s", text);
}

/* Take one step now. Steps are numbered from 1 in command ids. */
static int run_step(struct run_ctx *rc, int idx)
{
	const struct plan_step *ps = &rc->p->steps[idx];
	const struct case_step *st = ps->st;
	struct peer_cmd cmd = { .id = (uint32_t)idx + 1 };

	if (fault_is_fault(st->kind)) {
		int64_t t_ns;
		int ret = fault_apply(&rc->fx, ps, &t_ns, &rc->fault_err);

		if (rc->fault_ms < 0)
			rc->fault_ms = rc->clock_started ? run_ms_of(rc, t_ns) : 0;
		return ret;
	}
	if (case_step_is_program(st->kind)) /* the host's own program (run_exec.c) */
		return run_exec_step(rc, idx);
	run_log(rc, 0, "step", "%s %s (%s:%u)", rc->c->hosts[st->host], case_step_name(st->kind),
		st->loc.file, st->loc.line);
	if (peer_cmd_of_step(st, &cmd)) /* neither a fault nor a peer action */
		return -EINVAL;
	if (st->kind == CASE_STEP_CONNECT)
		cmd.addr = ps->target;
	if (st->kind == CASE_STEP_LISTEN && rc->p->family == 6)
		cmd.addr.ss_family = AF_INET6; /* the peer listens on [::] */
	if (!rc->peers[st->host].started || rc->peers[st->host].dead || rc->fx.peer_dead[st->host])
		return -ESRCH;
	return peer_send_cmd(&rc->peers[st->host].proc, &cmd);
}

static int run_setup(struct run_ctx *rc)
{
	const struct case_def *c = rc->c;
	const struct plan *plan = rc->p;

	for (int i = 0; i < plan->n_steps && plan->steps[i].setup; i++) {
		const struct case_step *st = plan->steps[i].st;
		struct run_peer *p = &rc->peers[st->host];
		int64_t deadline = mono_ns() + (int64_t)RUN_SETUP_TIMEOUT_MS * 1000000;
		int ret;

		if (case_step_is_program(st->kind)) { /* exec, user, wait (run_exec.c) */
			ret = run_exec_setup(rc, i, rc->reason, sizeof(rc->reason));
			if (ret)
				return ret;
			continue;
		}
		ret = run_step(rc, i);

		if (ret)
			goto fail;
		while (p->last_done < (uint32_t)i + 1) {
			if (g_run_stop)
				return -EINTR;
			if (p->dead || mono_ns() > deadline) {
				ret = p->dead ? -ESRCH : -ETIMEDOUT;
				goto fail;
			}
			run_pump(rc, 20 * 1000000LL);
		}
		continue;
fail:
		snprintf(rc->reason, sizeof(rc->reason), "%s:%u: setup step '%s %s' %s",
			 st->loc.file, st->loc.line, c->hosts[st->host], case_step_name(st->kind),
			 ret == -ETIMEDOUT ? "did not complete in 10 s" :
					     "failed: the peer is gone");
		return ret;
	}
	return 0;
}

/* t=0: give the setup lines their (negative) case times. */
static void run_clock_start(struct run_ctx *rc)
{
	size_t i;
	json_t *ev;

	rc->t0_ns = mono_ns();
	rc->fx.t0_ns = rc->t0_ns;
	rc->clock_started = true;
	json_array_foreach(rc->pending, i, ev) {
		int host = (int)json_integer_value(json_object_get(ev, "_host"));

		json_object_del(ev, "_host");
		run_peer_event(rc, host, json_incref(ev));
	}
	json_array_clear(rc->pending);
	obs_start(rc->obs, rc->t0_ns);
	run_log(rc, 0, "clock", "t=0: setup done, timed steps start");
	capture_clock(rc->cap, rc->t0_ns); /* the setup's segments waited in the ring */
}

/* Due work of the loop at case time @now (ns): the observer's sample, the
 * fault tick and the capture. @final: the end, when the event path samples
 * once more so that what it knows reaches the end. */
static int run_tick(struct run_ctx *rc, int64_t now, bool final, struct tf_err *err)
{
	const int64_t ms = 1000000;
	int ret;

	if (now >= rc->next_obs_ns || (final && obs_sample_ms(rc->obs) > RUN_TICK_MS)) {
		ret = obs_sample(rc->obs, now / ms, err);
		if (ret)
			return ret;
		rc->next_obs_ns += obs_sample_ms(rc->obs) * ms;
		if (rc->next_obs_ns <= now) /* fell behind: do not sample in a burst */
			rc->next_obs_ns = now + obs_sample_ms(rc->obs) * ms;
	}
	if (now >= rc->next_tick_ns) {
		ret = obs_tick(rc->obs, now / ms, err); /* event path: sockets whose timer is due */
		if (ret)
			return ret;
		capture_poll(rc->cap); /* a broken capture is logged; its expectations error */
		fault_tick(&rc->fx, now / ms); /* rule counters (fault_drop.c) */
		rc->next_tick_ns += RUN_TICK_MS * ms;
		if (rc->next_tick_ns <= now)
			rc->next_tick_ns = now + RUN_TICK_MS * ms;
	}
	return 0;
}

/* Take the steps due at case time @now (ns); their lateness is recorded. */
static int run_due_steps(struct run_ctx *rc, int *next, int64_t now, struct tf_err *err)
{
	const struct plan *p = rc->p;
	const int64_t ms = 1000000;
	int ret;

	while (*next < p->n_steps && p->steps[*next].at_ms * ms <= now) {
		int64_t late_us = (mono_ns() - rc->t0_ns - p->steps[*next].at_ms * ms) / 1000;

		if (late_us > rc->step_late_max_us)
			rc->step_late_max_us = late_us;
		ret = run_step(rc, (*next)++);
		if (ret && ret != -ESRCH && ret != -EPIPE)
			return tf_err_set(err, ret, "%s:%u: %s", p->steps[*next - 1].st->loc.file,
					  p->steps[*next - 1].st->loc.line,
					  rc->fault_err.msg[0] ? rc->fault_err.msg :
								 strerror(-ret));
	}
	return 0;
}

static int run_timeline(struct run_ctx *rc, struct tf_err *err)
{
	const struct plan *p = rc->p;
	const int64_t ms = 1000000;
	int64_t now, wake;
	int next = 0, ret;

	while (next < p->n_steps && p->steps[next].setup)
		next++;
	for (;;) {
		if (g_run_stop)
			return tf_err_set(err, -EINTR, "interrupted");
		now = mono_ns() - rc->t0_ns;
		ret = run_due_steps(rc, &next, now, err);
		if (ret)
			return ret;
		now = mono_ns() - rc->t0_ns; /* the steps took time */
		ret = run_tick(rc, now, now >= p->end_ms * ms, err);
		if (ret)
			return ret;
		if (now >= p->end_ms * ms)
			break;
		wake = rc->next_tick_ns < rc->next_obs_ns ? rc->next_tick_ns : rc->next_obs_ns;
		if (next < p->n_steps && p->steps[next].at_ms * ms < wake)
			wake = p->steps[next].at_ms * ms;
		if (p->end_ms * ms < wake)
			wake = p->end_ms * ms;
		run_pump(rc, wake > now ? wake - now : 0);
	}
	/* Lines written just before the end still belong to the run. */
	run_pump(rc, 0);
	return 0;
}

static void run_peer_tuple(const struct run_ctx *rc, int h, const char **local, const char **remote)
{
	const struct run_peer_result *r = &rc->peers[h].res;

	*local = r->local;
	*remote = r->remote;
	if (r->local[0] || !rc->peers[h].started)
		return;
	for (int o = 0; o < rc->c->n_hosts; o++) {
		const struct run_peer_result *x = &rc->peers[o].res;

		if (o != h && rc->peers[o].started && x->local[0]) {
			*local = x->remote;
			*remote = x->local;
			return;
		}
	}
}

/* A sysctl expectation's value, read in its host's namespace now (after the
 * run): into @val, or the reason into @why. */
static void run_read_sysctl(struct run_ctx *rc, const struct case_expect *e, char *val, size_t len,
			    char *why, size_t why_len)
{
	struct tf_err err = { "" };
	int ret = lab_sysctl_get(rc->lab, e->host, e->sysctl_key, val, len, &err);

	if (ret < 0)
		snprintf(why, why_len, "%s",
			 ret == -ENOENT ? "no such sysctl on this kernel" :
			 err.msg[0]	? err.msg :
					  strerror(-ret));
}

/* After the timeline: undo the faults (the final rule counters are
 * observations), stop the capture, read what the verdict needs while the lab
 * is up (the sysctl expectations' values), and fill the record. */
static int run_collect(struct run *r)
{
	struct run_ctx *rc = &r->rc;
	struct run_record *rec = &r->rec;
	size_t n_ex = (size_t)rc->c->n_expects + 1;

	fault_finish(&rc->fx);
	run_exec_stop(rc); /* after the undo: a crashed host's programs are thawed */
	rec->counters = rc->fx.counters;
	rec->n_counters = rc->fx.n_counters;
	capture_stop(rc->cap);
	rec->wire = capture_wire(rc->cap);
	if (!rc->obs || !rc->lab)
		return 0; /* the lab was never built: nothing was observed */
	rec->observer = obs_mode_name(rc->obs);
	rec->obs_events = obs_event_count(rc->obs);
	rec->step_late_max_us = rc->step_late_max_us;
	rec->obs_first_ms = obs_first_ms(rc->obs);
	rec->obs_last_ms = obs_last_ms(rc->obs);
	r->sys_val = calloc(n_ex, sizeof(*r->sys_val));
	r->sys_why = calloc(n_ex, sizeof(*r->sys_why));
	r->sys_seen = calloc(n_ex, sizeof(*r->sys_seen));
	r->sys_whyp = calloc(n_ex, sizeof(*r->sys_whyp));
	if (!r->sys_val || !r->sys_why || !r->sys_seen || !r->sys_whyp)
		return -ENOMEM;
	for (int i = 0; i < rc->c->n_expects; i++) {
		if (rc->c->expects[i].kind != CASE_EXPECT_SYSCTL)
			continue;
		run_read_sysctl(rc, &rc->c->expects[i], r->sys_val[i], sizeof(r->sys_val[i]),
				r->sys_why[i], sizeof(r->sys_why[i]));
		r->sys_seen[i] = r->sys_why[i][0] ? NULL : r->sys_val[i];
		r->sys_whyp[i] = r->sys_why[i][0] ? r->sys_why[i] : NULL;
	}
	rec->sysctl_seen = r->sys_seen;
	rec->sysctl_why = r->sys_whyp;
	for (int h = 0; h < rc->c->n_hosts; h++) {
		struct obs_peer *p = &rec->peers[h];

		run_peer_tuple(rc, h, &rec->local[h], &rec->remote[h]);
		*p = rc->peers[h].res.obs;
		p->n_states = obs_history(rc->obs, h, rec->local[h], rec->remote[h], &p->states);
		p->tw_restarts = obs_tw_restarts(rc->obs, h, rec->local[h], rec->remote[h],
						 &p->tw_first_restart_ms);
		p->ka_timer_max_ms =
			obs_keepalive_max_ms(rc->obs, h, rec->local[h], rec->remote[h]);
	}
	run_exec_collect(r);
	return 0;
}

static void run_ctx_free(struct run_ctx *rc)
{
	/* Faults undo first (thaw before kill: a frozen task ignores SIGKILL). */
	fault_finish(&rc->fx);
	run_exec_free(rc);
	run_peers_stop(rc);
	fault_record_free(&rc->fx.record);
	capture_free(rc->cap);
	obs_free(rc->obs);
	lab_free(rc->lab);
	json_decref(rc->pending);
	obs_sysctls_free(&rc->sysctls);
	timeline_free(rc->tl);
}

static int run_prepared(struct run_ctx *rc, struct tf_err *err)
{
	const struct case_def *c = rc->c;
	int ret;

	rc->lab = lab_new();
	rc->obs = obs_new(rc->tl);
	rc->pending = json_array();
	if (!rc->lab || !rc->obs || !rc->pending)
		return tf_err_set(err, -ENOMEM, "out of memory");
	if (rc->feed && rc->feed->fd >= 0)
		obs_use_events(rc->obs, rc->feed);
	rc->fx.lab = rc->lab;
	ret = run_exec_init(rc, rc->reason, sizeof(rc->reason)); /* "need": skip before the lab */
	if (ret)
		return tf_err_set(err, ret, "%s", rc->reason);
	rc->lab_built = true;
	ret = lab_build(rc->p, rc->lab, &rc->sysctls, err);
	if (ret)
		return ret;
	for (int h = 0; h < c->n_hosts; h++) {
		ret = obs_add_host(rc->obs, c->hosts[h], lab_host_netns_fd(rc->lab, h), err);
		if (ret < 0)
			return ret;
	}
	/* Before the peers: their handshake is on the capture too. */
	rc->cap = capture_start(
		&(struct capture_conf){ .c = c, .lab = rc->lab, .dir = rc->dir, .tl = rc->tl },
		&ret);
	if (!rc->cap)
		return tf_err_set(err, ret, "packet capture: %s", strerror(-ret));
	ret = run_peers_start(rc, err);
	if (ret)
		return ret;
	ret = run_setup(rc);
	if (ret == -EINTR)
		return tf_err_set(err, ret, "interrupted during setup");
	if (ret)
		return tf_err_set(err, ret, "%s", rc->reason);
	ret = fault_prepare(&rc->fx, err);
	if (ret)
		return ret;
	run_clock_start(rc);
	return run_timeline(rc, err);
}

void run_keep(struct run *r, const char *tag, FILE *out)
{
	struct run_ctx *rc = &r->rc;

	for (int h = 0; rc->lab && h < rc->c->n_hosts; h++) {
		char name[256], pin[300];
		struct tf_err err = { "" };

		snprintf(name, sizeof(name), SWEEP_KEEP_PREFIX "%s.%s", tag, rc->c->hosts[h]);
		snprintf(pin, sizeof(pin), SWEEP_KEEP_DIR "/%s", name);
		if (lab_host_pin(rc->lab, h, pin, &err) == 0)
			fprintf(out,
				"# kept: ip netns exec %s bash   (tcpfault cleanup removes it)\n",
				name);
		else
			fprintf(out, "# could not keep %s: %s\n", rc->c->hosts[h], err.msg);
	}
}

const struct run_record *run_record(const struct run *r)
{
	return &r->rec;
}

void run_free(struct run *r)
{
	if (!r)
		return;
	run_ctx_free(&r->rc);
	free(r->sys_val);
	free(r->sys_why);
	free(r->sys_seen);
	free(r->sys_whyp);
	free(r);
}

struct run *run_case(const struct plan *p, const struct run_opts *o, const char *dir)
{
	const struct case_def *c = p->c;
	struct run *r = calloc(1, sizeof(*r));
	struct run_ctx *rc;
	struct tf_err err = { "" };
	char path[4096];
	int64_t start = mono_ns();
	int ret;
	struct sigaction sa = { .sa_handler = run_on_signal };

	if (!r)
		return NULL;
	rc = &r->rc;
	rc->fault_ms = -1;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	rc->p = p;
	rc->c = c;
	rc->dir = dir;
	rc->feed = o->feed;
	rc->fx = (struct fault_env){ .plan = p,
				     .c = c,
				     .log = run_fault_log,
				     .log_arg = rc,
				     .listen_again = run_listen_again,
				     .kill_programs = run_exec_kill,
				     .exec_again = run_exec_again,
				     .freezer = o->freezer };
	snprintf(path, sizeof(path), "%s/events.jsonl", dir);
	rc->tl = timeline_new(path, &ret);
	if (!rc->tl)
		rc->tl = timeline_new(NULL, &ret);
	ret = rc->tl ? run_prepared(rc, &err) : -ENOMEM;
	if (!ret) {
		ret = run_collect(r);
		capture_summarize(rc->cap, &r->capture);
		r->rec.capture = &r->capture;
	} else {
		run_collect(r); /* what the run saw until it broke (captures, counters) */
	}
	r->rec.plan = p;
	r->rec.c = c;
	r->rec.control = p->control;
	r->rec.error = ret;
	if (ret)
		snprintf(r->rec.reason, sizeof(r->rec.reason), "%s",
			 err.msg[0] ? err.msg : strerror(-ret));
	r->rec.fault_ms = rc->fault_ms;
	r->rec.duration_ms = (mono_ns() - start) / 1000000;
	r->rec.tl = rc->tl;
	r->rec.sysctls = rc->lab_built ? &rc->sysctls : NULL;
	r->rec.faults = &rc->fx.record;
	for (int h = 0; h < c->n_hosts; h++)
		r->rec.peer_res[h] = &rc->peers[h].res;
	return r;
}
