/* test_lab_addr6.c - integration test of netns/lab_addr.c over IPv6: the
 * address readdress moves (lab_addr_move()) is really moved, as the kernel
 * and `ip -6` see it, and nothing outside 2001:2::/48 is ever configured.
 * Needs root; the program first moves into a private namespace, so the
 * host's is never touched.
 *
 *   [client] eth0 2001:2::1/64 ========= eth0 [router] 2001:2::254/64
 *            default via 2001:2::254
 *
 * Each claim is read back three ways: `ip -6 addr` and `ip -6 route` run
 * inside the namespace (iproute2's own netlink dumps, not libnl's), bind()
 * (the kernel gives EADDRNOTAVAIL for an address that is not the host's, or
 * is still tentative), and a datagram from the router to the new address
 * (neighbour discovery resolves it at the new place).
 */
#include "netns/lab.h"
#include "lab_check.h"
#include "netns/lab_addr.h"
#include "netns/lab_cidr.h"

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define PORT 9

struct pair {
	struct lab *lab;
	int client, router;
};

/* As the lab does over IPv6 (harness/run/lab_build.c): DAD off in the
 * namespace before its interfaces exist, so the link-local addresses that
 * neighbour discovery solicits from are usable at once. */
static void no_dad(struct lab *lab, int host)
{
	struct tf_err err = { "" };

	ck_assert_msg(lab_sysctl_set(lab, host, "net.ipv6.conf.default.accept_dad", "0", &err) == 0,
		      "%s", err.msg);
	ck_assert_msg(lab_sysctl_set(lab, host, "net.ipv6.conf.all.accept_dad", "0", &err) == 0,
		      "%s", err.msg);
}

static void pair_new(struct pair *p)
{
	struct tf_err err = { "" };

	p->lab = lab_new();
	ck_assert_ptr_nonnull(p->lab);
	p->client = lab_host_add(p->lab, "client", &err);
	p->router = lab_host_add(p->lab, "router", &err);
	ck_assert_msg(p->client >= 0 && p->router >= 0, "%s", err.msg);
	no_dad(p->lab, p->client);
	no_dad(p->lab, p->router);
	ck_assert_msg(lab_veth_add(p->lab, p->client, "eth0", p->router, "eth0", &err) == 0, "%s",
		      err.msg);
	ck_assert_msg(lab_addr_add(p->lab, p->client, "eth0", "2001:2::1/64", &err) == 0, "%s",
		      err.msg);
	ck_assert_msg(lab_addr_add(p->lab, p->router, "eth0", "2001:2::254/64", &err) == 0, "%s",
		      err.msg);
	ck_assert_msg(lab_route_add(p->lab, p->client, "::/0", "2001:2::254", &err) == 0, "%s",
		      err.msg);
}

/* The output of shell command @cmd run inside @host, into @buf. */
static void run_in(const struct pair *p, int host, const char *cmd, char *buf, size_t len)
{
	int saved = lab_enter(p->lab, host);
	size_t n = 0, got;
	FILE *f;

	ck_assert_int_ge(saved, 0);
	f = popen(cmd, "r");
	lab_leave(saved);
	ck_assert_msg(f != NULL, "popen %s", cmd);
	while (n + 1 < len && (got = fread(buf + n, 1, len - n - 1, f)) > 0)
		n += got;
	buf[n] = '\0';
	ck_assert_int_eq(pclose(f), 0);
}

/* Is @tok, an IPv6 address with or without /PLEN, one the lab may have
 * configured (2001:2::/48) or the kernel's own (link-local fe80::/10,
 * multicast ff00::/8, loopback ::1)? Other tokens are not addresses: true. */
static bool allowed_token(const char *tok)
{
	struct in6_addr a;
	struct lab_cidr c;
	char bare[64];

	snprintf(bare, sizeof(bare), "%s", tok);
	bare[strcspn(bare, "/")] = '\0';
	if (!strchr(bare, ':') || inet_pton(AF_INET6, bare, &a) != 1)
		return true;
	if (IN6_IS_ADDR_LINKLOCAL(&a) || IN6_IS_ADDR_MULTICAST(&a) || IN6_IS_ADDR_LOOPBACK(&a))
		return true;
	return lab_cidr_parse(tok, &c) == 0 && lab_cidr_in_range(&c);
}

/* Every address and route of @host's IPv6 configuration is allowed_token(). */
static void only_2001_2(const struct pair *p, int host)
{
	static char out[16384];
	const char *cmds[] = { "ip -6 -o addr show", "ip -6 route show table all" };

	for (size_t k = 0; k < sizeof(cmds) / sizeof(cmds[0]); k++) {
		char *save = NULL;

		run_in(p, host, cmds[k], out, sizeof(out));
		for (char *tok = strtok_r(out, " \t\n\\", &save); tok;
		     tok = strtok_r(NULL, " \t\n\\", &save))
			ck_assert_msg(allowed_token(tok),
				      "%s in host %d: %s is outside 2001:2::/48", cmds[k], host,
				      tok);
	}
}

/* bind() to [@ip]:PORT in @host: 0 or -errno. With @fd, the socket stays open there. */
static int bind_in(const struct pair *p, int host, const char *ip, int *fd)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_port = htons(PORT) };
	struct timeval tv = { .tv_sec = 3 };
	int saved = lab_enter(p->lab, host), s, ret;

	ck_assert_int_ge(saved, 0);
	ck_assert_int_eq(inet_pton(AF_INET6, ip, &sa.sin6_addr), 1);
	s = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	lab_leave(saved);
	ck_assert_int_ge(s, 0);
	ret = bind(s, (struct sockaddr *)&sa, sizeof(sa)) == 0 ? 0 : -errno;
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (ret == 0 && fd)
		*fd = s;
	else
		close(s);
	return ret;
}

/* A datagram from the router to [@ip]:PORT reaches @fd in the client. */
static void reaches(const struct pair *p, const char *ip, int fd)
{
	struct sockaddr_in6 to = { .sin6_family = AF_INET6, .sin6_port = htons(PORT) };
	int saved = lab_enter(p->lab, p->router), s;
	char buf[8];

	ck_assert_int_ge(saved, 0);
	s = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	lab_leave(saved);
	ck_assert_int_ge(s, 0);
	inet_pton(AF_INET6, ip, &to.sin6_addr);
	ck_assert_int_eq(sendto(s, "moved", 5, 0, (struct sockaddr *)&to, sizeof(to)), 5);
	close(s);
	ck_assert_msg(recv(fd, buf, sizeof(buf), 0) == 5, "nothing reached %s: %s", ip,
		      strerror(errno));
}

START_TEST(move_is_real)
{
	static char addrs[4096], routes[4096];
	struct tf_err err = { "" };
	struct pair p;
	int fd = -1;

	pair_new(&p);
	only_2001_2(&p, p.client);
	ck_assert_int_eq(lab_addr_move(p.lab, p.client, "2001:2::1/64", "2001:2::9", &err), 1);
	run_in(&p, p.client, "ip -6 -o addr show dev eth0 scope global", addrs, sizeof(addrs));
	ck_assert_msg(strstr(addrs, " inet6 2001:2::9/64 scope global "), "%s", addrs);
	ck_assert_msg(!strstr(addrs, " inet6 2001:2::1/"), "%s", addrs);
	ck_assert_msg(!strstr(addrs, "tentative"), "%s", addrs); /* NODAD: usable at once */
	run_in(&p, p.client, "ip -6 route show default", routes, sizeof(routes));
	ck_assert_msg(strstr(routes, "default via 2001:2::254 dev eth0"), "put back: %s", routes);
	run_in(&p, p.client, "ip -6 route show table local dev eth0", routes, sizeof(routes));
	ck_assert_msg(strstr(routes, "local 2001:2::9 "), "%s", routes);
	ck_assert_msg(!strstr(routes, "local 2001:2::1 "), "%s", routes);
	ck_assert_int_eq(bind_in(&p, p.client, "2001:2::1", NULL), -EADDRNOTAVAIL);
	ck_assert_int_eq(bind_in(&p, p.client, "2001:2::9", &fd), 0);
	reaches(&p, "2001:2::9", fd);
	close(fd);
	only_2001_2(&p, p.client);
	only_2001_2(&p, p.router);
	/* and back */
	ck_assert_int_eq(lab_addr_move(p.lab, p.client, "2001:2::9", "2001:2::1/64", &err), 1);
	run_in(&p, p.client, "ip -6 -o addr show dev eth0 scope global", addrs, sizeof(addrs));
	ck_assert_msg(strstr(addrs, " inet6 2001:2::1/64 scope global "), "%s", addrs);
	ck_assert_msg(!strstr(addrs, " inet6 2001:2::9/"), "%s", addrs);
	ck_assert_int_eq(bind_in(&p, p.client, "2001:2::9", NULL), -EADDRNOTAVAIL);
	ck_assert_int_eq(bind_in(&p, p.client, "2001:2::1", &fd), 0);
	reaches(&p, "2001:2::1", fd);
	close(fd);
	only_2001_2(&p, p.client);
	lab_free(p.lab);
}
END_TEST

START_TEST(outside_the_range_is_refused)
{
	static char addrs[4096];
	struct tf_err err = { "" };
	struct pair p;

	pair_new(&p);
	ck_assert_int_eq(lab_addr_move(p.lab, p.client, "2001:2::1", "2001:db8::9", &err), -EINVAL);
	ck_assert_int_eq(lab_addr_move(p.lab, p.client, "2001:2::1", "2001:2::9/32", &err),
			 -EINVAL);
	ck_assert_int_eq(lab_addr_add(p.lab, p.client, "eth0", "2001:3::1/64", &err), -EINVAL);
	run_in(&p, p.client, "ip -6 -o addr show dev eth0 scope global", addrs, sizeof(addrs));
	ck_assert_msg(strstr(addrs, " inet6 2001:2::1/64 scope global "), "%s", addrs);
	only_2001_2(&p, p.client);
	lab_free(p.lab);
}
END_TEST

/* What a neighbour needs to reach an address: the solicited-node group
 * joined (a solicitation for 2001:2::254 goes to ff02::1:ff00:254, and
 * /proc/net/igmp6 lists ff0200000000000000000001ff000254) and the local route.
 * lab_addr_wait_in_use() returns only once both are there. */
START_TEST(in_use_means_solicitations_are_answered)
{
	static char groups[8192], routes[4096];
	struct tf_err err = { "" };
	struct pair p;

	pair_new(&p);
	ck_assert_msg(lab_addr_wait_in_use(p.lab, p.router, "2001:2::254/64", 10000, &err) == 0,
		      "%s", err.msg);
	run_in(&p, p.router, "cat /proc/net/igmp6", groups, sizeof(groups));
	ck_assert_msg(strstr(groups, "ff0200000000000000000001ff000254"), "%s", groups);
	run_in(&p, p.router, "ip -6 route show table local", routes, sizeof(routes));
	ck_assert_msg(strstr(routes, "local 2001:2::254 "), "%s", routes);
	ck_assert_int_eq(lab_addr_wait_in_use(p.lab, p.router, "198.18.0.1", 10, &err), 0);
	ck_assert_int_eq(lab_addr_wait_in_use(p.lab, p.router, "2001:db8::1", 10, &err), -EINVAL);
	ck_assert_int_eq(lab_addr_wait_in_use(p.lab, p.router, "2001:2::77", 50, &err), -ETIMEDOUT);
	ck_assert_msg(strstr(err.msg, "no local route for 2001:2::77 after 50 ms"), "%s", err.msg);
	lab_free(p.lab);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("lab_addr6");
	TCase *tc = tcase_create("renumber6");

	tcase_add_test(tc, move_is_real);
	tcase_add_test(tc, outside_the_range_is_refused);
	tcase_add_test(tc, in_use_means_solicitations_are_answered);
	tcase_set_timeout(tc, 20);
	suite_add_tcase(s, tc);
	return lab_check_run("test_lab_addr6", s);
}
