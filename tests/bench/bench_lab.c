/* bench_lab.c - how long the "pair" lab takes to build and to free.
 *
 * Builds client -- veth -- server (addresses, lo up, both ends oper-up) and
 * frees it, BENCH_RUNS times, inside a private namespace; prints the median
 * and p95 of each phase. Teardown is lab_free() only: the kernel destroys the
 * namespaces afterwards in its cleanup_net() worker, which the next build can
 * wait on (rtnl lock), so that cost shows up in the build numbers.
 */
#include "lab.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define BENCH_RUNS 50

static double bench_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Nearest-rank percentile of @n sorted samples. */
static double bench_pct(const double *v, int n, int pct)
{
	int rank = (pct * n + 99) / 100;

	return v[rank > 0 ? rank - 1 : 0];
}

static int bench_pair(struct lab **out, struct tf_err *err)
{
	struct lab *lab = lab_new();
	int c, s, ret;

	*out = lab;
	if (!lab)
		return tf_err_set(err, -ENOMEM, "out of memory");
	if ((c = lab_host_add(lab, "client", err)) < 0)
		return c;
	if ((s = lab_host_add(lab, "server", err)) < 0)
		return s;
	if ((ret = lab_veth_add(lab, c, "eth0", s, "eth0", err)) < 0 ||
	    (ret = lab_addr_add(lab, c, "eth0", "198.18.0.1/24", err)) < 0 ||
	    (ret = lab_addr_add(lab, s, "eth0", "198.18.0.2/24", err)) < 0 ||
	    (ret = lab_link_wait_oper_up(lab, c, "eth0", 5000, err)) < 0 ||
	    (ret = lab_link_wait_oper_up(lab, s, "eth0", 5000, err)) < 0)
		return ret;
	return 0;
}

static void bench_print(const char *what, double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), bench_cmp);
	printf("lab pair %s: median %.2f ms, p95 %.2f ms (%d runs)\n", what, bench_pct(v, n, 50),
	       bench_pct(v, n, 95), n);
}

int main(void)
{
	double build[BENCH_RUNS], teardown[BENCH_RUNS], t0, t1;
	struct tf_err err = { "" };
	struct lab *lab;
	int i;

	if (geteuid() != 0) {
		printf("SKIP: needs root\n");
		return 4;
	}
	if (lab_ns_enter_private(&err) < 0) {
		fprintf(stderr, "bench_lab: %s\n", err.msg);
		return 1;
	}
	for (i = 0; i < BENCH_RUNS; i++) {
		t0 = bench_now_ms();
		if (bench_pair(&lab, &err) < 0) {
			fprintf(stderr, "bench_lab: run %d: %s\n", i, err.msg);
			lab_free(lab);
			return 1;
		}
		t1 = bench_now_ms();
		lab_free(lab);
		build[i] = t1 - t0;
		teardown[i] = bench_now_ms() - t1;
	}
	bench_print("build", build, BENCH_RUNS);
	bench_print("teardown", teardown, BENCH_RUNS);
	return 0;
}
