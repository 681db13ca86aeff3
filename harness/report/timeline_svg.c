/* timeline_svg.c - a case's sockets over its clock, as SVG; see timeline_svg.h.
 *
 *   client 198.18.0.1:33338 > 198.18.0.2:8080
 *   |ESTABLISHED.............|||..|...|.......| CLOSED   <- red ticks: retransmissions
 *        ░░░░░░░░ host-crash client ░░░░░░░░░░░░░░       <- band: fault until its undo
 *                                       ◆ ETIMEDOUT     <- the peer's errno
 */
#include "report/timeline_svg.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/run_files.h"
#include "report/xml_out.h"

#define TL_WIDTH 1000
#define TL_LEFT 300 /* lane labels */
#define TL_RIGHT 20
#define TL_TOP 34 /* fault labels */
#define TL_LANE_H 30
#define TL_BAR_H 18
#define TL_AXIS_H 40

struct tl_point {
	int64_t t_ms;
	const char *state;
	int64_t retrans, probes;
};

struct tl_lane {
	const char *host, *local, *remote;
	struct tl_point *pts;
	int n_pts, cap_pts;
};

struct tl_pic {
	struct tl_lane lanes[TIMELINE_SVG_MAX_LANES];
	int n_lanes, n_hidden;
	int64_t t0, t1; /* the clock's shown range, ms */
	FILE *f;
};

static const struct {
	const char *state, *fill;
} tl_colors[] = {
	{ "ESTABLISHED", "#4caf50" }, { "SYN_SENT", "#fbc02d" },  { "SYN_RECV", "#fdd835" },
	{ "FIN_WAIT1", "#ff9800" },   { "FIN_WAIT2", "#ffb74d" }, { "CLOSE_WAIT", "#f57c00" },
	{ "LAST_ACK", "#e65100" },    { "CLOSING", "#ff7043" },	  { "TIME_WAIT", "#90a4ae" },
	{ "LISTEN", "#64b5f6" },      { "CLOSED", "#cfd8dc" },
};

static const char *tl_fill(const char *state)
{
	for (size_t i = 0; i < sizeof(tl_colors) / sizeof(tl_colors[0]); i++)
		if (!strcmp(state, tl_colors[i].state))
			return tl_colors[i].fill;
	return "#b0bec5";
}

static double tl_x(const struct tl_pic *p, int64_t t_ms)
{
	return TL_LEFT +
	       (double)(t_ms - p->t0) * (TL_WIDTH - TL_LEFT - TL_RIGHT) / (double)(p->t1 - p->t0);
}

static struct tl_lane *tl_lane_of(struct tl_pic *p, const json_t *ev, bool add)
{
	const char *host = run_files_str(ev, "src"), *local = run_files_str(ev, "local");
	const char *remote = run_files_str(ev, "remote");

	for (int i = 0; i < p->n_lanes; i++) {
		struct tl_lane *l = &p->lanes[i];

		if (!strcmp(l->host, host) && !strcmp(l->local, local) &&
		    !strcmp(l->remote, remote))
			return l;
	}
	if (!add)
		return NULL;
	if (p->n_lanes == TIMELINE_SVG_MAX_LANES) {
		p->n_hidden++;
		return NULL;
	}
	p->lanes[p->n_lanes] = (struct tl_lane){ .host = host, .local = local, .remote = remote };
	return &p->lanes[p->n_lanes++];
}

static int tl_point_add(struct tl_lane *l, const json_t *ev)
{
	if (l->n_pts == l->cap_pts) {
		int cap = l->cap_pts ? 2 * l->cap_pts : 16;
		struct tl_point *pts = realloc(l->pts, (size_t)cap * sizeof(*pts));

		if (!pts)
			return -ENOMEM;
		l->pts = pts;
		l->cap_pts = cap;
	}
	l->pts[l->n_pts++] = (struct tl_point){
		.t_ms = run_files_int(ev, "t_ms", 0),
		.state = run_files_str(ev, "state"),
		.retrans = run_files_int(ev, "total_retrans", 0),
		.probes = run_files_int(ev, "probes", 0),
	};
	return 0;
}

static int tl_point_cmp(const void *a, const void *b)
{
	const struct tl_point *x = a, *y = b;

	return (x->t_ms > y->t_ms) - (x->t_ms < y->t_ms);
}

static bool tl_is_sample(const json_t *ev)
{
	return !strcmp(run_files_str(ev, "kind"), "obs") &&
	       !strcmp(run_files_str(ev, "call"), "sock");
}

/* Lanes, their samples in time order, and the clock's range. */
static int tl_collect(struct tl_pic *p, const json_t *events)
{
	const json_t *ev;
	size_t i;

	p->t0 = 0;
	p->t1 = 1000;
	json_array_foreach(events, i, ev) {
		int64_t t = run_files_int(ev, "t_ms", 0);
		struct tl_lane *l;

		p->t0 = t < p->t0 ? t : p->t0;
		p->t1 = t > p->t1 ? t : p->t1;
		if (!tl_is_sample(ev) || !(l = tl_lane_of(p, ev, true)))
			continue;
		if (tl_point_add(l, ev))
			return -ENOMEM;
	}
	for (int k = 0; k < p->n_lanes; k++)
		qsort(p->lanes[k].pts, (size_t)p->lanes[k].n_pts, sizeof(struct tl_point),
		      tl_point_cmp);
	p->t1 += (p->t1 - p->t0) / 50 + 1; /* room after the last event */
	return p->n_lanes ? 0 : -ENODATA;
}

/* A step of 1, 2 or 5 times a power of ten giving at most 12 ticks. */
static int64_t tl_tick_step(int64_t span_ms)
{
	static const int mult[] = { 1, 2, 5 };

	for (int64_t pow = 1;; pow *= 10)
		for (int i = 0; i < 3; i++)
			if (span_ms / (mult[i] * pow) <= 12)
				return mult[i] * pow;
}

static void tl_axis(const struct tl_pic *p, int y)
{
	int64_t step = tl_tick_step(p->t1 - p->t0);
	int64_t t = (p->t0 / step) * step;

	fprintf(p->f, "<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='#555'/>\n", TL_LEFT, y,
		TL_WIDTH - TL_RIGHT, y);
	for (; t <= p->t1; t += step) {
		double x = tl_x(p, t);

		if (x < TL_LEFT)
			continue;
		fprintf(p->f,
			"<line x1='%.1f' y1='%d' x2='%.1f' y2='%d' stroke='#555'/>"
			"<text x='%.1f' y='%d' text-anchor='middle' class='tl-ax'>%g</text>\n",
			x, y, x, y + 5, x, y + 17, (double)t / 1000);
	}
	fprintf(p->f,
		"<text x='%d' y='%d' text-anchor='end' class='tl-ax'>seconds on the case clock</text>\n",
		TL_WIDTH - TL_RIGHT, y + 33);
}

static void tl_lane_bars(const struct tl_pic *p, const struct tl_lane *l, int y)
{
	for (int i = 0; i < l->n_pts; i++) {
		const struct tl_point *pt = &l->pts[i];
		int64_t end = i + 1 < l->n_pts ? l->pts[i + 1].t_ms : p->t1;
		double x0 = tl_x(p, pt->t_ms), x1 = tl_x(p, end);

		if (i > 0 && !strcmp(pt->state, l->pts[i - 1].state))
			; /* same state: only its ticks below */
		else {
			int j = i + 1;

			while (j < l->n_pts && !strcmp(l->pts[j].state, pt->state))
				j++;
			end = j < l->n_pts ? l->pts[j].t_ms : p->t1;
			x1 = tl_x(p, end);
			fprintf(p->f,
				"<rect x='%.1f' y='%d' width='%.1f' height='%d' fill='%s'><title>",
				x0, y, x1 - x0 > 0.5 ? x1 - x0 : 0.5, TL_BAR_H, tl_fill(pt->state));
			xml_printf(p->f, "%s from %.3f s to %.3f s", pt->state,
				   (double)pt->t_ms / 1000, (double)end / 1000);
			fputs("</title></rect>\n", p->f);
			if (x1 - x0 > 8 * (double)strlen(pt->state))
				fprintf(p->f, "<text x='%.1f' y='%d' class='tl-st'>%s</text>\n",
					x0 + 3, y + 13, pt->state);
		}
		if (i > 0 && pt->retrans > l->pts[i - 1].retrans)
			fprintf(p->f,
				"<line x1='%.1f' y1='%d' x2='%.1f' y2='%d' class='tl-rtx'><title>"
				"retransmission %lld at %.3f s</title></line>\n",
				x0, y - 4, x0, y + TL_BAR_H / 2, (long long)pt->retrans,
				(double)pt->t_ms / 1000);
		if (i > 0 && pt->probes > l->pts[i - 1].probes)
			fprintf(p->f,
				"<line x1='%.1f' y1='%d' x2='%.1f' y2='%d' class='tl-prb'><title>"
				"probe %lld at %.3f s</title></line>\n",
				x0, y + TL_BAR_H / 2, x0, y + TL_BAR_H + 4, (long long)pt->probes,
				(double)pt->t_ms / 1000);
	}
}

static void tl_lanes(const struct tl_pic *p)
{
	for (int i = 0; i < p->n_lanes; i++) {
		const struct tl_lane *l = &p->lanes[i];
		int y = TL_TOP + i * TL_LANE_H;

		fprintf(p->f,
			"<text x='%d' y='%d' text-anchor='end' class='tl-ln'><tspan class='tl-h'>",
			TL_LEFT - 6, y + 13);
		xml_put(p->f, l->host);
		fputs("</tspan> ", p->f);
		xml_printf(p->f, "%s > %s", l->local, l->remote);
		fputs("</text>\n", p->f);
		tl_lane_bars(p, l, y);
	}
}

/* A fault that lasts until another undoes it, on the same host. */
static const struct {
	const char *start, *end;
} tl_bands[] = {
	{ "host-crash", "reboot" },
	{ "unplug", "replug" },
	{ "freeze", "thaw" },
};

/* "host-crash client: ..." -> kind "host-crash", host "client". */
static void tl_fault_words(const json_t *ev, char *kind, char *host, size_t len)
{
	const char *text = run_files_str(ev, "text");
	size_t k = strcspn(text, " ");
	const char *h = text + k + (text[k] == ' ');

	snprintf(kind, len, "%.*s", (int)k, text);
	snprintf(host, len, "%.*s", (int)strcspn(h, " :"), h);
}

static bool tl_is_fault(const json_t *ev)
{
	return !strcmp(run_files_str(ev, "src"), "runner") &&
	       !strcmp(run_files_str(ev, "call"), "fault");
}

/* When the fault @ev (a band's start, kind @i) is undone, or the clock's end. */
static int64_t tl_band_end(const struct tl_pic *p, const json_t *events, const json_t *ev, int i)
{
	int64_t t = run_files_int(ev, "t_ms", 0);
	char kind[64], host[64], want[64];
	const json_t *e;
	size_t k;

	tl_fault_words(ev, kind, want, sizeof(want));
	json_array_foreach(events, k, e) {
		if (!tl_is_fault(e) || run_files_int(e, "t_ms", 0) < t)
			continue;
		tl_fault_words(e, kind, host, sizeof(host));
		if (!strcmp(kind, tl_bands[i].end) && !strcmp(host, want))
			return run_files_int(e, "t_ms", 0);
	}
	return p->t1;
}

static void tl_faults(const struct tl_pic *p, const json_t *events, bool bands)
{
	int bottom = TL_TOP + p->n_lanes * TL_LANE_H, n = 0;
	char kind[64], host[64];
	const json_t *ev;
	size_t k;

	json_array_foreach(events, k, ev) {
		int64_t t = run_files_int(ev, "t_ms", 0);
		double x = tl_x(p, t);
		int band = -1, label_y = TL_TOP - 8 - 12 * (n % 2);

		if (!tl_is_fault(ev))
			continue;
		tl_fault_words(ev, kind, host, sizeof(host));
		if (!strcmp(kind, "watch") || (!strcmp(kind, "drop") && t <= 0))
			continue; /* counters and rules set up before the clock: no moment */
		for (int i = 0; i < (int)(sizeof(tl_bands) / sizeof(tl_bands[0])); i++)
			band = !strcmp(kind, tl_bands[i].start) ? i : band;
		n++;
		if (bands && band >= 0) {
			double x1 = tl_x(p, tl_band_end(p, events, ev, band));

			fprintf(p->f,
				"<rect x='%.1f' y='%d' width='%.1f' height='%d' class='tl-band'><title>",
				x, TL_TOP - 4, x1 - x > 1 ? x1 - x : 1, bottom - TL_TOP + 4);
			xml_put(p->f, run_files_str(ev, "text"));
			fputs("</title></rect>\n", p->f);
		}
		if (bands)
			continue;
		fprintf(p->f, "<line x1='%.1f' y1='%d' x2='%.1f' y2='%d' class='tl-flt'/>", x,
			label_y + 2, x, bottom);
		fprintf(p->f, "<text x='%.1f' y='%d' class='tl-fl'><title>", x + 2, label_y);
		xml_put(p->f, run_files_str(ev, "text"));
		fputs("</title>", p->f);
		xml_printf(p->f, "%s %s", kind, host);
		fputs("</text>\n", p->f);
	}
}

/* The lane of a peer's call: its own socket when the event names it, else the
 * host's first connected socket, else its first. */
static int tl_marker_lane(const struct tl_pic *p, const json_t *ev)
{
	const char *host = run_files_str(ev, "peer"), *local = run_files_str(ev, "local");
	int first = -1, connected = -1;

	for (int i = 0; i < p->n_lanes; i++) {
		const struct tl_lane *l = &p->lanes[i];

		if (strcmp(l->host, host))
			continue;
		if (local[0] && !strcmp(l->local, local))
			return i;
		first = first < 0 ? i : first;
		if (connected < 0 && strcmp(l->remote, "0.0.0.0:0") && strcmp(l->remote, "[::]:0"))
			connected = i;
	}
	return connected >= 0 ? connected : first;
}

/* An errno that ends or breaks the connection, or EOF: "" when the call is none. */
static const char *tl_marker_text(const json_t *ev)
{
	const char *eno = run_files_str(ev, "errno");

	if (!json_object_get(ev, "peer"))
		return "";
	if (eno[0])
		return strcmp(eno, "EAGAIN") && strcmp(eno, "EINPROGRESS") && strcmp(eno, "EINTR") ?
			       eno :
			       "";
	if (!strcmp(run_files_str(ev, "call"), "recv") && run_files_int(ev, "ret", -1) == 0)
		return "EOF";
	return "";
}

static void tl_markers(const struct tl_pic *p, const json_t *events)
{
	const json_t *ev;
	size_t k;

	json_array_foreach(events, k, ev) {
		const char *text = tl_marker_text(ev);
		int lane = text[0] ? tl_marker_lane(p, ev) : -1;
		int64_t t = run_files_int(ev, "t_ms", 0);
		double x = tl_x(p, t), y;

		if (lane < 0)
			continue;
		y = TL_TOP + lane * TL_LANE_H + TL_BAR_H / 2.0;
		fprintf(p->f,
			"<path d='M%.1f %.1f l6 6 l-6 6 l-6 -6 z' class='tl-err'><title>%s %s at %.3f s"
			"</title></path><text x='%.1f' y='%.1f' class='tl-et' text-anchor='%s'>%s"
			"</text>\n",
			x, y - 6, run_files_str(ev, "call"), text, (double)t / 1000,
			x > TL_WIDTH - 100 ? x - 8 : x + 8, y + 4,
			x > TL_WIDTH - 100 ? "end" : "start", text); /* inside the picture */
	}
}

static void tl_legend(const struct tl_pic *p, int y)
{
	int x = 10;

	for (size_t i = 0; i < sizeof(tl_colors) / sizeof(tl_colors[0]); i++) {
		fprintf(p->f,
			"<rect x='%d' y='%d' width='10' height='10' fill='%s'/>"
			"<text x='%d' y='%d' class='tl-lg'>%s</text>\n",
			x, y, tl_colors[i].fill, x + 13, y + 9, tl_colors[i].state);
		x += 24 + 7 * (int)strlen(tl_colors[i].state);
	}
	fprintf(p->f,
		"<text x='10' y='%d' class='tl-lg'><tspan fill='#c62828'>| retransmission</tspan>  "
		"<tspan fill='#1565c0'>| probe</tspan>  <tspan fill='#c62828'>&#9670; errno or "
		"EOF</tspan>  <tspan fill='#8d6e63'>shaded: a host crashed, unplugged or frozen"
		"</tspan>%s</text>\n",
		y + 26, p->n_hidden ? "  (more sockets than lanes: some left out)" : "");
}

int timeline_svg_write(FILE *f, const json_t *events)
{
	struct tl_pic p = { .f = f };
	int ret = tl_collect(&p, events), height;

	if (ret)
		goto out_free;
	height = TL_TOP + p.n_lanes * TL_LANE_H + TL_AXIS_H + 36;
	fprintf(f,
		"<svg xmlns='http://www.w3.org/2000/svg' class='timeline' width='%d' height='%d' "
		"viewBox='0 0 %d %d' role='img' aria-label='state timeline'>\n"
		"<style>.tl-ax,.tl-lg{font:11px sans-serif;fill:#333}.tl-ln{font:10px monospace;fill:#222}"
		".tl-h{font-weight:bold}.tl-st{font:10px sans-serif;fill:#111}"
		".tl-rtx{stroke:#c62828;stroke-width:1.5}.tl-prb{stroke:#1565c0;stroke-width:1.5}"
		".tl-band{fill:#8d6e63;fill-opacity:.18}.tl-flt{stroke:#6d4c41;stroke-dasharray:3 2}"
		".tl-fl{font:10px sans-serif;fill:#4e342e}.tl-err{fill:#c62828}"
		".tl-et{font:bold 10px sans-serif;fill:#c62828}</style>\n",
		TL_WIDTH, height, TL_WIDTH, height);
	tl_faults(&p, events, true);
	tl_lanes(&p);
	tl_faults(&p, events, false);
	tl_markers(&p, events);
	tl_axis(&p, TL_TOP + p.n_lanes * TL_LANE_H);
	tl_legend(&p, TL_TOP + p.n_lanes * TL_LANE_H + TL_AXIS_H);
	fputs("</svg>\n", f);
out_free:
	for (int i = 0; i < p.n_lanes; i++)
		free(p.lanes[i].pts);
	return ret;
}
