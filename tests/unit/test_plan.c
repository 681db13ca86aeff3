/* test_plan.c - plans of parsed cases: hosts, addresses, cables, routes,
 * sysctls, a connect's resolved target, readdress addresses, a control
 * variant without its fault. No root: a plan is data. */
#include "plan/plan.h"

#include <arpa/inet.h>
#include <check.h>

#include "check_run.h"
#include <errno.h>
#include <string.h>

#include "case_check.h"

#define HEAD_PAIR "title t\n"
#define PEERS "server listen 8080\nclient connect server 8080\n"

static struct plan *plan_of(const struct case_def *c, bool control)
{
	struct tf_err err = { "" };
	struct plan *p = plan_build(c, &(struct plan_opts){ .control = control }, &err);

	ck_assert_msg(p != NULL, "plan_build: %s", err.msg);
	return p;
}

static int host_idx(const struct plan *p, const char *name)
{
	for (int h = 0; h < p->n_hosts; h++)
		if (!strcmp(p->hosts[h].name, name))
			return h;
	ck_abort_msg("no host %s", name);
	return -1;
}

/* The connect step's target as "ip:port". */
static void connect_target(const struct plan *p, char *buf, size_t len)
{
	for (int i = 0; i < p->n_steps; i++) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)&p->steps[i].target;
		char ip[INET_ADDRSTRLEN];

		if (p->steps[i].kind != CASE_STEP_CONNECT)
			continue;
		ck_assert_int_eq(sin->sin_family, AF_INET);
		inet_ntop(AF_INET, &sin->sin_addr, ip, sizeof(ip));
		snprintf(buf, len, "%s:%d", ip, ntohs(sin->sin_port));
		return;
	}
	ck_abort_msg("no connect step");
}

/* The value the plan sets for @key on @host last (a case line wins). */
static const char *sysctl_of(const struct plan *p, int host, const char *key)
{
	const char *v = NULL;

	for (int i = 0; i < p->n_sysctls; i++)
		if (p->sysctls[i].host == host && !strcmp(p->sysctls[i].key, key))
			v = p->sysctls[i].value;
	return v;
}

START_TEST(test_plan_pair)
{
	struct case_def *c = parse_ok(HEAD_PAIR "sysctl client net.ipv4.tcp_retries2=4\n" PEERS
						"at 0.5 kill server\nend 2\nexpect client eof\n");
	struct plan *p = plan_of(c, false);
	int cl = host_idx(p, "client"), sv = host_idx(p, "server");
	char buf[64];

	ck_assert_ptr_eq(p->c, c);
	ck_assert(!p->control);
	ck_assert_int_eq(p->n_hosts, 2);
	ck_assert_int_eq(p->hosts[cl].lab_index, cl);
	ck_assert_str_eq(p->hosts[cl].cidr, "198.18.0.1/24");
	ck_assert_str_eq(p->hosts[sv].cidr, "198.18.0.2/24");
	ck_assert_int_eq(p->bridge_host, -1);
	ck_assert_ptr_null(plan_cable(p, cl)); /* no switch: no cable to pull */
	ck_assert_int_eq(p->n_links, 1);
	ck_assert_int_eq(p->n_routes, 0);
	ck_assert_int_eq(p->forwarder, -1);
	ck_assert_int_eq(p->hosts[cl].n_ifaces, 2);
	ck_assert_str_eq(p->hosts[cl].ifaces[0], "lo");
	ck_assert_str_eq(p->hosts[cl].ifaces[1], "eth0");
	connect_target(p, buf, sizeof(buf));
	ck_assert_str_eq(buf, "198.18.0.2:8080");
	ck_assert_str_eq(sysctl_of(p, cl, "net.ipv4.tcp_retries2"), "4");
	ck_assert_ptr_nonnull(p->sysctls[p->n_sysctls - 1].loc); /* the case's line */
	ck_assert_str_eq(sysctl_of(p, sv, "net.ipv4.neigh.eth0.ucast_solicit"), "3");
	ck_assert_ptr_null(sysctl_of(p, sv, "net.ipv4.tcp_retries2"));
	ck_assert_int_eq(p->n_steps, c->n_steps);
	ck_assert_int_eq(p->steps[p->n_steps - 1].kind, CASE_STEP_KILL);
	ck_assert_int_eq(p->steps[p->n_steps - 1].at_ms, 500);
	ck_assert_int_eq(p->end_ms, 2000);
	plan_free(p);
	case_free(c);
}
END_TEST

START_TEST(test_plan_lan)
{
	struct case_def *c = parse_ok("title t\ntopology lan\n" PEERS
				      "at 0.5 unplug client\nat 1 replug client\nend 2\n"
				      "expect client no-error\n");
	struct plan *p = plan_of(c, false);
	int cl = host_idx(p, "client"), sw = host_idx(p, "switch");
	const struct plan_cable *cab = plan_cable(p, cl);

	ck_assert_int_eq(p->n_hosts, 3);
	ck_assert_int_eq(p->bridge_host, sw);
	ck_assert_str_eq(p->bridge, "br0");
	ck_assert_ptr_nonnull(cab);
	ck_assert_str_eq(cab->host_if, "eth0");
	ck_assert_int_eq(cab->switch_host, sw);
	ck_assert_str_eq(cab->port, "to-client");
	ck_assert_str_eq(plan_cable(p, host_idx(p, "server"))->port, "to-server");
	ck_assert_ptr_null(plan_cable(p, sw));
	ck_assert_ptr_null(p->hosts[sw].cidr); /* the switch only forwards frames */
	ck_assert_str_eq(p->hosts[sw].ifaces[1], "br0");
	ck_assert_int_eq(p->hosts[sw].n_ifaces, 4);
	for (int i = 0; i < p->n_links; i++)
		ck_assert(p->links[i].b_on_bridge && p->links[i].b == sw);
	plan_free(p);
	case_free(c);
}
END_TEST

START_TEST(test_plan_routed)
{
	struct case_def *c = parse_ok("title t\ntopology routed\n" PEERS
				      "at 1 readdress client 198.18.0.9 back after 2\nend 4\n"
				      "expect client no-error\n");
	struct plan *p = plan_of(c, false);
	int cl = host_idx(p, "client"), sv = host_idx(p, "server"), rt = host_idx(p, "router");
	const struct plan_step *re = NULL, *back = NULL;
	char buf[64];

	ck_assert_int_eq(p->n_hosts, 4);
	ck_assert_str_eq(p->hosts[sv].cidr, "198.18.1.2/24");
	ck_assert_str_eq(p->hosts[rt].cidr, "198.18.0.254/24");
	ck_assert_ptr_null(plan_cable(p, sv)); /* the server hangs off the router */
	ck_assert_str_eq(plan_cable(p, rt)->port, "to-router");
	ck_assert_int_eq(p->forwarder, rt);
	ck_assert_int_eq(p->n_routes, 2);
	ck_assert_int_eq(p->routes[0].host, cl);
	ck_assert_str_eq(p->routes[0].via, "198.18.0.254");
	ck_assert_int_eq(p->routes[1].host, sv);
	ck_assert_str_eq(p->routes[1].via, "198.18.1.254");
	connect_target(p, buf, sizeof(buf));
	ck_assert_str_eq(buf, "198.18.1.2:8080");
	for (int i = 0; i < p->n_steps; i++) {
		if (p->steps[i].kind != CASE_STEP_READDRESS)
			continue;
		if (p->steps[i].st->back)
			back = &p->steps[i];
		else
			re = &p->steps[i];
	}
	ck_assert(re && back);
	ck_assert_str_eq(re->addr_from, "198.18.0.1/24");
	ck_assert_str_eq(re->addr_to, "198.18.0.9");
	ck_assert_str_eq(back->addr_from, "198.18.0.9");
	ck_assert_str_eq(back->addr_to, "198.18.0.1/24");
	ck_assert_int_eq(back->at_ms, 3000);
	plan_free(p);
	case_free(c);
}
END_TEST

START_TEST(test_plan_control)
{
	struct case_def *c = parse_ok(HEAD_PAIR PEERS "at 0.5 kill server\nend 2\n"
						      "expect client eof\ncontrol without kill\n");
	struct plan *p = plan_of(c, true);
	struct tf_err err = { "" };
	struct case_def *plain;

	ck_assert(p->control);
	ck_assert_ptr_ne(p->c, c); /* the variant, owned by the plan */
	ck_assert_int_eq(p->n_steps, c->n_steps - 1);
	for (int i = 0; i < p->n_steps; i++)
		ck_assert_int_ne(p->steps[i].kind, CASE_STEP_KILL);
	ck_assert_int_eq(p->c->n_expects, c->n_expects);
	plan_free(p);
	/* no control in the case: no control plan */
	plain = parse_ok(HEAD_PAIR PEERS "end 1\nexpect client no-error\n");
	ck_assert_ptr_null(plan_build(plain, &(struct plan_opts){ .control = true }, &err));
	ck_assert_str_eq(err.msg, "the case has no control");
	case_free(plain);
	case_free(c);
}
END_TEST

/* Over IPv6: the same wiring in 2001:2::/48, neighbour discovery pinned and
 * the case's ARP lines mirrored, forwarding and DAD keys of IPv6. */
START_TEST(test_plan_routed6)
{
	struct case_def *c = parse_ok("title t\ntopology routed\n" PEERS
				      "sysctl router net.ipv4.neigh.eth0.ucast_solicit=1\n"
				      "at 1 readdress client 198.18.0.9 back after 2\nend 4\n"
				      "expect client no-error\n");
	struct tf_err err = { "" };
	struct plan *p = plan_build(c, &(struct plan_opts){ .family = 6 }, &err);
	int sv, rt;
	const struct sockaddr_in6 *sin6 = NULL;
	char ip[INET6_ADDRSTRLEN], buf[64];

	ck_assert_msg(p != NULL, "plan_build: %s", err.msg);
	sv = host_idx(p, "server");
	rt = host_idx(p, "router");
	ck_assert_int_eq(p->family, 6);
	ck_assert_str_eq(p->hosts[sv].cidr, "2001:2:0:1::2/64");
	ck_assert_str_eq(p->hosts[host_idx(p, "client")].cidr, "2001:2::1/64");
	ck_assert_str_eq(p->routes[0].dst, "::/0");
	ck_assert_str_eq(p->routes[0].via, "2001:2::254");
	ck_assert_str_eq(p->routes[1].via, "2001:2:0:1::254");
	ck_assert_str_eq(p->forward_key, "net.ipv6.conf.all.forwarding");
	ck_assert_str_eq(sysctl_of(p, rt, "net.ipv6.neigh.eth0.ucast_solicit"), "1");
	ck_assert_str_eq(sysctl_of(p, rt, "net.ipv6.neigh.eth1.ucast_solicit"), "3");
	ck_assert_str_eq(sysctl_of(p, sv, "net.ipv6.conf.eth0.accept_dad"), "0");
	for (int i = 0; i < p->n_steps; i++) {
		if (p->steps[i].kind == CASE_STEP_CONNECT)
			sin6 = (const struct sockaddr_in6 *)&p->steps[i].target;
		if (p->steps[i].kind == CASE_STEP_READDRESS && !p->steps[i].st->back)
			ck_assert_str_eq(p->steps[i].addr_to, "2001:2::9");
	}
	ck_assert(sin6 && sin6->sin6_family == AF_INET6);
	inet_ntop(AF_INET6, &sin6->sin6_addr, ip, sizeof(ip));
	ck_assert_str_eq(ip, "2001:2:0:1::2");
	ck_assert_int_eq(plan_family_text("10.0.0.1/24", buf, sizeof(buf)), -EINVAL);
	ck_assert_int_eq(plan_family_text("198.18.0.1/16", buf, sizeof(buf)), -EINVAL);
	ck_assert_int_eq(plan_family_text("198.19.3.4/32", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "2001:2:1:3::4/128");
	plan_free(p);
	/* without a family the plan is IPv4's, as before */
	p = plan_of(c, false);
	ck_assert_int_eq(p->family, 4);
	ck_assert_ptr_null(sysctl_of(p, rt, "net.ipv6.neigh.eth0.ucast_solicit"));
	ck_assert_str_eq(p->forward_key, "net.ipv4.ip_forward");
	plan_free(p);
	case_free(c);
}
END_TEST

/* Is @host's address on @ifname added without IFA_F_NODAD? */
static bool addr_dad(const struct plan *p, int host, const char *ifname)
{
	for (int i = 0; i < p->n_addrs; i++)
		if (p->addrs[i].host == host && !strcmp(p->addrs[i].ifname, ifname))
			return p->addrs[i].dad;
	ck_abort_msg("no address on %s", ifname);
	return false;
}

/* DAD on where the case's own accept_dad line turns it on (an interface's
 * or "all"'s, 1 or 2), over IPv6 only; the lab's 0 everywhere else. */
START_TEST(test_plan_dad6)
{
	struct case_def *c = parse_ok("title t\ntopology routed\n" PEERS
				      "sysctl client net.ipv6.conf.eth0.accept_dad=1\n"
				      "sysctl server net.ipv6.conf.all.accept_dad=2\n"
				      "sysctl router net.ipv6.conf.eth1.accept_dad=0\n"
				      "expect client no-error\n");
	struct tf_err err = { "" };
	struct plan *p = plan_build(c, &(struct plan_opts){ .family = 6 }, &err);
	int cl, sv, rt;

	ck_assert_msg(p != NULL, "plan_build: %s", err.msg);
	cl = host_idx(p, "client");
	sv = host_idx(p, "server");
	rt = host_idx(p, "router");
	ck_assert(addr_dad(p, cl, "eth0") && p->hosts[cl].dad);
	ck_assert(addr_dad(p, sv, "eth0") && p->hosts[sv].dad);
	ck_assert(!addr_dad(p, rt, "eth0") && !addr_dad(p, rt, "eth1") && !p->hosts[rt].dad);
	/* the case's line comes after the lab's 0 and wins */
	ck_assert_str_eq(sysctl_of(p, cl, "net.ipv6.conf.eth0.accept_dad"), "1");
	ck_assert_str_eq(sysctl_of(p, rt, "net.ipv6.conf.eth0.accept_dad"), "0");
	plan_free(p);
	p = plan_of(c, false); /* IPv4: no address is tentative */
	for (int i = 0; i < p->n_addrs; i++)
		ck_assert(!p->addrs[i].dad);
	plan_free(p);
	case_free(c);
}
END_TEST

static Suite *plan_suite(void)
{
	Suite *s = suite_create("plan");
	TCase *tc = tcase_create("plan");

	tcase_add_test(tc, test_plan_pair);
	tcase_add_test(tc, test_plan_lan);
	tcase_add_test(tc, test_plan_routed);
	tcase_add_test(tc, test_plan_routed6);
	tcase_add_test(tc, test_plan_dad6);
	tcase_add_test(tc, test_plan_control);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(plan_suite());
}
