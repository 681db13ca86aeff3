/* judge.h - a finished run judged: the timing model's bands, then every
 * expectation.
 *
 * Takes: the plan that ran and the run's record (run/run.h: what the peers,
 * the observer, the captures and the faults saw, as C structs, and the
 * timeline). Gives: one struct verdict_result and one struct model_band per
 * expectation, and the case verdict. No lab, no files: a test can judge a
 * record built by hand (tests/unit/test_judge.c). The model's compiled
 * defaults follow the running kernel's release (uname).
 */
#ifndef VERDICT_JUDGE_H
#define VERDICT_JUDGE_H

#include "model/model.h"
#include "plan/plan.h"
#include "run/run.h"
#include "verdict/verdict.h"

/**
 * verdict_judge() - judge @rec, a run of @p that reached its end.
 * @results and @bands hold p->c->n_expects entries each; @bands[i] is the
 * model's band of a "within model" expectation (ok false and why otherwise).
 * @timing_emulated: the run was under software emulation: time bands are
 * reported, not judged (struct verdict_input).
 * Return: the case verdict (verdict_eval()).
 */
enum verdict_status verdict_judge(const struct plan *p, const struct run_record *rec,
				  bool timing_emulated, struct verdict_result *results,
				  struct model_band *bands);

#endif
