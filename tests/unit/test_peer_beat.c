/* test_peer_beat.c - the peer's application heartbeat (harness/peer_beat.c)
 * on a socketpair, no namespace, no root: the pinging side's rhythm and miss
 * count (K unanswered pings in a row declare HEARTBEAT_TIMEOUT, K x T after
 * the first unanswered one), the answering side's echo of counts and its
 * watch (K x T + T / 2 without a ping). The clock is the test's: every tick
 * is given its "now".
 */
#include "peer/peer_int.h"

#include <check.h>

#include "check_run.h"
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MS 1000000LL

struct rig {
	struct peer_state *st;
	struct peer_conf conf;
	int other; /* the far end of the connection */
	int ev_rd; /* the peer's JSON lines */
};

static void rig_open(struct rig *r)
{
	int sv[2], ev[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv), 0);
	ck_assert_int_eq(pipe2(ev, O_CLOEXEC | O_NONBLOCK), 0);
	r->conf = (struct peer_conf){ .name = "server", .netns_fd = -1 };
	r->st = calloc(1, sizeof(*r->st));
	ck_assert_ptr_nonnull(r->st);
	*r->st = (struct peer_state){ .conf = &r->conf,
				      .cmd_fd = -1,
				      .ev_fd = ev[1],
				      .lfd = -1,
				      .cfd = sv[0],
				      .reading = true,
				      .rx_bad_at = -1 };
	peer_fill_pattern(r->st);
	r->other = sv[1];
	r->ev_rd = ev[0];
}

/* Bytes waiting at the far end (read and dropped). */
static ssize_t rig_drain(struct rig *r)
{
	char buf[256];
	ssize_t n = read(r->other, buf, sizeof(buf));

	return n < 0 ? 0 : n;
}

/* The peer's lines so far, as one string (static buffer). */
static const char *rig_lines(struct rig *r)
{
	static char buf[16384];
	ssize_t n = read(r->ev_rd, buf, sizeof(buf) - 1);

	buf[n < 0 ? 0 : n] = '\0';
	return buf;
}

static int count_of(const char *s, const char *needle)
{
	int n = 0;

	for (s = strstr(s, needle); s; s = strstr(s + 1, needle))
		n++;
	return n;
}

START_TEST(ping_declares_after_k_misses)
{
	struct rig r;
	struct peer_cmd cmd = { .kind = PEER_CMD_HEARTBEAT, .every_ms = 1000, .misses = 3 };
	int64_t t0;
	const char *lines;

	rig_open(&r);
	ck_assert(peer_beat_cmd_ping(r.st, &cmd));
	ck_assert_int_eq(rig_drain(&r), 1); /* the first ping, at once */
	t0 = r.st->beat.next_ns - 1000 * MS;
	/* answered twice: no miss */
	for (int i = 1; i <= 2; i++) {
		peer_beat_rx(r.st, 1, t0 + i * 1000 * MS - 500 * MS);
		ck_assert_int_eq(peer_beat_due(r.st), t0 + i * 1000 * MS);
		peer_beat_tick(r.st, t0 + i * 1000 * MS);
		ck_assert_int_eq(r.st->beat.missed, 0);
		ck_assert_int_eq(rig_drain(&r), 1);
	}
	/* the other side dies: the ping at 2 s is the first unanswered one */
	peer_beat_tick(r.st, t0 + 2500 * MS); /* not due: nothing */
	ck_assert_int_eq(rig_drain(&r), 0);
	for (int i = 3; i <= 4; i++) {
		peer_beat_tick(r.st, t0 + i * 1000 * MS);
		ck_assert_int_eq(r.st->beat.missed, i - 2);
		ck_assert(!r.st->beat.dead);
	}
	peer_beat_tick(r.st, t0 + 5000 * MS); /* 3 x T after the ping at 2 s */
	ck_assert(r.st->beat.dead);
	ck_assert_int_eq(peer_beat_due(r.st), 0);
	ck_assert_int_eq(r.st->beat.pings, 5);
	lines = rig_lines(&r);
	ck_assert_int_eq(count_of(lines, "\"errno\":\"HEARTBEAT_TIMEOUT\""), 1);
	ck_assert_int_eq(count_of(lines, "\"call\":\"heartbeat\""),
			 1 + 3 + 1); /* start, 3 misses, dead */
	/* dead: no more pings, however late */
	peer_beat_tick(r.st, t0 + 9000 * MS);
	ck_assert_int_eq(rig_drain(&r), 2); /* the pings at 3 and 4 s; none after */
	free(r.st);
}
END_TEST

START_TEST(answer_echoes_counts_and_watches)
{
	struct rig r;
	struct peer_cmd cmd = { .kind = PEER_CMD_ANSWER, .every_ms = 1000, .misses = 3 };
	int64_t t;

	rig_open(&r);
	ck_assert(peer_beat_cmd_answer(r.st, &cmd));
	t = r.st->beat.next_ns - 3500 * MS; /* the watch starts with the command */
	peer_beat_rx(r.st, 5, t + 100 * MS);
	ck_assert_int_eq(rig_drain(&r), 5); /* one byte back per byte received */
	ck_assert_int_eq(peer_beat_due(r.st), t + 3600 * MS); /* K x T + T / 2 from it */
	peer_beat_tick(r.st, t + 3599 * MS);
	ck_assert(!r.st->beat.dead);
	peer_beat_tick(r.st, t + 3600 * MS);
	ck_assert(r.st->beat.dead);
	ck_assert_int_eq(count_of(rig_lines(&r), "\"role\":\"answer\",\"missed\":3"), 1);
	/* still answers after declaring */
	peer_beat_rx(r.st, 2, t + 4000 * MS);
	ck_assert_int_eq(rig_drain(&r), 2);
	free(r.st);
}
END_TEST

START_TEST(answer_alone_never_declares)
{
	struct rig r;
	struct peer_cmd cmd = { .kind = PEER_CMD_ANSWER };

	rig_open(&r);
	ck_assert(peer_beat_cmd_answer(r.st, &cmd));
	ck_assert_int_eq(peer_beat_due(r.st), 0);
	peer_beat_tick(r.st, INT64_MAX / 2);
	ck_assert(!r.st->beat.dead);
	peer_beat_rx(r.st, 1, 0);
	ck_assert_int_eq(rig_drain(&r), 1);
	free(r.st);
}
END_TEST

START_TEST(no_connection_is_enotconn)
{
	struct rig r;
	struct peer_cmd cmd = { .kind = PEER_CMD_HEARTBEAT, .every_ms = 1000, .misses = 3 };

	rig_open(&r);
	close(r.st->cfd);
	r.st->cfd = -1;
	ck_assert(peer_beat_cmd_ping(r.st, &cmd));
	ck_assert_int_eq(r.st->beat.every_ns, 0);
	ck_assert_int_eq(count_of(rig_lines(&r), "\"errno\":\"ENOTCONN\""), 1);
	free(r.st);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("peer_beat");
	TCase *tc = tcase_create("heartbeat");

	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, ping_declares_after_k_misses);
	tcase_add_test(tc, answer_echoes_counts_and_watches);
	tcase_add_test(tc, answer_alone_never_declares);
	tcase_add_test(tc, no_connection_is_enotconn);
	suite_add_tcase(s, tc);
	return check_run(s);
}
