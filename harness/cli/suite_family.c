/* suite_family.c - the families of a run's cases; see suite_family.h. */
#include "cli/suite_family.h"

#include <stdio.h>
#include <string.h>

int suite_families(int opt_family, int out[2])
{
	out[0] = opt_family == SUITE_FAMILY_BOTH ? 4 : opt_family;
	out[1] = 6;
	return opt_family == SUITE_FAMILY_BOTH ? 2 : 1;
}

bool suite_family_tagged(int opt_family, int family)
{
	return opt_family && family == 6;
}

char *suite_family_name(char *buf, size_t len, int opt_family, int family)
{
	size_t n = strlen(buf);

	if (suite_family_tagged(opt_family, family) && n < len)
		snprintf(buf + n, len - n, " [ipv6]");
	return buf;
}

void suite_family_id(json_t *r, const char *id, int opt_family, int family)
{
	char tagged[300];

	if (!suite_family_tagged(opt_family, family)) {
		json_object_set_new(r, "id", json_string(id));
		return;
	}
	snprintf(tagged, sizeof(tagged), "%s [ipv6]", id);
	json_object_set_new(r, "id", json_string(tagged));
	json_object_set_new(r, "family", json_integer(6));
}

/* A case that says it runs in one family only, asked for the other: its SKIP
 * is what the case declares, not a feature gone missing (--fail-on-skip). */
bool suite_family_skip(const struct case_def *c, int family)
{
	char why[8];

	return family && !case_family_runs(c, family, why, sizeof(why));
}
