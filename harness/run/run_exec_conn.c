/* run_exec_conn.c - what the run saw of the programs, for the verdict: their
 * lines and exits on the case clock, program-HOST.txt, and the host's
 * connection among the observer's sockets with the error the kernel gave it.
 *
 * A program nobody instrumented has no peer report: its connection is found
 * among the observer's sockets of its host (obs.c samples every TCP socket of
 * every lab namespace every 10 ms, orphans too) as one whose remote address
 * is another lab host's: the first that was ESTABLISHED, else the first seen.
 *
 * The kernel's error on that connection (sk_err) is not in sock_diag: the
 * kernel event path (obs/tcp_events.h, sock:inet_sk_error_report) reports it
 * exactly, as a "sock-error" event in the timeline, and that is what is taken
 * when there is one. With the polling observer (--observer polling) there is
 * none, and it is inferred from the samples and the capture, as the kernel
 * decides it (KERNEL-FACTS.md):
 *   - the socket closed (CLOSE, or vanished) from a synchronized or SYN_SENT
 *     state, and an RST from the remote arrived since its last sampled
 *     change: ECONNRESET
 *     (ECONNREFUSED in SYN_SENT);
 *   - it closed with no FIN or RST, its last sample retransmitting or
 *     probing (tcpi_retransmits or tcpi_probes above 0): the kernel gave up,
 *     ETIMEDOUT (a give-up after the neighbour entry failed is EHOSTUNREACH,
 *     which the samples cannot tell; the event path can);
 *   - any other close (FIN paths, the program's own close): no error.
 * The inference is marked as such in the record (sock_errno_source).
 */
#include "run/run_priv.h"
#include "run/run_exec.h"
#include "run/run_exec_priv.h"
#include "netns/lab_cidr.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An RST from the other side that arrived since the socket's last change,
 * and at most this long after its close was sampled (the capture's clock and
 * the samples'), closed it: the samples may lag the RST on a busy machine. */
#define RUN_EXEC_RST_SLACK_MS 20

static const char *ev_str(const json_t *ev, const char *key)
{
	return json_string_value(json_object_get(ev, key)) ?: "";
}

static int64_t ev_int(const json_t *ev, const char *key)
{
	return json_integer_value(json_object_get(ev, key));
}

/* Is the address of "198.18.0.2:5432" (or "[2001:2::2]:5432") another lab
 * host's (not @h's)? */
static bool remote_is_lab(const struct run_ctx *rc, int h, const char *remote)
{
	bool v6 = remote[0] == '[';
	char addr[64];
	struct lab_cidr want, have;

	snprintf(addr, sizeof(addr), "%.*s", (int)strcspn(remote + v6, v6 ? "]" : ":"),
		 remote + v6);
	if (lab_cidr_parse(addr, &want) < 0)
		return false;
	for (int o = 0; o < rc->p->n_hosts; o++) {
		const char *cidr = rc->p->hosts[o].cidr;

		if (o != h && cidr && lab_cidr_parse(cidr, &have) == 0 &&
		    have.family == want.family && !memcmp(have.addr, want.addr, sizeof(have.addr)))
			return true;
	}
	return false;
}

static bool is_sock_event(const json_t *ev, const char *host)
{
	return !strcmp(ev_str(ev, "kind"), "obs") && !strcmp(ev_str(ev, "call"), "sock") &&
	       !strcmp(ev_str(ev, "src"), host);
}

/* The host's connection: the first established, else the first seen. */
static void find_conn(const struct run_ctx *rc, int h, struct obs_program *op)
{
	const char *host = rc->c->hosts[h];
	bool any = false;

	for (size_t i = 0; i < timeline_count(rc->tl); i++) {
		const json_t *ev = timeline_get(rc->tl, i);
		const char *state = ev_str(ev, "state");

		if (!is_sock_event(ev, host) || !strcmp(state, "LISTEN") ||
		    !remote_is_lab(rc, h, ev_str(ev, "remote")))
			continue;
		if (!any || (!op->established && !strcmp(state, "ESTABLISHED"))) {
			snprintf(op->local, sizeof(op->local), "%s", ev_str(ev, "local"));
			snprintf(op->remote, sizeof(op->remote), "%s", ev_str(ev, "remote"));
			any = true;
		}
		if (!strcmp(state, "ESTABLISHED") && !strcmp(op->local, ev_str(ev, "local")) &&
		    !strcmp(op->remote, ev_str(ev, "remote"))) {
			op->established = true;
			return;
		}
	}
}

/* An RST from the remote to the connection, in @from_ms .. @t_ms + slack. */
static bool rst_arrived(const struct run_ctx *rc, int h, const struct obs_program *op,
			int64_t from_ms, int64_t t_ms)
{
	for (size_t i = 0; i < timeline_count(rc->tl); i++) {
		const json_t *ev = timeline_get(rc->tl, i);
		int64_t t = ev_int(ev, "t_ms");

		if (strcmp(ev_str(ev, "src"), "wire") ||
		    strcmp(ev_str(ev, "host"), rc->c->hosts[h]) ||
		    strcmp(ev_str(ev, "dir"), "in") || !strchr(ev_str(ev, "flags"), 'R') ||
		    strcmp(ev_str(ev, "from"), op->remote) || strcmp(ev_str(ev, "to"), op->local))
			continue;
		if (t >= from_ms && t <= t_ms + RUN_EXEC_RST_SLACK_MS)
			return true;
	}
	return false;
}

/* The error the kernel gave the connection, inferred (see the top). */
static void infer_error(const struct run_ctx *rc, int h, struct obs_program *op)
{
	const json_t *last = NULL;
	const char *was;

	for (size_t i = 0; i < timeline_count(rc->tl); i++) {
		const json_t *ev = timeline_get(rc->tl, i);
		const char *state = ev_str(ev, "state");
		int64_t t = ev_int(ev, "t_ms");

		if (!is_sock_event(ev, rc->c->hosts[h]) || strcmp(ev_str(ev, "local"), op->local) ||
		    strcmp(ev_str(ev, "remote"), op->remote))
			continue;
		if (strcmp(state, "CLOSED") && strcmp(state, "CLOSE")) {
			last = ev;
			continue;
		}
		if (!last)
			return;
		was = ev_str(last, "state");
		if (strcmp(was, "ESTABLISHED") && strcmp(was, "SYN_SENT") &&
		    strcmp(was, "CLOSE_WAIT") && strcmp(was, "SYN_RECV"))
			return; /* a FIN path: an orderly close */
		if (rst_arrived(rc, h, op, ev_int(last, "t_ms"), t)) {
			op->sock_errno = !strcmp(was, "SYN_SENT") ? ECONNREFUSED : ECONNRESET;
			snprintf(op->sock_errno_why, sizeof(op->sock_errno_why),
				 "inferred: an RST closed it in %s", was);
		} else if (ev_int(last, "retransmits") > 0 || ev_int(last, "probes") > 0) {
			op->sock_errno = ETIMEDOUT;
			snprintf(op->sock_errno_why, sizeof(op->sock_errno_why),
				 "inferred: gone from %s, no FIN or RST, after %lld "
				 "retransmissions, %lld probes",
				 was, (long long)ev_int(last, "retransmits"),
				 (long long)ev_int(last, "probes"));
		} else {
			return; /* closed by its own process */
		}
		op->sock_errno_ms = t;
		op->sock_errno_source = OBS_SOCKERR_INFERRED;
		return;
	}
}

/* The kernel's own report of an error on the connection (the event
 * observer's "sock-error"); errno 0 reports (a disconnect after a failed
 * connect() clears sk_err) are not errors. true if there was one. */
static bool event_error(const struct run_ctx *rc, int h, struct obs_program *op)
{
	for (size_t i = 0; i < timeline_count(rc->tl); i++) {
		const json_t *ev = timeline_get(rc->tl, i);

		if (strcmp(ev_str(ev, "kind"), "obs") || strcmp(ev_str(ev, "call"), "sock-error") ||
		    strcmp(ev_str(ev, "src"), rc->c->hosts[h]) ||
		    strcmp(ev_str(ev, "local"), op->local) ||
		    strcmp(ev_str(ev, "remote"), op->remote) || ev_int(ev, "err") <= 0)
			continue;
		op->sock_errno = (int)ev_int(ev, "err");
		op->sock_errno_ms = ev_int(ev, "t_ms");
		op->sock_errno_source = OBS_SOCKERR_EVENT;
		snprintf(op->sock_errno_why, sizeof(op->sock_errno_why),
			 "the kernel's error report (sock:inet_sk_error_report)");
		return true;
	}
	return false;
}

void run_exec_conn(const struct run_ctx *rc, int host, struct obs_program *op)
{
	find_conn(rc, host, op);
	if (op->local[0] && !event_error(rc, host, op))
		infer_error(rc, host, op);
}

/* One program's start or end as a line of program-HOST.txt. */
static void write_proc(FILE *f, const struct obs_proc *p, bool end)
{
	if (!end)
		fprintf(f, "%9.3f exec   pid %d: %s\n", (double)p->start_ms / 1000, p->pid,
			p->command);
	else if (p->signo)
		fprintf(f, "%9.3f exit   pid %d: killed by SIG%s%s%s\n", (double)p->exit_ms / 1000,
			p->pid, sigabbrev_np(p->signo) ?: "?", p->ended_by ? " at " : "",
			p->ended_by ? p->ended_by : "");
	else
		fprintf(f, "%9.3f exit   pid %d: status %d\n", (double)p->exit_ms / 1000, p->pid,
			p->status);
}

/* program-HOST.txt: every start, line and end of the host's programs, in
 * time order on the case clock. */
static void write_output(const struct run_ctx *rc, int h, const struct obs_program *op)
{
	int64_t inf = INT64_MAX;
	char path[4096];
	int s = 0, l = 0, e = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/program-%s.txt", rc->dir, rc->c->hosts[h]);
	f = fopen(path, "we");
	if (!f)
		return;
	for (;;) {
		int64_t ts = s < op->n_procs ? op->procs[s].start_ms : inf;
		int64_t tl = l < op->n_lines ? op->lines[l].t_ms : inf;
		int64_t te = e < op->n_procs && op->procs[e].exited ? op->procs[e].exit_ms : inf;

		if (ts == inf && tl == inf && te == inf)
			break;
		if (ts <= tl && ts <= te) {
			write_proc(f, &op->procs[s++], false);
		} else if (te < tl) {
			write_proc(f, &op->procs[e++], true);
		} else {
			fprintf(f, "%9.3f %s %s\n", (double)tl / 1000,
				op->lines[l].err ? "stderr" : "stdout", op->lines[l].text);
			l++;
		}
	}
	fclose(f);
}

/* Host @h's record on the case clock. */
static void collect_host(struct run *r, int h)
{
	struct run_ctx *rc = &r->rc;
	struct run_exec_host *eh = &rc->progs->h[h];
	struct obs_program *op = &eh->obs;

	memset(op, 0, sizeof(*op));
	op->ran = eh->n_procs > 0;
	op->end_ms = run_ms_of(rc, rc->progs->end_ns);
	op->n_procs = eh->n_procs;
	for (int i = 0; i < eh->n_procs; i++) {
		op->procs[i] = eh->procs[i];
		op->procs[i].start_ms = run_ms_of(rc, eh->start_ns[i]);
		op->procs[i].exit_ms = eh->procs[i].exited ? run_ms_of(rc, eh->exit_ns[i]) : -1;
	}
	eh->olines = calloc((size_t)eh->n_lines + 1, sizeof(*eh->olines));
	for (int i = 0; eh->olines && i < eh->n_lines; i++)
		eh->olines[i] = (struct obs_line){ .t_ms = run_ms_of(rc, eh->lines[i].t_ns),
						   .err = eh->lines[i].err,
						   .text = eh->lines[i].text };
	op->lines = eh->olines;
	op->n_lines = eh->olines ? eh->n_lines : 0;
	run_exec_conn(rc, h, op);
	write_output(rc, h, op);
	r->rec.programs[h] = op;
}

void run_exec_collect(struct run *r)
{
	struct run_ctx *rc = &r->rc;

	for (int h = 0; rc->progs && h < rc->c->n_hosts; h++) {
		struct run_exec_host *eh = &rc->progs->h[h];
		struct obs_peer *p = &r->rec.peers[h];
		const struct obs_program *op;

		if (!eh->n_procs)
			continue;
		collect_host(r, h);
		op = &eh->obs;
		if (case_host_runs_peer(rc->c, h))
			continue;
		/* no peer of ours there: its expectations on the connection
		 * (state, no-connection, keepalive-timer) judge the program's */
		*p = (struct obs_peer){ .started = true, .has_conn = op->established };
		p->ka_timer_max_ms = -1;
		if (!op->local[0])
			continue;
		r->rec.local[h] = op->local;
		r->rec.remote[h] = op->remote;
		p->n_states = obs_history(rc->obs, h, op->local, op->remote, &p->states);
		p->tw_restarts =
			obs_tw_restarts(rc->obs, h, op->local, op->remote, &p->tw_first_restart_ms);
		p->ka_timer_max_ms = obs_keepalive_max_ms(rc->obs, h, op->local, op->remote);
	}
}
