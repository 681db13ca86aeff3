/* claims.h - the articles' claims (ARTICLE-CLAIMS.md, A01-A27), compiled in,
 * and the claims table of a run.
 *
 * Takes: the loaded cases (which claim each case cites, its tier), the
 * results of a run (summary.json's "cases": case.json objects with "id",
 * "control", "verdict", "expectations" carrying "offset_ms" and "model"),
 * this kernel's stock parameters. Gives: per claim the article's statement
 * and number, the model's number, what this run measured (or the tier and
 * parameters where only a stock run measures it), and confirmed, differs,
 * failed or not-run with a one-line reason; as JSON rows for summary.json
 * and as claims.md. Also the list of claims no case cites (tcpfault list).
 */
#ifndef CLAIMS_H
#define CLAIMS_H

#include <stdio.h>
#include <jansson.h>

#include "model/model.h"
#include "case/case_set.h"

struct claim {
	const char *id; /* "A07" */
	const char *articles; /* "000, 001" */
	const char *statement; /* one line, as in ARTICLE-CLAIMS.md */
	const char *article_number; /* the article's number as it says it, or NULL */
	long long article_ms; /* the same in ms, or -1 */
	int scenario; /* enum model_scenario for the model's number, or -1 */
	const char *
		params; /* settings the claim names, over the stock defaults: "tcp_syn_retries=3" */
	const char *note; /* what this kernel does differently or adds (KERNEL-FACTS.md), or NULL */
	/* the note on a kernel without tcp_syn_linear_timeouts (before 6.5), or
	 * NULL: the note holds there too */
	const char *note_before_linear;
};

/** claims_count() / claims_get() - the compiled table, in id order. */
int claims_count(void);
const struct claim *claims_get(int i);

/**
 * claims_report_missing() - the claims no case of @s cites, one line each on
 * @out (id, articles, statement, the article's number).
 * Return: how many.
 */
int claims_report_missing(const struct suite *s, FILE *out);

/**
 * claims_model() - the model's prediction for @cl with @stock (this kernel's
 * defaults) and the claim's own settings.
 * Return: 0, or -ENOENT when the claim has no timing.
 */
int claims_model(const struct claim *cl, const struct model_params *stock, struct model_pred *out);

/**
 * claims_build() - the claims table of a run: @s the loaded cases, @results
 * summary.json's "cases", @stock this kernel's defaults. *@n_failed receives
 * the number of claims the run should have measured and did not (a case of
 * it ran and failed, or measured no time).
 * Return: a JSON array (new reference), NULL on ENOMEM.
 */
json_t *claims_build(const struct suite *s, const json_t *results, const struct model_params *stock,
		     int *n_failed);

/**
 * claims_for_run() - the claims table of a finished run: this kernel's stock
 * parameters (model_env_probe()), claims_build(), @run_dir/claims.md.
 * Return: the rows for summary.json (new reference, NULL on ENOMEM), and
 * *@n_failed as claims_build() counts it.
 */
json_t *claims_for_run(const struct suite *s, const json_t *results, const char *run_dir,
		       int *n_failed);

/** claims_summary() - "claims: 20 confirmed, 3 differ, 1 failed, 3 not run" into @buf. */
void claims_summary(const json_t *rows, char *buf, size_t size);

/**
 * claims_write_md() - @rows as a Markdown table into @path, with @kernel
 * (one line: release and how the defaults were found) above it.
 * Return: 0 or -errno.
 */
int claims_write_md(const char *path, const json_t *rows, const char *kernel);

#endif
