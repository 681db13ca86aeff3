/* wire.c - decoding and naming captured TCP segments; see wire.h.
 *
 * Linux cooked v2 header (DLT_LINUX_SLL2), all fields in network order:
 *
 *    0      2      4             8      10   11   12                 20
 *   +------+------+-------------+------+----+----+------------------+
 *   |proto | rsvd |  ifindex    |hatype|pkt |alen|  link address    |  IP...
 *   +------+------+-------------+------+----+----+------------------+
 *
 * pkt is the packet type of <linux/if_packet.h>: PACKET_OUTGOING (4) for what
 * the host sent, PACKET_HOST (0) and the others for what reached it.
 */
#include "obs/wire.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/if_packet.h>

#include "common/vec.h"

#define WIRE_SLL2_LEN 20
#define WIRE_ETH_P_IP 0x0800
#define WIRE_ETH_P_IPV6 0x86dd
#define WIRE_IPPROTO_TCP 6
#define WIRE_TCP_MIN 20

struct wire_conn {
	struct wire_ep a, b; /* a: the source of the first segment seen */
	uint32_t base[2]; /* [0]: a -> b, [1]: b -> a */
	bool has_base[2];
};

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* TCP header at @tcp, @avail bytes captured, @seg_len bytes in the segment. */
static int wire_decode_tcp(const uint8_t *tcp, size_t avail, size_t seg_len, struct wire_seg *out)
{
	size_t doff;

	if (avail < WIRE_TCP_MIN)
		return -EINVAL;
	doff = (size_t)(tcp[12] >> 4) * 4;
	if (doff < WIRE_TCP_MIN || seg_len < doff)
		return -EINVAL;
	out->src.port = get16(tcp);
	out->dst.port = get16(tcp + 2);
	out->seq = get32(tcp + 4);
	out->ack = get32(tcp + 8);
	out->flags = tcp[13];
	out->win = get16(tcp + 14);
	out->len = (uint32_t)(seg_len - doff);
	return 0;
}

static int wire_decode_ipv4(const uint8_t *ip, size_t caplen, size_t len, struct wire_seg *out)
{
	size_t ihl, tot;

	if (caplen < 20)
		return -EINVAL;
	ihl = (size_t)(ip[0] & 0x0f) * 4;
	tot = get16(ip + 2);
	if (ihl < 20 || caplen < ihl)
		return -EINVAL;
	if (ip[9] != WIRE_IPPROTO_TCP || (get16(ip + 6) & 0x1fff))
		return -ENOENT; /* not TCP, or a fragment after the first */
	if (!tot) /* a GSO packet over 64 KB (BIG TCP): the IP length says 0 */
		tot = len;
	if (tot < ihl)
		return -EINVAL;
	out->src.family = out->dst.family = AF_INET;
	memset(out->src.addr, 0, sizeof(out->src.addr));
	memset(out->dst.addr, 0, sizeof(out->dst.addr));
	memcpy(out->src.addr, ip + 12, 4);
	memcpy(out->dst.addr, ip + 16, 4);
	return wire_decode_tcp(ip + ihl, caplen - ihl, tot - ihl, out);
}

/* IPv6 extension headers that may come before TCP (RFC 8200, 4.1). */
static bool wire_ipv6_ext(uint8_t nh)
{
	return nh == 0 || nh == 43 || nh == 60; /* hop-by-hop, routing, destination */
}

static int wire_decode_ipv6(const uint8_t *ip, size_t caplen, size_t len, struct wire_seg *out)
{
	size_t off = 40, plen;
	uint8_t nh;

	if (caplen < 40)
		return -EINVAL;
	plen = get16(ip + 4);
	if (!plen) /* jumbogram or BIG TCP */
		plen = len > 40 ? len - 40 : 0;
	nh = ip[6];
	for (;;) {
		if (nh == 44) { /* fragment: only the first one carries the TCP header */
			if (caplen < off + 8)
				return -EINVAL;
			if (get16(ip + off + 2) & 0xfff8)
				return -ENOENT;
			nh = ip[off];
			off += 8;
			continue;
		}
		if (!wire_ipv6_ext(nh))
			break;
		if (caplen < off + 2)
			return -EINVAL;
		nh = ip[off];
		off += ((size_t)ip[off + 1] + 1) * 8;
	}
	if (nh != WIRE_IPPROTO_TCP)
		return -ENOENT;
	if (caplen < off || 40 + plen < off)
		return -EINVAL;
	out->src.family = out->dst.family = AF_INET6;
	memcpy(out->src.addr, ip + 8, 16);
	memcpy(out->dst.addr, ip + 24, 16);
	return wire_decode_tcp(ip + off, caplen - off, 40 + plen - off, out);
}

int wire_decode_ip(const uint8_t *pkt, size_t caplen, size_t len, struct wire_seg *out)
{
	if (caplen < 1)
		return -EINVAL;
	switch (pkt[0] >> 4) {
	case 4:
		return wire_decode_ipv4(pkt, caplen, len, out);
	case 6:
		return wire_decode_ipv6(pkt, caplen, len, out);
	}
	return -ENOENT;
}

int wire_decode_sll2(const uint8_t *frame, size_t caplen, size_t len, struct wire_seg *out)
{
	uint16_t proto;

	if (caplen < WIRE_SLL2_LEN)
		return -EINVAL;
	proto = get16(frame);
	if (proto != WIRE_ETH_P_IP && proto != WIRE_ETH_P_IPV6)
		return -ENOENT;
	out->ifindex = (int)get32(frame + 4);
	out->dir = frame[10] == PACKET_OUTGOING ? WIRE_DIR_OUT : WIRE_DIR_IN;
	return wire_decode_ip(frame + WIRE_SLL2_LEN, caplen - WIRE_SLL2_LEN,
			      len > WIRE_SLL2_LEN ? len - WIRE_SLL2_LEN : 0, out);
}

/* NFLOG attributes (<linux/netfilter/nfnetlink_log.h>); in DLT_NFLOG their
 * length and type are in the capturing host's byte order (pcap-linktype(7)). */
#define WIRE_NFULA_TIMESTAMP 3 /* struct nfulnl_msg_packet_timestamp: be64 sec, usec */
#define WIRE_NFULA_IFINDEX_INDEV 4
#define WIRE_NFULA_IFINDEX_OUTDEV 5
#define WIRE_NFULA_PAYLOAD 9
#define WIRE_NFULA_PREFIX 10

int wire_decode_nflog(const uint8_t *rec, size_t caplen, struct wire_seg *out, char *rule,
		      size_t size, int64_t *t_real_us)
{
	const uint8_t *payload = NULL;
	size_t off = 4, plen = 0;
	int indev = 0, outdev = 0, ret;

	rule[0] = '\0';
	*t_real_us = 0;
	if (caplen < 4)
		return -EINVAL;
	while (off + 4 <= caplen) {
		uint16_t tlen, type;

		memcpy(&tlen, rec + off, 2);
		memcpy(&type, rec + off + 2, 2);
		type &= 0x7fff; /* NLA_F_NESTED and friends */
		if (tlen < 4 || off + tlen > caplen)
			break; /* cut by the snap length: what came before is whole */
		if (type == WIRE_NFULA_PAYLOAD) {
			payload = rec + off + 4;
			plen = tlen - 4u;
		} else if (type == WIRE_NFULA_PREFIX) {
			snprintf(rule, size, "%.*s",
				 (int)strnlen((const char *)rec + off + 4, tlen - 4u),
				 (const char *)rec + off + 4);
		} else if (type == WIRE_NFULA_TIMESTAMP && tlen >= 20) {
			*t_real_us = (int64_t)((uint64_t)get32(rec + off + 4) << 32 |
					       get32(rec + off + 8)) *
					     1000000 +
				     (int64_t)((uint64_t)get32(rec + off + 12) << 32 |
					       get32(rec + off + 16));
		} else if ((type == WIRE_NFULA_IFINDEX_INDEV ||
			    type == WIRE_NFULA_IFINDEX_OUTDEV) &&
			   tlen >= 8) {
			*(type == WIRE_NFULA_IFINDEX_INDEV ? &indev : &outdev) =
				(int)get32(rec + off + 4);
		}
		off += (tlen + 3u) & ~3u;
	}
	if (!payload)
		return -ENOENT;
	ret = wire_decode_ip(payload, plen, plen, out);
	if (ret)
		return ret;
	out->dir = indev ? WIRE_DIR_DROP_IN : WIRE_DIR_DROP_OUT;
	out->ifindex = indev ? indev : outdev;
	return 0;
}

/* Letters in the order they are printed; A comes late so that "SA", "PA", "FA" read as usual. */
static const struct {
	uint8_t bit;
	char letter;
} wire_flag_letters[] = {
	{ WIRE_SYN, 'S' }, { WIRE_FIN, 'F' }, { WIRE_RST, 'R' }, { WIRE_PSH, 'P' },
	{ WIRE_URG, 'U' }, { WIRE_ACK, 'A' }, { WIRE_ECE, 'E' }, { WIRE_CWR, 'W' },
};

#define WIRE_N_LETTERS (sizeof(wire_flag_letters) / sizeof(wire_flag_letters[0]))

const char *wire_flags_name(uint8_t flags, char *buf)
{
	size_t n = 0;

	for (size_t i = 0; i < WIRE_N_LETTERS; i++)
		if (flags & wire_flag_letters[i].bit)
			buf[n++] = wire_flag_letters[i].letter;
	if (!n)
		buf[n++] = '.';
	buf[n] = '\0';
	return buf;
}

int wire_flags_parse(const char *name, uint8_t *flags)
{
	*flags = 0;
	if (!strcmp(name, "."))
		return 0;
	for (; *name; name++) {
		size_t i;

		for (i = 0; i < WIRE_N_LETTERS && wire_flag_letters[i].letter != *name; i++)
			;
		if (i == WIRE_N_LETTERS)
			return -EINVAL;
		*flags |= wire_flag_letters[i].bit;
	}
	return 0;
}

bool wire_seg_is(const struct wire_seg *s, enum case_seg_kind kind)
{
	bool syn = s->flags & WIRE_SYN, ack = s->flags & WIRE_ACK;

	switch (kind) {
	case CASE_SEG_SYN:
		return syn && !ack;
	case CASE_SEG_SYN_ACK:
		return syn && ack;
	case CASE_SEG_ACK:
		return ack && !s->len && !(s->flags & (WIRE_SYN | WIRE_FIN | WIRE_RST));
	case CASE_SEG_DATA:
		return s->len > 0;
	case CASE_SEG_FIN:
		return s->flags & WIRE_FIN;
	case CASE_SEG_RST:
		return s->flags & WIRE_RST;
	case CASE_SEG_ANY:
		return true;
	case CASE_SEG_COUNT:
		break;
	}
	return false;
}

void wire_ep_format(const struct wire_ep *ep, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN] = "?";

	inet_ntop(ep->family == AF_INET6 ? AF_INET6 : AF_INET, ep->addr, a, sizeof(a));
	snprintf(buf, len, ep->family == AF_INET6 ? "[%s]:%u" : "%s:%u", a, ep->port);
}

bool wire_ep_same_addr(const struct wire_ep *a, const struct wire_ep *b)
{
	return a->family == b->family && !memcmp(a->addr, b->addr, a->family == AF_INET6 ? 16 : 4);
}

static bool wire_ep_eq(const struct wire_ep *a, const struct wire_ep *b)
{
	return a->port == b->port && wire_ep_same_addr(a, b);
}

/* The connection of @s and @s's direction in it (0: a -> b), or NULL. */
static struct wire_conn *wire_conn_find(const struct wire_conns *t, const struct wire_seg *s,
					int *d)
{
	for (int i = t->n - 1; i >= 0; i--) { /* the newest first: it is the likeliest */
		struct wire_conn *c = &t->v[i];

		if (wire_ep_eq(&c->a, &s->src) && wire_ep_eq(&c->b, &s->dst)) {
			*d = 0;
			return c;
		}
		if (wire_ep_eq(&c->b, &s->src) && wire_ep_eq(&c->a, &s->dst)) {
			*d = 1;
			return c;
		}
	}
	return NULL;
}

static struct wire_conn *wire_conn_add(struct wire_conns *t, const struct wire_seg *s)
{
	struct wire_conn *c;

	c = vec_push(&t->v, &t->n, &t->cap, sizeof(*c));
	if (!c)
		return NULL;
	c->a = s->src;
	c->b = s->dst;
	return c;
}

int wire_conns_rel(struct wire_conns *t, struct wire_seg *s)
{
	struct wire_conn *c;
	int d = 0;

	s->rseq = s->seq;
	s->rack = s->flags & WIRE_ACK ? s->ack : 0;
	c = wire_conn_find(t, s, &d);
	if (!c)
		c = wire_conn_add(t, s);
	if (!c)
		return -ENOMEM;
	if (s->flags & WIRE_SYN && c->has_base[d] && c->base[d] != s->seq) {
		/* Another SYN on the same ports: a new connection. A SYN-ACK
		 * keeps the other side's base, which its SYN just set. */
		if (!(s->flags & WIRE_ACK))
			c->has_base[!d] = false;
		c->has_base[d] = false;
	}
	if (!c->has_base[d]) {
		c->base[d] = s->seq;
		c->has_base[d] = true;
	}
	s->rseq = s->seq - c->base[d];
	if (s->flags & WIRE_ACK && c->has_base[!d])
		s->rack = s->ack - c->base[!d];
	return 0;
}

void wire_conns_free(struct wire_conns *t)
{
	free(t->v);
	*t = (struct wire_conns){ 0 };
}

void wire_seg_label(const struct wire_seg *s, char *buf, size_t len)
{
	char fl[WIRE_FLAGS_MAX];
	bool pure_ack = s->flags == WIRE_ACK && !s->len;
	int n;

	n = snprintf(buf, len, "[%s]", wire_flags_name(s->flags, fl));
	if (s->len)
		n += snprintf(buf + n, len > (size_t)n ? len - n : 0, " seq %u:%u", s->rseq,
			      s->rseq + s->len);
	else if (!pure_ack)
		n += snprintf(buf + n, len > (size_t)n ? len - n : 0, " seq %u", s->rseq);
	if (s->flags & WIRE_ACK)
		n += snprintf(buf + n, len > (size_t)n ? len - n : 0, " ack %u", s->rack);
	if (s->len)
		n += snprintf(buf + n, len > (size_t)n ? len - n : 0, " len %u", s->len);
	if (!s->win && !(s->flags & WIRE_RST))
		snprintf(buf + n, len > (size_t)n ? len - n : 0, " win 0");
}
