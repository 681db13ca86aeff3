/* bench_lab.c - how long the "pair" lab takes to build and to free, and
 * BENCH_CONCURRENT pairs at once, each with a connection.
 *
 * Builds client -- veth -- server (addresses, lo up, both ends oper-up) and
 * frees it, BENCH_RUNS times, inside a private namespace; prints the median
 * and p95 of each phase. Teardown is lab_free() only: the kernel destroys the
 * namespaces afterwards in its cleanup_net() worker, which the next build can
 * wait on (rtnl lock), so that cost shows up in the build numbers.
 */
#include "netns/lab.h"
#include "netns/lab_diag.h"

#include <arpa/inet.h>
#include <errno.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define BENCH_RUNS 50
#define BENCH_CONCURRENT 200

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

static int bench_count(const struct lab_sock *s, void *arg)
{
	(void)s;
	(*(int *)arg)++;
	return 0;
}

/* Mean time of one sock_diag dump of a pair host, with the lab built while
 * the private namespace's tcp_child_ehash_entries is @entries (0: the lab
 * namespaces share the host's global table). */
static double bench_dump_ms(const char *entries, int dumps)
{
	struct tf_err err = { "" };
	struct lab_diag *d = NULL;
	struct lab *lab = NULL;
	double t0, ms = -1;
	int fd, n = 0;

	fd = open("/proc/sys/net/ipv4/tcp_child_ehash_entries", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, entries, strlen(entries)) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	if (bench_pair(&lab, &err) == 0 &&
	    lab_diag_open(lab_host_netns_fd(lab, 0), &d, &err) == 0) {
		t0 = bench_now_ms();
		for (int i = 0; i < dumps; i++)
			lab_diag_dump(d, bench_count, &n, &err);
		ms = (bench_now_ms() - t0) / dumps;
	}
	lab_diag_close(d);
	lab_free(lab);
	return ms;
}

/* A TCP socket (IPv4) in @host of @lab, or -1. */
static int bench_socket(struct lab *lab, int host)
{
	int saved = lab_enter(lab, host), fd;

	if (saved < 0)
		return -1;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	lab_leave(saved);
	return fd;
}

/* One connection client -> server:8080 in @lab: 0, or -1. The listener and
 * both ends go into @fds (3 entries, -1 when not opened). */
static int bench_connect(struct lab *lab, int *fds)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(8080) };
	int one = 1;

	inet_pton(AF_INET, "198.18.0.2", &a.sin_addr);
	fds[0] = bench_socket(lab, 1);
	fds[1] = bench_socket(lab, 0);
	fds[2] = -1;
	if (fds[0] < 0 || fds[1] < 0 ||
	    setsockopt(fds[0], SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fds[0], (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fds[0], 4) < 0 ||
	    connect(fds[1], (struct sockaddr *)&a, sizeof(a)) < 0)
		return -1;
	fds[2] = accept4(fds[0], NULL, NULL, SOCK_CLOEXEC);
	return fds[2] < 0 ? -1 : 0;
}

static long bench_mem_available_kb(void)
{
	char line[128];
	long kb = -1;
	FILE *f = fopen("/proc/meminfo", "re");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %ld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

static int bench_open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	while (d && readdir(d))
		n++;
	if (d)
		closedir(d);
	return n;
}

/* BENCH_CONCURRENT pairs up at once, a connection established in each, then
 * all torn down: how long, how much memory (the process's peak RSS and what
 * the kernel took from MemAvailable), and nothing left (open fds as before). */
static int bench_concurrent(void)
{
	static struct lab *labs[BENCH_CONCURRENT];
	static int fds[BENCH_CONCURRENT][3];
	struct tf_err err = { "" };
	int fds_before = bench_open_fds(), up = 0, connected = 0, n;
	long mem_before = bench_mem_available_kb(), mem_peak;
	double t0 = bench_now_ms(), t_up, t_down;
	struct rusage ru;

	for (n = 0; n < BENCH_CONCURRENT; n++) {
		if (bench_pair(&labs[n], &err) < 0) {
			fprintf(stderr, "bench_lab: concurrent pair %d: %s\n", n, err.msg);
			lab_free(labs[n]);
			break;
		}
		up++;
		connected += bench_connect(labs[n], fds[n]) == 0;
	}
	t_up = bench_now_ms();
	mem_peak = bench_mem_available_kb();
	for (int i = 0; i < n; i++) {
		for (int k = 0; k < 3; k++)
			if (fds[i][k] >= 0)
				close(fds[i][k]);
		lab_free(labs[i]);
	}
	t_down = bench_now_ms();
	getrusage(RUSAGE_SELF, &ru);
	printf("%d concurrent pairs: %d up, %d connections established in %.0f ms, torn down in "
	       "%.0f ms; peak RSS %ld KiB, kernel memory ~%ld MiB (MemAvailable drop); open fds "
	       "%d before, %d after\n",
	       BENCH_CONCURRENT, up, connected, t_up - t0, t_down - t_up, ru.ru_maxrss,
	       (mem_before - mem_peak) / 1024, fds_before, bench_open_fds());
	return up == BENCH_CONCURRENT && connected == up && bench_open_fds() == fds_before ? 0 : 1;
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
	/* The observer dumps every lab namespace every 10 ms: what a dump costs
	 * with the host's global TCP hash table and with a namespace's own. */
	double global = bench_dump_ms("0", 200), own = bench_dump_ms("1024", 200);

	if (global > 0 && own > 0)
		printf("sock_diag dump: %.3f ms with the global TCP hash table, %.3f ms with the "
		       "namespace's own (1024): %.1fx faster\n",
		       global, own, global / own);
	return bench_concurrent();
}
