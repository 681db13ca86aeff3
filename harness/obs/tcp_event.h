/* tcp_event.h - one TCP event as the kernel side (tcp_events.bpf.c) writes it
 * into the ring buffer and the user side (tcp_events.h) hands it out.
 *
 * Takes nothing: shared by the BPF program (types from the generated
 * vmlinux.h) and user space (types from <linux/types.h>), so the layout is
 * written once. Fixed-size fields only; the layout is the ABI between the two
 * halves, which are always built together.
 *
 * What each field holds, per event type:
 *   every type   t_ns      CLOCK_MONOTONIC ns (bpf_ktime_get_ns()) when the
 *                          tracepoint fired, comparable with clock_gettime(
 *                          CLOCK_MONOTONIC) in user space.
 *                netns     inode number of the socket's network namespace (the
 *                          st_ino of its /proc/PID/ns/net), which is also the
 *                          key of the kernel-side filter.
 *                cookie    socket cookie (sock_diag's idiag_cookie, lab_sock.cookie
 *                          as one 64-bit value: cookie[0] | cookie[1] << 32), the
 *                          socket's identity across events; 0 only for a reset
 *                          sent for no socket (SEND_RESET, no_socket = 1).
 *                slot      the value its namespace was registered with
 *                          (tcp_events_add_netns(): the run's job slot), so a
 *                          run's one ring buffer can be routed to its cases.
 *                family    AF_INET or AF_INET6 (a dual-stack socket talking IPv4
 *                          is AF_INET6 with v4-mapped addresses, as sock_diag shows it).
 *                local, remote  addresses in network order (IPv4: first 4 bytes).
 *                local_port, remote_port  host order.
 *                state     the socket's TCP state (TCP_ESTABLISHED ... of
 *                          <netinet/tcp.h>) after the event; for STATE the new one.
 *                err, err_soft  sk_err and sk_err_soft (positive errno, 0 none)
 *                          at that moment; 0 for a TIME_WAIT or request socket.
 *   STATE        old_state the state left (inet_sock_set_state: every TCP state
 *                          change of a full socket, SYN_SENT -> ESTABLISHED ...
 *                          -> CLOSE). CLOSE -> SYN_SENT carries local port 0 (the
 *                          port is chosen after it). No event says TIME_WAIT: the
 *                          closing socket reports FIN_WAIT2 (or CLOSING) -> CLOSE
 *                          and is replaced by a TIME_WAIT socket the tracepoint
 *                          never sees (sock_diag does). Request sockets are not
 *                          seen either: a passive open reports LISTEN -> SYN_RECV
 *                          (the child socket, cookie of the accepted socket) when
 *                          the handshake's last ACK arrives, then SYN_RECV ->
 *                          ESTABLISHED.
 *   RETRANSMIT   seq, end_seq  the retransmitted segment (tcp_retransmit_skb:
 *                          RTO, TLP and fast retransmits, SYN and FIN included);
 *                retransmits  icsk_retransmits when the segment left: the
 *                          n-th RTO retransmission carries n (6.x counts before
 *                          sending: tcp_update_rto_stats()), a tail loss probe
 *                          or fast retransmit before any RTO carries 0 (measured
 *                          on 6.18: TLP 0 at 0.21 s, RTOs 1, 2 at 0.42, 0.84 s);
 *                total_retrans  tp->total_retrans, this one included.
 *   ERROR        err       the errno the kernel reports on the socket
 *                          (inet_sk_error_report: sk_err, e.g. 110 ETIMEDOUT,
 *                          111 ECONNREFUSED, 104 ECONNRESET), whether or not an
 *                          application ever reads it. err 0 happens too:
 *                          tcp_disconnect() (a failed connect(), shutdown of a
 *                          listener) reports after the error was consumed.
 *   PROBE        probes, backoff  icsk_probes_out and icsk_backoff after a
 *                          zero-window (or stalled send queue) probe left
 *                          (fexit of tcp_send_probe0(): the probe timer's
 *                          firing; optional: absent when the kernel cannot
 *                          trace that function, tcp_events_probes() says).
 *   SEND_RESET   the RST this namespace sends; local/remote are the RST's
 *                source/destination; no_socket = 1 when no socket matched (a
 *                SYN to a closed port: cookie 0, state 7 TCP_CLOSE).
 *   RECEIVE_RESET  an RST accepted by the socket (tcp_reset(), before it sets
 *                err: the ERROR event follows).
 */
#ifndef TCP_EVENT_H
#define TCP_EVENT_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

enum tcp_event_type {
	TCP_EVENT_STATE = 1,
	TCP_EVENT_RETRANSMIT,
	TCP_EVENT_ERROR,
	TCP_EVENT_SEND_RESET,
	TCP_EVENT_RECEIVE_RESET,
	TCP_EVENT_PROBE,
	TCP_EVENT_NUM
};

struct tcp_event {
	__u64 t_ns;
	__u64 cookie;
	__u32 netns;
	__u16 type; /* enum tcp_event_type */
	__u16 family;
	__u8 local[16];
	__u8 remote[16];
	__u16 local_port;
	__u16 remote_port;
	__u8 state;
	__u8 old_state;
	__u8 no_socket;
	__u8 pad;
	__s32 err;
	__s32 err_soft;
	__u32 seq;
	__u32 end_seq;
	__u32 retransmits;
	__u32 total_retrans;
	__u32 slot;
	__u8 probes;
	__u8 backoff;
	__u16 pad2;
};

#endif
