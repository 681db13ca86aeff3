/* program_json.c - case.json's "programs"; see program_json.h. */
#include "report/program_json.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

static json_t *ms_or_null(bool known, int64_t ms)
{
	return known ? json_integer((json_int_t)ms) : json_null();
}

static json_t *run_json(const struct obs_proc *p)
{
	bool ended = p->exited && !(p->ended_by && !strcmp(p->ended_by, "end"));
	char sig[24];

	snprintf(sig, sizeof(sig), "SIG%s", p->signo ? sigabbrev_np(p->signo) ?: "?" : "");
	return json_pack("{s:s s:i s:I s:o s:o s:o s:o}", "command", p->command, "pid", p->pid,
			 "start_ms", (json_int_t)p->start_ms, "exit_ms",
			 ms_or_null(p->exited, p->exit_ms), "status",
			 ended && !p->signo ? json_integer(p->status) : json_null(), "signal",
			 p->signo ? json_string(sig) : json_null(), "ended_by",
			 p->ended_by ? json_string(p->ended_by) : json_null());
}

static json_t *host_json(const struct obs_program *op, const char *host)
{
	static const char *const sources[] = { "none", "event", "inferred" };
	char file[64];
	json_t *runs = json_array(), *o;

	for (int i = 0; runs && i < op->n_procs; i++)
		json_array_append_new(runs, run_json(&op->procs[i]));
	snprintf(file, sizeof(file), "program-%s.txt", host);
	o = json_pack("{s:o s:i s:s}", "runs", runs ? runs : json_array(), "lines", op->n_lines,
		      "output", file);
	if (!o)
		return json_null();
	json_object_set_new(o, "connection",
			    op->local[0] ? json_pack("{s:s s:s s:b}", "local", op->local, "remote",
						     op->remote, "established", op->established) :
					   json_null());
	json_object_set_new(o, "socket_error",
			    op->sock_errno ? json_pack("{s:s s:I s:s s:s}", "errno",
						       case_errno_name(op->sock_errno), "t_ms",
						       (json_int_t)op->sock_errno_ms, "source",
						       sources[op->sock_errno_source], "why",
						       op->sock_errno_why) :
					     json_null());
	return o;
}

json_t *program_json(const struct obs_program *const *programs, const struct case_def *c)
{
	json_t *root = NULL;

	for (int h = 0; h < c->n_hosts; h++) {
		if (!programs[h] || !programs[h]->ran)
			continue;
		if (!root)
			root = json_object();
		if (root)
			json_object_set_new(root, c->hosts[h], host_json(programs[h], c->hosts[h]));
	}
	return root;
}
