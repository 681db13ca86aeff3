/* fault_kill.c - kill: kill -9 of the host's peer process, and of every
 * process of its programs (their freezer group, run/run_exec.c).
 *
 * Its kernel stays, and closes the sockets for it (FIN, or RST with unread
 * data; KERNEL-FACTS.md, kill -9). Nothing to prepare, watch or undo.
 */
#include "fault/fault.h"

#include <signal.h>
#include <stdio.h>

#include "common/clock.h"

static int fault_kill(struct fault_env *env, const struct plan_step *ps, int64_t *t_ns,
		      struct tf_err *err)
{
	const struct case_step *st = ps->st;
	const char *host = env->c->hosts[st->host];
	pid_t pid = env->peer_pids[st->host];
	char text[128];

	(void)err;
	*t_ns = mono_ns();
	if (env->groups[st->host] && env->kill_programs) {
		/* the host's programs: every process of the group, SIGKILL */
		env->kill_programs(env->log_arg, st->host, "kill");
		if (pid && !env->peer_dead[st->host])
			kill(pid, SIGKILL);
		if (pid)
			env->peer_dead[st->host] = true;
		snprintf(text, sizeof(text), "kill -9 %s: every process of its programs%s", host,
			 pid ? " and its peer" : "");
		env->log(env->log_arg, *t_ns, text);
		return 0;
	}
	if (!pid || env->peer_dead[st->host]) {
		snprintf(text, sizeof(text), "kill %s: no live peer process there", host);
		env->log(env->log_arg, *t_ns, text);
		return 0;
	}
	kill(pid, SIGKILL);
	env->peer_dead[st->host] = true;
	snprintf(text, sizeof(text), "kill -9 %s (pid %d)", host, (int)pid);
	env->log(env->log_arg, *t_ns, text);
	return 0;
}

const struct fault_ops fault_kill_ops = { .apply = fault_kill };
