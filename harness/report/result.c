/* result.c - case.json and report.txt of one case; see result.h. */
#include "report/result.h"
#include "report/fault_json.h"
#include "report/program_json.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>

#include "common/secs.h"

static json_t *result_ms_or_null(int64_t ms)
{
	return ms < 0 ? json_null() : json_integer(ms);
}

/* {"TCP_KEEPIDLE": 2, "SO_LINGER": null, ...}: what the kernel read back. */
static json_t *result_sockopts_json(const struct obs_sockopts *s)
{
	json_t *obj = json_object();

	for (int i = 0; i < s->n; i++)
		json_object_set_new(obj, s->v[i].name,
				    s->v[i].known ? json_integer(s->v[i].value) : json_null());
	return obj;
}

/* {"client": {"net.ipv4.tcp_retries2": "15", ...}, ...}, or null without a lab. */
static json_t *result_sysctls_json(const struct result_case *rc)
{
	json_t *all;

	if (!rc->sysctls)
		return json_null();
	all = json_object();
	for (int h = 0; h < rc->sysctls->n_hosts && h < rc->c->n_hosts; h++) {
		const struct obs_host_sysctls *s = &rc->sysctls->hosts[h];
		json_t *vals = json_object();

		for (int i = 0; i < s->n; i++)
			json_object_set_new(vals, s->v[i].key, json_string(s->v[i].value));
		json_object_set_new(all, rc->c->hosts[h], vals);
	}
	return all;
}

/* {"client": {"file": "client.pcap", "captured": true, "segments": 12,
 * "lost": 0}, ..., "polls": N, "packets": P, "poll_cpu_us_total": T,
 * "poll_cpu_us_max": M, "poll_wall_us_max": W}, or null. */
static json_t *result_capture_json(const struct result_case *rc)
{
	const struct capture_summary *cs = rc->capture;
	json_t *root;

	if (!cs)
		return json_null();
	root = json_object();
	for (int h = 0; h < cs->n_hosts && h < rc->c->n_hosts; h++)
		json_object_set_new(root, rc->c->hosts[h],
				    json_pack("{ss sb si sI}", "file", cs->hosts[h].file,
					      "captured", cs->hosts[h].captured, "segments",
					      cs->hosts[h].segments, "lost",
					      (json_int_t)cs->hosts[h].lost));
	json_object_set_new(root, "polls", json_integer(cs->polls));
	json_object_set_new(root, "packets", json_integer(cs->packets));
	json_object_set_new(root, "poll_cpu_us_total", json_integer(cs->poll_cpu_us_total));
	json_object_set_new(root, "poll_cpu_us_max", json_integer(cs->poll_cpu_us_max));
	json_object_set_new(root, "poll_wall_us_max", json_integer(cs->poll_wall_us_max));
	return root;
}

static json_t *result_peers_json(const struct result_case *rc)
{
	json_t *peers = json_object();

	for (int h = 0; h < rc->c->n_hosts; h++) {
		const struct run_peer_result *r = rc->peers[h];
		const struct obs_peer *o = &rc->peer_obs[h];
		int fs;

		if (!r || !r->obs.started)
			continue;
		fs = verdict_state_at(o->states, o->n_states, rc->obs_last_ms);
		json_object_set_new(
			peers, rc->c->hosts[h],
			json_pack("{s:o s:o s:o s:o s:I s:s s:s s:o s:o}", "errno",
				  r->obs.first_errno ?
					  json_string(case_errno_name(r->obs.first_errno)) :
					  json_null(),
				  "errno_ms",
				  result_ms_or_null(r->obs.first_errno ? r->obs.first_errno_ms :
									 -1),
				  "eof_ms", result_ms_or_null(r->obs.eof ? r->obs.eof_ms : -1),
				  "detect_ms",
				  result_ms_or_null(verdict_detect_ms(&r->obs, rc->fault_ms)),
				  "received", (json_int_t)r->obs.received, "local", r->local,
				  "remote", r->remote, "final_state",
				  fs < 0 ? json_null() : json_string(case_state_name(fs)),
				  "sockopts", result_sockopts_json(&r->sockopts)));
		/* the application's own verdict (a heartbeat), apart from the kernel's errno */
		json_object_set_new(json_object_get(peers, rc->c->hosts[h]), "app_errno",
				    r->obs.app_errno ?
					    json_string(case_errno_name(r->obs.app_errno)) :
					    json_null());
		json_object_set_new(json_object_get(peers, rc->c->hosts[h]), "app_errno_ms",
				    result_ms_or_null(r->obs.app_errno ? r->obs.app_errno_ms : -1));
		/* received bytes all on the sender's pattern: none lost, repeated or reordered */
		json_object_set_new(json_object_get(peers, rc->c->hosts[h]), "order_ok",
				    json_boolean(!r->obs.order_broken));
	}
	return peers;
}

/* The timing model's prediction for one "within model" expectation. */
static json_t *result_model_json(const struct model_band *m)
{
	if (!m->ok)
		return json_pack("{s:s s:s s:s}", "scenario", m->scenario, "origin", m->origin,
				 "why", m->why);
	return json_pack("{s:s s:s s:I s:b s:I s:I s:I s:o s:b s:s}", "scenario", m->scenario,
			 "origin", m->origin, "origin_ms", (json_int_t)m->origin_ms, "never",
			 m->never, "value_ms", (json_int_t)m->value_ms, "lo_ms",
			 (json_int_t)m->lo_ms, "hi_ms", (json_int_t)m->hi_ms, "errno",
			 m->errnum ? json_string(case_errno_name(m->errnum)) : json_null(),
			 "uncertain", m->uncertain, "rule", m->rule);
}

static json_t *result_expects_json(const struct result_case *rc)
{
	json_t *arr = json_array();

	for (int i = 0; rc->results && i < rc->c->n_expects; i++) {
		const struct verdict_result *r = &rc->results[i];
		json_t *ex = json_pack("{s:i s:s s:s s:s}", "line", (int)rc->c->expects[i].loc.line,
				       "expected", r->expected, "observed", r->observed, "verdict",
				       verdict_status_name(r->status));

		/* offset_ms: the event minus the band's origin, for the claims table */
		if (ex && r->has_offset)
			json_object_set_new(ex, "offset_ms", json_integer(r->offset_ms));
		/* --timing emulated: outside its band, reported and not judged */
		if (ex && r->timing_unjudged)
			json_object_set_new(ex, "timing", json_string("not judged (emulated)"));
		if (ex && rc->models && rc->c->expects[i].band_model)
			json_object_set_new(ex, "model", result_model_json(&rc->models[i]));
		json_array_append_new(arr, ex);
	}
	return arr;
}

/* The first expectation that did not pass, as the one-line reason. */
static void result_fill_reason(struct result_case *rc)
{
	if (rc->reason[0] || !rc->results)
		return;
	for (int i = 0; i < rc->c->n_expects; i++) {
		const struct verdict_result *r = &rc->results[i];

		if (r->status == VERDICT_PASS)
			continue;
		snprintf(rc->reason, sizeof(rc->reason), "line %u: expected %s; observed %s",
			 rc->c->expects[i].loc.line, r->expected, r->observed);
		return;
	}
}

static void result_write_report(const char *dir, const struct result_case *rc)
{
	char path[4096], at[SECS_LEN];
	FILE *f;

	snprintf(path, sizeof(path), "%s/report.txt", dir);
	f = fopen(path, "we");
	if (!f)
		return;
	if (!rc->results)
		fprintf(f, "# %s\n", rc->reason);
	for (int i = 0; rc->results && i < rc->c->n_expects; i++) {
		const struct verdict_result *r = &rc->results[i];

		if (r->status == VERDICT_PASS)
			continue;
		fprintf(f, "# %s:%u: %s\n#   expected: %s\n#   observed: %s\n", rc->c->file,
			rc->c->expects[i].loc.line, verdict_status_name(r->status), r->expected,
			r->observed);
		if (r->t_ms >= 0 && rc->tl) {
			fprintf(f, "#   timeline around %s s:\n",
				secs_fmt(at, sizeof(at), r->t_ms, 3));
			timeline_print_slice(rc->tl, f, r->t_ms, 1000, 1000, 14);
		}
	}
	fclose(f);
}

int result_dump_json(const char *path, const json_t *root)
{
	char tmp[4200];

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (json_dump_file(root, tmp, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0 ||
	    rename(tmp, path) < 0) {
		unlink(tmp);
		return -EIO;
	}
	return 0;
}

int result_write(const char *dir, struct result_case *rc)
{
	char path[4096];
	struct utsname uts;
	json_t *root, *programs;
	int ret = 0;

	result_fill_reason(rc);
	uname(&uts);
	root = json_pack("{s:s s:s s:s s:b s:s s:s s:I s:o s:o s:o s:o s:s}", "name", rc->c->name,
			 "file", rc->c->file, "title", rc->c->title, "control", rc->control,
			 "verdict", verdict_status_name(rc->verdict), "reason", rc->reason,
			 "duration_ms", (json_int_t)rc->duration_ms, "fault_ms",
			 result_ms_or_null(rc->fault_ms), "expectations", result_expects_json(rc),
			 "peers", result_peers_json(rc), "sysctls", result_sysctls_json(rc),
			 "kernel", uts.release);
	if (!root)
		return -ENOMEM;
	json_object_set_new(root, "faults",
			    rc->faults ? fault_json(rc->faults, rc->c) : json_null());
	json_object_set_new(root, "capture", result_capture_json(rc));
	programs = program_json(rc->programs, rc->c); /* only when a host ran one */
	if (programs)
		json_object_set_new(root, "programs", programs);
	json_object_set_new(root, "tier", json_string(case_tier_name(rc->c->tier)));
	/* which path observed the sockets (obs.h): events, exact to the
	 * microsecond, or polling, to within 10 ms */
	json_object_set_new(root, "observer",
			    rc->observer ? json_string(rc->observer) : json_null());
	json_object_set_new(root, "observer_events", json_integer((json_int_t)rc->obs_events));
	json_object_set_new(root, "step_late_max_us", json_integer(rc->step_late_max_us));
	json_object_set_new(root, "sources", json_array());
	for (int i = 0; i < rc->c->n_sources; i++)
		json_array_append_new(json_object_get(root, "sources"),
				      json_string(rc->c->sources[i]));
	snprintf(path, sizeof(path), "%s/case.json", dir);
	ret = result_dump_json(path, root);
	json_decref(root);
	if (rc->verdict != VERDICT_PASS)
		result_write_report(dir, rc);
	return ret;
}
