/* case_family.c - "family 4|6 [only REASON]": the address family a case runs
 * in, and whether it can run in the other one (docs/CASES.md, "family").
 *
 * Without the line a case runs over IPv4 and, with "run --family 6|both", over
 * IPv6 too. "only" says the case is about something one family alone has (an
 * ARP detail, an IPv4 header field): in the other family it is a SKIP that
 * gives REASON, the rest of the line as written.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "case/case_priv.h"

/* The rest of the line from token @i, as written: the reason of "only". */
static int family_reason(struct case_parser *p, int i)
{
	const struct case_tok *first = &p->tok[i], *last = &p->tok[p->n_tok - 1];
	size_t n = last->col - first->col + last->len;

	if (n >= sizeof(p->c->family_reason)) {
		case_err_tok(p, first, "the reason is longer than %zu bytes",
			     sizeof(p->c->family_reason) - 1);
		return -EINVAL;
	}
	memcpy(p->c->family_reason, p->raw + first->col - 1, n);
	p->c->family_reason[n] = '\0';
	return 0;
}

int case_stmt_family(struct case_parser *p)
{
	const struct case_tok *f = &p->tok[1];

	if (p->family_line) {
		case_err_tok(p, &p->tok[0], "duplicate 'family' (the first is on line %u)",
			     p->family_line);
		return -EINVAL;
	}
	if (p->n_tok < 2)
		return case_err_missing(p, 0, "4 or 6");
	if (!case_tok_is(f, "4") && !case_tok_is(f, "6")) {
		case_err_tok(p, f, "unknown family '%s': expected 4 or 6", f->s);
		return -EINVAL;
	}
	p->c->family = f->s[0] - '0';
	p->family_line = p->line;
	if (p->n_tok == 2)
		return 0;
	if (!case_tok_is(&p->tok[2], "only"))
		return case_no_more(p, 2);
	if (p->n_tok < 4) {
		case_err_tok(p, &p->tok[2], "'only' needs a REASON: family 4 only NDP has no ...");
		return -EINVAL;
	}
	p->c->family_only = true;
	return family_reason(p, 3);
}

bool case_family_runs(const struct case_def *c, int family, char *why, size_t len)
{
	if (!c->family_only || family == c->family)
		return true;
	snprintf(why, len, "IPv%d only: %s", c->family, c->family_reason);
	return false;
}
