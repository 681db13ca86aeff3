/* fault.c - fault dispatch; see fault.h. */
#include "fault/fault.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>

typedef int (*fault_apply_fn)(struct fault_env *env, const struct plan_step *ps, int64_t *t_ns,
			      struct tf_err *err);

int64_t fault_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* kill -9 of the host's peer process: its kernel stays, and closes the
 * sockets for it (FIN, or RST with unread data; KERNEL-FACTS.md, kill -9). */
static int fault_kill(struct fault_env *env, const struct plan_step *ps, int64_t *t_ns,
		      struct tf_err *err)
{
	const struct case_step *st = ps->st;
	const char *host = env->c->hosts[st->host];
	pid_t pid = env->peer_pids[st->host];
	char text[128];

	(void)err;
	*t_ns = fault_mono_ns();
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

/* Indexed by step kind; NULL for the peers' own actions. */
static const fault_apply_fn fault_table[CASE_STEP_COUNT] = {
	[CASE_STEP_KILL] = fault_kill,
	[CASE_STEP_UNPLUG] = fault_unplug,
	[CASE_STEP_REPLUG] = fault_replug,
	[CASE_STEP_DROP] = fault_drop,
	[CASE_STEP_WATCH] = fault_drop,
	[CASE_STEP_LIFT] = fault_lift,
	[CASE_STEP_HOST_CRASH] = fault_host_crash,
	[CASE_STEP_REBOOT] = fault_reboot,
	[CASE_STEP_FREEZE] = fault_freeze,
	[CASE_STEP_MIDDLEBOX] = fault_middlebox,
	[CASE_STEP_READDRESS] = fault_readdress,
};

bool fault_is_fault(enum case_step_kind kind)
{
	return (unsigned int)kind < CASE_STEP_COUNT && fault_table[kind];
}

int fault_apply(struct fault_env *env, const struct plan_step *ps, int64_t *t_ns,
		struct tf_err *err)
{
	*t_ns = fault_mono_ns();
	if (!fault_is_fault(ps->kind))
		return tf_err_set(err, -EINVAL, "%s is not a fault", case_step_name(ps->kind));
	return fault_table[ps->kind](env, ps, t_ns, err);
}

int fault_prepare(struct fault_env *env, struct tf_err *err)
{
	return fault_drop_prepare(env, err);
}

void fault_finish(struct fault_env *env)
{
	if (env->finished)
		return;
	env->finished = true;
	fault_crash_finish(env); /* thaw first: a v1-frozen task cannot even be killed */
	fault_drop_finish(env);
	fault_mbox_finish(env);
}

void fault_tick(struct fault_env *env, int64_t t_ms)
{
	if (env->finished)
		return;
	fault_drop_tick(env, t_ms);
	fault_mbox_tick(env, t_ms);
}
