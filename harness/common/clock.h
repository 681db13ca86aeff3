/* clock.h - CLOCK_MONOTONIC, the clock of every timeline, read in one place.
 *
 * Takes: nothing (the kernel's monotonic clock), or a time to bring to a
 * coarser unit. Gives: the clock in ns or ms, and the floor division that
 * turns a time into the unit it falls in.
 *
 * Every t_ns of the runner, the faults, the peers and the observer is this
 * clock, so times taken in different processes of one case compare directly
 * (CLOCK_MONOTONIC is system-wide; it does not jump with settimeofday()).
 */
#ifndef COMMON_CLOCK_H
#define COMMON_CLOCK_H

#include <stdint.h>

/** mono_ns() - CLOCK_MONOTONIC in nanoseconds. */
int64_t mono_ns(void);

/** mono_ms() - CLOCK_MONOTONIC in milliseconds, rounded down. */
int64_t mono_ms(void);

/**
 * mono_floor() - @t (ns, us or ms; a time or a difference of two) in units of
 * @unit, rounded towards minus infinity: the unit an instant falls in. An
 * event 1 us before t=0 is in millisecond -1, not 0 as C's division would say.
 * @unit must be positive.
 * Return: floor(@t / @unit).
 */
int64_t mono_floor(int64_t t, int64_t unit);

#endif
