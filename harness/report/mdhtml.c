/* mdhtml.c - one document as Markdown and HTML at once; see mdhtml.h. */
#include "report/mdhtml.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "report/html_priv.h"
#include "report/xml_out.h"

static void md_put(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '|')
			fputs("\\|", f);
		else
			fputc(*s == '\n' ? ' ' : *s, f);
	}
}

static void table_end(struct mdhtml *d)
{
	if (!d->in_table)
		return;
	fputs("</table>\n", d->html);
	fputc('\n', d->md);
	d->in_table = false;
}

int mdhtml_open(struct mdhtml *d, const char *base, const char *title)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->md_path, sizeof(d->md_path), "%s.md", base);
	snprintf(d->html_path, sizeof(d->html_path), "%s.html", base);
	char tmp[4200];

	snprintf(tmp, sizeof(tmp), "%s.tmp", d->md_path);
	d->md = fopen(tmp, "we");
	snprintf(tmp, sizeof(tmp), "%s.tmp", d->html_path);
	d->html = fopen(tmp, "we");
	if (!d->md || !d->html) {
		int ret = -errno;

		d->in_table = false;
		mdhtml_close(d);
		return ret;
	}
	fprintf(d->md, "# ");
	md_put(d->md, title);
	fputs("\n\n", d->md);
	html_open(d->html, title);
	fputs("<h1>", d->html);
	xml_put(d->html, title);
	fputs("</h1>\n", d->html);
	return 0;
}

void mdhtml_h2(struct mdhtml *d, const char *text)
{
	table_end(d);
	fputs("## ", d->md);
	md_put(d->md, text);
	fputs("\n\n", d->md);
	fputs("<h2>", d->html);
	xml_put(d->html, text);
	fputs("</h2>\n", d->html);
}

void mdhtml_p(struct mdhtml *d, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	table_end(d);
	md_put(d->md, buf);
	fputs("\n\n", d->md);
	fputs("<p>", d->html);
	xml_put(d->html, buf);
	fputs("</p>\n", d->html);
}

void mdhtml_row(struct mdhtml *d, const char *const *cells, int n)
{
	bool header = !d->in_table;
	const char *tag = header ? "th" : "td";

	if (header) {
		d->in_table = true;
		d->ncols = n;
		fputs("<table>\n", d->html);
	}
	fputs("<tr>", d->html);
	for (int i = 0; i < d->ncols; i++) {
		const char *c = i < n && cells[i] ? cells[i] : "";

		fputs("| ", d->md);
		md_put(d->md, c);
		fputc(' ', d->md);
		fprintf(d->html, "<%s>", tag);
		xml_put(d->html, c);
		fprintf(d->html, "</%s>", tag);
	}
	fputs("|\n", d->md);
	fputs("</tr>\n", d->html);
	if (header) {
		for (int i = 0; i < d->ncols; i++)
			fputs("|---", d->md);
		fputs("|\n", d->md);
	}
}

/* Close @f (written to @path.tmp): rename it over @path when @ok. */
static int finish(FILE *f, const char *path, bool ok)
{
	char tmp[4200];
	int ret = 0;

	if (!f)
		return 0;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (fclose(f) != 0 && ok)
		ret = -errno;
	if (ok && !ret && rename(tmp, path) != 0)
		ret = -errno;
	if (!ok || ret)
		unlink(tmp);
	return ret;
}

int mdhtml_close(struct mdhtml *d)
{
	bool ok = d->md && d->html;
	int a, b;

	if (ok) {
		table_end(d);
		html_close(d->html, NULL);
		ok = !ferror(d->md) && !ferror(d->html);
	}
	a = finish(d->md, d->md_path, ok);
	b = finish(d->html, d->html_path, ok && !a);
	d->md = d->html = NULL;
	if (!ok)
		return -EIO;
	return a ? a : b;
}
