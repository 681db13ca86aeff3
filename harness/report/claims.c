/* claims.c - the articles' claims and the claims table of a run; see claims.h.
 *
 * The statements are ARTICLE-CLAIMS.md's, compiled in: users have no copy of
 * the team's notes. The notes say where Linux 6.x differs from the articles
 * (KERNEL-FACTS.md, last section) or what the articles leave out.
 */
#include "report/claims.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/secs.h"
#include "verdict/model_env.h"

#define CLAIMS_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define CLAIMS_MAX_CASES 16 /* case ids listed per claim */

static const struct claim claims[] = {
	{ "A01", "000, 001",
	  "Keepalive must be enabled per socket (SO_KEEPALIVE); while the peer is alive each probe "
	  "is answered and the idle timer restarts.",
	  NULL, -1, -1, NULL,
	  "a frozen peer process is no dead peer: its kernel still answers the probes", NULL },
	{ "A02", "000, 001",
	  "With keepalive on, an idle connection to a dead or unreachable peer is declared dead "
	  "after the probes go unanswered (idle + probes x interval).",
	  NULL, -1, MODEL_KEEPALIVE, NULL,
	  "counted from the last packet received; the abort sends an RST; inactive while data is "
	  "unacknowledged",
	  NULL },
	{ "A03", "001",
	  "Linux defaults 7200 s / 75 s / 9 probes: a dead peer is found after 2 h 11 min 15 s at "
	  "the earliest.",
	  "2 h 11 min 15 s (7875 s)", 7875000, MODEL_KEEPALIVE, NULL,
	  "the 2 h timer may fire up to 131 s late (timer wheel level 5 at HZ 250)", NULL },
	{ "A04", "000, 001, 003",
	  "Process crash (kill -9): the kernel sends FIN and completes the close on the process's "
	  "behalf; the peer sees EOF.",
	  NULL, -1, -1, NULL,
	  "RST instead of FIN when data was left unread; a later send draws RST and fails with "
	  "EPIPE, not ECONNRESET",
	  NULL },
	{ "A05", "003",
	  "After the peer process is killed, this side stays in CLOSE_WAIT until it calls close(); "
	  "then the connection closes normally.",
	  NULL, -1, -1, NULL, NULL, NULL },
	{ "A06", "000, 003",
	  "Host crash while this side sends data: retransmissions go unanswered and after the "
	  "tcp_retries2 budget the kernel reports the connection dead.",
	  NULL, -1, MODEL_DATA_TIMEOUT, NULL,
	  "on the same L2 the dead host's neighbour entry fails first: EHOSTUNREACH, not ETIMEDOUT",
	  NULL },
	{ "A07", "000, 001",
	  "tcp_retries2 = 15 gives a timeout of 924.6 s (924600 ms); retransmission intervals "
	  "double each time.",
	  "924.6 s", 924600, MODEL_DATA_TIMEOUT, NULL,
	  "counted from the first RTO retransmission, not the send; the abort comes at the next "
	  "timer firing, up to ~19 s later (120 s timers land on wheel level 3)",
	  NULL },
	{ "A08", "000",
	  "Host crash and a quick reboot: the next retransmission meets a stack without the "
	  "connection, which answers RST (whether or not a process listens on that port).",
	  NULL, -1, -1, NULL, NULL, NULL },
	{ "A09", "000, 001, 003",
	  "Host crash, no keepalive, no data: this side stays ESTABLISHED indefinitely.", NULL, -1,
	  -1, NULL, NULL, NULL },
	{ "A10", "003",
	  "Host crash, keepalive set (idle 10 s, interval 3 s, 5 probes), no data: the connection "
	  "is closed after the probes fail.",
	  NULL, -1, MODEL_KEEPALIVE, "TCP_KEEPIDLE=10 TCP_KEEPINTVL=3 TCP_KEEPCNT=5", NULL, NULL },
	{ "A11", "000, 001",
	  "Unplugging the cable changes nothing in the socket: the state stays ESTABLISHED.", NULL,
	  -1, -1, NULL, "the unplugged host itself sees NO-CARRIER, and its own sends fail faster",
	  NULL },
	{ "A12", "000, 001",
	  "Unplugged while the server sends, cable back before the retransmission budget ends: the "
	  "connection carries on as if nothing happened.",
	  NULL, -1, -1, NULL,
	  "queued segments leave when ARP resolves again, not on a retransmission timer", NULL },
	{ "A13", "000, 001",
	  "Unplugged while the server sends, cable not back in time: the server's connection is "
	  "closed; when the client later sends, the server answers RST and the client's connection "
	  "closes too.",
	  NULL, -1, MODEL_DATA_TIMEOUT, NULL, NULL, NULL },
	{ "A14", "000, 001",
	  "Unplugged with no data and no keepalive: both sides stay ESTABLISHED; with keepalive the "
	  "dead connection is detected, and a replug during probing keeps it alive.",
	  NULL, -1, MODEL_KEEPALIVE, NULL, NULL, NULL },
	{ "A15", "000",
	  "Changing the client's address and changing it back before the retransmission budget "
	  "ends: the connection resumes.",
	  NULL, -1, -1, NULL,
	  "while the address is gone nothing the socket sends leaves the host (its source address "
	  "is not local); with no segment in flight the zero-window probe timer runs the "
	  "tcp_retries2 budget; the interface's routes go with its last address",
	  NULL },
	{ "A16", "000",
	  "A middlebox (firewall) that drops long-idle connections breaks them without either end "
	  "being told.",
	  NULL, -1, -1, NULL,
	  "with nf_conntrack_tcp_loose=1 the router re-creates a forgotten flow from mid-stream "
	  "packets",
	  NULL },
	{ "A17", "000, 001",
	  "An application-level heartbeat (or an HTTP keepalive_timeout) detects a dead peer far "
	  "sooner than TCP keepalive.",
	  NULL, -1, -1, NULL,
	  "unanswered pings are data: they switch the pinging side's own keepalive off (the "
	  "retransmission budget applies); compared side by side from the answering side",
	  NULL },
	{ "A18", "002",
	  "Lost SYN: the client retransmits the SYN with the same sequence number, each timeout "
	  "double the previous, up to tcp_syn_retries (default 5): 1+2+4+8+16+32 = 63 s, then gives "
	  "up.",
	  "63 s", 63000, MODEL_SYN_TIMEOUT, NULL,
	  "Linux 6.5+ keeps the first tcp_syn_linear_timeouts=4 retries 1 s apart and the default "
	  "tcp_syn_retries is 6: SYNs at 0,1,2,3,4,5,7,11,19,35,67 s, connect() fails at 131 s "
	  "(127 s on 6.1)",
	  "the default tcp_syn_retries is 6, not 5: SYNs at 0,1,3,7,15,31,63 s, connect() fails at "
	  "127 s" },
	{ "A19", "002",
	  "With tcp_syn_retries = 3: three SYN retransmissions, a final wait of twice the last "
	  "timeout, then connect fails.",
	  "1+2+4+8 = 15 s", 15000, MODEL_SYN_TIMEOUT, "tcp_syn_retries=3",
	  "linear timeouts (6.5+): SYNs at 0,1,2,3,4,5,7,11 s (R+L = 7 of them), connect() fails at "
	  "19 s (M 19.43 s); 15 s holds before 6.5",
	  "no linear timeouts before 6.5: SYNs at 0,1,3,7 s, connect() fails at 15 s, as the "
	  "article says" },
	{ "A20", "002",
	  "Lost SYN-ACK: the client retransmits its SYN (tcp_syn_retries) and the server "
	  "retransmits its SYN-ACK (tcp_synack_retries, default 5).",
	  NULL, -1, MODEL_SYNACK_TIMEOUT, NULL,
	  "each duplicate SYN draws an extra SYN-ACK and re-arms the request's timer", NULL },
	{ "A21", "002",
	  "Lost third ACK: the server retransmits the SYN-ACK up to tcp_synack_retries; an ACK is "
	  "never retransmitted by itself.",
	  NULL, -1, MODEL_SYNACK_TIMEOUT, NULL,
	  "the client is ESTABLISHED at once; its first data completes the server's handshake",
	  NULL },
	{ "A22", "002",
	  "Lost first FIN: the closer retransmits the FIN up to tcp_orphan_retries, then closes.",
	  NULL, -1, MODEL_ORPHAN_FIN, NULL,
	  "tcp_orphan_retries=0 means 8 while rto < rto_max (about 102 s); the orphan dies "
	  "silently",
	  NULL },
	{ "A23", "002",
	  "Lost ACK of the FIN (second wave): the closer retransmits the FIN, as for A22.", NULL,
	  -1, MODEL_ORPHAN_FIN, NULL, NULL, NULL },
	{ "A24", "002",
	  "FIN_WAIT2 after close() lasts at most tcp_fin_timeout (60 s); after shutdown(SHUT_WR) it "
	  "can last forever.",
	  "60 s", 60000, MODEL_FIN_WAIT2, NULL,
	  "counted from the ACK of the FIN; tcp_fin_timeout sets FIN_WAIT2 only, TIME_WAIT stays "
	  "60 s",
	  NULL },
	{ "A25", "002",
	  "Lost third wave (server FIN): the server in LAST_ACK retransmits its FIN up to "
	  "tcp_orphan_retries; the client leaves FIN_WAIT2 after tcp_fin_timeout.",
	  NULL, -1, MODEL_ORPHAN_FIN, NULL, NULL, NULL },
	{ "A26", "002",
	  "Lost fourth wave (last ACK): the client in TIME_WAIT restarts its 2MSL timer on each "
	  "retransmitted FIN; the server retransmits the FIN up to tcp_orphan_retries.",
	  NULL, -1, MODEL_TIME_WAIT, NULL, "TIME_WAIT is a fixed 60 s on Linux, not 2 MSL", NULL },
	{ "A27", "003",
	  "Host crash, this side sends: after a while the connection is closed (observed with "
	  "tcpdump and netstat).",
	  NULL, -1, MODEL_DATA_TIMEOUT, NULL, NULL, NULL },
};

int claims_count(void)
{
	return (int)CLAIMS_ARRAY_SIZE(claims);
}

const struct claim *claims_get(int i)
{
	return i >= 0 && i < claims_count() ? &claims[i] : NULL;
}

static bool cites(const struct case_def *c, const char *id)
{
	for (int k = 0; k < c->n_sources; k++)
		if (!strcmp(c->sources[k], id))
			return true;
	return false;
}

int claims_report_missing(const struct suite *s, FILE *out)
{
	int missing = 0;

	for (int i = 0; i < claims_count(); i++) {
		const struct claim *cl = &claims[i];
		bool found = false;

		for (int c = 0; c < s->n_cases && !found; c++)
			found = cites(s->cases[c].def, cl->id);
		if (found)
			continue;
		if (!missing++)
			fprintf(out, "claims without a case (ARTICLE-CLAIMS.md):\n");
		fprintf(out, "  %s (article %s): %s%s%s\n", cl->id, cl->articles, cl->statement,
			cl->article_number ? " Article's number: " : "",
			cl->article_number ? cl->article_number : "");
	}
	return missing;
}

int claims_model(const struct claim *cl, const struct model_params *stock, struct model_pred *out)
{
	struct model_params p = *stock;
	char buf[200], msg[160], *save = NULL;

	if (cl->scenario < 0)
		return -ENOENT;
	snprintf(buf, sizeof(buf), "%s", cl->params ? cl->params : "");
	for (char *kv = strtok_r(buf, " ", &save); kv; kv = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(kv, '=');
		int k;

		if (!eq)
			continue;
		*eq = '\0';
		k = model_knob_parse(kv);
		if (k >= 0)
			model_param_set(&p, (enum model_knob)k, strtoll(eq + 1, NULL, 10), msg,
					sizeof(msg));
	}
	return model_predict((enum model_scenario)cl->scenario, &p, out);
}

/* "client tcp_fin_timeout=3, client TCP_USER_TIMEOUT=2000", or "kernel defaults". */
static void case_params(const struct case_def *c, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < c->n_sysctls && n < size; i++) {
		const char *key = c->sysctls[i].key;
		int w;

		if (!strncmp(key, "net.ipv4.", 9))
			key += 9;
		w = snprintf(buf + n, size - n, "%s%s %s=%s", n ? ", " : "",
			     c->hosts[c->sysctls[i].host], key, c->sysctls[i].value);
		n += w > 0 ? (size_t)w : 0;
	}
	for (int i = 0; i < c->n_sockopts && n < size; i++) {
		int w = snprintf(buf + n, size - n, "%s%s %s=%lld", n ? ", " : "",
				 c->hosts[c->sockopts[i].host],
				 case_sockopt_name(c->sockopts[i].kind), c->sockopts[i].value);

		n += w > 0 ? (size_t)w : 0;
	}
	if (!n)
		snprintf(buf, size, "kernel defaults");
}

static const struct suite_case *find_case(const struct suite *s, const char *id)
{
	for (int i = 0; id && i < s->n_cases; i++)
		if (!strcmp(s->cases[i].id, id))
			return &s->cases[i];
	return NULL;
}

static bool result_cites(const json_t *r, const char *id)
{
	size_t i;
	json_t *v;

	json_array_foreach(json_object_get(r, "sources"), i, v)
		if (json_is_string(v) && !strcmp(json_string_value(v), id))
			return true;
	return false;
}

/* What one claim's cases did in this run. */
struct claim_run {
	int n_ran;
	const json_t *failed; /* the first case of the claim that did not pass */
	bool has_measure;
	int measured_rank; /* measure_rank() of the measurement kept */
	long long measured_ms;
	char measured[300];
	bool measured_stock;
};

/* How good a measurement is: a stock case over a quick one, the model's own
 * scenario over a plain band. */
static int measure_rank(bool stock, bool model)
{
	return (stock ? 4 : 0) + (model ? 2 : 1);
}

/* The best timed observation of a passing case: the claim's own scenario's
 * "within model" first, a plain "within" band else; stock cases first. */
static void claim_measure(const struct claim *cl, const struct suite *s, const json_t *r,
			  struct claim_run *cr)
{
	const char *id = json_string_value(json_object_get(r, "id"));
	const struct suite_case *sc = find_case(s, id);
	bool stock = sc && sc->def->tier == CASE_TIER_STOCK;
	const json_t *best = NULL, *bm = NULL, *model_ms;
	char params[200], t[SECS_LEN];
	size_t i;
	json_t *ex;

	json_array_foreach(json_object_get(r, "expectations"), i, ex) {
		const json_t *m = json_object_get(ex, "model");
		const char *scen = json_string_value(json_object_get(m, "scenario"));

		if (!json_is_integer(json_object_get(ex, "offset_ms")))
			continue;
		if (cl->scenario >= 0 && scen &&
		    strcmp(scen, model_scenario_name((enum model_scenario)cl->scenario)))
			continue;
		if (!best || (m && !bm)) {
			best = ex;
			bm = m;
		}
	}
	if (!best || measure_rank(stock, bm) <= cr->measured_rank)
		return;
	if (sc)
		case_params(sc->def, params, sizeof(params));
	else
		snprintf(params, sizeof(params), "?");
	cr->has_measure = true;
	cr->measured_rank = measure_rank(stock, bm);
	cr->measured_stock = stock;
	cr->measured_ms = json_integer_value(json_object_get(best, "offset_ms"));
	snprintf(cr->measured, sizeof(cr->measured), "%s s after %s in %s (%s: %s)",
		 secs_fmt(t, sizeof(t), cr->measured_ms, 3),
		 json_string_value(json_object_get(bm, "origin")) ?: "the fault", id,
		 stock ? "stock" : "quick", params);
	model_ms = json_object_get(bm, "value_ms");
	if (bm && json_is_integer(model_ms))
		snprintf(cr->measured + strlen(cr->measured),
			 sizeof(cr->measured) - strlen(cr->measured), "; model %s s",
			 secs_fmt(t, sizeof(t), json_integer_value(model_ms), 3));
}

static void claim_scan(const struct claim *cl, const struct suite *s, const json_t *results,
		       struct claim_run *cr)
{
	size_t i;
	json_t *r;

	memset(cr, 0, sizeof(*cr));
	json_array_foreach(results, i, r) {
		const char *verdict = json_string_value(json_object_get(r, "verdict")) ?: "error";

		if (json_is_true(json_object_get(r, "control")) || !result_cites(r, cl->id))
			continue;
		cr->n_ran++;
		if (strcmp(verdict, "pass") && strcmp(verdict, "skip")) {
			if (!cr->failed)
				cr->failed = r;
			continue;
		}
		claim_measure(cl, s, r, cr);
	}
}

/* "model/fin-wait2-orphan-stock, ..." of the cases citing @id, of @tier (-1: any). */
static int cited_by(const struct suite *s, const char *id, int tier, char *buf, size_t size)
{
	size_t n = 0;
	int count = 0;

	buf[0] = '\0';
	for (int c = 0; c < s->n_cases; c++) {
		const struct case_def *d = s->cases[c].def;
		int w;

		if (!cites(d, id) || (tier >= 0 && (int)d->tier != tier))
			continue;
		if (count++ < CLAIMS_MAX_CASES && n < size) {
			w = snprintf(buf + n, size - n, "%s%s", n ? ", " : "", s->cases[c].id);
			n += w > 0 ? (size_t)w : 0;
		}
	}
	return count;
}

/* The claim's note for the kernel of @stock. */
static const char *claim_note(const struct claim *cl, const struct model_params *stock)
{
	if (cl->note_before_linear && stock->absent[MODEL_SYN_LINEAR_TIMEOUTS])
		return cl->note_before_linear;
	return cl->note;
}

/* The verdict of a claim with a number: the article's inside the model's band? */
static const char *numeric_verdict(const struct claim *cl, const struct model_pred *m,
				   const char *note, char *reason, size_t size)
{
	bool ok = cl->article_ms >= m->lo_ms && cl->article_ms <= m->hi_ms;
	char lo[SECS_LEN], hi[SECS_LEN], val[SECS_LEN];

	/* The article's number is the kernel's own timeout (tcp_model_timeout()),
	 * the abort comes at the first timer firing after it (A07: 924.6 s, the
	 * firing at 928.5 s with a 204 ms RTO): confirmed, and said so. Only a
	 * time budget counts (retries2); a SYN's limit is a count of
	 * retransmissions, whose nominal 15 s 6.5+ no longer keeps (A19). */
	if (!ok && m->scenario == MODEL_DATA_TIMEOUT && m->budget_ms &&
	    llabs(cl->article_ms - m->budget_ms) <= 1) {
		snprintf(reason, size,
			 "%s is the kernel's budget (tcp_model_timeout()); the abort comes at the "
			 "first timer firing after it: %s s (band %s..%s s)%s%s",
			 cl->article_number, secs_fmt(val, sizeof(val), m->value_ms, 3),
			 secs_fmt(lo, sizeof(lo), m->lo_ms, 3),
			 secs_fmt(hi, sizeof(hi), m->hi_ms, 3), note ? ": " : "", note ? note : "");
		return "confirmed";
	}
	snprintf(reason, size, "%s %s the model's band %s..%s s%s%s", cl->article_number,
		 ok ? "is inside" : "is outside", secs_fmt(lo, sizeof(lo), m->lo_ms, 3),
		 secs_fmt(hi, sizeof(hi), m->hi_ms, 3), note ? ": " : "", note ? note : "");
	return ok ? "confirmed" : "differs";
}

static json_t *claim_row(const struct claim *cl, const struct suite *s, const json_t *results,
			 const struct model_params *stock, int *n_failed)
{
	struct claim_run cr;
	struct model_pred m;
	char cases[600], stock_cases[600], measured[700], reason[700];
	const char *verdict;
	bool has_model = claims_model(cl, stock, &m) == 0 && !m.never;
	int n_cited = cited_by(s, cl->id, -1, cases, sizeof(cases));
	json_t *row;

	claim_scan(cl, s, results, &cr);
	cited_by(s, cl->id, CASE_TIER_STOCK, stock_cases, sizeof(stock_cases));
	snprintf(measured, sizeof(measured), "%s", cr.measured);
	if (!n_cited) {
		verdict = "no-case";
		snprintf(measured, sizeof(measured), "-");
		snprintf(reason, sizeof(reason), "no case among the loaded ones cites it");
	} else if (cr.failed) {
		verdict = "failed";
		(*n_failed)++;
		snprintf(reason, sizeof(reason), "%s %s: %s",
			 json_string_value(json_object_get(cr.failed, "id")) ?: "?",
			 json_string_value(json_object_get(cr.failed, "verdict")) ?: "error",
			 json_string_value(json_object_get(cr.failed, "reason")) ?: "");
	} else if (cr.n_ran && cl->article_ms >= 0 && !cr.has_measure) {
		verdict = "failed";
		(*n_failed)++;
		snprintf(reason, sizeof(reason),
			 "its cases ran and passed but measured no time: "
			 "give one a 'within model' expectation");
	} else if (cl->article_ms >= 0 && has_model) {
		verdict = numeric_verdict(cl, &m, claim_note(cl, stock), reason, sizeof(reason));
		if (!cr.n_ran)
			snprintf(measured, sizeof(measured), "not in this run: %s%s",
				 stock_cases[0] ? "--tier stock: " : "",
				 stock_cases[0] ? stock_cases : cases);
		else if (!cr.measured_stock && stock_cases[0])
			snprintf(measured + strlen(measured), sizeof(measured) - strlen(measured),
				 "; the article's setting needs --tier stock: %s", stock_cases);
	} else if (!cr.n_ran) {
		verdict = "not-run";
		snprintf(measured, sizeof(measured), "not in this run: %s%s",
			 stock_cases[0] ? "--tier stock: " : "",
			 stock_cases[0] ? stock_cases : cases);
		snprintf(reason, sizeof(reason), "none of its cases ran");
	} else {
		verdict = "confirmed";
		if (!measured[0])
			snprintf(measured, sizeof(measured), "%d case%s passed", cr.n_ran,
				 cr.n_ran == 1 ? "" : "s");
		snprintf(reason, sizeof(reason), "its cases passed (%s)%s%s", cases,
			 claim_note(cl, stock) ? "; " : "", claim_note(cl, stock) ?: "");
	}
	row = json_pack("{s:s s:s s:s s:o s:o s:o s:s s:o s:s s:s s:s}", "id", cl->id, "articles",
			cl->articles, "claim", cl->statement, "article_says",
			cl->article_number ? json_string(cl->article_number) : json_null(),
			"article_ms",
			cl->article_ms >= 0 ? json_integer(cl->article_ms) : json_null(),
			"model_ms", has_model ? json_integer(m.value_ms) : json_null(), "measured",
			measured, "measured_ms",
			cr.has_measure ? json_integer(cr.measured_ms) : json_null(), "cases", cases,
			"verdict", verdict, "reason", reason);
	if (row && has_model) {
		json_object_set_new(row, "model_band",
				    json_pack("[I I]", (json_int_t)m.lo_ms, (json_int_t)m.hi_ms));
		json_object_set_new(row, "model_scenario",
				    json_string(model_scenario_name(m.scenario)));
		json_object_set_new(row, "model_params",
				    json_string(cl->params ? cl->params : "kernel defaults"));
	}
	return row;
}

json_t *claims_build(const struct suite *s, const json_t *results, const struct model_params *stock,
		     int *n_failed)
{
	json_t *rows = json_array();

	*n_failed = 0;
	for (int i = 0; rows && i < claims_count(); i++)
		json_array_append_new(rows, claim_row(&claims[i], s, results, stock, n_failed));
	return rows;
}

/* Markdown cell: no '|' or newline inside. */
static void md_cell(FILE *f, const char *text)
{
	fputs("| ", f);
	for (; text && *text; text++) {
		if (*text == '|')
			fputs("\\|", f);
		else
			fputc(*text == '\n' ? ' ' : *text, f);
	}
	fputc(' ', f);
}

int claims_write_md(const char *path, const json_t *rows, const char *kernel)
{
	FILE *f = fopen(path, "we");
	size_t i;
	json_t *r;
	char model[3 * SECS_LEN + 80], v[SECS_LEN], lo[SECS_LEN], hi[SECS_LEN];

	if (!f)
		return -errno;
	fprintf(f,
		"# Claims table\n\n%s\n\n"
		"Model: this kernel's defaults plus the claim's own settings; band = earliest .. "
		"latest abort, timer-wheel lateness and observation allowance included. "
		"Measured: the first timed observation of a passing case citing the claim, from "
		"the model's clock origin.\n\n",
		kernel);
	fputs("| id | article | claim | article says | model | measured in this run | verdict | "
	      "reason |\n|---|---|---|---|---|---|---|---|\n",
	      f);
	json_array_foreach(rows, i, r) {
		const json_t *band = json_object_get(r, "model_band");
		const json_t *ms = json_object_get(r, "model_ms");

		model[0] = '\0';
		if (json_is_integer(ms)) {
			secs_fmt(v, sizeof(v), json_integer_value(ms), 3);
			secs_fmt(lo, sizeof(lo), json_integer_value(json_array_get(band, 0)), 3);
			secs_fmt(hi, sizeof(hi), json_integer_value(json_array_get(band, 1)), 3);
			snprintf(model, sizeof(model), "%s s (%s..%s, %s)", v, lo, hi,
				 json_string_value(json_object_get(r, "model_scenario")) ?: "?");
		}
		md_cell(f, json_string_value(json_object_get(r, "id")));
		md_cell(f, json_string_value(json_object_get(r, "articles")));
		md_cell(f, json_string_value(json_object_get(r, "claim")));
		md_cell(f, json_string_value(json_object_get(r, "article_says")) ?: "-");
		md_cell(f, model[0] ? model : "-");
		md_cell(f, json_string_value(json_object_get(r, "measured")));
		md_cell(f, json_string_value(json_object_get(r, "verdict")));
		md_cell(f, json_string_value(json_object_get(r, "reason")));
		fputs("|\n", f);
	}
	return fclose(f) ? -errno : 0;
}

json_t *claims_for_run(const struct suite *s, const json_t *results, const char *run_dir,
		       int *n_failed)
{
	struct model_kernel k;
	struct model_params stock;
	char how[300], path[4200];
	json_t *rows;

	model_env_probe(&k, &stock, how, sizeof(how));
	rows = claims_build(s, results, &stock, n_failed);
	snprintf(path, sizeof(path), "%s/claims.md", run_dir);
	if (rows)
		claims_write_md(path, rows, how);
	return rows;
}

void claims_summary(const json_t *rows, char *buf, size_t size)
{
	static const char *const verdicts[] = { "confirmed", "differs", "failed", "not-run",
						"no-case" };
	int n[5] = { 0 };
	size_t i;
	json_t *r;

	json_array_foreach(rows, i, r)
		for (size_t v = 0; v < CLAIMS_ARRAY_SIZE(verdicts); v++)
			if (!strcmp(json_string_value(json_object_get(r, "verdict")) ?: "",
				    verdicts[v]))
				n[v]++;
	snprintf(buf, size,
		 "claims: %d confirmed, %d differ, %d failed, %d not run, %d without a case", n[0],
		 n[1], n[2], n[3], n[4]);
}
