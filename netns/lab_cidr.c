/* lab_cidr.c - "ADDR[/PLEN]" parsed, and the lab's ranges (lab_cidr.h). */
#include "lab_cidr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int lab_cidr_parse(const char *s, struct lab_cidr *out)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash, *end;
	long plen;

	if (!s || strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	out->plen = -1;
	slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	memset(out->addr, 0, sizeof(out->addr));
	if (inet_pton(AF_INET, buf, out->addr) == 1)
		out->family = AF_INET;
	else if (inet_pton(AF_INET6, buf, out->addr) == 1)
		out->family = AF_INET6;
	else
		return -EINVAL;
	if (!slash)
		return 0;
	/* Digits only: strtol() alone would take " 24" and "+24". */
	if (slash[1] < '0' || slash[1] > '9')
		return -EINVAL;
	plen = strtol(slash + 1, &end, 10);
	if (*end || plen < 0 || plen > (out->family == AF_INET ? 32 : 128))
		return -EINVAL;
	out->plen = (int)plen;
	return 0;
}

bool lab_cidr_in_range(const struct lab_cidr *c)
{
	static const unsigned char v6[6] = { 0x20, 0x01, 0x00, 0x02, 0x00, 0x00 };

	if (c->family == AF_INET)
		return c->addr[0] == 198 && (c->addr[1] & 0xfe) == 18 &&
		       (c->plen < 0 || c->plen >= 15);
	return c->family == AF_INET6 && !memcmp(c->addr, v6, sizeof(v6)) &&
	       (c->plen < 0 || c->plen >= 48);
}
