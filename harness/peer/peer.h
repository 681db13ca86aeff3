/* peer.h - a client or server process inside a lab namespace.
 *
 * Takes: the namespace fd, the peer's name, its socket options, and commands
 * sent by the runner over a socketpair while the case runs. Gives: a child
 * process that applies the socket options (read back after setting), obeys the
 * commands, and reports every syscall as one JSON line on a pipe:
 *
 *   {"t_ns":123456789,"peer":"client","call":"send","ret":100,"errno":null,"bytes":100}
 *   {"t_ns":...,"peer":"client","call":"connect","ret":-1,"errno":"ECONNREFUSED"}
 *   {"t_ns":...,"peer":"server","call":"accept","ret":5,"errno":null,
 *    "local":"198.18.0.2:8080","remote":"198.18.0.1:41234"}
 *   {"t_ns":...,"peer":"client","call":"recv","ret":0,"errno":null}        (EOF)
 *   {"t_ns":...,"peer":"client","call":"setsockopt","opt":"TCP_KEEPIDLE","ret":0,"value":2}
 *   {"t_ns":...,"peer":"client","call":"done","cmd":3}   (command 3 has completed)
 *   {"t_ns":...,"peer":"server","call":"heartbeat","ret":-1,"errno":"HEARTBEAT_TIMEOUT",
 *    "role":"ping","missed":3,"every_ms":1000}  (the heartbeat declared the other side dead)
 *
 * t_ns is CLOCK_MONOTONIC in nanoseconds. "done" follows every command when
 * its syscall(s) have completed (for connect: when connect() has succeeded or
 * failed; for listen: once listening, not when a connection is accepted), so
 * the runner can wait for setup steps. An accepted connection is reported by
 * its "accept" line. The child dies with its parent (PR_SET_PDEATHSIG).
 */
#ifndef PEER_H
#define PEER_H

#include <stdint.h>
#include <sys/types.h>
#include <netinet/in.h>

#include "case/case.h"
#include "netns/tf_err.h"

enum peer_cmd_kind {
	PEER_CMD_LISTEN,
	PEER_CMD_CONNECT,
	PEER_CMD_SEND,
	PEER_CMD_READ,
	PEER_CMD_STOP_READING,
	PEER_CMD_SHUTDOWN,
	PEER_CMD_CLOSE,
	PEER_CMD_HEARTBEAT, /* ping every every_ms; misses unanswered in a row: HEARTBEAT_TIMEOUT */
	PEER_CMD_ANSWER, /* answer every byte; misses > 0: also expect a ping every every_ms */
	PEER_CMD_COUNT
};

/* Fixed-size binary message from the runner to the peer. */
struct peer_cmd {
	uint32_t id; /* echoed in the "done" line */
	uint32_t kind; /* enum peer_cmd_kind */
	struct sockaddr_storage addr; /* CONNECT: target address and port */
	uint16_t port; /* LISTEN, host order */
	int64_t bytes; /* SEND */
	int64_t every_ms; /* SEND: 0 = once; otherwise repeat every_ms until CLOSE;
			   * HEARTBEAT, ANSWER: the heartbeat's period */
	int32_t misses; /* HEARTBEAT, ANSWER: missed pings that declare the other side dead */
};

struct peer_opt {
	enum case_sockopt_kind kind;
	long long value, value2;
};

struct peer_conf {
	const char *name; /* "client" */
	int netns_fd;
	const struct peer_opt *opts; /* applied to every socket the peer creates (the listener's
				      * accepted socket inherits them from the listener) */
	int n_opts;
};

struct peer_proc {
	pid_t pid;
	int cmd_fd; /* write struct peer_cmd here */
	int event_fd; /* read JSON lines here (non-blocking) */
};

/**
 * peer_spawn() - fork a peer into @conf->netns_fd.
 * Return: 0 and *@out, or -errno. The caller closes out->cmd_fd and
 * out->event_fd and reaps out->pid.
 */
int peer_spawn(const struct peer_conf *conf, struct peer_proc *out, struct tf_err *err);

/**
 * peer_cmd_of_step() - the command that makes a peer do the action @st (its
 * kind, port, bytes, period and misses; the caller sets id and, for a
 * connect, addr). Other fields of @cmd are left as they are.
 * Return: 0, or -EINVAL when @st is not a peer action (a fault).
 */
int peer_cmd_of_step(const struct case_step *st, struct peer_cmd *cmd);

/**
 * peer_send_cmd() - send one command to the peer.
 * Return: 0 or -errno (-EPIPE once the peer is dead).
 */
int peer_send_cmd(const struct peer_proc *p, const struct peer_cmd *cmd);

#endif
