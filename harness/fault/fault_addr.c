/* fault_addr.c - the address change: "readdress HOST NEW [back after T]".
 *
 * The host's address (the one peers reach it at, the plan's) is deleted
 * and NEW added on the same interface (lab_addr_move()). Deleting an
 * interface's last IPv4 address flushes its routes, the default route too,
 * and its ARP entries (fib_disable_ip(); KERNEL-FACTS.md "Unplug"):
 * lab_addr_move() puts the routes back, so the renumbered host can reach
 * the others from NEW, as a host renumbered by DHCP could. Its sockets keep
 * the old source address, which the host no longer has: their route lookups
 * fail (a source address that is not local, ip_route_output_key_hash_rcu()),
 * nothing they send leaves the host, and TCP's timers run as if the packets
 * were lost, with tcp_retries2 as their budget. Packets for the old address
 * reach the host (the others' ARP entries still point at it) and are dropped
 * there: it is not theirs any more.
 *
 * "back" deletes NEW, puts the old address and the routes back, and then
 * the host's configuration must be what it was before the readdress (links,
 * addresses, IPv4 routes, neighbour settings: fault_snapshot()): a
 * difference ends the run in error with what differs.
 *
 * Recorded in env->record (fault_record.h; "readdress" -> HOST -> [ one per change ]):
 *   old, new, the host's snapshots before, during and after,
 *   routes_put_back (during, after), same (after == before).
 */
#include "fault/fault.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "netns/lab_addr.h"
#include "netns/lab_view.h"

/* A new change of @host (its record grows), or NULL. */
static struct fault_addr_event *fault_addr_event_new(struct fault_env *env, int host)
{
	struct fault_record *r = &env->record;

	fault_record_touch(r, FAULT_REC_READDRESS, host);
	return fault_record_grow(&r->addr[host], &r->n_addr[host], &r->cap_addr[host],
				 sizeof(*r->addr[host]));
}

/* @host's last change, or NULL. */
static struct fault_addr_event *fault_addr_last(struct fault_env *env, int host)
{
	struct fault_record *r = &env->record;

	return r->n_addr[host] ? &r->addr[host][r->n_addr[host] - 1] : NULL;
}

/* The address part of "198.18.0.1/24" into @buf. */
static const char *fault_ip_of(const char *cidr, char *buf, size_t len)
{
	snprintf(buf, len, "%.*s", (int)strcspn(cidr, "/"), cidr);
	return buf;
}

/* NEW must not be an address of the topology (another host's, or the host's own). */
static int fault_addr_check(struct fault_env *env, const struct case_step *st, struct tf_err *err)
{
	char a[32], b[32];

	fault_ip_of(st->addr, a, sizeof(a));
	for (int h = 0; h < env->c->n_hosts; h++) {
		const char *ip = env->plan->hosts[h].cidr;

		if (ip && !strcmp(fault_ip_of(ip, b, sizeof(b)), a))
			return tf_err_set(err, -EINVAL,
					  "%s:%u: readdress %s %s: that is %s's address",
					  st->loc.file, st->loc.line, env->c->hosts[st->host], a,
					  h == st->host ? "already the host" : env->c->hosts[h]);
	}
	return 0;
}

/* Move ev->old -> ev->new_addr (@back: the other way); the snapshot after it
 * and the routes put back into @ev. Return: the routes put back, or -errno. */
static int fault_addr_do(struct fault_env *env, const struct case_step *st,
			 struct fault_addr_event *ev, bool back, int64_t *t_ns, struct tf_err *err)
{
	const char *from = back ? ev->new_addr : ev->old, *to = back ? ev->old : ev->new_addr;
	struct fault_snap *s = fault_snap_new();
	int n, ret;

	if (!s)
		return tf_err_set(err, -ENOMEM, "readdress: out of memory");
	*t_ns = mono_ns();
	n = lab_addr_move(env->lab, st->host, from, to, err);
	ret = n < 0 ? n : fault_snapshot(env, st->host, "", false, s, err);
	if (ret) {
		free(s);
		return ret;
	}
	*(back ? &ev->after : &ev->during) = s;
	*(back ? &ev->put_back_after : &ev->put_back_during) = n;
	return n;
}

static int fault_readdress_back(struct fault_env *env, const struct plan_step *ps, int64_t *t_ns,
				struct tf_err *err)
{
	const struct case_step *st = ps->st;
	const char *host = env->c->hosts[st->host];
	struct fault_addr_event *ev = fault_addr_last(env, st->host);
	char diff[256], text[400];
	const char *old, *new;
	int n;

	fault_record_touch(&env->record, FAULT_REC_READDRESS,
			   st->host); /* even with nothing to do */
	if (!ev || ev->after) {
		/* The parser writes a back only after its readdress: this is a
		 * control run that left the readdress out. */
		*t_ns = mono_ns();
		snprintf(text, sizeof(text),
			 "readdress %s back: the address never changed, nothing to do", host);
		env->log(env->log_arg, *t_ns, text);
		return 0;
	}
	new = ps->addr_from;
	old = ps->addr_to;
	n = fault_addr_do(env, st, ev, true, t_ns, err);
	if (n < 0)
		return n;
	if (fault_snap_differs(ev->before, ev->after, diff, sizeof(diff))) {
		ev->same = 0;
		return tf_err_set(
			err, -EPROTO,
			"%s:%u: readdress %s back: the host's configuration is not what it was before: %s",
			st->loc.file, st->loc.line, host, diff);
	}
	ev->same = 1;
	snprintf(
		text, sizeof(text),
		"readdress %s back: %s -> %s; %d route%s put back; addresses, routes and neighbour settings as before the change",
		host, new, old, n, n == 1 ? "" : "s");
	env->log(env->log_arg, *t_ns, text);
	return 0;
}

static int fault_readdress(struct fault_env *env, const struct plan_step *ps, int64_t *t_ns,
			   struct tf_err *err)
{
	const struct case_step *st = ps->st;
	const char *host = env->c->hosts[st->host], *old = ps->addr_from;
	struct fault_snap *before;
	struct fault_addr_event *ev;
	char ip[32], text[400];
	int n, ret;

	if (st->back)
		return fault_readdress_back(env, ps, t_ns, err);
	*t_ns = mono_ns();
	if (!old)
		return tf_err_set(err, -EINVAL, "%s:%u: readdress %s: the host has no address",
				  st->loc.file, st->loc.line, host);
	ret = fault_addr_check(env, st, err);
	if (ret)
		return ret;
	before = fault_snap_new();
	if (!before)
		return tf_err_set(err, -ENOMEM, "readdress: out of memory");
	ret = fault_snapshot(env, st->host, "", false, before, err);
	ev = ret ? NULL : fault_addr_event_new(env, st->host);
	if (!ev) {
		free(before);
		return ret ? ret : tf_err_set(err, -ENOMEM, "readdress: out of memory");
	}
	snprintf(ev->old, sizeof(ev->old), "%s", old);
	snprintf(ev->new_addr, sizeof(ev->new_addr), "%s", ps->addr_to);
	ev->before = before;
	ev->same = FAULT_SAME_UNSET;
	n = fault_addr_do(env, st, ev, false, t_ns, err);
	if (n < 0)
		return n;
	snprintf(
		text, sizeof(text),
		"readdress %s: %s -> %s; the old address's routes went with it, %d put back; its socket keeps %s as its source, which the host no longer has",
		host, old, ps->addr_to, n, fault_ip_of(old, ip, sizeof(ip)));
	env->log(env->log_arg, *t_ns, text);
	return 0;
}

const struct fault_ops fault_readdress_ops = { .apply = fault_readdress };
