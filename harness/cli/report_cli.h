/* report_cli.h - the commands that read finished runs: report, diff, merge.
 *
 * Takes: argc/argv from the command's name on (argv[0] is "report"...).
 * Gives: the files or text each command makes, and an exit code
 * (0 done / no difference, 1 a difference or a failure, 2 bad usage).
 */
#ifndef REPORT_CLI_H
#define REPORT_CLI_H

/** report_cli_report() - `tcpfault report RUN_DIR...`: junit.xml, index.html. */
int report_cli_report(int argc, char **argv);

/**
 * report_cli_diff() - `tcpfault diff RUN_A RUN_B [--json] [--tolerance-ms N]`:
 * exit 0 when nothing but times within tolerance differ, 1 otherwise.
 */
int report_cli_diff(int argc, char **argv);

/** report_cli_merge() - `tcpfault merge RUN_DIR... --into DIR`. */
int report_cli_merge(int argc, char **argv);

/**
 * report_cli_matrix() - `tcpfault matrix RUN_DIR`: matrix.md and matrix.html
 * of a scripts/kernel-matrix run; exit 1 when a kernel had failures or the
 * model disagrees with one.
 */
int report_cli_matrix(int argc, char **argv);

/** report_cli_parse_shard() - "2/4" into 2 and 4. Return: 0, or -EINVAL. */
int report_cli_parse_shard(const char *arg, int *index, int *count);

#endif
