/* fault.c - fault dispatch: the table of fault kinds; see fault.h. */
#include "fault/fault.h"

#include <errno.h>
#include <time.h>

#include "common/clock.h"

/* Indexed by step kind: every kind case/steps.def marks a fault, and only
 * those (NULL: a peer action; tests/unit/test_steps.c checks both ways). */
static const struct fault_ops *const fault_kinds[CASE_STEP_COUNT] = {
	[CASE_STEP_KILL] = &fault_kill_ops,
	[CASE_STEP_UNPLUG] = &fault_unplug_ops,
	[CASE_STEP_REPLUG] = &fault_replug_ops,
	[CASE_STEP_DROP] = &fault_rule_ops,
	[CASE_STEP_WATCH] = &fault_rule_ops,
	[CASE_STEP_LIFT] = &fault_lift_ops,
	[CASE_STEP_HOST_CRASH] = &fault_host_crash_ops,
	[CASE_STEP_REBOOT] = &fault_reboot_ops,
	[CASE_STEP_FREEZE] = &fault_freeze_ops,
	[CASE_STEP_MIDDLEBOX] = &fault_middlebox_ops,
	[CASE_STEP_READDRESS] = &fault_readdress_ops,
};

const struct fault_ops *fault_ops_of(enum case_step_kind kind)
{
	return (unsigned int)kind < CASE_STEP_COUNT ? fault_kinds[kind] : NULL;
}

bool fault_is_fault(enum case_step_kind kind)
{
	return fault_ops_of(kind) != NULL;
}

/* The family of kind @k, if no earlier kind has it: each family's hooks run
 * once, in the order of its first kind. */
static const struct fault_family *fault_family_first(int k)
{
	const struct fault_family *f = fault_kinds[k] ? fault_kinds[k]->family : NULL;

	for (int j = 0; f && j < k; j++)
		if (fault_kinds[j] && fault_kinds[j]->family == f)
			return NULL;
	return f;
}

int fault_apply(struct fault_env *env, const struct plan_step *ps, int64_t *t_ns,
		struct tf_err *err)
{
	const struct fault_ops *ops = fault_ops_of(ps->kind);

	*t_ns = mono_ns();
	if (!ops)
		return tf_err_set(err, -EINVAL, "%s is not a fault", case_step_name(ps->kind));
	return ops->apply(env, ps, t_ns, err);
}

int fault_prepare(struct fault_env *env, struct tf_err *err)
{
	for (int k = 0; k < CASE_STEP_COUNT; k++) {
		const struct fault_family *f = fault_family_first(k);
		int ret = f && f->prepare ? f->prepare(env, err) : 0;

		if (ret)
			return ret;
	}
	return 0;
}

void fault_finish(struct fault_env *env)
{
	const struct fault_family *f;
	int k;

	if (env->finished)
		return;
	env->finished = true;
	/* Every undo first (thaw: a v1-frozen task cannot even be killed), then
	 * every finish (final counters, rules out). */
	for (k = 0; k < CASE_STEP_COUNT; k++)
		if ((f = fault_family_first(k)) && f->undo)
			f->undo(env);
	for (k = 0; k < CASE_STEP_COUNT; k++)
		if ((f = fault_family_first(k)) && f->finish)
			f->finish(env);
}

void fault_tick(struct fault_env *env, int64_t t_ms)
{
	if (env->finished)
		return;
	for (int k = 0; k < CASE_STEP_COUNT; k++) {
		const struct fault_family *f = fault_family_first(k);

		if (f && f->tick)
			f->tick(env, t_ms);
	}
}
