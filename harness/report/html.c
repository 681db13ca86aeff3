/* html.c - index.html and claims.html of a run, and the frame every page
 * shares; see html.h. The case pages are in html_case.c. */
#include "report/html.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/html_priv.h"
#include "report/xml_out.h"

#define HTML_REASON_MAX 240 /* a reason longer than this is cut in the table */

static const char html_css[] =
	"body{font:14px/1.45 system-ui,sans-serif;margin:0 2em 3em;color:#1b1b1b}"
	"h1{font-size:1.5em;margin:.8em 0 .2em}h2{font-size:1.15em;margin:1.4em 0 .4em}"
	"table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ddd;"
	"padding:3px 6px;text-align:left;vertical-align:top}th{background:#f3f3f3}"
	"td.n{text-align:right;white-space:nowrap}code,.mono{font-family:monospace}"
	".b{display:inline-block;padding:0 .5em;border-radius:3px;color:#fff;font-weight:600}"
	".passed{background:#2e7d32}.failed{background:#c62828}.error{background:#6a1b9a}"
	".skipped{background:#757575}.banner{font-size:1.3em;font-weight:600;padding:.5em .8em;"
	"border-radius:4px;color:#fff}.facts{display:grid;grid-template-columns:max-content auto;"
	"gap:0 1.2em;margin:.6em 0}.facts dt{color:#555}.facts dd{margin:0}"
	"#filter button{margin-right:.3em;padding:.2em .8em;border:1px solid #999;"
	"background:#fff;border-radius:3px;cursor:pointer}#filter button.on{background:#333;"
	"color:#fff}#q{margin-left:1em;padding:.2em}.look li{margin:.2em 0}"
	".pass{color:#2e7d32;font-weight:600}.fail{color:#c62828;font-weight:600}"
	".skip{color:#757575}pre{background:#f6f6f6;padding:.6em;overflow:auto}"
	"svg{max-width:100%;height:auto}.seq{overflow:auto;border:1px solid #ddd}";

void html_open(FILE *f, const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang='en'>\n<head>\n<meta charset='utf-8'>\n"
	      "<meta name='viewport' content='width=device-width, initial-scale=1'>\n<title>",
	      f);
	xml_put(f, title);
	fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n", html_css);
}

void html_close(FILE *f, const char *script)
{
	if (script)
		fprintf(f, "<script>\n%s\n</script>\n", script);
	fputs("</body>\n</html>\n", f);
}

void html_badge(FILE *f, enum run_outcome o)
{
	fprintf(f, "<span class='b %s'>%s</span>", run_files_outcome_name(o),
		run_files_outcome_name(o));
}

struct html_run {
	const char *run_dir;
	const json_t *summary;
};

/* "round2/host-crash/x.control/case.html" relative to the run, or "" when
 * the case has no directory. */
static void html_case_href(const struct html_run *r, const json_t *c, char *buf, size_t len)
{
	char dir[4096];

	if (run_files_case_dir(r->run_dir, c, dir, sizeof(dir))) {
		buf[0] = '\0';
		return;
	}
	snprintf(buf, len, "%s/case.html", dir + strlen(r->run_dir) + 1);
}

/* Per peer "client 7.145 s" (detection) and "client ETIMEDOUT" (errno). */
static void html_peer_cells(FILE *f, const json_t *c)
{
	const json_t *peers = json_object_get(c, "peers"), *p;
	const char *host;

	fputs("<td class='mono'>", f);
	json_object_foreach((json_t *)peers, host, p) {
		if (run_files_int(p, "detect_ms", -1) < 0)
			continue;
		xml_printf(f, "%s %.3f s", host, (double)run_files_int(p, "detect_ms", 0) / 1000);
		fputs("<br>", f);
	}
	fputs("</td><td class='mono'>", f);
	json_object_foreach((json_t *)peers, host, p) {
		if (!run_files_str(p, "errno")[0])
			continue;
		xml_printf(f, "%s %s", host, run_files_str(p, "errno"));
		fputs("<br>", f);
	}
	fputs("</td>", f);
}

static void html_row(FILE *f, const struct html_run *r, const json_t *c, int no)
{
	enum run_outcome o = run_files_outcome(c);
	char name[512], theme[256], href[4200];
	const json_t *src;
	size_t i;

	run_files_case_name(name, sizeof(name), c);
	run_files_theme(theme, sizeof(theme), c);
	html_case_href(r, c, href, sizeof(href));
	fprintf(f, "<tr data-outcome='%s' data-name='", run_files_outcome_name(o));
	xml_put(f, name);
	fprintf(f, "'><td class='n'>%d</td><td>", no);
	xml_put(f, theme);
	fputs("</td><td>", f);
	if (href[0]) {
		fputs("<a href='", f);
		xml_put_href(f, href);
		fputs("'>", f);
	}
	/* the id without its theme: "retries2-15 [control]" */
	xml_put(f, run_files_str(c, "id") +
			   (strchr(run_files_str(c, "id"), '/') ? strlen(theme) + 1 : 0));
	if (json_is_true(json_object_get(c, "control")))
		fputs(" [control]", f);
	fputs(href[0] ? "</a></td><td>" : "</td><td>", f);
	html_badge(f, o);
	fputs("</td><td>", f);
	xml_put(f, run_files_str(c, "verdict"));
	fputs("</td><td>", f);
	xml_printf(f, "%.*s", HTML_REASON_MAX, run_files_str(c, "reason"));
	fputs("</td>", f);
	html_peer_cells(f, c);
	fputs("<td>", f);
	json_array_foreach(json_object_get(c, "sources"), i, src) {
		fprintf(f, "%s<a href='claims.html#", i ? " " : "");
		xml_put(f, json_string_value(src));
		fputs("'>", f);
		xml_put(f, json_string_value(src));
		fputs("</a>", f);
	}
	fprintf(f, "</td><td class='n'>%.1f s</td></tr>\n",
		(double)run_files_int(c, "duration_ms", 0) / 1000);
}

static const char html_filter_js[] =
	"(function () {\n"
	"  var buttons = document.querySelectorAll('#filter button');\n"
	"  var rows = document.querySelectorAll('#cases tbody tr');\n"
	"  var q = document.getElementById('q');\n"
	"  function apply() {\n"
	"    var want = document.querySelector('#filter button.on').dataset.f;\n"
	"    var text = q.value.toLowerCase(), shown = 0;\n"
	"    rows.forEach(function (r) {\n"
	"      var show = (want === 'all' || r.dataset.outcome === want) &&\n"
	"        r.dataset.name.toLowerCase().indexOf(text) >= 0;\n"
	"      r.hidden = !show;\n"
	"      shown += show ? 1 : 0;\n"
	"    });\n"
	"    document.getElementById('shown').textContent = shown + ' shown';\n"
	"  }\n"
	"  buttons.forEach(function (b) {\n"
	"    b.addEventListener('click', function () {\n"
	"      buttons.forEach(function (o) { o.classList.remove('on'); });\n"
	"      b.classList.add('on');\n"
	"      apply();\n"
	"    });\n"
	"  });\n"
	"  q.addEventListener('input', apply);\n"
	"  apply();\n"
	"  document.body.setAttribute('data-report', 'ready');\n"
	"})();";

/* One bar, a segment per outcome, as wide as its share of the cases. */
static void html_totals_bar(FILE *f, const int *n, int total)
{
	static const char *const fill[RUN_OUTCOME_COUNT] = { "#2e7d32", "#c62828", "#6a1b9a",
							     "#757575" };
	double x = 0;

	fputs("<svg width='600' height='22' viewBox='0 0 600 22' role='img' "
	      "aria-label='outcomes'>",
	      f);
	for (int o = 0; o < RUN_OUTCOME_COUNT && total > 0; o++) {
		double w = 600.0 * n[o] / total;

		if (!n[o])
			continue;
		fprintf(f,
			"<rect x='%.1f' y='0' width='%.1f' height='22' fill='%s'><title>%d %s"
			"</title></rect>",
			x, w, fill[o], n[o], run_files_outcome_name((enum run_outcome)o));
		x += w;
	}
	fputs("</svg>\n", f);
}

/* "25 confirmed, 2 differs" from summary.json's claims table. */
static void html_claims_line(FILE *f, const json_t *s)
{
	json_t *counts = json_object();
	const json_t *row, *n;
	const char *verdict;
	size_t i;
	int k = 0;

	json_array_foreach(json_object_get(s, "claims"), i, row) {
		verdict = run_files_str(row, "verdict");
		json_object_set_new(counts, verdict,
				    json_integer(run_files_int(counts, verdict, 0) + 1));
	}
	if (json_object_size(counts))
		fputs("<dt>claims</dt><dd><a href='claims.html'>", f);
	json_object_foreach(counts, verdict, n)
		xml_printf(f, "%s%lld %s", k++ ? ", " : "", (long long)json_integer_value(n),
			   verdict);
	if (json_object_size(counts))
		fputs("</a></dd>", f);
	json_decref(counts);
}

static void html_header(FILE *f, const struct html_run *r, const int *n, int total)
{
	const json_t *s = r->summary;
	const char *slash = strrchr(r->run_dir, '/');
	bool bad = n[RUN_FAILED] || n[RUN_ERROR];

	fputs("<h1>tcpfault run ", f);
	xml_put(f, slash ? slash + 1 : r->run_dir);
	fprintf(f, "</h1>\n<p class='banner' style='background:%s'>", bad ? "#c62828" : "#2e7d32");
	if (bad)
		fprintf(f, "%d failed, %d error, of %d case runs", n[RUN_FAILED], n[RUN_ERROR],
			total);
	else
		fprintf(f, "all %d case runs passed", n[RUN_PASSED]);
	if (n[RUN_SKIPPED])
		fprintf(f, " (%d skipped)", n[RUN_SKIPPED]);
	if (json_is_true(json_object_get(s, "interrupted")))
		fputs(" &mdash; the run was interrupted", f);
	fputs("</p>\n", f);
	html_totals_bar(f, n, total);
	fputs("<dl class='facts'><dt>kernel</dt><dd>", f);
	xml_put(f, run_files_str(s, "kernel"));
	fputs("</dd><dt>started</dt><dd>", f);
	xml_put(f, run_files_str(s, "started"));
	fputs("</dd><dt>tool</dt><dd>", f);
	xml_printf(f, "%s %s", run_files_str(s, "tool"), run_files_str(s, "version"));
	fputs("</dd><dt>observation</dt><dd>socket states and counters by sock_diag, sampled "
	      "every 10 ms (orphans included); every segment captured on each host (pcap); every "
	      "peer syscall with its errno; one clock (0: setup done)</dd>",
	      f);
	fprintf(f,
		"<dt>totals</dt><dd>%d passed, %d failed, %d error, %d skipped, %lld not run"
		"</dd>",
		n[RUN_PASSED], n[RUN_FAILED], n[RUN_ERROR], n[RUN_SKIPPED],
		(long long)run_files_int(json_object_get(s, "totals"), "not_run", 0));
	html_claims_line(f, s);
	fputs("<dt>files</dt><dd><a href='claims.html'>claims</a> &middot; <a href='junit.xml'>"
	      "junit.xml</a> &middot; <a href='ktap.txt'>ktap.txt</a> &middot; <a "
	      "href='summary.json'>summary.json</a> &middot; <a href='claims.md'>claims.md</a>"
	      "</dd></dl>\n",
	      f);
}

/* The first thing to read when something went wrong. */
static void html_needs_look(FILE *f, const struct html_run *r)
{
	const json_t *c;
	char name[512], href[4200];
	size_t i;
	int n = 0;

	json_array_foreach(json_object_get(r->summary, "cases"), i, c) {
		enum run_outcome o = run_files_outcome(c);

		if (o != RUN_FAILED && o != RUN_ERROR)
			continue;
		if (!n++)
			fputs("<h2>Needs a look</h2>\n<ul class='look'>\n", f);
		html_case_href(r, c, href, sizeof(href));
		fputs("<li>", f);
		html_badge(f, o);
		fputs(" <a href='", f);
		xml_put_href(f, href);
		fputs("'>", f);
		xml_put(f, run_files_case_name(name, sizeof(name), c));
		fputs("</a>: ", f);
		xml_put(f, run_files_str(c, "reason"));
		fputs("</li>\n", f);
	}
	if (n)
		fputs("</ul>\n", f);
}

static int html_index(FILE *f, const void *arg)
{
	const struct html_run *r = arg;
	const json_t *cases = json_object_get(r->summary, "cases"), *c;
	int n[RUN_OUTCOME_COUNT] = { 0 }, total = (int)json_array_size(cases);
	size_t i;

	json_array_foreach(cases, i, c)
		n[run_files_outcome(c)]++;
	html_open(f, "tcpfault run report");
	html_header(f, r, n, total);
	html_needs_look(f, r);
	fprintf(f, "<h2>Cases</h2>\n<p id='filter'><button data-f='all' class='on'>all %d</button>",
		total);
	for (int o = 0; o < RUN_OUTCOME_COUNT; o++)
		fprintf(f, "<button data-f='%s'>%s %d</button>",
			run_files_outcome_name((enum run_outcome)o),
			run_files_outcome_name((enum run_outcome)o), n[o]);
	fputs("<input id='q' type='search' placeholder='name contains...' aria-label='filter by "
	      "name'> <span id='shown'></span></p>\n<table id='cases'>\n<thead><tr><th>#</th>"
	      "<th>theme</th><th>case</th><th>outcome</th><th>verdict</th><th>reason</th>"
	      "<th>detection</th><th>errno</th><th>claims</th><th>time</th></tr></thead>\n"
	      "<tbody>\n",
	      f);
	json_array_foreach(cases, i, c)
		html_row(f, r, c, (int)i + 1);
	fputs("</tbody>\n</table>\n<p>A control (the case with its cause removed) passes when it "
	      "fails: a case whose control passes cannot fail.</p>\n",
	      f);
	html_close(f, html_filter_js);
	return ferror(f) ? -EIO : 0;
}

static void html_claim_cases(FILE *f, const struct html_run *r, const char *list)
{
	char id[512];

	/* "a/b, c/d": each a link to the case's page, when it has one */
	while (*list) {
		size_t k = strcspn(list, ",");
		const json_t *c;
		char href[4200] = "";
		size_t i;

		snprintf(id, sizeof(id), "%.*s", (int)k, list);
		json_array_foreach(json_object_get(r->summary, "cases"), i, c)
			if (!strcmp(run_files_str(c, "id"), id) &&
			    !json_is_true(json_object_get(c, "control")) && !href[0])
				html_case_href(r, c, href, sizeof(href));
		if (href[0]) {
			fputs("<a href='", f);
			xml_put_href(f, href);
			fputs("'>", f);
		}
		xml_put(f, id);
		fputs(href[0] ? "</a> " : " ", f);
		list += k;
		list += strspn(list, ", ");
	}
}

static int html_claims(FILE *f, const void *arg)
{
	const struct html_run *r = arg;
	const json_t *row;
	size_t i;

	html_open(f, "tcpfault claims");
	fputs("<p><a href='index.html'>&larr; run report</a></p>\n<h1>Claims of the articles"
	      "</h1>\n<table>\n<thead><tr><th>id</th><th>claim</th><th>article</th><th>model</th>"
	      "<th>measured</th><th>verdict</th><th>cases</th></tr></thead>\n<tbody>\n",
	      f);
	json_array_foreach(json_object_get(r->summary, "claims"), i, row) {
		const char *v = run_files_str(row, "verdict");

		fputs("<tr id='", f);
		xml_put(f, run_files_str(row, "id"));
		fputs("'><td>", f);
		xml_put(f, run_files_str(row, "id"));
		fputs("</td><td>", f);
		xml_put(f, run_files_str(row, "claim"));
		fputs("</td><td>", f);
		xml_put(f, run_files_str(row, "article_says"));
		fputs("</td><td class='n'>", f);
		if (run_files_int(row, "model_ms", -1) >= 0)
			fprintf(f, "%.3f s", (double)run_files_int(row, "model_ms", 0) / 1000);
		fputs("</td><td>", f);
		xml_put(f, run_files_str(row, "measured"));
		fprintf(f, "</td><td><span class='%s'>",
			!strcmp(v, "confirmed") ? "pass" :
			strcmp(v, "differs")	? "fail" :
						  "skip");
		xml_put(f, v);
		fputs("</span><br><small>", f);
		xml_put(f, run_files_str(row, "reason"));
		fputs("</small></td><td>", f);
		html_claim_cases(f, r, run_files_str(row, "cases"));
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody>\n</table>\n", f);
	html_close(f, "document.body.setAttribute('data-report', 'ready');");
	return ferror(f) ? -EIO : 0;
}

/* "host-crash/x.control" -> "../../" (from the case's page to the run). */
static void html_up(const char *rel, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (const char *p = rel; *p; p++)
		if (*p == '/' && n + 4 < len) {
			memcpy(buf + n, "../", 4);
			n += 3;
		}
	if (n + 4 < len)
		memcpy(buf + n, "../", 4);
}

int html_write(const char *run_dir, const json_t *summary)
{
	struct html_run r = { .run_dir = run_dir, .summary = summary };
	const json_t *c;
	char path[4200], dir[4096], up[256];
	int ret = 0;
	size_t i;

	json_array_foreach(json_object_get(summary, "cases"), i, c) {
		if (run_files_case_dir(run_dir, c, dir, sizeof(dir)))
			continue;
		html_up(dir + strlen(run_dir) + 1, up, sizeof(up));
		if (!ret)
			ret = html_case_page(dir, up, c, summary);
	}
	snprintf(path, sizeof(path), "%s/claims.html", run_dir);
	if (!ret)
		ret = xml_file_write(path, html_claims, &r);
	snprintf(path, sizeof(path), "%s/index.html", run_dir);
	if (!ret)
		ret = xml_file_write(path, html_index, &r);
	return ret;
}
