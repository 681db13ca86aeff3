/* lab_build.c - a plan's lab made with the lab API; see lab_build.h. */
#include "run/lab_build.h"
#include "model/model.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#define LAB_BUILD_LINK_UP_TIMEOUT_MS 5000
/* addrconf's work waits for the RTNL, which namespaces being torn down by
 * the other cases of a wide run hold for long stretches. */
#define LAB_BUILD_ADDR_IN_USE_TIMEOUT_MS 10000

static int lab_build_links(const struct plan *p, struct lab *lab, struct tf_err *err)
{
	int ret;

	for (int i = 0; i < p->n_links; i++) {
		const struct plan_link *l = &p->links[i];

		ret = lab_veth_add(lab, l->a, l->a_if, l->b, l->b_if, err);
		if (ret)
			return ret;
		if (!l->b_on_bridge)
			continue;
		ret = lab_link_set_master(lab, l->b, l->b_if, p->bridge, err);
		if (ret)
			return ret;
	}
	return 0;
}

/* Every veth end reports operstate UP before the first packet (DESIGN.md). */
static int lab_build_wait_up(const struct plan *p, struct lab *lab, struct tf_err *err)
{
	int ret;

	for (int i = 0; i < p->n_links; i++) {
		const struct plan_link *l = &p->links[i];

		ret = lab_link_wait_oper_up(lab, l->a, l->a_if, LAB_BUILD_LINK_UP_TIMEOUT_MS, err);
		if (ret == 0)
			ret = lab_link_wait_oper_up(lab, l->b, l->b_if,
						    LAB_BUILD_LINK_UP_TIMEOUT_MS, err);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Over IPv6, duplicate address detection off in @host before its interfaces
 * exist: a device takes the namespace's default when it is made, so its
 * link-local address is usable at once too. Otherwise it stays tentative for
 * a second or two, and neighbour discovery, which solicits from a link-local
 * address (ndisc_send_ns()), waits for it: measured, the routed topology's
 * first SYN was held 2 s in the router; with DAD off before, not at all.
 */
static int lab_build_no_dad(const struct plan *p, struct lab *lab, int host, struct tf_err *err)
{
	int ret;

	if (p->family != 6)
		return 0;
	ret = lab_sysctl_set(lab, host, "net.ipv6.conf.default.accept_dad", "0", err);
	if (ret == -ENOENT) /* the case is a SKIP (case_job.c), not an error */
		return tf_err_set(
			err, -EOPNOTSUPP,
			"no IPv6 in this kernel (no net.ipv6 sysctls: booted with ipv6.disable=1?)");
	if (ret == 0)
		ret = lab_sysctl_set(lab, host, "net.ipv6.conf.all.accept_dad", "0", err);
	return ret;
}

static int lab_build_wire(const struct plan *p, struct lab *lab, struct tf_err *err)
{
	int ret;

	for (int h = 0; h < p->n_hosts; h++) {
		ret = lab_host_add(lab, p->hosts[h].name, err);
		if (ret < 0)
			return ret;
		ret = lab_build_no_dad(p, lab, h, err);
		if (ret < 0)
			return ret;
	}
	if (p->bridge_host >= 0) {
		ret = lab_bridge_add(lab, p->bridge_host, p->bridge, err);
		if (ret)
			return ret;
	}
	ret = lab_build_links(p, lab, err);
	for (int i = 0; ret == 0 && i < p->n_addrs; i++)
		ret = (p->addrs[i].dad ? lab_addr_add_dad : lab_addr_add)(
			lab, p->addrs[i].host, p->addrs[i].ifname, p->addrs[i].cidr, err);
	for (int i = 0; ret == 0 && i < p->n_routes; i++)
		ret = lab_route_add(lab, p->routes[i].host, p->routes[i].dst, p->routes[i].via,
				    err);
	if (ret == 0 && p->forwarder >= 0)
		ret = lab_sysctl_set(lab, p->forwarder, p->forward_key, "1", err);
	if (ret == 0)
		ret = lab_build_wait_up(p, lab, err);
	/* Addresses with duplicate address detection on are waited for by the
	 * case itself: what DAD does to them is what it is about. */
	for (int i = 0; ret == 0 && i < p->n_addrs; i++)
		if (!p->addrs[i].dad)
			ret = lab_addr_wait_in_use(lab, p->addrs[i].host, p->addrs[i].cidr,
						   LAB_BUILD_ADDR_IN_USE_TIMEOUT_MS, err);
	return ret;
}

/* The effective value of @key in @host, into @vals (left out when unreadable). */
static int lab_build_record(struct lab *lab, int host, const char *key,
			    struct obs_host_sysctls *vals, struct tf_err *err)
{
	char buf[128];
	struct tf_err e;

	if (lab_sysctl_get(lab, host, key, buf, sizeof(buf), &e) == 0 &&
	    obs_sysctls_set(vals, key, buf))
		return tf_err_set(err, -ENOMEM, "out of memory");
	return 0;
}

/* A case's sysctl this kernel does not have: a knob that came with a later
 * release skips the case (what it shows does not exist here), naming the
 * release; any other name is an error (a typo). */
static int lab_build_no_knob(const struct plan_sysctl *s, struct tf_err *err)
{
	int k = model_knob_parse(s->key), major, minor;
	struct utsname u;

	if (uname(&u))
		snprintf(u.release, sizeof(u.release), "?");
	if (k >= 0 && model_knob_since((enum model_knob)k, &major, &minor))
		return tf_err_set(err, -EOPNOTSUPP,
				  "%s:%u: needs %s (Linux %d.%d+), which this kernel (%s) does not "
				  "have",
				  s->loc->file, s->loc->line, s->key, major, minor, u.release);
	return tf_err_set(err, -ENOENT, "%s:%u: sysctl %s: no such sysctl on this kernel (%s)",
			  s->loc->file, s->loc->line, s->key, u.release);
}

static int lab_build_sysctls(const struct plan *p, struct lab *lab, struct obs_sysctls *all,
			     struct tf_err *err)
{
	struct tf_err e;
	int ret;

	all->n_hosts = p->n_hosts;
	for (int i = 0; i < p->n_sysctls; i++) {
		const struct plan_sysctl *s = &p->sysctls[i];
		const char *host = p->hosts[s->host].name;

		ret = lab_sysctl_set(lab, s->host, s->key, s->value, s->loc ? &e : err);
		if (ret == -ENOENT && s->loc && s->optional)
			continue; /* the kernel behaves as if it had this value */
		if (ret == -ENOENT && s->loc)
			return lab_build_no_knob(s, err);
		if (ret && s->loc)
			return tf_err_set(err, ret, "%s:%u: sysctl %s=%s on %s: %s", s->loc->file,
					  s->loc->line, s->key, s->value, host, e.msg);
		if (!ret)
			ret = lab_build_record(lab, s->host, s->key, &all->hosts[s->host], err);
		if (ret)
			return ret;
	}
	for (int h = 0; h < p->n_hosts; h++) {
		for (int i = 0; i < p->n_recorded; i++) {
			ret = lab_build_record(lab, h, p->recorded[i], &all->hosts[h], err);
			if (ret)
				return ret;
		}
	}
	return 0;
}

int lab_build(const struct plan *p, struct lab *lab, struct obs_sysctls *sysctls_out,
	      struct tf_err *err)
{
	int ret = lab_build_wire(p, lab, err);

	if (ret)
		return ret;
	return lab_build_sysctls(p, lab, sysctls_out, err);
}
