/* suite_env.c - the run's process environment: entering it (root, priority,
 * private namespace, subreaper), its directories, and the orphans it reaps;
 * see suite_env.h. Moved out of suite.c as is. */
#include "cli/suite_env.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "common/dirs.h"
#include "run/sweep.h"
#include "netns/lab.h"

#define SUITE_NICE (-10) /* the run's scheduling priority (setpriority(2)) */

/* Wait, at most @limit_ms, for the processes this subreaper inherited (the
 * peers of a worker that was SIGKILLed; they die of PR_SET_PDEATHSIG, a v1
 * frozen one once sweep_stale() has thawed it) so that none outlives the run.
 * Return: false once none is left, true if some still are after @limit_ms. */
bool suite_reap_orphans(int limit_ms)
{
	struct timespec pause = { 0, 2000000 };

	for (int waited = 0; waited < limit_ms; waited += 2) {
		pid_t pid;

		while ((pid = waitpid(-1, NULL, WNOHANG)) > 0)
			;
		if (pid < 0) /* ECHILD: nothing left */
			return false;
		nanosleep(&pause, NULL);
	}
	return true;
}

/* Before any case: root, leftovers of killed runs swept, the run's priority,
 * its private network namespace, and this process as the subreaper of every
 * peer. Return: 0, or the exit code when nothing can run. */
int suite_enter(void)
{
	struct tf_err err = { "" };

	if (geteuid() != 0) {
		fprintf(stderr, "tcpfault: run needs root (network namespaces, sysctls): "
				"try sudo; nothing ran\n");
		return 4;
	}
	sweep_stale(stderr); /* a killed run's frozen tasks and groups */
	/* The case clock is only as good as the moment a step runs: on a busy
	 * machine (a build, `make stress`'s CPU hog) the workers and peers, which
	 * inherit this, get the CPU first. The kernel's TCP timers do not depend
	 * on it. Failing is harmless: the run goes on at the usual priority. */
	if (setpriority(PRIO_PROCESS, 0, SUITE_NICE) < 0)
		fprintf(stderr,
			"tcpfault: cannot raise the priority (%s): steps may run late "
			"on a busy machine\n",
			strerror(errno));
	if (lab_ns_enter_private(&err)) {
		fprintf(stderr, "tcpfault: cannot make a private network namespace: %s\n", err.msg);
		return 4;
	}
	/* Peers of a worker that died are re-parented here, not to init, so that
	 * this process reaps them and knows none outlives it. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	return 0;
}

int suite_make_run_dir(const char *root, char *run_dir, size_t len)
{
	char id[64], link_tmp[4096], link[4096];
	time_t now = time(NULL);
	struct tm tm;
	int ret;

	localtime_r(&now, &tm);
	strftime(id, sizeof(id), "%Y%m%d-%H%M%S", &tm);
	snprintf(run_dir, len, "%s/%s-%d", root, id, (int)getpid());
	ret = dirs_make(run_dir);
	if (ret)
		return ret;
	snprintf(link_tmp, sizeof(link_tmp), "%s/.latest-%d", root, (int)getpid());
	snprintf(link, sizeof(link), "%s/latest", root);
	unlink(link_tmp);
	if (symlink(strrchr(run_dir, '/') + 1, link_tmp) == 0)
		rename(link_tmp, link);
	return 0;
}
