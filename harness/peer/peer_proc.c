/* peer_proc.c - a peer's process: forked into its namespace, its fds and
 * signals reset, then peer_loop() (peer.c); commands sent to it. See peer.h. */
#include "peer/peer.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include "common/clock.h"
#include "peer/peer_int.h"

/* Keep stdio and our two fds; the rest (other peers' command sockets, the
 * lab's netlink sockets) would otherwise stay open in every peer. */
static void peer_close_other_fds(int a, int b)
{
	unsigned int keep[2] = { (unsigned int)(a < b ? a : b), (unsigned int)(a < b ? b : a) };
	unsigned int from = 3;

	for (int i = 0; i < 2; i++) {
		if (keep[i] < from)
			continue;
		if (keep[i] > from)
			close_range(from, keep[i] - 1, 0);
		from = keep[i] + 1;
	}
	close_range(from, ~0U, 0);
}

/* The runner's signal handlers (lab cleanup) must not run in a peer: reset
 * them all, and unblock what the runner may have blocked for a signalfd. */
static void peer_reset_signals(void)
{
	sigset_t none;

	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	/* send() uses MSG_NOSIGNAL; this also covers writes to the event pipe. */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static void __attribute__((noreturn))
peer_child(const struct peer_conf *conf, pid_t parent, int cmd_fd, int ev_fd)
{
	struct peer_state *st;
	int e;

	/* PDEATHSIG fires when the forking thread exits; the parent may already
	 * be gone before prctl(), hence the getppid() check (prctl(2)). */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(1);
	/* ps shows what it is; the leak check tells it from a run (sweep.h) */
	prctl(PR_SET_NAME, "tcpfault-peer");
	peer_reset_signals();
	st = calloc(1, sizeof(*st));
	if (!st)
		_exit(1);
	*st = (struct peer_state){
		.conf = conf, .cmd_fd = cmd_fd, .ev_fd = ev_fd, .lfd = -1, .cfd = -1, .reading = true
	};
	peer_fill_pattern(st);
	if (setns(conf->netns_fd, CLONE_NEWNET) < 0) {
		e = errno;
		peer_emit(st, mono_ns(), "setns", -1, e, NULL);
		_exit(1);
	}
	peer_close_other_fds(cmd_fd, ev_fd);
	peer_loop(st);
	_exit(0);
}

int peer_spawn(const struct peer_conf *conf, struct peer_proc *out, struct tf_err *err)
{
	int sv[2], ev[2], e;
	pid_t parent = getpid(), pid;

	if (!conf->name || conf->n_opts < 0 || (conf->n_opts && !conf->opts))
		return tf_err_set(err, -EINVAL, "peer: bad configuration");
	/* No sentinel for "the current namespace": a peer always runs in a lab host. */
	if (conf->netns_fd < 0)
		return tf_err_set(err, -EINVAL, "peer %s: no namespace given", conf->name);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		e = errno;
		return tf_err_set(err, -e, "peer %s: socketpair: %s", conf->name, strerror(e));
	}
	if (pipe2(ev, O_CLOEXEC) < 0) {
		e = errno;
		tf_err_set(err, -e, "peer %s: pipe2: %s", conf->name, strerror(e));
		goto out_close_sv;
	}
	/* Only the runner's end is non-blocking: a slow runner blocks the peer. */
	if (fcntl(ev[0], F_SETFL, O_NONBLOCK) < 0) {
		e = errno;
		tf_err_set(err, -e, "peer %s: fcntl: %s", conf->name, strerror(e));
		goto out_close_ev;
	}
	pid = fork();
	if (pid < 0) {
		e = errno;
		tf_err_set(err, -e, "peer %s: fork: %s", conf->name, strerror(e));
		goto out_close_ev;
	}
	if (pid == 0)
		peer_child(conf, parent, sv[1], ev[1]);
	close(sv[1]);
	close(ev[1]);
	*out = (struct peer_proc){ .pid = pid, .cmd_fd = sv[0], .event_fd = ev[0] };
	return 0;

out_close_ev:
	close(ev[0]);
	close(ev[1]);
out_close_sv:
	close(sv[0]);
	close(sv[1]);
	return -e;
}

int peer_send_cmd(const struct peer_proc *p, const struct peer_cmd *cmd)
{
	if (send(p->cmd_fd, cmd, sizeof(*cmd), MSG_NOSIGNAL) < 0)
		return -errno;
	return 0;
}
