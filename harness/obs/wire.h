/* wire.h - TCP segments as a packet capture saw them: decoding raw bytes,
 * naming flags, relative sequence numbers, and which segments a wire
 * expectation counts. Pure: no I/O, no clock; unit-tested.
 *
 * Takes: captured frames (Linux cooked v2 headers, as the "any" device gives
 * them, or bare IPv4/IPv6 packets). Gives: struct wire_seg, one per TCP
 * segment; struct wire_conns turns raw sequence numbers into numbers relative
 * to each direction's initial sequence number, the same on every host that
 * saw the segment.
 */
#ifndef WIRE_H
#define WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "case/case.h"

/* TCP header flag bits (RFC 9293, RFC 3168). */
#define WIRE_FIN 0x01
#define WIRE_SYN 0x02
#define WIRE_RST 0x04
#define WIRE_PSH 0x08
#define WIRE_ACK 0x10
#define WIRE_URG 0x20
#define WIRE_ECE 0x40
#define WIRE_CWR 0x80

#define WIRE_FLAGS_MAX 9 /* "SFRPUAEW" and the NUL */
#define WIRE_ADDR_MAX 48 /* "[2001:2::1]:65535" */

enum wire_dir {
	WIRE_DIR_OUT, /* the capturing host sent it */
	WIRE_DIR_IN, /* it arrived at the capturing host (even if a rule dropped it then) */
	WIRE_DIR_DROP_IN, /* a rule of the capturing host dropped it arriving (NFLOG) */
	WIRE_DIR_DROP_OUT, /* a rule of the capturing host dropped it leaving (NFLOG) */
	WIRE_DIR_COUNT
};

#define WIRE_RULE_MAX 32 /* an NFLOG prefix: the dropping rule's name */

struct wire_ep {
	uint8_t family; /* AF_INET or AF_INET6 */
	uint8_t addr[16];
	uint16_t port;
};

struct wire_seg {
	int64_t t_us; /* case clock, microseconds */
	int host; /* the capturing host (case host index) */
	enum wire_dir dir;
	int ifindex; /* 0 when the frame carried none */
	int from_host, to_host; /* case hosts owning the addresses, or -1 */
	struct wire_ep src, dst;
	uint32_t seq, ack; /* as on the wire */
	uint32_t rseq, rack; /* relative (struct wire_conns); rack 0 without ACK */
	uint32_t len; /* TCP payload bytes, from the IP length (not the snap length) */
	uint16_t win;
	uint8_t flags;
};

/* What one host's capture saw. */
struct wire_host {
	bool captured; /* a capture ran on this host for the whole case */
	unsigned long lost; /* packets the kernel or libpcap dropped before we read them */
	const struct wire_seg *segs; /* in time order */
	int n_segs;
};

/**
 * wire_decode_sll2() - decode a Linux cooked v2 frame (DLT_LINUX_SLL2, 20-byte
 * header: protocol, ifindex, ARPHRD, packet type) carrying IPv4 or IPv6 TCP.
 * @out gets addresses, ports, flags, seq, ack, window, payload length,
 * ifindex and direction (packet type PACKET_OUTGOING is out, all else in);
 * t_us, host, from_host, to_host and the relative numbers are left to the caller.
 * @len is the frame's length before the snap length cut it (pcap_pkthdr.len):
 * it gives the payload length of a GSO packet whose IP length field is 0.
 * Return: 0; -ENOENT if it is not a TCP segment (or a later IP fragment);
 * -EINVAL if it is truncated before the end of the TCP header's first 20 bytes.
 */
int wire_decode_sll2(const uint8_t *frame, size_t caplen, size_t len, struct wire_seg *out);

/**
 * wire_decode_nflog() - decode an NFLOG record (DLT_NFLOG: family, version,
 * resource id, then TLVs) of a TCP segment a rule logged: @out as
 * wire_decode_ip() gives it, dir WIRE_DIR_DROP_IN (the record names an input
 * interface) or WIRE_DIR_DROP_OUT (an output interface only), ifindex; the
 * rule's log prefix into @rule (@size bytes, "" without one); the kernel's
 * timestamp (CLOCK_REALTIME, us) into *@t_real_us, 0 when the record has none.
 * Return: 0, -ENOENT (no payload, not TCP), -EINVAL (malformed).
 */
int wire_decode_nflog(const uint8_t *rec, size_t caplen, struct wire_seg *out, char *rule,
		      size_t size, int64_t *t_real_us);

/**
 * wire_decode_ip() - as wire_decode_sll2() for a bare IPv4 or IPv6 packet;
 * direction and ifindex are left as they are.
 */
int wire_decode_ip(const uint8_t *pkt, size_t caplen, size_t len, struct wire_seg *out);

/**
 * wire_flags_name() - "S", "SA", "A", "PA", "FA", "R", "RA"...: one letter per
 * flag in the order S F R P U A E W ("." for no flag at all).
 * Return: @buf (at least WIRE_FLAGS_MAX bytes).
 */
const char *wire_flags_name(uint8_t flags, char *buf);

/**
 * wire_flags_parse() - the inverse of wire_flags_name(): "PA" -> PSH|ACK.
 * Return: 0 and *@flags, or -EINVAL for a letter that names no flag.
 */
int wire_flags_parse(const char *name, uint8_t *flags);

/** wire_seg_is() - does @s count as a @kind segment (CASE_SEG_*)? */
bool wire_seg_is(const struct wire_seg *s, enum case_seg_kind kind);

/** wire_ep_format() - "198.18.0.1:41234" or "[2001:2::1]:80" into @buf. */
void wire_ep_format(const struct wire_ep *ep, char *buf, size_t len);

/** wire_ep_same_addr() - same family and address (ports ignored). */
bool wire_ep_same_addr(const struct wire_ep *a, const struct wire_ep *b);

/* Relative sequence numbers: the first SYN (or, without one, the first
 * segment) seen in each direction of a connection sets its base; a SYN with
 * another sequence number starts a new connection on the same ports. */
struct wire_conn;

struct wire_conns {
	struct wire_conn *v;
	int n, cap;
};

/**
 * wire_conns_rel() - fill @s->rseq and @s->rack from the connection table
 * (adding the connection when new).
 * Return: 0 or -ENOMEM (then rseq and rack are the raw numbers).
 */
int wire_conns_rel(struct wire_conns *t, struct wire_seg *s);

/** wire_conns_free() - free the table's memory; the struct can be reused. */
void wire_conns_free(struct wire_conns *t);

/**
 * wire_seg_label() - the arrow label of a segment: "[S] seq 0",
 * "[PA] seq 1:1001 ack 1 len 1000", "[A] ack 1001", "[R] seq 1".
 */
void wire_seg_label(const struct wire_seg *s, char *buf, size_t len);

#endif
