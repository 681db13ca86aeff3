/* case_beat.c - the application heartbeat of a case file, a peer action:
 *
 *   HOST heartbeat every DURATION misses K        ping, and count the answers
 *   HOST heartbeat answer                         answer every ping
 *   HOST heartbeat answer every DURATION misses K answer, and expect a ping
 *
 * The pinging side sends a one-byte ping every DURATION; a ping still
 * unanswered when the next one is due is missed, and K missed in a row make
 * it declare the other side dead: the pseudo-errno HEARTBEAT_TIMEOUT (case.h),
 * after K x DURATION to (K + 1) x DURATION of silence. The answering side
 * answers every byte it receives with one byte; with "every DURATION misses
 * K" it also declares the pinging side dead when K pings in a row do not
 * come (K x DURATION + DURATION / 2 after the last one: half a period of
 * grace for a late ping). A host has one heartbeat: a host that pinged and
 * answered would answer the answers. Grammar and examples: docs/CASES.md.
 */
#include "case/case.h"
#include "case/case_priv.h"

#include <errno.h>
#include <string.h>

#define CASE_BEAT_EVERY_MIN_MS 10 /* the peer's timers are not finer */
#define CASE_BEAT_EVERY_MAX_MS 3600000LL
#define CASE_BEAT_MISSES_MAX 1000

/* every DURATION misses K, at token @i. */
static int args_every(struct case_parser *p, int i, struct case_step *st)
{
	long long k;

	if (i + 4 > p->n_tok || !case_tok_is(&p->tok[i], "every") ||
	    !case_tok_is(&p->tok[i + 2], "misses")) {
		case_err_tok(
			p, &p->tok[i < p->n_tok ? i : i - 1],
			"expected 'every DURATION misses K' (a ping every DURATION; K missed in a row declare the other side dead)");
		return -EINVAL;
	}
	if (case_arg_time(p, i + 1, &st->every_ms))
		return -EINVAL;
	if (st->every_ms < CASE_BEAT_EVERY_MIN_MS || st->every_ms > CASE_BEAT_EVERY_MAX_MS) {
		case_err_tok(p, &p->tok[i + 1], "bad heartbeat period '%s': expected 10ms..3600s",
			     p->tok[i + 1].s);
		return -EINVAL;
	}
	if (case_arg_num(p, i + 3, "miss count", 1, CASE_BEAT_MISSES_MAX, &k))
		return -EINVAL;
	st->misses = (int)k;
	return i + 4;
}

/* The heartbeat step of @host read so far (setup or timed), or NULL. */
static const struct case_step *beat_of(const struct case_parser *p, int host)
{
	for (int i = 0; i < p->n_setup; i++)
		if (p->setup[i].kind == CASE_STEP_HEARTBEAT && p->setup[i].host == host)
			return &p->setup[i];
	for (int i = 0; i < p->n_timed; i++)
		if (p->timed[i].kind == CASE_STEP_HEARTBEAT && p->timed[i].host == host)
			return &p->timed[i];
	return NULL;
}

/**
 * case_args_heartbeat() - "every DURATION misses K" or "answer [every
 * DURATION misses K]" from token @i (the keyword is token @i - 1); st->host
 * is set.
 * Return: the index after the last token used, or -EINVAL after an error.
 */
int case_args_heartbeat(struct case_parser *p, int i, struct case_step *st)
{
	const struct case_step *other = beat_of(p, st->host);

	if (other) {
		case_err_tok(p, &p->tok[i - 1],
			     "%s already has a heartbeat (line %u): a host pings or answers, once",
			     p->c->hosts[st->host], other->loc.line);
		return -EINVAL;
	}
	if (!case_tok_is(&p->tok[i], "answer"))
		return args_every(p, i, st);
	st->answer = true;
	if (i + 1 >= p->n_tok)
		return i + 1;
	return args_every(p, i + 1, st);
}
