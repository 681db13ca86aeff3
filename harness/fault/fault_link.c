/* fault_link.c - the cable faults: unplug and replug a host's cable.
 *
 * A cable pull is faithful to every party only if it happens in the switch
 * (KERNEL-FACTS.md, "Unplug"): downing the host's own end deletes its routes
 * (gateway routes included, and admin-up brings back only the connected one).
 * So unplug downs the switch port facing the host: the host keeps its
 * interface administratively up and sees NO-CARRIER (the veth peer of a down
 * end loses carrier at once, veth_close()), its addresses and routes stay
 * (flagged linkdown), and nobody else notices until ARP or retransmissions
 * fail. Replug brings the port up and waits for carrier and operstate UP.
 *
 * Recorded in env->record "cable" -> HOST -> [ one object per unplug ]:
 *   before, during, after: the host's links, addresses, routes (lines of
 *     struct lab_view) and neighbour settings; "during" and "after" also its
 *     volatile state (carrier, operstate, linkdown routes) and neighbour entries;
 *   neighbours: every host's IPv4 neighbour entries at the replug;
 *   same: whether "after" (and "during") match "before".
 * A difference makes the fault fail, and the run ends in error with the reason.
 */
#include "fault/fault.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "netns/lab_view.h"

#define FAULT_CARRIER_TIMEOUT_MS 2000
#define FAULT_OPER_TIMEOUT_MS 5000

static json_t *fault_lines(const char *base, size_t stride, int n)
{
	json_t *arr = json_array();

	for (int i = 0; i < n; i++)
		json_array_append_new(arr, json_string(base + (size_t)i * stride));
	return arr;
}

static json_t *fault_routes(const struct lab_view *v, int family)
{
	json_t *arr = json_array();

	for (int i = 0; i < v->n_routes; i++)
		if (v->routes[i].family == family)
			json_array_append_new(arr, json_string(v->routes[i].line));
	return arr;
}

/* {"eth0.ucast_solicit": "3", ...}: the neighbour settings of every interface. */
static json_t *fault_neigh_settings(struct fault_env *env, int host)
{
	const char *const *ifs = env->plan->hosts[host].ifaces;
	int n = env->plan->hosts[host].n_ifaces;
	json_t *obj = json_object();
	char key[128], name[96], val[64];
	struct tf_err e;
	int ret;

	for (int i = 0; i < n; i++) {
		for (int k = 0; k < plan_n_neigh_defaults; k++) {
			snprintf(key, sizeof(key), "net.ipv4.neigh.%s.%s", ifs[i],
				 plan_neigh_defaults[k].key);
			snprintf(name, sizeof(name), "%s.%s", ifs[i], plan_neigh_defaults[k].key);
			ret = lab_sysctl_get(env->lab, host, key, val, sizeof(val), &e);
			if (ret < 0)
				snprintf(val, sizeof(val), "(unreadable: %s)", strerror(-ret));
			json_object_set_new(obj, name, json_string(val));
		}
	}
	return obj;
}

/*
 * The host as it is now. @v is the caller's scratch (large). The compared
 * members are "links", "addrs", "routes" (IPv4) and "neigh_settings"; with
 * @with_state also "carrier", "operstate", "linkdown" and "neighbours".
 * "routes6" is recorded, not compared: an IPv6 address gets its local route
 * only once duplicate address detection is over, and DAD runs again when the
 * carrier returns (addrconf_dad_run(), RFC 4862 5.4), so the IPv6 routes of a
 * host whose link came up a second ago differ with the clock, not the cable.
 * The lab's traffic is IPv4.
 */
int fault_snapshot(struct fault_env *env, int host, const char *ifname, bool with_state,
		   struct lab_view *v, json_t **out, struct tf_err *err)
{
	json_t *snap, *linkdown;
	int ret = lab_view_get(env->lab, host, v, err);

	if (ret < 0)
		return ret;
	snap = json_pack("{s:o s:o s:o s:o s:o}", "links",
			 fault_lines(v->links[0].line, sizeof(v->links[0]), v->n_links), "addrs",
			 fault_lines(v->addrs[0], sizeof(v->addrs[0]), v->n_addrs), "routes",
			 fault_routes(v, AF_INET), "routes6", fault_routes(v, AF_INET6),
			 "neigh_settings", fault_neigh_settings(env, host));
	if (!snap)
		return tf_err_set(err, -ENOMEM, "snapshot: out of memory");
	if (v->truncated)
		json_object_set_new(snap, "truncated", json_true());
	if (with_state) {
		for (int i = 0; i < v->n_links; i++) {
			if (strncmp(v->links[i].line, ifname, strlen(ifname)) ||
			    v->links[i].line[strlen(ifname)] != ' ')
				continue;
			json_object_set_new(snap, "carrier", json_boolean(v->links[i].carrier));
			json_object_set_new(snap, "operstate", json_string(v->links[i].operstate));
		}
		linkdown = json_array();
		for (int i = 0; i < v->n_routes; i++)
			if (v->routes[i].linkdown)
				json_array_append_new(linkdown, json_string(v->routes[i].line));
		json_object_set_new(snap, "linkdown", linkdown);
		json_object_set_new(snap, "neighbours",
				    fault_lines(v->neighs[0], sizeof(v->neighs[0]), v->n_neighs));
	}
	*out = snap;
	return 0;
}

/* The first line of array @a missing from @b, or NULL. */
static const char *fault_missing(const json_t *a, const json_t *b)
{
	for (size_t i = 0; i < json_array_size(a); i++) {
		const json_t *x = json_array_get(a, i);
		bool found = false;

		for (size_t j = 0; j < json_array_size(b) && !found; j++)
			found = json_equal(x, json_array_get(b, j));
		if (!found)
			return json_string_value(x);
	}
	return NULL;
}

/* "" if @a and @b match on the compared members, else what differs, in @buf. */
bool fault_snap_differs(const json_t *a, const json_t *b, char *buf, size_t len)
{
	static const char *const lists[] = { "links", "addrs", "routes" };
	const char *line;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		const json_t *la = json_object_get(a, lists[i]), *lb = json_object_get(b, lists[i]);

		if ((line = fault_missing(la, lb)))
			snprintf(buf, len, "%s: '%s' is gone", lists[i], line);
		else if ((line = fault_missing(lb, la)))
			snprintf(buf, len, "%s: '%s' is new", lists[i], line);
		if (buf[0])
			return true;
	}
	if (!json_equal(json_object_get(a, "neigh_settings"),
			json_object_get(b, "neigh_settings"))) {
		snprintf(buf, len, "neighbour settings changed");
		return true;
	}
	return false;
}

/* record.cable.HOST: the array of this host's unplugs (created on first use). */
static json_t *fault_cable_log(struct fault_env *env, int host)
{
	json_t *cable = json_object_get(env->record, "cable"), *arr;

	if (!cable) {
		cable = json_object();
		json_object_set_new(env->record, "cable", cable);
	}
	arr = json_object_get(cable, env->c->hosts[host]);
	if (!arr) {
		arr = json_array();
		json_object_set_new(cable, env->c->hosts[host], arr);
	}
	return arr;
}

static int fault_cable_of(struct fault_env *env, const struct case_step *st,
			  struct plan_cable *cab, struct tf_err *err)
{
	const struct plan_cable *pc = plan_cable(env->plan, st->host);

	if (pc) {
		*cab = *pc;
		return 0;
	}
	return tf_err_set(err, -EINVAL,
				  "%s %s: the host has no cable into a switch in topology %s",
				  case_step_name(st->kind), env->c->hosts[st->host],
				  case_topo_name(env->c->topology));
}

/* Port down, then wait until the host's end has lost its carrier. */
static int fault_unplug_now(struct fault_env *env, const struct case_step *st,
			    const struct plan_cable *cab, int64_t *t_ns, struct tf_err *err)
{
	int ret;

	*t_ns = fault_mono_ns();
	ret = lab_link_set_up(env->lab, cab->switch_host, cab->port, false, err);
	if (ret == 0)
		ret = lab_link_wait_carrier(env->lab, st->host, cab->host_if, false,
					    FAULT_CARRIER_TIMEOUT_MS, err);
	return ret;
}

int fault_unplug(struct fault_env *env, const struct plan_step *ps, int64_t *t_ns,
		 struct tf_err *err)
{
	const struct case_step *st = ps->st;
	const char *host = env->c->hosts[st->host];
	struct plan_cable cab;
	json_t *before = NULL, *during = NULL, *ev;
	struct lab_view *v = malloc(sizeof(*v));
	char diff[256], text[300];
	int ret;

	if (!v)
		return tf_err_set(err, -ENOMEM, "unplug %s: out of memory", host);
	ret = fault_cable_of(env, st, &cab, err);
	if (ret == 0)
		ret = fault_snapshot(env, st->host, cab.host_if, false, v, &before, err);
	if (ret == 0)
		ret = fault_unplug_now(env, st, &cab, t_ns, err);
	if (ret == 0)
		ret = fault_snapshot(env, st->host, cab.host_if, true, v, &during, err);
	free(v);
	if (ret) {
		json_decref(before);
		return ret;
	}
	ev = json_pack("{s:s s:o s:o}", "port", cab.port, "before", before, "during", during);
	json_array_append_new(fault_cable_log(env, st->host), ev);
	if (fault_snap_differs(before, during, diff, sizeof(diff))) {
		json_object_set_new(ev, "same", json_false());
		return tf_err_set(
			err, -EPROTO,
			"unplug %s: the host's configuration changed when its cable was pulled: %s",
			host, diff);
	}
	snprintf(
		text, sizeof(text),
		"unplug %s: switch port %s down; %s %s has no carrier (operstate %s), addresses and routes kept (%zu linkdown)",
		host, cab.port, host, cab.host_if,
		json_string_value(json_object_get(during, "operstate")) ?: "?",
		json_array_size(json_object_get(during, "linkdown")));
	env->log(env->log_arg, *t_ns, text);
	return 0;
}

/* Every host's neighbour entries: who had given up on whom at the replug. */
static json_t *fault_all_neighbours(struct fault_env *env, struct lab_view *v)
{
	json_t *all = json_object();
	struct tf_err e;

	for (int h = 0; h < env->c->n_hosts; h++)
		if (lab_view_get(env->lab, h, v, &e) == 0)
			json_object_set_new(
				all, env->c->hosts[h],
				fault_lines(v->neighs[0], sizeof(v->neighs[0]), v->n_neighs));
	return all;
}

/* Port up, then carrier and operstate UP on both ends. */
static int fault_replug_now(struct fault_env *env, const struct case_step *st,
			    const struct plan_cable *cab, int64_t *t_ns, struct tf_err *err)
{
	int ret;

	*t_ns = fault_mono_ns();
	ret = lab_link_set_up(env->lab, cab->switch_host, cab->port, true, err);
	if (ret == 0)
		ret = lab_link_wait_carrier(env->lab, st->host, cab->host_if, true,
					    FAULT_CARRIER_TIMEOUT_MS, err);
	if (ret == 0)
		ret = lab_link_wait_oper_up(env->lab, st->host, cab->host_if, FAULT_OPER_TIMEOUT_MS,
					    err);
	if (ret == 0)
		ret = lab_link_wait_oper_up(env->lab, cab->switch_host, cab->port,
					    FAULT_OPER_TIMEOUT_MS, err);
	return ret;
}

int fault_replug(struct fault_env *env, const struct plan_step *ps, int64_t *t_ns,
		 struct tf_err *err)
{
	const struct case_step *st = ps->st;
	const char *host = env->c->hosts[st->host];
	json_t *log = NULL, *ev, *after = NULL;
	struct plan_cable cab;
	struct lab_view *v = malloc(sizeof(*v));
	char diff[256], text[300];
	int ret;

	if (!v)
		return tf_err_set(err, -ENOMEM, "replug %s: out of memory", host);
	ret = fault_cable_of(env, st, &cab, err);
	if (ret) {
		free(v);
		return ret;
	}
	log = fault_cable_log(env, st->host);
	ev = json_array_get(log, json_array_size(log) - 1);
	if (!ev || json_object_get(ev, "after")) {
		/* The parser lets a replug follow only an unplug: this is a
		 * control run that left the unplug out. The cable is in. */
		free(v);
		*t_ns = fault_mono_ns();
		snprintf(text, sizeof(text), "replug %s: the cable is plugged in, nothing to do",
			 host);
		env->log(env->log_arg, *t_ns, text);
		return 0;
	}
	ret = fault_replug_now(env, st, &cab, t_ns, err);
	if (ret == 0)
		ret = fault_snapshot(env, st->host, cab.host_if, true, v, &after, err);
	if (ret == 0)
		json_object_set_new(ev, "neighbours", fault_all_neighbours(env, v));
	free(v);
	if (ret)
		return ret;
	json_object_set_new(ev, "after", after);
	if (fault_snap_differs(json_object_get(ev, "before"), after, diff, sizeof(diff))) {
		json_object_set_new(ev, "same", json_false());
		return tf_err_set(
			err, -EPROTO,
			"replug %s: the host's configuration is not what it was before the unplug: %s",
			host, diff);
	}
	json_object_set_new(ev, "same", json_true());
	snprintf(
		text, sizeof(text),
		"replug %s: switch port %s up; %s %s has carrier again; addresses, routes and neighbour settings as before the unplug",
		host, cab.port, host, cab.host_if);
	env->log(env->log_arg, *t_ns, text);
	return 0;
}
