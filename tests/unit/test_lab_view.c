/* test_lab_view.c - a neighbour entry as lab_view writes it
 * (netns/lab_view.c, lab_view_neigh_line()): ARP's and neighbour
 * discovery's, every NUD state by name, the router flag only neighbour
 * discovery sets. Pure: no netlink, no root. */
#include "netns/lab_view.h"

#include <check.h>

#include "check_run.h"
#include <linux/neighbour.h>
#include <string.h>

static const struct {
	struct lab_view_neigh_entry e;
	const char *line;
} neigh_cases[] = {
	/* ARP's lines as before neighbour discovery's were recorded */
	{ { "198.18.0.2", "eth0", "02:00:00:00:00:02", NUD_REACHABLE, 0 },
	  "198.18.0.2 dev eth0 lladdr 02:00:00:00:00:02 reachable" },
	{ { "198.18.0.1", "eth0", NULL, NUD_INCOMPLETE, 0 },
	  "198.18.0.1 dev eth0 lladdr none incomplete" },
	/* neighbour discovery: the states a replug can find (RFC 4861 7.3.2) */
	{ { "2001:2::1", "eth0", "", NUD_INCOMPLETE, 0 },
	  "2001:2::1 dev eth0 lladdr none incomplete" },
	{ { "2001:2::2", "eth0", "02:00:00:00:00:02", NUD_REACHABLE, 0 },
	  "2001:2::2 dev eth0 lladdr 02:00:00:00:00:02 reachable" },
	{ { "2001:2::2", "eth0", "02:00:00:00:00:02", NUD_STALE, 0 },
	  "2001:2::2 dev eth0 lladdr 02:00:00:00:00:02 stale" },
	{ { "2001:2::2", "eth0", "02:00:00:00:00:02", NUD_DELAY, 0 },
	  "2001:2::2 dev eth0 lladdr 02:00:00:00:00:02 delay" },
	{ { "2001:2::2", "eth0", "02:00:00:00:00:02", NUD_PROBE, 0 },
	  "2001:2::2 dev eth0 lladdr 02:00:00:00:00:02 probe" },
	{ { "2001:2::1", "eth0", NULL, NUD_FAILED, 0 }, "2001:2::1 dev eth0 lladdr none failed" },
	{ { "ff02::2", "eth0", "33:33:00:00:00:02", NUD_NOARP, 0 },
	  "ff02::2 dev eth0 lladdr 33:33:00:00:00:02 noarp" },
	{ { "2001:2::9", "eth0", "02:00:00:00:00:09", NUD_PERMANENT, 0 },
	  "2001:2::9 dev eth0 lladdr 02:00:00:00:00:09 permanent" },
	/* a router's advertisements set NTF_ROUTER (ndisc_recv_na()) */
	{ { "2001:2::254", "eth0", "02:00:00:00:00:fe", NUD_STALE, NTF_ROUTER },
	  "2001:2::254 dev eth0 lladdr 02:00:00:00:00:fe router stale" },
	/* NUD_NONE: made, not yet resolving */
	{ { "2001:2::3", "eth1", NULL, NUD_NONE, 0 }, "2001:2::3 dev eth1 lladdr none none" },
};

START_TEST(test_neigh_line)
{
	char buf[LAB_VIEW_LINE];
	int i = _i;

	ck_assert(lab_view_neigh_line(buf, sizeof(buf), &neigh_cases[i].e));
	ck_assert_str_eq(buf, neigh_cases[i].line);
}
END_TEST

START_TEST(test_neigh_line_truncated)
{
	char buf[16];

	static const struct lab_view_neigh_entry e = { "2001:2::2", "eth0", "02:00:00:00:00:02",
						       NUD_REACHABLE, 0 };

	ck_assert(!lab_view_neigh_line(buf, sizeof(buf), &e));
	ck_assert_str_eq(buf, "2001:2::2 dev e");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("lab_view");
	TCase *tc = tcase_create("neigh");

	tcase_add_loop_test(tc, test_neigh_line, 0,
			    (int)(sizeof(neigh_cases) / sizeof(neigh_cases[0])));
	tcase_add_test(tc, test_neigh_line_truncated);
	suite_add_tcase(s, tc);
	return check_run(s);
}
