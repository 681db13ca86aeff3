/* test_freeze.c - the freezer on this machine's real cgroups (root). */
#include "netns/lab_freeze.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>

/* A child that writes a byte into @fd every millisecond. */
static pid_t ticker(int fd)
{
	pid_t pid = fork();

	if (pid == 0) {
		for (;;) {
			if (write(fd, "x", 1) < 0)
				_exit(0);
			usleep(1000);
		}
	}
	return pid;
}

static int drain(int fd)
{
	char buf[4096];
	int total = 0;
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		total += (int)n;
	return total;
}

/* The kinds this test runs on, as loop indexes: enum lab_freezer_want. */
static const char *const kind_names[] = { "auto", "cgroup2", "freezer-v1" };
static bool kind_usable[3];

/* Mount point of the hierarchy of @want (LAB_FREEZER_CGROUP2 or _V1), "" if none. */
static void hierarchy_of(int want, char *out, size_t len)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[1024];

	out[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char mnt[512];
		char *dash = strstr(line, " - ");
		bool v2 = dash && strncmp(dash, " - cgroup2 ", 11) == 0;
		bool v1 = dash && strncmp(dash, " - cgroup ", 10) == 0 && strstr(dash, "freezer");

		if (((want == LAB_FREEZER_CGROUP2 && v2) || (want == LAB_FREEZER_V1 && v1)) &&
		    sscanf(line, "%*s %*s %*s %*s %511s", mnt) == 1) {
			snprintf(out, len, "%s", mnt);
			break;
		}
	}
	fclose(f);
}

/* Wait, at most 2 s, until the group in @dir says it is frozen. */
static bool group_frozen(const char *dir, int want)
{
	char path[700], buf[256];

	snprintf(path, sizeof(path), "%s/%s", dir,
		 want == LAB_FREEZER_V1 ? "freezer.state" : "cgroup.events");
	for (int ms = 0; ms < 2000; ms += 5) {
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

		if (fd >= 0)
			close(fd);
		buf[n > 0 ? n : 0] = '\0';
		if (strstr(buf, want == LAB_FREEZER_V1 ? "FROZEN" : "frozen 1"))
			return true;
		usleep(5000);
	}
	return false;
}

/* Skip a kind this machine cannot give (said once, in main()). */
#define NEED_KIND(want)                 \
	do {                            \
		if (!kind_usable[want]) \
			return;         \
	} while (0)

START_TEST(freeze_stops_and_thaw_resumes)
{
	struct lab_freezer *fz;
	struct tf_err err = { "" };
	int p[2], st;
	pid_t pid;

	NEED_KIND(_i);
	ck_assert_int_eq(pipe2(p, O_NONBLOCK | O_CLOEXEC), 0);
	pid = ticker(p[1]);
	ck_assert_msg(lab_freezer_new("test", _i, &fz, &err) == 0, "%s", err.msg);
	if (_i != LAB_FREEZER_AUTO)
		ck_assert_str_eq(lab_freezer_kind(fz), kind_names[_i]);
	ck_assert_int_eq(lab_freezer_add(fz, pid, &err), 0);
	ck_assert_msg(lab_freezer_set(fz, true, &err) == 0, "%s", err.msg);
	drain(p[0]);
	usleep(100000);
	ck_assert_int_eq(drain(p[0]), 0); /* frozen: not one tick in 100 ms */
	ck_assert_int_eq(lab_freezer_set(fz, false, &err), 0);
	usleep(100000);
	ck_assert_int_gt(drain(p[0]), 10);
	/* free thaws and kills what is left */
	ck_assert_int_eq(lab_freezer_set(fz, true, &err), 0);
	lab_freezer_free(fz);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
}
END_TEST

/* A group left by a dead owner goes, with the frozen process in it (a v1
 * frozen task ignores SIGKILL until thawed: what a SIGKILLed run leaves); a
 * live owner's group stays. */
START_TEST(sweep_removes_only_dead_owners)
{
	struct lab_freezer *mine;
	struct tf_err err = { "" };
	char root[512], dir[600], procs[700], buf[32];
	int p[2], st, fd;
	pid_t pid;

	if (_i == LAB_FREEZER_AUTO)
		return; /* the sweep looks at both hierarchies: tested per kind */
	NEED_KIND(_i);
	hierarchy_of(_i, root, sizeof(root));
	ck_assert_msg(root[0], "no %s hierarchy", kind_names[_i]);
	/* pid 1 with a start time it never had: a dead owner */
	snprintf(dir, sizeof(dir), "%s/tcpfault.1.999999999.leftover", root);
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	ck_assert_int_eq(pipe2(p, O_NONBLOCK | O_CLOEXEC), 0);
	pid = ticker(p[1]);
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir);
	fd = open(procs, O_WRONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	snprintf(buf, sizeof(buf), "%d", (int)pid);
	ck_assert_int_gt(write(fd, buf, strlen(buf)), 0);
	close(fd);
	snprintf(procs, sizeof(procs), "%s/%s", dir,
		 _i == LAB_FREEZER_V1 ? "freezer.state" : "cgroup.freeze");
	fd = open(procs, O_WRONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_gt(
		write(fd, _i == LAB_FREEZER_V1 ? "FROZEN" : "1", _i == LAB_FREEZER_V1 ? 6 : 1), 0);
	close(fd);
	ck_assert_msg(group_frozen(dir, _i), "%s never froze", dir);
	kill(pid, SIGKILL);
	usleep(50000);
	if (_i == LAB_FREEZER_V1) /* the v1 freezer holds it: not dead yet */
		ck_assert_int_eq(waitpid(pid, &st, WNOHANG), 0);

	ck_assert_int_eq(lab_freezer_new("alive", _i, &mine, &err), 0);
	ck_assert_int_ge(lab_freezer_sweep(&err), 1);
	ck_assert_int_ne(access(dir, F_OK), 0);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	ck_assert_int_eq(lab_freezer_set(mine, true, &err), 0); /* still there */
	lab_freezer_free(mine);
}
END_TEST

/* A kind that is asked for by name and missing is refused with the reason,
 * never replaced by the other one. */
START_TEST(missing_kind_is_refused)
{
	struct lab_freezer *fz = NULL;
	struct tf_err err = { "" };

	ck_assert_int_eq(lab_freezer_want_parse("auto"), LAB_FREEZER_AUTO);
	ck_assert_int_eq(lab_freezer_want_parse("cgroup2"), LAB_FREEZER_CGROUP2);
	ck_assert_int_eq(lab_freezer_want_parse("freezer-v1"), LAB_FREEZER_V1);
	ck_assert_int_eq(lab_freezer_want_parse("v3"), -1);
	/* a private mount namespace with no cgroup mounted at all (also none
	 * that find_kinds() mounted elsewhere) */
	ck_assert_int_eq(unshare(CLONE_NEWNS), 0);
	ck_assert_int_eq(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), 0);
	for (int left = 1, rounds = 0; left && rounds < 10; rounds++) {
		char root[512];

		left = 0;
		for (int k = LAB_FREEZER_CGROUP2; k <= LAB_FREEZER_V1; k++) {
			hierarchy_of(k, root, sizeof(root));
			if (root[0]) {
				ck_assert_int_eq(umount2(root, MNT_DETACH), 0);
				left = 1;
			}
		}
	}
	ck_assert_int_eq(lab_freezer_new("x", LAB_FREEZER_V1, &fz, &err), -EOPNOTSUPP);
	ck_assert_msg(strstr(err.msg, "freezer-v1"), "%s", err.msg);
	ck_assert_int_eq(lab_freezer_new("x", LAB_FREEZER_AUTO, &fz, &err), -EOPNOTSUPP);
	ck_assert_ptr_null(fz);
}
END_TEST

/* Which kinds can this machine give? A v1 freezer that is not mounted is
 * mounted here, in a private mount namespace of this test (the freezer
 * controller is free where cgroup v2 alone is in use), so that the v1 path
 * is tested on every machine that has the controller. */
static char mounted_here[] = "/tmp/tcpfault-test-freezer.XXXXXX";

static void find_kinds(void)
{
	char root[512];
	struct lab_freezer *fz;
	struct tf_err err = { "" };

	hierarchy_of(LAB_FREEZER_V1, root, sizeof(root));
	if (!root[0] && unshare(CLONE_NEWNS) == 0 &&
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0) {
		if (mkdtemp(mounted_here) &&
		    mount("freezer", mounted_here, "cgroup", 0, "freezer") == 0)
			printf("# mounted a v1 freezer hierarchy for this test\n");
	}
	for (int k = 0; k < 3; k++) {
		kind_usable[k] = lab_freezer_new("probe", k, &fz, &err) == 0;
		if (kind_usable[k])
			lab_freezer_free(fz);
		else
			printf("# SKIP %s: %s\n", kind_names[k], err.msg);
	}
}

int main(void)
{
	Suite *s = suite_create("freeze");
	TCase *tc = tcase_create("cgroup");
	SRunner *sr;
	int failed;

	if (geteuid() != 0) {
		printf("SKIP: needs root\n");
		return 0;
	}
	find_kinds();
	tcase_add_loop_test(tc, freeze_stops_and_thaw_resumes, 0, 3);
	tcase_add_loop_test(tc, sweep_removes_only_dead_owners, 0, 3);
	tcase_add_test(tc, missing_kind_is_refused);
	tcase_set_timeout(tc, 20);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	if (strchr(mounted_here, 'X') == NULL) { /* mkdtemp() made it */
		umount(mounted_here);
		rmdir(mounted_here);
	}
	return failed ? 1 : 0;
}
