/* matrix.h - the kernel matrix: the same cases run on several kernels
 * (scripts/kernel-matrix), side by side, and the timing model checked
 * against each.
 *
 * Takes: RUN_DIR/kernels/<release>/, each the results of one `tcpfault run`
 * (summary.json with its cases and claims) and guest.txt (how it ran:
 * "accel tcg|kvm|host", "wall_s N"). Gives: RUN_DIR/matrix.md and
 * matrix.html: per kernel how it ran and its totals; per claim of the
 * articles x kernel the model's number for that kernel, the number measured
 * there and the verdict; per case x kernel the verdict (and the expectations
 * whose timing was not judged under emulation); the guest's times against the
 * host's; and the model check: for every claim, the model computed here from
 * the release alone (`tcpfault predict --kernel RELEASE`) must equal the
 * model the run computed from that kernel's own defaults.
 */
#ifndef MATRIX_H
#define MATRIX_H

#include <stddef.h>
#include <stdio.h>

/**
 * matrix_write() - write @run_dir/matrix.md and matrix.html; one line per
 * disagreement of the model check on @msgs.
 * Return: 0 when every kernel ran with no failure and the model agrees on
 * every kernel, 1 otherwise, -errno (message in @why) when there is no
 * kernel to read or the files cannot be written.
 */
int matrix_write(const char *run_dir, FILE *msgs, char *why, size_t why_len);

#endif
