/* sequence.h - sequence diagrams of a case: what crossed the wire between
 * the hosts, with the faults, the peers' errors and the connection states
 * around it, as text (sequence.txt) and as an SVG picture (sequence.svg).
 *
 * Takes: the case's timeline (wire events from the captures, peer syscalls,
 * observer samples, runner faults), which hosts had a capture. Gives: a list
 * of rows (pure layout, unit-tested: sequence_build()), then renderers.
 *
 * A segment is one row: it matches the sender's "out" copy with the
 * receiver's "in" copy (same addresses, flags, numbers and length, arriving
 * at most SEQUENCE_MATCH_US later). Sent and never seen at a captured
 * receiver: lost ("x"). A segment dropped by a rule at the receiver's ingress
 * did reach its interface (capture.h): it is drawn lost only when the rule
 * logged the drop (CAPTURE_NFLOG_GROUP), with the rule's name, at the host
 * that dropped it, or when it arrived at a crashed host (black-holed from
 * its host-crash to its reboot: everything arriving is dropped, logged or
 * not); otherwise it looks delivered. Runs of repeated rows (a send every 100 ms and its ACK)
 * collapse into "... N more" rows, and a diagram keeps at most
 * SEQUENCE_MAX_ROWS rows (the middle is cut).
 */
#ifndef SEQUENCE_H
#define SEQUENCE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "obs/timeline.h"

#define SEQUENCE_MAX_COLS 4
#define SEQUENCE_MAX_ROWS 120
#define SEQUENCE_MATCH_US 2000000 /* out -> in at most this late on a lab link */
#define SEQUENCE_TEXT_MAX 112
#define SEQUENCE_DROP_BETWEEN -2

enum sequence_row_kind {
	SEQUENCE_ROW_SEG, /* a segment from col to to_col */
	SEQUENCE_ROW_NOTE, /* at one host: a syscall, an errno, a state change */
	SEQUENCE_ROW_FAULT, /* across the diagram: a fault, a runner notice */
	SEQUENCE_ROW_CLOCK, /* t=0: the setup steps are done */
	SEQUENCE_ROW_MORE, /* rows left out: "... 37 more times the 3 rows above" */
	SEQUENCE_ROW_KIND_COUNT
};

enum sequence_fate {
	SEQUENCE_DELIVERED, /* out at the sender, in at the receiver */
	SEQUENCE_LOST, /* out at the sender, never in at the (captured) receiver */
	SEQUENCE_SENT, /* out at the sender; the receiver is not a captured column */
	SEQUENCE_ARRIVED, /* in at the receiver; the sender is not a captured column */
	SEQUENCE_FATE_COUNT
};

enum sequence_note_kind {
	SEQUENCE_NOTE_CALL, /* a syscall that worked: "connect", "send 100" */
	SEQUENCE_NOTE_ERROR, /* a syscall's errno, or EOF */
	SEQUENCE_NOTE_STATE, /* the observer saw the connection change state */
	SEQUENCE_NOTE_KIND_COUNT
};

struct sequence_row {
	enum sequence_row_kind kind;
	int64_t t_us; /* case clock; SEG: when it left (or arrived, if never seen leaving) */
	int64_t t_end_us; /* SEG: arrival (-1: none); MORE: the last row left out */
	int col; /* SEG: sender; NOTE: the host; -1: outside the diagram */
	int to_col; /* SEG: receiver, -1: outside */
	enum sequence_fate fate; /* SEG */
	enum sequence_note_kind note; /* NOTE */
	uint8_t flags; /* SEG: TCP flags */
	uint32_t len; /* SEG: payload bytes */
	int drop_col; /* LOST: the column whose rule dropped it, SEQUENCE_DROP_BETWEEN
		       * (a host that is not a column: a router), -1: not known */
	int hidden; /* MORE: rows left out */
	int ev; /* index of its event in the timeline: orders rows of equal times */
	char text[SEQUENCE_TEXT_MAX]; /* SEG: "[S] seq 0"; others: what to print */
};

struct sequence {
	char title[256];
	int n_cols;
	char col_name[SEQUENCE_MAX_COLS][32];
	char col_addr[SEQUENCE_MAX_COLS][48]; /* "198.18.0.1", "" until seen */
	struct sequence_row *rows;
	int n_rows;
	int n_segs, n_lost; /* segments drawn (before collapsing) and of those lost */
};

struct sequence_conf {
	const char *title; /* "process-crash/unread-rst: kill -9 of ..." */
	const char *const *hosts; /* the case's hosts, in order: the columns' order */
	int n_hosts;
	const bool *captured; /* per host: a capture ran there (NULL: none did) */
};

/**
 * sequence_build() - lay out the diagram of the events in @tl: columns are the
 * hosts that ran a peer or sent or received a segment (at most
 * SEQUENCE_MAX_COLS, in @conf->hosts order); rows in time order, repeats
 * collapsed, at most SEQUENCE_MAX_ROWS.
 * Return: the diagram (free with sequence_free()), or NULL on ENOMEM.
 */
struct sequence *sequence_build(const struct sequence_conf *conf, const struct timeline *tl);

/** sequence_secs() - case-clock microseconds as "-0.012" (ms, rounded down). Return: @buf. */
const char *sequence_secs(char *buf, size_t len, int64_t t_us);

/**
 * sequence_fold() - collapse the rows of @sq in place (sequence_fold.c): a
 * run of at least 16 rows of plain traffic (delivered data and pure ACKs,
 * sends) keeps its first 4 and last 2 rows around a row that counts the
 * rest; a block of 1 to 4 rows repeated at least 10 times keeps its first two
 * and last copies; past SEQUENCE_MAX_ROWS, the middle is cut. sequence_build()
 * calls it.
 */
void sequence_fold(struct sequence *sq);

/** sequence_free() - NULL does nothing. */
void sequence_free(struct sequence *sq);

/** sequence_write_text() - the diagram as fixed-width text. Return: 0 or -EIO. */
int sequence_write_text(const struct sequence *sq, FILE *f);

/** sequence_write_svg() - the diagram as a self-contained SVG. Return: 0 or -EIO. */
int sequence_write_svg(const struct sequence *sq, FILE *f);

/**
 * sequence_write() - build and write <dir>/sequence.txt and <dir>/sequence.svg.
 * Return: 0 or -errno.
 */
int sequence_write(const char *dir, const struct sequence_conf *conf, const struct timeline *tl);

#endif
