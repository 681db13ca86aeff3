/* run_exec.c - the hosts' own programs: started, read, stopped; see run_exec.h.
 *
 * A program is /bin/sh -c COMMAND, forked by the worker. The child makes its
 * own process group, waits until the parent has put it in the host's freezer
 * group (so that every process it starts is there too: a host-crash freezes
 * them all, a kill or reboot kills them all), enters the host's namespace,
 * drops to the host's user if any, and execs the shell. The parent reads its
 * stdout and stderr (two pipes, line by line) and reaps it when it exits.
 */
#include "run/run_priv.h"
#include "run/run_exec.h"
#include "run/run_exec_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "common/clock.h"
#include "common/vec.h"
#include "netns/lab_freeze.h"

/* TCPFAULT_ADDR_<HOST>: the name upper-cased, anything else than [A-Z0-9] as '_'. */
static void env_addr_name(const char *host, char *buf, size_t len)
{
	size_t n = (size_t)snprintf(buf, len, "TCPFAULT_ADDR_");

	for (; *host && n + 1 < len; host++) {
		char ch = *host;

		buf[n++] = (ch >= 'a' && ch <= 'z') ? (char)(ch - 'a' + 'A') :
			   ((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')) ? ch :
										    '_';
	}
	buf[n] = '\0';
}

/* In the child: the lab in the environment. */
static void child_env(const struct run_ctx *rc, const struct run_exec_host *eh, int h)
{
	char name[64], addr[64];

	setenv("TCPFAULT_HOST", rc->c->hosts[h], 1);
	setenv("TCPFAULT_TMP", eh->tmp, 1);
	setenv("TCPFAULT_CASE_DIR", rc->progs->case_dir[0] ? rc->progs->case_dir : ".", 1);
	setenv("PYTHONUNBUFFERED", "1", 1); /* lines on time, not at exit */
	for (int o = 0; o < rc->p->n_hosts; o++) {
		const char *cidr = rc->p->hosts[o].cidr;

		if (!cidr)
			continue;
		snprintf(addr, sizeof(addr), "%s", cidr);
		addr[strcspn(addr, "/")] = '\0';
		env_addr_name(rc->c->hosts[o], name, sizeof(name));
		setenv(name, addr, 1);
	}
	if (eh->user[0]) {
		setenv("USER", eh->user, 1);
		setenv("LOGNAME", eh->user, 1);
		setenv("HOME", eh->home, 1);
	}
}

/* In the child, after fork: never returns. */
static void child_run(const struct run_ctx *rc, const struct run_exec_host *eh, int h,
		      const char *cmd, const int fds[3])
{
	pid_t parent = getppid();
	sigset_t none;
	char go;

	setpgid(0, 0);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* the parent puts us in the host's group first: our children are born there */
	if (read(fds[2], &go, 1) != 1)
		_exit(126);
	if (setns(lab_host_netns_fd(rc->lab, h), CLONE_NEWNET) < 0)
		_exit(126);
	child_env(rc, eh, h);
	if (dup2(fds[0], STDOUT_FILENO) < 0 || dup2(fds[1], STDERR_FILENO) < 0)
		_exit(126);
	int null = open("/dev/null", O_RDONLY);

	if (null < 0 || dup2(null, STDIN_FILENO) < 0)
		_exit(126);
	close_range(3, ~0U, 0);
	if (chdir(eh->tmp) < 0)
		_exit(126);
	if (eh->user[0] &&
	    (initgroups(eh->user, eh->gid) < 0 || setgid(eh->gid) < 0 || setuid(eh->uid) < 0)) {
		dprintf(STDERR_FILENO, "tcpfault: cannot become %s: %s\n", eh->user,
			strerror(errno));
		_exit(126);
	}
	/* after setuid: a change of credentials clears the death signal */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(126);
	execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	dprintf(STDERR_FILENO, "tcpfault: /bin/sh: %s\n", strerror(errno));
	_exit(127);
}

/* The host's freezer group, made at its first program. */
static int exec_group(struct run_ctx *rc, int h, struct tf_err *err)
{
	struct run_exec_host *eh = &rc->progs->h[h];
	int ret;

	if (eh->fz)
		return 0;
	ret = lab_freezer_new(rc->c->hosts[h], rc->fx.freezer, &eh->fz, err);
	if (ret)
		return tf_err_set(
			err, ret,
			"exec on %s needs a freezer group (cgroup v2 or the v1 freezer), "
			"so that host-crash and kill reach every process it starts: %.300s",
			rc->c->hosts[h], err->msg);
	rc->fx.groups[h] = eh->fz;
	return 0;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Fork the program and put it in the group; the caller logs it. */
static int exec_fork(struct run_ctx *rc, int h, const char *cmd, pid_t *pid, struct tf_err *err)
{
	struct run_exec_host *eh = &rc->progs->h[h];
	int out[2] = { -1, -1 }, errp[2] = { -1, -1 }, sync[2] = { -1, -1 }, ret;

	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0 || pipe2(sync, O_CLOEXEC) < 0) {
		ret = tf_err_set(err, -errno, "exec on %s: pipe: %s", rc->c->hosts[h],
				 strerror(errno));
		goto out;
	}
	*pid = fork();
	if (*pid < 0) {
		ret = tf_err_set(err, -errno, "exec on %s: fork: %s", rc->c->hosts[h],
				 strerror(errno));
		goto out;
	}
	if (*pid == 0)
		child_run(rc, eh, h, cmd, (const int[3]){ out[1], errp[1], sync[0] });
	setpgid(*pid, *pid); /* both sides: whichever runs first */
	ret = lab_freezer_add(eh->fz, *pid, err);
	if (ret) {
		kill(*pid, SIGKILL);
		waitpid(*pid, NULL, 0);
		goto out;
	}
	if (write(sync[1], "g", 1) != 1)
		ret = tf_err_set(err, -EIO, "exec on %s: the child is gone", rc->c->hosts[h]);
	eh->fd[0] = out[0];
	eh->fd[1] = errp[0];
	out[0] = errp[0] = -1;
	fcntl(eh->fd[0], F_SETFL, O_NONBLOCK);
	fcntl(eh->fd[1], F_SETFL, O_NONBLOCK);
out:
	for (int i = 0; i < 2; i++) {
		close_fd(&out[i]);
		close_fd(&errp[i]);
		close_fd(&sync[i]);
	}
	return ret;
}

/* Start @cmd in host @h (exec, reboot ... exec). */
int run_exec_start(struct run_ctx *rc, int h, const char *cmd, struct tf_err *err)
{
	struct run_exec_host *eh = &rc->progs->h[h];
	struct obs_proc *p;
	pid_t pid = -1;
	int ret;

	if (eh->running)
		return tf_err_set(err, -EBUSY, "%s already runs a program (pid %d): one at a time",
				  rc->c->hosts[h], (int)eh->pid);
	if (eh->n_procs == OBS_MAX_PROCS)
		return tf_err_set(err, -ENOSPC, "%s: more than %d programs", rc->c->hosts[h],
				  OBS_MAX_PROCS);
	run_exec_drain(rc, h); /* the last program's lines, before the new one's */
	close_fd(&eh->fd[0]);
	close_fd(&eh->fd[1]);
	ret = exec_group(rc, h, err);
	if (!ret)
		ret = exec_fork(rc, h, cmd, &pid, err);
	if (ret)
		return ret;
	p = &eh->procs[eh->n_procs];
	eh->start_ns[eh->n_procs++] = mono_ns();
	*p = (struct obs_proc){ .command = cmd, .pid = pid, .status = -1 };
	eh->pid = pid;
	eh->running = true;
	eh->lines_from = eh->n_lines;
	run_exec_event(rc, h, 0, "exec", "pid %d%s%s: %s", (int)pid, eh->user[0] ? " as " : "",
		       eh->user, cmd);
	return 0;
}

/* The program of @h has ended with wait status @ws; @by: who ended it (NULL: itself). */
static void exec_ended(struct run_ctx *rc, int h, int ws, const char *by)
{
	struct run_exec_host *eh = &rc->progs->h[h];
	struct obs_proc *p = &eh->procs[eh->n_procs - 1];

	eh->running = false;
	eh->exit_ns[eh->n_procs - 1] = mono_ns();
	p->exited = true;
	p->ended_by = by;
	if (WIFEXITED(ws))
		p->status = WEXITSTATUS(ws);
	else if (WIFSIGNALED(ws))
		p->signo = WTERMSIG(ws);
	run_exec_drain(rc, h);
	if (p->signo)
		run_exec_event(rc, h, eh->exit_ns[eh->n_procs - 1], "exit",
			       "pid %d killed by SIG%s%s%s", p->pid, sigabbrev_np(p->signo) ?: "?",
			       by ? " at " : "", by ? by : "");
	else
		run_exec_event(rc, h, eh->exit_ns[eh->n_procs - 1], "exit",
			       "pid %d exited with status %d", p->pid, p->status);
}

void run_exec_pump(struct run_ctx *rc)
{
	if (!rc->progs)
		return;
	for (int h = 0; h < rc->c->n_hosts; h++) {
		struct run_exec_host *eh = &rc->progs->h[h];
		int ws;

		run_exec_read(rc, h);
		if (eh->running && waitpid(eh->pid, &ws, WNOHANG) == eh->pid)
			exec_ended(rc, h, ws, eh->ending);
	}
}

/*
 * Kill every process of host @h's programs now (fault kill, reboot): thaw,
 * SIGKILL the group, wait until it is empty, remove it (a next program gets
 * a new one). Called through fault_env.kill_programs.
 */
void run_exec_kill(void *arg, int host, const char *why)
{
	struct run_ctx *rc = arg;
	struct run_exec_host *eh;
	int ws;

	if (!rc->progs)
		return;
	eh = &rc->progs->h[host];
	if (eh->running)
		kill(-eh->pid, SIGKILL); /* a process that left the group still has our pgid */
	lab_freezer_free(eh->fz);
	eh->fz = NULL;
	rc->fx.groups[host] = NULL;
	if (eh->running && waitpid(eh->pid, &ws, 0) == eh->pid)
		exec_ended(rc, host, ws, why);
}

void run_exec_stop(struct run_ctx *rc)
{
	int64_t deadline = mono_ns() + RUN_EXEC_GRACE_MS * 1000000LL;
	bool any = false;

	if (!rc->progs || rc->progs->stopped)
		return;
	rc->progs->stopped = true;
	rc->progs->end_ns = rc->progs->end_ns ? rc->progs->end_ns : mono_ns();
	for (int h = 0; h < rc->c->n_hosts; h++) {
		struct run_exec_host *eh = &rc->progs->h[h];

		if (!eh->running)
			continue;
		eh->ending = "end";
		if (eh->fz) /* a host frozen to the end is thawed by the faults' undo */
			lab_freezer_set(eh->fz, false, &(struct tf_err){ "" });
		kill(-eh->pid, SIGTERM);
		any = true;
	}
	while (any && mono_ns() < deadline) {
		any = false;
		run_exec_pump(rc);
		for (int h = 0; h < rc->c->n_hosts; h++)
			any |= rc->progs->h[h].running;
		if (any)
			usleep(10000);
	}
	for (int h = 0; h < rc->c->n_hosts; h++)
		run_exec_kill(rc, h, "end");
}

/* "need PROGRAM": in PATH, or a path (glob patterns allowed). */
int run_exec_init(struct run_ctx *rc, char *reason, size_t len)
{
	const struct case_def *c = rc->c;
	bool any = false;

	for (int h = 0; h < c->n_hosts; h++)
		any |= case_host_runs_program(c, h);
	if (!any)
		return 0;
	rc->progs = calloc(1, sizeof(*rc->progs));
	if (!rc->progs)
		return -ENOMEM;
	for (int h = 0; h < CASE_MAX_HOSTS; h++)
		rc->progs->h[h].fd[0] = rc->progs->h[h].fd[1] = -1;
	return run_exec_prepare(rc, reason, len);
}

void run_exec_free(struct run_ctx *rc)
{
	if (!rc->progs)
		return;
	run_exec_stop(rc);
	for (int h = 0; h < CASE_MAX_HOSTS; h++) {
		struct run_exec_host *eh = &rc->progs->h[h];

		close_fd(&eh->fd[0]);
		close_fd(&eh->fd[1]);
		for (int i = 0; i < eh->n_lines; i++)
			free(eh->lines[i].text);
		free(eh->lines);
		free(eh->olines);
	}
	run_exec_rmtmp(rc);
	free(rc->progs);
	rc->progs = NULL;
}
