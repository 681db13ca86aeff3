/* suite_repeat.h - flakes across the rounds of `tcpfault run --repeat N`.
 *
 * Takes: the results of every round (the summary's "cases" array: each has
 * "id", "control", "round", "verdict" and peers.*.detect_ms). Gives, on
 * stdout and @ktap as KTAP diagnostics, one line per case and control: its
 * verdicts over the rounds, "verdict changed" when they differ, and the spread
 * of every peer's detection time (p50, p95, min, max).
 */
#ifndef SUITE_REPEAT_H
#define SUITE_REPEAT_H

#include <stdio.h>
#include <jansson.h>

/**
 * suite_repeat_report() - print the report.
 * Return: the number of cases whose verdict changed between rounds.
 */
int suite_repeat_report(const json_t *cases, int rounds, FILE *ktap);

/** suite_percentile() - the @p-th percentile (0..100, nearest rank) of @n sorted values. */
long long suite_percentile(const long long *sorted, int n, int p);

#endif
