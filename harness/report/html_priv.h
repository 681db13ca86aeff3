/* html_priv.h - what html.c and html_case.c share: the page frame (one
 * stylesheet for every page, also mdhtml.c's), and the case page writer.
 *
 * Takes: an open stream, texts to escape. Gives: HTML5 around the content.
 */
#ifndef HTML_PRIV_H
#define HTML_PRIV_H

#include <stdio.h>
#include <jansson.h>

#include "report/run_files.h"

/** html_open() - doctype, head with @title and the stylesheet, <body>. */
void html_open(FILE *f, const char *title);

/** html_close() - @script (NULL: none) inline, then </body></html>. */
void html_close(FILE *f, const char *script);

/** html_badge() - the outcome as a coloured label. */
void html_badge(FILE *f, enum run_outcome o);

/**
 * html_case_page() - @case_dir/case.html for the case @c; @up leads from
 * there back to the run directory ("../../").
 * Return: 0 or -errno.
 */
int html_case_page(const char *case_dir, const char *up, const json_t *c, const json_t *summary);

#endif
