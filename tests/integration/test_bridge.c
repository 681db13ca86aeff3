/* test_bridge.c - integration tests of netns/lab_bridge.c and netns/lab_view.c:
 * a switch (bridge) namespace between two hosts, a cable pulled by downing the
 * switch port, and the host's view before, during and after. Needs root; the
 * program first moves into a private namespace, so the host's is never touched.
 *
 *   [client] eth0 198.18.0.1/24 === to-client ┐
 *                                             ├ br0 [switch]
 *   [server] eth0 198.18.0.2/24 === to-server ┘
 */
#include "netns/lab.h"
#include "lab_check.h"
#include "netns/lab_view.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct lan {
	struct lab *lab;
	int client, server, sw;
};

static void lan_new(struct lan *l)
{
	struct tf_err err = { "" };

	l->lab = lab_new();
	ck_assert_ptr_nonnull(l->lab);
	l->client = lab_host_add(l->lab, "client", &err);
	l->server = lab_host_add(l->lab, "server", &err);
	l->sw = lab_host_add(l->lab, "switch", &err);
	ck_assert_msg(l->client >= 0 && l->server >= 0 && l->sw >= 0, "%s", err.msg);
	ck_assert_msg(lab_bridge_add(l->lab, l->sw, "br0", &err) == 0, "%s", err.msg);
	ck_assert_msg(lab_veth_add(l->lab, l->client, "eth0", l->sw, "to-client", &err) == 0, "%s",
		      err.msg);
	ck_assert_msg(lab_veth_add(l->lab, l->server, "eth0", l->sw, "to-server", &err) == 0, "%s",
		      err.msg);
	ck_assert_msg(lab_link_set_master(l->lab, l->sw, "to-client", "br0", &err) == 0, "%s",
		      err.msg);
	ck_assert_msg(lab_link_set_master(l->lab, l->sw, "to-server", "br0", &err) == 0, "%s",
		      err.msg);
	ck_assert_msg(lab_addr_add(l->lab, l->client, "eth0", "198.18.0.1/24", &err) == 0, "%s",
		      err.msg);
	ck_assert_msg(lab_addr_add(l->lab, l->server, "eth0", "198.18.0.2/24", &err) == 0, "%s",
		      err.msg);
	ck_assert_msg(lab_link_wait_oper_up(l->lab, l->client, "eth0", 3000, &err) == 0, "%s",
		      err.msg);
	ck_assert_msg(lab_link_wait_oper_up(l->lab, l->sw, "to-client", 3000, &err) == 0, "%s",
		      err.msg);
}

static bool has_line(const char *base, size_t stride, int n, const char *want)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(base + (size_t)i * stride, want))
			return true;
	return false;
}

static const struct lab_view_link *find_link(const struct lab_view *v, const char *prefix)
{
	for (int i = 0; i < v->n_links; i++)
		if (!strncmp(v->links[i].line, prefix, strlen(prefix)))
			return &v->links[i];
	return NULL;
}

START_TEST(switch_ports_are_enslaved)
{
	struct tf_err err = { "" };
	static struct lab_view v;
	struct lan l;

	lan_new(&l);
	ck_assert_msg(lab_view_get(l.lab, l.sw, &v, &err) == 0, "%s", err.msg);
	ck_assert_ptr_nonnull(find_link(&v, "to-client up master br0"));
	ck_assert_ptr_nonnull(find_link(&v, "to-server up master br0"));
	ck_assert_ptr_nonnull(find_link(&v, "br0 up"));
	for (int i = 0; i < v.n_addrs; i++) /* the switch has no IPv4 address of its own */
		ck_assert_msg(strncmp(v.addrs[i], "lo ", 3) == 0 ||
				      strstr(v.addrs[i], " inet ") == NULL,
			      "%s", v.addrs[i]);
	lab_free(l.lab);
}
END_TEST

/* A pull in the switch: the host stays admin-up, loses carrier, keeps its
 * address and connected route (flagged linkdown); the replug gives it all back. */
START_TEST(unplug_keeps_the_host_configuration)
{
	static const char route[] =
		"main unicast 198.18.0.0/24 dev eth0 proto kernel scope link src 198.18.0.1 metric 0";
	static struct lab_view before, during, after;
	struct tf_err err = { "" };
	const struct lab_view_link *eth0;
	struct lan l;
	int i;

	lan_new(&l);
	ck_assert_msg(lab_view_get(l.lab, l.client, &before, &err) == 0, "%s", err.msg);
	ck_assert_msg(lab_link_set_up(l.lab, l.sw, "to-client", false, &err) == 0, "%s", err.msg);
	ck_assert_msg(lab_link_wait_carrier(l.lab, l.client, "eth0", false, 2000, &err) == 0, "%s",
		      err.msg);
	ck_assert_msg(lab_view_get(l.lab, l.client, &during, &err) == 0, "%s", err.msg);
	eth0 = find_link(&during, "eth0 ");
	ck_assert_ptr_nonnull(eth0);
	ck_assert_str_eq(eth0->line, "eth0 up");
	ck_assert(!eth0->carrier);
	ck_assert(has_line(during.addrs[0], sizeof(during.addrs[0]), during.n_addrs,
			   "eth0 inet 198.18.0.1/24 scope global"));
	for (i = 0; i < during.n_routes && strcmp(during.routes[i].line, route); i++)
		;
	ck_assert_msg(i < during.n_routes, "connected route gone during the unplug");
	ck_assert(during.routes[i].linkdown);

	ck_assert_msg(lab_link_set_up(l.lab, l.sw, "to-client", true, &err) == 0, "%s", err.msg);
	ck_assert_msg(lab_link_wait_carrier(l.lab, l.client, "eth0", true, 2000, &err) == 0, "%s",
		      err.msg);
	ck_assert_msg(lab_view_get(l.lab, l.client, &after, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(after.n_addrs, before.n_addrs);
	for (i = 0; i < before.n_addrs; i++)
		ck_assert_str_eq(after.addrs[i], before.addrs[i]);
	ck_assert(has_line(after.routes[0].line, sizeof(after.routes[0]), after.n_routes, route));
	lab_free(l.lab);
}
END_TEST

START_TEST(wait_carrier_times_out)
{
	struct tf_err err = { "" };
	struct lan l;

	lan_new(&l);
	ck_assert_int_eq(lab_link_wait_carrier(l.lab, l.client, "eth0", false, 50, &err),
			 -ETIMEDOUT);
	ck_assert_msg(strstr(err.msg, "still has carrier"), "%s", err.msg);
	lab_free(l.lab);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("bridge");
	TCase *tc = tcase_create("switch");

	tcase_add_test(tc, switch_ports_are_enslaved);
	tcase_add_test(tc, unplug_keeps_the_host_configuration);
	tcase_add_test(tc, wait_carrier_times_out);
	tcase_set_timeout(tc, 20);
	suite_add_tcase(s, tc);
	return lab_check_run("test_bridge", s);
}
