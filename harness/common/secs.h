/* secs.h - milliseconds written as seconds, one way everywhere.
 *
 * Takes: a time or a duration in milliseconds (any sign) and how many
 * decimals to write. Gives: "1.250", "-0.012", "1.3", "0.25" in the caller's
 * buffer. This is the text of times in KTAP comment lines, report.txt,
 * case.json and summary.json strings, the sequence diagrams, the claims table
 * and the model's explanations, so one rule serves them all:
 *
 *   - 3 decimals (milliseconds) is exact: 1250 -> "1.250", -12 -> "-0.012".
 *   - Fewer decimals round half away from zero, the same on both sides of
 *     zero: 1250 -> "1.3", -1250 -> "-1.3", 1249 -> "1.2" (with 1 decimal);
 *     500 -> "1" (with 0). printf("%.1f", 1.25) would say "1.2" but
 *     printf("%.1f", 1.35) "1.4": binary doubles round by accident.
 *   - SECS_SHORT writes as few decimals as the value needs, at least one:
 *     1500 -> "1.5", 1000 -> "1.0", 250 -> "0.25", 12648 -> "12.648".
 *   - A value that rounds to zero has no sign: "0.0", never "-0.0".
 *
 * A time in microseconds is brought to milliseconds by its caller, who knows
 * which rounding it means: an observed instant falls in its millisecond
 * (mono_floor(us, 1000), common/clock.h); the model rounds its predictions
 * to the nearest millisecond (model_fmt_s()).
 */
#ifndef COMMON_SECS_H
#define COMMON_SECS_H

#include <stddef.h>
#include <stdint.h>

#define SECS_SHORT (-1) /* decimals: as few as exact, at least one */
#define SECS_LEN 32 /* enough for any int64_t of milliseconds */

/**
 * secs_fmt() - @ms as seconds with @decimals decimals (0 to 3, or SECS_SHORT),
 * no unit. Truncated to @size like snprintf().
 * Return: @buf, so that a call can stand as a printf argument.
 */
const char *secs_fmt(char *buf, size_t size, int64_t ms, int decimals);

#endif
