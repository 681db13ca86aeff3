/* case_addr.c - the address change of a case file:
 *
 *   at TIME readdress HOST NEW [back after DURATION]
 *
 * HOST (client or server: the hosts peers reach) loses its address and gets
 * NEW instead; with "back after DURATION" a second step, DURATION later, puts
 * the old address back. NEW is an IPv4 address of the lab's range
 * 198.18.0.0/15, with or without a prefix length (without: the old one's).
 * A host whose address is changed cannot be readdressed again before it is
 * back. Whether NEW clashes with another host's address is checked when the
 * fault runs (the parser does not know the topology's addresses).
 * Grammar and examples: docs/CASES.md.
 */
#include "case/case.h"
#include "case/case_priv.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "netns/lab_cidr.h"

/* IPv4 in 198.18.0.0/15 (RFC 2544, the lab's range), prefix 15..32 if given:
 * the lab's own parser and rule, so the case is refused where the lab would. */
static bool addr_ok(const char *s)
{
	struct lab_cidr a;

	return strlen(s) < CASE_ADDR_MAX && lab_cidr_parse(s, &a) == 0 && a.family == AF_INET &&
	       lab_cidr_in_range(&a);
}

/* [back after DURATION] at token @i: the step that puts the old address back. */
static int args_back(struct case_parser *p, int i, const struct case_step *st)
{
	struct case_step back = *st;
	int64_t after;

	if (i >= p->n_tok)
		return i;
	if (!case_tok_is(&p->tok[i], "back")) {
		case_err_tok(p, &p->tok[i], "expected 'back after DURATION', got '%s'",
			     p->tok[i].s);
		return -EINVAL;
	}
	if (i + 1 >= p->n_tok)
		return case_err_missing(p, i, "after DURATION");
	if (!case_tok_is(&p->tok[i + 1], "after")) {
		case_err_tok(p, &p->tok[i + 1], "expected 'after DURATION', got '%s'",
			     p->tok[i + 1].s);
		return -EINVAL;
	}
	if (i + 2 >= p->n_tok)
		return case_err_missing(p, i + 1, "DURATION");
	if (case_arg_time(p, i + 2, &after))
		return -EINVAL;
	if (!after) {
		case_err_tok(p, &p->tok[i + 2], "'back after' needs a duration above 0, got '%s'",
			     p->tok[i + 2].s);
		return -EINVAL;
	}
	back.at_ms = st->at_ms + after;
	back.back = true;
	if (case_step_push(p, &back))
		return -ENOMEM;
	if (case_time_ref(p, i + 2, back.at_ms, false, "step"))
		return -ENOMEM;
	return i + 3;
}

/**
 * case_args_readdress() - "HOST NEW [back after DURATION]" from token @i (the
 * keyword is token @i - 1); st->at_ms is set. Pushes the "back" step itself.
 * Return: the index after the last token used, or -errno after an error.
 */
int case_args_readdress(struct case_parser *p, int i, struct case_step *st)
{
	const struct case_tok *t = &p->tok[i + 1];
	const struct case_step *last;
	const char *host;

	if (case_arg_host(p, i, &st->host))
		return -EINVAL;
	host = p->c->hosts[st->host];
	if (strcmp(host, "client") && strcmp(host, "server")) {
		case_err_tok(
			p, &p->tok[i],
			"readdress changes the address peers reach a host at: client or server, not %s",
			host);
		return -EINVAL;
	}
	if (!addr_ok(t->s)) {
		case_err_tok(
			p, t,
			"bad address '%s': expected an IPv4 address of the lab's range 198.18.0.0/15, like 198.18.0.9 or 198.18.0.9/24",
			t->s);
		return -EINVAL;
	}
	last = case_last_step(p, st->host, st->at_ms, CASE_STEP_BIT(CASE_STEP_READDRESS));
	if (last && !last->back) {
		case_err_tok(p, &p->tok[i],
			     "%s's address is already changed (line %u) and not back", host,
			     last->loc.line);
		return -EINVAL;
	}
	memcpy(st->addr, t->s, t->len + 1);
	return args_back(p, i + 2, st);
}
