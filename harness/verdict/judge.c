/* judge.c - a finished run judged; see judge.h. */
#include "verdict/judge.h"

#include "verdict/model_env.h"

enum verdict_status verdict_judge(const struct plan *p, const struct run_record *rec,
				  bool timing_emulated, struct verdict_result *results,
				  struct model_band *bands)
{
	const struct case_def *c = p->c;
	struct model_env_run mr = {
		.c = c, .tl = rec->tl, .sysctls = rec->sysctls, .fault_ms = rec->fault_ms
	};
	struct verdict_input in = { .c = c,
				    .peers = rec->peers,
				    .fault_ms = rec->fault_ms,
				    .obs_first_ms = rec->obs_first_ms,
				    .obs_last_ms = rec->obs_last_ms,
				    .models = bands,
				    .wire = rec->wire,
				    .counters = rec->counters,
				    .n_counters = rec->n_counters,
				    .sysctl_seen = rec->sysctl_seen,
				    .sysctl_why = rec->sysctl_why,
				    .timing_emulated = timing_emulated };

	for (int h = 0; h < c->n_hosts; h++) {
		mr.sockopts[h] = rec->peer_res[h] ? &rec->peer_res[h]->sockopts : NULL;
		mr.local[h] = rec->local[h];
		mr.remote[h] = rec->remote[h];
		in.programs[h] = rec->programs[h];
	}
	model_env_case(&mr, bands);
	return verdict_eval(&in, results);
}
