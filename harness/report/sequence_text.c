/* sequence_text.c - a sequence diagram as fixed-width text; see sequence.h.
 *
 *       time                   client 198.18.0.1                            server 198.18.0.2
 *     -0.004               connect |-------------- [S] seq 0 --------------->|
 *      0.500                       |================ fault: kill -9 server ==|
 *      0.501                       |<------------- [R] seq 1 ----------------|
 *      0.501     recv: ECONNRESET  |                                         |
 *
 * Notes of the first column sit on its left, of the others on their right.
 */
#include "report/sequence.h"

#include <errno.h>
#include <string.h>

#define SQT_TIME_W 10 /* "  -123.456" and a blank */
#define SQT_NOTE_W 24 /* left of the first lifeline */
#define SQT_SPAN 50 /* between two lifelines */
#define SQT_LINE_MAX 512

static int sqt_x(int col)
{
	return SQT_TIME_W + SQT_NOTE_W + col * (SQT_SPAN + 1);
}

/* The rightmost lifeline, or where it would be with two columns. */
static int sqt_x_last(const struct sequence *sq)
{
	return sqt_x(sq->n_cols > 1 ? sq->n_cols - 1 : 1);
}

static void sqt_put(char *line, int x, const char *s, int max)
{
	for (int i = 0; i < max && x + i < SQT_LINE_MAX - 1 && s[i]; i++)
		if (x + i >= 0)
			line[x + i] = s[i];
}

static void sqt_time(char *line, int64_t t_us)
{
	char t[24];

	sequence_secs(t, sizeof(t), t_us);
	sqt_put(line, SQT_TIME_W - 1 - (int)strlen(t), t, SQT_TIME_W);
}

static void sqt_lifelines(const struct sequence *sq, char *line, char ch)
{
	for (int c = 0; c < sq->n_cols; c++)
		line[sqt_x(c)] = ch;
}

/* A note: left of the first lifeline (right-aligned), right of the others. */
static void sqt_note(char *line, int col, const char *text)
{
	int n = (int)strlen(text);

	if (col == 0) {
		if (n > SQT_NOTE_W - 2)
			n = SQT_NOTE_W - 2;
		sqt_put(line, sqt_x(0) - 1 - n, text, n);
		return;
	}
	sqt_put(line, sqt_x(col) + 2, text, SQT_LINE_MAX);
}

/* The label, shortened to fit @room: without "len N", then without "seq ". */
static int sqt_label(const struct sequence_row *r, char *buf, size_t size, int room)
{
	char *p;
	int n = snprintf(buf, size, "%s", r->text);

	if (n > room && (p = strstr(buf, " len ")))
		*p = '\0';
	if ((int)strlen(buf) > room && (p = strstr(buf, " seq ")))
		memmove(p + 1, p + 5, strlen(p + 5) + 1);
	n = (int)strlen(buf);
	return n > room ? room : n;
}

/*
 * An arrow from the sender's lifeline to the receiver's. Lost: the head is an
 * x where it was lost: at the receiver ("-----x|": its ingress rule), midway
 * (a router's rule), short of the receiver ("---x  |": never seen arriving),
 * or at the sender ("|x [S] ...": its own egress rule, nothing left).
 */
static void sqt_seg(char *line, const struct sequence_row *r)
{
	char label[SEQUENCE_TEXT_MAX];
	bool right = r->to_col > r->col,
	     dashed = r->fate == SEQUENCE_SENT || r->fate == SEQUENCE_ARRIVED;
	int a = sqt_x(right ? r->col : r->to_col) + 1, b = sqt_x(right ? r->to_col : r->col) - 1;
	int room = b - a - 5, n = sqt_label(r, label, sizeof(label), room), start, x;

	if (r->fate == SEQUENCE_LOST && r->drop_col == r->col) { /* never left */
		line[right ? a : b] = 'x';
		sqt_put(line, right ? a + 2 : b - 1 - n, label, n);
		return;
	}
	for (x = a; x <= b; x++)
		line[x] = dashed && (x - a) % 2 ? ' ' : '-';
	if (r->fate != SEQUENCE_LOST) {
		line[right ? b : a] = right ? '>' : '<';
	} else if (r->drop_col == r->to_col) {
		line[right ? b : a] = 'x';
	} else if (r->drop_col == SEQUENCE_DROP_BETWEEN) {
		for (x = (a + b) / 2 + 1; x <= b; x++)
			line[right ? x : a + b - x] = ' ';
		line[(a + b) / 2] = 'x';
		room = (b - a) / 2 - 4;
		n = sqt_label(r, label, sizeof(label), room);
		if (!right)
			a = (a + b) / 2 + 1;
	} else {
		line[right ? b : a] = line[right ? b - 1 : a + 1] = ' ';
		line[right ? b - 2 : a + 2] = 'x';
	}
	if (r->fate == SEQUENCE_ARRIVED) /* nobody was seen sending it */
		line[right ? a : b] = '?';
	start = a + 2 + (room - n) / 2;
	line[start] = ' ';
	sqt_put(line, start + 1, label, n);
	line[start + 1 + n] = ' ';
}

/* A row across the diagram: "====== fault: kill -9 server ======". */
static void sqt_across(const struct sequence *sq, char *line, char fill, const char *text)
{
	int a = sqt_x(0) + 1, b = sqt_x_last(sq) - 1, n = (int)strlen(text), start;

	for (int x = a; x <= b; x++)
		line[x] = fill == '-' && (x - a) % 2 ? ' ' : fill;
	start = n + 2 < b - a ? a + (b - a - n - 2) / 2 : a + 2;
	line[start] = ' ';
	sqt_put(line, start + 1, text, SQT_LINE_MAX);
	if (start + 1 + n < SQT_LINE_MAX - 1)
		line[start + 1 + n] = ' ';
}

static void sqt_row(const struct sequence *sq, const struct sequence_row *r, char *line)
{
	char text[SEQUENCE_TEXT_MAX + 64];

	sqt_lifelines(sq, line, r->kind == SEQUENCE_ROW_MORE ? ':' : '|');
	if (r->kind != SEQUENCE_ROW_MORE)
		sqt_time(line, r->t_us);
	switch (r->kind) {
	case SEQUENCE_ROW_SEG:
		if (r->col >= 0 && r->to_col >= 0 && r->col != r->to_col) {
			sqt_seg(line, r);
			return;
		}
		/* one end is not a column: a note at the other */
		snprintf(text, sizeof(text), "%s %s", r->col >= 0 ? "sent" : "got", r->text);
		sqt_note(line, r->col >= 0 ? r->col : r->to_col, text);
		return;
	case SEQUENCE_ROW_NOTE:
		snprintf(text, sizeof(text), r->note == SEQUENCE_NOTE_STATE ? "state: %s" : "%s",
			 r->text);
		sqt_note(line, r->col, text);
		return;
	case SEQUENCE_ROW_FAULT:
		sqt_across(sq, line, '=', r->text);
		return;
	case SEQUENCE_ROW_CLOCK:
		sqt_across(sq, line, '-', r->text);
		return;
	case SEQUENCE_ROW_MORE: {
		char a[24], b[24];

		snprintf(text, sizeof(text), "%s, %s to %s s", r->text,
			 sequence_secs(a, sizeof(a), r->t_us),
			 sequence_secs(b, sizeof(b), r->t_end_us));
		sqt_across(sq, line, ' ', text);
		return;
	}
	case SEQUENCE_ROW_KIND_COUNT:
		break;
	}
}

static void sqt_trim(char *line)
{
	int n = SQT_LINE_MAX - 1;

	line[n] = '\0';
	while (n > 0 && line[n - 1] == ' ')
		line[--n] = '\0';
}

static void sqt_header(const struct sequence *sq, FILE *f)
{
	char line[SQT_LINE_MAX];

	fprintf(f, "%s\n", sq->title);
	fprintf(f,
		"time: seconds on the case clock (0: setup done); one row per segment, at the "
		"time it left;\nx: lost there (on a lifeline: that host's rule dropped it, named; "
		"short of it: never seen arriving);\n?/dashed: one end had no capture\n\n");
	memset(line, ' ', sizeof(line));
	sqt_put(line, SQT_TIME_W - 5, "time", 4);
	for (int c = 0; c < sq->n_cols; c++) {
		char head[96];
		int n = snprintf(head, sizeof(head), "%s%s%s", sq->col_name[c],
				 sq->col_addr[c][0] ? " " : "", sq->col_addr[c]);
		int x = c == 0 ? sqt_x(0) - n + (int)strlen(sq->col_name[c]) / 2 : sqt_x(c) - n / 2;

		if (c == 0 && x < SQT_TIME_W)
			x = SQT_TIME_W;
		sqt_put(line, x, head, SQT_LINE_MAX);
	}
	sqt_trim(line);
	fprintf(f, "%s\n", line);
}

int sequence_write_text(const struct sequence *sq, FILE *f)
{
	char line[SQT_LINE_MAX];

	sqt_header(sq, f);
	if (!sq->n_cols && !sq->n_rows)
		fprintf(f, "(nothing to draw: no segment, no peer event)\n");
	for (int i = 0; i < sq->n_rows; i++) {
		memset(line, ' ', sizeof(line));
		sqt_row(sq, &sq->rows[i], line);
		sqt_trim(line);
		fprintf(f, "%s\n", line);
	}
	fprintf(f, "\n%d segment%s drawn, %d lost\n", sq->n_segs, sq->n_segs == 1 ? "" : "s",
		sq->n_lost);
	return ferror(f) ? -EIO : 0;
}
