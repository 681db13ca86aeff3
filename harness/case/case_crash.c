/* case_crash.c - the host-crash lines of a case file and the expectations
 * that read a host's kernel rather than its peer:
 *
 *   at TIME host-crash HOST            freeze HOST's processes, black-hole its interfaces
 *   at TIME reboot HOST [listen PORT]  after a crash of HOST: a fresh stack, maybe a listener
 *   at TIME freeze HOST                freeze only: HOST's kernel still answers
 *   expect HOST sysctl KEY VALUE...    the effective value in HOST's namespace
 *   expect HOST keepalive-timer LO..HI HOST's keepalive timer seen armed LO..HI ahead
 *
 * A reboot needs an earlier host-crash of the same host (a reboot of a live
 * host would be a different experiment); a crashed host cannot crash again
 * before its reboot. Grammar and examples: docs/CASES.md.
 */
#include "case/case.h"
#include "case/case_priv.h"

#include <errno.h>
#include <string.h>

/* The last host-crash or reboot of @host before the step being parsed, or NULL:
 * timed steps arrive in time order, so p->timed holds every earlier one. */
static const struct case_step *crash_last(const struct case_parser *p, int host, int64_t at_ms)
{
	return case_last_step(p, host, at_ms,
			      CASE_STEP_BIT(CASE_STEP_HOST_CRASH) |
				      CASE_STEP_BIT(CASE_STEP_REBOOT));
}

/**
 * case_args_reboot() - "HOST [listen PORT | exec COMMAND...]" of a reboot at token @i (the
 * keyword is token @i - 1); st->at_ms is already set.
 * Return: the index after the last token used, or -EINVAL after queuing an error.
 */
int case_args_reboot(struct case_parser *p, int i, struct case_step *st)
{
	const struct case_step *last;
	const char *host;
	long long port;

	if (case_arg_host(p, i, &st->host))
		return -EINVAL;
	host = p->c->hosts[st->host];
	last = crash_last(p, st->host, st->at_ms);
	if (!last || last->kind != CASE_STEP_HOST_CRASH) {
		case_err_tok(
			p, &p->tok[i],
			"%s has not crashed at that time: reboot follows 'at TIME host-crash %s'",
			host, host);
		return -EINVAL;
	}
	if (i + 1 < p->n_tok && case_tok_is(&p->tok[i + 1], "exec"))
		return case_args_exec(p, i + 2, st); /* the host's program again (case_exec.c) */
	if (i + 1 >= p->n_tok || !case_tok_is(&p->tok[i + 1], "listen"))
		return i + 1;
	if (i + 2 >= p->n_tok)
		return case_err_missing(p, i + 1, "PORT");
	if (case_arg_num(p, i + 2, "port", 1, 65535, &port))
		return -EINVAL;
	st->port = (int)port;
	return i + 3;
}

/**
 * case_args_crash() - "HOST" of a host-crash at token @i; a host that crashed
 * and has not rebooted since cannot crash again.
 * Return: the index after HOST, or -EINVAL after queuing an error.
 */
int case_args_crash(struct case_parser *p, int i, struct case_step *st)
{
	const struct case_step *last;

	if (case_arg_host(p, i, &st->host))
		return -EINVAL;
	last = crash_last(p, st->host, st->at_ms);
	if (!last || last->kind != CASE_STEP_HOST_CRASH)
		return i + 1;
	case_err_tok(p, &p->tok[i], "%s has already crashed (line %u) and not rebooted since",
		     p->c->hosts[st->host], last->loc.line);
	return -EINVAL;
}

/**
 * case_args_expect_sysctl() - "KEY VALUE..." at token @i: the value is the
 * rest of the line, words joined by one blank (as the read-back folds them:
 * "net.ipv4.tcp_rmem 4096 131072 6291456").
 * Return: the index after the last token, or -EINVAL after queuing an error.
 */
int case_args_expect_sysctl(struct case_parser *p, int i, struct case_expect *e)
{
	const struct case_tok *t = &p->tok[i];
	size_t len = 0;
	int j;

	if (strncmp(t->s, "net.", 4) || strchr(t->s, '/') || strstr(t->s, "..") ||
	    t->s[t->len - 1] == '.') {
		case_err_tok(p, t, "bad sysctl key '%s': expected a network sysctl like %s", t->s,
			     "net.ipv4.tcp_keepalive_time");
		return -EINVAL;
	}
	if (t->len >= sizeof(e->sysctl_key)) {
		case_err_tok(p, t, "sysctl key is longer than %zu bytes",
			     sizeof(e->sysctl_key) - 1);
		return -EINVAL;
	}
	memcpy(e->sysctl_key, t->s, t->len + 1);
	for (j = i + 1; j < p->n_tok; j++) {
		int w = snprintf(e->sysctl_value + len, sizeof(e->sysctl_value) - len, "%s%s",
				 j > i + 1 ? " " : "", p->tok[j].s);

		if (w < 0 || (size_t)w >= sizeof(e->sysctl_value) - len) {
			case_err_tok(p, &p->tok[j], "sysctl value is longer than %zu bytes",
				     sizeof(e->sysctl_value) - 1);
			return -EINVAL;
		}
		len += (size_t)w;
	}
	return p->n_tok;
}

/**
 * case_args_keepalive_timer() - "LO..HI" at token @i, durations ("9.9..10",
 * "7190..7200"): the longest time to expiry the observer saw on the
 * connection's keepalive timer must lie inside.
 * Return: the index after it, or -EINVAL after queuing an error.
 */
int case_args_keepalive_timer(struct case_parser *p, int i, struct case_expect *e)
{
	const struct case_tok *t = &p->tok[i];
	const char *dots = strstr(t->s, "..");
	char lo[32], a[32], b[32];
	size_t n = dots ? (size_t)(dots - t->s) : 0;

	if (!dots || n >= sizeof(lo))
		goto bad;
	memcpy(lo, t->s, n);
	lo[n] = '\0';
	if (case_duration_parse(lo, &e->timer_lo_ms) ||
	    case_duration_parse(dots + 2, &e->timer_hi_ms))
		goto bad;
	if (e->timer_lo_ms > e->timer_hi_ms) {
		case_err_tok(p, t, "empty band '%s': %s is after %s", t->s,
			     case_fmt_secs(a, sizeof(a), e->timer_lo_ms),
			     case_fmt_secs(b, sizeof(b), e->timer_hi_ms));
		return -EINVAL;
	}
	return i + 1;
bad:
	case_err_tok(p, t, "bad band '%s': expected LO..HI like 9.9..10 or 7190..7200", t->s);
	return -EINVAL;
}
