/* obs_hub.h - one run's kernel event source, shared by all its cases: the
 * orchestrator loads the BPF programs once (tcp_events.h: one ring buffer,
 * one namespace filter) and routes each event to the worker process of the
 * case whose namespace it came from.
 *
 * Takes: the number of job slots (a run's jobs, numbered from 0), and calls
 * from the orchestrator around each worker's fork. Gives: per slot a struct
 * obs_feed for the worker: the handle (the worker registers its hosts'
 * namespaces in the kernel filter with its slot as the value, which the
 * kernel copies into each event: tcp_events_add_netns()) and the read end of
 * a SOCK_SEQPACKET socket pair on which whole struct tcp_event records
 * arrive, in the order the kernel wrote them.
 *
 * Life of a slot: obs_hub_slot_open() before fork (the pair), in the worker
 * obs_hub_in_worker() (drops every write end it inherited), in the
 * orchestrator obs_hub_slot_forked() (drops the read end), and when the
 * worker has been reaped obs_hub_slot_close() (the slot's namespaces leave
 * the filter even if the worker was killed before it could unregister them).
 * The orchestrator calls obs_hub_route() when obs_hub_fd() polls readable.
 * A worker that does not keep up loses events (counted: obs_hub_lost()); the
 * socket buffer holds thousands, a case makes tens to hundreds.
 */
#ifndef OBS_HUB_H
#define OBS_HUB_H

#include <stdint.h>

#include "obs/tcp_events.h"
#include "netns/tf_err.h"

/* What a worker needs to receive its case's events. */
struct obs_feed {
	struct tcp_events *te; /* for tcp_events_add_netns() only: one consumer, the hub */
	uint32_t slot;
	int fd; /* read end: one struct tcp_event per message; -1: no event path */
};

struct obs_hub;

/**
 * obs_hub_open() - load and attach the event source for @n_slots jobs.
 * Return: 0 and *@out, or -EOPNOTSUPP with the reason in @err when the event
 * path is unavailable (tcp_events_open()), or -errno.
 */
int obs_hub_open(int n_slots, struct obs_hub **out, struct tf_err *err);

/** obs_hub_close() - detach, close every slot. NULL does nothing. */
void obs_hub_close(struct obs_hub *h);

/** obs_hub_fd() - polls readable when events wait in the ring buffer. */
int obs_hub_fd(const struct obs_hub *h);

/**
 * obs_hub_slot_open() - the socket pair of job @slot, into *@feed.
 * Return: 0 or -errno.
 */
int obs_hub_slot_open(struct obs_hub *h, int slot, struct obs_feed *feed, struct tf_err *err);

/** obs_hub_slot_forked() - in the orchestrator after the fork: close @feed's read end. */
void obs_hub_slot_forked(struct obs_hub *h, struct obs_feed *feed);

/** obs_hub_in_worker() - in a worker after the fork: close every slot's write end. */
void obs_hub_in_worker(struct obs_hub *h);

/** obs_hub_slot_close() - the job @slot ended: unregister what it left, close its pair. */
void obs_hub_slot_close(struct obs_hub *h, int slot);

/**
 * obs_hub_route() - drain the ring buffer, each event to its slot's worker.
 * Return: the number of events, or -errno.
 */
int obs_hub_route(struct obs_hub *h, struct tf_err *err);

/** obs_hub_lost() - events lost so far: ring buffer full, or a worker's socket full. */
uint64_t obs_hub_lost(const struct obs_hub *h);

/** obs_hub_events() - events routed so far. */
uint64_t obs_hub_events(const struct obs_hub *h);

#endif
