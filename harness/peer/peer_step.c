/* peer_step.c - which peer command a peer action of a case is; see peer.h.
 *
 * The one place that maps step kinds (case/steps.def, "fault" false) to
 * peer commands; tests/unit/test_steps.c checks that every peer action has
 * one and no fault has.
 */
#include "peer/peer.h"

#include <errno.h>
#include <stdbool.h>

/* Indexed by step kind; .peer false: a fault, done by the runner. */
static const struct {
	bool peer;
	enum peer_cmd_kind cmd;
} peer_step_cmds[CASE_STEP_COUNT] = {
	[CASE_STEP_LISTEN] = { true, PEER_CMD_LISTEN },
	[CASE_STEP_CONNECT] = { true, PEER_CMD_CONNECT },
	[CASE_STEP_SEND] = { true, PEER_CMD_SEND },
	[CASE_STEP_READ] = { true, PEER_CMD_READ },
	[CASE_STEP_STOP_READING] = { true, PEER_CMD_STOP_READING },
	[CASE_STEP_SHUTDOWN] = { true, PEER_CMD_SHUTDOWN },
	[CASE_STEP_CLOSE] = { true, PEER_CMD_CLOSE },
	[CASE_STEP_HEARTBEAT] = { true, PEER_CMD_HEARTBEAT }, /* PEER_CMD_ANSWER with st->answer */
};

int peer_cmd_of_step(const struct case_step *st, struct peer_cmd *cmd)
{
	if ((unsigned int)st->kind >= CASE_STEP_COUNT || !peer_step_cmds[st->kind].peer)
		return -EINVAL;
	cmd->kind = (uint32_t)peer_step_cmds[st->kind].cmd;
	if (st->kind == CASE_STEP_HEARTBEAT && st->answer)
		cmd->kind = PEER_CMD_ANSWER;
	cmd->port = (uint16_t)st->port;
	cmd->bytes = st->bytes;
	cmd->every_ms = st->every_ms;
	cmd->misses = st->misses;
	return 0;
}
