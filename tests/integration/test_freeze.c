/* test_freeze.c - the freezer on this machine's real cgroups (root). */
#include "lab_freeze.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
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

START_TEST(freeze_stops_and_thaw_resumes)
{
	struct lab_freezer *fz;
	struct tf_err err = { "" };
	int p[2], st;
	pid_t pid;

	ck_assert_int_eq(pipe2(p, O_NONBLOCK | O_CLOEXEC), 0);
	pid = ticker(p[1]);
	ck_assert_msg(lab_freezer_new("test", &fz, &err) == 0, "%s", err.msg);
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

/* A group left by a dead owner goes; a live owner's group stays. */
START_TEST(sweep_removes_only_dead_owners)
{
	struct lab_freezer *mine;
	struct tf_err err = { "" };
	char dir[600] = "";
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[1024];

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f)) {
		char mnt[512];

		if (strstr(line, " - cgroup2 ") && sscanf(line, "%*s %*s %*s %*s %511s", mnt) == 1) {
			/* pid 1 with a start time it never had: a dead owner */
			snprintf(dir, sizeof(dir), "%s/tcpfault.1.999999999.leftover", mnt);
			break;
		}
	}
	fclose(f);
	ck_assert_msg(dir[0], "no cgroup2 mount");
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	ck_assert_int_eq(lab_freezer_new("alive", &mine, &err), 0);
	ck_assert_int_ge(lab_freezer_sweep(&err), 1);
	ck_assert_int_ne(access(dir, F_OK), 0);
	ck_assert_int_eq(lab_freezer_set(mine, true, &err), 0); /* still there */
	lab_freezer_free(mine);
}
END_TEST

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
	tcase_add_test(tc, freeze_stops_and_thaw_resumes);
	tcase_add_test(tc, sweep_removes_only_dead_owners);
	tcase_set_timeout(tc, 20);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
