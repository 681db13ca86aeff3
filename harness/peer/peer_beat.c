/* peer_beat.c - the application heartbeat of the peer's connection (see
 * peer_int.h, and docs/CASES.md "heartbeat").
 *
 * Pinging (PEER_CMD_HEARTBEAT, every T, misses K):
 *
 *   ping 0 ── T ── ping 1 ── T ── ping 2 ...    one byte each, on the stream
 *         a byte back before the next ping is due: answered; else a miss
 *         K misses in a row: {"call":"heartbeat","errno":"HEARTBEAT_TIMEOUT"}
 *
 * The other side dies at c: the first ping it cannot answer leaves in
 * (c, c + T], its miss is counted T later, the K-th K - 1 periods after
 * that: the declaration comes K x T to (K + 1) x T after c.
 *
 * Answering (PEER_CMD_ANSWER): every byte received is answered by one byte of
 * this peer's own stream (the pattern stays whole on both sides: an echo of
 * counts, not of contents). With misses K > 0 the answering side also
 * watches: no byte for K x T + T / 2 (half a period of grace for a late
 * ping) declares the pinging side dead, (K - 1/2) x T to (K + 1/2) x T after
 * it died. A declaration is reported once; the socket is left as it is (the
 * case decides whether the application closes it), and no more pings go out.
 */
#include "peer/peer_int.h"

#include <errno.h>

#include "common/clock.h"

static void peer_beat_declare(struct peer_state *st, int64_t now)
{
	struct peer_beat *b = &st->beat;

	b->dead = true;
	peer_emit(st, now, "heartbeat", -1, 0,
		  json_pack("{s:s s:s s:i s:I s:I s:I}", "errno",
			    case_errno_name(CASE_ERRNO_HEARTBEAT_TIMEOUT), "role",
			    b->pinging ? "ping" : "answer", "missed", b->misses, "every_ms",
			    (json_int_t)(b->every_ns / 1000000), "pings", (json_int_t)b->pings,
			    "answers", (json_int_t)b->answers));
}

static bool peer_beat_start(struct peer_state *st, const struct peer_cmd *cmd, bool ping)
{
	struct peer_beat *b = &st->beat;
	int64_t now;

	if ((ping && (cmd->every_ms <= 0 || cmd->misses <= 0)) || cmd->every_ms < 0 ||
	    cmd->misses < 0) {
		peer_emit(st, mono_ns(), "heartbeat", -1, EINVAL,
			  json_pack("{s:s}", "detail", "every_ms and misses must be > 0"));
		return true;
	}
	/* The connection the heartbeat runs on (it ends with it: peer_conn_reset()). */
	if (!peer_need_conn(st, "heartbeat"))
		return true;
	now = mono_ns();
	*b = (struct peer_beat){ .every_ns = cmd->every_ms * 1000000,
				 .misses = cmd->misses,
				 .pinging = ping,
				 .answering = !ping };
	peer_emit(st, now, "heartbeat", 0, 0,
		  json_pack("{s:s s:I s:i}", "role", ping ? "ping" : "answer", "every_ms",
			    (json_int_t)cmd->every_ms, "misses", cmd->misses));
	if (ping) {
		b->next_ns = now; /* the first ping now, in peer_beat_tick() */
		peer_beat_tick(st, now);
	} else if (b->misses) {
		b->next_ns = now + b->misses * b->every_ns + b->every_ns / 2;
	}
	return true;
}

bool peer_beat_cmd_ping(struct peer_state *st, const struct peer_cmd *cmd)
{
	return peer_beat_start(st, cmd, true);
}

bool peer_beat_cmd_answer(struct peer_state *st, const struct peer_cmd *cmd)
{
	return peer_beat_start(st, cmd, false);
}

void peer_beat_rx(struct peer_state *st, ssize_t n, int64_t now)
{
	struct peer_beat *b = &st->beat;

	if (b->pinging) {
		b->answered = true;
		b->answers++;
		return;
	}
	if (!b->answering)
		return;
	b->answers += n;
	peer_tx_queue(st, n);
	if (b->misses && !b->dead)
		b->next_ns = now + b->misses * b->every_ns + b->every_ns / 2;
}

int64_t peer_beat_due(const struct peer_state *st)
{
	const struct peer_beat *b = &st->beat;

	if (!b->every_ns || b->dead || (b->answering && !b->misses))
		return 0;
	return b->next_ns;
}

void peer_beat_tick(struct peer_state *st, int64_t now)
{
	struct peer_beat *b = &st->beat;

	if (!peer_beat_due(st) || now < b->next_ns)
		return;
	if (b->answering) {
		peer_beat_declare(st, now);
		return;
	}
	if (b->pings && !b->answered) {
		b->missed++;
		peer_emit(st, now, "heartbeat", b->missed, 0,
			  json_pack("{s:s s:i}", "role", "ping", "missed", b->missed));
	} else {
		b->missed = 0;
	}
	if (b->missed >= b->misses) {
		peer_beat_declare(st, now);
		return;
	}
	b->answered = false;
	b->pings++;
	peer_tx_queue(st, 1);
	/* Keep the rhythm; after a stall, restart it from now rather than burst. */
	b->next_ns += b->every_ns;
	if (b->next_ns <= now)
		b->next_ns = now + b->every_ns;
}
