/* peer_result.h - one peer's observations, folded from its JSON lines as they
 * arrive: the connection it made (addresses), its first errno and when, EOF,
 * bytes received, the heartbeat's verdict, the socket options the kernel read
 * back.
 *
 * Takes: the peer's lines (peer/peer.h's protocol), each with its case time.
 * Gives: struct run_peer_result, read by the verdict and the report.
 */
#ifndef RUN_PEER_RESULT_H
#define RUN_PEER_RESULT_H

#include <stdint.h>
#include <jansson.h>

#include "obs/observations.h"

struct run_peer_result {
	struct obs_peer obs; /* states filled in later from the observer */
	char local[64], remote[64]; /* the connection, as the peer reported it */
	struct obs_sockopts sockopts; /* what the kernel read back */
};

/**
 * peer_result_update() - fold one peer line (already carrying "t_ms") into @r:
 * connection addresses, first errno (EAGAIN, EINPROGRESS and EINTR are not
 * errors, nor are failures of setsockopt/bind/listen), EOF, bytes received,
 * socket option read-backs.
 */
void peer_result_update(struct run_peer_result *r, const json_t *ev, int64_t t_ms);

#endif
