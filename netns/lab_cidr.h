/* lab_cidr.h - an address as the lab takes it ("198.18.0.1/24"), parsed and
 * checked against the lab's ranges.
 *
 * Takes: text: "ADDR" or "ADDR/PLEN", IPv4 or IPv6. Gives: family, bytes and
 * prefix length, and whether the address lies in the benchmarking ranges
 * 198.18.0.0/15 (RFC 2544) and 2001:2::/48 (RFC 5180), the only ones the lab
 * configures, so that no real network can be hit by mistake.
 *
 * One parser for every address of a run: the lab's own requests (lab_link.c,
 * lab_addr.c) and, through this header, the harness (a case file's
 * readdress, the topology's host addresses), so a case is refused exactly
 * where the lab would refuse it.
 */
#ifndef LAB_CIDR_H
#define LAB_CIDR_H

#include <stdbool.h>

struct lab_cidr {
	int family; /* AF_INET or AF_INET6 */
	unsigned char addr[16]; /* network order; AF_INET uses the first 4 */
	int plen; /* -1: no "/PLEN" written */
};

/**
 * lab_cidr_parse() - "ADDR" or "ADDR/PLEN" into @out; PLEN is decimal digits
 * only (" 24" and "+24" are refused), at most 32 (IPv4) or 128 (IPv6).
 * Return: 0, or -EINVAL (@out then undefined).
 */
int lab_cidr_parse(const char *s, struct lab_cidr *out);

/**
 * lab_cidr_in_range() - @c lies inside 198.18.0.0/15 or 2001:2::/48, and so
 * does its whole prefix when one is written (/15 or longer, /48 or longer):
 * a shorter prefix's connected route would claim real networks.
 */
bool lab_cidr_in_range(const struct lab_cidr *c);

#endif
