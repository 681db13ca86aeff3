/* secs.c - milliseconds as seconds (secs.h): the one rounding rule. */
#include "common/secs.h"

#include <inttypes.h>
#include <stdio.h>

const char *secs_fmt(char *buf, size_t size, int64_t ms, int decimals)
{
	/* Milliseconds per last written digit, by number of decimals. */
	static const uint64_t step[4] = { 1000, 100, 10, 1 };
	/* The magnitude in unsigned: -INT64_MIN does not fit an int64_t. */
	uint64_t mag = ms < 0 ? -(uint64_t)ms : (uint64_t)ms;
	int d = decimals < 0 || decimals > 3 ? 3 : decimals;
	char frac[4];

	mag = (mag + step[d] / 2) / step[d] * step[d];
	snprintf(frac, sizeof(frac), "%03u", (unsigned int)(mag % 1000));
	if (decimals == SECS_SHORT)
		while (d > 1 && frac[d - 1] == '0')
			d--;
	frac[d] = '\0';
	snprintf(buf, size, "%s%" PRIu64 "%s%s", ms < 0 && mag ? "-" : "", mag / 1000, d ? "." : "",
		 frac);
	return buf;
}
