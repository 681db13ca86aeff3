/* plan.c - a case resolved into the runner's plan; see plan.h. */
#include "plan/plan.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netns/lab_cidr.h"
#include "plan/topo.h"

int plan_host_addr(const struct plan *p, int host, int port, struct sockaddr_storage *out)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)out;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)out;
	struct lab_cidr a;

	memset(out, 0, sizeof(*out));
	if (host < 0 || host >= p->n_hosts || !p->hosts[host].cidr ||
	    lab_cidr_parse(p->hosts[host].cidr, &a) < 0)
		return -ENOENT;
	if (a.family == AF_INET6) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		memcpy(&sin6->sin6_addr, a.addr, sizeof(sin6->sin6_addr));
		return 0;
	}
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)port);
	memcpy(&sin->sin_addr, a.addr, sizeof(sin->sin_addr));
	return 0;
}

const struct plan_cable *plan_cable(const struct plan *p, int host)
{
	if (host < 0 || host >= p->n_hosts || !p->hosts[host].has_cable)
		return NULL;
	return &p->hosts[host].cable;
}

/* Each step with its targets: a connect's address, a readdress's addresses. */
static int plan_steps(struct plan *p, struct tf_err *err)
{
	const struct case_def *c = p->c;

	p->steps = calloc((size_t)c->n_steps + 1, sizeof(*p->steps));
	if (!p->steps)
		return tf_err_set(err, -ENOMEM, "out of memory");
	p->n_steps = c->n_steps;
	for (int i = 0; i < c->n_steps; i++) {
		const struct case_step *st = &c->steps[i];
		struct plan_step *ps = &p->steps[i];
		const char *own = st->host >= 0 && st->host < p->n_hosts ? p->hosts[st->host].cidr :
									   NULL;

		*ps = (struct plan_step){ .st = st,
					  .kind = st->kind,
					  .host = st->host,
					  .setup = st->setup,
					  .at_ms = st->at_ms };
		if (st->kind == CASE_STEP_CONNECT)
			plan_host_addr(p, st->target_host, st->port, &ps->target);
		if (st->kind == CASE_STEP_READDRESS) {
			const char *addr = p->family == 6 ? ps->addr_buf : st->addr;

			if (plan_family_step_addr(p, ps, st->addr))
				return tf_err_set(err, -EINVAL, "%s:%u: %s has no IPv6 counterpart",
						  st->loc.file, st->loc.line, st->addr);
			ps->addr_from = st->back ? addr : own;
			ps->addr_to = st->back ? own : addr;
		}
	}
	return 0;
}

struct plan *plan_build(const struct case_def *c, const struct plan_opts *o, struct tf_err *err)
{
	struct plan *p = calloc(1, sizeof(*p));
	int ret;

	if (!p) {
		tf_err_set(err, -ENOMEM, "out of memory");
		return NULL;
	}
	p->control = o && o->control;
	if (p->control) {
		p->variant = case_control(c);
		if (!p->variant) {
			tf_err_set(err, c && c->has_control ? -ENOMEM : -EINVAL, "%s",
				   c && c->has_control ? "out of memory" :
							 "the case has no control");
			free(p);
			return NULL;
		}
		c = p->variant;
	}
	p->c = c;
	p->family = o && o->family ? o->family : c->family;
	p->topology = c->topology;
	p->end_ms = c->end_ms;
	p->time_limit_ms = c->time_limit_ms;
	ret = topo_resolve(c, p, err);
	if (ret == 0)
		ret = plan_family_apply(p, err);
	if (ret == 0 && topo_plan_sysctls(c, p))
		ret = tf_err_set(err, -ENOMEM, "out of memory");
	if (ret == 0)
		ret = plan_steps(p, err);
	if (ret) {
		plan_free(p);
		return NULL;
	}
	return p;
}

void plan_free(struct plan *p)
{
	if (!p)
		return;
	free(p->sysctls);
	free(p->steps);
	case_free(p->variant);
	free(p);
}
