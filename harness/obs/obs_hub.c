/* obs_hub.c - one ring buffer per run, routed to the cases' workers; see obs_hub.h. */
#include "obs/obs_hub.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

/* A worker's socket buffer: each queued message costs ~1 KiB of it (skb
 * overhead), so this holds a few thousand events. SO_SNDBUFFORCE: root. */
#define OBS_HUB_SNDBUF (4 << 20)

struct obs_hub {
	struct tcp_events *te;
	int *wfd; /* per slot: the write end, -1 when closed */
	int n_slots;
	uint64_t lost_sock, routed;
};

int obs_hub_open(int n_slots, struct obs_hub **out, struct tf_err *err)
{
	struct obs_hub *h = calloc(1, sizeof(*h));
	int ret;

	*out = NULL;
	if (!h)
		return tf_err_set(err, -ENOMEM, "out of memory");
	h->wfd = malloc((size_t)(n_slots > 0 ? n_slots : 1) * sizeof(*h->wfd));
	if (!h->wfd) {
		free(h);
		return tf_err_set(err, -ENOMEM, "out of memory");
	}
	for (int i = 0; i < n_slots; i++)
		h->wfd[i] = -1;
	h->n_slots = n_slots;
	ret = tcp_events_open(&h->te, err);
	if (ret < 0) {
		free(h->wfd);
		free(h);
		return ret;
	}
	*out = h;
	return 0;
}

void obs_hub_close(struct obs_hub *h)
{
	if (!h)
		return;
	for (int i = 0; i < h->n_slots; i++)
		if (h->wfd[i] >= 0)
			close(h->wfd[i]);
	tcp_events_close(h->te);
	free(h->wfd);
	free(h);
}

int obs_hub_fd(const struct obs_hub *h)
{
	return tcp_events_fd(h->te);
}

int obs_hub_slot_open(struct obs_hub *h, int slot, struct obs_feed *feed, struct tf_err *err)
{
	int sv[2], size = OBS_HUB_SNDBUF;

	if (slot < 0 || slot >= h->n_slots)
		return tf_err_set(err, -EINVAL, "event slot %d out of range", slot);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) < 0)
		return tf_err_set(err, -errno, "event socket pair: %s", strerror(errno));
	if (setsockopt(sv[1], SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	setsockopt(sv[0], SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size));
	h->wfd[slot] = sv[1];
	*feed = (struct obs_feed){ .te = h->te, .slot = (uint32_t)slot, .fd = sv[0] };
	return 0;
}

void obs_hub_slot_forked(struct obs_hub *h, struct obs_feed *feed)
{
	(void)h;
	if (feed->fd >= 0)
		close(feed->fd);
	feed->fd = -1;
}

void obs_hub_in_worker(struct obs_hub *h)
{
	for (int i = 0; i < h->n_slots; i++)
		if (h->wfd[i] >= 0) {
			close(h->wfd[i]);
			h->wfd[i] = -1;
		}
}

void obs_hub_slot_close(struct obs_hub *h, int slot)
{
	if (slot < 0 || slot >= h->n_slots)
		return;
	tcp_events_remove_slot(h->te, (uint32_t)slot);
	if (h->wfd[slot] >= 0)
		close(h->wfd[slot]);
	h->wfd[slot] = -1;
}

static int obs_hub_send(const struct tcp_event *ev, void *arg)
{
	struct obs_hub *h = arg;
	int fd = ev->slot < (uint32_t)h->n_slots ? h->wfd[ev->slot] : -1;

	if (fd < 0)
		return 0; /* its job ended: what it left in the ring buffer */
	if (send(fd, ev, sizeof(*ev), MSG_DONTWAIT | MSG_NOSIGNAL) == (ssize_t)sizeof(*ev))
		h->routed++;
	else if (errno == EAGAIN || errno == ENOBUFS)
		h->lost_sock++;
	return 0;
}

int obs_hub_route(struct obs_hub *h, struct tf_err *err)
{
	return tcp_events_consume(h->te, obs_hub_send, h, err);
}

uint64_t obs_hub_lost(const struct obs_hub *h)
{
	return h->lost_sock + tcp_events_lost(h->te);
}

uint64_t obs_hub_events(const struct obs_hub *h)
{
	return h->routed;
}
