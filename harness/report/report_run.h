/* report_run.h - the reports a person and a CI system read, made from a
 * run's files: junit.xml, index.html (with a page per case and the claims
 * page). A run calls it once summary.json is written; `tcpfault report`
 * calls it on any run directory (old runs, merged runs).
 *
 * Takes: a run directory (run_files.h). Gives: the files above in it.
 */
#ifndef REPORT_RUN_H
#define REPORT_RUN_H

#include <stddef.h>

/**
 * report_run_write() - (re)write the reports of @run_dir.
 * Return: 0, or -errno with what failed in @why.
 */
int report_run_write(const char *run_dir, char *why, size_t why_len);

#endif
