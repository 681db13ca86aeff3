/* test_peer.c - the peer process against real sockets on loopback.
 *
 * Needs root: unshares a network namespace first (the host's is never
 * touched), brings lo up, and runs server and client peers in it over
 * 127.0.0.1. Checks the JSON lines against KERNEL-FACTS.md "kill -9":
 * FIN then RST gives EOF then EPIPE; unread data gives RST, ECONNRESET, EPIPE.
 */
#include "peer/peer.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <jansson.h>

#define TP_TIMEOUT_MS 3000

struct tp_peer {
	struct peer_proc p;
	bool reaped;
	bool eof; /* the event pipe reached EOF */
	struct tp_peer *also; /* drained while waiting for this one */
	uint32_t next_id;
	json_t *lines; /* every line seen, in order */
	size_t seen; /* lines already returned by tp_next() */
	long long last_t_ns;
	char buf[1 << 16];
	size_t len;
};

static int64_t tp_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void tp_spawn(struct tp_peer *tp, const char *name, const struct peer_opt *opts, int n)
{
	struct peer_conf conf = { .name = name, .opts = opts, .n_opts = n };
	struct tf_err err = { .msg = "" };
	int ret;

	memset(tp, 0, sizeof(*tp));
	tp->lines = json_array();
	tp->next_id = 1;
	conf.netns_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(conf.netns_fd, 0);
	ret = peer_spawn(&conf, &tp->p, &err);
	close(conf.netns_fd);
	ck_assert_msg(ret == 0, "peer_spawn: %d %s", ret, err.msg);
}

/* Every line carries the common fields, and t_ns never goes back. */
static void tp_check_line(struct tp_peer *tp, const json_t *o, const char *text)
{
	json_t *t = json_object_get(o, "t_ns"), *e = json_object_get(o, "errno");

	ck_assert_msg(json_is_integer(t), "no t_ns: %s", text);
	ck_assert_msg(json_is_string(json_object_get(o, "peer")), "no peer: %s", text);
	ck_assert_msg(json_is_string(json_object_get(o, "call")), "no call: %s", text);
	ck_assert_msg(json_is_integer(json_object_get(o, "ret")), "no ret: %s", text);
	ck_assert_msg(json_is_null(e) || json_is_string(e), "bad errno: %s", text);
	ck_assert_msg(json_integer_value(t) >= tp->last_t_ns, "t_ns goes back: %s", text);
	tp->last_t_ns = json_integer_value(t);
}

/* Parse the complete lines in the buffer into tp->lines. */
static void tp_split(struct tp_peer *tp)
{
	char *nl;

	while ((nl = memchr(tp->buf, '\n', tp->len))) {
		size_t n = (size_t)(nl - tp->buf) + 1;
		json_error_t jerr;
		json_t *o;

		*nl = '\0';
		o = json_loads(tp->buf, 0, &jerr);
		ck_assert_msg(o != NULL, "bad JSON line: %s (%s)", tp->buf, jerr.text);
		tp_check_line(tp, o, tp->buf);
		json_array_append_new(tp->lines, o);
		memmove(tp->buf, tp->buf + n, tp->len - n);
		tp->len -= n;
	}
}

/* Read what the peer wrote; false on EOF (the peer is gone) or error. */
static bool tp_read(struct tp_peer *tp)
{
	ssize_t n = read(tp->p.event_fd, tp->buf + tp->len, sizeof(tp->buf) - tp->len);

	if (n <= 0) {
		tp->eof = n == 0 || errno != EAGAIN;
		return false;
	}
	tp->len += (size_t)n;
	tp_split(tp);
	return true;
}

/* The next line from the peer, or NULL after @timeout_ms (or on EOF). Lines
 * of tp->also are collected meanwhile: a peer blocks when its pipe is full. */
static json_t *tp_next(struct tp_peer *tp, int timeout_ms)
{
	int64_t end = tp_now_ms() + timeout_ms;

	while (tp->seen >= json_array_size(tp->lines)) {
		struct pollfd pfd[2] = { { .fd = tp->p.event_fd, .events = POLLIN },
					 { .fd = -1, .events = POLLIN } };
		int64_t left = end - tp_now_ms();

		if (tp->also && !tp->also->eof)
			pfd[1].fd = tp->also->p.event_fd;
		if (tp->eof || left <= 0 || poll(pfd, 2, (int)left) <= 0)
			return NULL;
		if (pfd[1].revents)
			tp_read(tp->also);
		if (pfd[0].revents && !tp_read(tp) && tp->eof)
			return NULL;
	}
	return json_array_get(tp->lines, tp->seen++);
}

static const char *tp_call(const json_t *o)
{
	return json_string_value(json_object_get(o, "call"));
}

static long long tp_int(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

/* "ECONNRESET", or "" for null. */
static const char *tp_errno(const json_t *o)
{
	const char *s = json_string_value(json_object_get(o, "errno"));

	return s ? s : "";
}

/* Before failing: what the peer said, for the test log. */
static void tp_dump(const struct tp_peer *tp)
{
	size_t i;
	json_t *o;

	json_array_foreach(tp->lines, i, o) {
		char *s = json_dumps(o, JSON_COMPACT);

		fprintf(stderr, "# peer %d: %s\n", (int)tp->p.pid, s ? s : "?");
		free(s);
	}
}

/* Skip lines up to the next one whose call is @call; fail on timeout. */
static json_t *tp_wait(struct tp_peer *tp, const char *call)
{
	json_t *o;

	while ((o = tp_next(tp, TP_TIMEOUT_MS)))
		if (strcmp(tp_call(o), call) == 0)
			return o;
	tp_dump(tp);
	ck_abort_msg("peer %d: no \"%s\" line", (int)tp->p.pid, call);
	return NULL;
}

/* Wait for command @id's "done"; the lines before it stay readable with tp_find(). */
static void tp_wait_done(struct tp_peer *tp, uint32_t id)
{
	json_t *o;

	while ((o = tp_next(tp, TP_TIMEOUT_MS)))
		if (strcmp(tp_call(o), "done") == 0 && tp_int(o, "cmd") == id)
			return;
	tp_dump(tp);
	ck_abort_msg("peer %d: no done for command %u", (int)tp->p.pid, id);
}

/* The first line seen so far with @call (and, if @key, @key == @value); NULL if none. */
static json_t *tp_lookup(const struct tp_peer *tp, const char *call, const char *key,
			 const char *value)
{
	size_t i;
	json_t *o;

	json_array_foreach(tp->lines, i, o) {
		if (strcmp(tp_call(o), call))
			continue;
		if (!key || !strcmp(json_string_value(json_object_get(o, key)) ?: "", value))
			return o;
	}
	return NULL;
}

static json_t *tp_find(const struct tp_peer *tp, const char *call, const char *key,
		       const char *value)
{
	json_t *o = tp_lookup(tp, call, key, value);

	ck_assert_msg(o != NULL, "no \"%s\" line with %s=%s", call, key ? key : "-",
		      value ? value : "-");
	return o;
}

/* The last line seen so far with @call. */
static json_t *tp_last(const struct tp_peer *tp, const char *call)
{
	for (size_t i = json_array_size(tp->lines); i > 0; i--) {
		json_t *o = json_array_get(tp->lines, i - 1);

		if (!strcmp(tp_call(o), call))
			return o;
	}
	ck_abort_msg("no \"%s\" line", call);
	return NULL;
}

static uint32_t tp_cmd(struct tp_peer *tp, struct peer_cmd *cmd)
{
	int ret;

	cmd->id = tp->next_id++;
	ret = peer_send_cmd(&tp->p, cmd);
	ck_assert_msg(ret == 0, "peer_send_cmd: %s", strerror(-ret));
	return cmd->id;
}

static uint32_t tp_simple(struct tp_peer *tp, enum peer_cmd_kind kind)
{
	struct peer_cmd cmd = { .kind = kind };

	return tp_cmd(tp, &cmd);
}

static uint32_t tp_listen(struct tp_peer *tp, uint16_t port)
{
	struct peer_cmd cmd = { .kind = PEER_CMD_LISTEN, .port = port };

	return tp_cmd(tp, &cmd);
}

static uint32_t tp_connect(struct tp_peer *tp, uint16_t port)
{
	struct peer_cmd cmd = { .kind = PEER_CMD_CONNECT };
	struct sockaddr_in *sin = (struct sockaddr_in *)&cmd.addr;

	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return tp_cmd(tp, &cmd);
}

static uint32_t tp_send(struct tp_peer *tp, int64_t bytes, int64_t every_ms)
{
	struct peer_cmd cmd = { .kind = PEER_CMD_SEND, .bytes = bytes, .every_ms = every_ms };

	return tp_cmd(tp, &cmd);
}

static void tp_kill(struct tp_peer *tp)
{
	int status;

	ck_assert_int_eq(kill(tp->p.pid, SIGKILL), 0);
	ck_assert_int_eq(waitpid(tp->p.pid, &status, 0), tp->p.pid);
	tp->reaped = true;
}

/* Close the command socket: the peer must exit 0 on its own. */
static void tp_finish(struct tp_peer *tp)
{
	int64_t end = tp_now_ms() + TP_TIMEOUT_MS;
	int status = 0;
	pid_t r = 0;

	if (getenv("TP_DUMP")) /* TP_DUMP=1: print every line, for reading the format */
		tp_dump(tp);
	close(tp->p.cmd_fd);
	while (!tp->reaped && (r = waitpid(tp->p.pid, &status, WNOHANG)) == 0 && tp_now_ms() < end)
		usleep(10000);
	close(tp->p.event_fd);
	json_decref(tp->lines);
	if (tp->reaped)
		return;
	if (r == 0) {
		kill(tp->p.pid, SIGKILL);
		waitpid(tp->p.pid, &status, 0);
		ck_abort_msg("peer %d did not exit after EOF on its commands", (int)tp->p.pid);
	}
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "peer status %#x", status);
}

/* Server listens on @port, client connects; both "done", server accepted. */
static void tp_pair(struct tp_peer *srv, struct tp_peer *cli, uint16_t port)
{
	char remote[32];
	json_t *o;

	srv->also = cli;
	cli->also = srv;
	tp_wait_done(srv, tp_listen(srv, port));
	ck_assert_int_eq(tp_int(tp_find(srv, "listen", NULL, NULL), "ret"), 0);
	tp_wait_done(cli, tp_connect(cli, port));
	o = tp_find(cli, "connect", NULL, NULL);
	ck_assert_int_eq(tp_int(o, "ret"), 0);
	ck_assert(json_is_null(json_object_get(o, "errno")));
	snprintf(remote, sizeof(remote), "127.0.0.1:%u", port);
	ck_assert_str_eq(json_string_value(json_object_get(o, "remote")), remote);
	o = tp_wait(srv, "accept");
	ck_assert_int_gt(tp_int(o, "ret"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(o, "local")), remote);
}

START_TEST(test_kill_fin_then_epipe)
{
	struct tp_peer srv, cli;
	long long sum = 0;
	const json_t *o;
	int epipe_at = 0;

	tp_spawn(&srv, "server", NULL, 0);
	tp_spawn(&cli, "client", NULL, 0);
	tp_pair(&srv, &cli, 40001);

	tp_wait_done(&cli, tp_send(&cli, 1000, 0));
	o = tp_find(&cli, "send", NULL, NULL);
	ck_assert_int_eq(tp_int(o, "ret"), 1000);
	while (sum < 1000) {
		o = tp_wait(&srv, "recv");
		ck_assert_int_gt(tp_int(o, "ret"), 0);
		sum += tp_int(o, "ret");
		ck_assert_int_eq(tp_int(o, "total"), sum);
	}
	ck_assert_int_eq(sum, 1000);

	/* All data read: kill -9 closes with FIN; the client reads EOF. */
	tp_kill(&srv);
	o = tp_wait(&cli, "recv");
	ck_assert_int_eq(tp_int(o, "ret"), 0);
	ck_assert_str_eq(tp_errno(o), "");

	/* Send #1 is accepted and answered with RST; a later one gets EPIPE. */
	for (int i = 1; i <= 4 && !epipe_at; i++) {
		tp_wait_done(&cli, tp_send(&cli, 10, 0));
		o = tp_last(&cli, "send");
		if (i == 1)
			ck_assert_int_eq(tp_int(o, "ret"), 10);
		else if (!strcmp(tp_errno(o), "EPIPE"))
			epipe_at = i;
	}
	ck_assert_msg(epipe_at >= 2, "no send() got EPIPE");
	ck_assert_ptr_null(tp_lookup(&cli, "send", "errno", "ECONNRESET"));
	tp_finish(&cli);
	tp_finish(&srv);
}
END_TEST

START_TEST(test_sockopt_read_back)
{
	static const struct peer_opt opts[] = {
		{ .kind = CASE_SO_KEEPALIVE, .value = 1 },
		{ .kind = CASE_TCP_KEEPIDLE, .value = 2 },
	};
	struct tp_peer srv, cli;
	const json_t *o;

	tp_spawn(&srv, "server", NULL, 0);
	tp_spawn(&cli, "client", opts, 2);
	tp_pair(&srv, &cli, 40002);
	o = tp_find(&cli, "setsockopt", "opt", "SO_KEEPALIVE");
	ck_assert_int_eq(tp_int(o, "ret"), 0);
	ck_assert_int_eq(tp_int(o, "value"), 1);
	ck_assert_int_eq(tp_int(o, "read_back"), 1);
	ck_assert_str_eq(tp_errno(o), "");
	o = tp_find(&cli, "setsockopt", "opt", "TCP_KEEPIDLE");
	ck_assert_int_eq(tp_int(o, "ret"), 0);
	ck_assert_int_eq(tp_int(o, "value"), 2);
	ck_assert_int_eq(tp_int(o, "read_back"), 2);
	ck_assert_str_eq(tp_errno(o), "");
	ck_assert_str_eq(json_string_value(json_object_get(o, "peer")), "client");
	tp_finish(&cli);
	tp_finish(&srv);
}
END_TEST

START_TEST(test_connect_refused)
{
	static const struct peer_opt opts[] = { { .kind = CASE_TCP_SYNCNT, .value = 1 } };
	struct tp_peer cli;
	const json_t *o;

	tp_spawn(&cli, "client", opts, 1);
	tp_wait_done(&cli, tp_connect(&cli, 40999));
	o = tp_find(&cli, "setsockopt", "opt", "TCP_SYNCNT");
	ck_assert_int_eq(tp_int(o, "ret"), 0);
	ck_assert_int_eq(tp_int(o, "read_back"), 1);
	o = tp_find(&cli, "connect", NULL, NULL);
	ck_assert_int_eq(tp_int(o, "ret"), -1);
	ck_assert_str_eq(tp_errno(o), "ECONNREFUSED");
	ck_assert_str_eq(json_string_value(json_object_get(o, "remote")), "127.0.0.1:40999");
	tp_finish(&cli);
}
END_TEST

START_TEST(test_no_connection)
{
	struct tp_peer cli;
	const json_t *o;

	tp_spawn(&cli, "client", NULL, 0);
	tp_wait_done(&cli, tp_send(&cli, 10, 0));
	o = tp_find(&cli, "send", NULL, NULL);
	ck_assert_int_eq(tp_int(o, "ret"), -1);
	ck_assert_str_eq(tp_errno(o), "ENOTCONN");
	ck_assert_str_eq(json_string_value(json_object_get(o, "detail")), "no connection");
	tp_wait_done(&cli, tp_simple(&cli, PEER_CMD_CLOSE));
	ck_assert_str_eq(tp_errno(tp_find(&cli, "close", NULL, NULL)), "ENOTCONN");
	tp_finish(&cli); /* exits 0 on EOF of its command socket */
}
END_TEST

/* Unread data: kill -9 sends RST. The reading client gets ECONNRESET, then a
 * periodic send gets EPIPE three times and stops. */
START_TEST(test_kill_rst_then_periodic_epipe)
{
	struct tp_peer srv, cli;
	const json_t *o;
	int errors = 0;

	tp_spawn(&srv, "server", NULL, 0);
	tp_spawn(&cli, "client", NULL, 0);
	tp_wait_done(&srv, tp_simple(&srv, PEER_CMD_STOP_READING));
	tp_pair(&srv, &cli, 40003);
	tp_wait_done(&cli, tp_send(&cli, 1000, 0));
	ck_assert_int_eq(tp_int(tp_find(&cli, "send", NULL, NULL), "ret"), 1000);
	usleep(100000); /* let loopback deliver into the server's receive queue */

	tp_kill(&srv);
	o = tp_wait(&cli, "recv");
	ck_assert_int_eq(tp_int(o, "ret"), -1);
	ck_assert_str_eq(tp_errno(o), "ECONNRESET");
	ck_assert_int_eq(tp_int(o, "total"), 0);

	tp_wait_done(&cli, tp_send(&cli, 10, 20));
	o = tp_last(&cli, "send"); /* the command's first send() came before its done */
	for (;;) {
		ck_assert_int_eq(tp_int(o, "ret"), -1);
		ck_assert_str_eq(tp_errno(o), "EPIPE");
		if (++errors == 3)
			break;
		o = tp_wait(&cli, "send");
	}
	o = tp_wait(&cli, "send-stopped");
	ck_assert_str_eq(json_string_value(json_object_get(o, "reason")), "3 errors in a row");
	/* No fourth send: nothing but silence for three periods. */
	ck_assert_ptr_null(tp_next(&cli, 100));
	tp_finish(&cli);
	tp_finish(&srv);
}
END_TEST

/* A reader that stops makes the sender queue (ret < bytes, "queued" > 0);
 * READ drains it, every byte arrives, and SHUTDOWN gives the reader EOF. */
START_TEST(test_backpressure_then_shutdown)
{
	const long long total = 32LL << 20; /* more than rmem + wmem can hold */
	struct tp_peer srv, cli;
	long long got = 0, sent = 0;
	json_t *o;
	size_t i;

	tp_spawn(&srv, "server", NULL, 0);
	tp_spawn(&cli, "client", NULL, 0);
	tp_wait_done(&srv, tp_simple(&srv, PEER_CMD_STOP_READING));
	tp_pair(&srv, &cli, 40004);
	tp_wait_done(&cli, tp_send(&cli, total, 0));
	ck_assert_int_gt(tp_int(tp_last(&cli, "send"), "queued"), 0);
	ck_assert_ptr_null(tp_lookup(&srv, "recv", NULL, NULL));

	tp_wait_done(&srv, tp_simple(&srv, PEER_CMD_READ));
	while (got < total) {
		o = tp_wait(&srv, "recv");
		ck_assert_int_gt(tp_int(o, "ret"), 0);
		got += tp_int(o, "ret");
		ck_assert_int_eq(tp_int(o, "total"), got);
	}
	ck_assert_int_eq(got, total);
	for (o = tp_last(&cli, "send"); tp_int(o, "queued") > 0;)
		o = tp_wait(&cli, "send");
	json_array_foreach(cli.lines, i, o) {
		if (strcmp(tp_call(o), "send"))
			continue;
		if (tp_int(o, "ret") < 0) /* where a blocking send() would block */
			ck_assert_str_eq(tp_errno(o), "EAGAIN");
		else
			sent += tp_int(o, "ret");
	}
	ck_assert_int_eq(sent, total);

	tp_wait_done(&cli, tp_simple(&cli, PEER_CMD_SHUTDOWN));
	o = tp_find(&cli, "shutdown", NULL, NULL);
	ck_assert_int_eq(tp_int(o, "ret"), 0);
	o = tp_wait(&srv, "recv");
	ck_assert_int_eq(tp_int(o, "ret"), 0);
	ck_assert_int_eq(tp_int(o, "total"), total);
	tp_finish(&cli);
	tp_finish(&srv);
}
END_TEST

/* Periodic send keeps its rhythm until CLOSE; the server reads it all and
 * then EOF; a later connection is accepted and closed as "extra". */
START_TEST(test_periodic_until_close)
{
	struct tp_peer srv, cli, cli2;
	long long got = 0, n_sends = 0, first_t = -1, last_t = 0;
	json_t *o;
	size_t i;

	tp_spawn(&srv, "server", NULL, 0);
	tp_spawn(&cli, "client", NULL, 0);
	tp_pair(&srv, &cli, 40005);
	tp_wait_done(&cli, tp_send(&cli, 100, 20));
	usleep(210000);
	tp_wait_done(&cli, tp_simple(&cli, PEER_CMD_CLOSE));
	ck_assert_int_eq(tp_int(tp_find(&cli, "close", NULL, NULL), "ret"), 0);
	json_array_foreach(cli.lines, i, o) {
		if (strcmp(tp_call(o), "send"))
			continue;
		ck_assert_int_eq(tp_int(o, "ret"), 100);
		n_sends++;
		last_t = tp_int(o, "t_ns");
		if (first_t < 0)
			first_t = last_t;
	}
	/* 0, 20, ..., 200 ms: 11 sends, give or take scheduling at the edges. */
	ck_assert_int_ge(n_sends, 9);
	ck_assert_int_le(n_sends, 12);
	/* The rhythm is anchored at the command; t_ns is taken after each send(). */
	ck_assert_int_ge(last_t - first_t, (n_sends - 1) * 20000000LL - 5000000);
	ck_assert_ptr_null(tp_next(&cli, 100)); /* stopped by CLOSE */
	for (;;) {
		o = tp_wait(&srv, "recv");
		if (tp_int(o, "ret") == 0)
			break;
		got += tp_int(o, "ret");
	}
	ck_assert_int_eq(got, n_sends * 100);

	tp_spawn(&cli2, "client2", NULL, 0);
	srv.also = &cli2;
	tp_wait_done(&cli2, tp_connect(&cli2, 40005));
	o = tp_wait(&srv, "accept");
	ck_assert(json_is_true(json_object_get(o, "extra")));
	o = tp_wait(&srv, "close");
	ck_assert_int_eq(tp_int(o, "ret"), 0);
	tp_finish(&cli2);
	tp_finish(&cli);
	tp_finish(&srv);
}
END_TEST

static int tp_lo_up(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), ret = -1;

	if (fd < 0)
		return -errno;
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		ret = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	ret = ret ? -errno : 0;
	close(fd);
	return ret;
}

int main(void)
{
	Suite *s = suite_create("peer");
	TCase *tc = tcase_create("loopback");
	SRunner *sr;
	int failed, ret;

	if (geteuid() != 0) {
		printf("SKIP: needs root\n");
		return 0;
	}
	/* Own namespace first: the tests must never touch the host's. */
	if (unshare(CLONE_NEWNET) < 0) {
		printf("SKIP: unshare(CLONE_NEWNET): %s\n", strerror(errno));
		return 0;
	}
	/* A failing test exits without reaping its peers; PDEATHSIG kills them
	 * and, as subreaper, this process collects them at the end. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	ret = tp_lo_up();
	if (ret) {
		fprintf(stderr, "bringing lo up: %s\n", strerror(-ret));
		return 1;
	}
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_kill_fin_then_epipe);
	tcase_add_test(tc, test_sockopt_read_back);
	tcase_add_test(tc, test_connect_refused);
	tcase_add_test(tc, test_no_connection);
	tcase_add_test(tc, test_kill_rst_then_periodic_epipe);
	tcase_add_test(tc, test_backpressure_then_shutdown);
	tcase_add_test(tc, test_periodic_until_close);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	return failed ? 1 : 0;
}
