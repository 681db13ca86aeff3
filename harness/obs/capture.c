/* capture.c - libpcap captures in the lab's namespaces; see capture.h.
 *
 * One pcap handle per host, on the "any" device of its namespace (a packet
 * socket serves the namespace it was created in, so it is created inside
 * lab_enter() / lab_leave()), with Linux cooked v2 frames: they carry the
 * interface index and the packet type (sent or received), which a plain
 * Ethernet capture would not. Loopback is filtered out. Non-blocking and
 * in immediate mode: capture_poll() empties the ring on each runner tick, and
 * the timestamps come from the kernel, so reading late costs no precision.
 */
#include "obs/capture.h"

#include <errno.h>
#include <ifaddrs.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pcap/pcap.h>

#include "common/clock.h"
#include "common/vec.h"

#define CAPTURE_BUFFER_BYTES (2 << 20) /* ~8000 frames of 128 bytes: 10 ms of a busy veth */
#define CAPTURE_MAX_EVENTS 20000 /* wire events per host in the timeline; the pcap has all */
#define CAPTURE_MAX_ADDRS 16
#define CAPTURE_MAX_IFS 16
#define CAPTURE_NFLOG_SNAPLEN \
	2048 /* NFLOG attributes around a 128-byte copy of the packet,
					* with room: libpcap's NFLOG buffer is 128 + snaplen,
					* and a record that overran it was read past its end */
/* A tick reads at most this long (about 120 segments at ~16 us each); the
 * rest waits in the ring (~8000 frames) for the next tick, so that a bulk
 * transfer cannot make the runner's 10 ms sampling slip by more. */
#define CAPTURE_POLL_BUDGET_NS 2000000
#define CAPTURE_POLL_BATCH 32

struct capture_if {
	int index;
	char name[IF_NAMESIZE];
};

struct capture_host {
	struct capture *cap;
	int host;
	pcap_t *pcap;
	pcap_dumper_t *dump;
	pcap_t *nflog; /* the drops rules log (CAPTURE_NFLOG_GROUP); NULL: none */
	int64_t nflog_ns_per_tick; /* 1000 when libpcap gives it microseconds */
	bool failed; /* never opened, or broke during the case */
	struct wire_seg *segs;
	int n_segs, cap_segs;
	int n_events;
	struct wire_ep addrs[CAPTURE_MAX_ADDRS];
	int n_addrs;
	struct capture_if ifs[CAPTURE_MAX_IFS];
	int n_ifs;
};

struct capture {
	const struct case_def *c;
	struct timeline *tl;
	struct capture_host hosts[CASE_MAX_HOSTS];
	struct wire_host wire[CASE_MAX_HOSTS];
	struct wire_conns conns;
	bool clock_started, stopped;
	int err; /* first error inside a callback */
	int64_t t0_ns, real_off_ns; /* REALTIME - MONOTONIC, measured at each poll */
	/* what reading costs the runner's tick: thread CPU time, and wall time
	 * (which also counts being preempted on a busy machine) */
	long polls, packets;
	int64_t cpu_ns_max, cpu_ns_total, wall_ns_max;
};

/* Another clock than the timeline's: REALTIME (pcap stamps), thread CPU time. */
static int64_t capture_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* REALTIME - MONOTONIC, with the REALTIME read between two MONOTONIC ones. */
static int64_t capture_real_offset(void)
{
	int64_t m1 = mono_ns();
	int64_t r = capture_ns(CLOCK_REALTIME);
	int64_t m2 = mono_ns();

	return r - (m1 + (m2 - m1) / 2);
}

static void capture_log(struct capture *cap, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A runner note in the timeline ("capture on client: ..."). Before t=0 its
 * time is unknown: it goes in at t=0 with the reason. */
static void capture_log(struct capture *cap, const char *fmt, ...)
{
	char text[300];
	va_list ap;
	int64_t t = cap->clock_started ? (mono_ns() - cap->t0_ns) / 1000000 : 0;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	timeline_add(cap->tl, json_pack("{sI ss ss ss}", "t_ms", (json_int_t)t, "src", "runner",
					"call", "capture", "text", text));
}

/* The host's own addresses and interface names, read inside its namespace. */
static void capture_learn_host(struct capture_host *ch)
{
	struct if_nameindex *ifs = if_nameindex();
	struct ifaddrs *ifa, *a;

	for (struct if_nameindex *i = ifs; i && i->if_index && ch->n_ifs < CAPTURE_MAX_IFS; i++) {
		ch->ifs[ch->n_ifs].index = (int)i->if_index;
		snprintf(ch->ifs[ch->n_ifs++].name, IF_NAMESIZE, "%s", i->if_name);
	}
	if (ifs)
		if_freenameindex(ifs);
	if (getifaddrs(&ifa) < 0)
		return;
	for (a = ifa; a && ch->n_addrs < CAPTURE_MAX_ADDRS; a = a->ifa_next) {
		struct wire_ep *ep = &ch->addrs[ch->n_addrs];

		if (!a->ifa_addr || (a->ifa_flags & IFF_LOOPBACK))
			continue;
		memset(ep, 0, sizeof(*ep));
		if (a->ifa_addr->sa_family == AF_INET) {
			ep->family = AF_INET;
			memcpy(ep->addr, &((struct sockaddr_in *)a->ifa_addr)->sin_addr, 4);
			ch->n_addrs++;
		} else if (a->ifa_addr->sa_family == AF_INET6) {
			ep->family = AF_INET6;
			memcpy(ep->addr, &((struct sockaddr_in6 *)a->ifa_addr)->sin6_addr, 16);
			ch->n_addrs++;
		}
	}
	freeifaddrs(ifa);
}

/*
 * The NFLOG group drop rules log to, in the current namespace. Optional: a
 * kernel without nfnetlink_log only costs the diagrams their drop marks.
 */
static void capture_open_nflog(struct capture_host *ch)
{
	char dev[32], errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *p;

	snprintf(dev, sizeof(dev), "nflog:%d", CAPTURE_NFLOG_GROUP);
	p = pcap_create(dev, errbuf);
	if (!p)
		return;
	pcap_set_snaplen(p, CAPTURE_NFLOG_SNAPLEN);
	pcap_set_immediate_mode(p, 1);
	pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO);
	/* Blocking, read only when poll() says so: libpcap 1.10's NFLOG reader
	 * takes a non-blocking socket's EAGAIN for an error. */
	if (pcap_activate(p) < 0 || pcap_get_selectable_fd(p) < 0) {
		pcap_close(p);
		return;
	}
	ch->nflog = p;
	ch->nflog_ns_per_tick = pcap_get_tstamp_precision(p) == PCAP_TSTAMP_PRECISION_NANO ? 1 :
											     1000;
}

/* pcap_create() .. pcap_setfilter(), inside the host's namespace. */
static int capture_open_here(struct capture_host *ch, char *errbuf)
{
	char filter[64];
	struct bpf_program prog;
	unsigned int lo = if_nametoindex("lo");
	pcap_t *p = pcap_create("any", errbuf);
	int ret;

	if (!p)
		return -ENODEV;
	ch->pcap = p;
	pcap_set_snaplen(p, CAPTURE_SNAPLEN);
	pcap_set_immediate_mode(p, 1);
	pcap_set_buffer_size(p, CAPTURE_BUFFER_BYTES);
	pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO);
	ret = pcap_activate(p);
	if (ret < 0) /* warnings (> 0) are fine */
		goto fail;
	ret = pcap_set_datalink(p, DLT_LINUX_SLL2);
	if (ret < 0)
		goto fail;
	snprintf(filter, sizeof(filter), lo ? "tcp and not ifindex %u" : "tcp", lo);
	ret = pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN);
	if (ret < 0)
		goto fail;
	ret = pcap_setfilter(p, &prog);
	pcap_freecode(&prog);
	if (ret < 0)
		goto fail;
	if (pcap_setnonblock(p, 1, errbuf) < 0)
		return -EIO;
	capture_learn_host(ch);
	capture_open_nflog(ch);
	return 0;
fail:
	snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s", pcap_geterr(p));
	return ret == PCAP_ERROR_PERM_DENIED ? -EPERM : -EIO;
}

static int capture_open_host(struct capture *cap, const struct capture_conf *conf, int h)
{
	struct capture_host *ch = &cap->hosts[h];
	char errbuf[PCAP_ERRBUF_SIZE] = "", path[4096];
	int saved = lab_enter(conf->lab, h), ret;

	if (saved < 0) {
		snprintf(errbuf, sizeof(errbuf), "cannot enter its namespace: %s",
			 strerror(-saved));
		ret = saved;
		goto fail;
	}
	ret = capture_open_here(ch, errbuf);
	lab_leave(saved);
	if (ret)
		goto fail;
	snprintf(path, sizeof(path), "%s/%s.pcap", conf->dir, conf->c->hosts[h]);
	ch->dump = pcap_dump_open(ch->pcap, path);
	if (!ch->dump) {
		snprintf(errbuf, sizeof(errbuf), "%s", pcap_geterr(ch->pcap));
		ret = -EIO;
		goto fail;
	}
	return 0;
fail:
	ch->failed = true;
	capture_log(cap, "capture on %s failed: %s", conf->c->hosts[h], errbuf);
	return ret;
}

struct capture *capture_start(const struct capture_conf *conf, int *ret)
{
	struct capture *cap = calloc(1, sizeof(*cap));

	*ret = 0;
	if (!cap) {
		*ret = -ENOMEM;
		return NULL;
	}
	cap->c = conf->c;
	cap->tl = conf->tl;
	for (int h = 0; h < conf->c->n_hosts && h < CASE_MAX_HOSTS; h++) {
		cap->hosts[h].cap = cap;
		cap->hosts[h].host = h;
		capture_open_host(cap, conf, h);
	}
	return cap;
}

void capture_clock(struct capture *cap, int64_t t0_ns)
{
	if (!cap)
		return;
	cap->t0_ns = t0_ns;
	cap->clock_started = true;
	capture_poll(cap);
}

/* The case host owning @ep's address, or -1. */
static int capture_owner(const struct capture *cap, const struct wire_ep *ep)
{
	for (int h = 0; h < cap->c->n_hosts; h++)
		for (int i = 0; i < cap->hosts[h].n_addrs; i++)
			if (wire_ep_same_addr(&cap->hosts[h].addrs[i], ep))
				return h;
	return -1;
}

static const char *capture_if_name(const struct capture_host *ch, int index, char *buf)
{
	for (int i = 0; i < ch->n_ifs; i++)
		if (ch->ifs[i].index == index)
			return ch->ifs[i].name;
	snprintf(buf, IF_NAMESIZE, "if%d", index);
	return buf;
}

/* "client" for an address of a case host, else the address itself. */
static void capture_who(const struct capture *cap, int host, const struct wire_ep *ep, char *buf,
			size_t len)
{
	char a[WIRE_ADDR_MAX], *colon;

	if (host >= 0) {
		snprintf(buf, len, "%s", cap->c->hosts[host]);
		return;
	}
	wire_ep_format(ep, a, sizeof(a));
	colon = strrchr(a, ':');
	if (colon)
		*colon = '\0';
	snprintf(buf, len, "%s", a);
}

static const char *const capture_dir_names[WIRE_DIR_COUNT] = {
	[WIRE_DIR_OUT] = "out",
	[WIRE_DIR_IN] = "in",
	[WIRE_DIR_DROP_IN] = "drop-in",
	[WIRE_DIR_DROP_OUT] = "drop-out",
};

static int capture_event(struct capture_host *ch, const struct wire_seg *s, const char *rule)
{
	struct capture *cap = ch->cap;
	char from[WIRE_ADDR_MAX], to[WIRE_ADDR_MAX], fw[WIRE_ADDR_MAX], tw[WIRE_ADDR_MAX];
	char label[128], text[300], fl[WIRE_FLAGS_MAX], ifb[IF_NAMESIZE];
	const char *host = cap->c->hosts[ch->host];
	json_t *ev;

	if (ch->n_events == CAPTURE_MAX_EVENTS)
		capture_log(cap,
			    "capture on %s: more than %d segments, the timeline keeps no more "
			    "(%s.pcap has them all)",
			    host, CAPTURE_MAX_EVENTS, host);
	if (ch->n_events++ >= CAPTURE_MAX_EVENTS)
		return 0;
	wire_ep_format(&s->src, from, sizeof(from));
	wire_ep_format(&s->dst, to, sizeof(to));
	capture_who(cap, s->from_host, &s->src, fw, sizeof(fw));
	capture_who(cap, s->to_host, &s->dst, tw, sizeof(tw));
	wire_seg_label(s, label, sizeof(label));
	if (rule)
		snprintf(text, sizeof(text), "%s > %s %s (dropped %s at %s by %s)", fw, tw, label,
			 s->dir == WIRE_DIR_DROP_IN ? "arriving" : "leaving", host,
			 rule[0] ? rule : "a rule");
	else
		snprintf(text, sizeof(text), "%s > %s %s (%s at %s)", fw, tw, label,
			 capture_dir_names[s->dir], host);
	ev = json_pack("{sI sI ss ss ss ss ss ss ss ss ss sI sI sI sI ss}", "t_ms",
		       (json_int_t)mono_floor(s->t_us, 1000), "t_us", (json_int_t)s->t_us, "src",
		       "wire", "host", host, "if", capture_if_name(ch, s->ifindex, ifb), "dir",
		       capture_dir_names[s->dir], "from", from, "to", to, "from_host", fw,
		       "to_host", tw, "flags", wire_flags_name(s->flags, fl), "seq",
		       (json_int_t)s->rseq, "ack", (json_int_t)s->rack, "len", (json_int_t)s->len,
		       "win", (json_int_t)s->win, "text", text);
	if (ev && rule)
		json_object_set_new(ev, "rule", json_string(rule));
	return timeline_add(cap->tl, ev);
}

/* Relative numbers, the host's list, the timeline: a decoded segment @s. */
static void capture_keep(struct capture_host *ch, struct wire_seg *s, const char *rule)
{
	struct capture *cap = ch->cap;
	int ret;

	/* After the end the run tears down (faults undone, peers killed): what
	 * that sends is in the pcap file, not in the case. */
	if (s->t_us > cap->c->end_ms * 1000)
		return;
	s->from_host = capture_owner(cap, &s->src);
	s->to_host = capture_owner(cap, &s->dst);
	ret = wire_conns_rel(&cap->conns, s);
	if (!ret)
		ret = vec_grow(&ch->segs, &ch->cap_segs, ch->n_segs + 1, sizeof(*ch->segs));
	if (!ret) {
		ch->segs[ch->n_segs++] = *s;
		ret = capture_event(ch, s, rule);
	}
	if (ret && !cap->err)
		cap->err = ret;
}

static void capture_on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct capture_host *ch = (struct capture_host *)user;
	struct capture *cap = ch->cap;
	struct wire_seg s = { .host = ch->host };
	/* tv_usec holds nanoseconds: PCAP_TSTAMP_PRECISION_NANO */
	int64_t t_ns = (int64_t)h->ts.tv_sec * 1000000000 + h->ts.tv_usec - cap->real_off_ns;

	pcap_dump((u_char *)ch->dump, h, bytes);
	cap->packets++;
	if (wire_decode_sll2(bytes, h->caplen, h->len, &s))
		return;
	s.t_us = (t_ns - cap->t0_ns) / 1000;
	capture_keep(ch, &s, NULL);
}

/* A segment a rule dropped (and logged to NFLOG): a "drop-in" or "drop-out" copy. */
static void capture_on_drop(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct capture_host *ch = (struct capture_host *)user;
	struct capture *cap = ch->cap;
	struct wire_seg s = { .host = ch->host };
	char rule[WIRE_RULE_MAX];
	int64_t t_real_us, t_ns;

	cap->packets++;
	/* Never trust a record length past the buffer libpcap sized from the snaplen. */
	if (wire_decode_nflog(bytes,
			      h->caplen < CAPTURE_NFLOG_SNAPLEN ? h->caplen : CAPTURE_NFLOG_SNAPLEN,
			      &s, rule, sizeof(rule), &t_real_us))
		return;
	/* The kernel's stamp when the record has one; else libpcap's, taken
	 * when it read the record (up to a tick late). */
	t_ns = t_real_us ? t_real_us * 1000 :
			   (int64_t)h->ts.tv_sec * 1000000000 +
				   (int64_t)h->ts.tv_usec * ch->nflog_ns_per_tick;
	s.t_us = (t_ns - cap->real_off_ns - cap->t0_ns) / 1000;
	capture_keep(ch, &s, rule);
}

/* Has the drop log something to read (one recv() of records)? */
static bool capture_nflog_ready(const struct capture_host *ch)
{
	struct pollfd pfd;

	if (!ch->nflog)
		return false;
	pfd = (struct pollfd){ .fd = pcap_get_selectable_fd(ch->nflog), .events = POLLIN };
	return poll(&pfd, 1, 0) == 1;
}

/* One round: up to CAPTURE_POLL_BATCH packets from each host. Return: the
 * number read; *@more says that some host may have more waiting. */
static int capture_round(struct capture *cap, bool *more)
{
	int total = 0;

	*more = false;
	for (int h = 0; h < cap->c->n_hosts; h++) {
		struct capture_host *ch = &cap->hosts[h];
		int n;

		if (!ch->pcap || ch->failed)
			continue;
		n = pcap_dispatch(ch->pcap, CAPTURE_POLL_BATCH, capture_on_packet, (u_char *)ch);
		if (n < 0) {
			ch->failed = true;
			capture_log(cap, "capture on %s broke: %s", cap->c->hosts[h],
				    pcap_geterr(ch->pcap));
			continue;
		}
		total += n;
		*more |= n == CAPTURE_POLL_BATCH;
		if (n && ch->dump)
			pcap_dump_flush(ch->dump); /* an interrupted run keeps whole records */
		n = capture_nflog_ready(ch) ? pcap_dispatch(ch->nflog, CAPTURE_POLL_BATCH,
							    capture_on_drop, (u_char *)ch) :
					      0;
		if (n < 0) { /* the drop marks only: the capture itself goes on */
			capture_log(cap, "drop log on %s broke: %s", cap->c->hosts[h],
				    pcap_geterr(ch->nflog));
			pcap_close(ch->nflog);
			ch->nflog = NULL;
			continue;
		}
		total += n;
		*more |= n == CAPTURE_POLL_BATCH;
	}
	return total;
}

/* Read until the rings are empty or, unless @drain, the tick's budget is spent. */
static int capture_read(struct capture *cap, bool drain)
{
	int64_t start, cpu, d;
	int total = 0;
	bool more = true;

	if (!cap || !cap->clock_started || cap->stopped)
		return 0;
	start = mono_ns();
	cpu = capture_ns(CLOCK_THREAD_CPUTIME_ID);
	cap->real_off_ns = capture_real_offset();
	while (more && (drain || mono_ns() - start < CAPTURE_POLL_BUDGET_NS))
		total += capture_round(cap, &more);
	d = mono_ns() - start;
	if (d > cap->wall_ns_max)
		cap->wall_ns_max = d;
	d = capture_ns(CLOCK_THREAD_CPUTIME_ID) - cpu;
	cap->polls++;
	cap->cpu_ns_total += d;
	if (d > cap->cpu_ns_max)
		cap->cpu_ns_max = d;
	return cap->err ? cap->err : total;
}

int capture_poll(struct capture *cap)
{
	return capture_read(cap, false);
}

void capture_stop(struct capture *cap)
{
	if (!cap || cap->stopped)
		return;
	capture_read(cap, true);
	cap->stopped = true;
	for (int h = 0; h < cap->c->n_hosts; h++) {
		struct capture_host *ch = &cap->hosts[h];
		struct wire_host *w = &cap->wire[h];
		struct pcap_stat st;

		/* Before capture_clock() nothing was read: no host saw the case. */
		w->captured = ch->pcap && !ch->failed && cap->clock_started;
		if (ch->pcap && pcap_stats(ch->pcap, &st) == 0)
			w->lost = st.ps_drop + st.ps_ifdrop;
		w->segs = ch->segs;
		w->n_segs = ch->n_segs;
		if (ch->dump)
			pcap_dump_close(ch->dump);
		ch->dump = NULL;
		if (ch->pcap)
			pcap_close(ch->pcap);
		ch->pcap = NULL;
		if (ch->nflog)
			pcap_close(ch->nflog);
		ch->nflog = NULL;
	}
}

const struct wire_host *capture_wire(const struct capture *cap)
{
	return cap ? cap->wire : NULL;
}

void capture_summarize(const struct capture *cap, struct capture_summary *out)
{
	*out = (struct capture_summary){ .n_hosts = cap->c->n_hosts };
	for (int h = 0; h < cap->c->n_hosts; h++) {
		const struct wire_host *w = &cap->wire[h];

		snprintf(out->hosts[h].file, sizeof(out->hosts[h].file), "%s.pcap",
			 cap->c->hosts[h]);
		out->hosts[h].captured = w->captured;
		out->hosts[h].segments = w->n_segs;
		out->hosts[h].lost = w->lost;
	}
	out->polls = cap->polls;
	out->packets = cap->packets;
	out->poll_cpu_us_total = cap->cpu_ns_total / 1000;
	out->poll_cpu_us_max = cap->cpu_ns_max / 1000;
	out->poll_wall_us_max = cap->wall_ns_max / 1000;
}

void capture_free(struct capture *cap)
{
	if (!cap)
		return;
	capture_stop(cap);
	for (int h = 0; h < CASE_MAX_HOSTS; h++)
		free(cap->hosts[h].segs);
	wire_conns_free(&cap->conns);
	free(cap);
}
