/* suite_obs.c - the run's observer and width; see suite_obs.h. */
#include "cli/suite_obs.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int suite_observer_parse(const char *s)
{
	static const char *const names[] = { "auto", "events", "polling" };

	for (int i = 0; i < 3; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

int suite_obs_open(int want, int n_slots, struct obs_hub **hub, char *line, size_t len)
{
	struct tf_err err = { "" };
	int ret;

	*hub = NULL;
	if (want == SUITE_OBSERVER_POLLING) {
		snprintf(line, len,
			 "observer: polling (--observer polling: sock_diag every 10 ms)");
		return 0;
	}
	ret = obs_hub_open(n_slots, hub, &err);
	if (ret == 0) {
		snprintf(line, len,
			 "observer: events (kernel tracepoints through BPF, one ring buffer for "
			 "the run)");
		return 0;
	}
	if (want == SUITE_OBSERVER_EVENTS) {
		snprintf(line, len, "observer: --observer events, but the event path is %s",
			 err.msg);
		return -EOPNOTSUPP;
	}
	snprintf(line, len, "observer: polling, sock_diag every 10 ms (the event path is %s)",
		 err.msg);
	return 0;
}

int suite_jobs_auto(int jobs, bool events, char *line, size_t len)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	if (jobs > 0) {
		snprintf(line, len, "-j %d", jobs);
		return jobs;
	}
	if (cpus < 1)
		cpus = 1;
	jobs = (int)cpus * (events ? SUITE_JOBS_PER_CPU_EVENTS : SUITE_JOBS_PER_CPU_POLLING);
	if (events && jobs < SUITE_JOBS_MIN_EVENTS)
		jobs = SUITE_JOBS_MIN_EVENTS;
	if (jobs > SUITE_JOBS_MAX)
		jobs = SUITE_JOBS_MAX;
	snprintf(line, len, "-j auto: %d cases at once (%ld CPUs, %s observer)", jobs, cpus,
		 events ? "event" : "polling");
	return jobs;
}

void suite_wall_add(struct suite_wall *w, int64_t start_ns, int64_t end_ns, int64_t late_us)
{
	if (!w->first_ns || start_ns < w->first_ns)
		w->first_ns = start_ns;
	if (end_ns > w->last_ns)
		w->last_ns = end_ns;
	if (end_ns - start_ns > w->longest_ns)
		w->longest_ns = end_ns - start_ns;
	if (late_us > w->late_us)
		w->late_us = late_us;
}

json_t *suite_wall_json(const struct suite_wall *w)
{
	return json_pack("{s:I s:I s:I s:I}", "wall_ms",
			 (json_int_t)((w->last_ns - w->first_ns) / 1000000), "longest_case_ms",
			 (json_int_t)(w->longest_ns / 1000000), "step_late_max_us",
			 (json_int_t)w->late_us, "events_lost", (json_int_t)w->lost);
}

void suite_wall_text(const struct suite_wall *w, int width, bool events, char *line, size_t len)
{
	double wall = (double)(w->last_ns - w->first_ns) / 1e9;
	double longest = (double)w->longest_ns / 1e9;
	char lost[200] = "";

	if (w->lost)
		snprintf(lost, sizeof(lost),
			 "; %llu kernel events lost (ring buffer full, a worker behind, or a "
			 "program that could not run nested; any socket's, not only the run's)",
			 (unsigned long long)w->lost);
	snprintf(line, len,
		 "wall %.1f s, longest case %.1f s (x%.2f) at -j %d, %s observer; timed steps at "
		 "most %.1f ms late%s",
		 wall, longest, longest > 0 ? wall / longest : 0, width,
		 events ? "event" : "polling", (double)w->late_us / 1000, lost);
}
