/* suite_family.h - "tcpfault run --family 4|6|both": which families each case
 * runs in, and how an IPv6 run is named apart.
 *
 * Takes: the --family option (0: none, 4, 6, SUITE_FAMILY_BOTH) and a job's
 * family. Gives: the families to run a case in, the KTAP name's and the
 * results directory's suffix (" [ipv6]", ".ipv6": only when --family chose
 * IPv6, so a run without the option names everything as before), the id in
 * summary.json, and whether a SKIP is one the case declares ("family 4 only").
 */
#ifndef SUITE_FAMILY_H
#define SUITE_FAMILY_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "case/case.h"

#define SUITE_FAMILY_BOTH 46 /* --family both */

/** suite_families() - the families of each case's runs into @out (4 and 6
 * with both; 0: the case's own). Return: how many (1 or 2). */
int suite_families(int opt_family, int out[2]);

/** suite_family_tagged() - is a job of @family named apart (" [ipv6]")? */
bool suite_family_tagged(int opt_family, int family);

/** suite_family_name() - @buf ("theme/case [control]") with " [ipv6]" appended
 * when the job is tagged. Return: @buf. */
char *suite_family_name(char *buf, size_t len, int opt_family, int family);

/** suite_family_id() - the case's id in summary.json: @id, or "@id [ipv6]"
 * with "family": 6 set in @r as well when tagged. */
void suite_family_id(json_t *r, const char *id, int opt_family, int family);

/** suite_family_skip() - is @c "family N only" and @family the other one? */
bool suite_family_skip(const struct case_def *c, int family);

#endif
