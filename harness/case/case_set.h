/* case_set.h - the case files of a run: found under paths and parsed.
 *
 * Takes: paths (case files, or directories searched recursively for *.case,
 * sorted). Gives: every case parsed, with its id ("process-crash/idle-eof":
 * the directory and the case name), or the diagnostics of the bad files.
 */
#ifndef CASE_SET_H
#define CASE_SET_H

#include <stdio.h>

#include "case/case.h"

struct suite_case {
	struct case_def *def;
	char id[256]; /* "process-crash/idle-eof": directory and case name */
};

struct suite {
	struct suite_case *cases;
	int n_cases, cap_cases;
};

/**
 * suite_load() - parse every case under @paths (files, or directories searched
 * recursively for *.case, sorted), diagnostics to @diag.
 * Return: 0, or 2 if any file was bad or no case was found (diagnostics written).
 */
int suite_load(struct suite *s, char *const *paths, int n_paths, FILE *diag);

/** suite_free() - free the parsed cases. */
void suite_free(struct suite *s);

#endif
