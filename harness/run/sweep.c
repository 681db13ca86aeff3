/* sweep.c - leftovers, found and removed; see sweep.h. */
#include "run/sweep.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>

#include "common/dirs.h"
#include "netns/lab_freeze.h"

/* The scratch directories of "HOST exec" programs (/tmp/tcpfault-exec.PID.*)
 * whose worker PID is gone: a SIGKILLed worker cannot remove its own. */
static int sweep_exec_dirs(FILE *log)
{
	DIR *d = opendir("/tmp");
	struct dirent *e;
	char path[PATH_MAX];
	int n = 0, pid;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		if (sscanf(e->d_name, "tcpfault-exec.%d.", &pid) != 1 || pid <= 0 ||
		    !(kill(pid, 0) < 0 && errno == ESRCH))
			continue;
		snprintf(path, sizeof(path), "/tmp/%s", e->d_name);
		if (dirs_remove(path) == 0)
			n++;
	}
	closedir(d);
	if (n && log)
		fprintf(log, "tcpfault: removed %d program scratch director%s of killed cases\n", n,
			n == 1 ? "y" : "ies");
	return n;
}

int sweep_stale(FILE *log)
{
	struct tf_err err = { "" };
	int n = lab_freezer_sweep(&err), dirs = sweep_exec_dirs(log);

	if (n > 0 && log)
		fprintf(log,
			"tcpfault: removed %d freezer group%s whose owner is gone (what %s "
			"held was thawed and killed)\n",
			n, n == 1 ? "" : "s", n == 1 ? "it" : "they");
	return n < 0 ? n : n + dirs;
}

static bool sweep_keep_owner_running(const char *name);

int sweep_kept(FILE *log)
{
	DIR *d = opendir(SWEEP_KEEP_DIR);
	struct dirent *de;
	int n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char path[PATH_MAX];

		if (strncmp(de->d_name, SWEEP_KEEP_PREFIX, strlen(SWEEP_KEEP_PREFIX)) != 0 ||
		    sweep_keep_owner_running(de->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/%s", SWEEP_KEEP_DIR, de->d_name);
		umount2(path, MNT_DETACH);
		if (unlink(path) == 0) {
			n++;
			if (log)
				fprintf(log, "tcpfault: removed kept namespace %s\n", de->d_name);
		}
	}
	closedir(d);
	return n;
}

/* What the leak check needs to know of a process, from /proc/PID. */
struct sweep_proc {
	pid_t ppid;
	char state; /* of /proc/PID/stat; '?' if unknown */
	char comm[64];
	char exe[PATH_MAX];
	char arg1[16]; /* argv[1]: "run" for a run's orchestrator */
};

static bool sweep_read_proc(pid_t pid, struct sweep_proc *p)
{
	char path[64], buf[512], *s;
	ssize_t n;
	FILE *f;
	int ppid;

	*p = (struct sweep_proc){ .state = '?' };
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	/* the command name may hold spaces and parentheses: state follows the last ')' */
	s = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
	fclose(f);
	if (!s || sscanf(s + 2, "%c %d", &p->state, &ppid) != 2)
		return false;
	p->ppid = (pid_t)ppid;
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	f = fopen(path, "re");
	if (f) {
		if (fgets(p->comm, sizeof(p->comm), f))
			p->comm[strcspn(p->comm, "\n")] = '\0';
		fclose(f);
	}
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	n = readlink(path, p->exe, sizeof(p->exe) - 1);
	p->exe[n > 0 ? n : 0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	f = fopen(path, "re");
	if (f) {
		n = (ssize_t)fread(buf, 1, sizeof(buf) - 1, f);
		buf[n > 0 ? n : 0] = '\0';
		fclose(f);
		s = memchr(buf, '\0', (size_t)(n > 0 ? n : 0));
		if (s && s + 1 < buf + n)
			snprintf(p->arg1, sizeof(p->arg1), "%s", s + 1);
	}
	return true;
}

#define SWEEP_MAX_ANCESTORS 64

/* The caller and its ancestors (make, a shell running us): not leaks. */
struct sweep_ancestors {
	pid_t pid[SWEEP_MAX_ANCESTORS];
	int n;
};

static void sweep_ancestors_read(struct sweep_ancestors *a)
{
	struct sweep_proc p;
	pid_t cur = getpid();

	for (a->n = 0; cur > 1 && a->n < SWEEP_MAX_ANCESTORS; cur = p.ppid) {
		a->pid[a->n++] = cur;
		if (!sweep_read_proc(cur, &p))
			break;
	}
}

static bool sweep_is_ancestor(const struct sweep_ancestors *a, pid_t pid)
{
	for (int i = 0; i < a->n; i++)
		if (a->pid[i] == pid)
			return true;
	return false;
}

/* This binary, or one of the names tcpfault's processes go by: the
 * orchestrator "tcpfault", a worker "tcpfault-case", a peer "tcpfault-peer",
 * the model's probe of a fresh namespace "tcpfault-probe". */
static bool sweep_is_ours(const struct sweep_proc *p, const char *self)
{
	static const char *const names[] = { "tcpfault", "tcpfault-case", "tcpfault-peer",
					     "tcpfault-probe" };

	if (self[0] && strcmp(p->exe, self) == 0)
		return true;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(p->comm, names[i]) == 0)
			return true;
	return false;
}

/* Is @pid the orchestrator of a run that is still going? */
static bool sweep_is_orchestrator(pid_t pid)
{
	struct sweep_proc p;

	return sweep_read_proc(pid, &p) && p.state != 'Z' && strcmp(p.comm, "tcpfault") == 0 &&
	       strcmp(p.arg1, "run") == 0;
}

/* A kept lab "tcpfault-keep-<orchestrator pid>.<n>.<host>" whose run is still
 * going: that run may be about to print how to enter it. */
static bool sweep_keep_owner_running(const char *name)
{
	int pid;

	return sscanf(name + strlen(SWEEP_KEEP_PREFIX), "%d.", &pid) == 1 && pid > 1 &&
	       sweep_is_orchestrator((pid_t)pid);
}

/* The orchestrator of the run @pid belongs to, if that run is still going:
 * the top of its chain of tcpfault parents is a "tcpfault run" process (a
 * worker or a peer renames itself, suite.c / peer.c, so an orphaned one is
 * never taken for an orchestrator). 0: a leftover. */
static pid_t sweep_live_run(pid_t pid, const char *self)
{
	struct sweep_proc p, parent;

	if (!sweep_read_proc(pid, &p))
		return 0;
	for (int depth = 0; depth < SWEEP_MAX_ANCESTORS && p.ppid > 1; depth++) {
		if (!sweep_read_proc(p.ppid, &parent) || !sweep_is_ours(&parent, self))
			break;
		pid = p.ppid;
		p = parent;
	}
	return sweep_is_orchestrator(pid) ? pid : 0;
}

static int sweep_check_procs(FILE *out)
{
	char self[PATH_MAX] = "";
	DIR *d = opendir("/proc");
	struct sweep_ancestors anc;
	struct dirent *de;
	pid_t runs[16];
	int leaks = 0, n_runs = 0, busy = 0;
	ssize_t n;

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	self[n > 0 ? n : 0] = '\0';
	if (!d)
		return 0;
	sweep_ancestors_read(&anc);
	while ((de = readdir(d))) {
		pid_t pid = (pid_t)atoi(de->d_name), run;
		struct sweep_proc p;

		if (pid <= 0 || sweep_is_ancestor(&anc, pid) || !sweep_read_proc(pid, &p))
			continue;
		/* A zombie holds nothing (its namespaces went in do_exit()); its
		 * parent, or init, reaps it. */
		if (p.state == 'Z' || !sweep_is_ours(&p, self))
			continue;
		run = sweep_live_run(pid, self);
		if (run) { /* another run, still going: its own, not a leak */
			bool seen = false;

			for (int i = 0; i < n_runs; i++)
				seen |= runs[i] == run;
			if (!seen && n_runs < (int)(sizeof(runs) / sizeof(runs[0])))
				runs[n_runs++] = run;
			busy++;
			continue;
		}
		fprintf(out, "leak: process %d (%s) still runs\n", (int)pid, p.comm);
		leaks++;
	}
	closedir(d);
	for (int i = 0; i < n_runs; i++)
		fprintf(out,
			"note: tcpfault run %d is still going; its processes and groups are "
			"not leaks\n",
			(int)runs[i]);
	if (busy)
		fprintf(out, "note: %d process%s of running runs left alone\n", busy,
			busy == 1 ? "" : "es");
	return leaks;
}

/* tcpfault.* groups under every cgroup mount. */
static int sweep_check_cgroups(FILE *out)
{
	char line[1024], mnt[512], fstype[64];
	FILE *f = fopen("/proc/self/mountinfo", "re");
	int leaks = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char *dash = strstr(line, " - ");
		struct dirent *de;
		DIR *d;

		if (!dash || sscanf(line, "%*s %*s %*s %*s %511s", mnt) != 1 ||
		    sscanf(dash + 3, "%63s", fstype) != 1 || strncmp(fstype, "cgroup", 6) != 0)
			continue;
		d = opendir(mnt);
		if (!d)
			continue;
		while ((de = readdir(d)))
			if (strncmp(de->d_name, "tcpfault.", 9) == 0 &&
			    !lab_freezer_owner_alive(de->d_name)) {
				fprintf(out, "leak: cgroup %s/%s\n", mnt, de->d_name);
				leaks++;
			}
		closedir(d);
	}
	fclose(f);
	return leaks;
}

static int sweep_check_named(FILE *out)
{
	DIR *d = opendir(SWEEP_KEEP_DIR);
	struct dirent *de;
	int leaks = 0;

	if (!d)
		return 0;
	while ((de = readdir(d)))
		if (strncmp(de->d_name, "tcpfault", 8) == 0 &&
		    !(strncmp(de->d_name, SWEEP_KEEP_PREFIX, strlen(SWEEP_KEEP_PREFIX)) == 0 &&
		      sweep_keep_owner_running(de->d_name))) {
			fprintf(out, "leak: named namespace %s/%s%s\n", SWEEP_KEEP_DIR, de->d_name,
				strncmp(de->d_name, SWEEP_KEEP_PREFIX, strlen(SWEEP_KEEP_PREFIX)) ?
					"" :
					" (kept with --keep: tcpfault cleanup removes it)");
			leaks++;
		}
	closedir(d);
	return leaks;
}

int sweep_check(FILE *out)
{
	return sweep_check_procs(out) + sweep_check_cgroups(out) + sweep_check_named(out);
}
