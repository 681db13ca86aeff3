/* model_env.c - the timing model's inputs from the world; see model_env.h. */
#include "verdict/model_env.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include "fault/fault.h"

/* The sysctls a fresh namespace is probed for; neighbour knobs through "default". */
static const enum model_knob probed[] = {
	MODEL_RETRIES2,
	MODEL_SYN_RETRIES,
	MODEL_SYNACK_RETRIES,
	MODEL_ORPHAN_RETRIES,
	MODEL_FIN_TIMEOUT,
	MODEL_KEEPALIVE_TIME,
	MODEL_KEEPALIVE_INTVL,
	MODEL_KEEPALIVE_PROBES,
	MODEL_SYN_LINEAR_TIMEOUTS,
	MODEL_RTO_MAX_MS,
	MODEL_NEIGH_BASE_REACHABLE_MS,
	MODEL_NEIGH_DELAY_PROBE_S,
	MODEL_NEIGH_UCAST_SOLICIT,
	MODEL_NEIGH_MCAST_SOLICIT,
	MODEL_NEIGH_RETRANS_MS,
};

/* "net.ipv4.neigh.*.retrans_time_ms" -> "/proc/sys/net/ipv4/neigh/default/retrans_time_ms" */
static void proc_path(enum model_knob k, char *buf, size_t size)
{
	const char *name = model_knob_name(k);
	size_t n = 0;

	n += (size_t)snprintf(buf, size, "/proc/sys/");
	for (; *name && n + 8 < size; name++) {
		if (*name == '*') {
			n += (size_t)snprintf(buf + n, size - n, "default");
			continue;
		}
		buf[n++] = *name == '.' ? '/' : *name;
	}
	buf[n] = '\0';
}

/* The RTO of a connection over loopback in this (fresh) namespace, as the lab
 * gets on a veth: an RTT near 0, a few bytes each way so that the client has
 * an RTT sample; tcpi_rto in us, or -1. Every wait is bounded (1 s). */
static long probe_rto_us(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	const struct timeval tmo = { .tv_sec = 1 };
	struct ifreq ifr = { .ifr_name = "lo" };
	int s[4] = { -1, -1, -1, -1 }; /* ioctl, listener, client, accepted */
	socklen_t len = sizeof(a);
	struct tcp_info ti;
	long rto = -1;
	char buf[4];

	s[0] = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	s[1] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	s[2] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	for (int i = 1; i < 3; i++)
		if (setsockopt(s[i], SOL_SOCKET, SO_RCVTIMEO, &tmo, sizeof(tmo)) < 0 ||
		    setsockopt(s[i], SOL_SOCKET, SO_SNDTIMEO, &tmo, sizeof(tmo)) < 0)
			goto out;
	if (ioctl(s[0], SIOCGIFFLAGS, &ifr) < 0)
		goto out;
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(s[0], SIOCSIFFLAGS, &ifr) < 0 ||
	    bind(s[1], (struct sockaddr *)&a, sizeof(a)) < 0 || listen(s[1], 1) < 0 ||
	    getsockname(s[1], (struct sockaddr *)&a, &len) < 0 ||
	    connect(s[2], (struct sockaddr *)&a, sizeof(a)) < 0)
		goto out;
	s[3] = accept4(s[1], NULL, NULL, SOCK_CLOEXEC);
	if (s[3] < 0 || send(s[2], "ping", 4, 0) != 4 || recv(s[3], buf, 4, MSG_WAITALL) != 4 ||
	    send(s[3], buf, 4, 0) != 4 || recv(s[2], buf, 4, MSG_WAITALL) != 4)
		goto out;
	len = sizeof(ti);
	if (getsockopt(s[2], IPPROTO_TCP, TCP_INFO, &ti, &len) == 0 && ti.tcpi_rtt > 0)
		rto = (long)ti.tcpi_rto;
out:
	for (int i = 0; i < 4; i++)
		if (s[i] >= 0)
			close(s[i]);
	return rto;
}

/* In the child: "K VALUE" per knob found, "K -" per knob absent, then
 * "R US", the RTO a loopback connection got (-1: none). */
static void probe_child(int fd)
{
	char path[160], val[64], line[96];

	prctl(PR_SET_NAME, "tcpfault-probe"); /* not a run's orchestrator (sweep.h) */
	if (unshare(CLONE_NEWNET) < 0) {
		snprintf(line, sizeof(line), "E %d\n", errno);
		if (write(fd, line, strlen(line)) < 0)
			_exit(2);
		_exit(1);
	}
	for (size_t i = 0; i < sizeof(probed) / sizeof(probed[0]); i++) {
		int f, n = 0;

		proc_path(probed[i], path, sizeof(path));
		f = open(path, O_RDONLY | O_CLOEXEC);
		if (f >= 0) {
			n = (int)read(f, val, sizeof(val) - 1);
			close(f);
		}
		val[n > 0 ? n : 0] = '\0';
		snprintf(line, sizeof(line), "%d %s\n", (int)probed[i], n > 0 ? val : "-\n");
		if (write(fd, line, strlen(line)) < 0)
			_exit(2);
	}
	snprintf(line, sizeof(line), "R %ld\n", probe_rto_us());
	if (write(fd, line, strlen(line)) < 0)
		_exit(2);
	_exit(0);
}

/* Read the child's lines into @p and *@rto_us; 0, or -errno the child reported. */
static int probe_read(int fd, struct model_params *p, long *rto_us)
{
	char buf[2048], *save = NULL;
	size_t n = 0;
	ssize_t r;

	while (n < sizeof(buf) - 1 && (r = read(fd, buf + n, sizeof(buf) - 1 - n)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		n += (size_t)r;
	}
	buf[n] = '\0';
	if (buf[0] == 'E')
		return -atoi(buf + 2);
	for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *end;
		long k;

		if (l[0] == 'R' && l[1] == ' ') {
			*rto_us = strtol(l + 2, NULL, 10);
			continue;
		}
		k = strtol(l, &end, 10);
		if (k < 0 || k >= MODEL_KNOB_COUNT || *end != ' ')
			continue;
		if (end[1] == '-') {
			p->absent[k] = true;
			continue;
		}
		p->absent[k] = false;
		p->v[k] = strtoll(end + 1, NULL, 10);
	}
	if (p->absent[MODEL_SYN_LINEAR_TIMEOUTS])
		p->v[MODEL_SYN_LINEAR_TIMEOUTS] = 0;
	p->absent[MODEL_TCP_RTO_MAX_MS] = p->absent[MODEL_RTO_MAX_MS];
	return 0;
}

static int probe_fresh_netns(struct model_params *p, long *rto_us)
{
	int fds[2], status, ret;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		close(fds[0]);
		close(fds[1]);
		return ret;
	}
	if (pid == 0) {
		close(fds[0]);
		probe_child(fds[1]);
	}
	close(fds[1]);
	ret = probe_read(fds[0], p, rto_us);
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return ret;
}

/* HZ: the resolution of the coarse clocks is one tick (TICK_NSEC); else
 * CONFIG_HZ from /boot/config-RELEASE; 0 if neither says. */
static int read_hz(const char *release, const char **how)
{
	char path[300], line[256];
	struct timespec res;
	int hz = 0;
	FILE *f;

	if (clock_getres(CLOCK_MONOTONIC_COARSE, &res) == 0 && !res.tv_sec && res.tv_nsec > 0) {
		hz = (int)((1000000000L + res.tv_nsec / 2) / res.tv_nsec);
		*how = " (the coarse clock's tick)";
		return hz;
	}
	snprintf(path, sizeof(path), "/boot/config-%s", release);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "CONFIG_HZ=", 10))
			hz = atoi(line + 10);
	fclose(f);
	*how = " (kernel config)";
	return hz;
}

int model_env_probe(struct model_kernel *k, struct model_params *p, char *how, size_t how_size)
{
	const char *hz_how = " (assumed)";
	struct utsname u;
	long rto_us = -1;
	int hz, ret;

	if (uname(&u) < 0 || model_kernel_from_release(u.release, k)) {
		ret = -errno;
		model_kernel_from_release("6.18", k);
		model_params_init(p, k);
		snprintf(how, how_size, "unknown kernel: compiled defaults for Linux 6.18");
		return ret ? ret : -EINVAL;
	}
	model_params_init(p, k);
	hz = read_hz(u.release, &hz_how);
	if (hz >= 100 && hz <= 1000)
		p->v[MODEL_HZ] = hz;
	ret = geteuid() == 0 ? probe_fresh_netns(p, &rto_us) : -EPERM;
	if (!ret) {
		k->has_syn_linear_timeouts = !p->absent[MODEL_SYN_LINEAR_TIMEOUTS];
		k->has_rto_max = !p->absent[MODEL_RTO_MAX_MS];
	}
	/* rounded down to whole ms, as model_rto_near_zero_ms() does */
	p->v[MODEL_RTO_MS] = rto_us > 0 ? rto_us / 1000 :
					  model_rto_near_zero_ms((int)p->v[MODEL_HZ]);
	snprintf(how, how_size, "Linux %s, %s; HZ %lld%s; rto %lld ms %s", u.release,
		 !ret ? "defaults read in a fresh network namespace" :
		 ret == -EPERM ?
			"not root: compiled defaults for this version" :
			"cannot make a network namespace: compiled defaults for this version",
		 p->v[MODEL_HZ], hz >= 100 && hz <= 1000 ? hz_how : " (assumed)",
		 p->v[MODEL_RTO_MS],
		 rto_us > 0 ? "probed (a loopback connection there, tcpi_rto)" :
			      "computed (200 ms + 1 jiffy: an RTT near 0)");
	return 0;
}

void model_env_params(const char *release, const struct obs_host_sysctls *sysctls,
		      const struct obs_sockopts *sockopts, int64_t rto_ms, struct model_params *p)
{
	struct model_kernel k;

	if (model_kernel_from_release(release, &k))
		model_kernel_from_release("6.18", &k);
	model_params_init(p, &k);
	if (sysctls && sysctls->n) {
		/* the runner reads these two back wherever they exist */
		p->absent[MODEL_SYN_LINEAR_TIMEOUTS] =
			!obs_sysctls_get(sysctls, "net.ipv4.tcp_syn_linear_timeouts");
		p->absent[MODEL_RTO_MAX_MS] = !obs_sysctls_get(sysctls, "net.ipv4.tcp_rto_max_ms");
		p->absent[MODEL_TCP_RTO_MAX_MS] = p->absent[MODEL_RTO_MAX_MS];
		if (p->absent[MODEL_SYN_LINEAR_TIMEOUTS])
			p->v[MODEL_SYN_LINEAR_TIMEOUTS] = 0;
	}
	for (int i = 0; sysctls && i < sysctls->n; i++) {
		int kn = model_knob_parse(sysctls->v[i].key);

		if (kn >= 0 && model_knob_kind(kn) == MODEL_KNOB_SYSCTL)
			p->v[kn] = strtoll(sysctls->v[i].value, NULL, 10);
	}
	for (int i = 0; sockopts && i < sockopts->n; i++) {
		int kn = model_knob_parse(sockopts->v[i].name);

		if (kn >= 0 && model_knob_kind(kn) == MODEL_KNOB_SOCKOPT && sockopts->v[i].known) {
			p->v[kn] = sockopts->v[i].value;
			p->set[kn] = true;
		}
	}
	if (rto_ms > 0)
		p->v[MODEL_RTO_MS] = rto_ms;
}

static const char *ev_str(const json_t *ev, const char *key)
{
	return json_string_value(json_object_get(ev, key)) ?: "";
}

static long long ev_int(const json_t *ev, const char *key)
{
	return json_integer_value(json_object_get(ev, key));
}

/* An observer sample of host @host's connection @local -> @remote. */
static bool is_conn_obs(const json_t *ev, const char *host, const char *local, const char *remote)
{
	return !strcmp(ev_str(ev, "kind"), "obs") && !strcmp(ev_str(ev, "src"), host) &&
	       !strcmp(ev_str(ev, "call"), "sock") && !strcmp(ev_str(ev, "local"), local) &&
	       !strcmp(ev_str(ev, "remote"), remote);
}

/* The socket() a connect() used: the last one before the connect line. */
static int64_t origin_connect(const struct timeline *tl, const char *host)
{
	int64_t sock = MODEL_ENV_NONE;

	for (size_t i = 0; i < timeline_count(tl); i++) {
		const json_t *ev = timeline_get(tl, i);
		const char *call = ev_str(ev, "call");

		if (strcmp(ev_str(ev, "src"), host))
			continue;
		if (!strcmp(call, "socket"))
			sock = ev_int(ev, "t_ms");
		else if (!strcmp(call, "connect") && sock != MODEL_ENV_NONE)
			return sock;
	}
	return MODEL_ENV_NONE;
}

/* The last packet that came in: connect()/accept() done, data read, or the
 * ACK of data sent (on a veth it comes back at once), before the fault. */
static int64_t origin_last_recv(const struct timeline *tl, const char *host, int64_t fault_ms)
{
	int64_t last = MODEL_ENV_NONE;

	for (size_t i = 0; i < timeline_count(tl); i++) {
		const json_t *ev = timeline_get(tl, i);
		const char *call = ev_str(ev, "call");
		int64_t t = ev_int(ev, "t_ms");

		if (strcmp(ev_str(ev, "src"), host) || json_object_get(ev, "errno") == NULL ||
		    !json_is_null(json_object_get(ev, "errno")) || (fault_ms >= 0 && t > fault_ms))
			continue;
		if (((!strcmp(call, "connect") || !strcmp(call, "accept")) &&
		     ev_int(ev, "ret") >= 0) ||
		    ((!strcmp(call, "recv") || !strcmp(call, "send")) && ev_int(ev, "ret") > 0))
			last = t;
	}
	return last;
}

/*
 * retrans_stamp is the head segment's timestamp at the first RTO firing
 * (tcp_retransmit_skb(): "stamp of the first (attempted) retransmit"), which
 * the retransmission updates only when it leaves. The observer's first sample
 * with retransmits >= 1 follows the RTO; if tcpi_total_retrans moved since
 * the sample before, the retransmission left and that is the origin; if not
 * (it failed locally: M, host-crash/idle-no-keepalive), the segment's last
 * transmission is: the last tail loss probe (a total_retrans increase) or the
 * peer's last successful send before it.
 */
static int64_t origin_first_retrans(const struct timeline *tl, const char *host, const char *local,
				    const char *remote)
{
	int64_t last_tx = MODEL_ENV_NONE;
	long long prev_total = -1;

	for (size_t i = 0; i < timeline_count(tl); i++) {
		const json_t *ev = timeline_get(tl, i);
		int64_t t = ev_int(ev, "t_ms");

		if (!strcmp(ev_str(ev, "src"), host) && !strcmp(ev_str(ev, "call"), "send") &&
		    ev_int(ev, "ret") > 0)
			last_tx = t;
		if (!is_conn_obs(ev, host, local, remote))
			continue;
		if (ev_int(ev, "retransmits") > 0)
			return prev_total < 0 || ev_int(ev, "total_retrans") > prev_total ||
					       last_tx == MODEL_ENV_NONE ?
				       t :
				       last_tx;
		if (prev_total >= 0 && ev_int(ev, "total_retrans") > prev_total)
			last_tx = t; /* a tail loss probe left */
		prev_total = ev_int(ev, "total_retrans");
	}
	return MODEL_ENV_NONE;
}

int64_t model_env_origin(const struct timeline *tl, enum model_origin origin, const char *host,
			 const char *local, const char *remote, int64_t fault_ms)
{
	const char *state = origin == MODEL_ORIGIN_FIN_WAIT2 ? "FIN_WAIT2" : "TIME_WAIT";

	switch (origin) {
	case MODEL_ORIGIN_CONNECT:
		return origin_connect(tl, host);
	case MODEL_ORIGIN_LAST_RECV:
		return origin_last_recv(tl, host, fault_ms);
	case MODEL_ORIGIN_FIRST_RETRANS:
		return origin_first_retrans(tl, host, local, remote);
	case MODEL_ORIGIN_FIRST_PROBE:
	case MODEL_ORIGIN_FIN_WAIT2:
	case MODEL_ORIGIN_TIME_WAIT:
		break;
	case MODEL_ORIGIN_COUNT:
		return MODEL_ENV_NONE;
	}
	for (size_t i = 0; i < timeline_count(tl); i++) {
		const json_t *ev = timeline_get(tl, i);

		if (!is_conn_obs(ev, host, local, remote))
			continue;
		if ((origin == MODEL_ORIGIN_FIRST_PROBE && ev_int(ev, "retransmits") == 0 &&
		     (ev_int(ev, "probes") > 0 || ev_int(ev, "backoff") > 0)) ||
		    ((origin == MODEL_ORIGIN_FIN_WAIT2 || origin == MODEL_ORIGIN_TIME_WAIT) &&
		     !strcmp(ev_str(ev, "state"), state)))
			return ev_int(ev, "t_ms");
	}
	return MODEL_ENV_NONE;
}

int64_t model_env_rto_ms(const struct timeline *tl, const char *host, const char *local,
			 const char *remote, int64_t before_ms)
{
	int64_t rto = -1;

	for (size_t i = 0; i < timeline_count(tl); i++) {
		const json_t *ev = timeline_get(tl, i);

		if (!is_conn_obs(ev, host, local, remote) || ev_int(ev, "t_ms") >= before_ms)
			continue;
		if (ev_int(ev, "rto_ms") > 0 && !ev_int(ev, "retransmits") &&
		    !ev_int(ev, "backoff"))
			rto = ev_int(ev, "rto_ms");
	}
	return rto;
}

/* The host whose connect() is the origin: @h if it connects, else whoever does. */
static int64_t connect_origin_any(const struct model_env_run *r, int h)
{
	int64_t t = model_env_origin(r->tl, MODEL_ORIGIN_CONNECT, r->c->hosts[h], "", "", -1);

	for (int o = 0; t == MODEL_ENV_NONE && o < r->c->n_hosts; o++)
		t = model_env_origin(r->tl, MODEL_ORIGIN_CONNECT, r->c->hosts[o], "", "", -1);
	return t;
}

/* Behind a router the neighbour entry that fails is the router's, on its
 * side facing the peer (topology "routed", topo_wire.c: eth0 towards the
 * client's switch, eth1 towards the server): its timers decide the errno. */
static void router_neigh(const struct model_env_run *r, int host, struct model_params *p)
{
	const char *dev = strcmp(r->c->hosts[host], "client") ? "neigh.eth0." : "neigh.eth1.";
	const struct obs_host_sysctls *rs = NULL;

	for (int h = 0; r->sysctls && h < r->c->n_hosts && h < r->sysctls->n_hosts; h++)
		if (!strcmp(r->c->hosts[h], "router"))
			rs = &r->sysctls->hosts[h];
	for (int i = 0; rs && i < rs->n; i++) {
		int kn = model_knob_parse(rs->v[i].key);

		if (kn >= 0 && strstr(rs->v[i].key, dev))
			p->v[kn] = strtoll(rs->v[i].value, NULL, 10);
	}
}

static void model_one(const struct model_env_run *r, const struct case_expect *e,
		      const char *release, struct model_band *m)
{
	const char *host = r->c->hosts[e->host];
	const char *local = r->local[e->host] ?: "", *remote = r->remote[e->host] ?: "";
	struct model_params p;
	struct model_pred pred;
	int64_t origin, rto;
	enum model_origin o;

	/* The origin does not depend on the parameters: ask with the defaults. */
	model_env_params(release, NULL, NULL, -1, &p);
	if (model_predict((enum model_scenario)e->model_scenario, &p, &pred)) {
		snprintf(m->why, sizeof(m->why), "unknown model scenario %d", e->model_scenario);
		return;
	}
	o = pred.origin;
	origin = o == MODEL_ORIGIN_CONNECT ?
			 connect_origin_any(r, e->host) :
			 model_env_origin(r->tl, o, host, local, remote, r->fault_ms);
	snprintf(m->scenario, sizeof(m->scenario), "%s", model_scenario_name(pred.scenario));
	snprintf(m->origin, sizeof(m->origin), "%s", model_origin_name(o));
	if (origin == MODEL_ENV_NONE) {
		snprintf(m->why, sizeof(m->why),
			 "the model's clock starts at %s of %s, which this "
			 "run never showed",
			 model_origin_name(o), host);
		return;
	}
	rto = model_env_rto_ms(r->tl, host, local, remote, origin);
	model_env_params(release,
			 r->sysctls && e->host < r->sysctls->n_hosts ? &r->sysctls->hosts[e->host] :
								       NULL,
			 r->sockopts[e->host], rto, &p);
	/* A crashed host drops ARP too, an unplugged one cannot answer it
	 * (KERNEL-FACTS.md, Host crash, Unplug): its neighbour entry here (or on
	 * the router) fails, and the errno may be EHOSTUNREACH. The neighbour
	 * timers are this host's, an approximation behind a router. */
	for (int i = 0; i < r->c->n_steps; i++) {
		const struct fault_ops *f = fault_ops_of(r->c->steps[i].kind);

		if (f && f->arp_silenced && r->c->steps[i].host != e->host)
			p.v[MODEL_ARP] = MODEL_ARP_UNANSWERED;
	}
	router_neigh(r, e->host, &p);
	if (pred.scenario == MODEL_KEEPALIVE && !p.set[MODEL_SO_KEEPALIVE]) {
		p.v[MODEL_SO_KEEPALIVE] = 0; /* the case did not turn it on */
		p.set[MODEL_SO_KEEPALIVE] = true;
	}
	model_predict(pred.scenario, &p, &pred);
	m->ok = true;
	m->never = pred.never;
	m->uncertain = pred.uncertain;
	m->origin_ms = origin;
	m->value_ms = pred.value_ms;
	m->lo_ms = pred.lo_ms;
	m->hi_ms = pred.hi_ms;
	m->errnum = pred.errnum;
	if (rto > 0)
		snprintf(m->rule, sizeof(m->rule), "%s", pred.rule);
	else
		snprintf(m->rule, sizeof(m->rule),
			 "(rto not seen: %lld ms assumed, 200 ms + 1 jiffy) %s", p.v[MODEL_RTO_MS],
			 pred.rule);
}

void model_env_case(const struct model_env_run *r, struct model_band *out)
{
	struct utsname u;
	const char *release = uname(&u) == 0 ? u.release : "6.18";

	for (int i = 0; i < r->c->n_expects; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		if (r->c->expects[i].band_model)
			model_one(r, &r->c->expects[i], release, &out[i]);
	}
}
