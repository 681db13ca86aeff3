/* sequence.c - the diagram's layout: columns, rows, matching the two copies
 * of a segment; see sequence.h. Collapsing is in sequence_fold.c, rendering
 * in sequence_text.c and sequence_svg.c.
 */
#include "report/sequence.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/secs.h"
#include "common/vec.h"
#include "obs/wire.h"

#define SEQUENCE_SKEW_US 1000 /* an "in" stamped before its "out": same clock, so only noise */

/* One captured copy of a segment, from a wire event (strings borrowed from it). */
struct sq_wire {
	int64_t t_us;
	int seq_no; /* event order, to keep sorts stable */
	bool out, used;
	bool drop; /* a rule of the capturing host dropped it (its NFLOG record) */
	const char *rule; /* the dropping rule's name */
	int at; /* capturing host, index in conf->hosts */
	int from_host, to_host; /* indices in conf->hosts, -1: not a case host */
	const char *from, *to;
	struct wire_seg seg; /* flags, numbers, length, window */
};

struct sq_build {
	const struct sequence_conf *conf;
	struct sequence *sq;
	int host_col[SEQUENCE_MAX_COLS * 4]; /* conf host -> column, -1 */
	struct sq_wire *w;
	int n_w;
	int cap_rows;
	struct sq_state {
		const char *host, *local, *remote, *state;
	} * states;
	int n_states, cap_states;
	/* A crashed host drops everything from its host-crash to its reboot
	 * (fault_crash.c); its capture sees an arrival before the ingress hook
	 * drops it, and the NFLOG record can be missing: such an "in" copy is
	 * a drop there. */
	struct sq_blackhole {
		int host;
		int64_t from_us, to_us;
	} holes[SEQUENCE_MAX_COLS * 2];
	int n_holes;
};

static int sq_host_index(const struct sequence_conf *conf, const char *name)
{
	for (int i = 0; name && i < conf->n_hosts; i++)
		if (!strcmp(conf->hosts[i], name))
			return i;
	return -1;
}

static const char *ev_str(const json_t *ev, const char *key)
{
	return json_string_value(json_object_get(ev, key));
}

static int64_t ev_int(const json_t *ev, const char *key)
{
	return json_integer_value(json_object_get(ev, key));
}

static int64_t ev_t_us(const json_t *ev)
{
	const json_t *us = json_object_get(ev, "t_us");

	return json_is_integer(us) ? json_integer_value(us) : ev_int(ev, "t_ms") * 1000;
}

static bool ev_is_peer(const json_t *ev)
{
	return json_is_string(json_object_get(ev, "peer"));
}

static bool ev_is_obs(const json_t *ev)
{
	const char *k = ev_str(ev, "kind");

	return k && !strcmp(k, "obs");
}

static bool ev_is_wire(const json_t *ev)
{
	const char *src = ev_str(ev, "src");

	return src && !strcmp(src, "wire");
}

/* Columns: the hosts that ran a peer or sent or received a segment. */
static void sq_columns(struct sq_build *b, const struct timeline *tl)
{
	bool used[SEQUENCE_MAX_COLS * 4] = { false };
	int n = b->conf->n_hosts < SEQUENCE_MAX_COLS * 4 ? b->conf->n_hosts : SEQUENCE_MAX_COLS * 4;

	for (int h = 0; h < SEQUENCE_MAX_COLS * 4; h++)
		b->host_col[h] = -1;

	for (size_t i = 0; i < timeline_count(tl); i++) {
		const json_t *ev = timeline_get(tl, i);
		int a = -1, c = -1;

		if (ev_is_wire(ev)) {
			a = sq_host_index(b->conf, ev_str(ev, "from_host"));
			c = sq_host_index(b->conf, ev_str(ev, "to_host"));
		} else if (ev_is_peer(ev) || ev_is_obs(ev)) {
			a = sq_host_index(b->conf, ev_str(ev, "src"));
		}
		if (a >= 0 && a < n)
			used[a] = true;
		if (c >= 0 && c < n)
			used[c] = true;
	}
	for (int h = 0; h < n; h++) {
		if (!used[h] || b->sq->n_cols == SEQUENCE_MAX_COLS)
			continue;
		b->host_col[h] = b->sq->n_cols;
		snprintf(b->sq->col_name[b->sq->n_cols++], sizeof(b->sq->col_name[0]), "%s",
			 b->conf->hosts[h]);
	}
}

static int sq_col(const struct sq_build *b, int host)
{
	return host >= 0 && host < b->conf->n_hosts && host < SEQUENCE_MAX_COLS * 4 ?
		       b->host_col[host] :
		       -1;
}

static struct sequence_row *sq_row_add(struct sq_build *b, enum sequence_row_kind kind,
				       int64_t t_us, int ev)
{
	struct sequence *sq = b->sq;
	struct sequence_row *r;

	r = vec_push(&sq->rows, &sq->n_rows, &b->cap_rows, sizeof(*r));
	if (!r)
		return NULL;
	r->kind = kind;
	r->t_us = t_us;
	r->ev = ev;
	r->t_end_us = -1;
	r->col = r->to_col = r->drop_col = -1;
	return r;
}

/* "198.18.0.1:41234" -> column address "198.18.0.1", once per column. */
static void sq_learn_addr(struct sq_build *b, int col, const char *ep)
{
	char *colon;

	if (col < 0 || !ep || b->sq->col_addr[col][0])
		return;
	snprintf(b->sq->col_addr[col], sizeof(b->sq->col_addr[0]), "%s", ep);
	colon = strrchr(b->sq->col_addr[col], ':');
	if (colon)
		*colon = '\0';
}

static int sq_wire_add(struct sq_build *b, const json_t *ev, int seq_no)
{
	struct sq_wire *w = &b->w[b->n_w];
	const char *dir = ev_str(ev, "dir"), *flags = ev_str(ev, "flags");

	memset(w, 0, sizeof(*w));
	w->t_us = ev_t_us(ev);
	w->seq_no = seq_no;
	w->out = dir && !strcmp(dir, "out");
	w->drop = dir && !strncmp(dir, "drop", 4);
	w->rule = ev_str(ev, "rule") ?: "";
	w->at = sq_host_index(b->conf, ev_str(ev, "host"));
	w->from_host = sq_host_index(b->conf, ev_str(ev, "from_host"));
	w->to_host = sq_host_index(b->conf, ev_str(ev, "to_host"));
	w->from = ev_str(ev, "from") ?: "";
	w->to = ev_str(ev, "to") ?: "";
	if (!flags || wire_flags_parse(flags, &w->seg.flags))
		return 0; /* not a segment this version wrote: leave it out */
	w->seg.rseq = (uint32_t)ev_int(ev, "seq");
	w->seg.rack = (uint32_t)ev_int(ev, "ack");
	w->seg.len = (uint32_t)ev_int(ev, "len");
	w->seg.win = (uint16_t)ev_int(ev, "win");
	/* Only the sender's "out", the receiver's "in" and drops anywhere make
	 * the diagram; a router's or a switch's passing copies do not. */
	if (w->at < 0 || (!w->drop && w->at != (w->out ? w->from_host : w->to_host)))
		return 0;
	sq_learn_addr(b, sq_col(b, w->from_host), w->from);
	sq_learn_addr(b, sq_col(b, w->to_host), w->to);
	b->n_w++;
	return 0;
}

static int sq_wire_cmp(const void *a, const void *b)
{
	const struct sq_wire *x = a, *y = b;

	if (x->t_us != y->t_us)
		return x->t_us < y->t_us ? -1 : 1;
	return x->seq_no - y->seq_no;
}

/* Two copies of the same segment (or of a retransmission of it). */
static bool sq_same_seg(const struct sq_wire *a, const struct sq_wire *b)
{
	return a->seg.flags == b->seg.flags && a->seg.rseq == b->seg.rseq &&
	       a->seg.rack == b->seg.rack && a->seg.len == b->seg.len &&
	       !strcmp(a->from, b->from) && !strcmp(a->to, b->to);
}

/* The receiver's copy of the "out" copy @k, or -1. @b->w is in time order. */
/* The receiver's copy (@drop: a drop record) of the "out" copy @k, or -1.
 * @b->w is in time order. */
static int sq_match(const struct sq_build *b, int k, bool drop)
{
	const struct sq_wire *o = &b->w[k];
	int lo = 0, hi = b->n_w;

	while (lo < hi) { /* first copy at or after o->t_us - skew */
		int mid = lo + (hi - lo) / 2;

		if (b->w[mid].t_us < o->t_us - SEQUENCE_SKEW_US)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (int i = lo; i < b->n_w && b->w[i].t_us <= o->t_us + SEQUENCE_MATCH_US; i++) {
		if (b->w[i].out || b->w[i].used || b->w[i].drop != drop ||
		    !sq_same_seg(o, &b->w[i]))
			continue;
		/* A retransmission looks the same: an arrival belongs to the
		 * last identical copy sent before it. */
		for (int j = k + 1; j < i; j++)
			if (b->w[j].out && sq_same_seg(o, &b->w[j]))
				return -1;
		return i;
	}
	return -1;
}

static bool sq_captured(const struct sq_build *b, int host)
{
	return host >= 0 && b->conf->captured && b->conf->captured[host];
}

/* One row for the segment @w; @d: its drop record, or NULL. */
static int sq_seg_row(struct sq_build *b, const struct sq_wire *w, enum sequence_fate fate,
		      int64_t t_end, const struct sq_wire *d)
{
	struct sequence_row *r = sq_row_add(b, SEQUENCE_ROW_SEG, w->t_us, w->seq_no);
	size_t n;

	if (!r)
		return -ENOMEM;
	r->col = sq_col(b, w->from_host);
	r->to_col = sq_col(b, w->to_host);
	r->fate = d ? SEQUENCE_LOST : fate;
	r->t_end_us = t_end;
	r->flags = w->seg.flags;
	r->len = w->seg.len;
	r->drop_col = -1;
	wire_seg_label(&w->seg, r->text, sizeof(r->text));
	if (d) { /* where it was lost, and by which rule */
		r->drop_col = sq_col(b, d->at) >= 0 ? sq_col(b, d->at) : SEQUENCE_DROP_BETWEEN;
		n = strlen(r->text);
		snprintf(r->text + n, sizeof(r->text) - n, " (drop%s%s)", d->rule[0] ? " " : "",
			 d->rule);
	}
	fate = r->fate;
	b->sq->n_segs++;
	b->sq->n_lost += fate == SEQUENCE_LOST;
	return 0;
}

static bool sq_blackholed(const struct sq_build *b, int host, int64_t t_us);

/* @w arrived at a black-holed host (no NFLOG record of it): its drop there. */
static const struct sq_wire *sq_hole_drop(const struct sq_build *b, const struct sq_wire *w,
					  struct sq_wire *buf)
{
	if (w->drop || !sq_blackholed(b, w->to_host, w->t_us))
		return NULL;
	*buf = *w;
	buf->drop = true;
	buf->at = w->to_host;
	buf->rule = "host-crash";
	return buf;
}

/* Pair every sender's copy with its receiver's copy; one row per segment. */
static int sq_segments(struct sq_build *b)
{
	struct sq_wire hole_buf;
	const struct sq_wire *hole;

	qsort(b->w, (size_t)b->n_w, sizeof(*b->w), sq_wire_cmp);
	for (int k = 0; k < b->n_w; k++) {
		struct sq_wire *o = &b->w[k];
		int i, d;

		if (!o->out)
			continue;
		d = sq_match(b, k, true);
		if (d >= 0)
			b->w[d].used = true;
		if (!sq_captured(b, o->to_host) || sq_col(b, o->to_host) < 0) {
			if (sq_seg_row(b, o, SEQUENCE_SENT, -1, d >= 0 ? &b->w[d] : NULL))
				return -ENOMEM;
			continue;
		}
		i = sq_match(b, k, false);
		if (i >= 0)
			b->w[i].used = true;
		hole = d < 0 && i >= 0 ? sq_hole_drop(b, &b->w[i], &hole_buf) : NULL;
		if (sq_seg_row(b, o, i >= 0 && !hole ? SEQUENCE_DELIVERED : SEQUENCE_LOST,
			       i >= 0 && !hole ? b->w[i].t_us : -1, d >= 0 ? &b->w[d] : hole))
			return -ENOMEM;
	}
	/* Drops of what was never seen leaving (a sender's own egress rule
	 * runs before its capture), arrivals nobody was seen sending. */
	for (int k = 0; k < b->n_w; k++) {
		const struct sq_wire *w = &b->w[k];

		if (w->out || w->used)
			continue;
		hole = sq_hole_drop(b, w, &hole_buf);
		if (hole)
			w = hole;
		if (sq_seg_row(b, w, SEQUENCE_ARRIVED, w->drop ? -1 : w->t_us, w->drop ? w : NULL))
			return -ENOMEM;
	}
	return 0;
}

/* Errnos that say "try again", not "the connection failed". */
static bool sq_benign_errno(const char *e)
{
	return !strcmp(e, "EAGAIN") || !strcmp(e, "EINPROGRESS") || !strcmp(e, "EINTR");
}

/* The peer calls worth a note, and how they read when they work. */
static const char *const sq_calls[] = { "listen", "connect",  "accept", "send",
					"recv",	  "shutdown", "close",	"heartbeat" };

static int sq_peer_note(struct sq_build *b, const json_t *ev, int idx)
{
	const char *call = ev_str(ev, "call"), *eno = ev_str(ev, "errno");
	int col = sq_col(b, sq_host_index(b->conf, ev_str(ev, "src")));
	int64_t ret = ev_int(ev, "ret");
	enum sequence_note_kind kind = SEQUENCE_NOTE_CALL;
	struct sequence_row *r;
	char text[SEQUENCE_TEXT_MAX];
	size_t i;

	for (i = 0; call && i < sizeof(sq_calls) / sizeof(sq_calls[0]); i++)
		if (!strcmp(call, sq_calls[i]))
			break;
	if (!call || col < 0 || i == sizeof(sq_calls) / sizeof(sq_calls[0]))
		return 0;
	if (eno && sq_benign_errno(eno))
		return 0;
	if (eno) {
		snprintf(text, sizeof(text), "%s: %s", call, eno);
		kind = SEQUENCE_NOTE_ERROR;
	} else if (!strcmp(call, "recv") && ret == 0) {
		snprintf(text, sizeof(text), "recv: EOF");
		kind = SEQUENCE_NOTE_ERROR;
	} else if (!strcmp(call, "recv")) {
		return 0; /* data read: the DATA segments already say it */
	} else if (!strcmp(call, "send")) {
		snprintf(text, sizeof(text), "send %lld", (long long)ret);
	} else if (!strcmp(call, "listen")) {
		return 0; /* the listener's port shows in every segment */
	} else if (!strcmp(call, "heartbeat")) {
		/* its start (ret 0), then each missed ping (ret: missed in a row) */
		if (ret > 0)
			snprintf(text, sizeof(text), "heartbeat: %lld missed", (long long)ret);
		else
			snprintf(text, sizeof(text), "heartbeat %s", ev_str(ev, "role") ?: "");
	} else {
		snprintf(text, sizeof(text), "%s", call);
	}
	r = sq_row_add(b, SEQUENCE_ROW_NOTE, ev_t_us(ev), idx);
	if (!r)
		return -ENOMEM;
	r->col = col;
	r->note = kind;
	snprintf(r->text, sizeof(r->text), "%s", text);
	return 0;
}

/* A state note when the observer saw a connection (not a listener) change state. */
static int sq_obs_note(struct sq_build *b, const json_t *ev, int idx)
{
	const char *host = ev_str(ev, "src"), *local = ev_str(ev, "local");
	const char *remote = ev_str(ev, "remote"), *state = ev_str(ev, "state");
	int col = sq_col(b, sq_host_index(b->conf, host));
	struct sequence_row *r;
	int i;

	if (col < 0 || !local || !remote || !state || !strcmp(state, "LISTEN") ||
	    !strncmp(remote, "0.0.0.0:", 8) || !strncmp(remote, "[::]:", 5))
		return 0;
	for (i = 0; i < b->n_states; i++)
		if (!strcmp(b->states[i].host, host) && !strcmp(b->states[i].local, local) &&
		    !strcmp(b->states[i].remote, remote))
			break;
	if (i < b->n_states && !strcmp(b->states[i].state, state))
		return 0;
	if (i == b->n_states) {
		struct sq_state *s = vec_push(&b->states, &b->n_states, &b->cap_states, sizeof(*s));

		if (!s)
			return -ENOMEM;
		*s = (struct sq_state){ host, local, remote, state };
	}
	b->states[i].state = state;
	r = sq_row_add(b, SEQUENCE_ROW_NOTE, ev_t_us(ev), idx);
	if (!r)
		return -ENOMEM;
	r->col = col;
	r->note = SEQUENCE_NOTE_STATE;
	snprintf(r->text, sizeof(r->text), "%s", state);
	return 0;
}

static int sq_runner_row(struct sq_build *b, const json_t *ev, int idx)
{
	const char *call = ev_str(ev, "call") ?: "", *text = ev_str(ev, "text") ?: "";
	struct sequence_row *r;

	if (strcmp(call, "fault") && strcmp(call, "clock") && strcmp(call, "capture"))
		return 0;
	r = sq_row_add(b, strcmp(call, "clock") ? SEQUENCE_ROW_FAULT : SEQUENCE_ROW_CLOCK,
		       ev_t_us(ev), idx);
	if (!r)
		return -ENOMEM;
	snprintf(r->text, sizeof(r->text), "%s%s", strcmp(call, "fault") ? "" : "fault: ",
		 strcmp(call, "clock") ? text : "t=0: setup done");
	return 0;
}

/* "host-crash client: ..." opens a black hole at client, "reboot client: ..." closes it. */
static void sq_blackhole_note(struct sq_build *b, const json_t *ev)
{
	const char *text = ev_str(ev, "text") ?: "", *call = ev_str(ev, "call") ?: "";
	bool crash = !strncmp(text, "host-crash ", 11), reboot = !strncmp(text, "reboot ", 7);
	const char *name = text + (crash ? 11 : 7);
	char host[64];
	int h;

	if (strcmp(call, "fault") || (!crash && !reboot))
		return;
	snprintf(host, sizeof(host), "%.*s", (int)strcspn(name, ": "), name);
	h = sq_host_index(b->conf, host);
	if (h < 0)
		return;
	if (crash && b->n_holes < (int)(sizeof(b->holes) / sizeof(b->holes[0])))
		b->holes[b->n_holes++] = (struct sq_blackhole){ h, ev_t_us(ev), INT64_MAX };
	for (int i = 0; reboot && i < b->n_holes; i++)
		if (b->holes[i].host == h && b->holes[i].to_us == INT64_MAX)
			b->holes[i].to_us = ev_t_us(ev);
}

static bool sq_blackholed(const struct sq_build *b, int host, int64_t t_us)
{
	for (int i = 0; i < b->n_holes; i++)
		if (b->holes[i].host == host && t_us >= b->holes[i].from_us &&
		    t_us < b->holes[i].to_us)
			return true;
	return false;
}

static int sq_events(struct sq_build *b, const struct timeline *tl)
{
	int ret = 0;

	b->w = calloc(timeline_count(tl) + 1, sizeof(*b->w));
	if (!b->w)
		return -ENOMEM;
	for (size_t i = 0; i < timeline_count(tl) && !ret; i++) {
		const json_t *ev = timeline_get(tl, i);
		const char *src = ev_str(ev, "src");

		if (ev_is_wire(ev))
			ret = sq_wire_add(b, ev, (int)i);
		else if (ev_is_peer(ev))
			ret = sq_peer_note(b, ev, (int)i);
		else if (ev_is_obs(ev))
			ret = sq_obs_note(b, ev, (int)i);
		else if (src && !strcmp(src, "runner"))
			ret = sq_runner_row(b, ev, (int)i);
		if (src && !strcmp(src, "runner"))
			sq_blackhole_note(b, ev);
	}
	return ret ? ret : sq_segments(b);
}

static int sq_row_cmp(const void *a, const void *b)
{
	const struct sequence_row *x = a, *y = b;

	if (x->t_us != y->t_us)
		return x->t_us < y->t_us ? -1 : 1;
	return x->ev - y->ev;
}

/* Rows in time order; equal times in the order of their events. */
static void sq_sort_rows(struct sequence *sq)
{
	if (!sq->n_rows) /* qsort(NULL, 0, ...) is undefined */
		return;
	qsort(sq->rows, (size_t)sq->n_rows, sizeof(*sq->rows), sq_row_cmp);
}

struct sequence *sequence_build(const struct sequence_conf *conf, const struct timeline *tl)
{
	struct sq_build b = { .conf = conf };
	int ret;

	b.sq = calloc(1, sizeof(*b.sq));
	if (!b.sq)
		return NULL;
	snprintf(b.sq->title, sizeof(b.sq->title), "%s", conf->title ? conf->title : "");
	sq_columns(&b, tl);
	ret = sq_events(&b, tl);
	free(b.w);
	free(b.states);
	if (ret) {
		sequence_free(b.sq);
		return NULL;
	}
	sq_sort_rows(b.sq);
	sequence_fold(b.sq);
	return b.sq;
}

const char *sequence_secs(char *buf, size_t len, int64_t t_us)
{
	return secs_fmt(buf, len, mono_floor(t_us, 1000), 3);
}

void sequence_free(struct sequence *sq)
{
	if (!sq)
		return;
	free(sq->rows);
	free(sq);
}

int sequence_write(const char *dir, const struct sequence_conf *conf, const struct timeline *tl)
{
	static const struct {
		const char *name;
		int (*write)(const struct sequence *sq, FILE *f);
	} outputs[] = { { "sequence.txt", sequence_write_text },
			{ "sequence.svg", sequence_write_svg } };
	struct sequence *sq = sequence_build(conf, tl);
	char path[4096];
	int ret = 0;

	if (!sq)
		return -ENOMEM;
	for (size_t i = 0; i < sizeof(outputs) / sizeof(outputs[0]); i++) {
		FILE *f;
		int r;

		snprintf(path, sizeof(path), "%s/%s", dir, outputs[i].name);
		f = fopen(path, "we");
		if (!f) {
			ret = ret ?: -errno;
			continue;
		}
		r = outputs[i].write(sq, f);
		if (fclose(f) && !r)
			r = -EIO;
		ret = ret ?: r;
	}
	sequence_free(sq);
	return ret;
}
