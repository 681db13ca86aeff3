/* verdict_wire.c - "expect wire" expectations against what the captures saw;
 * see verdict.h. Pure, like the rest of the verdicts.
 *
 * A capture that did not run, or that lost packets, cannot decide a count:
 * the expectation is then an error, never a pass.
 */
#include "verdict/verdict.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/secs.h"
#include "obs/wire.h"

#define VERDICT_WIRE_LIST_MAX 8 /* matches listed one by one; past that, first and last */

/* Microseconds on the case clock as seconds, "1.012": the millisecond it falls in. */
static void fmt_us(char *buf, size_t len, int64_t us)
{
	secs_fmt(buf, len, mono_floor(us, 1000), 3);
}

/* Append to @buf (NUL-terminated, @size bytes) without overflowing. */
static void cat(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void cat(char *buf, size_t size, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	if (used + 1 >= size)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, size - used, fmt, ap);
	va_end(ap);
}

/* "client sent SYN count >= 2 from 1.000 to 3.000 s" */
static void describe(const struct verdict_input *in, const struct case_expect *e, char *buf,
		     size_t size)
{
	const struct case_wire *w = &e->wire;
	char a[24], b[24];

	snprintf(buf, size, "%s %s %s", in->c->hosts[e->host], w->received ? "received" : "sent",
		 case_seg_kind_name(w->seg));
	if (!w->has_gaps) {
		cat(buf, size, " count %s%s%lld", case_cmp_name(w->cmp), w->cmp ? " " : "",
		    w->count);
	} else {
		cat(buf, size, " gaps");
		for (int i = 0; i < w->n_gaps; i++) {
			secs_fmt(a, sizeof(a), w->gaps_ms[i], 3);
			cat(buf, size, " %s", a);
		}
		secs_fmt(a, sizeof(a), w->tolerance_ms, 3);
		cat(buf, size, " s (+-%s s)", a);
	}
	if (e->when == CASE_WHEN_DURING) {
		secs_fmt(a, sizeof(a), e->from_ms, 3);
		secs_fmt(b, sizeof(b), e->to_ms, 3);
		cat(buf, size, " from %s to %s s", a, b);
	}
}

/* The times (us) of the segments @e counts, in capture order; caller frees. */
static int64_t *matches(const struct case_expect *e, const struct wire_host *w, int *n)
{
	int64_t *t = calloc((size_t)w->n_segs + 1, sizeof(*t));
	enum wire_dir dir = e->wire.received ? WIRE_DIR_IN : WIRE_DIR_OUT;

	*n = 0;
	if (!t)
		return NULL;
	for (int i = 0; i < w->n_segs; i++) {
		const struct wire_seg *s = &w->segs[i];

		if (s->dir != dir || !wire_seg_is(s, e->wire.seg))
			continue;
		if (e->when == CASE_WHEN_DURING &&
		    (s->t_us < e->from_ms * 1000 || s->t_us > e->to_ms * 1000))
			continue;
		t[(*n)++] = s->t_us;
	}
	return t;
}

/* "4 SYN at 0.000 1.012 2.036 3.060 s", or "500 DATA from 0.200 to 4.900 s". */
static void list_matches(const struct case_expect *e, const int64_t *t, int n, char *buf,
			 size_t size)
{
	char a[24], b[24];

	snprintf(buf, size, "%d %s", n, case_seg_kind_name(e->wire.seg));
	if (!n)
		return;
	if (n > VERDICT_WIRE_LIST_MAX) {
		fmt_us(a, sizeof(a), t[0]);
		fmt_us(b, sizeof(b), t[n - 1]);
		cat(buf, size, " from %s to %s s", a, b);
		return;
	}
	cat(buf, size, " at");
	for (int i = 0; i < n; i++) {
		fmt_us(a, sizeof(a), t[i]);
		cat(buf, size, " %s", a);
	}
	cat(buf, size, " s");
}

static enum verdict_status eval_gaps(const struct verdict_input *in, const struct case_expect *e,
				     const int64_t *t, int n, struct verdict_result *r)
{
	const struct case_wire *w = &e->wire;
	char a[24], b[24], c[24], all[200];
	int bad = -1;

	if (n > 1) {
		cat(r->observed, sizeof(r->observed), "; gaps");
		for (int i = 1; i < n; i++) {
			fmt_us(a, sizeof(a), t[i] - t[i - 1]);
			cat(r->observed, sizeof(r->observed), " %s", a);
		}
	}
	if (n != w->n_gaps + 1) {
		r->t_ms = n ? t[0] / 1000 : -1;
		return VERDICT_FAIL;
	}
	for (int i = 0; i < w->n_gaps && bad < 0; i++) {
		int64_t d = t[i + 1] - t[i] - w->gaps_ms[i] * 1000;

		if (llabs(d) > w->tolerance_ms * 1000)
			bad = i;
	}
	if (bad < 0)
		return VERDICT_PASS;
	fmt_us(a, sizeof(a), t[bad + 1] - t[bad]);
	secs_fmt(b, sizeof(b), w->gaps_ms[bad], 3);
	secs_fmt(c, sizeof(c), w->tolerance_ms, 3);
	/* The mismatch first: the observed text may be cut at its end. */
	list_matches(e, t, n, all, sizeof(all));
	snprintf(r->observed, sizeof(r->observed), "gap %d is %s s, not %s +-%s s; ", bad + 1, a, b,
		 c);
	cat(r->observed, sizeof(r->observed), "%s", all);
	r->t_ms = t[bad + 1] / 1000;
	return verdict_band_result(in, false, r); /* the count is right: only the timing is off */
}

enum verdict_status verdict_eval_wire(const struct verdict_input *in, const struct case_expect *e,
				      struct verdict_result *r)
{
	const char *host = in->c->hosts[e->host];
	const struct wire_host *w = in->wire ? &in->wire[e->host] : NULL;
	enum verdict_status v;
	int64_t *t;
	int n;

	describe(in, e, r->expected, sizeof(r->expected));
	if (!w || !w->captured) {
		snprintf(r->observed, sizeof(r->observed), "no packet capture ran on %s", host);
		return VERDICT_ERROR;
	}
	if (w->lost) {
		snprintf(r->observed, sizeof(r->observed),
			 "the capture on %s lost %lu packets: counts cannot be trusted", host,
			 w->lost);
		return VERDICT_ERROR;
	}
	t = matches(e, w, &n);
	if (!t) {
		snprintf(r->observed, sizeof(r->observed), "out of memory");
		return VERDICT_ERROR;
	}
	list_matches(e, t, n, r->observed, sizeof(r->observed));
	if (e->wire.has_gaps) {
		v = eval_gaps(in, e, t, n, r);
	} else {
		v = case_cmp_holds(e->wire.cmp, n, e->wire.count) ? VERDICT_PASS : VERDICT_FAIL;
		r->t_ms = n ? t[0] / 1000 : (e->when == CASE_WHEN_DURING ? e->from_ms : -1);
	}
	free(t);
	return v;
}
