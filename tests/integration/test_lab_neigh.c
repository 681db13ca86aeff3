/* test_lab_neigh.c - integration test of netns/lab_neigh.c: what a host has
 * learnt of its neighbours is forgotten (a reboot's empty ARP table), what
 * was configured stays. Needs root; the program first moves into a private
 * namespace, so the host's is never touched.
 *
 *   [client] eth0 198.18.0.1/24 ========= eth0 [router] 198.18.0.254/24
 */
#include "netns/lab.h"
#include "lab_check.h"
#include "netns/lab_neigh.h"
#include "netns/lab_view.h"

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* A UDP datagram from @host to @ip: the kernel resolves the neighbour first. */
static void poke(struct lab *lab, int host, const char *ip)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(9) };
	int saved = lab_enter(lab, host), fd;

	ck_assert_int_ge(saved, 0);
	inet_pton(AF_INET, ip, &to.sin_addr);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(sendto(fd, "x", 1, 0, (struct sockaddr *)&to, sizeof(to)), 1);
	close(fd);
	lab_leave(saved);
}

/* The neighbour entry of @host for @ip in @v, or NULL. */
static const char *neigh_of(const struct lab_view *v, const char *ip)
{
	for (int i = 0; i < v->n_neighs; i++)
		if (!strncmp(v->neighs[i], ip, strlen(ip)) && v->neighs[i][strlen(ip)] == ' ')
			return v->neighs[i];
	return NULL;
}

START_TEST(learnt_entries_go)
{
	static struct lab_view v;
	struct tf_err err = { "" };
	struct lab *lab = lab_new();
	int client, router;

	ck_assert_ptr_nonnull(lab);
	client = lab_host_add(lab, "client", &err);
	router = lab_host_add(lab, "router", &err);
	ck_assert_msg(client >= 0 && router >= 0, "%s", err.msg);
	ck_assert_msg(lab_veth_add(lab, client, "eth0", router, "eth0", &err) == 0, "%s", err.msg);
	ck_assert_msg(lab_addr_add(lab, client, "eth0", "198.18.0.1/24", &err) == 0, "%s", err.msg);
	ck_assert_msg(lab_addr_add(lab, router, "eth0", "198.18.0.254/24", &err) == 0, "%s",
		      err.msg);
	ck_assert_int_eq(lab_neigh_flush(lab, client, &err), 0); /* nothing learnt yet */

	poke(lab, client, "198.18.0.254");
	for (int ms = 0; ms < 2000; ms += 10) { /* the ARP reply */
		ck_assert_msg(lab_view_get(lab, client, &v, &err) == 0, "%s", err.msg);
		if (neigh_of(&v, "198.18.0.254") &&
		    strstr(neigh_of(&v, "198.18.0.254"), "REACHABLE"))
			break;
		usleep(10000);
	}
	ck_assert_msg(neigh_of(&v, "198.18.0.254"), "the client never resolved the router");
	ck_assert_int_ge(lab_neigh_flush(lab, client, &err), 1);
	ck_assert_msg(lab_view_get(lab, client, &v, &err) == 0, "%s", err.msg);
	ck_assert_msg(!neigh_of(&v, "198.18.0.254"), "still there: %s",
		      neigh_of(&v, "198.18.0.254"));
	ck_assert_int_eq(lab_neigh_flush(lab, client, &err), 0);
	/* the router learnt the client from its ARP request: its own, untouched */
	ck_assert_msg(lab_view_get(lab, router, &v, &err) == 0, "%s", err.msg);
	ck_assert(neigh_of(&v, "198.18.0.1"));
	lab_free(lab);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("lab_neigh");
	TCase *tc = tcase_create("flush");

	tcase_add_test(tc, learnt_entries_go);
	tcase_set_timeout(tc, 20);
	suite_add_tcase(s, tc);
	return lab_check_run("test_lab_neigh", s);
}
