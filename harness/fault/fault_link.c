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
 * Recorded in env->record (fault_record.h; "cable" -> HOST -> [ one per unplug ]):
 *   before, during, after: the host's links, addresses, routes (lines of
 *     struct lab_view) and neighbour settings; "during" and "after" also its
 *     volatile state (carrier, operstate, linkdown routes) and neighbour entries;
 *   neighbours: every host's neighbour entries at the replug, ARP's and
 *     neighbour discovery's (with their NUD states: who had given up on whom);
 *   same: whether "after" (and "during") match "before".
 * A difference makes the fault fail, and the run ends in error with the reason.
 */
#include "fault/fault.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/clock.h"
#include "netns/lab_view.h"

#define FAULT_CARRIER_TIMEOUT_MS 2000
#define FAULT_OPER_TIMEOUT_MS 5000

/* @ifname's neighbour settings into @snap: ARP's ("eth0.ucast_solicit"), or
 * with @v6 neighbour discovery's ("ipv6.eth0.ucast_solicit"). */
static void fault_neigh_iface(struct fault_env *env, int host, const char *ifname, bool v6,
			      struct fault_snap *snap)
{
	char key[128], val[64];
	struct tf_err e;
	int ret;

	for (int k = 0; k < plan_n_neigh_defaults && snap->n_neigh < FAULT_SNAP_MAX_NEIGH; k++) {
		struct fault_neigh_setting *ns = &snap->neigh[snap->n_neigh++];

		snprintf(key, sizeof(key), "net.%s.neigh.%s.%s", v6 ? "ipv6" : "ipv4", ifname,
			 plan_neigh_defaults[k].key);
		snprintf(ns->name, sizeof(ns->name), "%s%s.%s", v6 ? "ipv6." : "", ifname,
			 plan_neigh_defaults[k].key);
		ret = lab_sysctl_get(env->lab, host, key, val, sizeof(val), &e);
		if (ret < 0)
			snprintf(val, sizeof(val), "(unreadable: %s)", strerror(-ret));
		snprintf(ns->value, sizeof(ns->value), "%s", val);
	}
}

/* The neighbour settings of every interface (over IPv6: both protocols'). */
static void fault_neigh_settings(struct fault_env *env, int host, struct fault_snap *snap)
{
	const struct plan_host *ph = &env->plan->hosts[host];

	snap->n_neigh = 0;
	for (int i = 0; i < ph->n_ifaces; i++)
		fault_neigh_iface(env, host, ph->ifaces[i], false, snap);
	for (int i = 0; env->plan->family == 6 && i < ph->n_ifaces; i++)
		fault_neigh_iface(env, host, ph->ifaces[i], true, snap);
}

/*
 * The host as it is now, into @snap. The compared members are the links,
 * the addresses, the routes of the run's family and the neighbour settings;
 * with @with_state also the carrier and operstate of @ifname, the linkdown
 * routes and the neighbour entries are reported. Over IPv4 the IPv6 routes
 * are recorded, not compared: an IPv6 address gets its local route only once
 * duplicate address detection is over, and the link-local addresses of a
 * host whose link came up a second ago may still be in their first DAD,
 * which carries on when the carrier returns (addrconf_dad_run()), so its IPv6
 * routes differ with the clock, not the cable. A finished DAD does not run
 * again on a carrier's return (measured on 6.18: unplug/ipv6-dad-replug.case).
 * Over IPv6 the lab turns DAD off on every interface (plan/topo.c) unless a
 * case turns it on, and the IPv6 routes are compared too.
 */
int fault_snapshot(struct fault_env *env, int host, const char *ifname, bool with_state,
		   struct fault_snap *snap, struct tf_err *err)
{
	const struct lab_view *v = &snap->view;
	int ret = lab_view_get(env->lab, host, &snap->view, err);

	if (ret < 0)
		return ret;
	fault_neigh_settings(env, host, snap);
	snap->v6 = env->plan->family == 6;
	snap->with_state = with_state;
	snap->if_found = false;
	for (int i = 0; with_state && i < v->n_links; i++) {
		if (strncmp(v->links[i].line, ifname, strlen(ifname)) ||
		    v->links[i].line[strlen(ifname)] != ' ')
			continue;
		snap->if_found = true;
		snap->carrier = v->links[i].carrier;
		snprintf(snap->operstate, sizeof(snap->operstate), "%s", v->links[i].operstate);
	}
	return 0;
}

/* Is line @x among the @n lines of @base (each @stride bytes apart)? */
static bool fault_has_line(const char *x, const char *base, size_t stride, int n)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(x, base + (size_t)i * stride))
			return true;
	return false;
}

/* The first of @a's lines missing from @b, or NULL. */
static const char *fault_missing(const char *a, int na, const char *b, int nb, size_t stride)
{
	for (int i = 0; i < na; i++)
		if (!fault_has_line(a + (size_t)i * stride, b, stride, nb))
			return a + (size_t)i * stride;
	return NULL;
}

/* Is a route of @family compared? IPv4's always, IPv6's when the snapshot was
 * of a host run over IPv6. */
static bool fault_route_compared(const struct fault_snap *s, int family)
{
	return family == AF_INET || (family == AF_INET6 && s->v6);
}

/* The first compared route of @a missing from @b's, or NULL. */
static const char *fault_route_missing(const struct fault_snap *sa, const struct fault_snap *sb)
{
	const struct lab_view *a = &sa->view, *b = &sb->view;

	for (int i = 0; i < a->n_routes; i++) {
		bool found = false;

		if (!fault_route_compared(sa, a->routes[i].family))
			continue;
		for (int j = 0; j < b->n_routes && !found; j++)
			found = b->routes[j].family == a->routes[i].family &&
				!strcmp(a->routes[i].line, b->routes[j].line);
		if (!found)
			return a->routes[i].line;
	}
	return NULL;
}

static bool fault_neigh_same(const struct fault_snap *a, const struct fault_snap *b)
{
	if (a->n_neigh != b->n_neigh)
		return false;
	for (int i = 0; i < a->n_neigh; i++) {
		bool found = false;

		for (int j = 0; j < b->n_neigh && !found; j++)
			found = !strcmp(a->neigh[i].name, b->neigh[j].name) &&
				!strcmp(a->neigh[i].value, b->neigh[j].value);
		if (!found)
			return false;
	}
	return true;
}

/* Do @a and @b differ on the compared members? What differs first goes in @buf. */
bool fault_snap_differs(const struct fault_snap *a, const struct fault_snap *b, char *buf,
			size_t len)
{
	const struct lab_view *va = &a->view, *vb = &b->view;
	const size_t ls = sizeof(va->links[0]), as = sizeof(va->addrs[0]);
	const char *line;

	buf[0] = '\0';
	if ((line = fault_missing(va->links[0].line, va->n_links, vb->links[0].line, vb->n_links,
				  ls)))
		snprintf(buf, len, "links: '%s' is gone", line);
	else if ((line = fault_missing(vb->links[0].line, vb->n_links, va->links[0].line,
				       va->n_links, ls)))
		snprintf(buf, len, "links: '%s' is new", line);
	else if ((line = fault_missing(va->addrs[0], va->n_addrs, vb->addrs[0], vb->n_addrs, as)))
		snprintf(buf, len, "addrs: '%s' is gone", line);
	else if ((line = fault_missing(vb->addrs[0], vb->n_addrs, va->addrs[0], va->n_addrs, as)))
		snprintf(buf, len, "addrs: '%s' is new", line);
	else if ((line = fault_route_missing(a, b)))
		snprintf(buf, len, "routes: '%s' is gone", line);
	else if ((line = fault_route_missing(b, a)))
		snprintf(buf, len, "routes: '%s' is new", line);
	else if (!fault_neigh_same(a, b))
		snprintf(buf, len, "neighbour settings changed");
	return buf[0] != '\0';
}

/* Routes flagged linkdown (the device has no carrier), both families. */
static int fault_linkdown_count(const struct lab_view *v)
{
	int n = 0;

	for (int i = 0; i < v->n_routes; i++)
		n += v->routes[i].linkdown;
	return n;
}

/* A new unplug event of @host (its record grows), or NULL. */
static struct fault_cable_event *fault_cable_event_new(struct fault_env *env, int host)
{
	struct fault_record *r = &env->record;

	fault_record_touch(r, FAULT_REC_CABLE, host);
	return fault_record_grow(&r->cable[host], &r->n_cable[host], &r->cap_cable[host],
				 sizeof(*r->cable[host]));
}

static int fault_cable_of(struct fault_env *env, const struct case_step *st, struct plan_cable *cab,
			  struct tf_err *err)
{
	const struct plan_cable *pc = plan_cable(env->plan, st->host);

	if (pc) {
		*cab = *pc;
		return 0;
	}
	return tf_err_set(err, -EINVAL, "%s %s: the host has no cable into a switch in topology %s",
			  case_step_name(st->kind), env->c->hosts[st->host],
			  case_topo_name(env->c->topology));
}

/* Port down, then wait until the host's end has lost its carrier. */
static int fault_unplug_now(struct fault_env *env, const struct case_step *st,
			    const struct plan_cable *cab, int64_t *t_ns, struct tf_err *err)
{
	int ret;

	*t_ns = mono_ns();
	ret = lab_link_set_up(env->lab, cab->switch_host, cab->port, false, err);
	if (ret == 0)
		ret = lab_link_wait_carrier(env->lab, st->host, cab->host_if, false,
					    FAULT_CARRIER_TIMEOUT_MS, err);
	return ret;
}

static int fault_unplug(struct fault_env *env, const struct plan_step *ps, int64_t *t_ns,
			struct tf_err *err)
{
	const struct case_step *st = ps->st;
	const char *host = env->c->hosts[st->host];
	struct fault_snap *before = fault_snap_new(), *during = fault_snap_new();
	struct fault_cable_event *ev;
	struct plan_cable cab = { 0 };
	char diff[256], text[300];
	int ret = before && during ? 0 : tf_err_set(err, -ENOMEM, "unplug %s: out of memory", host);

	if (ret == 0)
		ret = fault_cable_of(env, st, &cab, err);
	if (ret == 0)
		ret = fault_snapshot(env, st->host, cab.host_if, false, before, err);
	if (ret == 0)
		ret = fault_unplug_now(env, st, &cab, t_ns, err);
	if (ret == 0)
		ret = fault_snapshot(env, st->host, cab.host_if, true, during, err);
	ev = ret == 0 ? fault_cable_event_new(env, st->host) : NULL;
	if (!ev) {
		free(before);
		free(during);
		return ret ? ret : tf_err_set(err, -ENOMEM, "unplug %s: out of memory", host);
	}
	snprintf(ev->port, sizeof(ev->port), "%s", cab.port);
	ev->before = before;
	ev->during = during;
	ev->same = FAULT_SAME_UNSET;
	if (fault_snap_differs(before, during, diff, sizeof(diff))) {
		ev->same = 0;
		return tf_err_set(
			err, -EPROTO,
			"unplug %s: the host's configuration changed when its cable was pulled: %s",
			host, diff);
	}
	snprintf(
		text, sizeof(text),
		"unplug %s: switch port %s down; %s %s has no carrier (operstate %s), addresses and routes kept (%d linkdown)",
		host, cab.port, host, cab.host_if, during->if_found ? during->operstate : "?",
		fault_linkdown_count(&during->view));
	env->log(env->log_arg, *t_ns, text);
	return 0;
}

/* Every host's neighbour entries: who had given up on whom at the replug. */
static struct fault_neighbours *fault_all_neighbours(struct fault_env *env)
{
	struct fault_neighbours *all = calloc(1, sizeof(*all));
	struct lab_view *v = malloc(sizeof(*v));
	struct tf_err e;

	for (int h = 0; all && v && h < env->c->n_hosts; h++) {
		if (lab_view_get(env->lab, h, v, &e) != 0)
			continue;
		all->read[h] = true;
		all->n[h] = v->n_neighs;
		memcpy(all->lines[h], v->neighs, sizeof(all->lines[h]));
		all->n6[h] = v->n_neighs6;
		memcpy(all->lines6[h], v->neighs6, sizeof(all->lines6[h]));
	}
	free(v);
	return all;
}

/* Port up, then carrier and operstate UP on both ends. */
static int fault_replug_now(struct fault_env *env, const struct case_step *st,
			    const struct plan_cable *cab, int64_t *t_ns, struct tf_err *err)
{
	int ret;

	*t_ns = mono_ns();
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

static int fault_replug(struct fault_env *env, const struct plan_step *ps, int64_t *t_ns,
			struct tf_err *err)
{
	const struct case_step *st = ps->st;
	const char *host = env->c->hosts[st->host];
	struct fault_record *r = &env->record;
	struct fault_cable_event *ev;
	struct fault_snap *after;
	struct plan_cable cab = { 0 };
	char diff[256], text[300];
	int ret;

	ret = fault_cable_of(env, st, &cab, err);
	if (ret)
		return ret;
	fault_record_touch(r, FAULT_REC_CABLE, st->host); /* even with nothing to replug */
	ev = r->n_cable[st->host] ? &r->cable[st->host][r->n_cable[st->host] - 1] : NULL;
	if (!ev || ev->after) {
		/* The parser lets a replug follow only an unplug: this is a
		 * control run that left the unplug out. The cable is in. */
		*t_ns = mono_ns();
		snprintf(text, sizeof(text), "replug %s: the cable is plugged in, nothing to do",
			 host);
		env->log(env->log_arg, *t_ns, text);
		return 0;
	}
	after = fault_snap_new();
	if (!after)
		return tf_err_set(err, -ENOMEM, "replug %s: out of memory", host);
	ret = fault_replug_now(env, st, &cab, t_ns, err);
	if (ret == 0)
		ret = fault_snapshot(env, st->host, cab.host_if, true, after, err);
	if (ret) {
		free(after);
		return ret;
	}
	ev->neighbours = fault_all_neighbours(env);
	ev->after = after;
	if (fault_snap_differs(ev->before, after, diff, sizeof(diff))) {
		ev->same = 0;
		return tf_err_set(
			err, -EPROTO,
			"replug %s: the host's configuration is not what it was before the unplug: %s",
			host, diff);
	}
	ev->same = 1;
	snprintf(
		text, sizeof(text),
		"replug %s: switch port %s up; %s %s has carrier again; addresses, routes and neighbour settings as before the unplug",
		host, cab.port, host, cab.host_if);
	env->log(env->log_arg, *t_ns, text);
	return 0;
}

/* A cable fault has nothing to prepare, watch or undo: the case replugs. The
 * unplugged host answers no ARP (KERNEL-FACTS.md, "Unplug"). */
const struct fault_ops fault_unplug_ops = { .apply = fault_unplug, .arp_silenced = true };
const struct fault_ops fault_replug_ops = { .apply = fault_replug };
