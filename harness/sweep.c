/* sweep.c - leftovers, found and removed; see sweep.h. */
#include "sweep.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>

#include "../netns/lab_freeze.h"

int sweep_stale(FILE *log)
{
	struct tf_err err = { "" };
	int n = lab_freezer_sweep(&err);

	if (n > 0 && log)
		fprintf(log, "tcpfault: removed %d freezer group%s left by an earlier run\n", n,
			n == 1 ? "" : "s");
	return n;
}

int sweep_kept(FILE *log)
{
	DIR *d = opendir(SWEEP_KEEP_DIR);
	struct dirent *de;
	int n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char path[PATH_MAX];

		if (strncmp(de->d_name, SWEEP_KEEP_PREFIX, strlen(SWEEP_KEEP_PREFIX)) != 0)
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

/* Is @pid the caller or one of its ancestors (make, a shell running us)? */
static bool sweep_is_ancestor(pid_t pid)
{
	pid_t p = getpid();

	for (int depth = 0; p > 1 && depth < 64; depth++) {
		char path[64], buf[512], *s;
		FILE *f;

		if (p == pid)
			return true;
		snprintf(path, sizeof(path), "/proc/%d/stat", (int)p);
		f = fopen(path, "re");
		if (!f)
			return false;
		s = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
		fclose(f);
		if (!s || sscanf(s + 2, "%*c %d", &p) != 1)
			return false;
	}
	return false;
}

/* The state letter of /proc/PID/stat, or '?' */
static char sweep_proc_state(pid_t pid)
{
	char path[64], buf[512], *s, state = '?';
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return state;
	s = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
	if (s && s[1] == ' ')
		state = s[2];
	fclose(f);
	return state;
}

static int sweep_check_procs(FILE *out)
{
	char self[PATH_MAX] = "";
	DIR *d = opendir("/proc");
	struct dirent *de;
	ssize_t n;
	int leaks = 0;

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	self[n > 0 ? n : 0] = '\0';
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char path[64], exe[PATH_MAX] = "", comm[64] = "";
		pid_t pid = (pid_t)atoi(de->d_name);
		FILE *f;

		if (pid <= 0 || sweep_is_ancestor(pid))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
		n = readlink(path, exe, sizeof(exe) - 1);
		exe[n > 0 ? n : 0] = '\0';
		snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
		f = fopen(path, "re");
		if (f) {
			if (fgets(comm, sizeof(comm), f))
				comm[strcspn(comm, "\n")] = '\0';
			fclose(f);
		}
		/* A zombie holds nothing (its namespaces went in do_exit()); its
		 * parent, or init, reaps it. */
		if (sweep_proc_state(pid) == 'Z')
			continue;
		if ((self[0] && strcmp(exe, self) == 0) || strcmp(comm, "tcpfault") == 0) {
			fprintf(out, "leak: process %d (%s) still runs\n", (int)pid, comm);
			leaks++;
		}
	}
	closedir(d);
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
			if (strncmp(de->d_name, "tcpfault.", 9) == 0) {
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
		if (strncmp(de->d_name, "tcpfault", 8) == 0) {
			fprintf(out, "leak: named namespace %s/%s%s\n", SWEEP_KEEP_DIR, de->d_name,
				strncmp(de->d_name, SWEEP_KEEP_PREFIX, strlen(SWEEP_KEEP_PREFIX))
					? ""
					: " (kept with --keep: tcpfault cleanup removes it)");
			leaks++;
		}
	closedir(d);
	return leaks;
}

int sweep_check(FILE *out)
{
	return sweep_check_procs(out) + sweep_check_cgroups(out) + sweep_check_named(out);
}
