/* test_fault_json.c - a cable pull's record as case.json writes it
 * (harness/report/fault_json.c): the neighbour entries of both families, ARP's
 * under "neighbours" and neighbour discovery's under "neighbours6", in the
 * snapshots that carry the host's state and in every host's entries at the
 * replug. No root. */
#include "report/fault_json.h"

#include <check.h>

#include "check_run.h"
#include <stdlib.h>
#include <string.h>

static void put(char (*lines)[LAB_VIEW_LINE], int *n, const char *line)
{
	snprintf(lines[(*n)++], LAB_VIEW_LINE, "%s", line);
}

/* A client unplugged and replugged; the server had given up on it over
 * neighbour discovery, and still has its IPv4 entry. */
static void record_replug(struct fault_record *r)
{
	struct fault_cable_event *ev;

	fault_record_touch(r, FAULT_REC_CABLE, 0);
	ev = fault_record_grow(&r->cable[0], &r->n_cable[0], &r->cap_cable[0], sizeof(*ev));
	ck_assert_ptr_nonnull(ev);
	snprintf(ev->port, sizeof(ev->port), "to-client");
	ev->before = fault_snap_new();
	ev->during = fault_snap_new();
	ev->after = fault_snap_new();
	ev->neighbours = calloc(1, sizeof(*ev->neighbours));
	ck_assert(ev->before && ev->during && ev->after && ev->neighbours);
	ev->during->with_state = true;
	ev->after->with_state = true;
	put(ev->after->view.neighs6, &ev->after->view.n_neighs6,
	    "ff02::2 dev eth0 lladdr 33:33:00:00:00:02 noarp");
	ev->neighbours->read[0] = ev->neighbours->read[1] = true;
	put(ev->neighbours->lines6[1], &ev->neighbours->n6[1],
	    "2001:2::1 dev eth0 lladdr none failed");
	put(ev->neighbours->lines6[1], &ev->neighbours->n6[1],
	    "2001:2::254 dev eth0 lladdr 02:00:00:00:00:fe router stale");
	put(ev->neighbours->lines[1], &ev->neighbours->n[1],
	    "198.18.0.1 dev eth0 lladdr 02:00:00:00:00:01 stale");
	ev->same = 1;
}

static const char *line_at(const json_t *arr, size_t i)
{
	ck_assert(json_is_array(arr));
	return json_string_value(json_array_get(arr, i));
}

START_TEST(test_cable_neighbours6)
{
	static struct case_def c = { .n_hosts = 2 };
	struct fault_record r = { 0 };
	json_t *root, *ev, *all6, *all4;

	snprintf(c.hosts[0], sizeof(c.hosts[0]), "client");
	snprintf(c.hosts[1], sizeof(c.hosts[1]), "server");
	record_replug(&r);
	root = fault_json(&r, &c);
	ev = json_array_get(json_object_get(json_object_get(root, "cable"), "client"), 0);
	ck_assert_ptr_nonnull(ev);
	/* a snapshot without the host's state has no neighbour entries */
	ck_assert_ptr_null(json_object_get(json_object_get(ev, "before"), "neighbours6"));
	ck_assert_int_eq(
		json_array_size(json_object_get(json_object_get(ev, "during"), "neighbours6")), 0);
	ck_assert_str_eq(line_at(json_object_get(json_object_get(ev, "after"), "neighbours6"), 0),
			 "ff02::2 dev eth0 lladdr 33:33:00:00:00:02 noarp");
	ck_assert_int_eq(
		json_array_size(json_object_get(json_object_get(ev, "after"), "neighbours")), 0);
	all6 = json_object_get(ev, "neighbours6");
	all4 = json_object_get(ev, "neighbours");
	ck_assert_int_eq(json_array_size(json_object_get(all6, "client")), 0);
	ck_assert_int_eq(json_array_size(json_object_get(all6, "server")), 2);
	ck_assert_str_eq(line_at(json_object_get(all6, "server"), 0),
			 "2001:2::1 dev eth0 lladdr none failed");
	ck_assert_str_eq(line_at(json_object_get(all6, "server"), 1),
			 "2001:2::254 dev eth0 lladdr 02:00:00:00:00:fe router stale");
	ck_assert_int_eq(json_array_size(json_object_get(all4, "server")), 1);
	ck_assert_str_eq(line_at(json_object_get(all4, "server"), 0),
			 "198.18.0.1 dev eth0 lladdr 02:00:00:00:00:01 stale");
	json_decref(root);
	fault_record_free(&r);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("fault_json");
	TCase *tc = tcase_create("cable");

	tcase_add_test(tc, test_cable_neighbours6);
	suite_add_tcase(s, tc);
	return check_run(s);
}
