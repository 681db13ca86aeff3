/* timeline.h - a case's event log: what the peers reported, what the observer
 * sampled, which steps and faults the runner took, all on one clock.
 *
 * Takes: JSON objects (jansson) with a "t_ms" member (case clock, ms; setup
 * events are negative). Gives: events.jsonl streamed as they come (so that an
 * interrupted run leaves a readable file) and, after the run, slices of the
 * log around a moment for failure reports.
 */
#ifndef TIMELINE_H
#define TIMELINE_H

#include <stdint.h>
#include <stdio.h>
#include <jansson.h>

struct timeline;

/**
 * timeline_new() - a log that also streams to @path (NULL: memory only).
 * Return: the log, or NULL with -errno in *@ret. Free with timeline_free().
 */
struct timeline *timeline_new(const char *path, int *ret);

/** timeline_free() - close the file, free the events. NULL does nothing. */
void timeline_free(struct timeline *tl);

/**
 * timeline_add() - append @ev (reference stolen), write it as one line.
 * Events are kept in the order given; callers add them in time order.
 * Return: 0 or -errno.
 */
int timeline_add(struct timeline *tl, json_t *ev);

/** timeline_count() / timeline_get() - the events in order (borrowed references). */
size_t timeline_count(const struct timeline *tl);
const json_t *timeline_get(const struct timeline *tl, size_t i);

/**
 * timeline_print_slice() - print the events from @t_ms - @before_ms to
 * @t_ms + @after_ms as "#   1.012 s  client recv -1 ECONNRESET" lines, at
 * most @max lines (the ones nearest @t_ms).
 */
void timeline_print_slice(const struct timeline *tl, FILE *out, int64_t t_ms, int64_t before_ms,
			  int64_t after_ms, int max);

/** timeline_format_event() - one event as the short human line used above. */
void timeline_format_event(const json_t *ev, char *buf, size_t len);

#endif
