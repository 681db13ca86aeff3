/* case_cable.c - the cable faults of a case file:
 *
 *   at TIME unplug HOST          the switch port facing HOST goes down
 *   at TIME replug HOST          it comes back up
 *   replug HOST after DURATION   the same, DURATION after HOST's last unplug above
 *
 * Only a host with a cable into the switch can be unplugged: none in the
 * pair topology (one veth joins client and server, and downing either end is
 * not a cable pull: it deletes that end's routes, KERNEL-FACTS.md "Unplug"),
 * client and server in lan, client and router in routed.
 */
#include "case/case.h"
#include "case/case_priv.h"

#include <errno.h>
#include <string.h>

/* "client or router": the hosts of @c that have a cable. */
static void cable_hosts(const struct case_def *c, char *buf, size_t size)
{
	const char *names[CASE_MAX_HOSTS];
	int h, n = 0;

	for (h = 0; h < c->n_hosts; h++)
		if (case_topo_has_cable(c, h))
			names[n++] = c->hosts[h];
	case_join_names(buf, size, names, n, true);
}

/* The last unplug or replug of @host at or before @at_ms, or NULL. */
static const struct case_step *cable_last(const struct case_parser *p, int host, int64_t at_ms)
{
	return case_last_step(p, host, at_ms,
			      CASE_STEP_BIT(CASE_STEP_UNPLUG) | CASE_STEP_BIT(CASE_STEP_REPLUG));
}

/* An unplug needs the cable plugged, a replug needs it unplugged. */
static int cable_order(struct case_parser *p, int i, const struct case_step *st)
{
	const struct case_step *last = cable_last(p, st->host, st->at_ms);
	const char *host = p->c->hosts[st->host];

	if (st->kind == CASE_STEP_UNPLUG && last && last->kind == CASE_STEP_UNPLUG) {
		case_err_tok(p, &p->tok[i], "%s is already unplugged (line %u)", host,
			     last->loc.line);
		return -EINVAL;
	}
	if (st->kind == CASE_STEP_REPLUG && (!last || last->kind != CASE_STEP_UNPLUG)) {
		case_err_tok(p, &p->tok[i],
			     "%s is not unplugged at that time: replug follows 'at TIME unplug %s'",
			     host, host);
		return -EINVAL;
	}
	return 0;
}

/**
 * case_args_cable() - HOST of "unplug HOST" / "replug HOST" at token @i
 * (the keyword is token @i - 1); st->kind and st->at_ms are already set.
 * Return: the index after HOST, or -EINVAL after queuing an error.
 */
int case_args_cable(struct case_parser *p, int i, struct case_step *st)
{
	const struct case_tok *kw = &p->tok[i - 1];
	char list[CASE_MAX_HOSTS * (CASE_NAME_MAX + 4)];

	if (case_arg_host(p, i, &st->host))
		return -EINVAL;
	if (p->c->topology == CASE_TOPO_PAIR) {
		case_err_tok(
			p, kw,
			"'%s' needs a switch, and topology pair has none (one veth joins client and server): use topology lan or routed",
			kw->s);
		return -EINVAL;
	}
	if (!case_topo_has_cable(p->c, st->host)) {
		cable_hosts(p->c, list, sizeof(list));
		if (case_tok_is(&p->tok[i], "switch"))
			case_err_tok(p, &p->tok[i], "the switch has no cable of its own: %s %s",
				     kw->s, list);
		else
			case_err_tok(p, &p->tok[i],
				     "%s has no cable into the switch in topology %s: %s %s",
				     p->tok[i].s, case_topo_name(p->c->topology), kw->s, list);
		return -EINVAL;
	}
	if (cable_order(p, i, st))
		return -EINVAL;
	return i + 1;
}

/* replug HOST after DURATION: DURATION after HOST's last unplug above. */
int case_stmt_replug(struct case_parser *p)
{
	struct case_step st = { .kind = CASE_STEP_REPLUG, .loc = case_loc_of(p, 0) };
	const struct case_step *unplug = NULL;
	int64_t after;
	int i, ret;

	if (p->n_tok < 4) {
		case_err_tok(
			p, &p->tok[0],
			"'replug' needs a time: at TIME replug HOST, or replug HOST after DURATION");
		return -EINVAL;
	}
	if (case_arg_host(p, 1, &st.host))
		return -EINVAL;
	if (!case_tok_is(&p->tok[2], "after")) {
		case_err_tok(p, &p->tok[2], "expected 'after', got '%s'", p->tok[2].s);
		return -EINVAL;
	}
	if (case_arg_time(p, 3, &after) || case_no_more(p, 4))
		return -EINVAL;
	for (i = 0; i < p->n_timed; i++)
		if (p->timed[i].kind == CASE_STEP_UNPLUG && p->timed[i].host == st.host)
			unplug = &p->timed[i];
	if (!unplug) {
		case_err_tok(p, &p->tok[0],
			     "'replug %s after' needs an earlier 'at TIME unplug %s' line",
			     p->tok[1].s, p->tok[1].s);
		return -EINVAL;
	}
	st.at_ms = unplug->at_ms + after;
	if (case_args_cable(p, 1, &st) < 0)
		return -EINVAL;
	ret = case_step_push(p, &st);
	return ret ? ret : case_time_ref(p, 3, st.at_ms, false, "step");
}
