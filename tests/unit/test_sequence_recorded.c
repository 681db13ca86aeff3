/* test_sequence_recorded.c - sequence diagrams of recorded captures (the
 * events.jsonl of real runs, kept in tests/fixtures/report-run): a segment a
 * host dropped is never drawn as delivered to it (issue 16, item 7).
 *
 * host-crash/retries2-15: the client crashes at 0.507 s; the server's data
 * and its 16 retransmissions all reach the client's interface (its capture
 * sees them) and are dropped there by the black hole, though the drop log has
 * records of only 15 of them.
 */
#include "report/sequence.h"

#include <check.h>

#include "check_run.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIXTURE "tests/fixtures/report-run/"

static struct timeline *load(const char *path)
{
	struct timeline *tl;
	char *line = NULL;
	size_t cap = 0;
	int ret;
	FILE *f = fopen(path, "re");

	ck_assert_msg(f, "%s (run from the top of the tree)", path);
	tl = timeline_new(NULL, &ret);
	ck_assert_ptr_nonnull(tl);
	while (getline(&line, &cap, f) > 0) {
		json_t *ev = json_loads(line, 0, NULL);

		ck_assert_ptr_nonnull(ev);
		ck_assert_int_eq(timeline_add(tl, ev), 0);
	}
	free(line);
	fclose(f);
	return tl;
}

static struct sequence *build(struct timeline *tl, const char *const *hosts, int n)
{
	static const bool captured[] = { true, true, true, true };
	struct sequence_conf conf = {
		.title = "t", .hosts = hosts, .n_hosts = n, .captured = captured
	};

	return sequence_build(&conf, tl);
}

START_TEST(crashed_host_drops_everything)
{
	static const char *const hosts[] = { "client", "server", "switch" };
	struct timeline *tl = load(FIXTURE "host-crash/retries2-15/events.jsonl");
	struct sequence *sq = build(tl, hosts, 3);
	int to_client = 0;

	ck_assert_ptr_nonnull(sq);
	for (int i = 0; i < sq->n_rows; i++) {
		const struct sequence_row *r = &sq->rows[i];

		if (r->kind != SEQUENCE_ROW_SEG || r->t_us < 507000 || r->to_col != 0)
			continue;
		to_client++;
		ck_assert_msg(r->fate == SEQUENCE_LOST,
			      "%.3f s: %s drawn delivered to the crashed client",
			      (double)r->t_us / 1e6, r->text);
		ck_assert_int_eq(r->drop_col, 0);
		ck_assert_ptr_nonnull(strstr(r->text, "drop host-crash"));
	}
	ck_assert_int_ge(to_client, 4); /* the first ones, and the last after the fold */
	ck_assert_int_eq(sq->n_lost, 17); /* the data and its 16 retransmissions */
	sequence_free(sq);
	timeline_free(tl);
}
END_TEST

/* Before the crash and without one, arrivals stay delivered. */
START_TEST(no_crash_no_drop)
{
	static const char *const hosts[] = { "client", "server" };
	struct timeline *tl = load(FIXTURE "process-crash/idle-eof/events.jsonl");
	struct sequence *sq = build(tl, hosts, 2);

	ck_assert_ptr_nonnull(sq);
	ck_assert_int_gt(sq->n_segs, 3);
	ck_assert_int_eq(sq->n_lost, 0);
	sequence_free(sq);
	timeline_free(tl);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sequence_recorded");
	TCase *tc = tcase_create("recorded");

	tcase_add_test(tc, crashed_host_drops_everything);
	tcase_add_test(tc, no_crash_no_drop);
	suite_add_tcase(s, tc);
	return check_run(s);
}
