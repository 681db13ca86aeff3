/* report_run.c - every report of a run, from its files; see report_run.h. */
#include "report/report_run.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "report/html.h"
#include "report/junit.h"
#include "report/run_files.h"

int report_run_write(const char *run_dir, char *why, size_t why_len)
{
	json_t *summary = run_files_summary(run_dir, why, why_len);
	int ret;

	if (!summary)
		return -ENOENT;
	ret = junit_write(run_dir, summary);
	if (ret)
		snprintf(why, why_len, "%s/junit.xml: %s", run_dir, strerror(-ret));
	if (!ret) {
		ret = html_write(run_dir, summary);
		if (ret)
			snprintf(why, why_len, "%s/index.html: %s", run_dir, strerror(-ret));
	}
	json_decref(summary);
	return ret;
}
