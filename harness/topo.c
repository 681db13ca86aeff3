/* topo.c - topologies; see topo.h.
 *
 *   pair:   [client] eth0 198.18.0.1/24 ===veth=== 198.18.0.2/24 eth0 [server]
 */
#include "topo.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#define TOPO_LINK_UP_TIMEOUT_MS 5000

/* Set in every namespace, whatever the case says after: the neighbour timers
 * decide between ETIMEDOUT and EHOSTUNREACH (KERNEL-FACTS.md), rp_filter and
 * the buffer sizes are copied from the host at namespace creation, so each is
 * pinned to the kernel's own default. The neighbour values are the kernel's
 * defaults too; later topologies override them per case. */
static const struct {
	const char *key, *value;
} topo_baseline[] = {
	{ "net.ipv4.conf.all.rp_filter", "0" },
	{ "net.ipv4.conf.default.rp_filter", "0" },
	{ "net.ipv4.tcp_rmem", "4096 131072 6291456" },
	{ "net.ipv4.tcp_wmem", "4096 16384 4194304" },
	{ "net.ipv4.neigh.eth0.base_reachable_time_ms", "30000" },
	{ "net.ipv4.neigh.eth0.delay_first_probe_time", "5" },
	{ "net.ipv4.neigh.eth0.ucast_solicit", "3" },
	{ "net.ipv4.neigh.eth0.mcast_solicit", "3" },
	{ "net.ipv4.neigh.eth0.retrans_time_ms", "1000" },
};

/* Read back and recorded in the results for every host: the timers the
 * articles argue about. */
static const char *const topo_recorded[] = {
	"net.ipv4.tcp_retries1",	 "net.ipv4.tcp_retries2",     "net.ipv4.tcp_syn_retries",
	"net.ipv4.tcp_synack_retries",	 "net.ipv4.tcp_orphan_retries", "net.ipv4.tcp_fin_timeout",
	"net.ipv4.tcp_keepalive_time",	 "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes",
	"net.ipv4.tcp_syn_linear_timeouts", "net.ipv4.tcp_rto_max_ms",
};

struct topo_host_addr {
	const char *name, *cidr, *addr;
};

static const struct topo_host_addr topo_pair_hosts[] = {
	{ "client", "198.18.0.1/24", "198.18.0.1" },
	{ "server", "198.18.0.2/24", "198.18.0.2" },
};

static int topo_build_pair(struct lab *lab, struct tf_err *err)
{
	int ret;

	for (int i = 0; i < 2; i++) {
		ret = lab_host_add(lab, topo_pair_hosts[i].name, err);
		if (ret < 0)
			return ret;
	}
	ret = lab_veth_add(lab, 0, "eth0", 1, "eth0", err);
	if (ret)
		return ret;
	for (int i = 0; i < 2; i++) {
		ret = lab_addr_add(lab, i, "eth0", topo_pair_hosts[i].cidr, err);
		if (ret)
			return ret;
	}
	for (int i = 0; i < 2; i++) {
		ret = lab_link_wait_oper_up(lab, i, "eth0", TOPO_LINK_UP_TIMEOUT_MS, err);
		if (ret)
			return ret;
	}
	return 0;
}

static int topo_record(struct lab *lab, int host, const char *key, json_t *vals)
{
	char buf[128];
	struct tf_err e;

	if (lab_sysctl_get(lab, host, key, buf, sizeof(buf), &e) == 0)
		json_object_set_new(vals, key, json_string(buf));
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
	int ret = -EINVAL;

	*sysctls_out = json_object();
	switch (c->topology) {
	case CASE_TOPO_PAIR:
		ret = topo_build_pair(lab, err);
		break;
	case CASE_TOPO_COUNT:
		return tf_err_set(err, -EINVAL, "unknown topology");
	}
	if (ret)
		return ret;
	return topo_sysctls(c, lab, *sysctls_out, err);
}

int topo_host_addr(const struct case_def *c, int host, int port, struct sockaddr_storage *out)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)out;

	memset(out, 0, sizeof(*out));
	if (host < 0 || host >= c->n_hosts)
		return -ENOENT;
	for (size_t i = 0; i < sizeof(topo_pair_hosts) / sizeof(topo_pair_hosts[0]); i++) {
		if (strcmp(topo_pair_hosts[i].name, c->hosts[host]) != 0)
			continue;
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		inet_pton(AF_INET, topo_pair_hosts[i].addr, &sin->sin_addr);
		return 0;
	}
	return -ENOENT;
}
