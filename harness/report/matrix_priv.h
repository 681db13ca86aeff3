/* matrix_priv.h - what matrix.c (kernels, claims) and matrix_cases.c
 * (cases, timing, the model check) share: the kernels loaded from a matrix
 * run. Private to report/matrix*.c.
 */
#ifndef MATRIX_PRIV_H
#define MATRIX_PRIV_H

#include <stdio.h>
#include <jansson.h>

#include "model/model.h"
#include "report/mdhtml.h"

#define MATRIX_MAX_KERNELS 16
#define MATRIX_CELL 512

struct mx_kernel {
	char release[256]; /* the directory's name: the kernel's release */
	char accel[16]; /* tcg, kvm, host */
	long wall_s;
	json_t *summary;
	struct model_params stock; /* the release's compiled defaults (predict --kernel) */
};

struct mx {
	const char *run_dir;
	struct mx_kernel k[MATRIX_MAX_KERNELS];
	int n;
	int mismatches; /* model check: claims where predict --kernel and the run disagree */
	int checked; /* model check: claims compared */
	int failures; /* kernels with a failed or errored case, or no results */
	FILE *msgs;
};

/** mx_claim_row() - kernel @k's claims-table row for claim @id, or NULL. */
json_t *mx_claim_row(const struct mx_kernel *k, const char *id);

/** mx_cases() - the "Cases x kernels" section. */
void mx_cases(struct mx *m, struct mdhtml *d);

/** mx_timing() - the guests' times against the host's, and every time not judged. */
void mx_timing(struct mx *m, struct mdhtml *d);

/** mx_model_check() - the model check's section (the disagreements counted while
 * the claims were written). */
void mx_model_check(struct mx *m, struct mdhtml *d);

#endif
