/* report_cli.c - option parsing of report, diff and merge; see report_cli.h. */
#include "cli/report_cli.h"

#include <stdio.h>

#include "report/report_run.h"

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
