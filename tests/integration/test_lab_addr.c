/* test_lab_addr.c - integration tests of netns/lab_addr.c: a host renumbered
 * and numbered back keeps its routes (the kernel flushes them with the last
 * address: fib_disable_ip()), and the view afterwards is the view before.
 * Needs root; the program first moves into a private namespace, so the
 * host's is never touched.
 *
 *   [client] eth0 198.18.0.1/24 ========= eth0 [router] 198.18.0.254/24
 *            default via 198.18.0.254
 */
#include "netns/lab.h"
#include "lab_check.h"
#include "netns/lab_addr.h"
#include "netns/lab_view.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_ROUTE \
	"main unicast default via 198.18.0.254 dev eth0 proto static scope global metric 0"

struct pair {
	struct lab *lab;
	int client, router;
};

static void pair_new(struct pair *p)
{
	struct tf_err err = { "" };

	p->lab = lab_new();
	ck_assert_ptr_nonnull(p->lab);
	p->client = lab_host_add(p->lab, "client", &err);
	p->router = lab_host_add(p->lab, "router", &err);
	ck_assert_msg(p->client >= 0 && p->router >= 0, "%s", err.msg);
	ck_assert_msg(lab_veth_add(p->lab, p->client, "eth0", p->router, "eth0", &err) == 0, "%s",
		      err.msg);
	ck_assert_msg(lab_addr_add(p->lab, p->client, "eth0", "198.18.0.1/24", &err) == 0, "%s",
		      err.msg);
	ck_assert_msg(lab_addr_add(p->lab, p->router, "eth0", "198.18.0.254/24", &err) == 0, "%s",
		      err.msg);
	ck_assert_msg(lab_route_add(p->lab, p->client, "0.0.0.0/0", "198.18.0.254", &err) == 0,
		      "%s", err.msg);
}

static bool has_route(const struct lab_view *v, const char *want)
{
	for (int i = 0; i < v->n_routes; i++)
		if (!strcmp(v->routes[i].line, want))
			return true;
	return false;
}

static bool has_addr(const struct lab_view *v, const char *want)
{
	for (int i = 0; i < v->n_addrs; i++)
		if (!strcmp(v->addrs[i], want))
			return true;
	return false;
}

START_TEST(move_and_back_keeps_the_routes)
{
	static struct lab_view before, during, after;
	struct tf_err err = { "" };
	struct pair p;

	pair_new(&p);
	ck_assert_msg(lab_view_get(p.lab, p.client, &before, &err) == 0, "%s", err.msg);
	ck_assert(has_route(&before, DEFAULT_ROUTE));
	ck_assert_int_eq(lab_addr_move(p.lab, p.client, "198.18.0.1/24", "198.18.0.9", &err), 1);
	ck_assert_msg(lab_view_get(p.lab, p.client, &during, &err) == 0, "%s", err.msg);
	ck_assert(has_addr(&during, "eth0 inet 198.18.0.9/24 scope global"));
	ck_assert(!has_addr(&during, "eth0 inet 198.18.0.1/24 scope global"));
	ck_assert(has_route(&during, DEFAULT_ROUTE)); /* put back */
	ck_assert(has_route(&during, "main unicast 198.18.0.0/24 dev eth0 proto kernel scope link "
				     "src 198.18.0.9 metric 0"));
	ck_assert_int_eq(lab_addr_move(p.lab, p.client, "198.18.0.9", "198.18.0.1/24", &err), 1);
	ck_assert_msg(lab_view_get(p.lab, p.client, &after, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(after.n_addrs, before.n_addrs);
	for (int i = 0; i < before.n_addrs; i++)
		ck_assert_str_eq(after.addrs[i], before.addrs[i]);
	for (int i = 0; i < before.n_routes; i++)
		if (before.routes[i].family == AF_INET)
			ck_assert_msg(has_route(&after, before.routes[i].line), "gone: %s",
				      before.routes[i].line);
	lab_free(p.lab);
}
END_TEST

START_TEST(refusals_leave_the_host_alone)
{
	static struct lab_view v;
	struct tf_err err = { "" };
	struct pair p;

	pair_new(&p);
	ck_assert_int_eq(lab_addr_move(p.lab, p.client, "198.18.0.7", "198.18.0.9", &err), -ENOENT);
	ck_assert_int_eq(lab_addr_move(p.lab, p.client, "198.18.0.1", "10.0.0.9", &err), -EINVAL);
	ck_assert_int_eq(lab_addr_move(p.lab, p.client, "198.18.0.1", "198.18.0.1/24", &err),
			 -EEXIST);
	ck_assert_msg(lab_view_get(p.lab, p.client, &v, &err) == 0, "%s", err.msg);
	ck_assert(has_addr(&v, "eth0 inet 198.18.0.1/24 scope global"));
	ck_assert(has_route(&v, DEFAULT_ROUTE));
	lab_free(p.lab);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("lab_addr");
	TCase *tc = tcase_create("renumber");

	tcase_add_test(tc, move_and_back_keeps_the_routes);
	tcase_add_test(tc, refusals_leave_the_host_alone);
	tcase_set_timeout(tc, 20);
	suite_add_tcase(s, tc);
	return lab_check_run("test_lab_addr", s);
}
