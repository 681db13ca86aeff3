/* tcp_events.c - the user half of the TCP event source (tcp_events.h): loads
 * the skeleton generated from tcp_events.bpf.c, fills its namespace filter,
 * drains its ring buffer. Built with TCP_EVENTS_BPF defined only when the
 * Makefile found the BPF toolchain; otherwise the stub at the end.
 */
#include "obs/tcp_events.h"
#include "netns/lab_diag.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const tcp_event_names[TCP_EVENT_NUM] = {
	[TCP_EVENT_STATE] = "state",
	[TCP_EVENT_RETRANSMIT] = "retransmit",
	[TCP_EVENT_ERROR] = "error",
	[TCP_EVENT_SEND_RESET] = "send-reset",
	[TCP_EVENT_RECEIVE_RESET] = "receive-reset",
	[TCP_EVENT_PROBE] = "probe",
};

const char *tcp_event_type_name(int type)
{
	if (type <= 0 || type >= TCP_EVENT_NUM)
		return "unknown";
	return tcp_event_names[type];
}

static void tcp_event_addr(int family, const uint8_t *addr, uint16_t port, char *buf, size_t len)
{
	char text[INET6_ADDRSTRLEN] = "?";

	inet_ntop(family == AF_INET6 ? AF_INET6 : AF_INET, addr, text, sizeof(text));
	snprintf(buf, len, family == AF_INET6 ? "[%s]:%u" : "%s:%u", text, port);
}

int tcp_event_format(const struct tcp_event *ev, char *buf, size_t len)
{
	char local[INET6_ADDRSTRLEN + 8], remote[INET6_ADDRSTRLEN + 8], what[64];

	tcp_event_addr(ev->family, ev->local, ev->local_port, local, sizeof(local));
	tcp_event_addr(ev->family, ev->remote, ev->remote_port, remote, sizeof(remote));
	switch (ev->type) {
	case TCP_EVENT_STATE:
		snprintf(what, sizeof(what), "%s -> %s", lab_sock_state_name(ev->old_state),
			 lab_sock_state_name(ev->state));
		break;
	case TCP_EVENT_RETRANSMIT:
		snprintf(what, sizeof(what), "%s seq %u retransmits %u total %u",
			 lab_sock_state_name(ev->state), ev->seq, ev->retransmits,
			 ev->total_retrans);
		break;
	case TCP_EVENT_PROBE:
		snprintf(what, sizeof(what), "%s probes %u backoff %u",
			 lab_sock_state_name(ev->state), ev->probes, ev->backoff);
		break;
	case TCP_EVENT_ERROR:
		snprintf(what, sizeof(what), "%s errno %d", lab_sock_state_name(ev->state),
			 ev->err);
		break;
	default:
		snprintf(what, sizeof(what), "%s%s", lab_sock_state_name(ev->state),
			 ev->no_socket ? " no socket" : "");
		break;
	}
	return snprintf(buf, len, "%s %s -> %s %s netns %u", tcp_event_type_name(ev->type), local,
			remote, what, ev->netns);
}

int tcp_events_netns_id(int netns_fd, uint32_t *id, struct tf_err *err)
{
	struct stat st;

	if (fstat(netns_fd, &st) < 0)
		return tf_err_set(err, -errno, "fstat of namespace fd %d: %s", netns_fd,
				  strerror(errno));
	*id = (uint32_t)st.st_ino;
	return 0;
}

#ifdef TCP_EVENTS_BPF

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "obs/tcp_events.skel.h"

struct tcp_events {
	struct tcp_events_bpf *skel;
	struct ring_buffer *ring;
	int stats_fd; /* BPF_ENABLE_STATS while >= 0 (tcp_events_measure()) */
	int probes; /* the PROBE program is attached */
	char no_probes[sizeof(((struct tf_err *)0)->msg)]; /* why not */
	tcp_events_cb cb; /* of the consume in progress */
	void *cb_arg;
};

/* libbpf's first warning since tcp_events_open() began, for @err; libbpf
 * would print it (and a verifier log) on stderr, beside the run's KTAP. */
static char tcp_events_libbpf_msg[256];

static int tcp_events_libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static int tcp_events_libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char *nl;

	if (level == LIBBPF_DEBUG || tcp_events_libbpf_msg[0])
		return 0;
	vsnprintf(tcp_events_libbpf_msg, sizeof(tcp_events_libbpf_msg), fmt, ap);
	nl = strchr(tcp_events_libbpf_msg, '\n');
	if (nl)
		*nl = '\0';
	return 0;
}

int tcp_events_available(void)
{
	return 1;
}

static int tcp_events_on_sample(void *ctx, void *data, size_t size)
{
	struct tcp_events *te = ctx;

	if (size < sizeof(struct tcp_event))
		return 0; /* cannot happen: both halves are built together */
	return te->cb(data, te->cb_arg);
}

/* Why a load or attach failed, as -EOPNOTSUPP when it means "no event path here". */
static int tcp_events_refused(int ret, const char *step, struct tf_err *err)
{
	if (ret == -EPERM || ret == -EACCES)
		return tf_err_set(err, -EOPNOTSUPP,
				  "unavailable: %s refused (%s): needs CAP_BPF and CAP_PERFMON, "
				  "or CAP_SYS_ADMIN; %s",
				  step, strerror(-ret), tcp_events_libbpf_msg);
	if (ret == -ENOENT || ret == -EINVAL || ret == -ESRCH || ret == -ENOTSUP ||
	    ret == -EOPNOTSUPP)
		return tf_err_set(err, -EOPNOTSUPP,
				  "unavailable: %s failed (%s): kernel without BTF-typed "
				  "tracepoints or one of them (5.5+, tcp_receive_reset 5.x); %s",
				  step, strerror(-ret), tcp_events_libbpf_msg);
	return tf_err_set(err, ret, "%s failed: %s; %s", step, strerror(-ret),
			  tcp_events_libbpf_msg);
}

/* Open, load and attach, with the PROBE program (fexit) when @probes. */
static int tcp_events_load(struct tcp_events *te, int probes, struct tf_err *err)
{
	int ret;

	te->skel = tcp_events_bpf__open();
	if (!te->skel)
		return tcp_events_refused(-errno, "opening the BPF object", err);
	if (!probes)
		bpf_program__set_autoload(te->skel->progs.on_probe, false);
	ret = tcp_events_bpf__load(te->skel);
	if (ret < 0)
		return tcp_events_refused(ret, "loading the BPF programs", err);
	ret = tcp_events_bpf__attach(te->skel);
	if (ret < 0)
		return tcp_events_refused(ret, "attaching to the tracepoints", err);
	te->probes = probes;
	return 0;
}

static int tcp_events_start(struct tcp_events *te, struct tf_err *err)
{
	int ret = tcp_events_load(te, 1, err);

	/* fexit needs a traceable tcp_send_probe0() (BTF, not inlined): without
	 * it the other events still come, and window probes are sampled. */
	if (ret < 0) {
		snprintf(te->no_probes, sizeof(te->no_probes), "%s", err->msg);
		tcp_events_bpf__destroy(te->skel);
		te->skel = NULL;
		tcp_events_libbpf_msg[0] = '\0';
		ret = tcp_events_load(te, 0, err);
	}
	if (ret < 0)
		return ret;
	te->ring = ring_buffer__new(bpf_map__fd(te->skel->maps.events), tcp_events_on_sample, te,
				    NULL);
	if (!te->ring)
		return tf_err_set(err, -errno, "ring buffer: %s", strerror(errno));
	return 0;
}

int tcp_events_open(struct tcp_events **out, struct tf_err *err)
{
	struct tcp_events *te;
	int ret;

	*out = NULL;
	if (access("/sys/kernel/btf/vmlinux", R_OK) < 0)
		return tf_err_set(
			err, -EOPNOTSUPP,
			"unavailable: the kernel has no BTF (/sys/kernel/btf/vmlinux: %s; "
			"CONFIG_DEBUG_INFO_BTF)",
			strerror(errno));
	te = calloc(1, sizeof(*te));
	if (!te)
		return tf_err_set(err, -ENOMEM, "out of memory");
	te->stats_fd = -1;
	tcp_events_libbpf_msg[0] = '\0';
	libbpf_set_print(tcp_events_libbpf_print);
	ret = tcp_events_start(te, err);
	if (ret < 0) {
		tcp_events_close(te);
		return ret;
	}
	*out = te;
	return 0;
}

void tcp_events_close(struct tcp_events *te)
{
	if (!te)
		return;
	ring_buffer__free(te->ring);
	tcp_events_bpf__destroy(te->skel);
	if (te->stats_fd >= 0)
		close(te->stats_fd);
	free(te);
}

int tcp_events_measure(struct tcp_events *te, struct tf_err *err)
{
	if (te->stats_fd >= 0)
		return 0;
	te->stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	if (te->stats_fd < 0)
		return tf_err_set(err, -errno, "BPF_ENABLE_STATS: %s", strerror(errno));
	return 0;
}

int tcp_events_cost(const struct tcp_events *te, uint64_t *runs, uint64_t *run_ns,
		    struct tf_err *err)
{
	struct bpf_program *prog;

	*runs = *run_ns = 0;
	bpf_object__for_each_program(prog, te->skel->obj)
	{
		struct bpf_prog_info info;
		uint32_t len = sizeof(info);

		if (bpf_program__fd(prog) < 0)
			continue; /* not loaded (the PROBE program, when fexit is refused) */
		memset(&info, 0, sizeof(info));
		if (bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len))
			return tf_err_set(err, -errno, "program info of %s: %s",
					  bpf_program__name(prog), strerror(errno));
		*runs += info.run_cnt;
		*run_ns += info.run_time_ns;
	}
	return 0;
}

int tcp_events_probes(const struct tcp_events *te, const char **why)
{
	if (why)
		*why = te->no_probes;
	return te->probes;
}

int tcp_events_add_netns(struct tcp_events *te, int netns_fd, uint32_t slot, uint32_t *id,
			 struct tf_err *err)
{
	uint32_t ns;
	int ret;

	ret = tcp_events_netns_id(netns_fd, &ns, err);
	if (ret < 0)
		return ret;
	if (bpf_map_update_elem(bpf_map__fd(te->skel->maps.allowed_netns), &ns, &slot, BPF_ANY))
		return tf_err_set(err, -errno, "watching namespace %u: %s", ns, strerror(errno));
	if (id)
		*id = ns;
	return 0;
}

int tcp_events_remove_netns(struct tcp_events *te, uint32_t id, struct tf_err *err)
{
	if (bpf_map_delete_elem(bpf_map__fd(te->skel->maps.allowed_netns), &id))
		return tf_err_set(err, -errno, "unwatching namespace %u: %s", id, strerror(errno));
	return 0;
}

int tcp_events_remove_slot(struct tcp_events *te, uint32_t slot)
{
	int fd = bpf_map__fd(te->skel->maps.allowed_netns), n = 0;
	uint32_t key, next, val;
	bool more;

	/* Deleting while iterating may restart the walk: collect first. */
	uint32_t gone[64];
	int n_gone;

	do {
		n_gone = 0;
		more = bpf_map_get_next_key(fd, NULL, &next) == 0;
		while (more && n_gone < 64) {
			key = next;
			if (bpf_map_lookup_elem(fd, &key, &val) == 0 && val == slot)
				gone[n_gone++] = key;
			more = bpf_map_get_next_key(fd, &key, &next) == 0;
		}
		for (int i = 0; i < n_gone; i++)
			n += bpf_map_delete_elem(fd, &gone[i]) == 0;
	} while (n_gone == 64);
	return n;
}

int tcp_events_fd(const struct tcp_events *te)
{
	return ring_buffer__epoll_fd(te->ring);
}

int tcp_events_consume(struct tcp_events *te, tcp_events_cb cb, void *arg, struct tf_err *err)
{
	int n;

	te->cb = cb;
	te->cb_arg = arg;
	n = ring_buffer__consume(te->ring);
	if (n < 0)
		return tf_err_set(err, n, "reading the event ring buffer: %s", strerror(-n));
	return n;
}

uint64_t tcp_events_lost(const struct tcp_events *te)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t sum = 0, *per_cpu;
	uint32_t zero = 0;

	if (ncpu <= 0)
		return 0;
	per_cpu = calloc((size_t)ncpu, sizeof(*per_cpu));
	if (!per_cpu)
		return 0;
	if (bpf_map_lookup_elem(bpf_map__fd(te->skel->maps.lost), &zero, per_cpu) == 0)
		for (int i = 0; i < ncpu; i++)
			sum += per_cpu[i];
	free(per_cpu);
	return sum + tcp_events_misses(te);
}

uint64_t tcp_events_misses(const struct tcp_events *te)
{
	struct bpf_program *prog;
	uint64_t sum = 0;

	bpf_object__for_each_program(prog, te->skel->obj)
	{
		struct bpf_prog_info info;
		uint32_t len = sizeof(info);

		memset(&info, 0, sizeof(info));
		if (bpf_program__fd(prog) >= 0 &&
		    !bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len))
			sum += info.recursion_misses;
	}
	return sum;
}

#else /* !TCP_EVENTS_BPF: the stub */

#ifndef TCP_EVENTS_UNAVAILABLE
#define TCP_EVENTS_UNAVAILABLE "built without the BPF event path"
#endif

struct tcp_events {
	int unused;
};

int tcp_events_available(void)
{
	return 0;
}

int tcp_events_open(struct tcp_events **out, struct tf_err *err)
{
	*out = NULL;
	return tf_err_set(err, -EOPNOTSUPP, "unavailable: %s", TCP_EVENTS_UNAVAILABLE);
}

void tcp_events_close(struct tcp_events *te)
{
	(void)te;
}

int tcp_events_probes(const struct tcp_events *te, const char **why)
{
	(void)te;
	if (why)
		*why = TCP_EVENTS_UNAVAILABLE;
	return 0;
}

int tcp_events_remove_slot(struct tcp_events *te, uint32_t slot)
{
	(void)te;
	(void)slot;
	return 0;
}

int tcp_events_add_netns(struct tcp_events *te, int netns_fd, uint32_t slot, uint32_t *id,
			 struct tf_err *err)
{
	(void)te;
	(void)netns_fd;
	(void)slot;
	(void)id;
	return tf_err_set(err, -EOPNOTSUPP, "unavailable: %s", TCP_EVENTS_UNAVAILABLE);
}

int tcp_events_remove_netns(struct tcp_events *te, uint32_t id, struct tf_err *err)
{
	(void)te;
	(void)id;
	return tf_err_set(err, -EOPNOTSUPP, "unavailable: %s", TCP_EVENTS_UNAVAILABLE);
}

int tcp_events_fd(const struct tcp_events *te)
{
	(void)te;
	return -EOPNOTSUPP;
}

int tcp_events_consume(struct tcp_events *te, tcp_events_cb cb, void *arg, struct tf_err *err)
{
	(void)te;
	(void)cb;
	(void)arg;
	return tf_err_set(err, -EOPNOTSUPP, "unavailable: %s", TCP_EVENTS_UNAVAILABLE);
}

uint64_t tcp_events_misses(const struct tcp_events *te)
{
	(void)te;
	return 0;
}

uint64_t tcp_events_lost(const struct tcp_events *te)
{
	(void)te;
	return 0;
}

int tcp_events_measure(struct tcp_events *te, struct tf_err *err)
{
	(void)te;
	return tf_err_set(err, -EOPNOTSUPP, "unavailable: %s", TCP_EVENTS_UNAVAILABLE);
}

int tcp_events_cost(const struct tcp_events *te, uint64_t *runs, uint64_t *run_ns,
		    struct tf_err *err)
{
	(void)te;
	*runs = *run_ns = 0;
	return tf_err_set(err, -EOPNOTSUPP, "unavailable: %s", TCP_EVENTS_UNAVAILABLE);
}

#endif
