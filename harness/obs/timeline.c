/* timeline.c - the case event log; see timeline.h. */
#include "obs/timeline.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/secs.h"
#include "common/vec.h"

struct timeline {
	json_t **ev;
	int n, cap;
	FILE *file;
};

struct timeline *timeline_new(const char *path, int *ret)
{
	struct timeline *tl = calloc(1, sizeof(*tl));

	*ret = 0;
	if (!tl) {
		*ret = -ENOMEM;
		return NULL;
	}
	if (path) {
		tl->file = fopen(path, "we");
		if (!tl->file) {
			*ret = -errno;
			free(tl);
			return NULL;
		}
	}
	return tl;
}

void timeline_free(struct timeline *tl)
{
	if (!tl)
		return;
	if (tl->file)
		fclose(tl->file);
	for (int i = 0; i < tl->n; i++)
		json_decref(tl->ev[i]);
	free(tl->ev);
	free(tl);
}

int timeline_add(struct timeline *tl, json_t *ev)
{
	json_t **slot;

	if (!ev)
		return -ENOMEM;
	slot = vec_push(&tl->ev, &tl->n, &tl->cap, sizeof(*tl->ev));
	if (!slot) {
		json_decref(ev);
		return -ENOMEM;
	}
	*slot = ev;
	if (tl->file) {
		/* Line-buffered by hand: an interrupted run keeps every whole line. */
		json_dumpf(ev, tl->file, JSON_COMPACT | JSON_PRESERVE_ORDER);
		fputc('\n', tl->file);
		fflush(tl->file);
	}
	return 0;
}

size_t timeline_count(const struct timeline *tl)
{
	return (size_t)tl->n;
}

const json_t *timeline_get(const struct timeline *tl, size_t i)
{
	return i < (size_t)tl->n ? tl->ev[i] : NULL;
}

static int64_t event_t_ms(const json_t *ev)
{
	return json_integer_value(json_object_get(ev, "t_ms"));
}

void timeline_format_event(const json_t *ev, char *buf, size_t len)
{
	const char *src = json_string_value(json_object_get(ev, "src"));
	const char *what = json_string_value(json_object_get(ev, "call"));
	const json_t *eno = json_object_get(ev, "errno");
	const json_t *ret = json_object_get(ev, "ret");
	const char *detail = json_string_value(json_object_get(ev, "text"));
	int64_t t = event_t_ms(ev);
	char secs[SECS_LEN];
	int n;

	n = snprintf(buf, len, "%8s s  %-8s", secs_fmt(secs, sizeof(secs), t, 3), src ? src : "?");
	if (n < 0 || (size_t)n >= len)
		return;
	if (what)
		n += snprintf(buf + n, len - n, " %s", what);
	if (ret && (size_t)n < len)
		n += snprintf(buf + n, len - n, " %" JSON_INTEGER_FORMAT, json_integer_value(ret));
	if (json_is_string(eno) && (size_t)n < len)
		n += snprintf(buf + n, len - n, " %s", json_string_value(eno));
	if (detail && (size_t)n < len)
		snprintf(buf + n, len - n, " %s", detail);
}

void timeline_print_slice(const struct timeline *tl, FILE *out, int64_t t_ms, int64_t before_ms,
			  int64_t after_ms, int max)
{
	size_t n = (size_t)tl->n, first = n, last = 0, nearest = 0;
	int64_t best = INT64_MAX;
	char line[300];

	for (size_t i = 0; i < n; i++) {
		int64_t t = event_t_ms(tl->ev[i]);
		int64_t d = t > t_ms ? t - t_ms : t_ms - t;

		if (t < t_ms - before_ms || t > t_ms + after_ms)
			continue;
		if (first == n)
			first = i;
		last = i;
		if (d < best) {
			best = d;
			nearest = i;
		}
	}
	if (first == n)
		return;
	/* Centre the window on the nearest event when there are too many. */
	if (last - first + 1 > (size_t)max) {
		size_t half = (size_t)max / 2;

		first = nearest > first + half ? nearest - half : first;
		last = first + (size_t)max - 1 < last ? first + (size_t)max - 1 : last;
	}
	for (size_t i = first; i <= last; i++) {
		timeline_format_event(tl->ev[i], line, sizeof(line));
		fprintf(out, "#   %s\n", line);
	}
}
