/* lab_neigh.c - a lab host's neighbour entries flushed; see lab_neigh.h. */
#include "lab_neigh.h"

#include <errno.h>
#include <netlink/route/neighbour.h>

#include "lab_internal.h"

struct lab_neigh_flush_ctx {
	struct lab_nl *nl;
	const char *where;
	struct tf_err *err;
	int deleted, ret;
};

static void lab_neigh_flush_cb(struct nl_object *obj, void *arg)
{
	struct rtnl_neigh *n = (struct rtnl_neigh *)obj;
	struct lab_neigh_flush_ctx *x = arg;
	int state = rtnl_neigh_get_state(n), nle;

	if (x->ret || (state & (NUD_PERMANENT | NUD_NOARP)) || !rtnl_neigh_get_dst(n))
		return;
	nle = rtnl_neigh_delete(x->nl->sk, n, 0);
	/* An entry the kernel dropped meanwhile (gc, carrier loss) is gone all the same. */
	if (nle < 0 && nle != -NLE_OBJ_NOTFOUND) {
		x->ret = lab_nl_fail(x->nl, nle, x->err, "%s: delete a neighbour entry", x->where);
		return;
	}
	x->deleted += nle < 0 ? 0 : 1;
}

int lab_neigh_flush(struct lab *lab, int host, struct tf_err *err)
{
	struct lab_neigh_flush_ctx x = { .err = err };
	char where[LAB_NAME_MAX + 8];
	struct nl_cache *cache = NULL;
	struct lab_nl nl;
	int ret;

	ret = lab_nl_enter(lab, host, &nl, where, sizeof(where), err);
	if (ret < 0)
		return ret;
	ret = rtnl_neigh_alloc_cache(nl.sk, &cache);
	if (ret < 0) {
		ret = lab_nl_fail(&nl, ret, err, "%s: list neighbour entries", where);
		goto out;
	}
	x.nl = &nl;
	x.where = where;
	nl_cache_foreach(cache, lab_neigh_flush_cb, &x);
	ret = x.ret ? x.ret : x.deleted;
	nl_cache_free(cache);
out:
	lab_nl_close(&nl);
	return ret;
}
