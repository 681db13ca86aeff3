/* suite_repeat.c - the --repeat report; see suite_repeat.h. */
#include "cli/suite_repeat.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

long long suite_percentile(const long long *sorted, int n, int p)
{
	int rank;

	if (n <= 0)
		return -1;
	rank = (p * n + 99) / 100; /* nearest rank, 1-based */
	if (rank < 1)
		rank = 1;
	return sorted[rank > n ? n - 1 : rank - 1];
}

static int suite_cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

static void suite_out2(FILE *ktap, const char *line)
{
	fputs(line, stdout);
	if (ktap)
		fputs(line, ktap);
}

/* Detection-time spread of @peer over the rounds of one case. */
static void suite_repeat_peer(const json_t *cases, const char *id, bool control, const char *peer,
			      FILE *ktap)
{
	long long v[256];
	char line[300];
	size_t i;
	json_t *c;
	int n = 0;

	json_array_foreach(cases, i, c) {
		json_t *d = json_object_get(json_object_get(json_object_get(c, "peers"), peer),
					    "detect_ms");

		if (strcmp(json_string_value(json_object_get(c, "id")) ?: "", id) != 0 ||
		    json_is_true(json_object_get(c, "control")) != control || !json_is_integer(d) ||
		    n == 256)
			continue;
		v[n++] = json_integer_value(d);
	}
	if (n == 0)
		return;
	qsort(v, (size_t)n, sizeof(v[0]), suite_cmp_ll);
	snprintf(line, sizeof(line),
		 "#     %s detect_ms: p50 %lld, p95 %lld, min %lld, max %lld (%d rounds)\n", peer,
		 suite_percentile(v, n, 50), suite_percentile(v, n, 95), v[0], v[n - 1], n);
	suite_out2(ktap, line);
}

/* One case (or control): its verdicts over the rounds. Return: 1 if they changed. */
static int suite_repeat_case(const json_t *cases, size_t first, FILE *ktap)
{
	const json_t *c0 = json_array_get(cases, first);
	const char *id = json_string_value(json_object_get(c0, "id")) ?: "?";
	bool control = json_is_true(json_object_get(c0, "control"));
	int counts[4] = { 0 };
	static const char *const names[4] = { "pass", "fail", "error", "skip" };
	char line[400];
	const char *key;
	size_t i;
	json_t *c, *peers = json_object_get(c0, "peers"), *pv;
	int kinds = 0, len;

	json_array_foreach(cases, i, c) {
		const char *v = json_string_value(json_object_get(c, "verdict")) ?: "error";

		if (strcmp(json_string_value(json_object_get(c, "id")) ?: "", id) != 0 ||
		    json_is_true(json_object_get(c, "control")) != control)
			continue;
		for (int k = 0; k < 4; k++)
			counts[k] += strcmp(v, names[k]) == 0;
	}
	len = snprintf(line, sizeof(line), "# repeat %s%s:", id, control ? " [control]" : "");
	for (int k = 0; k < 4; k++) {
		if (!counts[k])
			continue;
		kinds++;
		len += snprintf(line + len, sizeof(line) - (size_t)len, " %s x%d", names[k],
				counts[k]);
	}
	snprintf(line + len, sizeof(line) - (size_t)len, "%s\n",
		 kinds > 1 ? "  VERDICT CHANGED" : "");
	suite_out2(ktap, line);
	json_object_foreach(peers, key, pv)
		suite_repeat_peer(cases, id, control, key, ktap);
	return kinds > 1;
}

int suite_repeat_report(const json_t *cases, int rounds, FILE *ktap)
{
	char line[200];
	size_t i, j;
	json_t *c;
	int changed = 0;

	json_array_foreach(cases, i, c) {
		const char *id = json_string_value(json_object_get(c, "id")) ?: "";
		bool control = json_is_true(json_object_get(c, "control")), seen = false;

		/* Report each case once, at its first appearance. */
		for (j = 0; j < i && !seen; j++) {
			const json_t *p = json_array_get(cases, j);

			seen = strcmp(json_string_value(json_object_get(p, "id")) ?: "", id) == 0 &&
			       json_is_true(json_object_get(p, "control")) == control;
		}
		if (!seen)
			changed += suite_repeat_case(cases, i, ktap);
	}
	snprintf(line, sizeof(line), "# repeat: %d rounds, %d case%s changed verdict\n", rounds,
		 changed, changed == 1 ? "" : "s");
	suite_out2(ktap, line);
	return changed;
}
