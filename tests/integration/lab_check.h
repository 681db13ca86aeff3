/* lab_check.h - the main() of an integration test that builds labs: skip
 * when not root, move into a private network namespace before any test
 * forks (every child inherits it, so the host's is never touched), run the
 * suite in Check's fork mode. Header-only: each test is one program.
 */
#ifndef LAB_CHECK_H
#define LAB_CHECK_H

#include <check.h>
#include <stdio.h>
#include <unistd.h>

#include "netns/lab.h"

/* lab_check_run() - run @s as program @prog. Return: main()'s exit code. */
static inline int lab_check_run(const char *prog, Suite *s)
{
	struct tf_err err = { "" };
	SRunner *sr;
	int failed;

	if (geteuid() != 0) {
		printf("SKIP: needs root\n");
		return 0;
	}
	if (lab_ns_enter_private(&err) < 0) {
		fprintf(stderr, "%s: %s\n", prog, err.msg);
		return 1;
	}
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}

#endif
