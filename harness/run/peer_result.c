/* peer_result.c - a peer's lines folded into its observations; see peer_result.h. */
#include "run/peer_result.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Calls whose errno tells the application that the connection failed. */
static const char *const peer_result_conn_calls[] = { "connect", "accept",   "send",
						      "recv",	 "shutdown", "close" };

static bool peer_result_is_conn_call(const char *call)
{
	for (size_t i = 0; i < sizeof(peer_result_conn_calls) / sizeof(peer_result_conn_calls[0]);
	     i++)
		if (strcmp(call, peer_result_conn_calls[i]) == 0)
			return true;
	return false;
}

void peer_result_update(struct run_peer_result *r, const json_t *ev, int64_t t_ms)
{
	const char *call = json_string_value(json_object_get(ev, "call"));
	const char *eno = json_string_value(json_object_get(ev, "errno"));
	json_int_t ret = json_integer_value(json_object_get(ev, "ret"));
	int errnum;

	if (!call)
		return;
	/* The attempt's addresses: the connection to follow if it never completes. */
	if (strcmp(call, "connecting") == 0 && !r->local[0]) {
		snprintf(r->local, sizeof(r->local), "%s",
			 json_string_value(json_object_get(ev, "local")) ?: "");
		snprintf(r->remote, sizeof(r->remote), "%s",
			 json_string_value(json_object_get(ev, "remote")) ?: "");
	}
	if ((strcmp(call, "connect") == 0 || strcmp(call, "accept") == 0) && !eno && ret >= 0 &&
	    !r->obs.has_conn) {
		r->obs.has_conn = true;
		snprintf(r->local, sizeof(r->local), "%s",
			 json_string_value(json_object_get(ev, "local")) ?: "");
		snprintf(r->remote, sizeof(r->remote), "%s",
			 json_string_value(json_object_get(ev, "remote")) ?: "");
	}
	/* Only the case's options carry a read-back (SO_REUSEADDR on the listener does not). */
	if (strcmp(call, "setsockopt") == 0 && json_is_string(json_object_get(ev, "opt")) &&
	    json_object_get(ev, "read_back"))
		obs_sockopts_set(&r->sockopts, json_string_value(json_object_get(ev, "opt")),
				 json_is_integer(json_object_get(ev, "read_back")),
				 json_integer_value(json_object_get(ev, "read_back")));
	if (strcmp(call, "recv") == 0 && ret > 0)
		r->obs.received += ret;
	if (strcmp(call, "recv") == 0 && json_is_integer(json_object_get(ev, "bad_at")) &&
	    !r->obs.order_broken) {
		r->obs.order_broken = true;
		r->obs.order_bad_at = json_integer_value(json_object_get(ev, "bad_at"));
	}
	if (strcmp(call, "recv") == 0 && ret == 0 && !eno && !r->obs.eof) {
		r->obs.eof = true;
		r->obs.eof_ms = t_ms;
	}
	/* The heartbeat's verdict, a pseudo-errno: a channel of its own. */
	if (!strcmp(call, "heartbeat") && eno && !r->obs.app_errno &&
	    case_errno_is_pseudo(case_errno_parse(eno))) {
		r->obs.app_errno = case_errno_parse(eno);
		r->obs.app_errno_ms = t_ms;
	}
	if (!eno || r->obs.first_errno || !peer_result_is_conn_call(call))
		return;
	errnum = case_errno_parse(eno);
	if (errnum == EAGAIN || errnum == EINPROGRESS || errnum == EINTR || errnum <= 0)
		return;
	r->obs.first_errno = errnum;
	r->obs.first_errno_ms = t_ms;
	snprintf(r->obs.first_errno_call, sizeof(r->obs.first_errno_call), "%s", call);
}
