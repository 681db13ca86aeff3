/* merge.h - several runs as if one run had done it all: the shards of a CI
 * matrix (`run --shard I/N`), or runs of different theme folders.
 *
 * Takes: run directories (run_files.h); the case files their cases name
 * ("file" in case.json, relative to the working directory, for the claims
 * table). Gives: DIR with every case's directory copied in, one summary.json
 * (the cases in the order of the runs given, totals recounted, the earliest
 * start, "merged_from"; "kernels" when the runs' kernels differ), ktap.txt,
 * claims.md (recomputed over all the cases), junit.xml and index.html.
 */
#ifndef MERGE_H
#define MERGE_H

#include <stddef.h>

/**
 * merge_runs() - merge the @n_runs runs @runs into @into (created).
 * Return: 0, or -errno with the reason in @why: a run without summary.json,
 * a case run in two of them (-EEXIST), a file that could not be copied.
 */
int merge_runs(char *const *runs, int n_runs, const char *into, char *why, size_t why_len);

#endif
