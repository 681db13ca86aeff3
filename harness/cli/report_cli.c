/* report_cli.c - option parsing of report, diff and merge; see report_cli.h. */
#include "cli/report_cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_run.h"
#include "report/matrix.h"
#include "report/merge.h"
#include "report/run_diff.h"

int report_cli_report(int argc, char **argv)
{
	char why[4200];
	int rc = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: tcpfault report RUN_DIR...\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		if (report_run_write(argv[i], why, sizeof(why))) {
			fprintf(stderr, "tcpfault: report: %s\n", why);
			rc = 1;
			continue;
		}
		printf("%s/index.html\n%s/junit.xml\n", argv[i], argv[i]);
	}
	return rc;
}

int report_cli_diff(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "tolerance-ms", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	long tolerance_ms = 200;
	bool as_json = false;
	char why[4200], *end;
	json_t *diff;
	int opt, rc;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (opt == 'J') {
			as_json = true;
		} else if (opt == 't') {
			tolerance_ms = strtol(optarg, &end, 10);
			if (*end || tolerance_ms < 0)
				goto usage;
		} else {
			goto usage;
		}
	}
	if (argc - optind != 2)
		goto usage;
	diff = run_diff(argv[optind], argv[optind + 1], tolerance_ms, why, sizeof(why));
	if (!diff) {
		fprintf(stderr, "tcpfault: diff: %s\n", why);
		return 2;
	}
	if (as_json)
		json_dumpf(diff, stdout, JSON_INDENT(2));
	else
		run_diff_print(stdout, diff);
	if (as_json)
		putchar('\n');
	rc = json_integer_value(json_object_get(diff, "differences")) ? 1 : 0;
	json_decref(diff);
	return rc;
usage:
	fprintf(stderr, "usage: tcpfault diff RUN_A RUN_B [--json] [--tolerance-ms N]\n");
	return 2;
}

int report_cli_merge(int argc, char **argv)
{
	const char *into = NULL;
	char why[4200];
	char **runs = calloc((size_t)argc, sizeof(*runs));
	int n = 0, ret;

	if (!runs)
		return 1;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--into") && i + 1 < argc)
			into = argv[++i];
		else
			runs[n++] = argv[i];
	}
	if (!into || n < 1) {
		fprintf(stderr, "usage: tcpfault merge RUN_DIR... --into DIR\n");
		free(runs);
		return 2;
	}
	ret = merge_runs(runs, n, into, why, sizeof(why));
	free(runs);
	if (ret) {
		fprintf(stderr, "tcpfault: merge: %s\n", why);
		return 1;
	}
	printf("%s/summary.json\n%s/index.html\n%s/junit.xml\n", into, into, into);
	return 0;
}

int report_cli_parse_shard(const char *arg, int *index, int *count)
{
	char *end;
	long i = strtol(arg, &end, 10), n;

	if (end == arg || *end != '/')
		return -EINVAL;
	arg = end + 1;
	n = strtol(arg, &end, 10);
	if (end == arg || *end || n < 1 || n > 1000 || i < 1 || i > n)
		return -EINVAL;
	*index = (int)i;
	*count = (int)n;
	return 0;
}

int report_cli_matrix(int argc, char **argv)
{
	char why[4200];
	int ret;

	if (argc != 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: tcpfault matrix RUN_DIR\n");
		return 2;
	}
	ret = matrix_write(argv[1], stderr, why, sizeof(why));
	if (ret < 0) {
		fprintf(stderr, "tcpfault: matrix: %s\n", why);
		return 2;
	}
	printf("%s/matrix.md\n%s/matrix.html\n", argv[1], argv[1]);
	return ret;
}
