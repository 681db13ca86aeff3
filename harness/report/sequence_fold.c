/* sequence_fold.c - fewer rows for the same story: runs of plain traffic
 * and repeated blocks collapse into "..." rows, and a diagram keeps at most
 * SEQUENCE_MAX_ROWS rows; see sequence.h.
 */
#include "report/sequence.h"

#include <string.h>

#include "obs/wire.h"

#define SEQUENCE_MAX_PERIOD 4 /* rows in a repeating block */
#define SEQUENCE_MIN_REPEATS 10 /* blocks before a run collapses: 2 shown, ..., 1 shown */
#define SEQUENCE_BURST_MIN 16 /* rows of plain data, ACKs and sends before they collapse */

/* Rows that look alike for collapsing: same kind, columns, flags, data or
 * not, fate; notes with the same text. Sequence numbers do not count. */
static bool sq_alike(const struct sequence_row *a, const struct sequence_row *b)
{
	if (a->kind != b->kind || a->col != b->col || a->to_col != b->to_col)
		return false;
	switch (a->kind) {
	case SEQUENCE_ROW_SEG:
		return a->flags == b->flags && !a->len == !b->len && a->fate == b->fate;
	case SEQUENCE_ROW_NOTE:
		return a->note == b->note && !strcmp(a->text, b->text);
	case SEQUENCE_ROW_FAULT:
	case SEQUENCE_ROW_CLOCK:
	case SEQUENCE_ROW_MORE:
	case SEQUENCE_ROW_KIND_COUNT:
		break;
	}
	return false;
}

/* How many times the block of @p rows at @i repeats back to back. */
static int sq_repeats(const struct sequence *sq, int i, int p)
{
	int k = 1;

	for (;;) {
		int s = i + k * p, j;

		if (s + p > sq->n_rows)
			return k;
		for (j = 0; j < p && sq_alike(&sq->rows[i + j], &sq->rows[s + j]); j++)
			;
		if (j < p)
			return k;
		k++;
	}
}

/*
 * Runs of a repeating block (period 1..SEQUENCE_MAX_PERIOD) of at least
 * SEQUENCE_MIN_REPEATS blocks keep their first two blocks and their last one;
 * a MORE row stands for the blocks between. In place.
 */
static void sq_collapse(struct sequence *sq)
{
	int in = 0, out = 0;

	while (in < sq->n_rows) {
		int best_p = 0, best_k = 0;

		for (int p = 1; p <= SEQUENCE_MAX_PERIOD; p++) {
			int k = sq_repeats(sq, in, p);

			if (k >= SEQUENCE_MIN_REPEATS && k * p > best_k * best_p) {
				best_p = p;
				best_k = k;
			}
		}
		if (!best_p) {
			sq->rows[out++] = sq->rows[in++];
			continue;
		}
		{
			int keep = 2 * best_p, hide = (best_k - 3) * best_p;
			struct sequence_row more = { .kind = SEQUENCE_ROW_MORE,
						     .col = -1,
						     .to_col = -1 };

			more.t_us = sq->rows[in + keep].t_us;
			more.t_end_us = sq->rows[in + keep + hide - 1].t_us;
			more.hidden = hide;
			snprintf(more.text, sizeof(more.text),
				 "... %d more time%s the %d row%s above", best_k - 3,
				 best_k - 3 > 1 ? "s" : "", best_p, best_p > 1 ? "s" : "");
			memmove(&sq->rows[out], &sq->rows[in], (size_t)keep * sizeof(*sq->rows));
			out += keep;
			sq->rows[out++] = more;
			memmove(&sq->rows[out], &sq->rows[in + keep + hide],
				(size_t)best_p * sizeof(*sq->rows));
			out += best_p;
			in += best_k * best_p;
		}
	}
	sq->n_rows = out;
}

/* Plain traffic: delivered data or pure ACKs, sends. */
static bool sq_bulky(const struct sequence_row *r)
{
	if (r->kind == SEQUENCE_ROW_NOTE)
		return r->note == SEQUENCE_NOTE_CALL && !strncmp(r->text, "send ", 5);
	if (r->kind != SEQUENCE_ROW_SEG || r->fate != SEQUENCE_DELIVERED)
		return false;
	return !(r->flags & ~(WIRE_PSH | WIRE_ACK)) && (r->flags & WIRE_ACK);
}

/* "... 4761 rows: 2380 data segments (199222656 bytes), 2376 ACKs (12 win 0), 5 sends" */
static void sq_burst_text(const struct sequence_row *rows, int n, struct sequence_row *more)
{
	long long bytes = 0;
	int data = 0, acks = 0, zero = 0, sends = 0;
	char z[32] = "";

	for (int i = 0; i < n; i++) {
		const struct sequence_row *r = &rows[i];

		if (r->kind == SEQUENCE_ROW_NOTE)
			sends++;
		else if (r->len)
			data++, bytes += r->len;
		else
			acks++, zero += strstr(r->text, " win 0") != NULL;
	}
	if (zero)
		snprintf(z, sizeof(z), " (%d win 0)", zero);
	snprintf(more->text, sizeof(more->text),
		 "... %d rows: %d data segment%s (%lld bytes), %d ACK%s%s, %d send%s", n, data,
		 data == 1 ? "" : "s", bytes, acks, acks == 1 ? "" : "s", z, sends,
		 sends == 1 ? "" : "s");
}

/*
 * Runs of at least SEQUENCE_BURST_MIN plain-traffic rows keep their first 4
 * and last 2 rows; one MORE row counts what is between. In place.
 */
static void sq_collapse_bursts(struct sequence *sq)
{
	int in = 0, out = 0;

	while (in < sq->n_rows) {
		int end = in, hide;
		struct sequence_row more = { .kind = SEQUENCE_ROW_MORE, .col = -1, .to_col = -1 };

		while (end < sq->n_rows && sq_bulky(&sq->rows[end]))
			end++;
		if (end - in < SEQUENCE_BURST_MIN) {
			sq->rows[out++] = sq->rows[in++];
			continue;
		}
		hide = end - in - 6;
		more.t_us = sq->rows[in + 4].t_us;
		more.t_end_us = sq->rows[in + 4 + hide - 1].t_us;
		more.ev = sq->rows[in + 4].ev;
		more.hidden = hide;
		sq_burst_text(&sq->rows[in + 4], hide, &more);
		memmove(&sq->rows[out], &sq->rows[in], 4 * sizeof(*sq->rows));
		out += 4;
		sq->rows[out++] = more;
		memmove(&sq->rows[out], &sq->rows[end - 2], 2 * sizeof(*sq->rows));
		out += 2;
		in = end;
	}
	sq->n_rows = out;
}

/* Past SEQUENCE_MAX_ROWS rows, keep the first and the last ones. */
static void sq_cap(struct sequence *sq)
{
	int head = SEQUENCE_MAX_ROWS / 2, tail = SEQUENCE_MAX_ROWS - head - 1;
	int cut = sq->n_rows - head - tail;
	struct sequence_row more = { .kind = SEQUENCE_ROW_MORE, .col = -1, .to_col = -1 };

	if (sq->n_rows <= SEQUENCE_MAX_ROWS)
		return;
	more.t_us = sq->rows[head].t_us;
	more.t_end_us = sq->rows[head + cut - 1].t_us;
	more.hidden = cut;
	snprintf(more.text, sizeof(more.text),
		 "... %d rows not shown (events.jsonl and the pcap files have them)", cut);
	sq->rows[head] = more;
	memmove(&sq->rows[head + 1], &sq->rows[head + cut], (size_t)tail * sizeof(*sq->rows));
	sq->n_rows = SEQUENCE_MAX_ROWS;
}

void sequence_fold(struct sequence *sq)
{
	sq_collapse_bursts(sq);
	sq_collapse(sq);
	sq_cap(sq);
}
