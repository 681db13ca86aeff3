/* lab_freeze.c - cgroup freezer groups; see lab_freeze.h. */
#include "lab_freeze.h"
#include "lab_need.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#define LAB_FREEZE_PREFIX "tcpfault."
#define LAB_FREEZE_WAIT_MS 2000

enum lab_freeze_kind { LAB_FREEZE_V2, LAB_FREEZE_V1, LAB_FREEZE_KIND_COUNT };

struct lab_freezer {
	enum lab_freeze_kind kind;
	char dir[1024];
};

static const char *const lab_freeze_kind_names[LAB_FREEZE_KIND_COUNT] = {
	[LAB_FREEZE_V2] = "cgroup2",
	[LAB_FREEZE_V1] = "freezer-v1",
};

/* Mount points of the cgroup2 hierarchy and of the v1 freezer, from
 * /proc/self/mountinfo (fields: ... mount-point ... " - " fstype source super-opts). */
static void lab_freeze_mounts(char *v2, size_t v2_len, char *v1, size_t v1_len)
{
	char line[1024], mnt[512], fstype[64], opts[512];
	FILE *f = fopen("/proc/self/mountinfo", "re");

	v2[0] = v1[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *dash = strstr(line, " - ");

		if (!dash || sscanf(line, "%*s %*s %*s %*s %511s", mnt) != 1 ||
		    sscanf(dash + 3, "%63s %*s %511s", fstype, opts) != 2)
			continue;
		if (strcmp(fstype, "cgroup2") == 0 && !v2[0])
			snprintf(v2, v2_len, "%s", mnt);
		else if (strcmp(fstype, "cgroup") == 0 && strstr(opts, "freezer") && !v1[0])
			snprintf(v1, v1_len, "%s", mnt);
	}
	fclose(f);
}

static int lab_freeze_write(const char *dir, const char *file, const char *value)
{
	char path[1100];
	ssize_t n;
	int fd, ret = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, value, strlen(value));
	if (n < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static int lab_freeze_read(const char *dir, const char *file, char *buf, size_t len)
{
	char path[1100];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

/* Start time of @pid in clock ticks since boot (field 22 of /proc/PID/stat),
 * so that a recycled pid is not taken for the owner; 0 if the process is gone,
 * a zombie included: a killed run's workers can wait long for a reaper (an
 * init that reaps slowly, in a container), and a zombie owns nothing. */
static unsigned long long lab_freeze_starttime(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long start = 0;
	char state;
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strrchr(buf, ')'); /* the command name may hold spaces and parentheses */
	if (!p ||
	    sscanf(p + 2,
		   "%c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d "
		   "%*d %*d %*d %llu",
		   &state, &start) != 2 ||
	    state == 'Z' || state == 'X')
		return 0;
	return start;
}

int lab_freezer_want_parse(const char *s)
{
	if (strcmp(s, "auto") == 0)
		return LAB_FREEZER_AUTO;
	for (int k = 0; k < LAB_FREEZE_KIND_COUNT; k++)
		if (strcmp(s, lab_freeze_kind_names[k]) == 0)
			return k == LAB_FREEZE_V2 ? LAB_FREEZER_CGROUP2 : LAB_FREEZER_V1;
	return -1;
}

int lab_freezer_new(const char *name, enum lab_freezer_want want, struct lab_freezer **out,
		    struct tf_err *err)
{
	char v2[512], v1[512];
	struct lab_freezer *fz = calloc(1, sizeof(*fz));
	unsigned long long start = lab_freeze_starttime(getpid());

	if (!fz)
		return -ENOMEM;
	if (!start) { /* a group named with it could never be told from a live one's */
		free(fz);
		return tf_err_set(err, -EIO,
				  "cannot read this process's start time in /proc/%d/stat",
				  (int)getpid());
	}
	lab_freeze_mounts(v2, sizeof(v2), v1, sizeof(v1));
	if (want == LAB_FREEZER_V1)
		v2[0] = '\0';
	else if (want == LAB_FREEZER_CGROUP2)
		v1[0] = '\0';
	/* cgroup v2 first: its freezer is part of the core, needs no controller,
	 * and a child group works even where v1 hierarchies hold the controllers. */
	if (v2[0]) {
		fz->kind = LAB_FREEZE_V2;
		snprintf(fz->dir, sizeof(fz->dir), "%s/" LAB_FREEZE_PREFIX "%d.%llu.%s", v2,
			 (int)getpid(), start, name);
		if (mkdir(fz->dir, 0755) == 0 && access(fz->dir, F_OK) == 0) {
			char probe[1100];

			snprintf(probe, sizeof(probe), "%s/cgroup.freeze", fz->dir);
			if (access(probe, W_OK) == 0)
				goto done;
			rmdir(fz->dir);
		}
	}
	if (v1[0]) {
		fz->kind = LAB_FREEZE_V1;
		snprintf(fz->dir, sizeof(fz->dir), "%s/" LAB_FREEZE_PREFIX "%d.%llu.%s", v1,
			 (int)getpid(), start, name);
		if (mkdir(fz->dir, 0755) == 0)
			goto done;
	}
	free(fz);
	if (want == LAB_FREEZER_V1)
		return tf_err_set(
			err, -EOPNOTSUPP, "no usable freezer-v1: %s",
			v1[0] ? "cannot create a group in its hierarchy" :
				"no cgroup v1 hierarchy with the freezer controller mounted");
	if (want == LAB_FREEZER_CGROUP2)
		return tf_err_set(err, -EOPNOTSUPP, "no usable cgroup2 freezer: %s",
				  v2[0] ? "cannot create a group with cgroup.freeze" :
					  "no cgroup2 hierarchy mounted");
	return tf_err_set(err, -EOPNOTSUPP,
			  "missing " LAB_NEED_FREEZER
			  ": no cgroup2 mount with cgroup.freeze%s, no v1 freezer%s",
			  v2[0] ? " we can create a group in" : "", v1[0] ? " we can write" : "");
done:
	*out = fz;
	return 0;
}

const char *lab_freezer_kind(const struct lab_freezer *fz)
{
	return lab_freeze_kind_names[fz->kind];
}

int lab_freezer_add(struct lab_freezer *fz, pid_t pid, struct tf_err *err)
{
	char buf[32];
	int ret;

	snprintf(buf, sizeof(buf), "%d", (int)pid);
	ret = lab_freeze_write(fz->dir, "cgroup.procs", buf);
	if (ret)
		return tf_err_set(err, ret, "move pid %d into %s: %s", (int)pid, fz->dir,
				  strerror(-ret));
	return 0;
}

/* Has the kernel finished freezing (or thawing)? */
static bool lab_freeze_done(const struct lab_freezer *fz, bool frozen)
{
	char buf[256];

	if (fz->kind == LAB_FREEZE_V2) {
		if (lab_freeze_read(fz->dir, "cgroup.events", buf, sizeof(buf)))
			return false;
		return strstr(buf, frozen ? "frozen 1" : "frozen 0") != NULL;
	}
	if (lab_freeze_read(fz->dir, "freezer.state", buf, sizeof(buf)))
		return false;
	return strncmp(buf, frozen ? "FROZEN" : "THAWED", 6) == 0;
}

int lab_freezer_set(struct lab_freezer *fz, bool frozen, struct tf_err *err)
{
	const char *file = fz->kind == LAB_FREEZE_V2 ? "cgroup.freeze" : "freezer.state";
	const char *value = fz->kind == LAB_FREEZE_V2 ? (frozen ? "1" : "0") :
							(frozen ? "FROZEN" : "THAWED");
	struct timespec pause = { 0, 1000000 };
	int ret = lab_freeze_write(fz->dir, file, value);

	if (ret)
		return tf_err_set(err, ret, "%s/%s: %s", fz->dir, file, strerror(-ret));
	for (int ms = 0; ms < LAB_FREEZE_WAIT_MS; ms++) {
		if (lab_freeze_done(fz, frozen))
			return 0;
		nanosleep(&pause, NULL);
	}
	return tf_err_set(err, -ETIMEDOUT, "%s: still not %s after %d ms", fz->dir,
			  frozen ? "frozen" : "thawed", LAB_FREEZE_WAIT_MS);
}

/* Thaw, kill every member, wait until empty, remove. Used on our own groups
 * and on leftovers. A v1-frozen task cannot die before it is thawed. */
static int lab_freeze_destroy_dir(const char *dir, bool v2)
{
	struct timespec pause = { 0, 2000000 };
	char buf[4096];

	lab_freeze_write(dir, v2 ? "cgroup.freeze" : "freezer.state", v2 ? "0" : "THAWED");
	for (int round = 0; round < 500; round++) {
		char *p, *save = NULL;

		if (lab_freeze_read(dir, "cgroup.procs", buf, sizeof(buf)) || !buf[0])
			break;
		for (p = strtok_r(buf, "\n", &save); p; p = strtok_r(NULL, "\n", &save))
			kill((pid_t)atoi(p), SIGKILL);
		nanosleep(&pause, NULL);
	}
	return rmdir(dir) < 0 ? -errno : 0;
}

void lab_freezer_free(struct lab_freezer *fz)
{
	if (!fz)
		return;
	lab_freeze_destroy_dir(fz->dir, fz->kind == LAB_FREEZE_V2);
	free(fz);
}

/* The owner pid and start time in a group's name; false if it is not one of ours. */
static bool lab_freeze_owner_of(const char *group, int *pid, unsigned long long *start)
{
	return strncmp(group, LAB_FREEZE_PREFIX, strlen(LAB_FREEZE_PREFIX)) == 0 &&
	       sscanf(group + strlen(LAB_FREEZE_PREFIX), "%d.%llu.", pid, start) == 2;
}

bool lab_freezer_owner_alive(const char *group)
{
	unsigned long long start;
	int pid;

	/* start 0 is what lab_freeze_starttime() says of a process that is gone */
	return lab_freeze_owner_of(group, &pid, &start) && start != 0 &&
	       lab_freeze_starttime((pid_t)pid) == start;
}

static int lab_freeze_sweep_root(const char *root, bool v2)
{
	struct dirent *de;
	DIR *d = opendir(root);
	int removed = 0;

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		unsigned long long start;
		char dir[1100];
		int pid;

		if (!lab_freeze_owner_of(de->d_name, &pid, &start) ||
		    lab_freezer_owner_alive(de->d_name))
			continue; /* not tcpfault's, or its owner still runs: not ours to touch */
		snprintf(dir, sizeof(dir), "%s/%s", root, de->d_name);
		if (lab_freeze_destroy_dir(dir, v2) == 0)
			removed++;
	}
	closedir(d);
	return removed;
}

int lab_freezer_sweep(struct tf_err *err)
{
	char v2[512], v1[512];
	int n = 0;

	(void)err;
	lab_freeze_mounts(v2, sizeof(v2), v1, sizeof(v1));
	if (v2[0])
		n += lab_freeze_sweep_root(v2, true);
	if (v1[0])
		n += lab_freeze_sweep_root(v1, false);
	return n;
}
