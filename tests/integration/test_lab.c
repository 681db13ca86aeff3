/* test_lab.c - integration tests of netns/lab and netns/lab_diag: real
 * namespaces, a real veth and a real TCP connection. Needs root; the whole
 * program first moves into a private namespace, so the host's is never touched.
 * Each test builds its own "pair" lab and runs in its own forked child.
 */
#include "netns/lab.h"
#include "lab_check.h"
#include "netns/lab_diag.h"

#include <arpa/inet.h>
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/tcp.h>
#include <sys/stat.h>

#define PAIR_CLIENT_ADDR "198.18.0.1"
#define PAIR_SERVER_ADDR "198.18.0.2"
#define PAIR_PORT 8080
#define DUMP_MAX 32

struct dump {
	struct lab_sock s[DUMP_MAX];
	int n;
};

/* client -- eth0 198.18.0.1/24 ==veth== eth0 198.18.0.2/24 -- server */
static struct lab *pair_new(int *client, int *server)
{
	struct tf_err err = { "" };
	struct lab *lab = lab_new();

	ck_assert_ptr_nonnull(lab);
	*client = lab_host_add(lab, "client", &err);
	ck_assert_msg(*client >= 0, "client: %s", err.msg);
	*server = lab_host_add(lab, "server", &err);
	ck_assert_msg(*server >= 0, "server: %s", err.msg);
	ck_assert_msg(lab_veth_add(lab, *client, "eth0", *server, "eth0", &err) == 0, "%s",
		      err.msg);
	ck_assert_msg(lab_addr_add(lab, *client, "eth0", PAIR_CLIENT_ADDR "/24", &err) == 0, "%s",
		      err.msg);
	ck_assert_msg(lab_addr_add(lab, *server, "eth0", PAIR_SERVER_ADDR "/24", &err) == 0, "%s",
		      err.msg);
	ck_assert_msg(lab_link_wait_oper_up(lab, *client, "eth0", 2000, &err) == 0, "%s", err.msg);
	ck_assert_msg(lab_link_wait_oper_up(lab, *server, "eth0", 2000, &err) == 0, "%s", err.msg);
	return lab;
}

static int dump_collect(const struct lab_sock *s, void *arg)
{
	struct dump *d = arg;

	if (d->n >= DUMP_MAX)
		return -ENOSPC;
	d->s[d->n++] = *s;
	return 0;
}

static void dump_host(const struct lab *lab, int host, struct dump *d)
{
	struct tf_err err = { "" };
	struct lab_diag *diag;
	int n;

	memset(d, 0, sizeof(*d));
	ck_assert_msg(lab_diag_open(lab_host_netns_fd(lab, host), &diag, &err) == 0, "%s", err.msg);
	n = lab_diag_dump(diag, dump_collect, d, &err);
	ck_assert_msg(n >= 0, "dump: %s", err.msg);
	ck_assert_int_eq(n, d->n);
	lab_diag_close(diag);
}

static void sa_text(const struct sockaddr_storage *ss, char *buf, size_t len, uint16_t *port)
{
	const struct sockaddr_in *sin = (const void *)ss;
	const struct sockaddr_in6 *sin6 = (const void *)ss;

	if (ss->ss_family == AF_INET) {
		inet_ntop(AF_INET, &sin->sin_addr, buf, (socklen_t)len);
		*port = ntohs(sin->sin_port);
	} else {
		inet_ntop(AF_INET6, &sin6->sin6_addr, buf, (socklen_t)len);
		*port = ntohs(sin6->sin6_port);
	}
}

/* The socket in @d with @state, @local:@lport and @remote:@rport, or NULL. */
static const struct lab_sock *dump_find(const struct dump *d, int state, const char *local,
					uint16_t lport, const char *remote, uint16_t rport)
{
	char l[INET6_ADDRSTRLEN], r[INET6_ADDRSTRLEN];
	uint16_t lp, rp;
	int i;

	for (i = 0; i < d->n; i++) {
		sa_text(&d->s[i].local, l, sizeof(l), &lp);
		sa_text(&d->s[i].remote, r, sizeof(r), &rp);
		if (d->s[i].state == state && !strcmp(l, local) && lp == lport &&
		    !strcmp(r, remote) && rp == rport)
			return &d->s[i];
	}
	return NULL;
}

static int dump_count(const struct dump *d, int state)
{
	int i, n = 0;

	for (i = 0; i < d->n; i++)
		n += d->s[i].state == state;
	return n;
}

static int sa_make(int family, const char *addr, uint16_t port, struct sockaddr_storage *ss)
{
	struct sockaddr_in *sin = (void *)ss;
	struct sockaddr_in6 *sin6 = (void *)ss;

	memset(ss, 0, sizeof(*ss));
	ss->ss_family = (sa_family_t)family;
	if (family == AF_INET) {
		sin->sin_port = htons(port);
		ck_assert_int_eq(inet_pton(AF_INET, addr, &sin->sin_addr), 1);
		return sizeof(*sin);
	}
	sin6->sin6_port = htons(port);
	ck_assert_int_eq(inet_pton(AF_INET6, addr, &sin6->sin6_addr), 1);
	return sizeof(*sin6);
}

/* A listener on @addr:@port, its socket created inside @host. */
static int tcp_listen_in(const struct lab *lab, int host, int family, const char *addr,
			 uint16_t port)
{
	struct sockaddr_storage ss;
	int saved, fd, one = 1;
	socklen_t len = (socklen_t)sa_make(family, addr, port, &ss);

	saved = lab_enter(lab, host);
	ck_assert_int_ge(saved, 0);
	fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)), 0);
	ck_assert_msg(bind(fd, (struct sockaddr *)&ss, len) == 0, "bind: %s", strerror(errno));
	ck_assert_int_eq(listen(fd, 8), 0);
	lab_leave(saved);
	return fd;
}

/* A connected socket, created inside @host; its local port in *@lport. */
static int tcp_connect_in(const struct lab *lab, int host, int family, const char *addr,
			  uint16_t port, uint16_t *lport)
{
	struct sockaddr_storage ss, me;
	socklen_t len = (socklen_t)sa_make(family, addr, port, &ss), mlen = sizeof(me);
	char text[INET6_ADDRSTRLEN];
	int saved, fd;

	saved = lab_enter(lab, host);
	ck_assert_int_ge(saved, 0);
	fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_msg(connect(fd, (struct sockaddr *)&ss, len) == 0, "connect: %s",
		      strerror(errno));
	lab_leave(saved);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&me, &mlen), 0);
	sa_text(&me, text, sizeof(text), lport);
	return fd;
}

START_TEST(test_sysctl_per_namespace)
{
	struct tf_err err = { "" };
	int client, server;
	struct lab *lab = pair_new(&client, &server);
	char buf[64];

	ck_assert_msg(lab_sysctl_set(lab, server, "net.ipv4.tcp_retries2", "5", &err) == 0, "%s",
		      err.msg);
	ck_assert_msg(lab_sysctl_get(lab, server, "net.ipv4.tcp_retries2", buf, sizeof(buf),
				     &err) == 0,
		      "%s", err.msg);
	ck_assert_str_eq(buf, "5");
	ck_assert_msg(lab_sysctl_get(lab, client, "net.ipv4.tcp_retries2", buf, sizeof(buf),
				     &err) == 0,
		      "%s", err.msg);
	ck_assert_str_eq(buf, "15");
	/* Vectors read back with tabs; spaces on the way in must still match. */
	ck_assert_msg(lab_sysctl_set(lab, client, "net.ipv4.tcp_rmem", "4096  131072 6291456",
				     &err) == 0,
		      "%s", err.msg);
	ck_assert_msg(lab_sysctl_set(lab, client, "net.ipv4.neigh.eth0.ucast_solicit", "2", &err) ==
			      0,
		      "%s", err.msg);
	lab_free(lab);
}
END_TEST

START_TEST(test_sysctl_refused)
{
	static const char *const bad_keys[] = {
		"kernel.pid_max",
		"net.ipv4/tcp_retries2",
		"net.ipv4..tcp_retries2",
		"net.ipv4.conf.all.",
		"net.",
		"",
		"vm.swappiness",
	};
	struct tf_err err = { "" };
	int client, server;
	struct lab *lab = pair_new(&client, &server);
	char buf[64];
	size_t i;

	for (i = 0; i < sizeof(bad_keys) / sizeof(bad_keys[0]); i++)
		ck_assert_msg(lab_sysctl_set(lab, client, bad_keys[i], "1", &err) == -EINVAL,
			      "key '%s' accepted", bad_keys[i]);
	ck_assert_int_eq(lab_sysctl_get(lab, client, "net.ipv4.no_such_knob", buf, sizeof(buf),
					&err),
			 -ENOENT);
	ck_assert_ptr_nonnull(strstr(err.msg, "does not exist on this kernel"));
	ck_assert_int_eq(lab_sysctl_set(lab, client, "net.ipv4.tcp_retries2", "abc", &err),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "net.ipv4.tcp_retries2"));
	ck_assert_ptr_nonnull(strstr(err.msg, "client"));
	lab_free(lab);
}
END_TEST

START_TEST(test_addr_ranges)
{
	static const char *const refused[] = {
		"10.0.0.1/24",	"198.20.0.1/24",  "198.17.255.1/24",
		"198.18.0.9/8", "2001:db8::1/64", "2001:2:0:1::1/32",
		"198.18.0.9",	"nonsense/24",	  "198.18.0.9/33",
	};
	struct tf_err err = { "" };
	int client, server;
	struct lab *lab = pair_new(&client, &server);
	size_t i;

	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		err.msg[0] = '\0';
		ck_assert_msg(lab_addr_add(lab, client, "eth0", refused[i], &err) == -EINVAL,
			      "%s accepted", refused[i]);
		ck_assert_msg(strstr(err.msg, "client") != NULL, "no host in '%s'", err.msg);
	}
	ck_assert_msg(lab_addr_add(lab, client, "eth0", "198.19.255.1/16", &err) == 0, "%s",
		      err.msg);
	ck_assert_msg(lab_addr_add(lab, client, "eth0", "2001:2::1/64", &err) == 0, "%s", err.msg);
	ck_assert_int_eq(lab_addr_add(lab, client, "eth0", "2001:2::1/64", &err), -EEXIST);
	ck_assert_int_eq(lab_addr_add(lab, client, "eth9", "198.18.0.7/24", &err), -ENODEV);
	ck_assert_ptr_nonnull(strstr(err.msg, "eth9"));
	ck_assert_int_eq(lab_route_add(lab, client, "0.0.0.0/0", "10.0.0.1", &err), -EINVAL);
	ck_assert_msg(lab_route_add(lab, client, "0.0.0.0/0", PAIR_SERVER_ADDR, &err) == 0, "%s",
		      err.msg);
	ck_assert_int_eq(lab_route_add(lab, client, "0.0.0.0/0", PAIR_SERVER_ADDR, &err), -EEXIST);
	lab_free(lab);
}
END_TEST

START_TEST(test_veth_errors)
{
	struct tf_err err = { "" };
	int client, server;
	struct lab *lab = pair_new(&client, &server);

	/* eth0 exists in both hosts already. */
	ck_assert_int_eq(lab_veth_add(lab, client, "eth0", server, "eth1", &err), -EEXIST);
	ck_assert_ptr_nonnull(strstr(err.msg, "client:eth0"));
	ck_assert_int_eq(lab_veth_add(lab, client, "eth1", 7, "eth1", &err), -EINVAL);
	ck_assert_int_eq(lab_veth_add(lab, client, "a-name-far-too-long", server, "x", &err),
			 -EINVAL);
	ck_assert_int_eq(lab_host_add(lab, "client", &err), -EEXIST);
	ck_assert_int_eq(lab_host_find(lab, "server"), server);
	ck_assert_int_eq(lab_host_find(lab, "router"), -ENOENT);
	ck_assert_int_eq(lab_link_wait_oper_up(lab, client, "lo", 20, &err), -ETIMEDOUT);
	lab_free(lab);
}
END_TEST

static void check_connection(const struct lab *lab, int client, int server, int family,
			     const char *caddr, const char *saddr, uint16_t port)
{
	const char *any = family == AF_INET ? "0.0.0.0" : "::";
	const struct lab_sock *s;
	struct dump d;
	uint16_t cport;
	int lfd, cfd, afd;

	lfd = tcp_listen_in(lab, server, family, saddr, port);
	cfd = tcp_connect_in(lab, client, family, saddr, port, &cport);
	afd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	ck_assert_int_ge(afd, 0);

	dump_host(lab, server, &d);
	s = dump_find(&d, TCP_LISTEN, saddr, port, any, 0);
	ck_assert_msg(s != NULL, "no LISTEN %s:%u in the server's dump", saddr, port);
	ck_assert_int_eq(s->family, family);
	ck_assert_int_eq(s->has_info, 1);
	s = dump_find(&d, TCP_ESTABLISHED, saddr, port, caddr, cport);
	ck_assert_msg(s != NULL, "no ESTABLISHED %s:%u in the server's dump", saddr, port);
	ck_assert_int_eq(s->has_info, 1);
	ck_assert_uint_ne(s->inode, 0);
	ck_assert_uint_gt(s->rto_us, 0);

	dump_host(lab, client, &d);
	/* The namespaces do not see each other's sockets (an earlier run's TIME_WAIT aside). */
	ck_assert_int_eq(d.n - dump_count(&d, TCP_TIME_WAIT), 1);
	s = dump_find(&d, TCP_ESTABLISHED, caddr, cport, saddr, port);
	ck_assert_msg(s != NULL, "no ESTABLISHED %s:%u in the client's dump", caddr, cport);
	ck_assert_int_eq(s->has_info, 1);

	/* Active close by the client: it ends in TIME_WAIT, with no tcp_info. */
	close(cfd);
	close(afd);
	for (int tries = 0; tries < 200; tries++) {
		const struct timespec ms10 = { 0, 10 * 1000 * 1000 };

		dump_host(lab, client, &d);
		s = dump_find(&d, TCP_TIME_WAIT, caddr, cport, saddr, port);
		if (s)
			break;
		nanosleep(&ms10, NULL);
	}
	ck_assert_msg(s != NULL, "client never reached TIME_WAIT");
	ck_assert_int_eq(s->has_info, 0);
	ck_assert_uint_eq(s->inode, 0);
	close(lfd);
}

START_TEST(test_diag_tcp)
{
	struct tf_err err = { "" };
	int client, server;
	struct lab *lab = pair_new(&client, &server);

	check_connection(lab, client, server, AF_INET, PAIR_CLIENT_ADDR, PAIR_SERVER_ADDR,
			 PAIR_PORT);
	ck_assert_msg(lab_addr_add(lab, client, "eth0", "2001:2::1/64", &err) == 0, "%s", err.msg);
	ck_assert_msg(lab_addr_add(lab, server, "eth0", "2001:2::2/64", &err) == 0, "%s", err.msg);
	check_connection(lab, client, server, AF_INET6, "2001:2::1", "2001:2::2", PAIR_PORT + 1);
	lab_free(lab);
}
END_TEST

/*
 * SOCK_DESTROY, as a reboot does it: every socket of the server's namespace
 * goes (the listener, the established one); the server process sees
 * ECONNABORTED; the kernel sends RST for the established one (tcp_abort()).
 */
START_TEST(test_diag_destroy_all)
{
	struct tf_err err = { "" };
	int client, server, lfd, cfd, sfd, n;
	struct lab *lab = pair_new(&client, &server);
	struct lab_diag *diag;
	struct dump d;
	uint16_t lport;
	char byte = 'x';

	lfd = tcp_listen_in(lab, server, AF_INET, PAIR_SERVER_ADDR, PAIR_PORT);
	cfd = tcp_connect_in(lab, client, AF_INET, PAIR_SERVER_ADDR, PAIR_PORT, &lport);
	sfd = accept(lfd, NULL, NULL);
	ck_assert_int_ge(sfd, 0);
	ck_assert_msg(lab_diag_open(lab_host_netns_fd(lab, server), &diag, &err) == 0, "%s",
		      err.msg);
	n = lab_diag_destroy_all(diag, &err);
	if (n == -EOPNOTSUPP) {
		lab_diag_close(diag);
		lab_free(lab);
		return; /* kernel without CONFIG_INET_DIAG_DESTROY: nothing to test */
	}
	ck_assert_msg(n == 2, "destroyed %d: %s", n, err.msg);
	lab_diag_close(diag);
	dump_host(lab, server, &d);
	/* A destroyed socket still held by a process stays, in CLOSE, until closed
	 * (a reboot kills the processes first). */
	ck_assert_int_eq(d.n, dump_count(&d, TCP_CLOSE));
	ck_assert_int_eq(recv(sfd, &byte, 1, MSG_DONTWAIT), -1);
	ck_assert_int_eq(errno, ECONNABORTED);
	/* tcp_abort() sends RST for a synchronized socket: the client has it already.
	 * That is why a reboot destroys sockets while the host is black-holed. */
	usleep(100000);
	ck_assert_int_eq(recv(cfd, &byte, 1, MSG_DONTWAIT), -1);
	ck_assert_int_eq(errno, ECONNRESET);
	close(sfd);
	close(cfd);
	close(lfd);
	lab_free(lab);
}
END_TEST

/*
 * A request socket (TCP_NEW_SYN_RECV in the kernel) is reported as SYN_RECV.
 * TCP_DEFER_ACCEPT keeps it: the server ignores the handshake's pure ACK and
 * waits for data, while the client is ESTABLISHED already.
 */
START_TEST(test_diag_syn_recv)
{
	int client, server, lfd, cfd, defer = 5;
	struct lab *lab = pair_new(&client, &server);
	const struct lab_sock *s;
	struct dump d;
	uint16_t cport;

	lfd = tcp_listen_in(lab, server, AF_INET, PAIR_SERVER_ADDR, PAIR_PORT);
	ck_assert_int_eq(setsockopt(lfd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &defer, sizeof(defer)), 0);
	cfd = tcp_connect_in(lab, client, AF_INET, PAIR_SERVER_ADDR, PAIR_PORT, &cport);
	dump_host(lab, server, &d);
	s = dump_find(&d, TCP_SYN_RECV, PAIR_SERVER_ADDR, PAIR_PORT, PAIR_CLIENT_ADDR, cport);
	ck_assert_msg(s != NULL, "no SYN_RECV request socket in the server's dump");
	ck_assert_int_eq(s->has_info, 0);
	close(cfd);
	close(lfd);
	lab_free(lab);
}
END_TEST

START_TEST(test_state_names)
{
	int st;

	for (st = TCP_ESTABLISHED; st <= TCP_CLOSING; st++)
		ck_assert_int_eq(lab_sock_state_parse(lab_sock_state_name(st)), st);
	ck_assert_str_eq(lab_sock_state_name(TCP_FIN_WAIT2), "FIN_WAIT2");
	ck_assert_str_eq(lab_sock_state_name(0), "UNKNOWN");
	ck_assert_str_eq(lab_sock_state_name(99), "UNKNOWN");
	ck_assert_int_eq(lab_sock_state_parse("BOGUS"), -1);
}
END_TEST

static void record(void *arg)
{
	char *log = arg;

	log[strlen(log)] = (char)('0' + strlen(log));
}

START_TEST(test_defer_lifo)
{
	char log[8] = "";
	struct lab *lab = lab_new();

	ck_assert_ptr_nonnull(lab);
	ck_assert_int_eq(lab_defer(lab, record, log), 0);
	ck_assert_int_eq(lab_defer(lab, record, log), 0);
	lab_free(lab);
	ck_assert_str_eq(log, "01");
	lab_free(NULL);
}
END_TEST

/* Does any fd of this process, or any process's ns/net, name namespace @st? */
static bool ns_still_held(const struct stat *st)
{
	char path[300];
	struct dirent *e;
	struct stat cur;
	bool held = false;
	DIR *dir;

	dir = opendir("/proc/self/fd");
	ck_assert_ptr_nonnull(dir);
	while (!held && (e = readdir(dir))) {
		snprintf(path, sizeof(path), "/proc/self/fd/%s", e->d_name);
		held = stat(path, &cur) == 0 && cur.st_dev == st->st_dev &&
		       cur.st_ino == st->st_ino;
	}
	closedir(dir);
	dir = opendir("/proc");
	ck_assert_ptr_nonnull(dir);
	while (!held && (e = readdir(dir))) {
		snprintf(path, sizeof(path), "/proc/%s/ns/net", e->d_name);
		held = stat(path, &cur) == 0 && cur.st_dev == st->st_dev &&
		       cur.st_ino == st->st_ino;
	}
	closedir(dir);
	return held;
}

START_TEST(test_free_releases_namespaces)
{
	int client, server;
	struct lab *lab = pair_new(&client, &server);
	struct stat cst, sst;

	ck_assert_int_eq(fstat(lab_host_netns_fd(lab, client), &cst), 0);
	ck_assert_int_eq(fstat(lab_host_netns_fd(lab, server), &sst), 0);
	ck_assert(ns_still_held(&cst));
	lab_free(lab);
	ck_assert_msg(!ns_still_held(&cst), "client namespace still referenced");
	ck_assert_msg(!ns_still_held(&sst), "server namespace still referenced");
}
END_TEST

static Suite *lab_suite(void)
{
	Suite *s = suite_create("lab");
	TCase *tc = tcase_create("pair");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_sysctl_per_namespace);
	tcase_add_test(tc, test_sysctl_refused);
	tcase_add_test(tc, test_addr_ranges);
	tcase_add_test(tc, test_veth_errors);
	tcase_add_test(tc, test_diag_tcp);
	tcase_add_test(tc, test_diag_syn_recv);
	tcase_add_test(tc, test_diag_destroy_all);
	tcase_add_test(tc, test_state_names);
	tcase_add_test(tc, test_defer_lifo);
	tcase_add_test(tc, test_free_releases_namespaces);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return lab_check_run("test_lab", lab_suite());
}
