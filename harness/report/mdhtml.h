/* mdhtml.h - one document written twice at once: as Markdown (read in a
 * terminal, a pull request, a CI log) and as an offline HTML page (the run's
 * report style, no network fetches).
 *
 * Takes: headings, paragraphs and table rows as plain UTF-8 text. Gives:
 * PATH.md and PATH.html, each written whole or not at all (".tmp" files
 * renamed at mdhtml_close()). Markdown cells have '|' escaped and line breaks
 * folded; HTML text is escaped (xml_put()).
 */
#ifndef MDHTML_H
#define MDHTML_H

#include <stdbool.h>
#include <stdio.h>

struct mdhtml {
	FILE *md, *html;
	char md_path[4096], html_path[4096];
	bool in_table;
	int ncols;
};

/**
 * mdhtml_open() - @base.md and @base.html (through .tmp files) with @title as
 * the first heading and the page's title.
 * Return: 0 or -errno (nothing left behind).
 */
int mdhtml_open(struct mdhtml *d, const char *base, const char *title);

/** mdhtml_h2() - a section heading. */
void mdhtml_h2(struct mdhtml *d, const char *text);

/** mdhtml_p() - a paragraph. */
void mdhtml_p(struct mdhtml *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/**
 * mdhtml_row() - a table row of @n cells; the first row after a heading or
 * a paragraph starts a table and is its header (@n columns from then on).
 */
void mdhtml_row(struct mdhtml *d, const char *const *cells, int n);

/** mdhtml_close() - finish both files and rename them into place.
 * Return: 0 or -errno (both .tmp files removed). */
int mdhtml_close(struct mdhtml *d);

#endif
