/* suite_obs.h - how a run observes and how wide it runs: the choice between
 * the kernel event path and the polling observer (obs/obs.h, obs/obs_hub.h),
 * and what `-j auto` means.
 *
 * Takes: the run's options (--observer, -j) and its number of jobs. Gives:
 * the run's event hub (or none: polling), the number of cases run at once,
 * and one line each saying what was chosen and why, for the KTAP output.
 */
#ifndef SUITE_OBS_H
#define SUITE_OBS_H

#include <stdbool.h>
#include <stddef.h>

#include <stdint.h>
#include <jansson.h>

#include "obs/obs_hub.h"

enum suite_observer {
	SUITE_OBSERVER_AUTO, /* events when available, else polling */
	SUITE_OBSERVER_EVENTS, /* events, or nothing runs */
	SUITE_OBSERVER_POLLING,
};

/*
 * -j auto: cases at once per CPU. Measured on 2 cores (make bench, and the
 * step lateness the runs record): with the event path an idle case costs
 * well under 1 % of a core, so the width is bounded by the steps' lateness
 * and the lab builds, not the observer; with polling a case costs a third of
 * a core. The quick suite (64 cases, 616 s of cases, the longest 27.8 s):
 * -j 16 ends after 40.3 s (1.45 x the longest), -j 24 after 27.8 s (1.00 x)
 * with its timed steps at most 4.7..13.2 ms late, -j 32 after 27.9 s with
 * 19.5 ms: 24 is as wide as it gets faster.
 */
#define SUITE_JOBS_PER_CPU_EVENTS 12
#define SUITE_JOBS_MIN_EVENTS 24
#define SUITE_JOBS_PER_CPU_POLLING 2
#define SUITE_JOBS_MAX 64

/** suite_observer_parse() - "auto", "events", "polling"; -1 for others. */
int suite_observer_parse(const char *s);

/**
 * suite_obs_open() - the run's observer as @want asks, for @n_slots jobs: *@hub
 * set for the event path, NULL for polling; what was chosen (and why) in @line.
 * Return: 0, or -EOPNOTSUPP when @want is SUITE_OBSERVER_EVENTS and the event
 * path is unavailable (@line says why).
 */
int suite_obs_open(int want, int n_slots, struct obs_hub **hub, char *line, size_t len);

/**
 * suite_jobs_auto() - how many cases at once: @jobs if > 0, else what -j auto
 * gives for this machine and observer; what was chosen in @line.
 */
int suite_jobs_auto(int jobs, bool events, char *line, size_t len);

/* The run's span against its cases' (issue 14: wall <= 1.3 x the longest). */
struct suite_wall {
	int64_t first_ns, last_ns; /* first case's start, last case's end (monotonic) */
	int64_t longest_ns; /* the longest case, lab build and teardown included */
	int64_t late_us; /* the latest any timed step ran after its planned time */
	uint64_t lost; /* kernel events lost (obs_hub_lost()) */
};

/** suite_wall_add() - a case that ran from @start_ns to @end_ns, its steps at most @late_us late. */
void suite_wall_add(struct suite_wall *w, int64_t start_ns, int64_t end_ns, int64_t late_us);

/** suite_wall_json() - {wall_ms, longest_case_ms, step_late_max_us, events_lost}. */
json_t *suite_wall_json(const struct suite_wall *w);

/** suite_wall_text() - "wall 38.2 s, longest case 27.6 s (x1.38) at -j 16, event observer; ...". */
void suite_wall_text(const struct suite_wall *w, int width, bool events, char *line, size_t len);

#endif
