/* bench_observer.c - what observing one idle case costs: the polling path
 * (a sock_diag dump of each pair host every 10 ms, as harness/obs/obs.c does)
 * against the kernel event path (harness/obs/tcp_events), in one run.
 *
 * Inside a private namespace (its tcp_child_ehash_entries 1024, as the runner
 * sets it), a pair lab holds one idle established connection for
 * BENCH_OBS_SECONDS (default 5) per path. Cost = the process's CPU time
 * (getrusage: user + system; a dump's kernel work is system time of the
 * caller) over wall time, in % of one core; for the event path the BPF
 * programs' own kernel run time (BPF_ENABLE_STATS, every namespace's traffic
 * they filtered out included) is added. The event loop waits on the ring
 * buffer's fd with a 100 ms timeout (a runner's loop does other work too).
 * Then the delay from a state change's kernel time to its record in user
 * space, with a consumer thread blocked on the fd, over BENCH_OBS_CONNECTS
 * connections. Exit 4 when not root (SKIP), 0 otherwise.
 */
#include "netns/lab.h"
#include "netns/lab_diag.h"
#include "obs/tcp_events.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BENCH_POLL_MS 10
#define BENCH_PORT 8080
#define BENCH_CONNECTS 50

struct bench_pair {
	struct lab *lab;
	int client, server;
	int lfd, cfd, afd; /* the idle connection */
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t cpu_ns(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ((uint64_t)ru.ru_utime.tv_sec + (uint64_t)ru.ru_stime.tv_sec) * 1000000000u +
	       ((uint64_t)ru.ru_utime.tv_usec + (uint64_t)ru.ru_stime.tv_usec) * 1000u;
}

static int env_int(const char *name, int def)
{
	const char *v = getenv(name);

	return v && atoi(v) > 0 ? atoi(v) : def;
}

static int sock_in(const struct lab *lab, int host)
{
	int saved = lab_enter(lab, host), fd;

	if (saved < 0)
		return saved;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	lab_leave(saved);
	return fd;
}

/* A connection client -> server:@port; *@cfd and *@afd, or -1. */
static int connect_pair(const struct bench_pair *p, int lfd, int port, int *cfd, int *afd)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };

	inet_pton(AF_INET, "198.18.0.2", &to.sin_addr);
	*cfd = sock_in(p->lab, p->client);
	if (*cfd < 0 || connect(*cfd, (struct sockaddr *)&to, sizeof(to)) < 0)
		return -1;
	*afd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	return *afd < 0 ? -1 : 0;
}

static int listen_on(const struct bench_pair *p, int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = sock_in(p->lab, p->server), one = 1;

	inet_pton(AF_INET, "198.18.0.2", &sin.sin_addr);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 || listen(fd, 64) < 0)
		return -1;
	return fd;
}

static int pair_build(struct bench_pair *p, struct tf_err *err)
{
	int ret, fd;

	fd = open("/proc/sys/net/ipv4/tcp_child_ehash_entries", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (write(fd, "1024", 4) < 0)
			perror("tcp_child_ehash_entries");
		close(fd);
	}
	p->lab = lab_new();
	if (!p->lab)
		return tf_err_set(err, -ENOMEM, "out of memory");
	if ((p->client = lab_host_add(p->lab, "client", err)) < 0)
		return p->client;
	if ((p->server = lab_host_add(p->lab, "server", err)) < 0)
		return p->server;
	if ((ret = lab_veth_add(p->lab, p->client, "eth0", p->server, "eth0", err)) < 0 ||
	    (ret = lab_addr_add(p->lab, p->client, "eth0", "198.18.0.1/24", err)) < 0 ||
	    (ret = lab_addr_add(p->lab, p->server, "eth0", "198.18.0.2/24", err)) < 0 ||
	    (ret = lab_link_wait_oper_up(p->lab, p->client, "eth0", 5000, err)) < 0 ||
	    (ret = lab_link_wait_oper_up(p->lab, p->server, "eth0", 5000, err)) < 0)
		return ret;
	p->lfd = listen_on(p, BENCH_PORT);
	if (p->lfd < 0 || connect_pair(p, p->lfd, BENCH_PORT, &p->cfd, &p->afd) < 0)
		return tf_err_set(err, -errno, "idle connection: %s", strerror(errno));
	return 0;
}

static int count_sock(const struct lab_sock *s, void *arg)
{
	(void)s;
	(*(int *)arg)++;
	return 0;
}

/* The polling path for @seconds: % of a core. */
static double bench_polling(const struct bench_pair *p, int seconds, struct tf_err *err)
{
	struct lab_diag *d[2] = { NULL, NULL };
	uint64_t t0, c0, next, end;
	int n = 0, dumps = 0;
	double pct = -1;

	if (lab_diag_open(lab_host_netns_fd(p->lab, p->client), &d[0], err) < 0 ||
	    lab_diag_open(lab_host_netns_fd(p->lab, p->server), &d[1], err) < 0)
		goto out;
	t0 = now_ns();
	c0 = cpu_ns();
	end = t0 + (uint64_t)seconds * 1000000000u;
	for (next = t0; next < end; next += BENCH_POLL_MS * 1000000u) {
		struct timespec ts = { (time_t)(next / 1000000000u), (long)(next % 1000000000u) };

		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
		for (int h = 0; h < 2; h++, dumps++)
			if (lab_diag_dump(d[h], count_sock, &n, err) < 0)
				goto out;
	}
	pct = 100.0 * (double)(cpu_ns() - c0) / (double)(now_ns() - t0);
	printf("polling: %d sock_diag dumps of 2 hosts in %d s: %.2f %% of a core\n", dumps,
	       seconds, pct);
out:
	lab_diag_close(d[0]);
	lab_diag_close(d[1]);
	return pct;
}

static int count_event(const struct tcp_event *ev, void *arg)
{
	(void)ev;
	(*(int *)arg)++;
	return 0;
}

/* The event path for @seconds on the open handle @te: % of a core. */
static double bench_events(struct tcp_events *te, int seconds, struct tf_err *err)
{
	struct pollfd pfd = { .fd = tcp_events_fd(te), .events = POLLIN };
	uint64_t t0, c0, end, runs0, ns0, runs, ns;
	double wall, proc, prog;
	int n = 0;

	if (tcp_events_cost(te, &runs0, &ns0, err) < 0)
		return -1;
	t0 = now_ns();
	c0 = cpu_ns();
	end = t0 + (uint64_t)seconds * 1000000000u;
	while (now_ns() < end) {
		if (poll(&pfd, 1, 100) > 0 && tcp_events_consume(te, count_event, &n, err) < 0)
			return -1;
	}
	wall = (double)(now_ns() - t0);
	proc = 100.0 * (double)(cpu_ns() - c0) / wall;
	if (tcp_events_cost(te, &runs, &ns, err) < 0)
		return -1;
	prog = 100.0 * (double)(ns - ns0) / wall;
	printf("events: %d events in %d s; process %.4f %% of a core, BPF programs %.4f %% "
	       "(%llu runs machine-wide, %.0f ns each): %.4f %% of a core\n",
	       n, seconds, proc, prog, (unsigned long long)(runs - runs0),
	       runs > runs0 ? (double)(ns - ns0) / (double)(runs - runs0) : 0.0, proc + prog);
	return proc + prog;
}

struct delay_log {
	struct tcp_events *te;
	volatile int stop;
	double us[BENCH_CONNECTS * 8];
	int n;
};

static int record_delay(const struct tcp_event *ev, void *arg)
{
	struct delay_log *log = arg;
	uint64_t now = now_ns();

	if (ev->type == TCP_EVENT_STATE && log->n < (int)(sizeof(log->us) / sizeof(log->us[0])))
		log->us[log->n++] = (double)(now - ev->t_ns) / 1e3;
	return 0;
}

static void *consumer(void *arg)
{
	struct delay_log *log = arg;
	struct pollfd pfd = { .fd = tcp_events_fd(log->te), .events = POLLIN };

	while (!log->stop)
		if (poll(&pfd, 1, 50) > 0)
			tcp_events_consume(log->te, record_delay, log, NULL);
	tcp_events_consume(log->te, record_delay, log, NULL);
	return NULL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Kernel event -> record delay over @connects connections. */
static void bench_delay(struct bench_pair *p, struct tcp_events *te, int connects)
{
	static struct delay_log log;
	int lfd = listen_on(p, BENCH_PORT + 1), cfd, afd;
	pthread_t th;

	log.te = te;
	if (lfd < 0 || pthread_create(&th, NULL, consumer, &log) != 0)
		return;
	for (int i = 0; i < connects; i++) {
		struct timespec ms5 = { 0, 5 * 1000 * 1000 };

		if (connect_pair(p, lfd, BENCH_PORT + 1, &cfd, &afd) == 0) {
			close(cfd);
			close(afd);
		}
		nanosleep(&ms5, NULL);
	}
	usleep(200000);
	log.stop = 1;
	pthread_join(th, NULL);
	close(lfd);
	if (log.n == 0)
		return;
	qsort(log.us, (size_t)log.n, sizeof(log.us[0]), cmp_double);
	printf("event delay (kernel state change -> record): median %.1f us, p95 %.1f us, "
	       "max %.1f us (%d state changes)\n",
	       log.us[log.n / 2], log.us[(log.n * 95 + 99) / 100 - 1], log.us[log.n - 1], log.n);
}

int main(void)
{
	int seconds = env_int("BENCH_OBS_SECONDS", 5);
	struct bench_pair p = { .lfd = -1, .cfd = -1, .afd = -1 };
	struct tf_err err = { "" };
	struct tcp_events *te = NULL;
	double polling, events;

	if (geteuid() != 0) {
		printf("SKIP: needs root\n");
		return 4;
	}
	if (lab_ns_enter_private(&err) < 0 || pair_build(&p, &err) < 0) {
		fprintf(stderr, "bench_observer: %s\n", err.msg);
		return 1;
	}
	polling = bench_polling(&p, seconds, &err);
	if (polling < 0)
		fprintf(stderr, "bench_observer: polling: %s\n", err.msg);
	if (tcp_events_open(&te, &err) < 0 ||
	    tcp_events_add_netns(te, lab_host_netns_fd(p.lab, p.client), 0, NULL, &err) < 0 ||
	    tcp_events_add_netns(te, lab_host_netns_fd(p.lab, p.server), 0, NULL, &err) < 0 ||
	    tcp_events_measure(te, &err) < 0) {
		printf("events: %s\n", err.msg);
	} else {
		events = bench_events(te, seconds, &err);
		if (events < 0)
			fprintf(stderr, "bench_observer: events: %s\n", err.msg);
		else if (polling > 0)
			printf("observer cost per idle case: polling %.2f %% vs events %.4f %% of a "
			       "core: %.0fx\n",
			       polling, events, events > 0 ? polling / events : 0.0);
		bench_delay(&p, te, env_int("BENCH_OBS_CONNECTS", BENCH_CONNECTS));
	}
	tcp_events_close(te);
	close(p.cfd);
	close(p.afd);
	close(p.lfd);
	lab_free(p.lab);
	return 0;
}
