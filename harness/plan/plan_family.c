/* plan_family.c - a plan over IPv6: every address of the topology and of the
 * case mapped into 2001:2::/48; see plan.h (plan_family_text()) and topo.h.
 *
 * The topologies and the cases name IPv4 addresses (198.18.0.0/15). Over IPv6
 * each one stands for one address of 2001:2::/48 with the same digits, so
 * that a capture or a report reads alike in both families: 198.18.0.1/24 is
 * 2001:2::1/64 (2001:2:0:0::1), the router's 198.18.1.254 is 2001:2:0:1::254.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/topo.h"

int plan_family_text(const char *v4, char *out, size_t len)
{
	unsigned int o1, o2, o3, o4, plen = 0;
	unsigned char bin[16];
	char tail = 0;
	int n, w;

	if (!strcmp(v4, "0.0.0.0/0")) {
		w = snprintf(out, len, "::/0");
		return w < 0 || (size_t)w >= len ? -EINVAL : 0;
	}
	n = sscanf(v4, "%u.%u.%u.%u/%u%c", &o1, &o2, &o3, &o4, &plen, &tail);
	if (n < 4 || n > 5 || o1 != 198 || (o2 != 18 && o2 != 19) || o3 > 255 || o4 > 255)
		return -EINVAL;
	if (n == 4 && strchr(v4, '/'))
		return -EINVAL;
	if (n == 5 && plen != 24 && plen != 32)
		return -EINVAL;
	w = snprintf(out, len, "2001:2:%u:%u::%u", o2 - 18, o3, o4);
	/* as inet_ntop() writes it ("2001:2::1"), like captures and sock_diag */
	if (w >= 0 && (size_t)w < len && inet_pton(AF_INET6, out, bin) == 1 &&
	    inet_ntop(AF_INET6, bin, out, (socklen_t)len))
		w = (int)strlen(out);
	if (w >= 0 && (size_t)w < len && n == 5)
		w += snprintf(out + w, len - (size_t)w, "/%d", plen == 24 ? 64 : 128);
	return w < 0 || (size_t)w >= len ? -EINVAL : 0;
}

/* @v4 in IPv6, kept in @p's texts (once per distinct address). */
static const char *family_intern(struct plan *p, const char *v4, struct tf_err *err)
{
	char text[PLAN_TEXT_MAX];

	if (!v4)
		return NULL;
	if (plan_family_text(v4, text, sizeof(text))) {
		tf_err_set(err, -EINVAL, "%s has no IPv6 counterpart", v4);
		return NULL;
	}
	for (int i = 0; i < p->n_texts; i++)
		if (!strcmp(p->texts[i], text))
			return p->texts[i];
	if (p->n_texts == PLAN_MAX_TEXTS) {
		tf_err_set(err, -E2BIG, "more than %d IPv6 addresses", PLAN_MAX_TEXTS);
		return NULL;
	}
	snprintf(p->texts[p->n_texts], PLAN_TEXT_MAX, "%s", text);
	return p->texts[p->n_texts++];
}

/* *@slot (an IPv4 text, or NULL) replaced by its IPv6 counterpart. */
static int family_map(struct plan *p, const char **slot, struct tf_err *err)
{
	const char *v6;

	if (!*slot)
		return 0;
	v6 = family_intern(p, *slot, err);
	if (!v6)
		return -EINVAL;
	*slot = v6;
	return 0;
}

/*
 * Does the case turn duplicate address detection on for @host's @ifname? The
 * lab keeps it off everywhere (topo.c), for addresses usable at once; a case
 * about DAD sets the kernel's own knob, net.ipv6.conf.IF.accept_dad or
 * net.ipv6.conf.all.accept_dad, to 1 or 2 (DAD runs if either is,
 * addrconf_dad_begin()). Its lines are applied after the addresses are
 * added (lab_build.c), so the addresses are usable at once all the same, and
 * detection runs when the carrier returns (addrconf_dad_run()).
 */
static bool family_dad_on(const struct case_def *c, int host, const char *ifname)
{
	char key[PLAN_SYSCTL_KEY_MAX];

	snprintf(key, sizeof(key), "net.ipv6.conf.%s.accept_dad", ifname);
	for (int i = 0; c && i < c->n_sysctls; i++) {
		const struct case_sysctl *cs = &c->sysctls[i];

		if (cs->host == host &&
		    (!strcmp(cs->key, key) || !strcmp(cs->key, "net.ipv6.conf.all.accept_dad")) &&
		    atoi(cs->value) >= 1)
			return true;
	}
	return false;
}

int plan_family_apply(struct plan *p, struct tf_err *err)
{
	int ret = 0;

	p->forward_key = p->family == 6 ? "net.ipv6.conf.all.forwarding" : "net.ipv4.ip_forward";
	if (p->family != 6)
		return 0;
	for (int h = 0; h < p->n_hosts && !ret; h++)
		ret = family_map(p, &p->hosts[h].cidr, err);
	for (int i = 0; i < p->n_addrs && !ret; i++) {
		struct plan_addr *a = &p->addrs[i];

		ret = family_map(p, &a->cidr, err);
		a->dad = family_dad_on(p->c, a->host, a->ifname);
		p->hosts[a->host].dad |= a->dad;
	}
	for (int i = 0; i < p->n_routes && !ret; i++) {
		ret = family_map(p, &p->routes[i].dst, err);
		if (!ret)
			ret = family_map(p, &p->routes[i].via, err);
	}
	return ret;
}

int plan_family_step_addr(const struct plan *p, struct plan_step *ps, const char *v4)
{
	if (p->family != 6)
		return 0;
	return plan_family_text(v4, ps->addr_buf, sizeof(ps->addr_buf));
}
