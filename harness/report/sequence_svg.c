/* sequence_svg.c - a sequence diagram as a self-contained SVG picture (no
 * script, no external font or stylesheet: generic font families only); see
 * sequence.h. The same rows as sequence.txt, one per ROW_H pixels:
 *
 *   time   notes  |  client        arrows, labels above         server |  notes
 *
 * Colours say the kind of segment (SYN blue, FIN purple, RST red, data dark,
 * pure ACK grey); a lost segment is a dashed red arrow ending in a cross.
 */
#include "report/sequence.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "obs/wire.h"
#include "report/xml_out.h"

#define SVG_ROW_H 24
#define SVG_TOP 100 /* title (three lines), column heads */
#define SVG_TIME_W 64
#define SVG_NOTE_W 200
#define SVG_SPAN 400
#define SVG_RIGHT_W 240
#define SVG_FOOT 64 /* totals, legend (two lines) */
#define SVG_CHAR_W 7 /* px per character of the 12 px monospace font, for wrapping */

static int svg_x(int col)
{
	return SVG_TIME_W + SVG_NOTE_W + col * SVG_SPAN;
}

static int svg_x_last(const struct sequence *sq)
{
	return svg_x(sq->n_cols > 1 ? sq->n_cols - 1 : 1);
}

/* The baseline of row @i's text. */
static int svg_y(int i)
{
	return SVG_TOP + i * SVG_ROW_H + SVG_ROW_H / 2;
}

static void svg_text(FILE *f, int x, int y, const char *cls, const char *anchor, const char *s)
{
	fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"%s\" text-anchor=\"%s\">", x, y, cls, anchor);
	xml_put(f, s);
	fputs("</text>\n", f);
}

static const char *svg_seg_class(const struct sequence_row *r)
{
	if (r->flags & WIRE_RST)
		return "rst";
	if (r->flags & WIRE_SYN)
		return "syn";
	if (r->flags & WIRE_FIN)
		return "fin";
	return r->len ? "data" : "ack";
}

/* A cross at @x: where a segment was lost. */
static void svg_cross(FILE *f, int x, int y)
{
	fprintf(f, "<path d=\"M%d %d l10 10 M%d %d l10 -10\" class=\"cross\"/>\n", x - 5, y - 5,
		x - 5, y + 5);
}

/*
 * An arrow; lost: dashed red up to a cross where it was lost (at the
 * receiver, midway for a router, short of the receiver when nobody logged the
 * drop, or at the sender when its own egress rule dropped it).
 */
static void svg_seg(FILE *f, const struct sequence_row *r, int i)
{
	int x1 = svg_x(r->col), x2 = svg_x(r->to_col), y = svg_y(i) + 4;
	int dir = x2 > x1 ? 1 : -1, end = x2 - dir * 3;
	const char *cls = svg_seg_class(r);
	bool lost = r->fate == SEQUENCE_LOST, dashed = r->fate != SEQUENCE_DELIVERED;

	if (lost && r->drop_col == r->col)
		end = x1 + dir * 14;
	else if (lost && r->drop_col == r->to_col)
		end = x2 - dir * 8;
	else if (lost && r->drop_col == SEQUENCE_DROP_BETWEEN)
		end = (x1 + x2) / 2;
	else if (lost)
		end = x1 + (x2 - x1) * 4 / 5;
	fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"%s%s\"/>\n", x1, y, end,
		y, lost ? "lost" : cls, dashed ? " dash" : "");
	if (lost)
		svg_cross(f, end, y);
	else
		fprintf(f, "<path d=\"M%d %d l%d -4 l0 8 z\" class=\"head %s\"/>\n", x2 - dir, y,
			-dir * 9, cls);
	if (r->fate == SEQUENCE_ARRIVED)
		svg_text(f, x1 + dir * 8, y - 4, "note", dir > 0 ? "start" : "end", "?");
	svg_text(f, (x1 + x2) / 2, y - 5, lost ? "label lostt" : "label", "middle", r->text);
}

static void svg_note(FILE *f, const struct sequence_row *r, int i, const char *prefix)
{
	static const char *const cls[SEQUENCE_NOTE_KIND_COUNT] = {
		[SEQUENCE_NOTE_CALL] = "note",
		[SEQUENCE_NOTE_ERROR] = "err",
		[SEQUENCE_NOTE_STATE] = "state",
	};
	char text[SEQUENCE_TEXT_MAX + 16];
	int x = svg_x(r->col);

	snprintf(text, sizeof(text), "%s%s", prefix, r->text);
	fprintf(f, "<circle cx=\"%d\" cy=\"%d\" r=\"3\" class=\"dot %s\"/>\n", x, svg_y(i),
		cls[r->note]);
	if (r->col == 0)
		svg_text(f, x - 9, svg_y(i) + 4, cls[r->note], "end", text);
	else
		svg_text(f, x + 9, svg_y(i) + 4, cls[r->note], "start", text);
}

static void svg_across(FILE *f, const struct sequence *sq, const struct sequence_row *r, int i)
{
	int x1 = svg_x(0) - 12, x2 = svg_x_last(sq) + 12, y = svg_y(i);
	char text[SEQUENCE_TEXT_MAX + 64], a[24], b[24];

	switch (r->kind) {
	case SEQUENCE_ROW_FAULT: {
		/* as wide as its text (bold: ~7.5 px a character), at least the span */
		int w = (int)strlen(r->text) * 15 / 2 + 24;

		if (w > x2 - x1) {
			x1 = (x1 + x2) / 2 - w / 2;
			x2 = x1 + w;
		}
		fprintf(f,
			"<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"3\" class=\"fault\"/>\n",
			x1, y - 9, x2 - x1, 18);
		svg_text(f, (x1 + x2) / 2, y + 4, "faultt", "middle", r->text);
		return;
	}
	case SEQUENCE_ROW_CLOCK:
		fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"clock\"/>\n", x1,
			y, x2, y);
		fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"140\" height=\"16\" class=\"bg\"/>\n",
			(x1 + x2) / 2 - 70, y - 8);
		svg_text(f, (x1 + x2) / 2, y + 4, "clockt", "middle", r->text);
		return;
	case SEQUENCE_ROW_MORE:
		snprintf(text, sizeof(text), "%s, %s to %s s", r->text,
			 sequence_secs(a, sizeof(a), r->t_us),
			 sequence_secs(b, sizeof(b), r->t_end_us));
		svg_text(f, (x1 + x2) / 2, y + 4, "more", "middle", text);
		return;
	case SEQUENCE_ROW_SEG:
	case SEQUENCE_ROW_NOTE:
	case SEQUENCE_ROW_KIND_COUNT:
		break;
	}
}

static void svg_row(FILE *f, const struct sequence *sq, const struct sequence_row *r, int i)
{
	char t[24];

	if (r->kind != SEQUENCE_ROW_MORE)
		svg_text(f, SVG_TIME_W - 8, svg_y(i) + 4, "time", "end",
			 sequence_secs(t, sizeof(t), r->t_us));
	switch (r->kind) {
	case SEQUENCE_ROW_SEG:
		if (r->col >= 0 && r->to_col >= 0 && r->col != r->to_col)
			svg_seg(f, r, i);
		else if (r->col >= 0 || r->to_col >= 0) {
			struct sequence_row n = *r;

			n.kind = SEQUENCE_ROW_NOTE;
			n.note = SEQUENCE_NOTE_CALL;
			n.col = r->col >= 0 ? r->col : r->to_col;
			svg_note(f, &n, i, r->col >= 0 ? "sent " : "got ");
		}
		return;
	case SEQUENCE_ROW_NOTE:
		svg_note(f, r, i, r->note == SEQUENCE_NOTE_STATE ? "state " : "");
		return;
	case SEQUENCE_ROW_FAULT:
	case SEQUENCE_ROW_CLOCK:
	case SEQUENCE_ROW_MORE:
		svg_across(f, sq, r, i);
		return;
	case SEQUENCE_ROW_KIND_COUNT:
		break;
	}
}

static const char svg_style[] =
	"<style>\n"
	"text{font-family:'DejaVu Sans Mono',Menlo,Consolas,monospace;font-size:12px;fill:#222}\n"
	".title{font-size:14px;font-weight:bold}.sub{font-size:11px;fill:#666}\n"
	".head{font-weight:bold}.addr{font-size:11px;fill:#555}\n"
	".time{font-size:11px;fill:#777}.label{font-size:11px}.lostt{fill:#c62828}\n"
	".note{fill:#333}.err{fill:#c62828;font-weight:bold}.state{fill:#2e7d32;font-style:italic}\n"
	".faultt{fill:#b71c1c;font-weight:bold}.clockt{fill:#666}.more{fill:#777;font-style:italic}\n"
	"line{stroke-width:1.5}.life{stroke:#999}.life.dot{stroke-dasharray:2 4}\n"
	".syn{stroke:#1f5fbf;fill:#1f5fbf}.fin{stroke:#7b3fa0;fill:#7b3fa0}\n"
	".rst{stroke:#c62828;fill:#c62828}.data{stroke:#222;fill:#222}.ack{stroke:#888;fill:#888}\n"
	".lost{stroke:#c62828}.dash{stroke-dasharray:6 4}.cross{stroke:#c62828;stroke-width:2.5;fill:none}\n"
	"circle.note{fill:#333}circle.err{fill:#c62828}circle.state{fill:#2e7d32}\n"
	".fault{fill:#fdecea;stroke:#c62828}.clock{stroke:#999;stroke-dasharray:4 4}.bg{fill:#fff}\n"
	".box{fill:#f3f6fa;stroke:#888}\n"
	"</style>\n";

static void svg_heads(FILE *f, const struct sequence *sq)
{
	for (int c = 0; c < sq->n_cols; c++) {
		int x = svg_x(c);

		fprintf(f,
			"<rect x=\"%d\" y=\"%d\" width=\"180\" height=\"34\" rx=\"4\" class=\"box\"/>\n",
			x - 90, SVG_TOP - 48);
		svg_text(f, x, SVG_TOP - 34, "head", "middle", sq->col_name[c]);
		svg_text(f, x, SVG_TOP - 20, "addr", "middle", sq->col_addr[c]);
		fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"life\"/>\n", x,
			SVG_TOP - 14, x, SVG_TOP);
		for (int i = 0; i < sq->n_rows; i++)
			fprintf(f,
				"<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"life%s\"/>\n",
				x, SVG_TOP + i * SVG_ROW_H, x, SVG_TOP + (i + 1) * SVG_ROW_H,
				sq->rows[i].kind == SEQUENCE_ROW_MORE ? " dot" : "");
	}
}

/*
 * @s as at most @max_lines lines of at most @cols characters, cut at blanks,
 * from baseline @y down, 15 px apart; "..." ends a text that did not fit.
 */
static void svg_wrapped(FILE *f, int y, const char *cls, const char *s, int cols, int max_lines)
{
	char line[512];

	for (int l = 0; l < max_lines && *s; l++) {
		int n = (int)strlen(s), cut = n;

		if (cols > (int)sizeof(line) - 4)
			cols = (int)sizeof(line) - 4;
		if (n > cols) {
			for (cut = cols; cut > cols / 2 && s[cut] != ' '; cut--)
				;
			if (s[cut] != ' ')
				cut = cols;
		}
		snprintf(line, sizeof(line), "%.*s%s", cut, s,
			 l == max_lines - 1 && cut < n ? "..." : "");
		svg_text(f, 12, y + 15 * l, cls, "start", line);
		s += cut;
		while (*s == ' ')
			s++;
	}
}

int sequence_write_svg(const struct sequence *sq, FILE *f)
{
	int width = svg_x_last(sq) + SVG_RIGHT_W;
	int height = SVG_TOP + sq->n_rows * SVG_ROW_H + SVG_FOOT;
	char foot[80], legend[400];

	fprintf(f,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\">\n",
		width, height, width, height);
	fputs(svg_style, f);
	fprintf(f, "<rect width=\"%d\" height=\"%d\" class=\"bg\"/>\n", width, height);
	svg_wrapped(f, 20, "title", sq->title, (width - 24) / (SVG_CHAR_W + 2), 3); /* bold 14 px */
	svg_heads(f, sq);
	for (int i = 0; i < sq->n_rows; i++)
		svg_row(f, sq, &sq->rows[i], i);
	snprintf(foot, sizeof(foot), "%d segment%s drawn, %d lost. ", sq->n_segs,
		 sq->n_segs == 1 ? "" : "s", sq->n_lost);
	snprintf(
		legend, sizeof(legend),
		"%sTimes in s on the case clock (0: setup done); one row "
		"per segment, when it left. Red cross: lost there (on a lifeline: that host's rule "
		"dropped it, named; short of it: never seen arriving). Dashed: one end had no "
		"capture. SYN blue, FIN purple, RST red, data black, pure ACK grey.",
		foot);
	svg_wrapped(f, height - SVG_FOOT + 24, "sub", legend, (width - 24) / SVG_CHAR_W, 3);
	fputs("</svg>\n", f);
	return ferror(f) ? -EIO : 0;
}
