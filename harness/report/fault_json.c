/* fault_json.c - the faults' record as JSON; see fault_json.h. */
#include "report/fault_json.h"

#include <sys/socket.h>

static json_t *fj_lines(const char *base, size_t stride, int n)
{
	json_t *arr = json_array();

	for (int i = 0; i < n; i++)
		json_array_append_new(arr, json_string(base + (size_t)i * stride));
	return arr;
}

static json_t *fj_routes(const struct lab_view *v, int family, bool linkdown_only)
{
	json_t *arr = json_array();

	for (int i = 0; i < v->n_routes; i++)
		if (linkdown_only ? v->routes[i].linkdown : v->routes[i].family == family)
			json_array_append_new(arr, json_string(v->routes[i].line));
	return arr;
}

/* A host's configuration: links, addrs, routes (IPv4), routes6, neigh_settings,
 * [truncated], and with its state: carrier, operstate, linkdown, neighbours
 * (ARP's entries) and neighbours6 (neighbour discovery's). */
static json_t *fj_snap(const struct fault_snap *s)
{
	const struct lab_view *v;
	json_t *ns, *snap;

	if (!s)
		return json_null();
	v = &s->view;
	ns = json_object();
	for (int i = 0; i < s->n_neigh; i++)
		json_object_set_new(ns, s->neigh[i].name, json_string(s->neigh[i].value));
	snap = json_pack("{s:o s:o s:o s:o s:o}", "links",
			 fj_lines(v->links[0].line, sizeof(v->links[0]), v->n_links), "addrs",
			 fj_lines(v->addrs[0], sizeof(v->addrs[0]), v->n_addrs), "routes",
			 fj_routes(v, AF_INET, false), "routes6", fj_routes(v, AF_INET6, false),
			 "neigh_settings", ns);
	if (!snap)
		return json_null();
	if (v->truncated)
		json_object_set_new(snap, "truncated", json_true());
	if (!s->with_state)
		return snap;
	if (s->if_found) {
		json_object_set_new(snap, "carrier", json_boolean(s->carrier));
		json_object_set_new(snap, "operstate", json_string(s->operstate));
	}
	json_object_set_new(snap, "linkdown", fj_routes(v, 0, true));
	json_object_set_new(snap, "neighbours",
			    fj_lines(v->neighs[0], sizeof(v->neighs[0]), v->n_neighs));
	json_object_set_new(snap, "neighbours6",
			    fj_lines(v->neighs6[0], sizeof(v->neighs6[0]), v->n_neighs6));
	return snap;
}

/* Every host's neighbour entries at the replug, keyed by host: ARP's, or
 * with @v6 neighbour discovery's. */
static json_t *fj_neighbours(const struct fault_neighbours *nb, const struct case_def *c, bool v6)
{
	json_t *all = json_object();

	for (int h = 0; h < c->n_hosts; h++)
		if (nb->read[h])
			json_object_set_new(all, c->hosts[h],
					    v6 ? fj_lines(nb->lines6[h][0],
							  sizeof(nb->lines6[h][0]), nb->n6[h]) :
						 fj_lines(nb->lines[h][0], sizeof(nb->lines[h][0]),
							  nb->n[h]));
	return all;
}

static json_t *fj_changes(const struct fault_changes *ch)
{
	json_t *arr = json_array();

	for (int i = 0; i < ch->n; i++)
		json_array_append_new(arr,
				      json_pack("[I I I]", (json_int_t)ch->v[i].t_ms,
						(json_int_t)ch->v[i].a, (json_int_t)ch->v[i].b));
	return arr;
}

static json_t *fj_rule(const struct fault_rule_rec *r, const struct case_def *c)
{
	const struct case_step *st = r->st;
	const struct case_rule *ru = &st->rule;
	bool watch = st->kind == CASE_STEP_WATCH;
	json_t *o =
		json_pack("{s:s s:s s:s s:s s:o s:s s:o s:o s:s s:s s:o}", "kind",
			  case_step_name(st->kind), "text", r->text, "host", c->hosts[st->host],
			  "where", ru->where == CASE_RULE_FORWARD ? "forward" : "ingress", "from",
			  ru->from_host >= 0 ? json_string(c->hosts[ru->from_host]) : json_null(),
			  "what", ru->has_seg ? case_seg_kind_name(ru->seg) : ru->match, "first",
			  ru->first ? json_integer(ru->first) : json_null(), "for_ms",
			  ru->for_ms ? json_integer(ru->for_ms) : json_null(), "nft", r->nft,
			  "source", st->loc.file, "changes", fj_changes(&r->changes));

	if (!o)
		return json_null();
	json_object_set_new(o, "line", json_integer(st->loc.line));
	json_object_set_new(o, "on_ms", json_integer(r->on_ms));
	if (r->off) {
		json_object_set_new(o, "off_ms", json_integer(r->off_ms));
		json_object_set_new(o, "lifted_by", json_string(r->lifted_by));
	}
	if (r->final) {
		json_object_set_new(o, watch ? "counted" : "dropped",
				    json_integer((json_int_t)r->dropped));
		json_object_set_new(o, "matched", json_integer((json_int_t)r->matched));
	}
	return o;
}

static json_t *fj_cable_event(const struct fault_cable_event *ev, const struct case_def *c)
{
	json_t *o = json_pack("{s:s s:o s:o}", "port", ev->port, "before", fj_snap(ev->before),
			      "during", fj_snap(ev->during));

	if (!o)
		return json_null();
	if (!ev->after && ev->same != FAULT_SAME_UNSET)
		json_object_set_new(o, "same", json_boolean(ev->same));
	if (ev->neighbours) {
		json_object_set_new(o, "neighbours", fj_neighbours(ev->neighbours, c, false));
		json_object_set_new(o, "neighbours6", fj_neighbours(ev->neighbours, c, true));
	}
	if (ev->after) {
		json_object_set_new(o, "after", fj_snap(ev->after));
		if (ev->same != FAULT_SAME_UNSET)
			json_object_set_new(o, "same", json_boolean(ev->same));
	}
	return o;
}

static json_t *fj_addr_event(const struct fault_addr_event *ev)
{
	json_t *o = json_pack("{s:s s:s s:o}", "old", ev->old, "new", ev->new_addr, "before",
			      fj_snap(ev->before));

	if (!o)
		return json_null();
	if (ev->during) {
		json_object_set_new(o, "during", fj_snap(ev->during));
		json_object_set_new(o, "routes_put_back_during", json_integer(ev->put_back_during));
	}
	if (ev->after) {
		json_object_set_new(o, "after", fj_snap(ev->after));
		json_object_set_new(o, "routes_put_back_after", json_integer(ev->put_back_after));
	}
	if (ev->same != FAULT_SAME_UNSET)
		json_object_set_new(o, "same", json_boolean(ev->same));
	return o;
}

/* "frozen_pids" and "freezer" into @o. */
static void fj_frozen(json_t *o, const struct fault_frozen *f)
{
	json_t *pids = json_array();

	if (!f->has_pids) {
		json_decref(pids);
		return;
	}
	for (int i = 0; i < f->n_pids; i++)
		json_array_append_new(pids, json_integer(f->pids[i]));
	json_object_set_new(o, "frozen_pids", pids);
	if (f->freezer != FAULT_FREEZER_ABSENT)
		json_object_set_new(o, "freezer",
				    f->freezer == FAULT_FREEZER_KIND ?
					    json_string(f->freezer_kind) :
					    json_null());
}

static json_t *fj_crash_event(const struct fault_crash_event *ev)
{
	json_t *o = json_object(), *x;

	if (ev->implied_by_reboot)
		json_object_set_new(o, "implied_by_reboot", json_true());
	fj_frozen(o, &ev->frozen);
	if (ev->has_ifs) {
		x = json_array();
		for (int i = 0; i < ev->n_ifs; i++)
			json_array_append_new(x, json_string(ev->ifs[i]));
		json_object_set_new(o, "interfaces", x);
	}
	if (ev->has_reboot)
		json_object_set_new(o, "reboot",
				    json_pack("{s:i s:i s:o}", "sockets_destroyed",
					      ev->sockets_destroyed, "neighbours_flushed",
					      ev->neighbours_flushed, "listen",
					      ev->listen ? json_integer(ev->listen) : json_null()));
	if (ev->has_dropped) {
		x = json_object();
		for (int i = 0; i < ev->n_dropped; i++)
			json_object_set_new(x, ev->dropped[i].name,
					    json_pack("{s:I s:I}", "packets",
						      (json_int_t)ev->dropped[i].packets, "bytes",
						      (json_int_t)ev->dropped[i].bytes));
		json_object_set_new(o, "dropped", x);
	}
	return o;
}

static json_t *fj_knobs(const struct fault_record *r, const struct fault_mbox_knob *k)
{
	json_t *o = json_object();

	for (int i = 0; i < FAULT_MBOX_KNOBS; i++)
		json_object_set_new(o, r->mbox_keys[i],
				    k[i].known ? json_string(k[i].value) : json_null());
	return o;
}

static json_t *fj_mbox(const struct fault_record *r, const struct case_def *c)
{
	const struct fault_mbox_rec *m = r->mbox;
	const struct case_step *st = m->st;
	json_t *o = json_pack("{s:s s:I s:s s:s s:s s:o}", "router", c->hosts[st->host],
			      "idle_timeout_s", (json_int_t)(st->idle_ms / 1000), "action",
			      st->reset ? "reset" : "drop", "mechanism",
			      "nf_conntrack_tcp_loose=0 + ct state invalid", "nft", m->nft,
			      "changes", fj_changes(&m->changes));

	if (!o)
		return json_null();
	if (m->has_sysctls)
		json_object_set_new(
			o, "sysctls",
			json_pack("{s:o s:{s:o s:o}}", c->hosts[st->host], fj_knobs(r, m->router),
				  "client", "before",
				  m->has_witness ? fj_knobs(r, m->before) : json_null(), "after",
				  m->has_witness ? fj_knobs(r, m->after) : json_null()));
	if (m->has_on)
		json_object_set_new(o, "on_ms", json_integer(m->on_ms));
	if (m->final) {
		json_object_set_new(o, "forgotten", json_integer((json_int_t)m->forgotten));
		json_object_set_new(o, "recreated", json_integer((json_int_t)m->recreated));
		json_object_set_new(o, "moved",
				    json_string(m->recreated ? "recreated (ct state new)" :
						m->forgotten ? "forgotten (ct state invalid)" :
							       "none"));
	}
	return o;
}

/* One family's member, keyed by host (in the order they came) or rule name. */
static json_t *fj_family(const struct fault_record *r, enum fault_rec_family fam,
			 const struct case_def *c)
{
	json_t *o = json_object(), *arr;
	const struct fault_host_order *hosts = fam == FAULT_REC_CABLE  ? &r->cable_hosts :
					       fam == FAULT_REC_CRASH  ? &r->crash_hosts :
					       fam == FAULT_REC_FREEZE ? &r->freeze_hosts :
									 &r->addr_hosts;

	if (fam == FAULT_REC_RULES) {
		for (int i = 0; i < r->n_rules; i++)
			json_object_set_new(o, r->rules[i].st->rule.name, fj_rule(&r->rules[i], c));
		return o;
	}
	if (fam == FAULT_REC_MBOX) {
		if (r->mbox)
			json_object_set_new(o, r->mbox->st->rule.name, fj_mbox(r, c));
		return o;
	}
	for (int i = 0; i < hosts->n; i++) {
		int h = hosts->host[i];

		if (fam == FAULT_REC_FREEZE) {
			arr = json_object();
			fj_frozen(arr, &r->freeze[h]);
			json_object_set_new(o, c->hosts[h], arr);
			continue;
		}
		arr = json_array();
		for (int k = 0; fam == FAULT_REC_CABLE && k < r->n_cable[h]; k++)
			json_array_append_new(arr, fj_cable_event(&r->cable[h][k], c));
		for (int k = 0; fam == FAULT_REC_CRASH && k < r->n_crash[h]; k++)
			json_array_append_new(arr, fj_crash_event(&r->crash[h][k]));
		for (int k = 0; fam == FAULT_REC_READDRESS && k < r->n_addr[h]; k++)
			json_array_append_new(arr, fj_addr_event(&r->addr[h][k]));
		json_object_set_new(o, c->hosts[h], arr);
	}
	return o;
}

json_t *fault_json(const struct fault_record *r, const struct case_def *c)
{
	static const char *const names[FAULT_REC_COUNT] = {
		[FAULT_REC_RULES] = "rules",	[FAULT_REC_CABLE] = "cable",
		[FAULT_REC_CRASH] = "crash",	[FAULT_REC_FREEZE] = "freeze",
		[FAULT_REC_MBOX] = "middlebox", [FAULT_REC_READDRESS] = "readdress",
	};
	json_t *root = json_object();

	for (int i = 0; i < r->n_order; i++)
		json_object_set_new(root, names[r->order[i]], fj_family(r, r->order[i], c));
	return root;
}
