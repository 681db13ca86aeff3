/* bench_observer.c - what observing one idle case costs: the runner's own
 * observer (harness/obs/obs.h) on its polling path (obs_sample() every 10 ms:
 * a sock_diag dump of each host) against its event path (the run's hub,
 * obs_hub.h, routing the kernel's events to the observer, which samples what
 * has no event every 100 ms with exact lookups), in one run.
 *
 * Inside a private namespace (its tcp_child_ehash_entries 1024, as the runner
 * sets it), a pair lab holds one idle established connection (and its
 * listener) for BENCH_OBS_SECONDS (default 5) per path. The loop is the
 * runner's (run/run.c run_timeline()): it wakes every 10 ms for its tick,
 * samples every obs_sample_ms(), and on the event path also wakes when an
 * event comes (the hub routes it, the observer reads it), all in this one
 * process. Cost = the process's CPU time (getrusage: user + system; a dump's
 * kernel work is system time of the caller) over wall time, in % of one core;
 * for the event path the BPF programs' own kernel run time (BPF_ENABLE_STATS,
 * every namespace's traffic they filtered out included) is added.
 * Then the delay from a state change's kernel time to its record in user
 * space, with a consumer thread blocked on the fd, over BENCH_OBS_CONNECTS
 * connections. Exit 4 when not root (SKIP), 0 otherwise.
 */
#include "netns/lab.h"
#include "netns/lab_diag.h"
#include "obs/obs.h"
#include "obs/obs_hub.h"
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

/* An observer of the pair on the path @feed gives (NULL: polling). */
static struct obs *bench_obs(const struct bench_pair *p, struct timeline *tl,
			     const struct obs_feed *feed, struct tf_err *err)
{
	struct obs *o = obs_new(tl);

	if (!o)
		return NULL;
	if ((feed && obs_use_events(o, feed) < 0) ||
	    obs_add_host(o, "client", lab_host_netns_fd(p->lab, p->client), err) < 0 ||
	    obs_add_host(o, "server", lab_host_netns_fd(p->lab, p->server), err) < 0) {
		obs_free(o);
		return NULL;
	}
	return o;
}

/* The runner's loop for @seconds: a 10 ms tick, a sample every
 * obs_sample_ms(), the hub's and the observer's fds. % of a core. */
static double bench_loop(struct obs *o, struct obs_hub *hub, int seconds, struct tf_err *err)
{
	uint64_t t0 = now_ns(), c0 = cpu_ns(), end = t0 + (uint64_t)seconds * 1000000000u;
	uint64_t next_tick = t0, next_obs = t0, now;

	obs_start(o, (int64_t)t0);
	while ((now = now_ns()) < end) {
		struct pollfd pfd[2] = { { .fd = hub ? obs_hub_fd(hub) : -1, .events = POLLIN },
					 { .fd = obs_events_fd(o), .events = POLLIN } };
		uint64_t wake = next_tick < next_obs ? next_tick : next_obs;
		struct timespec ts = { 0, wake > now ? (long)(wake - now) : 0 };

		if (ppoll(pfd, 2, &ts, NULL) > 0) {
			if (pfd[0].revents && obs_hub_route(hub, err) < 0)
				return -1;
			if (pfd[1].revents && obs_read_events(o, err) < 0)
				return -1;
		}
		now = now_ns();
		if (now >= next_obs) {
			if (obs_sample(o, (int64_t)(now - t0) / 1000000, err) < 0)
				return -1;
			next_obs += (uint64_t)obs_sample_ms(o) * 1000000u;
		}
		if (now >= next_tick) {
			if (obs_tick(o, (int64_t)(now - t0) / 1000000, err) < 0)
				return -1;
			next_tick += BENCH_POLL_MS * 1000000u;
		}
	}
	return 100.0 * (double)(cpu_ns() - c0) / (double)(now_ns() - t0);
}

/* The polling path for @seconds: % of a core. */
static double bench_polling(const struct bench_pair *p, int seconds, struct tf_err *err)
{
	struct timeline *tl = timeline_new(NULL, &(int){ 0 });
	struct obs *o = tl ? bench_obs(p, tl, NULL, err) : NULL;
	double pct = o ? bench_loop(o, NULL, seconds, err) : -1;

	if (pct >= 0)
		printf("polling: the observer (sock_diag dumps of 2 hosts every %d ms) for %d s: "
		       "%.2f %% of a core\n",
		       obs_sample_ms(o), seconds, pct);
	obs_free(o);
	timeline_free(tl);
	return pct;
}

/* The event path for @seconds: % of a core, process and BPF programs. */
static double bench_events(const struct bench_pair *p, int seconds, struct tf_err *err)
{
	struct timeline *tl = timeline_new(NULL, &(int){ 0 });
	struct obs_hub *hub = NULL;
	struct obs_feed feed;
	struct obs *o = NULL;
	uint64_t runs0 = 0, ns0 = 0, runs = 0, ns = 0, t0;
	double proc = -1, prog;

	if (!tl || obs_hub_open(1, &hub, err) < 0 || obs_hub_slot_open(hub, 0, &feed, err) < 0)
		goto out;
	o = bench_obs(p, tl, &feed, err);
	/* the hub's own handle: its programs' run time */
	if (!o || tcp_events_measure(feed.te, err) < 0 ||
	    tcp_events_cost(feed.te, &runs0, &ns0, err) < 0)
		goto out;
	t0 = now_ns();
	proc = bench_loop(o, hub, seconds, err);
	prog = (double)(now_ns() - t0);
	if (proc < 0 || tcp_events_cost(feed.te, &runs, &ns, err) < 0)
		goto out;
	prog = 100.0 * (double)(ns - ns0) / prog;
	printf("events: the observer (%llu kernel events, lookups every %d ms) for %d s: process "
	       "%.4f %% of a core, BPF programs %.4f %% (%llu runs machine-wide): %.4f %% of a "
	       "core\n",
	       (unsigned long long)obs_event_count(o), obs_sample_ms(o), seconds, proc, prog,
	       (unsigned long long)(runs - runs0), proc + prog);
	proc += prog;
out:
	obs_free(o);
	obs_hub_close(hub);
	timeline_free(tl);
	return proc;
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
	events = bench_events(&p, seconds, &err);
	if (events < 0)
		printf("events: %s\n", err.msg);
	else if (polling > 0)
		printf("observer cost per idle case: polling %.2f %% vs events %.4f %% of a "
		       "core: %.0fx (issue 14: <= 2 %%)\n",
		       polling, events, events > 0 ? polling / events : 0.0);
	if (tcp_events_open(&te, &err) < 0 ||
	    tcp_events_add_netns(te, lab_host_netns_fd(p.lab, p.client), 0, NULL, &err) < 0 ||
	    tcp_events_add_netns(te, lab_host_netns_fd(p.lab, p.server), 0, NULL, &err) < 0)
		printf("event delay: %s\n", err.msg);
	else
		bench_delay(&p, te, env_int("BENCH_OBS_CONNECTS", BENCH_CONNECTS));
	tcp_events_close(te);
	close(p.cfd);
	close(p.afd);
	close(p.lfd);
	lab_free(p.lab);
	return 0;
}
