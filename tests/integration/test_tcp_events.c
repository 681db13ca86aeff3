/* test_tcp_events.c - integration test of harness/obs/tcp_events: the BPF
 * event source on real namespaces. Needs root; the program first moves into
 * a private namespace, so the host's is never touched (the BPF programs see
 * every namespace of the machine, but report only the registered ones).
 *
 *   [client] eth0 198.18.0.1/24 ==veth== eth0 198.18.0.2/24 [server]
 *   [other]  lo only: traffic there must never be reported
 *
 * Prints "# " lines with the measured delays (kernel event -> the syscall's
 * return in user space, kernel event -> consumed through the epoll fd).
 */
#include "netns/lab.h"
#include "lab_check.h"
#include "netns/lab_fw.h"
#include "obs/tcp_events.h"

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CLIENT_ADDR "198.18.0.1"
#define SERVER_ADDR "198.18.0.2"
#define PORT 8080
#define CLOSED_PORT 9
#define EVENTS_MAX 256

struct seen {
	struct tcp_event ev[EVENTS_MAX];
	uint64_t consumed_ns[EVENTS_MAX]; /* CLOCK_MONOTONIC when the callback ran */
	int n;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int collect(const struct tcp_event *ev, void *arg)
{
	struct seen *s = arg;

	if (s->n >= EVENTS_MAX)
		return -ENOSPC;
	s->consumed_ns[s->n] = now_ns();
	s->ev[s->n++] = *ev;
	return 0;
}

/* Poll and consume until nothing new arrives for @quiet_ms. */
static void drain(struct tcp_events *te, struct seen *s, int quiet_ms)
{
	struct pollfd p = { .fd = tcp_events_fd(te), .events = POLLIN };
	struct tf_err err = { "" };

	ck_assert_int_ge(p.fd, 0);
	while (poll(&p, 1, quiet_ms) > 0)
		ck_assert_msg(tcp_events_consume(te, collect, s, &err) >= 0, "%s", err.msg);
	ck_assert_msg(tcp_events_consume(te, collect, s, &err) >= 0, "%s", err.msg);
}

static void dump_seen(const struct seen *s)
{
	char line[256];

	for (int i = 0; i < s->n; i++) {
		tcp_event_format(&s->ev[i], line, sizeof(line));
		printf("#   %s\n", line);
	}
	fflush(stdout);
}

static struct lab *pair_new(int *client, int *server, int *other)
{
	struct tf_err err = { "" };
	struct lab *lab = lab_new();

	ck_assert_ptr_nonnull(lab);
	*client = lab_host_add(lab, "client", &err);
	*server = lab_host_add(lab, "server", &err);
	*other = lab_host_add(lab, "other", &err);
	ck_assert_msg(*client >= 0 && *server >= 0 && *other >= 0, "%s", err.msg);
	ck_assert_msg(lab_veth_add(lab, *client, "eth0", *server, "eth0", &err) == 0, "%s",
		      err.msg);
	ck_assert_msg(lab_addr_add(lab, *client, "eth0", CLIENT_ADDR "/24", &err) == 0, "%s",
		      err.msg);
	ck_assert_msg(lab_addr_add(lab, *server, "eth0", SERVER_ADDR "/24", &err) == 0, "%s",
		      err.msg);
	ck_assert_msg(lab_link_wait_oper_up(lab, *client, "eth0", 2000, &err) == 0, "%s", err.msg);
	ck_assert_msg(lab_link_wait_oper_up(lab, *server, "eth0", 2000, &err) == 0, "%s", err.msg);
	return lab;
}

/* The event source with both pair hosts registered; their ids in *@cid, *@sid. */
static struct tcp_events *events_for(const struct lab *lab, int client, int server, uint32_t *cid,
				     uint32_t *sid)
{
	struct tf_err err = { "" };
	struct tcp_events *te;

	ck_assert_msg(tcp_events_open(&te, &err) == 0, "%s", err.msg);
	ck_assert_msg(tcp_events_add_netns(te, lab_host_netns_fd(lab, client), 0, cid, &err) == 0,
		      "%s", err.msg);
	ck_assert_msg(tcp_events_add_netns(te, lab_host_netns_fd(lab, server), 0, sid, &err) == 0,
		      "%s", err.msg);
	return te;
}

static int tcp_socket_in(const struct lab *lab, int host)
{
	int saved = lab_enter(lab, host), fd;

	ck_assert_int_ge(saved, 0);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	lab_leave(saved);
	return fd;
}

static struct sockaddr_in sin_of(const char *addr, uint16_t port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };

	ck_assert_int_eq(inet_pton(AF_INET, addr, &sin.sin_addr), 1);
	return sin;
}

static int listen_in(const struct lab *lab, int host, const char *addr, uint16_t port)
{
	struct sockaddr_in sin = sin_of(addr, port);
	int fd = tcp_socket_in(lab, host), one = 1;

	ck_assert_int_eq(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)), 0);
	ck_assert_msg(bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0, "bind: %s",
		      strerror(errno));
	ck_assert_int_eq(listen(fd, 8), 0);
	return fd;
}

/* connect() from a socket made in @host; its result (0 or errno) in *@error,
 * the local port in *@lport, CLOCK_MONOTONIC right after the call in *@t_after. */
static int connect_in(const struct lab *lab, int host, const char *addr, uint16_t port, int *error,
		      uint16_t *lport, uint64_t *t_after)
{
	struct sockaddr_in to = sin_of(addr, port), me;
	socklen_t len = sizeof(me);
	int fd = tcp_socket_in(lab, host), ret;

	ret = connect(fd, (struct sockaddr *)&to, sizeof(to));
	*t_after = now_ns();
	*error = ret == 0 ? 0 : errno;
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&me, &len), 0);
	*lport = ntohs(me.sin_port);
	return fd;
}

/* The first event of @type in @netns on local port @lport (0: any) with
 * state @state (-1: any) and old state @old (-1: any); NULL if none. */
static const struct tcp_event *find(const struct seen *s, int type, uint32_t netns, uint16_t lport,
				    int old, int state, int *index)
{
	for (int i = 0; i < s->n; i++) {
		const struct tcp_event *e = &s->ev[i];

		if (e->type == type && e->netns == netns && (!lport || e->local_port == lport) &&
		    (old < 0 || e->old_state == old) && (state < 0 || e->state == state)) {
			if (index)
				*index = i;
			return e;
		}
	}
	return NULL;
}

static int addr_is(const uint8_t *a, const char *text)
{
	struct in_addr in;

	ck_assert_int_eq(inet_pton(AF_INET, text, &in), 1);
	return !memcmp(a, &in, 4);
}

/* Every event is from a registered namespace, and per socket in time order. */
static void check_namespaces_and_order(const struct seen *s, uint32_t cid, uint32_t sid)
{
	for (int i = 0; i < s->n; i++) {
		ck_assert_msg(s->ev[i].netns == cid || s->ev[i].netns == sid,
			      "event from namespace %u (not registered)", s->ev[i].netns);
		for (int j = 0; j < i; j++)
			if (s->ev[j].cookie == s->ev[i].cookie && s->ev[i].cookie)
				ck_assert_uint_le(s->ev[j].t_ns, s->ev[i].t_ns);
	}
}

/* Traffic in the "other" namespace (not registered): loopback connect + close. */
static void other_traffic(const struct lab *lab, int other)
{
	int lfd = listen_in(lab, other, "127.0.0.1", PORT), cfd, afd, error;
	uint64_t t;
	uint16_t lport;

	cfd = connect_in(lab, other, "127.0.0.1", PORT, &error, &lport, &t);
	ck_assert_int_eq(error, 0);
	afd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	ck_assert_int_ge(afd, 0);
	close(cfd);
	close(afd);
	close(lfd);
}

static void check_client_states(const struct seen *s, uint32_t cid, uint16_t cport,
				uint64_t t_before, uint64_t t_connected)
{
	const struct tcp_event *syn, *est;
	int i_est;

	/* The local port is chosen after CLOSE -> SYN_SENT (port 0 there). */
	syn = find(s, TCP_EVENT_STATE, cid, 0, TCP_CLOSE, TCP_SYN_SENT, NULL);
	est = find(s, TCP_EVENT_STATE, cid, cport, TCP_SYN_SENT, TCP_ESTABLISHED, &i_est);
	ck_assert_msg(syn && est, "no SYN_SENT -> ESTABLISHED of the client");
	ck_assert_int_eq(est->family, AF_INET);
	ck_assert(addr_is(est->local, CLIENT_ADDR) && addr_is(est->remote, SERVER_ADDR));
	ck_assert_uint_eq(est->remote_port, PORT);
	ck_assert_uint_eq(syn->cookie, est->cookie);
	ck_assert_uint_ne(est->cookie, 0);
	ck_assert_uint_le(t_before, syn->t_ns);
	ck_assert_uint_le(syn->t_ns, est->t_ns);
	ck_assert_uint_le(est->t_ns, t_connected);
	printf("# connect: ESTABLISHED event %.1f us before connect() returned; consumed "
	       "%.1f us after the event\n",
	       (double)(t_connected - est->t_ns) / 1e3,
	       (double)(s->consumed_ns[i_est] - est->t_ns) / 1e3);
	/* Active close: FIN_WAIT1 -> FIN_WAIT2, then the socket leaves for TIME_WAIT. */
	ck_assert_ptr_nonnull(
		find(s, TCP_EVENT_STATE, cid, cport, TCP_ESTABLISHED, TCP_FIN_WAIT1, NULL));
	ck_assert_ptr_nonnull(
		find(s, TCP_EVENT_STATE, cid, cport, TCP_FIN_WAIT1, TCP_FIN_WAIT2, NULL));
}

START_TEST(test_connect_and_close)
{
	int client, server, other, lfd, cfd, afd, error;
	struct lab *lab = pair_new(&client, &server, &other);
	static struct seen s;
	uint64_t t_before, t_connected;
	struct tcp_events *te;
	uint32_t cid, sid, oid;
	uint16_t cport;

	te = events_for(lab, client, server, &cid, &sid);
	ck_assert_int_eq(tcp_events_netns_id(lab_host_netns_fd(lab, other), &oid, NULL), 0);
	ck_assert_uint_ne(oid, cid);
	lfd = listen_in(lab, server, SERVER_ADDR, PORT);
	t_before = now_ns();
	cfd = connect_in(lab, client, SERVER_ADDR, PORT, &error, &cport, &t_connected);
	ck_assert_int_eq(error, 0);
	drain(te, &s, 50); /* consumed while waiting on the fd: the delivery delay */
	afd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	ck_assert_int_ge(afd, 0);
	other_traffic(lab, other);
	close(cfd);
	usleep(20000);
	close(afd);
	close(lfd);
	drain(te, &s, 200);
	dump_seen(&s);

	check_namespaces_and_order(&s, cid, sid);
	check_client_states(&s, cid, cport, t_before, t_connected);
	ck_assert_ptr_nonnull(find(&s, TCP_EVENT_STATE, sid, PORT, TCP_CLOSE, TCP_LISTEN, NULL));
	ck_assert_ptr_nonnull(
		find(&s, TCP_EVENT_STATE, sid, PORT, TCP_SYN_RECV, TCP_ESTABLISHED, NULL));
	/* Passive close: the server's socket goes CLOSE_WAIT -> LAST_ACK -> CLOSE. */
	ck_assert_ptr_nonnull(
		find(&s, TCP_EVENT_STATE, sid, PORT, TCP_ESTABLISHED, TCP_CLOSE_WAIT, NULL));
	ck_assert_ptr_nonnull(find(&s, TCP_EVENT_STATE, sid, PORT, TCP_LAST_ACK, TCP_CLOSE, NULL));
	ck_assert_uint_eq(tcp_events_lost(te), 0);
	tcp_events_close(te);
	lab_free(lab);
}
END_TEST

START_TEST(test_removed_namespace_is_silent)
{
	int client, server, other, lfd, cfd, afd, error;
	struct lab *lab = pair_new(&client, &server, &other);
	struct tf_err err = { "" };
	static struct seen s;
	struct tcp_events *te;
	uint32_t cid, sid;
	uint16_t cport;
	uint64_t t;

	te = events_for(lab, client, server, &cid, &sid);
	ck_assert_msg(tcp_events_remove_netns(te, cid, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(tcp_events_remove_netns(te, cid, &err), -ENOENT);
	lfd = listen_in(lab, server, SERVER_ADDR, PORT);
	cfd = connect_in(lab, client, SERVER_ADDR, PORT, &error, &cport, &t);
	ck_assert_int_eq(error, 0);
	afd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	ck_assert_int_ge(afd, 0);
	drain(te, &s, 100);
	ck_assert_ptr_nonnull(
		find(&s, TCP_EVENT_STATE, sid, PORT, TCP_SYN_RECV, TCP_ESTABLISHED, NULL));
	for (int i = 0; i < s.n; i++)
		ck_assert_uint_eq(s.ev[i].netns, sid);
	close(cfd);
	close(afd);
	close(lfd);
	tcp_events_close(te);
	lab_free(lab);
}
END_TEST

/* A SYN to a port with no listener: the server sends RST for no socket, the
 * client receives it and reports ECONNREFUSED (111). */
START_TEST(test_refused)
{
	const struct tcp_event *sent, *got, *error_ev, *closed;
	int client, server, other, cfd, error;
	struct lab *lab = pair_new(&client, &server, &other);
	static struct seen s;
	struct tcp_events *te;
	uint32_t cid, sid;
	uint64_t t_after;
	uint16_t cport;

	te = events_for(lab, client, server, &cid, &sid);
	cfd = connect_in(lab, client, SERVER_ADDR, CLOSED_PORT, &error, &cport, &t_after);
	ck_assert_int_eq(error, ECONNREFUSED);
	drain(te, &s, 100);
	dump_seen(&s);
	check_namespaces_and_order(&s, cid, sid);

	sent = find(&s, TCP_EVENT_SEND_RESET, sid, CLOSED_PORT, -1, -1, NULL);
	ck_assert_msg(sent != NULL, "no send-reset in the server's namespace");
	ck_assert_int_eq(sent->no_socket, 1);
	ck_assert_uint_eq(sent->cookie, 0);
	ck_assert_uint_eq(sent->remote_port, cport);
	ck_assert(addr_is(sent->local, SERVER_ADDR) && addr_is(sent->remote, CLIENT_ADDR));

	got = find(&s, TCP_EVENT_RECEIVE_RESET, cid, cport, -1, -1, NULL);
	error_ev = find(&s, TCP_EVENT_ERROR, cid, cport, -1, -1, NULL);
	closed = find(&s, TCP_EVENT_STATE, cid, cport, TCP_SYN_SENT, TCP_CLOSE, NULL);
	ck_assert_msg(got && error_ev && closed, "client: receive-reset %p, error %p, close %p",
		      (const void *)got, (const void *)error_ev, (const void *)closed);
	ck_assert_int_eq(error_ev->err, ECONNREFUSED);
	ck_assert_uint_eq(got->cookie, error_ev->cookie);
	ck_assert_uint_le(sent->t_ns, got->t_ns);
	ck_assert_uint_le(got->t_ns, error_ev->t_ns);
	ck_assert_uint_le(error_ev->t_ns, t_after);
	printf("# refused: error event %.1f us before connect() returned\n",
	       (double)(t_after - error_ev->t_ns) / 1e3);
	close(cfd);
	tcp_events_close(te);
	lab_free(lab);
}
END_TEST

/* Data from the client dropped on the server's ingress: the client's
 * retransmissions of that byte (TLP, then RTO) are reported with its seq. */
START_TEST(test_retransmit)
{
	int client, server, other, lfd, cfd, afd, error, n = 0;
	struct lab *lab = pair_new(&client, &server, &other);
	const struct tcp_event *first = NULL, *second = NULL;
	struct tf_err err = { "" };
	static struct seen s;
	struct tcp_events *te;
	struct lab_fw *fw;
	uint32_t cid, sid;
	uint16_t cport;
	uint64_t t_sent;

	te = events_for(lab, client, server, &cid, &sid);
	lfd = listen_in(lab, server, SERVER_ADDR, PORT);
	cfd = connect_in(lab, client, SERVER_ADDR, PORT, &error, &cport, &t_sent);
	ck_assert_int_eq(error, 0);
	afd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	ck_assert_int_ge(afd, 0);
	ck_assert_msg(lab_fw_open(lab, server, &fw, &err) == 0, "%s", err.msg);
	ck_assert_msg(lab_fw_run(fw,
				 "add table netdev t\nadd chain netdev t in { type filter "
				 "hook ingress device eth0 priority 0; }\nadd rule netdev t in "
				 "tcp dport 8080 drop",
				 &err) == 0,
		      "%s", err.msg);
	t_sent = now_ns();
	ck_assert_int_eq(send(cfd, "x", 1, 0), 1);
	usleep(900 * 1000); /* TLP at ~0.2 s, first RTO at ~0.4 s, second ~0.8 s */
	drain(te, &s, 50);
	dump_seen(&s);
	for (int i = 0; i < s.n; i++) {
		const struct tcp_event *e = &s.ev[i];

		if (e->type != TCP_EVENT_RETRANSMIT)
			continue;
		ck_assert_uint_eq(e->netns, cid);
		ck_assert_uint_eq(e->local_port, cport);
		ck_assert_int_eq(e->state, TCP_ESTABLISHED);
		ck_assert_uint_eq(e->end_seq - e->seq, 1);
		ck_assert_uint_gt(e->t_ns, t_sent);
		if (!first)
			first = e;
		else if (!second)
			second = e;
		ck_assert_uint_eq(e->seq, first->seq);
		ck_assert_uint_eq(e->total_retrans, (uint32_t)++n);
	}
	ck_assert_msg(n >= 2, "%d retransmissions reported", n);
	/* The tail loss probe first (retransmits 0), then the first RTO (1). */
	ck_assert_uint_eq(first->retransmits, 0);
	ck_assert_uint_eq(second->retransmits, 1);
	printf("# retransmit: first %.0f ms after send, %d in 0.9 s\n",
	       (double)(first->t_ns - t_sent) / 1e6, n);
	lab_fw_close(fw);
	close(cfd);
	close(afd);
	close(lfd);
	tcp_events_close(te);
	lab_free(lab);
}
END_TEST

static Suite *tcp_events_suite(void)
{
	Suite *s = suite_create("tcp_events");
	TCase *tc = tcase_create("pair");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_connect_and_close);
	tcase_add_test(tc, test_removed_namespace_is_silent);
	tcase_add_test(tc, test_refused);
	tcase_add_test(tc, test_retransmit);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	if (!tcp_events_available()) {
		struct tcp_events *te;
		struct tf_err err = { "" };

		tcp_events_open(&te, &err);
		printf("SKIP: %s\n", err.msg);
		return 0;
	}
	return lab_check_run("test_tcp_events", tcp_events_suite());
}
