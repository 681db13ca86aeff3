/* run_diff.h - what changed between two runs (yesterday's and today's, two
 * kernels): per case run and per claim.
 *
 * Takes: two run directories (their summary.json, run_files.h) and a time
 * tolerance. Gives: a JSON object of the differences:
 *   {"a": dir, "b": dir, "kernel": {"a","b"} (when they differ),
 *    "cases": [{"id", "control", "changes": [{"what", "a", "b",
 *               "delta_ms", "flagged"}]}],
 *    "claims": [{"id", "changes": [...]}], "differences": N}
 * A change is flagged (and counted in "differences") unless it is a time
 * within tolerance: |delta| <= max(@tolerance_ms, 5 % of the first time), and
 * inside the model's band where the expectation has one. Verdicts, errnos,
 * final states, the kernel, a case in one run only: always counted.
 * Then a printer for a terminal.
 */
#ifndef RUN_DIFF_H
#define RUN_DIFF_H

#include <stdint.h>
#include <stdio.h>
#include <jansson.h>

/**
 * run_diff() - compare the runs in @dir_a and @dir_b.
 * Return: the object above (new reference), or NULL with a message in @why.
 */
json_t *run_diff(const char *dir_a, const char *dir_b, int64_t tolerance_ms, char *why,
		 size_t why_len);

/** run_diff_print() - @diff as text, one line per change, "!" before a counted one. */
void run_diff_print(FILE *f, const json_t *diff);

#endif
