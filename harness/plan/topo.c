/* topo.c - topologies: build one (wiring in topo_wire.c), then the sysctls
 * of every namespace; see topo.h.
 */
#include "plan/topo.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "netns/lab_cidr.h"

#define TOPO_MAX_IFACES 8

/* Set in every namespace, whatever the case says after: the neighbour timers
 * decide between ETIMEDOUT and EHOSTUNREACH (KERNEL-FACTS.md), rp_filter and
 * the buffer sizes are copied from the host at namespace creation, so each is
 * pinned to the kernel's own default. The neighbour timers are pinned per
 * interface (topo_neigh_defaults, below); a case overrides them with its own
 * "sysctl HOST net.ipv4.neigh.eth0.KEY=VALUE" lines. */
static const struct {
	const char *key, *value;
} topo_baseline[] = {
	{ "net.ipv4.conf.all.rp_filter", "0" },
	{ "net.ipv4.conf.default.rp_filter", "0" },
	{ "net.ipv4.tcp_rmem", "4096 131072 6291456" },
	{ "net.ipv4.tcp_wmem", "4096 16384 4194304" },
};

/*
 * The kernel's defaults (arp_tbl in net/ipv4/arp.c; ip-sysctl.rst, neigh/):
 * REACHABLE lasts base_reachable_time x random(0.5..1.5), DELAY
 * delay_first_probe_time s, then ucast_solicit + app_solicit + mcast_resolicit
 * unicast probes retrans_time apart before FAILED; an unresolved entry sends
 * mcast_solicit broadcasts. Set on every interface of every namespace: there
 * is no net.ipv4.neigh.default outside the initial namespace (M, 6.18), a new
 * device copies the kernel's built-in arp_tbl values.
 */
const struct topo_neigh_default topo_neigh_defaults[] = {
	{ "base_reachable_time_ms", "30000" },
	{ "delay_first_probe_time", "5" },
	{ "ucast_solicit", "3" },
	{ "mcast_solicit", "3" },
	{ "mcast_resolicit", "0" },
	{ "app_solicit", "0" },
	{ "retrans_time_ms", "1000" },
};

const int topo_n_neigh_defaults = sizeof(topo_neigh_defaults) / sizeof(topo_neigh_defaults[0]);

/* Read back and recorded in the results for every host: the timers the
 * articles argue about. */
static const char *const topo_recorded[] = {
	"net.ipv4.tcp_retries1",	 "net.ipv4.tcp_retries2",     "net.ipv4.tcp_syn_retries",
	"net.ipv4.tcp_synack_retries",	 "net.ipv4.tcp_orphan_retries", "net.ipv4.tcp_fin_timeout",
	"net.ipv4.tcp_keepalive_time",	 "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes",
	"net.ipv4.tcp_syn_linear_timeouts", "net.ipv4.tcp_rto_max_ms", "net.ipv4.ip_forward",
};

static int topo_record(struct lab *lab, int host, const char *key, json_t *vals)
{
	char buf[128];
	struct tf_err e;

	if (lab_sysctl_get(lab, host, key, buf, sizeof(buf), &e) == 0)
		json_object_set_new(vals, key, json_string(buf));
	return 0;
}

/* net.ipv4.neigh.<dev>.* to the defaults on every interface of @host. */
static int topo_neigh_pin(const struct case_def *c, struct lab *lab, int host, json_t *vals,
			  struct tf_err *err)
{
	const char *ifs[TOPO_MAX_IFACES];
	int n = topo_host_ifaces(c, host, ifs, TOPO_MAX_IFACES), ret;
	char key[128];

	for (int i = 0; i < n; i++) {
		for (int k = 0; k < topo_n_neigh_defaults; k++) {
			snprintf(key, sizeof(key), "net.ipv4.neigh.%s.%s", ifs[i],
				 topo_neigh_defaults[k].key);
			ret = lab_sysctl_set(lab, host, key, topo_neigh_defaults[k].value, err);
			if (ret)
				return ret;
			topo_record(lab, host, key, vals);
		}
	}
	return 0;
}

static int topo_sysctls(const struct case_def *c, struct lab *lab, json_t *all,
			struct tf_err *err)
{
	struct tf_err e;
	int ret;

	for (int h = 0; h < c->n_hosts; h++) {
		json_t *vals = json_object();

		json_object_set_new(all, c->hosts[h], vals);
		for (size_t i = 0; i < sizeof(topo_baseline) / sizeof(topo_baseline[0]); i++) {
			ret = lab_sysctl_set(lab, h, topo_baseline[i].key, topo_baseline[i].value,
					     err);
			if (ret)
				return ret;
			topo_record(lab, h, topo_baseline[i].key, vals);
		}
		ret = topo_neigh_pin(c, lab, h, vals, err);
		if (ret)
			return ret;
	}
	for (int i = 0; i < c->n_sysctls; i++) {
		const struct case_sysctl *s = &c->sysctls[i];

		ret = lab_sysctl_set(lab, s->host, s->key, s->value, &e);
		if (ret)
			return tf_err_set(err, ret, "%s:%u: sysctl %s=%s on %s: %s", s->loc.file,
					  s->loc.line, s->key, s->value, c->hosts[s->host], e.msg);
		topo_record(lab, s->host, s->key, json_object_get(all, c->hosts[s->host]));
	}
	for (int h = 0; h < c->n_hosts; h++)
		for (size_t i = 0; i < sizeof(topo_recorded) / sizeof(topo_recorded[0]); i++)
			topo_record(lab, h, topo_recorded[i], json_object_get(all, c->hosts[h]));
	return 0;
}

int topo_build(const struct case_def *c, struct lab *lab, json_t **sysctls_out,
	       struct tf_err *err)
{
	int ret;

	*sysctls_out = json_object();
	ret = topo_wire(c, lab, err);
	if (ret)
		return ret;
	return topo_sysctls(c, lab, *sysctls_out, err);
}

int topo_host_addr(const struct case_def *c, int host, int port, struct sockaddr_storage *out)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)out;
	const char *cidr = topo_host_ip(c, host);
	struct lab_cidr a;

	memset(out, 0, sizeof(*out));
	if (!cidr || lab_cidr_parse(cidr, &a) < 0 || a.family != AF_INET)
		return -ENOENT;
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)port);
	memcpy(&sin->sin_addr, a.addr, sizeof(sin->sin_addr));
	return 0;
}
