/* test_sequence.c - sequence diagram layout (harness/sequence.c) and its
 * renderers on synthetic timelines: matching a segment's two copies, lost
 * segments, notes, faults, collapsing repeats, the row cap, text and SVG.
 */
#include "report/sequence.h"

#include <check.h>

#include "check_run.h"
#include <stdlib.h>
#include <string.h>

#include "obs/wire.h"

static const char *const hosts[] = { "client", "server" };

static char *render(const struct sequence *sq, int (*fn)(const struct sequence *, FILE *));

/* One copy of a segment as capture.c writes it. */
static json_t *wire_ev(int64_t t_us, const char *host, bool out, bool c2s, const char *flags,
		       int seq, int ack, int len)
{
	return json_pack("{sI sI ss ss ss ss ss ss ss ss si si si si}", "t_ms",
			 (json_int_t)(t_us / 1000), "t_us", (json_int_t)t_us, "src", "wire", "host",
			 host, "dir", out ? "out" : "in", "from",
			 c2s ? "198.18.0.1:40000" : "198.18.0.2:8080", "to",
			 c2s ? "198.18.0.2:8080" : "198.18.0.1:40000", "from_host",
			 c2s ? "client" : "server", "to_host", c2s ? "server" : "client", "flags",
			 flags, "seq", seq, "ack", ack, "len", len, "win", 500);
}

/* A segment seen leaving and (unless @lost) arriving 50 us later. */
static void seg(struct timeline *tl, int64_t t_us, bool c2s, const char *flags, int seq, int ack,
		int len, bool lost)
{
	ck_assert_int_eq(timeline_add(tl, wire_ev(t_us, c2s ? "client" : "server", true, c2s, flags,
						  seq, ack, len)),
			 0);
	if (!lost)
		ck_assert_int_eq(timeline_add(tl, wire_ev(t_us + 50, c2s ? "server" : "client",
							  false, c2s, flags, seq, ack, len)),
				 0);
}

static void peer(struct timeline *tl, int64_t t_us, const char *host, const char *call, int ret,
		 const char *eno)
{
	json_t *ev = json_pack("{sI sI ss ss ss si}", "t_ms", (json_int_t)(t_us / 1000), "t_us",
			       (json_int_t)t_us, "src", host, "peer", host, "call", call, "ret",
			       ret);

	json_object_set_new(ev, "errno", eno ? json_string(eno) : json_null());
	ck_assert_int_eq(timeline_add(tl, ev), 0);
}

static void runner(struct timeline *tl, int64_t t_us, const char *call, const char *text)
{
	ck_assert_int_eq(timeline_add(tl,
				      json_pack("{sI sI ss ss ss}", "t_ms",
						(json_int_t)(t_us / 1000), "t_us", (json_int_t)t_us,
						"src", "runner", "call", call, "text", text)),
			 0);
}

static void obs(struct timeline *tl, int64_t t_ms, const char *host, const char *state)
{
	const char *local = strcmp(host, "client") ? "198.18.0.2:8080" : "198.18.0.1:40000";
	const char *remote = strcmp(host, "client") ? "198.18.0.1:40000" : "198.18.0.2:8080";

	ck_assert_int_eq(timeline_add(tl, json_pack("{sI ss ss ss ss ss}", "t_ms", (json_int_t)t_ms,
						    "src", host, "kind", "obs", "local", local,
						    "remote", remote, "state", state)),
			 0);
}

static struct sequence *build(struct timeline *tl, const bool *captured)
{
	static const bool both[] = { true, true };
	struct sequence_conf conf = {
		.title = "t", .hosts = hosts, .n_hosts = 2, .captured = captured ? captured : both
	};
	struct sequence *sq = sequence_build(&conf, tl);

	ck_assert_ptr_nonnull(sq);
	return sq;
}

static struct timeline *new_tl(void)
{
	int ret;
	struct timeline *tl = timeline_new(NULL, &ret);

	ck_assert_ptr_nonnull(tl);
	return tl;
}

/* The handshake, a kill, a RST, the errno; one row each, in time order. */
static void unread_rst(struct timeline *tl)
{
	seg(tl, -900, true, "S", 0, 0, 0, false);
	seg(tl, -800, false, "SA", 0, 1, 0, false);
	seg(tl, -700, true, "A", 1, 1, 0, false);
	peer(tl, -650, "client", "connect", 0, NULL);
	runner(tl, 10, "clock", "t=0: setup done, timed steps start");
	obs(tl, 0, "client", "ESTABLISHED");
	obs(tl, 10, "client", "ESTABLISHED"); /* no change: no row */
	runner(tl, 500000, "fault", "kill -9 server (pid 7)");
	seg(tl, 502000, false, "RA", 1, 1001, 0, false);
	peer(tl, 502100, "client", "recv", -1, "ECONNRESET");
	peer(tl, 502200, "client", "poll", 0, NULL); /* not a note */
	peer(tl, 502300, "client", "send", -1, "EAGAIN"); /* "try again": no note */
}

START_TEST(layout_rows)
{
	struct timeline *tl = new_tl();
	struct sequence *sq;

	unread_rst(tl);
	sq = build(tl, NULL);
	ck_assert_int_eq(sq->n_cols, 2);
	ck_assert_str_eq(sq->col_name[0], "client");
	ck_assert_str_eq(sq->col_addr[0], "198.18.0.1");
	ck_assert_str_eq(sq->col_addr[1], "198.18.0.2");
	ck_assert_int_eq(sq->n_rows, 9);
	ck_assert_int_eq(sq->n_segs, 4);
	ck_assert_int_eq(sq->n_lost, 0);
	/* S, SA, A, connect, ESTABLISHED (t=0 ms), clock (10 us), fault, RA, recv */
	ck_assert_int_eq(sq->rows[0].kind, SEQUENCE_ROW_SEG);
	ck_assert_str_eq(sq->rows[0].text, "[S] seq 0");
	ck_assert_int_eq(sq->rows[0].col, 0);
	ck_assert_int_eq(sq->rows[0].to_col, 1);
	ck_assert_int_eq(sq->rows[0].fate, SEQUENCE_DELIVERED);
	ck_assert_int_eq(sq->rows[0].t_end_us, -850);
	ck_assert_str_eq(sq->rows[1].text, "[SA] seq 0 ack 1");
	ck_assert_int_eq(sq->rows[1].col, 1);
	ck_assert_int_eq(sq->rows[3].kind, SEQUENCE_ROW_NOTE);
	ck_assert_str_eq(sq->rows[3].text, "connect");
	ck_assert_int_eq(sq->rows[4].note, SEQUENCE_NOTE_STATE);
	ck_assert_int_eq(sq->rows[5].kind, SEQUENCE_ROW_CLOCK);
	ck_assert_int_eq(sq->rows[6].kind, SEQUENCE_ROW_FAULT);
	ck_assert_str_eq(sq->rows[6].text, "fault: kill -9 server (pid 7)");
	ck_assert_str_eq(sq->rows[7].text, "[RA] seq 1 ack 1001");
	ck_assert_int_eq(sq->rows[8].note, SEQUENCE_NOTE_ERROR);
	ck_assert_str_eq(sq->rows[8].text, "recv: ECONNRESET");
	sequence_free(sq);
	timeline_free(tl);
}
END_TEST

START_TEST(lost_and_uncaptured)
{
	static const bool client_only[] = { true, false };
	struct timeline *tl = new_tl();
	struct sequence *sq;

	seg(tl, 0, true, "S", 0, 0, 0, true); /* left, never arrived */
	seg(tl, 1000000, true, "S", 0, 0, 0, false);
	sq = build(tl, NULL);
	ck_assert_int_eq(sq->n_rows, 2);
	ck_assert_int_eq(sq->rows[0].fate, SEQUENCE_LOST);
	ck_assert_int_eq(sq->rows[1].fate, SEQUENCE_DELIVERED);
	/* the retransmission's "in" copy must not be taken for the first SYN's */
	ck_assert_int_eq(sq->rows[1].t_end_us, 1000050);
	ck_assert_int_eq(sq->n_lost, 1);
	sequence_free(sq);
	/* without a capture at the server nothing can be called lost */
	sq = build(tl, client_only);
	ck_assert_int_eq(sq->rows[0].fate, SEQUENCE_SENT);
	ck_assert_int_eq(sq->n_lost, 0);
	sequence_free(sq);
	timeline_free(tl);
}
END_TEST

/* A drop record of @rule at @host (dir "drop-in" or "drop-out"). */
static void drop(struct timeline *tl, int64_t t_us, const char *host, bool in, bool c2s,
		 const char *flags, int seq, int ack, const char *rule)
{
	json_t *ev = wire_ev(t_us, host, false, c2s, flags, seq, ack, 0);

	json_object_set_new(ev, "dir", json_string(in ? "drop-in" : "drop-out"));
	json_object_set_new(ev, "rule", json_string(rule));
	ck_assert_int_eq(timeline_add(tl, ev), 0);
}

/* Where a drop was: at the receiver's ingress (it did reach its interface),
 * at the sender's egress (it never left), or not logged (never arrived). */
START_TEST(drops_where)
{
	struct timeline *tl = new_tl();
	struct sequence *sq;
	char *txt;

	seg(tl, 1000, true, "S", 0, 0, 0, false);
	drop(tl, 1060, "server", true, true, "S", 0, 0, "syn-lost");
	drop(tl, 2000, "server", false, false, "A", 1, 1, "host-crash");
	seg(tl, 3000, true, "S", 0, 0, 0, true);
	sq = build(tl, NULL);
	ck_assert_int_eq(sq->n_rows, 3);
	ck_assert_int_eq(sq->n_lost, 3);
	ck_assert_str_eq(sq->rows[0].text, "[S] seq 0 (drop syn-lost)");
	ck_assert_int_eq(sq->rows[0].drop_col, 1);
	ck_assert_str_eq(sq->rows[1].text, "[A] ack 1 (drop host-crash)");
	ck_assert_int_eq(sq->rows[1].col, 1);
	ck_assert_int_eq(sq->rows[1].drop_col, 1);
	ck_assert_int_eq(sq->rows[2].drop_col, -1);
	txt = render(sq, sequence_write_text);
	ck_assert_msg(strstr(txt, "|----------- [S] seq 0 (drop syn-lost) -----------x|\n"), "%s",
		      txt);
	ck_assert_msg(strstr(txt, "  [A] ack 1 (drop host-crash) x|\n"), "%s", txt);
	ck_assert_msg(strstr(txt, "|------------------- [S] seq 0 -----------------x  |\n"), "%s",
		      txt);
	free(txt);
	sequence_free(sq);
	timeline_free(tl);
}
END_TEST

START_TEST(arrived_without_sender)
{
	struct timeline *tl = new_tl();
	struct sequence *sq;

	ck_assert_int_eq(timeline_add(tl, wire_ev(100, "server", false, true, "S", 0, 0, 0)), 0);
	sq = build(tl, NULL);
	ck_assert_int_eq(sq->n_rows, 1);
	ck_assert_int_eq(sq->rows[0].fate, SEQUENCE_ARRIVED);
	sequence_free(sq);
	timeline_free(tl);
}
END_TEST

/* A send every 100 ms, its data segment and the ACK: one burst of plain traffic. */
START_TEST(collapse_burst)
{
	struct timeline *tl = new_tl();
	struct sequence *sq;

	for (int i = 0; i < 40; i++) {
		int64_t t = 100000 * (i + 1);

		seg(tl, t, true, "PA", 1 + 100 * i, 1, 100, false);
		seg(tl, t + 200, false, "A", 1, 101 + 100 * i, 0, false);
		peer(tl, t + 300, "client", "send", 100, NULL);
	}
	runner(tl, 4500000, "fault", "kill -9 server (pid 9)");
	sq = build(tl, NULL);
	ck_assert_int_eq(sq->n_segs, 80);
	/* 4 rows, "... 114 rows", the last 2, the fault */
	ck_assert_int_eq(sq->n_rows, 4 + 1 + 2 + 1);
	ck_assert_int_eq(sq->rows[4].kind, SEQUENCE_ROW_MORE);
	ck_assert_int_eq(sq->rows[4].hidden, 114);
	ck_assert_str_eq(sq->rows[4].text,
			 "... 114 rows: 38 data segments (3800 bytes), 38 ACKs, 38 sends");
	ck_assert_int_eq(sq->rows[4].t_us, 200200);
	ck_assert_int_eq(sq->rows[4].t_end_us, 4000000);
	ck_assert_str_eq(sq->rows[5].text, "[A] ack 4001");
	ck_assert_int_eq(sq->rows[7].kind, SEQUENCE_ROW_FAULT);
	sequence_free(sq);
	timeline_free(tl);
}
END_TEST

/* Twelve lost retransmissions of the same segment: a period of one row. */
START_TEST(collapse_repeats)
{
	struct timeline *tl = new_tl();
	struct sequence *sq;

	for (int i = 0; i < 12; i++)
		seg(tl, 200000LL << i, true, "PA", 1, 1, 100, true);
	sq = build(tl, NULL);
	ck_assert_int_eq(sq->n_lost, 12);
	ck_assert_int_eq(sq->n_rows, 4);
	ck_assert_int_eq(sq->rows[2].kind, SEQUENCE_ROW_MORE);
	ck_assert_str_eq(sq->rows[2].text, "... 9 more times the 1 row above");
	ck_assert_int_eq(sq->rows[2].t_us, 800000);
	ck_assert_int_eq(sq->rows[2].t_end_us, 200000LL << 10);
	ck_assert_int_eq(sq->rows[3].t_us, 200000LL << 11);
	sequence_free(sq);
	timeline_free(tl);
}
END_TEST

/* Rows that never repeat: the middle is cut at SEQUENCE_MAX_ROWS. */
START_TEST(row_cap)
{
	struct timeline *tl = new_tl();
	struct sequence *sq;
	char text[32];

	for (int i = 0; i < 300; i++) {
		snprintf(text, sizeof(text), "note %d", i);
		runner(tl, i * 1000, "capture", text);
	}
	sq = build(tl, NULL);
	ck_assert_int_eq(sq->n_rows, SEQUENCE_MAX_ROWS);
	ck_assert_int_eq(sq->rows[SEQUENCE_MAX_ROWS / 2].kind, SEQUENCE_ROW_MORE);
	ck_assert_int_eq(sq->rows[SEQUENCE_MAX_ROWS / 2].hidden, 300 - SEQUENCE_MAX_ROWS + 1);
	ck_assert_str_eq(sq->rows[SEQUENCE_MAX_ROWS - 1].text, "note 299");
	sequence_free(sq);
	timeline_free(tl);
}
END_TEST

static char *render(const struct sequence *sq, int (*fn)(const struct sequence *, FILE *))
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fn(sq, f), 0);
	fclose(f);
	return buf;
}

START_TEST(text_render)
{
	struct timeline *tl = new_tl();
	struct sequence *sq;
	char *txt;

	unread_rst(tl);
	seg(tl, 600000, true, "PA", 1001, 1, 10, true);
	sq = build(tl, NULL);
	txt = render(sq, sequence_write_text);
	ck_assert_msg(strstr(txt,
			     "\n   -0.001                         |------------------- [S] seq 0 "
			     "------------------->|\n"),
		      "%s", txt);
	ck_assert_msg(strstr(txt,
			     "\n    0.502                         |<------------- [RA] seq 1 ack "
			     "1001 ---------------|\n"),
		      "%s", txt);
	ck_assert_msg(strstr(txt, "\n    0.502        recv: ECONNRESET |"), "%s", txt);
	ck_assert_msg(strstr(txt, "|========= fault: kill -9 server (pid 7) ==========|"), "%s",
		      txt);
	ck_assert_msg(strstr(txt, "|-------- [PA] seq 1001:1011 ack 1 len 10 ------x  |\n"), "%s",
		      txt);
	ck_assert_msg(strstr(txt, "5 segments drawn, 1 lost"), "%s", txt);
	free(txt);
	sequence_free(sq);
	timeline_free(tl);
}
END_TEST

START_TEST(svg_render)
{
	struct timeline *tl = new_tl();
	struct sequence_conf conf = { .title = "a <b> & \"c\"", .hosts = hosts, .n_hosts = 2 };
	struct sequence *sq;
	char *svg;

	unread_rst(tl);
	sq = sequence_build(&conf, tl);
	ck_assert_ptr_nonnull(sq);
	svg = render(sq, sequence_write_svg);
	ck_assert(!strncmp(svg, "<?xml", 5));
	ck_assert(strstr(svg, "</svg>\n"));
	ck_assert(strstr(svg, "a &lt;b&gt; &amp; &quot;c&quot;"));
	ck_assert(!strstr(svg, "href")); /* self-contained */
	/* no capture anywhere: segments are "sent", drawn dashed */
	ck_assert(strstr(svg, " dash\""));
	free(svg);
	sequence_free(sq);
	timeline_free(tl);
}
END_TEST

START_TEST(empty)
{
	struct timeline *tl = new_tl();
	struct sequence *sq = build(tl, NULL);
	char *txt = render(sq, sequence_write_text);

	ck_assert_int_eq(sq->n_cols, 0);
	ck_assert(strstr(txt, "(nothing to draw: no segment, no peer event)"));
	free(txt);
	txt = render(sq, sequence_write_svg);
	free(txt);
	sequence_free(sq);
	timeline_free(tl);
}
END_TEST

static Suite *sequence_suite(void)
{
	Suite *s = suite_create("sequence");
	TCase *tc = tcase_create("layout");

	tcase_add_test(tc, layout_rows);
	tcase_add_test(tc, lost_and_uncaptured);
	tcase_add_test(tc, arrived_without_sender);
	tcase_add_test(tc, drops_where);
	tcase_add_test(tc, collapse_burst);
	tcase_add_test(tc, collapse_repeats);
	tcase_add_test(tc, row_cap);
	suite_add_tcase(s, tc);
	tc = tcase_create("render");
	tcase_add_test(tc, text_render);
	tcase_add_test(tc, svg_render);
	tcase_add_test(tc, empty);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(sequence_suite());
}
