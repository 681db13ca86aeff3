/* junit.h - junit.xml of a run, for CI systems (GitHub, GitLab, Jenkins).
 *
 * Takes: a run directory and its summary.json (run_files.h). Gives:
 * <run>/junit.xml: one <testsuite> per theme, one <testcase> per case run (a
 * control is its own testcase, "name [control]"); <failure> with the first
 * expectation that failed as its message and report.txt (what was expected,
 * observed, the timeline slice around it) as its text; <error> with the
 * reason; <skipped> with the reason; time in seconds; <system-out> with the
 * case's summary (title, verdict, expectations, per peer the errno, the
 * detection time and the final state). The file validates against
 * tests/junit.xsd (make test-report checks it with xmllint).
 */
#ifndef JUNIT_H
#define JUNIT_H

#include <jansson.h>

/**
 * junit_write() - write @run_dir/junit.xml from @summary (summary.json of
 * @run_dir), through a temporary file renamed over it.
 * Return: 0 or -errno.
 */
int junit_write(const char *run_dir, const json_t *summary);

#endif
