/* report_cli.c - option parsing of report, diff and merge; see report_cli.h. */
#include "cli/report_cli.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "report/report_run.h"
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
