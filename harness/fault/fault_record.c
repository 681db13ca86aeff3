/* fault_record.c - the faults' typed record: order, growth, freeing; see fault_record.h. */
#include "fault/fault_record.h"

#include <stdlib.h>
#include <string.h>

static void fault_order_add(struct fault_host_order *o, int host)
{
	for (int i = 0; i < o->n; i++)
		if (o->host[i] == host)
			return;
	if (o->n < CASE_MAX_HOSTS)
		o->host[o->n++] = host;
}

void fault_record_touch(struct fault_record *r, enum fault_rec_family fam, int host)
{
	bool seen = false;

	for (int i = 0; i < r->n_order; i++)
		seen |= r->order[i] == fam;
	if (!seen)
		r->order[r->n_order++] = fam;
	if (host < 0)
		return;
	switch (fam) {
	case FAULT_REC_CABLE:
		fault_order_add(&r->cable_hosts, host);
		break;
	case FAULT_REC_CRASH:
		fault_order_add(&r->crash_hosts, host);
		break;
	case FAULT_REC_FREEZE:
		fault_order_add(&r->freeze_hosts, host);
		break;
	case FAULT_REC_READDRESS:
		fault_order_add(&r->addr_hosts, host);
		break;
	case FAULT_REC_RULES:
	case FAULT_REC_MBOX:
	case FAULT_REC_COUNT:
		break;
	}
}

void *fault_record_grow(void *arr, int *n, int *cap, size_t size)
{
	char **v = arr;
	char *e;

	if (*n == *cap) {
		int ncap = *cap ? 2 * *cap : 4;
		char *nv = realloc(*v, (size_t)ncap * size);

		if (!nv)
			return NULL;
		*v = nv;
		*cap = ncap;
	}
	e = *v + (size_t)(*n)++ * size;
	memset(e, 0, size);
	return e;
}

void fault_changes_add(struct fault_changes *c, int64_t t_ms, uint64_t a, uint64_t b)
{
	struct fault_change *e = fault_record_grow(&c->v, &c->n, &c->cap, sizeof(*c->v));

	if (e)
		*e = (struct fault_change){ .t_ms = t_ms, .a = a, .b = b };
}

struct fault_snap *fault_snap_new(void)
{
	return calloc(1, sizeof(struct fault_snap));
}

void fault_record_free(struct fault_record *r)
{
	for (int i = 0; i < r->n_rules; i++)
		free(r->rules[i].changes.v);
	free(r->rules);
	for (int h = 0; h < CASE_MAX_HOSTS; h++) {
		for (int i = 0; i < r->n_cable[h]; i++) {
			free(r->cable[h][i].before);
			free(r->cable[h][i].during);
			free(r->cable[h][i].after);
			free(r->cable[h][i].neighbours);
		}
		free(r->cable[h]);
		for (int i = 0; i < r->n_addr[h]; i++) {
			free(r->addr[h][i].before);
			free(r->addr[h][i].during);
			free(r->addr[h][i].after);
		}
		free(r->addr[h]);
		free(r->crash[h]);
	}
	if (r->mbox)
		free(r->mbox->changes.v);
	free(r->mbox);
	memset(r, 0, sizeof(*r));
}
