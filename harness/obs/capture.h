/* capture.h - packet captures of a case: every TCP segment every lab host
 * sends or receives, on all of its interfaces, as a pcap file and as
 * timeline events. The capture is the truth for segments (DESIGN.md).
 *
 * Takes: the lab (one namespace per case host), the case directory, the
 * timeline, and the runner's calls: capture_clock() at t=0, capture_poll() on
 * every tick, capture_stop() at the end. Gives: <dir>/<host>.pcap (Linux
 * cooked v2 frames, 128 bytes each: headers only), one "wire" event per
 * segment and host, and per host the decoded segments for the verdicts
 * (up to the case's end: the teardown after it is only in the pcap files).
 *
 * What a capture sees (Linux 6.x, measured on 6.18 between two namespaces):
 * - A segment appears once per host: "out" on the sender, "in" on the
 *   receiver, each with its own timestamp.
 * - Taps (AF_PACKET) run before the netdev ingress hook and before netfilter
 *   (__netif_receive_skb_core()), so a segment dropped at the receiver's
 *   ingress is still seen "in" there: "received" means "reached the
 *   interface", not "reached the socket".
 * - On egress the netdev egress hook runs before the tap (dev_queue_xmit_nit()
 *   in dev_hard_start_xmit()): a segment a host's own egress rule drops is not
 *   seen at all, not even "out" on that host (a crashed host's black hole).
 * - veth offloads segmentation: one captured DATA segment can carry up to
 *   64 KB, as the kernel handed it to the interface.
 *
 * Clock: packet timestamps are CLOCK_REALTIME (the kernel's skb stamp, or
 * ktime_get_real() in tpacket_rcv()); the only time-stamp type Linux offers a
 * packet socket is "host". Each poll measures REALTIME - MONOTONIC (between
 * two MONOTONIC reads, < 1 us apart) and converts with it. NTP slewing moves
 * both clocks alike; only a step of the wall clock (settimeofday, a leap
 * second) between a packet and the next poll (<= 10 ms later) would shift that
 * packet's time by the step.
 */
#ifndef CAPTURE_H
#define CAPTURE_H

#include <stdint.h>

#include "case/case.h"
#include "obs/timeline.h"
#include "obs/wire.h"
#include "netns/lab.h"
#include "netns/tf_err.h"

#define CAPTURE_SNAPLEN 128 /* cooked header + IPv6 + TCP with options */

/*
 * Drops the capture can name. A segment dropped at the receiver's ingress did
 * reach its interface (above): only the dropping rule knows it was lost. A
 * rule that drops logs what it drops to this NFLOG group, with its name as the
 * prefix, just before its verdict:
 *
 *   ... counter name d_NAME log prefix "NAME" group 7 snaplen 128 drop
 *
 * (netdev and inet families alike). The capture reads the group in every
 * host's namespace; each record becomes a "drop-in" or "drop-out" copy of the
 * segment (event "dir", with "rule": NAME), and the sequence diagram marks the
 * segment lost where it was dropped. "sent" and "received" do not count them.
 */
#define CAPTURE_NFLOG_GROUP 7
#define CAPTURE_NFLOG_GROUP_STR "7" /* the same, for nft command text */

struct capture;

struct capture_conf {
	const struct case_def *c; /* hosts: the lab's hosts have the same indices */
	const struct lab *lab;
	const char *dir; /* <dir>/<host>.pcap */
	struct timeline *tl; /* borrowed */
};

/**
 * capture_start() - open a capture in every host's namespace (lab_enter(),
 * pcap_create("any"), pcap_activate(), lab_leave()) and its pcap file.
 * A host whose capture cannot be opened is logged in the timeline and left
 * out (its wire expectations end in error); that is not a failure here.
 * Packets wait in the kernel's ring until capture_clock().
 * Return: the capture (free with capture_free()), or NULL with -ENOMEM in *@ret.
 */
struct capture *capture_start(const struct capture_conf *conf, int *ret);

/** capture_clock() - t=0 of the case clock is CLOCK_MONOTONIC @t0_ns; reads what waited. */
void capture_clock(struct capture *cap, int64_t t0_ns);

/**
 * capture_poll() - read what every capture has now, without blocking: decode,
 * write to the pcap file, add the timeline events; at most ~2 ms of work, the
 * rest stays in the kernel's ring for the next call. Does nothing before
 * capture_clock().
 * Return: the number of packets read, or -errno (-ENOMEM).
 */
int capture_poll(struct capture *cap);

/**
 * capture_stop() - read what is left, take the kernel's drop counts, flush
 * and close the pcap files. Later polls do nothing. Idempotent.
 */
void capture_stop(struct capture *cap);

/**
 * capture_wire() - per case host, what its capture saw (borrowed from @cap,
 * indexed like c->hosts); complete after capture_stop(). NULL @cap: NULL.
 */
const struct wire_host *capture_wire(const struct capture *cap);

/* What the captures did, for case.json's "capture" (report/result.c). CPU
 * time is what the capture costs the runner's tick; wall time also counts
 * being preempted on a busy machine. */
struct capture_summary {
	struct {
		char file[CASE_NAME_MAX + 8]; /* "client.pcap" */
		bool captured;
		int segments;
		unsigned long lost;
	} hosts[CASE_MAX_HOSTS]; /* like c->hosts */
	int n_hosts;
	long polls, packets;
	int64_t poll_cpu_us_total, poll_cpu_us_max, poll_wall_us_max;
};

/** capture_summarize() - fill @out from @cap (complete after capture_stop()). */
void capture_summarize(const struct capture *cap, struct capture_summary *out);

/** capture_free() - capture_stop(), then free everything. NULL does nothing. */
void capture_free(struct capture *cap);

#endif
