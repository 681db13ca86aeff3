/* peer.c - the client or server process: obeys the runner's commands and
 * reports every syscall as one JSON line (peer_report.c writes the lines).
 *
 * The child polls three fds: the command socket, the listener and "the
 * connection" (the first accepted or the connected socket). ppoll()'s timeout
 * is the time to the next periodic send; there is no other timer and no sleep.
 *
 *   runner --struct peer_cmd (SOCK_SEQPACKET)--> peer --JSON lines (pipe)--> runner
 *
 * Everything the experiment looks at is the application's view (KERNEL-FACTS.md
 * "kill -9", "retries2"): the first recv()/send() after a failure returns the
 * error, later ones EOF or EPIPE. So the peer never reads SO_ERROR on an
 * established connection (it would consume that error, KERNEL-FACTS point 6).
 */
#include "peer/peer.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include "common/clock.h"
#include "peer/peer_int.h"

#define PEER_BACKLOG 16
#define PEER_MAX_SEND_ERRORS 3

typedef bool (*peer_cmd_fn)(struct peer_state *st, const struct peer_cmd *cmd);

/* A new connection starts a new byte stream: totals and pattern restart. */
static void peer_conn_reset(struct peer_state *st, int fd)
{
	st->cfd = fd;
	st->connecting = false;
	st->cfd_quiet = false;
	st->rx_done = false;
	st->rx_total = 0;
	st->rx_bad_at = -1;
	st->tx_pending = 0;
	st->tx_offset = 0;
	st->tx_errors = 0;
	st->every_ns = 0;
	st->beat = (struct peer_beat){ 0 }; /* a heartbeat belongs to one connection */
}

static void peer_conn_forget(struct peer_state *st)
{
	peer_conn_reset(st, -1);
}

/* Called when the listener is readable, and before a command that needs a
 * connection: the client's "done" for connect can reach the runner before this
 * process has polled its listener. */
static void peer_accept(struct peer_state *st)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int fd, e, ret;
	int64_t t;

	fd = accept4(st->lfd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
	e = errno;
	t = mono_ns();
	if (fd < 0) {
		if (e != EAGAIN && e != EWOULDBLOCK && e != EINTR)
			peer_emit(st, t, "accept", -1, e, NULL);
		return;
	}
	if (st->cfd < 0) {
		peer_emit(st, t, "accept", fd, 0, peer_names_json(fd, &ss));
		peer_conn_reset(st, fd);
		return;
	}
	/* Only one connection per peer: a later one is closed at once. */
	peer_emit(st, t, "accept", fd, 0,
		  peer_json_set(peer_names_json(fd, &ss), "extra", json_true()));
	ret = close(fd);
	e = errno;
	peer_emit(st, mono_ns(), "close", ret, ret ? e : 0, json_pack("{s:b}", "extra", 1));
}

/* Report ENOTCONN for @call when there is no connection; false then. */
bool peer_need_conn(struct peer_state *st, const char *call)
{
	if (st->cfd < 0 && st->lfd >= 0)
		peer_accept(st);
	if (st->cfd >= 0 && !st->connecting)
		return true;
	peer_emit(st, mono_ns(), call, -1, ENOTCONN, json_pack("{s:s}", "detail", "no connection"));
	return false;
}

/* Send the queued bytes until the queue is empty, the kernel takes only part
 * or says EAGAIN (wait for POLLOUT: where a blocking application would block),
 * or send() fails (the queue is dropped; a periodic send queues again at its
 * next tick). Every call is reported, EAGAIN included: it is the truth of a
 * non-blocking socket, and the result module skips it as a "first error". */
static void peer_tx_flush(struct peer_state *st)
{
	while (st->tx_pending > 0) {
		size_t off = st->tx_offset % PEER_PATTERN_MOD;
		size_t len = st->tx_pending < PEER_TX_CHUNK ? (size_t)st->tx_pending :
							      PEER_TX_CHUNK;
		ssize_t n = send(st->cfd, st->tx_buf + off, len, MSG_NOSIGNAL);
		int e = errno;
		int64_t t = mono_ns();

		if (n < 0 && (e == EAGAIN || e == EWOULDBLOCK)) {
			peer_emit(st, t, "send", -1, e,
				  json_pack("{s:I,s:I}", "bytes", (json_int_t)len, "queued",
					    (json_int_t)st->tx_pending));
			return;
		}
		if (n < 0) {
			st->tx_pending = 0;
			st->tx_errors++;
			peer_emit(st, t, "send", -1, e,
				  json_pack("{s:I,s:I}", "bytes", (json_int_t)len, "queued",
					    (json_int_t)0));
			if (st->every_ns && st->tx_errors >= PEER_MAX_SEND_ERRORS) {
				st->every_ns = 0;
				peer_emit(st, mono_ns(), "send-stopped", 0, 0,
					  json_pack("{s:s}", "reason", "3 errors in a row"));
			}
			return;
		}
		st->tx_errors = 0;
		st->tx_pending -= n;
		st->tx_offset += (uint64_t)n;
		peer_emit(st, t, "send", n, 0,
			  json_pack("{s:I,s:I}", "bytes", (json_int_t)len, "queued",
				    (json_int_t)st->tx_pending));
		if ((size_t)n < len)
			return;
	}
}

void peer_tx_queue(struct peer_state *st, int64_t bytes)
{
	bool idle = st->tx_pending == 0;

	st->tx_pending += bytes;
	if (idle)
		peer_tx_flush(st);
	/* else: already waiting for POLLOUT; the bytes go behind the queue. */
}

/* Periodic send: keep the rhythm on the monotonic clock; if the loop fell
 * behind by a whole period, restart it from now rather than bursting. A tick
 * while the previous bytes still wait for POLLOUT is skipped, as a blocking
 * application stuck in send() would miss it (no unbounded backlog). */
static void peer_tick(struct peer_state *st, int64_t now)
{
	st->next_send_ns += st->every_ns;
	if (st->next_send_ns <= now)
		st->next_send_ns = now + st->every_ns;
	if (st->tx_pending == 0)
		peer_tx_queue(st, st->tx_bytes);
}

static void peer_recv(struct peer_state *st)
{
	ssize_t n = recv(st->cfd, st->rx_buf, sizeof(st->rx_buf), 0);
	int e = errno;
	int64_t t = mono_ns();
	long long bad = -1;
	json_t *x;

	if (n < 0 && (e == EAGAIN || e == EWOULDBLOCK || e == EINTR))
		return;
	/* Every byte once and in order: checked until the first one off the pattern. */
	if (n > 0 && st->rx_bad_at < 0)
		st->rx_bad_at = bad = peer_rx_check(st, (size_t)n);
	if (n > 0)
		st->rx_total += n;
	x = json_pack("{s:I}", "total", (json_int_t)st->rx_total);
	if (bad >= 0)
		peer_json_set(x, "bad_at", json_integer(bad));
	peer_emit(st, t, "recv", n, n < 0 ? e : 0, x);
	if (n > 0)
		peer_beat_rx(st, n, t); /* after the recv line: an answer follows what it answers */
	/* EOF or error: stop, or level-triggered POLLIN/POLLHUP would spin. */
	if (n <= 0)
		st->rx_done = true;
}

/* The connect() result is known: SO_ERROR is the documented way to read it
 * (connect(2), EINPROGRESS), and nothing else can have consumed it yet. */
static void peer_connect_result(struct peer_state *st)
{
	int soerr = 0, ret;
	socklen_t len = sizeof(soerr);
	int64_t t;

	ret = getsockopt(st->cfd, SOL_SOCKET, SO_ERROR, &soerr, &len);
	if (ret < 0)
		soerr = errno;
	t = mono_ns();
	peer_emit(st, t, "connect", soerr ? -1 : 0, soerr,
		  peer_names_json(st->cfd, &st->connect_to));
	if (soerr) {
		close(st->cfd);
		peer_conn_forget(st);
	} else {
		peer_conn_reset(st, st->cfd);
	}
	peer_emit_done(st, st->connect_cmd);
}

static short peer_conn_events(const struct peer_state *st)
{
	short ev = 0;

	if (st->connecting)
		return POLLOUT;
	if (st->reading && !st->rx_done)
		ev |= POLLIN | POLLRDHUP;
	if (st->tx_pending > 0)
		ev |= POLLOUT;
	return ev;
}

static void peer_conn_event(struct peer_state *st, short events, short revents)
{
	if (st->connecting) {
		peer_connect_result(st);
		return;
	}
	/* Reading first: an application blocked in recv() sees the error there. */
	if ((events & POLLIN) && (revents & (POLLIN | POLLRDHUP | POLLERR | POLLHUP)))
		peer_recv(st);
	if ((events & POLLOUT) && (revents & (POLLOUT | POLLERR | POLLHUP)))
		peer_tx_flush(st);
	if (!events) {
		/* Nobody asked: POLLERR/POLLHUP come anyway and stay set. Report
		 * once and leave the fd out of poll(); no SO_ERROR here. */
		peer_emit(st, mono_ns(), "poll", 0, 0, peer_revents_json(revents));
		st->cfd_quiet = true;
	}
}

static bool peer_cmd_listen(struct peer_state *st, const struct peer_cmd *cmd)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(cmd->port),
				   .sin_addr.s_addr = htonl(INADDR_ANY) };
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6,
				     .sin6_port = htons(cmd->port),
				     .sin6_addr = IN6ADDR_ANY_INIT };
	/* cmd->addr's family says which (IPv6: the case runs over IPv6, v6only) */
	bool v6 = cmd->addr.ss_family == AF_INET6;
	const struct sockaddr *sa = v6 ? (const struct sockaddr *)&sin6 :
					 (const struct sockaddr *)&sin;
	int fd, ret, e, one = 1;
	char local[32];

	if (st->lfd >= 0) {
		peer_emit(st, mono_ns(), "listen", -1, EALREADY,
			  json_pack("{s:s}", "detail", "already listening"));
		return true;
	}
	fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	e = errno;
	peer_emit(st, mono_ns(), "socket", fd, fd < 0 ? e : 0, NULL);
	if (fd < 0)
		return true;
	if (v6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	ret = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	e = errno;
	peer_emit(st, mono_ns(), "setsockopt", ret, ret ? e : 0,
		  json_pack("{s:s,s:i}", "opt", "SO_REUSEADDR", "value", one));
	peer_apply_opts(st, fd);
	ret = bind(fd, sa, v6 ? sizeof(sin6) : sizeof(sin));
	e = errno;
	snprintf(local, sizeof(local), v6 ? "[::]:%u" : "0.0.0.0:%u", (unsigned int)cmd->port);
	peer_emit(st, mono_ns(), "bind", ret, ret ? e : 0, json_pack("{s:s}", "local", local));
	if (ret)
		goto out_close;
	ret = listen(fd, PEER_BACKLOG);
	e = errno;
	peer_emit(st, mono_ns(), "listen", ret, ret ? e : 0,
		  json_pack("{s:i}", "backlog", PEER_BACKLOG));
	if (ret)
		goto out_close;
	st->lfd = fd;
	return true;

out_close:
	close(fd);
	return true;
}

static bool peer_cmd_connect(struct peer_state *st, const struct peer_cmd *cmd)
{
	socklen_t alen = peer_addr_len(&cmd->addr);
	int fd, ret, e;

	if (!alen) {
		peer_emit(st, mono_ns(), "connect", -1, EAFNOSUPPORT,
			  json_pack("{s:s}", "detail", "address is neither AF_INET nor AF_INET6"));
		return true;
	}
	if (st->cfd >= 0) {
		peer_emit(st, mono_ns(), "connect", -1, EISCONN,
			  json_pack("{s:s}", "detail", "this peer already has a connection"));
		return true;
	}
	fd = socket(cmd->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	e = errno;
	peer_emit(st, mono_ns(), "socket", fd, fd < 0 ? e : 0, NULL);
	if (fd < 0)
		return true;
	peer_apply_opts(st, fd);
	st->connect_to = cmd->addr;
	ret = connect(fd, (const struct sockaddr *)&cmd->addr, alen);
	e = errno;
	if (ret < 0 && e == EINPROGRESS) {
		/* The result comes as POLLOUT; peer_connect_result() says "done".
		 * The SYN is out and the socket has its local port now: report the
		 * attempt's addresses (a connect() that then fails releases the
		 * port, and the observer needs them to follow SYN_SENT). */
		peer_emit(st, mono_ns(), "connecting", ret, e, peer_names_json(fd, &cmd->addr));
		st->cfd = fd;
		st->connecting = true;
		st->connect_cmd = cmd->id;
		return false;
	}
	peer_emit(st, mono_ns(), "connect", ret, ret ? e : 0, peer_names_json(fd, &st->connect_to));
	if (ret)
		close(fd);
	else
		peer_conn_reset(st, fd);
	return true;
}

static bool peer_cmd_send(struct peer_state *st, const struct peer_cmd *cmd)
{
	if (cmd->bytes <= 0 || cmd->every_ms < 0) {
		peer_emit(st, mono_ns(), "send", -1, EINVAL,
			  json_pack("{s:s}", "detail", "bytes must be > 0 and every_ms >= 0"));
		return true;
	}
	if (!peer_need_conn(st, "send"))
		return true;
	if (cmd->every_ms > 0) {
		st->every_ns = cmd->every_ms * 1000000;
		st->tx_bytes = cmd->bytes;
		st->next_send_ns = mono_ns() + st->every_ns;
		st->tx_errors = 0;
	}
	peer_tx_queue(st, cmd->bytes);
	return true;
}

/* Reading is a preference that outlives connections: "stop reading" before
 * the client connects leaves the first bytes unread (kill -9 then sends RST). */
static bool peer_cmd_reading(struct peer_state *st, bool on)
{
	st->reading = on;
	st->rx_done = false; /* READ after EOF or an error calls recv() again */
	st->cfd_quiet = false;
	peer_emit(st, mono_ns(), "reading", 0, 0, json_pack("{s:b}", "on", on));
	return true;
}

static bool peer_cmd_read(struct peer_state *st, const struct peer_cmd *cmd)
{
	(void)cmd;
	return peer_cmd_reading(st, true);
}

static bool peer_cmd_stop_reading(struct peer_state *st, const struct peer_cmd *cmd)
{
	(void)cmd;
	return peer_cmd_reading(st, false);
}

static bool peer_cmd_shutdown(struct peer_state *st, const struct peer_cmd *cmd)
{
	int ret, e;

	(void)cmd;
	if (!peer_need_conn(st, "shutdown"))
		return true;
	ret = shutdown(st->cfd, SHUT_WR);
	e = errno;
	peer_emit(st, mono_ns(), "shutdown", ret, ret ? e : 0,
		  json_pack("{s:s}", "how", "SHUT_WR"));
	return true;
}

static bool peer_cmd_close(struct peer_state *st, const struct peer_cmd *cmd)
{
	int ret, e;

	(void)cmd;
	/* A connect() still in progress can be closed too (its "done" never comes). */
	if (!(st->cfd >= 0 && st->connecting) && !peer_need_conn(st, "close"))
		return true;
	ret = close(st->cfd);
	e = errno;
	peer_emit(st, mono_ns(), "close", ret, ret ? e : 0, NULL);
	peer_conn_forget(st); /* also ends a periodic send */
	return true;
}

/* Return true when the command's "done" can be reported now. */
static const peer_cmd_fn peer_cmd_table[PEER_CMD_COUNT] = {
	[PEER_CMD_LISTEN] = peer_cmd_listen,
	[PEER_CMD_CONNECT] = peer_cmd_connect,
	[PEER_CMD_SEND] = peer_cmd_send,
	[PEER_CMD_READ] = peer_cmd_read,
	[PEER_CMD_STOP_READING] = peer_cmd_stop_reading,
	[PEER_CMD_SHUTDOWN] = peer_cmd_shutdown,
	[PEER_CMD_CLOSE] = peer_cmd_close,
	[PEER_CMD_HEARTBEAT] = peer_beat_cmd_ping,
	[PEER_CMD_ANSWER] = peer_beat_cmd_answer,
};

/* Return: false when the runner is gone (EOF on the command socket). */
static bool peer_handle_cmd(struct peer_state *st)
{
	struct peer_cmd cmd;
	ssize_t n = recv(st->cmd_fd, &cmd, sizeof(cmd), MSG_DONTWAIT);
	int e = errno;

	if (n < 0)
		return e == EAGAIN || e == EWOULDBLOCK || e == EINTR;
	if (n == 0)
		return false;
	if ((size_t)n != sizeof(cmd) || cmd.kind >= PEER_CMD_COUNT) {
		peer_emit(st, mono_ns(), "command", -1, EINVAL,
			  json_pack("{s:s,s:I}", "detail", "malformed command", "size",
				    (json_int_t)n));
		return true;
	}
	if (peer_cmd_table[cmd.kind](st, &cmd))
		peer_emit_done(st, cmd.id);
	return true;
}

static struct timespec *peer_timeout(const struct peer_state *st, struct timespec *ts)
{
	int64_t left, due = st->every_ns ? st->next_send_ns : 0, beat = peer_beat_due(st);

	if (beat && (!due || beat < due))
		due = beat;
	if (!due)
		return NULL;
	left = due - mono_ns();
	if (left < 0)
		left = 0;
	ts->tv_sec = left / 1000000000;
	ts->tv_nsec = left % 1000000000;
	return ts;
}

void peer_loop(struct peer_state *st)
{
	for (;;) {
		struct pollfd pfd[3] = { { .fd = st->cmd_fd, .events = POLLIN } };
		int n = 1, i_lis = -1, i_conn = -1, e;
		short ev = peer_conn_events(st);
		struct timespec ts;

		if (st->lfd >= 0) {
			i_lis = n;
			pfd[n++] = (struct pollfd){ .fd = st->lfd, .events = POLLIN };
		}
		if (st->cfd >= 0 && (ev || !st->cfd_quiet)) {
			i_conn = n;
			pfd[n++] = (struct pollfd){ .fd = st->cfd, .events = ev };
		}
		if (ppoll(pfd, (nfds_t)n, peer_timeout(st, &ts), NULL) < 0) {
			e = errno;
			if (e == EINTR)
				continue;
			peer_emit(st, mono_ns(), "poll", -1, e, NULL);
			return;
		}
		if (i_conn >= 0 && pfd[i_conn].revents)
			peer_conn_event(st, ev, pfd[i_conn].revents);
		if (st->every_ns && mono_ns() >= st->next_send_ns)
			peer_tick(st, mono_ns());
		peer_beat_tick(st, mono_ns());
		if (i_lis >= 0 && pfd[i_lis].revents)
			peer_accept(st);
		/* Commands last: CLOSE invalidates the fds polled above. */
		if (pfd[0].revents && !peer_handle_cmd(st))
			return;
	}
}
