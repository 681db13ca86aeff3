// SPDX-License-Identifier: GPL-2.0
/* tcp_events.bpf.c - the kernel half of the TCP event source (tcp_events.h).
 *
 * BTF-typed tracepoints (tp_btf: attached through BTF, no tracefs needed) on
 * every TCP state change, retransmission, reported error and RST sent or
 * received. Each program first looks the socket's network namespace (its
 * inode number) up in allowed_netns, which user space fills, so that other
 * namespaces' traffic never reaches the ring buffer; then it writes one
 * struct tcp_event (tcp_event.h) into the single ring buffer `events`.
 * A full ring buffer drops the event and counts it in `lost`.
 *
 * Built by clang -target bpf against the vmlinux.h generated from the running
 * kernel's BTF (CO-RE: field offsets are relocated at load time). GPL: the
 * ring buffer and tracing helpers need it.
 */
#include "obs/vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "obs/tcp_event.h"

#define AF_INET 2
#define AF_INET6 10
#define TCP_TIME_WAIT 6
#define TCP_CLOSE 7
#define TCP_NEW_SYN_RECV 12

char LICENSE[] SEC("license") = "GPL";

/* Namespace inode -> slot (copied into its events): the namespaces whose
 * sockets are reported, and which of the run's cases they belong to. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u32);
} allowed_netns SEC(".maps");

/* One ring buffer for the whole run; user space may resize it before load. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} events SEC(".maps");

/* Events dropped because the ring buffer was full. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} lost SEC(".maps");

static __always_inline __u32 *netns_allowed(__u32 inum)
{
	return bpf_map_lookup_elem(&allowed_netns, &inum);
}

static __always_inline __u32 sk_netns(const struct sock *sk)
{
	return BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
}

/* A TIME_WAIT or request socket is only a sock_common (sk_fullsock()). */
static __always_inline int sk_is_full(__u8 state)
{
	return state != TCP_TIME_WAIT && state != TCP_NEW_SYN_RECV;
}

static __always_inline struct tcp_event *event_reserve(__u16 type, __u32 netns, const __u32 *slot)
{
	struct tcp_event *ev = bpf_ringbuf_reserve(&events, sizeof(*ev), 0);
	__u32 zero = 0;
	__u64 *n;

	if (!ev) {
		n = bpf_map_lookup_elem(&lost, &zero);
		if (n)
			*n += 1;
		return NULL;
	}
	__builtin_memset(ev, 0, sizeof(*ev));
	ev->t_ns = bpf_ktime_get_ns();
	ev->type = type;
	ev->netns = netns;
	ev->slot = *slot;
	return ev;
}

/* The socket's identity, tuple, state and errors (sock_common only for
 * TIME_WAIT and request sockets). */
static __always_inline void event_fill_sk(struct tcp_event *ev, const struct sock *sk)
{
	ev->cookie = bpf_get_socket_cookie((void *)sk);
	ev->family = BPF_CORE_READ(sk, __sk_common.skc_family);
	ev->state = BPF_CORE_READ(sk, __sk_common.skc_state);
	ev->local_port = BPF_CORE_READ(sk, __sk_common.skc_num);
	ev->remote_port = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (ev->family == AF_INET6) {
		BPF_CORE_READ_INTO(&ev->local, sk, __sk_common.skc_v6_rcv_saddr);
		BPF_CORE_READ_INTO(&ev->remote, sk, __sk_common.skc_v6_daddr);
	} else {
		BPF_CORE_READ_INTO((__u32 *)ev->local, sk, __sk_common.skc_rcv_saddr);
		BPF_CORE_READ_INTO((__u32 *)ev->remote, sk, __sk_common.skc_daddr);
	}
	if (sk_is_full(ev->state)) {
		/* inet_num is 0 once the port is released (before the state
		 * becomes CLOSE); inet_sport keeps the port the socket used. */
		ev->local_port = bpf_ntohs(BPF_CORE_READ((const struct inet_sock *)sk, inet_sport));
		ev->err = BPF_CORE_READ(sk, sk_err);
		ev->err_soft = BPF_CORE_READ(sk, sk_err_soft);
	}
}

/* The tuple of the RST sent in reply to @skb, for a segment no socket took:
 * its source is the segment's destination. */
static __always_inline void event_fill_reply(struct tcp_event *ev, const struct sk_buff *skb)
{
	unsigned char *head = BPF_CORE_READ(skb, head);
	__u16 nh = BPF_CORE_READ(skb, network_header);
	__u16 th = BPF_CORE_READ(skb, transport_header);
	struct ipv6hdr ip6;
	struct tcphdr tcp;
	struct iphdr ip;
	__u8 version = 0;

	bpf_probe_read_kernel(&version, 1, head + nh);
	bpf_probe_read_kernel(&tcp, sizeof(tcp), head + th);
	if (version >> 4 == 4) {
		bpf_probe_read_kernel(&ip, sizeof(ip), head + nh);
		ev->family = AF_INET;
		__builtin_memcpy(ev->local, &ip.daddr, 4);
		__builtin_memcpy(ev->remote, &ip.saddr, 4);
	} else {
		bpf_probe_read_kernel(&ip6, sizeof(ip6), head + nh);
		ev->family = AF_INET6;
		__builtin_memcpy(ev->local, &ip6.daddr, 16);
		__builtin_memcpy(ev->remote, &ip6.saddr, 16);
	}
	ev->local_port = bpf_ntohs(tcp.dest);
	ev->remote_port = bpf_ntohs(tcp.source);
	ev->state = TCP_CLOSE;
	ev->no_socket = 1;
}

/* Reserve and fill the common part of an event on a TCP socket of an allowed
 * namespace; NULL when it is filtered out (or the ring buffer is full). */
static __always_inline struct tcp_event *event_on_sk(__u16 type, const struct sock *sk,
						     int check_protocol)
{
	struct tcp_event *ev;
	__u32 netns, *slot;

	if (!sk)
		return NULL;
	if (check_protocol && BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP)
		return NULL;
	netns = sk_netns(sk);
	slot = netns_allowed(netns);
	if (!slot)
		return NULL;
	ev = event_reserve(type, netns, slot);
	if (ev)
		event_fill_sk(ev, sk);
	return ev;
}

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(on_state, const struct sock *sk, const int oldstate, const int newstate)
{
	struct tcp_event *ev = event_on_sk(TCP_EVENT_STATE, sk, 1);

	if (!ev)
		return 0;
	/* sk_state changes after the tracepoint: take both from the arguments. */
	ev->old_state = (__u8)oldstate;
	ev->state = (__u8)newstate;
	bpf_ringbuf_submit(ev, 0);
	return 0;
}

SEC("tp_btf/tcp_retransmit_skb")
int BPF_PROG(on_retransmit, const struct sock *sk, const struct sk_buff *skb)
{
	struct tcp_event *ev = event_on_sk(TCP_EVENT_RETRANSMIT, sk, 0);
	__u32 seqs[2] = {};

	if (!ev)
		return 0;
	/* TCP_SKB_CB(skb): struct tcp_skb_cb starts with seq, end_seq. */
	if (skb)
		bpf_probe_read_kernel(seqs, sizeof(seqs),
				      __builtin_preserve_access_index(&skb->cb));
	ev->seq = seqs[0];
	ev->end_seq = seqs[1];
	ev->retransmits = BPF_CORE_READ((const struct inet_connection_sock *)sk, icsk_retransmits);
	ev->total_retrans = BPF_CORE_READ((const struct tcp_sock *)sk, total_retrans);
	bpf_ringbuf_submit(ev, 0);
	return 0;
}

SEC("tp_btf/inet_sk_error_report")
int BPF_PROG(on_error_report, const struct sock *sk)
{
	struct tcp_event *ev = event_on_sk(TCP_EVENT_ERROR, sk, 1);

	if (ev)
		bpf_ringbuf_submit(ev, 0);
	return 0;
}

SEC("tp_btf/tcp_receive_reset")
int BPF_PROG(on_receive_reset, struct sock *sk)
{
	struct tcp_event *ev = event_on_sk(TCP_EVENT_RECEIVE_RESET, sk, 0);

	if (ev)
		bpf_ringbuf_submit(ev, 0);
	return 0;
}

/* @sk is NULL (6.10+) when the RST answers a segment no socket took; @skb is
 * NULL for an active reset (tcp_send_active_reset()). */
SEC("tp_btf/tcp_send_reset")
int BPF_PROG(on_send_reset, const struct sock *sk, const struct sk_buff *skb)
{
	struct tcp_event *ev;
	__u32 netns, *slot;

	if (sk) {
		ev = event_on_sk(TCP_EVENT_SEND_RESET, sk, 0);
		if (ev)
			bpf_ringbuf_submit(ev, 0);
		return 0;
	}
	if (!skb)
		return 0;
	netns = BPF_CORE_READ(skb, dev, nd_net.net, ns.inum);
	slot = netns_allowed(netns);
	if (!slot)
		return 0;
	ev = event_reserve(TCP_EVENT_SEND_RESET, netns, slot);
	if (!ev)
		return 0;
	event_fill_reply(ev, skb);
	bpf_ringbuf_submit(ev, 0);
	return 0;
}

/* The probe timer (tcp_probe_timer()) sent a window probe: a zero window, or a
 * send queue that cannot leave (KERNEL-FACTS.md, Unplug: "probe timer drives").
 * No tracepoint marks it; fexit sees icsk_probes_out after the increment. */
SEC("fexit/tcp_send_probe0")
int BPF_PROG(on_probe, struct sock *sk)
{
	struct tcp_event *ev = event_on_sk(TCP_EVENT_PROBE, sk, 0);

	if (!ev)
		return 0;
	ev->probes = BPF_CORE_READ((const struct inet_connection_sock *)sk, icsk_probes_out);
	ev->backoff = BPF_CORE_READ((const struct inet_connection_sock *)sk, icsk_backoff);
	ev->retransmits = BPF_CORE_READ((const struct inet_connection_sock *)sk, icsk_retransmits);
	ev->total_retrans = BPF_CORE_READ((const struct tcp_sock *)sk, total_retrans);
	bpf_ringbuf_submit(ev, 0);
	return 0;
}
