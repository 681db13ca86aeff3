/* test_wire.c - captured segments (harness/wire.c) and wire expectations
 * (harness/verdict_wire.c): decoding raw bytes, flag names, relative sequence
 * numbers, which segments count as what, and the verdicts.
 */
#include "obs/wire.h"

#include <check.h>

#include "check_run.h"
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "verdict/verdict.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* A cooked v2 header: IPv4, ifindex 2, packet type @pkttype. */
static size_t put_sll2(uint8_t *b, uint16_t proto, uint8_t pkttype)
{
	memset(b, 0, 20);
	b[0] = proto >> 8;
	b[1] = proto & 0xff;
	b[7] = 2; /* ifindex */
	b[9] = 1; /* ARPHRD_ETHER */
	b[10] = pkttype;
	b[11] = 6;
	return 20;
}

/* TCP header (20 bytes + @opt) at @b. */
static size_t put_tcp(uint8_t *b, uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
		      uint8_t flags, size_t opt)
{
	size_t n = 20 + opt;

	memset(b, 0, n);
	b[0] = sport >> 8, b[1] = sport & 0xff, b[2] = dport >> 8, b[3] = dport & 0xff;
	b[4] = seq >> 24, b[5] = seq >> 16, b[6] = seq >> 8, b[7] = seq & 0xff;
	b[8] = ack >> 24, b[9] = ack >> 16, b[10] = ack >> 8, b[11] = ack & 0xff;
	b[12] = (uint8_t)((n / 4) << 4);
	b[13] = flags;
	b[14] = 0xfa, b[15] = 0xf0; /* window 64240 */
	return n;
}

/* An IPv4 packet 198.18.0.1 -> 198.18.0.2 carrying @payload bytes of TCP payload. */
static size_t put_ipv4(uint8_t *b, uint8_t flags, uint32_t seq, uint32_t ack, size_t payload)
{
	size_t tcp = put_tcp(b + 20, 41234, 8080, seq, ack, flags, 12);
	size_t tot = 20 + tcp + payload;

	memset(b, 0, 20);
	b[0] = 0x45;
	b[2] = (uint8_t)(tot >> 8), b[3] = tot & 0xff;
	b[8] = 64;
	b[9] = 6;
	b[12] = 198, b[13] = 18, b[14] = 0, b[15] = 1;
	b[16] = 198, b[17] = 18, b[18] = 0, b[19] = 2;
	return 20 + tcp; /* captured bytes: the payload is cut by the snap length */
}

START_TEST(decode_sll2_ipv4_syn)
{
	uint8_t f[128];
	size_t n = put_sll2(f, 0x0800, 4 /* PACKET_OUTGOING */);
	struct wire_seg s = { 0 };
	char a[WIRE_ADDR_MAX];

	n += put_ipv4(f + n, WIRE_SYN, 0x11223344, 0, 0);
	ck_assert_int_eq(wire_decode_sll2(f, n, n, &s), 0);
	ck_assert_int_eq(s.dir, WIRE_DIR_OUT);
	ck_assert_int_eq(s.ifindex, 2);
	ck_assert_uint_eq(s.seq, 0x11223344);
	ck_assert_uint_eq(s.flags, WIRE_SYN);
	ck_assert_uint_eq(s.len, 0);
	ck_assert_uint_eq(s.win, 64240);
	wire_ep_format(&s.src, a, sizeof(a));
	ck_assert_str_eq(a, "198.18.0.1:41234");
	wire_ep_format(&s.dst, a, sizeof(a));
	ck_assert_str_eq(a, "198.18.0.2:8080");
}
END_TEST

START_TEST(decode_data_len_from_ip_length)
{
	uint8_t f[128];
	size_t n = put_sll2(f, 0x0800, 0 /* PACKET_HOST */);
	struct wire_seg s = { 0 };

	n += put_ipv4(f + n, WIRE_PSH | WIRE_ACK, 1, 1, 1000);
	/* captured 72 bytes of a 1092-byte frame: the length comes from the IP header */
	ck_assert_int_eq(wire_decode_sll2(f, n, n + 1000, &s), 0);
	ck_assert_int_eq(s.dir, WIRE_DIR_IN);
	ck_assert_uint_eq(s.len, 1000);
}
END_TEST

START_TEST(decode_ipv6_with_ext_header)
{
	uint8_t f[128] = { 0 };
	size_t n = put_sll2(f, 0x86dd, 0);
	uint8_t *ip = f + n;
	struct wire_seg s = { 0 };
	char a[WIRE_ADDR_MAX];

	ip[0] = 0x60;
	ip[5] = 8 + 20 + 5; /* payload: hop-by-hop 8, TCP 20, data 5 */
	ip[6] = 0; /* hop-by-hop */
	ip[8] = 0x20, ip[9] = 0x01, ip[10] = 0x00, ip[11] = 0x02, ip[23] = 1;
	ip[24] = 0x20, ip[25] = 0x01, ip[26] = 0x00, ip[27] = 0x02, ip[39] = 2;
	ip[40] = 6; /* next: TCP */
	ip[41] = 0; /* 8 bytes */
	put_tcp(ip + 48, 80, 5555, 7, 9, WIRE_FIN | WIRE_ACK, 0);
	ck_assert_int_eq(wire_decode_sll2(f, n + 48 + 20, n + 48 + 25, &s), 0);
	ck_assert_uint_eq(s.len, 5);
	ck_assert_uint_eq(s.flags, WIRE_FIN | WIRE_ACK);
	wire_ep_format(&s.src, a, sizeof(a));
	ck_assert_str_eq(a, "[2001:2::1]:80");
}
END_TEST

START_TEST(decode_rejects)
{
	uint8_t f[128];
	size_t n = put_sll2(f, 0x0800, 0);
	struct wire_seg s = { 0 };

	n += put_ipv4(f + n, WIRE_SYN, 1, 0, 0);
	ck_assert_int_eq(wire_decode_sll2(f, 19, 19, &s), -EINVAL); /* short header */
	ck_assert_int_eq(wire_decode_sll2(f, 20 + 30, n, &s), -EINVAL); /* TCP cut */
	f[20 + 9] = 17; /* UDP */
	ck_assert_int_eq(wire_decode_sll2(f, n, n, &s), -ENOENT);
	f[20 + 9] = 6;
	f[20 + 6] = 0x00, f[20 + 7] = 0x10; /* a later fragment */
	ck_assert_int_eq(wire_decode_sll2(f, n, n, &s), -ENOENT);
	put_sll2(f, 0x0806, 0); /* ARP */
	ck_assert_int_eq(wire_decode_sll2(f, n, n, &s), -ENOENT);
}
END_TEST

/* An NFLOG TLV (host byte order, padded to 4) at @b; returns its padded size. */
static size_t put_tlv(uint8_t *b, uint16_t type, const void *val, size_t n)
{
	uint16_t len = (uint16_t)(4 + n);

	memcpy(b, &len, 2);
	memcpy(b + 2, &type, 2);
	memcpy(b + 4, val, n);
	memset(b + 4 + n, 0, ((4 + n + 3) & ~3u) - (4 + n));
	return (4 + n + 3) & ~3u;
}

START_TEST(decode_nflog)
{
	uint8_t rec[256], ip[80];
	const uint8_t indev[4] = { 0, 0, 0, 2 },
		      ts[16] = { 0, 0, 0, 0, 0, 0, 0, 100, 0, 0, 0, 0, 0, 0, 0, 7 };
	size_t n = 4, iplen = put_ipv4(ip, WIRE_SYN, 42, 0, 0);
	struct wire_seg s = { 0 };
	char rule[WIRE_RULE_MAX];
	int64_t t;

	rec[0] = 2, rec[1] = 0, rec[2] = 0, rec[3] = 7; /* AF_INET, version 0, group 7 */
	n += put_tlv(rec + n, 3, ts, sizeof(ts));
	n += put_tlv(rec + n, 4, indev, sizeof(indev));
	n += put_tlv(rec + n, 10, "syn-lost", 9);
	n += put_tlv(rec + n, 9, ip, iplen);
	ck_assert_int_eq(wire_decode_nflog(rec, n, &s, rule, sizeof(rule), &t), 0);
	ck_assert_str_eq(rule, "syn-lost");
	ck_assert_int_eq(s.dir, WIRE_DIR_DROP_IN);
	ck_assert_int_eq(s.ifindex, 2);
	ck_assert_uint_eq(s.seq, 42);
	ck_assert_uint_eq(s.flags, WIRE_SYN);
	ck_assert_int_eq(t, 100000007);
	/* an output interface only: dropped leaving; no payload: not a segment */
	n = 4 + put_tlv(rec + 4, 5, indev, sizeof(indev));
	n += put_tlv(rec + n, 9, ip, iplen);
	ck_assert_int_eq(wire_decode_nflog(rec, n, &s, rule, sizeof(rule), &t), 0);
	ck_assert_int_eq(s.dir, WIRE_DIR_DROP_OUT);
	ck_assert_str_eq(rule, "");
	ck_assert_int_eq(t, 0);
	n = 4 + put_tlv(rec + 4, 10, "x", 2);
	ck_assert_int_eq(wire_decode_nflog(rec, n, &s, rule, sizeof(rule), &t), -ENOENT);
}
END_TEST

static const struct {
	uint8_t flags;
	const char *name;
} flag_names[] = {
	{ WIRE_SYN, "S" },
	{ WIRE_SYN | WIRE_ACK, "SA" },
	{ WIRE_ACK, "A" },
	{ WIRE_PSH | WIRE_ACK, "PA" },
	{ WIRE_FIN | WIRE_ACK, "FA" },
	{ WIRE_FIN | WIRE_PSH | WIRE_ACK, "FPA" },
	{ WIRE_RST, "R" },
	{ WIRE_RST | WIRE_ACK, "RA" },
	{ WIRE_SYN | WIRE_ECE | WIRE_CWR, "SEW" },
	{ 0, "." },
};

START_TEST(flags_name_and_parse)
{
	char buf[WIRE_FLAGS_MAX];
	uint8_t f;

	ck_assert_str_eq(wire_flags_name(flag_names[_i].flags, buf), flag_names[_i].name);
	ck_assert_int_eq(wire_flags_parse(flag_names[_i].name, &f), 0);
	ck_assert_uint_eq(f, flag_names[_i].flags);
}
END_TEST

START_TEST(flags_parse_bad)
{
	uint8_t f;

	ck_assert_int_eq(wire_flags_parse("SX", &f), -EINVAL);
}
END_TEST

static struct wire_seg seg4(uint8_t a, uint16_t sp, uint8_t b, uint16_t dp, uint8_t flags,
			    uint32_t seq, uint32_t ack, uint32_t len)
{
	struct wire_seg s = { .flags = flags, .seq = seq, .ack = ack, .len = len, .win = 100 };

	s.src.family = s.dst.family = AF_INET;
	s.src.addr[0] = s.dst.addr[0] = 198;
	s.src.addr[1] = s.dst.addr[1] = 18;
	s.src.addr[3] = a;
	s.dst.addr[3] = b;
	s.src.port = sp;
	s.dst.port = dp;
	return s;
}

START_TEST(relative_numbers)
{
	struct wire_conns t = { 0 };
	struct wire_seg s[] = {
		seg4(1, 4000, 2, 80, WIRE_SYN, 1000, 0, 0),
		seg4(2, 80, 1, 4000, WIRE_SYN | WIRE_ACK, 9000, 1001, 0),
		seg4(1, 4000, 2, 80, WIRE_ACK, 1001, 9001, 0),
		seg4(1, 4000, 2, 80, WIRE_PSH | WIRE_ACK, 1001, 9001, 100),
		seg4(2, 80, 1, 4000, WIRE_ACK, 9001, 1101, 0),
		/* the same SYN again (a retransmission): same base */
		seg4(1, 4000, 2, 80, WIRE_SYN, 1000, 0, 0),
		/* a new connection on the same ports: a new base */
		seg4(1, 4000, 2, 80, WIRE_SYN, 5000, 0, 0),
		seg4(2, 80, 1, 4000, WIRE_SYN | WIRE_ACK, 70, 5001, 0),
		/* another connection: its own bases */
		seg4(1, 4001, 2, 80, WIRE_SYN, 0xfffffff0, 0, 0),
		seg4(1, 4001, 2, 80, WIRE_PSH | WIRE_ACK, 0xfffffff1, 1, 32),
	};
	static const uint32_t want[][2] = { { 0, 0 }, { 0, 1 }, { 1, 1 }, { 1, 1 }, { 1, 101 },
					    { 0, 0 }, { 0, 0 }, { 0, 1 }, { 0, 0 }, { 1, 1 } };

	for (size_t i = 0; i < ARRAY_SIZE(s); i++) {
		ck_assert_int_eq(wire_conns_rel(&t, &s[i]), 0);
		ck_assert_msg(s[i].rseq == want[i][0] && s[i].rack == want[i][1],
			      "segment %zu: rel %u/%u, want %u/%u", i, s[i].rseq, s[i].rack,
			      want[i][0], want[i][1]);
	}
	ck_assert_int_eq(t.n, 2);
	wire_conns_free(&t);
}
END_TEST

/* Which kinds each segment counts as: SYN SYN-ACK ACK DATA FIN RST ANY. */
static const struct {
	uint8_t flags;
	uint32_t len;
	const char *is;
} seg_kinds[] = {
	{ WIRE_SYN, 0, "1000001" },
	{ WIRE_SYN | WIRE_ACK, 0, "0100001" },
	{ WIRE_ACK, 0, "0010001" },
	{ WIRE_PSH | WIRE_ACK, 10, "0001001" },
	{ WIRE_FIN | WIRE_ACK, 0, "0000101" },
	{ WIRE_FIN | WIRE_PSH | WIRE_ACK, 10, "0001101" },
	{ WIRE_RST | WIRE_ACK, 0, "0000011" },
	{ WIRE_RST, 0, "0000011" },
};

START_TEST(segment_kinds)
{
	struct wire_seg s = { .flags = seg_kinds[_i].flags, .len = seg_kinds[_i].len };

	for (int k = 0; k < CASE_SEG_COUNT; k++)
		ck_assert_msg(wire_seg_is(&s, (enum case_seg_kind)k) ==
				      (seg_kinds[_i].is[k] == '1'),
			      "flags %#x len %u as %s", s.flags, s.len,
			      case_seg_kind_name((enum case_seg_kind)k));
}
END_TEST

START_TEST(labels)
{
	static const struct {
		uint8_t flags;
		uint32_t rseq, rack, len;
		uint16_t win;
		const char *label;
	} t[] = {
		{ WIRE_SYN, 0, 0, 0, 64240, "[S] seq 0" },
		{ WIRE_SYN | WIRE_ACK, 0, 1, 0, 65160, "[SA] seq 0 ack 1" },
		{ WIRE_ACK, 1, 1, 0, 502, "[A] ack 1" },
		{ WIRE_PSH | WIRE_ACK, 1, 1, 1000, 502, "[PA] seq 1:1001 ack 1 len 1000" },
		{ WIRE_FIN | WIRE_ACK, 1, 1001, 0, 502, "[FA] seq 1 ack 1001" },
		{ WIRE_RST, 1001, 0, 0, 0, "[R] seq 1001" },
		{ WIRE_ACK, 1, 1001, 0, 0, "[A] ack 1001 win 0" },
	};
	char buf[96];

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		struct wire_seg s = { .flags = t[i].flags,
				      .rseq = t[i].rseq,
				      .rack = t[i].rack,
				      .len = t[i].len,
				      .win = t[i].win };

		wire_seg_label(&s, buf, sizeof(buf));
		ck_assert_str_eq(buf, t[i].label);
	}
}
END_TEST

/* ---- verdicts ---- */

/* SYNs out of the client at 0, 1.01, 2.02, 3.05 s, a RST in at 3.5 s. */
static const struct wire_seg client_segs[] = {
	{ .t_us = 0, .dir = WIRE_DIR_OUT, .flags = WIRE_SYN },
	{ .t_us = 1010000, .dir = WIRE_DIR_OUT, .flags = WIRE_SYN },
	{ .t_us = 2020000, .dir = WIRE_DIR_OUT, .flags = WIRE_SYN },
	{ .t_us = 3050000, .dir = WIRE_DIR_OUT, .flags = WIRE_SYN },
	{ .t_us = 3500000, .dir = WIRE_DIR_IN, .flags = WIRE_RST | WIRE_ACK },
};

static enum verdict_status eval_wire(struct case_expect e, const struct wire_host *wire,
				     struct verdict_result *r)
{
	struct case_def c = { .n_hosts = 2, .expects = &e, .n_expects = 1, .file = "x.case" };
	struct obs_peer peers[2] = { { .started = true }, { .started = true } };
	struct verdict_input in = { .c = &c, .peers = peers, .fault_ms = -1, .wire = wire };

	strcpy(c.hosts[0], "client");
	strcpy(c.hosts[1], "server");
	e.kind = CASE_EXPECT_WIRE;
	return verdict_eval(&in, r);
}

static const struct wire_host wire_ok[2] = {
	{ .captured = true, .segs = client_segs, .n_segs = ARRAY_SIZE(client_segs) },
	{ .captured = true },
};

START_TEST(verdict_count)
{
	struct verdict_result r;
	struct case_expect e = { .wire = { .seg = CASE_SEG_SYN, .count = 4 } };

	ck_assert_int_eq(eval_wire(e, wire_ok, &r), VERDICT_PASS);
	ck_assert_str_eq(r.expected, "client sent SYN count 4");
	ck_assert_str_eq(r.observed, "4 SYN at 0.000 1.010 2.020 3.050 s");
	e.wire.count = 3;
	ck_assert_int_eq(eval_wire(e, wire_ok, &r), VERDICT_FAIL);
	e.wire.cmp = CASE_CMP_GE;
	ck_assert_int_eq(eval_wire(e, wire_ok, &r), VERDICT_PASS);
	ck_assert_str_eq(r.expected, "client sent SYN count >= 3");
	e.wire.cmp = CASE_CMP_LT;
	ck_assert_int_eq(eval_wire(e, wire_ok, &r), VERDICT_FAIL);
}
END_TEST

START_TEST(verdict_direction_and_window)
{
	struct verdict_result r;
	struct case_expect e = { .wire = { .seg = CASE_SEG_RST, .received = true, .count = 1 } };

	ck_assert_int_eq(eval_wire(e, wire_ok, &r), VERDICT_PASS);
	e.wire.received = false; /* the client sent no RST */
	ck_assert_int_eq(eval_wire(e, wire_ok, &r), VERDICT_FAIL);
	ck_assert_str_eq(r.observed, "0 RST");
	e = (struct case_expect){ .wire = { .seg = CASE_SEG_SYN, .count = 2 },
				  .when = CASE_WHEN_DURING,
				  .from_ms = 1000,
				  .to_ms = 2500 };
	ck_assert_int_eq(eval_wire(e, wire_ok, &r), VERDICT_PASS);
	ck_assert_str_eq(r.expected, "client sent SYN count 2 from 1.000 to 2.500 s");
}
END_TEST

START_TEST(verdict_gaps)
{
	struct verdict_result r;
	struct case_expect e = { .wire = { .seg = CASE_SEG_SYN,
					   .has_gaps = true,
					   .gaps_ms = { 1000, 1000, 1000 },
					   .n_gaps = 3,
					   .tolerance_ms = 100 } };

	ck_assert_int_eq(eval_wire(e, wire_ok, &r), VERDICT_PASS);
	ck_assert_str_eq(r.observed, "4 SYN at 0.000 1.010 2.020 3.050 s; gaps 1.010 1.010 1.030");
	e.wire.gaps_ms[2] = 2000;
	ck_assert_int_eq(eval_wire(e, wire_ok, &r), VERDICT_FAIL);
	ck_assert_str_eq(r.observed, "gap 3 is 1.030 s, not 2.000 +-0.100 s; 4 SYN at 0.000 1.010 "
				     "2.020 3.050 s");
	ck_assert_int_eq(r.t_ms, 3050);
	e.wire.n_gaps = 2; /* 3 expected, 4 seen */
	ck_assert_int_eq(eval_wire(e, wire_ok, &r), VERDICT_FAIL);
}
END_TEST

START_TEST(verdict_no_capture_is_error)
{
	struct verdict_result r;
	struct case_expect e = { .host = 1, .wire = { .seg = CASE_SEG_RST, .count = 0 } };
	struct wire_host lost[2] = { { .captured = true, .lost = 3 }, { .captured = false } };

	/* "count 0" must not pass on a host nobody captured */
	ck_assert_int_eq(eval_wire(e, wire_ok + 0, &r), VERDICT_PASS);
	ck_assert_int_eq(eval_wire(e, lost, &r), VERDICT_ERROR);
	ck_assert_str_eq(r.observed, "no packet capture ran on server");
	ck_assert_int_eq(eval_wire(e, NULL, &r), VERDICT_ERROR);
	e.host = 0;
	ck_assert_int_eq(eval_wire(e, lost, &r), VERDICT_ERROR);
	ck_assert_str_eq(r.observed,
			 "the capture on client lost 3 packets: counts cannot be trusted");
}
END_TEST

static Suite *wire_suite(void)
{
	Suite *s = suite_create("wire");
	TCase *tc = tcase_create("decode");

	tcase_add_test(tc, decode_sll2_ipv4_syn);
	tcase_add_test(tc, decode_data_len_from_ip_length);
	tcase_add_test(tc, decode_ipv6_with_ext_header);
	tcase_add_test(tc, decode_rejects);
	tcase_add_test(tc, decode_nflog);
	tcase_add_loop_test(tc, flags_name_and_parse, 0, ARRAY_SIZE(flag_names));
	tcase_add_test(tc, flags_parse_bad);
	tcase_add_test(tc, relative_numbers);
	tcase_add_loop_test(tc, segment_kinds, 0, ARRAY_SIZE(seg_kinds));
	tcase_add_test(tc, labels);
	suite_add_tcase(s, tc);
	tc = tcase_create("verdict");
	tcase_add_test(tc, verdict_count);
	tcase_add_test(tc, verdict_direction_and_window);
	tcase_add_test(tc, verdict_gaps);
	tcase_add_test(tc, verdict_no_capture_is_error);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(wire_suite());
}
