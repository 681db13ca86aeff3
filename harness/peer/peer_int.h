/* peer_int.h - what peer.c (commands, poll loop) and peer_report.c (JSON
 * lines, socket options, addresses) share inside the peer child. Not for other
 * modules: the runner sees only peer.h.
 */
#ifndef PEER_INT_H
#define PEER_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <jansson.h>

#include "peer/peer.h"

/* Byte k of a connection's stream is k % 251 (a prime, so that a lost or
 * repeated block of any power-of-two size changes the pattern). */
#define PEER_PATTERN_MOD 251
#define PEER_TX_CHUNK (64 * 1024) /* largest single send() */
#define PEER_RX_BUF (64 * 1024)

/* The connection's application heartbeat (peer_beat.c); all zero: none. */
struct peer_beat {
	int64_t every_ns; /* the period; 0: no heartbeat */
	int misses; /* K: missed pings that declare the other side dead; 0: never */
	bool pinging; /* sends a one-byte ping every every_ns */
	bool answering; /* answers every byte received with one byte */
	bool dead; /* declared: no more pings, no more watching */
	int64_t next_ns; /* pinging: the next ping; answering with misses: the deadline */
	bool answered; /* pinging: a byte arrived since the last ping */
	int missed; /* pinging: unanswered pings in a row */
	long long pings, answers;
};

struct peer_state {
	const struct peer_conf *conf;
	int cmd_fd, ev_fd;
	int lfd; /* listener, -1 */
	int cfd; /* the connection, or the socket still connecting; -1 */
	bool connecting; /* cfd waits for its connect() result (POLLOUT) */
	uint32_t connect_cmd; /* id for the deferred "done" */
	struct sockaddr_storage connect_to;
	bool reading; /* poll POLLIN and recv(); the default, survives connections */
	bool rx_done; /* this connection's recv() gave EOF or an error: stop polling POLLIN */
	bool cfd_quiet; /* POLLERR/POLLHUP reported while not polling for anything */
	long long rx_total;
	long long rx_bad_at; /* stream offset of the first byte off the pattern; -1: none yet */
	int64_t tx_pending; /* bytes queued behind a partial or blocked send() */
	uint64_t tx_offset; /* stream offset of the next byte to send */
	int64_t every_ns, tx_bytes; /* periodic send; every_ns 0 = none */
	int64_t next_send_ns;
	int tx_errors; /* consecutive send() errors */
	struct peer_beat beat;
	unsigned char tx_buf[PEER_TX_CHUNK + PEER_PATTERN_MOD];
	unsigned char rx_buf[PEER_RX_BUF];
};

/*
 * peer_emit() - write {"t_ns","peer","call","ret","errno"} plus @extra's
 * members as one JSON line, in one write() (lines stay under PIPE_BUF, so they
 * are atomic). @errnum 0 gives "errno":null. @extra is stolen; NULL is fine.
 * Blocks while the pipe is full.
 */
void peer_emit(struct peer_state *st, int64_t t_ns, const char *call, long long ret, int errnum,
	       json_t *extra);

/* peer_emit_done() - {"call":"done","cmd":@id}. */
void peer_emit_done(struct peer_state *st, uint32_t id);

/* peer_names_json() - {"local":"A:P","remote":"A:P"}: local from
 * getsockname(@fd), remote from @remote (IPv6 as "[A]:P"). New reference. */
json_t *peer_names_json(int fd, const struct sockaddr_storage *remote);

/* peer_revents_json() - {"revents":"POLLERR|POLLHUP"}. New reference. */
json_t *peer_revents_json(short revents);

/* peer_json_set() - set @key in @obj (stealing @value); returns @obj. */
json_t *peer_json_set(json_t *obj, const char *key, json_t *value);

/* peer_addr_len() - sizeof the sockaddr for @ss's family; 0 if not IPv4/IPv6. */
socklen_t peer_addr_len(const struct sockaddr_storage *ss);

/* peer_apply_opts() - sockopt_apply() each of conf->opts on @fd, one
 * "setsockopt" line each with the value, the read-back and any detail. */
void peer_apply_opts(struct peer_state *st, int fd);

/* peer_need_conn() - the connection a command acts on, accepting a pending
 * one; false (and ENOTCONN reported for @call) when there is none (peer.c). */
bool peer_need_conn(struct peer_state *st, const char *call);

/* peer_tx_queue() - queue @bytes more of the pattern and send what the
 * socket takes now (peer.c). */
void peer_tx_queue(struct peer_state *st, int64_t bytes);

/* peer_beat.c: the heartbeat. The commands (true: "done" now); what a recv()
 * of @n > 0 bytes means to it; its next deadline (0: none), which bounds
 * ppoll(); and the tick that pings and declares. */
bool peer_beat_cmd_ping(struct peer_state *st, const struct peer_cmd *cmd);
bool peer_beat_cmd_answer(struct peer_state *st, const struct peer_cmd *cmd);
void peer_beat_rx(struct peer_state *st, ssize_t n, int64_t now);
int64_t peer_beat_due(const struct peer_state *st);
void peer_beat_tick(struct peer_state *st, int64_t now);

/* peer_fill_pattern() - tx_buf[i] = i % PEER_PATTERN_MOD. */
void peer_fill_pattern(struct peer_state *st);

/* peer_rx_check() - the stream offset of the first of the @n bytes just read
 * into rx_buf (stream offset st->rx_total) that is not k % PEER_PATTERN_MOD,
 * or -1: a lost, repeated or reordered byte shows here. */
long long peer_rx_check(const struct peer_state *st, size_t n);

/* peer.c: the peer's poll loop, commands and connection, until a close
 * command or a poll error; run in the child by peer_proc.c. */
void peer_loop(struct peer_state *st);

#endif
