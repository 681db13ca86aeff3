/* test_lab_fw.c - integration tests of netns/lab_fw: real nftables rules in
 * real namespaces, real packets through a veth. Needs root; the program first
 * moves into a private namespace, so the host's ruleset is never touched.
 *
 * Besides the contract (rules land in the host they were opened for, errors
 * carry nft's text, counters read back), these tests prove the two rule
 * shapes the drop fault (harness/fault_drop.c) relies on:
 *   - "first N": numgen inc mod 2^32-1 < N drops exactly N matching packets,
 *     whatever follows (nft quotas count bytes, not packets);
 *   - pure ACK vs data: "@ih,0,8" (the first payload byte) loads only when
 *     the segment carries data, so it tells a pure ACK from a data segment.
 */
#include "netns/lab.h"
#include "lab_check.h"
#include "netns/lab_fw.h"

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#define PAIR_CLIENT_ADDR "198.18.0.1"
#define PAIR_SERVER_ADDR "198.18.0.2"

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

static struct lab_fw *fw_open(struct lab *lab, int host)
{
	struct tf_err err = { "" };
	struct lab_fw *fw = NULL;

	ck_assert_msg(lab_fw_open(lab, host, &fw, &err) == 0, "%s", err.msg);
	ck_assert_ptr_nonnull(fw);
	return fw;
}

static void fw_run(struct lab_fw *fw, const char *cmds)
{
	struct tf_err err = { "" };

	ck_assert_msg(lab_fw_run(fw, cmds, &err) == 0, "%s\n%s", cmds, err.msg);
}

static uint64_t fw_packets(struct lab_fw *fw, const char *table, const char *name)
{
	struct tf_err err = { "" };
	struct lab_fw_count cnt = { 0, 0 };

	ck_assert_msg(lab_fw_counter(fw, "inet", table, name, &cnt, &err) == 0, "%s", err.msg);
	ck_assert(cnt.packets == 0 || cnt.bytes >= 20 * cnt.packets); /* an IPv4 header each */
	return cnt.packets;
}

static void sleep_ms(long ms)
{
	const struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

static int sock_in(const struct lab *lab, int host, int type)
{
	int saved = lab_enter(lab, host), fd;

	ck_assert_int_ge(saved, 0);
	fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
	lab_leave(saved);
	ck_assert_int_ge(fd, 0);
	return fd;
}

static struct sockaddr_in addr_of(const char *ip, uint16_t port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };

	ck_assert_int_eq(inet_pton(AF_INET, ip, &sin.sin_addr), 1);
	return sin;
}

START_TEST(test_rules_stay_in_their_namespace)
{
	struct tf_err err = { "" };
	int client, server;
	struct lab *lab = pair_new(&client, &server);
	struct lab_fw *sfw = fw_open(lab, server), *cfw = fw_open(lab, client);
	struct lab_fw_count pb = { 1, 1 };

	fw_run(sfw, "add table inet tftest\nadd counter inet tftest c1");
	ck_assert_int_eq(lab_fw_counter(sfw, "inet", "tftest", "c1", &pb, &err), 0);
	ck_assert(pb.packets == 0 && pb.bytes == 0);
	/* Not in the client's namespace... */
	ck_assert_int_eq(lab_fw_counter(cfw, "inet", "tftest", "c1", &pb, &err), -ENOENT);
	ck_assert_msg(strstr(err.msg, "host client") != NULL, "%s", err.msg);
	/* ...and the same table name there is a different table. */
	fw_run(cfw, "add table inet tftest\nadd counter inet tftest other");
	ck_assert_int_eq(lab_fw_counter(sfw, "inet", "tftest", "other", &pb, &err), -ENOENT);
	ck_assert_int_eq(lab_fw_counter(sfw, "inet", "tftest", "nope", &pb, &err), -ENOENT);
	lab_fw_close(cfw);
	lab_fw_close(sfw);
	lab_fw_close(NULL);
	lab_free(lab);
}
END_TEST

START_TEST(test_errors_carry_nft_text)
{
	struct tf_err err = { "" };
	int client, server;
	struct lab *lab = pair_new(&client, &server);
	struct lab_fw *fw = fw_open(lab, server);
	struct lab_fw_count pb;

	ck_assert_int_eq(lab_fw_run(fw, "add table inet t\nadd rule inet t nochain drop", &err),
			 -ENOENT);
	ck_assert_msg(strstr(err.msg, "Error:") && strstr(err.msg, "host server"), "%s", err.msg);
	/* file:line:col of the command that failed (the second), and that line. */
	ck_assert_msg(strstr(err.msg, "nft:2:") && strstr(err.msg, "nochain drop\n"), "%s",
		      err.msg);
	ck_assert_int_eq(lab_fw_run(fw, "add tabel inet t", &err), -EINVAL);
	ck_assert_msg(strstr(err.msg, "syntax error") != NULL, "%s", err.msg);
	/* The failed batch is atomic: its table was not created either. */
	ck_assert_int_eq(lab_fw_counter(fw, "inet", "t", "x", &pb, &err), -ENOENT);
	/* A name that would smuggle syntax is refused before nft sees it. */
	ck_assert_int_eq(lab_fw_counter(fw, "inet", "t", "x; flush ruleset", &pb, &err), -EINVAL);
	ck_assert_int_eq(lab_fw_run(fw, NULL, &err), -EINVAL);
	ck_assert_int_eq(lab_fw_open(lab, 7, &(struct lab_fw *){ NULL }, &err), -EINVAL);
	lab_fw_close(fw);
	lab_free(lab);
}
END_TEST

struct seen {
	char names[8][32];
	uint64_t packets[8];
	int n;
};

static int seen_cb(const char *name, uint64_t packets, uint64_t bytes, void *arg)
{
	struct seen *s = arg;

	(void)bytes;
	if (s->n >= 8)
		return -ENOSPC;
	snprintf(s->names[s->n], sizeof(s->names[0]), "%s", name);
	s->packets[s->n++] = packets;
	return 0;
}

/* "first N": numgen counts only the packets that reached it (rules stop at
 * the first expression that does not match), so "< 3" drops exactly 3. */
START_TEST(test_first_n_is_exact)
{
	struct tf_err err = { "" };
	int client, server, tx, rx, got = 0;
	struct lab *lab = pair_new(&client, &server);
	struct lab_fw *fw = fw_open(lab, server);
	struct sockaddr_in dst = addr_of(PAIR_SERVER_ADDR, 9999), any = addr_of("0.0.0.0", 9999);
	struct seen s = { .n = 0 };
	char buf[64];

	fw_run(fw, "add table inet tftest\n"
		   "add counter inet tftest seen\n"
		   "add counter inet tftest dropped\n"
		   "add chain inet tftest pre { type filter hook prerouting priority -300; }\n"
		   "add rule inet tftest pre ip saddr " PAIR_CLIENT_ADDR " udp dport 9999 "
		   "counter name seen numgen inc mod 4294967295 < 3 counter name dropped drop");
	rx = sock_in(lab, server, SOCK_DGRAM);
	ck_assert_int_eq(bind(rx, (struct sockaddr *)&any, sizeof(any)), 0);
	tx = sock_in(lab, client, SOCK_DGRAM);
	/* A datagram to another port must neither count nor advance numgen. */
	dst.sin_port = htons(9998);
	ck_assert_int_eq(sendto(tx, "x", 1, 0, (struct sockaddr *)&dst, sizeof(dst)), 1);
	dst.sin_port = htons(9999);
	for (int i = 0; i < 10; i++) {
		ck_assert_int_eq(sendto(tx, "x", 1, 0, (struct sockaddr *)&dst, sizeof(dst)), 1);
		sleep_ms(5);
	}
	sleep_ms(50);
	while (recv(rx, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		got++;
	ck_assert_int_eq(got, 7);
	ck_assert_uint_eq(fw_packets(fw, "tftest", "seen"), 10);
	ck_assert_uint_eq(fw_packets(fw, "tftest", "dropped"), 3);
	ck_assert_int_eq(lab_fw_counters(fw, "inet", "tftest", seen_cb, &s, &err), 2);
	ck_assert(s.packets[0] + s.packets[1] == 13);
	ck_assert_int_eq(lab_fw_counters(fw, "inet", "nosuch", seen_cb, &s, &err), -ENOENT);
	close(tx);
	close(rx);
	lab_fw_close(fw);
	lab_free(lab);
}
END_TEST

/* The client sends 3 small writes (TCP_NODELAY, 50 ms apart) and nothing
 * else: at the server's ingress that is 1 SYN, 1 pure ACK (the handshake's
 * third) and 3 data segments. */
START_TEST(test_pure_ack_and_data)
{
	struct sockaddr_in srv = addr_of(PAIR_SERVER_ADDR, 8080);
	int client, server, lfd, cfd, afd, one = 1;
	struct lab *lab = pair_new(&client, &server);
	struct lab_fw *fw = fw_open(lab, server);

	fw_run(fw, "add table inet tftest\n"
		   "add counter inet tftest syn\nadd counter inet tftest pure\n"
		   "add counter inet tftest data\n"
		   "add chain inet tftest pre { type filter hook prerouting priority -300; }\n"
		   "add rule inet tftest pre iifname \"lo\" accept\n"
		   "add rule inet tftest pre ip saddr " PAIR_CLIENT_ADDR
		   " tcp flags & (syn|ack) == syn counter name syn\n"
		   "add rule inet tftest pre ip saddr " PAIR_CLIENT_ADDR
		   " meta l4proto tcp @ih,0,8 <= 0xff counter name data accept\n"
		   "add rule inet tftest pre ip saddr " PAIR_CLIENT_ADDR
		   " tcp flags & (syn|ack|fin|rst) == ack counter name pure");
	lfd = sock_in(lab, server, SOCK_STREAM);
	ck_assert_int_eq(setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)), 0);
	ck_assert_int_eq(bind(lfd, (struct sockaddr *)&srv, sizeof(srv)), 0);
	ck_assert_int_eq(listen(lfd, 4), 0);
	cfd = sock_in(lab, client, SOCK_STREAM);
	ck_assert_int_eq(setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)), 0);
	ck_assert_int_eq(connect(cfd, (struct sockaddr *)&srv, sizeof(srv)), 0);
	afd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	ck_assert_int_ge(afd, 0);
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(send(cfd, "hello", 5, 0), 5);
		sleep_ms(50);
	}
	sleep_ms(50);
	ck_assert_uint_eq(fw_packets(fw, "tftest", "syn"), 1);
	ck_assert_uint_eq(fw_packets(fw, "tftest", "pure"), 1);
	ck_assert_uint_eq(fw_packets(fw, "tftest", "data"), 3);
	close(cfd);
	close(afd);
	close(lfd);
	lab_fw_close(fw);
	lab_free(lab);
}
END_TEST

/* Lost SYNs at the receiver's ingress: with "first 2" the third SYN (the
 * second retransmission, 2 s after the first on 6.5+: linear timeouts) gets
 * through and connect() succeeds. */
START_TEST(test_syn_first_two)
{
	struct sockaddr_in srv = addr_of(PAIR_SERVER_ADDR, 8080);
	int client, server, lfd, cfd, one = 1;
	struct lab *lab = pair_new(&client, &server);
	struct lab_fw *fw = fw_open(lab, server);
	struct timespec a, b;
	double took;

	fw_run(fw,
	       "add table inet tftest\nadd counter inet tftest d\n"
	       "add chain inet tftest pre { type filter hook prerouting priority -300; }\n"
	       "add rule inet tftest pre ip saddr " PAIR_CLIENT_ADDR " tcp flags & (syn|ack) == syn"
	       " numgen inc mod 4294967295 < 2 counter name d drop");
	lfd = sock_in(lab, server, SOCK_STREAM);
	ck_assert_int_eq(setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)), 0);
	ck_assert_int_eq(bind(lfd, (struct sockaddr *)&srv, sizeof(srv)), 0);
	ck_assert_int_eq(listen(lfd, 4), 0);
	cfd = sock_in(lab, client, SOCK_STREAM);
	clock_gettime(CLOCK_MONOTONIC, &a);
	ck_assert_int_eq(connect(cfd, (struct sockaddr *)&srv, sizeof(srv)), 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	took = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	/* SYNs at 0 and 1 s lost, the one at 2 s answered (timer slack < 0.5 s). */
	ck_assert_msg(took > 1.9 && took < 2.6, "connect took %.3f s", took);
	ck_assert_uint_eq(fw_packets(fw, "tftest", "d"), 2);
	close(cfd);
	close(lfd);
	lab_fw_close(fw);
	lab_free(lab);
}
END_TEST

static Suite *lab_fw_suite(void)
{
	Suite *s = suite_create("lab_fw");
	TCase *tc = tcase_create("pair");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_rules_stay_in_their_namespace);
	tcase_add_test(tc, test_errors_carry_nft_text);
	tcase_add_test(tc, test_first_n_is_exact);
	tcase_add_test(tc, test_pure_ack_and_data);
	tcase_add_test(tc, test_syn_first_two);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return lab_check_run("test_lab_fw", lab_fw_suite());
}
