/* run_peers.c - the runner's peer processes: spawned into their hosts'
 * namespaces with the case's socket options, their JSON lines read and folded
 * into the timeline and the per-peer results, stopped at the end; see run_priv.h. */
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

/* Update what the verdicts need from one peer line, then log it. */
void run_peer_event(struct run_ctx *rc, int host, json_t *ev)
{
	int64_t t_ms = run_ms_of(rc, json_integer_value(json_object_get(ev, "t_ns")));

	json_object_set_new(ev, "t_ms", json_integer(t_ms));
	/* and in us: the sequence diagram orders calls and segments by it */
	json_object_set_new(
		ev, "t_us",
		json_integer((json_integer_value(json_object_get(ev, "t_ns")) - rc->t0_ns) / 1000));
	if (host < 0) { /* the runner's own setup event */
		json_object_del(ev, "t_ns");
		timeline_add(rc->tl, ev);
		return;
	}
	json_object_set_new(ev, "src", json_string(rc->c->hosts[host]));
	peer_result_update(&rc->peers[host].res, ev, t_ms);
	timeline_add(rc->tl, ev);
}

/* Before t=0 lines wait in rc->pending: their case time is known only then. */
static void run_peer_line(struct run_ctx *rc, int host, const char *line)
{
	json_t *ev = json_loads(line, 0, NULL);

	if (!ev || !json_is_object(ev)) {
		json_decref(ev);
		run_log(rc, 0, "bad-line", "%s sent a line that is not JSON: %.200s",
			rc->c->hosts[host], line);
		return;
	}
	/* "done" paces the setup steps, and a reboot's new listener after t=0. */
	if (strcmp(json_string_value(json_object_get(ev, "call")) ?: "", "done") == 0)
		rc->peers[host].last_done =
			(uint32_t)json_integer_value(json_object_get(ev, "cmd"));
	if (!rc->clock_started) {
		json_object_set_new(ev, "_host", json_integer(host));
		json_array_append_new(rc->pending, ev);
		return;
	}
	run_peer_event(rc, host, ev);
}

static void run_peer_read(struct run_ctx *rc, int host)
{
	struct run_peer *p = &rc->peers[host];
	ssize_t n;
	char *nl;

	for (;;) {
		n = read(p->proc.event_fd, p->buf + p->len, sizeof(p->buf) - 1 - p->len);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
			p->dead = true;
			return;
		}
		if (n < 0)
			return;
		p->len += (size_t)n;
		p->buf[p->len] = '\0';
		while ((nl = strchr(p->buf, '\n'))) {
			*nl = '\0';
			run_peer_line(rc, host, p->buf);
			p->len -= (size_t)(nl + 1 - p->buf);
			memmove(p->buf, nl + 1, p->len + 1);
		}
		if (p->len == sizeof(p->buf) - 1) /* a line longer than the buffer: drop it */
			p->len = 0;
	}
}

/* Wait up to @timeout_ns for peer output and read what came. ppoll(), not
 * poll(): steps are due to the millisecond, and poll() rounds up. */
void run_pump(struct run_ctx *rc, int64_t timeout_ns)
{
	struct timespec ts = { .tv_sec = timeout_ns / 1000000000,
			       .tv_nsec = timeout_ns % 1000000000 };
	struct pollfd pfd[CASE_MAX_HOSTS * 3 + 1];
	int who[CASE_MAX_HOSTS + 1], n = 0, n_watched;
	int ev_fd = rc->obs ? obs_events_fd(rc->obs) : -1;

	for (int h = 0; h < rc->c->n_hosts; h++) {
		if (!rc->peers[h].started || rc->peers[h].dead)
			continue;
		pfd[n] = (struct pollfd){ .fd = rc->peers[h].proc.event_fd, .events = POLLIN };
		who[n++] = h;
	}
	if (ev_fd >= 0) { /* the observer's kernel events, handled as they come */
		pfd[n] = (struct pollfd){ .fd = ev_fd, .events = POLLIN };
		who[n++] = -1;
	}
	n_watched = n;
	n += run_exec_fds(rc, pfd + n, CASE_MAX_HOSTS * 2); /* the programs' output */
	if (ppoll(pfd, (nfds_t)n, &ts, NULL) > 0)
		for (int i = 0; i < n_watched; i++) {
			struct tf_err err = { "" };

			if (!pfd[i].revents)
				continue;
			if (who[i] >= 0)
				run_peer_read(rc, who[i]);
			else if (obs_read_events(rc->obs, &err) < 0)
				run_log(rc, 0, "observer", "reading kernel events: %s", err.msg);
		}
	run_exec_pump(rc); /* their lines, and which exited */
}

/* A peer process for host @h with the case's socket options for it. */
static int run_peer_spawn(struct run_ctx *rc, int h, struct tf_err *err)
{
	const struct case_def *c = rc->c;
	struct peer_opt opts[32];
	struct peer_conf conf = { .name = c->hosts[h], .opts = opts };
	int ret;

	for (int i = 0; i < c->n_sockopts && conf.n_opts < 32; i++)
		if (c->sockopts[i].host == h)
			opts[conf.n_opts++] = (struct peer_opt){ c->sockopts[i].kind,
								 c->sockopts[i].value,
								 c->sockopts[i].value2 };
	conf.netns_fd = lab_host_netns_fd(rc->lab, h);
	ret = peer_spawn(&conf, &rc->peers[h].proc, err);
	if (ret)
		return ret;
	rc->peers[h].started = true;
	rc->peers[h].res.obs.started = true;
	rc->fx.peer_pids[h] = rc->peers[h].proc.pid;
	return 0;
}

int run_peers_start(struct run_ctx *rc, struct tf_err *err)
{
	const struct case_def *c = rc->c;

	for (int h = 0; h < c->n_hosts; h++) {
		bool acts = false;
		int ret;

		for (int i = 0; i < c->n_steps; i++)
			acts |= c->steps[i].host == h && !fault_is_fault(c->steps[i].kind) &&
				!case_step_is_program(c->steps[i].kind);
		if (!acts)
			continue;
		ret = run_peer_spawn(rc, h, err);
		if (ret)
			return ret;
	}
	return 0;
}

#define RUN_LISTEN_AGAIN_CMD 0xffff0000u /* command id of a reboot's new listener */
#define RUN_LISTEN_AGAIN_MS 2000

/*
 * "reboot HOST listen PORT" (fault_crash.c, while HOST is still black-holed):
 * the old peer was killed with the host; a new process takes its place in the
 * namespace (its lines go on into the same peer result) and listens on PORT.
 * Returns once it listens, so the peer's next segment meets the listener.
 */
int run_listen_again(void *arg, int host, int port, struct tf_err *err)
{
	struct run_ctx *rc = arg;
	struct run_peer *p = &rc->peers[host];
	struct peer_cmd cmd = { .id = RUN_LISTEN_AGAIN_CMD,
				.kind = PEER_CMD_LISTEN,
				.port = (uint16_t)port };
	int64_t deadline = mono_ns() + RUN_LISTEN_AGAIN_MS * 1000000LL;
	int ret;

	if (rc->p->family == 6)
		cmd.addr.ss_family = AF_INET6;

	if (p->started) {
		kill(p->proc.pid, SIGKILL);
		waitpid(p->proc.pid, NULL, 0);
		close(p->proc.cmd_fd);
		close(p->proc.event_fd);
		p->started = false;
	}
	p->len = 0;
	p->dead = false;
	p->last_done = 0;
	ret = run_peer_spawn(rc, host, err);
	if (ret)
		return ret;
	rc->fx.peer_dead[host] = false;
	run_log(rc, 0, "step", "%s: new peer process (pid %d) listens on %d after the reboot",
		rc->c->hosts[host], (int)p->proc.pid, port);
	ret = peer_send_cmd(&p->proc, &cmd);
	while (!ret && p->last_done != RUN_LISTEN_AGAIN_CMD) {
		if (p->dead || mono_ns() > deadline)
			ret = p->dead ? -ESRCH : -ETIMEDOUT;
		else
			run_pump(rc, 10 * 1000000LL);
	}
	if (ret)
		return tf_err_set(err, ret, "reboot %s listen %d: the new peer %s",
				  rc->c->hosts[host], port,
				  ret == -ETIMEDOUT ? "did not listen within 2 s" : "is gone");
	return 0;
}

void run_peers_stop(struct run_ctx *rc)
{
	for (int h = 0; h < rc->c->n_hosts; h++) {
		struct run_peer *p = &rc->peers[h];

		if (!p->started)
			continue;
		kill(p->proc.pid, SIGKILL);
		waitpid(p->proc.pid, NULL, 0);
		close(p->proc.cmd_fd);
		close(p->proc.event_fd);
	}
}

/*
 * The connection a peer's expectations are about: its own (connected,
 * accepted, or the addresses of its connect() attempt), else, for a peer that
 * never got one (a request its server never accepted), the other peer's
 * mirrored: the same tuple seen from this side.
 */
