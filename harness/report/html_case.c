/* html_case.c - one case's page, <case dir>/case.html; see html.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/html_priv.h"
#include "report/timeline_svg.h"
#include "report/xml_out.h"

#define HTML_SVG_MAX (4 << 20) /* a sequence.svg beyond this is linked, not inlined */
#define HTML_TEXT_MAX (256 << 10)

struct html_case {
	const char *dir, *up;
	const json_t *c, *summary;
};

/* A timing expectation as a picture: the band it allowed (the model's, with
 * its nominal value) and where the observed moment fell. */
static void html_band_svg(FILE *f, const json_t *ex)
{
	const json_t *m = json_object_get(ex, "model");
	int64_t obs = run_files_int(ex, "offset_ms", -1);
	int64_t lo = run_files_int(m, "lo_ms", -1), hi = run_files_int(m, "hi_ms", -1);
	int64_t nominal = run_files_int(m, "value_ms", -1), a, b;
	bool pass = !strcmp(run_files_str(ex, "verdict"), "pass");

	if (!m) { /* "... within 15.200..16.000 s after the fault" */
		const char *w = strstr(run_files_str(ex, "expected"), "within ");
		double l, h;

		if (w && sscanf(w, "within %lf..%lf s", &l, &h) == 2) {
			lo = (int64_t)(l * 1000 + 0.5);
			hi = (int64_t)(h * 1000 + 0.5);
		}
	}
	if (obs < 0 || lo < 0 || hi < lo)
		return;
	a = obs < lo ? obs : lo;
	b = obs > hi ? obs : hi;
	a -= (b - a) / 4 + 1;
	b += (b - a) / 5 + 1;
#define HX(t) (10 + (double)((t)-a) * 200 / (double)(b - a))
	fprintf(f,
		"<svg width='220' height='30' viewBox='0 0 220 30' role='img' "
		"aria-label='band'><rect x='%.1f' y='6' width='%.1f' height='12' fill='#a5d6a7'>"
		"<title>model band %.3f..%.3f s</title></rect>",
		HX(lo), HX(hi) - HX(lo) > 1 ? HX(hi) - HX(lo) : 1, (double)lo / 1000,
		(double)hi / 1000);
	if (nominal >= 0)
		fprintf(f, "<line x1='%.1f' y1='4' x2='%.1f' y2='20' stroke='#1b5e20'/>",
			HX(nominal), HX(nominal));
	fprintf(f,
		"<circle cx='%.1f' cy='12' r='5' fill='%s'><title>observed %.3f s</title>"
		"</circle><text x='10' y='29' font-size='9' fill='#555'>%.3f</text>"
		"<text x='210' y='29' font-size='9' fill='#555' text-anchor='end'>%.3f s</text>"
		"</svg>",
		HX(obs), pass ? "#2e7d32" : "#c62828", (double)obs / 1000, (double)a / 1000,
		(double)b / 1000);
#undef HX
}

static void html_expectations(FILE *f, const json_t *c)
{
	const json_t *ex;
	size_t i;

	if (!json_array_size(json_object_get(c, "expectations")))
		return;
	fputs("<h2>Expectations</h2>\n<table>\n<thead><tr><th>line</th><th>expected</th>"
	      "<th>observed</th><th>verdict</th><th>timing</th></tr></thead>\n<tbody>\n",
	      f);
	json_array_foreach(json_object_get(c, "expectations"), i, ex) {
		const char *v = run_files_str(ex, "verdict");

		fprintf(f, "<tr><td class='n'>%lld</td><td>",
			(long long)run_files_int(ex, "line", 0));
		xml_put(f, run_files_str(ex, "expected"));
		fputs("</td><td>", f);
		xml_put(f, run_files_str(ex, "observed"));
		fprintf(f, "</td><td class='%s'>",
			!strcmp(v, "pass") ? "pass" :
			!strcmp(v, "skip") ? "skip" :
					     "fail");
		xml_put(f, v);
		fputs("</td><td>", f);
		html_band_svg(f, ex);
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody>\n</table>\n", f);
}

static void html_ms_cell(FILE *f, const json_t *p, const char *key)
{
	int64_t ms = run_files_int(p, key, -1);

	if (json_is_integer(json_object_get(p, key)))
		fprintf(f, "<td class='n'>%.3f s</td>", (double)ms / 1000);
	else
		fputs("<td></td>", f);
}

static void html_peers(FILE *f, const json_t *c)
{
	const json_t *p;
	const char *host;

	if (!json_object_size(json_object_get(c, "peers")))
		return;
	fputs("<h2>Peers</h2>\n<table>\n<thead><tr><th>host</th><th>errno</th><th>at</th>"
	      "<th>EOF at</th><th>detection (after the fault)</th><th>final state</th>"
	      "<th>local</th><th>remote</th></tr></thead>\n<tbody>\n",
	      f);
	json_object_foreach((json_t *)json_object_get(c, "peers"), host, p) {
		fputs("<tr><td>", f);
		xml_put(f, host);
		fputs("</td><td class='mono'>", f);
		xml_put(f, run_files_str(p, "errno"));
		fputs("</td>", f);
		html_ms_cell(f, p, "errno_ms");
		html_ms_cell(f, p, "eof_ms");
		html_ms_cell(f, p, "detect_ms");
		fputs("<td class='mono'>", f);
		xml_put(f, run_files_str(p, "final_state"));
		fputs("</td><td class='mono'>", f);
		xml_put(f, run_files_str(p, "local"));
		fputs("</td><td class='mono'>", f);
		xml_put(f, run_files_str(p, "remote"));
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody>\n</table>\n", f);
}

static void html_timeline(FILE *f, const struct html_case *hc)
{
	json_t *events = run_files_events(hc->dir);

	fputs("<h2>State timeline</h2>\n", f);
	if (!events || timeline_svg_write(f, events))
		fputs("<p>No socket was observed (no events.jsonl, or no sample in it).</p>\n", f);
	json_decref(events);
}

/* sequence.svg inline, its XML prolog left out (HTML takes the <svg> only). */
static void html_sequence(FILE *f, const struct html_case *hc)
{
	char path[4200];
	char *svg, *start;

	snprintf(path, sizeof(path), "%s/sequence.svg", hc->dir);
	svg = run_files_read(path, HTML_SVG_MAX);
	fputs("<h2>Sequence diagram</h2>\n", f);
	start = svg ? strstr(svg, "<svg") : NULL;
	if (start)
		fprintf(f, "<div class='seq'>%s</div>\n", start);
	else
		fputs("<p>No sequence diagram (sequence.svg) for this case.</p>\n", f);
	free(svg);
}

static void html_report_txt(FILE *f, const struct html_case *hc)
{
	char path[4200];
	char *text;

	snprintf(path, sizeof(path), "%s/report.txt", hc->dir);
	text = run_files_read(path, HTML_TEXT_MAX);
	if (text && text[0]) {
		fputs("<h2>Diagnostics (report.txt)</h2>\n<pre>", f);
		xml_put(f, text);
		fputs("</pre>\n", f);
	}
	free(text);
}

static void html_link(FILE *f, const char *href, const char *text)
{
	fputs("<a href='", f);
	xml_put_href(f, href);
	fputs("'>", f);
	xml_put(f, text);
	fputs("</a> &middot; ", f);
}

static void html_files(FILE *f, const struct html_case *hc)
{
	const json_t *cap = json_object_get(hc->c, "capture"), *h;
	const char *host;
	char label[256];

	fputs("<h2>Files</h2>\n<p>", f);
	json_object_foreach((json_t *)cap, host, h) {
		if (!json_is_object(h) || !run_files_str(h, "file")[0])
			continue;
		snprintf(label, sizeof(label), "%s (%lld segments)", run_files_str(h, "file"),
			 (long long)run_files_int(h, "segments", 0));
		html_link(f, run_files_str(h, "file"), label);
	}
	html_link(f, "events.jsonl", "events.jsonl");
	html_link(f, "sequence.txt", "sequence.txt");
	html_link(f, "sequence.svg", "sequence.svg");
	fputs("<a href='case.json'>case.json</a></p>\n", f);
}

static void html_case_head(FILE *f, const struct html_case *hc)
{
	const json_t *c = hc->c, *src;
	char name[512];
	size_t i;

	fprintf(f, "<p><a href='%sindex.html'>&larr; run report</a></p>\n<h1>", hc->up);
	xml_put(f, run_files_case_name(name, sizeof(name), c));
	fputs(" ", f);
	html_badge(f, run_files_outcome(c));
	fputs("</h1>\n<p>", f);
	xml_put(f, run_files_str(c, "title"));
	fputs("</p>\n<dl class='facts'><dt>verdict</dt><dd>", f);
	xml_put(f, run_files_str(c, "verdict"));
	if (json_is_true(json_object_get(c, "control")))
		fputs(" (a control: it must fail)", f);
	fputs("</dd><dt>reason</dt><dd>", f);
	xml_put(f, run_files_str(c, "reason"));
	fputs("</dd><dt>file</dt><dd class='mono'>", f);
	xml_put(f, run_files_str(c, "file"));
	fprintf(f, "</dd><dt>duration</dt><dd>%.3f s</dd>",
		(double)run_files_int(c, "duration_ms", 0) / 1000);
	if (json_is_integer(json_object_get(c, "fault_ms")))
		fprintf(f, "<dt>fault at</dt><dd>%.3f s</dd>",
			(double)run_files_int(c, "fault_ms", 0) / 1000);
	fputs("<dt>claims</dt><dd>", f);
	json_array_foreach(json_object_get(c, "sources"), i, src) {
		fprintf(f, "<a href='%sclaims.html#", hc->up);
		xml_put(f, json_string_value(src));
		fputs("'>", f);
		xml_put(f, json_string_value(src));
		fputs("</a> ", f);
	}
	fputs("</dd><dt>kernel</dt><dd>", f);
	xml_put(f, run_files_str(c, "kernel"));
	fputs("</dd></dl>\n", f);
}

static int html_case_body(FILE *f, const void *arg)
{
	const struct html_case *hc = arg;
	char title[600];

	snprintf(title, sizeof(title), "tcpfault: %s", run_files_str(hc->c, "id"));
	html_open(f, title);
	html_case_head(f, hc);
	html_expectations(f, hc->c);
	html_peers(f, hc->c);
	html_timeline(f, hc);
	html_sequence(f, hc);
	html_report_txt(f, hc);
	html_files(f, hc);
	html_close(f, "document.body.setAttribute('data-report', 'ready');");
	return ferror(f) ? -EIO : 0;
}

int html_case_page(const char *case_dir, const char *up, const json_t *c, const json_t *summary)
{
	struct html_case hc = { .dir = case_dir, .up = up, .c = c, .summary = summary };
	char path[4200];

	snprintf(path, sizeof(path), "%s/case.html", case_dir);
	return xml_file_write(path, html_case_body, &hc);
}
