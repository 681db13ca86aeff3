/* run_files.h - reading a finished run's directory back: the report modules
 * (HTML, JUnit, diff, merge) are readers of these files only, so they work
 * on old runs, merged runs and runs of another machine alike.
 *
 * Takes: a run directory, results/<run-id>/, as suite.c leaves it:
 * summary.json (header, totals, "cases": one case.json object each with "id",
 * "round", "ktap", "claims"), <id>[.control]/ per case (case.json,
 * events.jsonl, sequence.svg, report.txt, <host>.pcap), round<N>/<id>/ in a
 * --repeat run. Gives: summary.json loaded, each case's directory, its
 * outcome as a CI system counts it, its KTAP description, its theme, and
 * small file readers. JSON values are jansson's (new references where said).
 */
#ifndef RUN_FILES_H
#define RUN_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

/* How a CI system counts a case run: a control that fails as it must is
 * RUN_PASSED; a skip under --fail-on-skip is RUN_FAILED. */
enum run_outcome { RUN_PASSED, RUN_FAILED, RUN_ERROR, RUN_SKIPPED, RUN_OUTCOME_COUNT };

/**
 * run_files_summary() - @run_dir/summary.json.
 * Return: the object (new reference), or NULL with a message in @why.
 */
json_t *run_files_summary(const char *run_dir, char *why, size_t why_len);

/**
 * run_files_case_dir() - the directory of the case @c (an element of
 * summary.json's "cases") under @run_dir: <id>[.control], or
 * round<N>/<id>[.control] when the run had rounds.
 * Return: 0, or -ENOENT when neither exists (@buf still holds the first).
 */
int run_files_case_dir(const char *run_dir, const json_t *c, char *buf, size_t len);

/** run_files_outcome() - the outcome of @c from its "ktap" and "verdict". */
enum run_outcome run_files_outcome(const json_t *c);

/** run_files_outcome_name() - "passed", "failed", "error", "skipped". */
const char *run_files_outcome_name(enum run_outcome o);

/**
 * run_files_ktap_name() - @id, plus " [control]" when @control, as a KTAP
 * description: '#' (which starts a directive) becomes '_', and line breaks
 * become spaces. Return: @buf.
 */
char *run_files_ktap_name(char *buf, size_t len, const char *id, bool control);

/**
 * run_files_unjudged() - the @i-th expectation of case result @r whose time
 * was not judged (--timing emulated), as one line into @buf: "timing not
 * judged (emulated): line 43: EXPECTED; observed OBSERVED".
 * Return: false when there are fewer than @i + 1.
 */
bool run_files_unjudged(json_t *r, size_t i, char *buf, size_t len);

/** run_files_one_line() - @s with line breaks as spaces (a KTAP diagnostic). Return: @buf. */
char *run_files_one_line(char *buf, size_t len, const char *s);

/** run_files_case_name() - run_files_ktap_name() of the case object @c. */
char *run_files_case_name(char *buf, size_t len, const json_t *c);

/** run_files_theme() - the folder part of @c's id ("host-crash"), or "cases". */
char *run_files_theme(char *buf, size_t len, const json_t *c);

/**
 * run_files_read() - the whole file @path, NUL-terminated, at most @max bytes.
 * Return: malloc'd text (free()), or NULL.
 */
char *run_files_read(const char *path, size_t max);

/**
 * run_files_events() - @case_dir/events.jsonl as an array of objects (lines
 * that do not parse are left out: a killed case's last line may be cut).
 * Return: a new array (empty when there is no file), NULL on ENOMEM.
 */
json_t *run_files_events(const char *case_dir);

/** run_files_str() / run_files_int() - a member, "" / @dflt when absent or null. */
const char *run_files_str(const json_t *o, const char *key);
int64_t run_files_int(const json_t *o, const char *key, int64_t dflt);

#endif
