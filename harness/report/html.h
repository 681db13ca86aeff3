/* html.h - the run's report as web pages a person opens from the results
 * directory (file://, offline: inline CSS and SVG, a few lines of plain
 * JavaScript for the filter, nothing fetched).
 *
 * Takes: a run directory and its summary.json (run_files.h); each case's
 * case.json, events.jsonl, sequence.svg and report.txt. Gives:
 *   index.html  the run's header (verdict line, kernel, date, tool version,
 *               how it observed, totals as a bar), the cases that need a look,
 *               a table of every case with a filter by outcome;
 *   claims.html the claims table (summary.json "claims");
 *   <case>/case.html per case: expectations expected vs observed (timing ones
 *               as a band with the observed moment), the peers, the state
 *               timeline (timeline_svg.h), the sequence diagram inline, links
 *               to the pcaps, events.jsonl and the text files.
 */
#ifndef HTML_H
#define HTML_H

#include <jansson.h>

/**
 * html_write() - write the pages above for @run_dir, whose summary.json is
 * @summary. A case whose directory is missing gets a row but no page.
 * Return: 0 or -errno (the first page that could not be written).
 */
int html_write(const char *run_dir, const json_t *summary);

#endif
