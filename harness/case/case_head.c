/* case_head.c - the lines that describe a case rather than its timeline:
 * title, source, topology, end, control, sysctl and sockopt.
 * Each handler fills p->c or queues one error (see case_stmt.c).
 */
#include "case/case.h"
#include "case/case_priv.h"
#include "case/sockopt.h"

#include <errno.h>
#include <string.h>

/* Client is host 0 and server host 1 in every topology; @cables has bit h
 * set when host h has a cable into the switch (what "unplug" pulls). */
static const struct case_topo_def {
	const char *name;
	const char *hosts[CASE_MAX_HOSTS];
	int n_hosts;
	unsigned int cables;
} topologies[] = {
	[CASE_TOPO_PAIR] = { "pair", { "client", "server" }, 2, 0 },
	[CASE_TOPO_LAN] = { "lan", { "client", "server", "switch" }, 3, 0x3 },
	[CASE_TOPO_ROUTED] = { "routed", { "client", "server", "switch", "router" }, 4, 0x9 },
};

/** case_topo_name() - "pair", "lan", "routed". */
const char *case_topo_name(enum case_topology topo)
{
	return (unsigned int)topo < CASE_TOPO_COUNT ? topologies[topo].name : "?";
}

/** case_topo_has_cable() - does host @host of @c have a cable into the switch? */
bool case_topo_has_cable(const struct case_def *c, int host)
{
	return host >= 0 && host < 32 && (topologies[c->topology].cables & (1u << host));
}

_Static_assert(CASE_ARRAY_SIZE(topologies) == CASE_TOPO_COUNT, "a topology without a definition");

/** case_set_topology() - set @topo and the hosts it has (client is host 0). */
void case_set_topology(struct case_def *c, enum case_topology topo)
{
	const struct case_topo_def *t = &topologies[topo];
	int i;

	c->topology = topo;
	c->n_hosts = t->n_hosts;
	for (i = 0; i < t->n_hosts; i++)
		snprintf(c->hosts[i], sizeof(c->hosts[i]), "%s", t->hosts[i]);
}

static int err_duplicate(struct case_parser *p, unsigned int first_line)
{
	case_err_tok(p, &p->tok[0], "duplicate '%s' (the first is on line %u)", p->tok[0].s,
		     first_line);
	return -EINVAL;
}

/* title TEXT...: the rest of the line as written, comment and blanks trimmed. */
int case_stmt_title(struct case_parser *p)
{
	const struct case_tok *first = &p->tok[1], *last = &p->tok[p->n_tok - 1];
	size_t i, n;

	if (p->title_line)
		return err_duplicate(p, p->title_line);
	if (p->n_tok < 2)
		return case_err_missing(p, 0, "TEXT");
	n = last->col - first->col + last->len;
	if (n >= sizeof(p->c->title)) {
		case_err_tok(p, first, "title is longer than %zu bytes", sizeof(p->c->title) - 1);
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)p->raw[first->col - 1 + i];

		if ((ch < 0x20 && ch != '\t') || ch == 0x7f) {
			case_err(p, p->line, first->col + (unsigned int)i,
				 "control character 0x%02x in the title", ch);
			return -EINVAL;
		}
	}
	memcpy(p->c->title, p->raw + first->col - 1, n);
	p->c->title[n] = '\0';
	p->title_line = p->line;
	return 0;
}

static bool is_claim_id(const char *s)
{
	return s[0] == 'A' && s[1] >= '0' && s[1] <= '9' && s[2] >= '0' && s[2] <= '9' && !s[3];
}

/* source A04 A05...: claim ids, several lines add up. */
int case_stmt_source(struct case_parser *p)
{
	struct case_def *c = p->c;
	int i;

	if (p->n_tok < 2)
		return case_err_missing(p, 0, "CLAIM... (claim ids like A04)");
	for (i = 1; i < p->n_tok; i++) {
		if (!is_claim_id(p->tok[i].s)) {
			case_err_tok(p, &p->tok[i],
				     "bad claim id '%s': expected A and two digits, like A04",
				     p->tok[i].s);
			return -EINVAL;
		}
		if (c->n_sources >= CASE_MAX_SOURCES) {
			case_err_tok(p, &p->tok[i], "too many claim ids: at most %d",
				     CASE_MAX_SOURCES);
			return -EINVAL;
		}
		memcpy(c->sources[c->n_sources++], p->tok[i].s, 4);
	}
	return 0;
}

/* topology NAME: which hosts exist; before any line that names a host. */
int case_stmt_topology(struct case_parser *p)
{
	const char *names[CASE_TOPO_COUNT];
	char list[64];
	int i;

	if (p->topology_line)
		return err_duplicate(p, p->topology_line);
	if (p->n_tok < 2)
		return case_err_missing(p, 0, "NAME (pair, lan or routed)");
	if (p->first_host_line) {
		case_err_tok(
			p, &p->tok[0],
			"'topology' must come before the first line that names a host (line %u)",
			p->first_host_line);
		return -EINVAL;
	}
	for (i = 0; i < CASE_TOPO_COUNT; i++) {
		names[i] = topologies[i].name;
		if (case_tok_is(&p->tok[1], names[i]))
			break;
	}
	if (i == CASE_TOPO_COUNT) {
		case_join_names(list, sizeof(list), names, CASE_TOPO_COUNT, true);
		case_err_tok(p, &p->tok[1], "unknown topology '%s': expected %s", p->tok[1].s,
			     list);
		return -EINVAL;
	}
	if (case_no_more(p, 2))
		return -EINVAL;
	case_set_topology(p->c, (enum case_topology)i);
	p->topology_line = p->line;
	return 0;
}

/* end TIME: the length of the case on its clock. */
int case_stmt_end(struct case_parser *p)
{
	int64_t ms;

	if (p->end_line)
		return err_duplicate(p, p->end_line);
	if (p->n_tok < 2)
		return case_err_missing(p, 0, "TIME");
	if (case_arg_time(p, 1, &ms))
		return -EINVAL;
	if (!ms) {
		case_err_tok(p, &p->tok[1], "'end' needs a time above 0");
		return -EINVAL;
	}
	if (case_no_more(p, 2))
		return -EINVAL;
	p->c->end_ms = ms;
	p->end_line = p->line;
	p->end_loc = case_loc_of(p, 1);
	return 0;
}

/* control without STEP...: the kinds of step the control run leaves out. */
int case_stmt_control(struct case_parser *p)
{
	const char *names[CASE_STEP_COUNT];
	char list[256], hint[64];
	uint32_t mask = 0, opts = 0;
	int i, kind, opt, n = CASE_STEP_COUNT;

	if (p->control_line)
		return err_duplicate(p, p->control_line);
	if (p->n_tok < 2)
		return case_err_missing(p, 0, "without STEP...");
	if (!case_tok_is(&p->tok[1], "without")) {
		case_err_tok(p, &p->tok[1], "expected 'without' after 'control', got '%s'",
			     p->tok[1].s);
		return -EINVAL;
	}
	for (kind = 0; kind < CASE_STEP_COUNT; kind++)
		names[kind] = case_step_name((enum case_step_kind)kind);
	case_join_names(list, sizeof(list), names, n, true);
	if (p->n_tok < 3) {
		case_err_tok(p, &p->tok[1], "'without' needs a step: %s", list);
		return -EINVAL;
	}
	for (i = 2; i < p->n_tok; i++) {
		const struct case_tok *t = &p->tok[i];
		const char *sugg;

		for (kind = 0; kind < CASE_STEP_COUNT; kind++)
			if (!strcmp(t->s, names[kind]))
				break;
		/* A socket option: the control run does not set it ("without SO_KEEPALIVE"). */
		opt = kind == CASE_STEP_COUNT ? sockopt_parse_name(t->s) : -1;
		if (opt >= 0) {
			if (!(opts & (1u << opt)))
				p->control_opt_loc[opt] = case_loc_of(p, i);
			opts |= 1u << opt;
			continue;
		}
		if (kind == CASE_STEP_COUNT) {
			sugg = case_suggest(t->s, names, n);
			if (sugg)
				case_err_tok(p, t, "unknown step '%s'%s", t->s,
					     case_did_you_mean(hint, sizeof(hint), sugg));
			else
				case_err_tok(p, t, "unknown step '%s': expected %s", t->s, list);
			return -EINVAL;
		}
		if (!(mask & (1u << kind)))
			p->control_kind_loc[kind] = case_loc_of(p, i);
		mask |= 1u << kind;
	}
	p->c->control_without = mask;
	p->c->control_without_opts = opts;
	p->c->has_control = true;
	p->c->control_loc = case_loc_of(p, 0);
	p->control_line = p->line;
	return 0;
}

/* net.ipv4.tcp_retries2: dotted words of [A-Za-z0-9_-]; it becomes a path
 * under /proc/sys, so no empty word and no '/'. */
static bool sysctl_key_ok(const char *key, size_t len)
{
	size_t i;

	if (!len || key[len - 1] == '.')
		return false;
	for (i = 0; i < len; i++) {
		char ch = key[i];

		if (ch == '.' && (i == 0 || key[i - 1] == '.'))
			return false;
		if (ch != '.' && ch != '_' && ch != '-' && !(ch >= 'a' && ch <= 'z') &&
		    !(ch >= 'A' && ch <= 'Z') && !(ch >= '0' && ch <= '9'))
			return false;
	}
	return true;
}

/* KEY=VALUE at token @i into @sc, each part checked against its buffer. */
static int sysctl_kv(struct case_parser *p, int i, struct case_sysctl *sc)
{
	const struct case_tok *t = &p->tok[i];
	const char *eq = strchr(t->s, '=');
	size_t klen, vlen;

	if (!eq || eq == t->s) {
		case_err_tok(p, t, "expected KEY=VALUE, got '%s'", t->s);
		return -EINVAL;
	}
	klen = (size_t)(eq - t->s);
	vlen = strlen(eq + 1);
	if (klen >= sizeof(sc->key)) {
		case_err_tok(p, t, "sysctl key is longer than %zu bytes", sizeof(sc->key) - 1);
		return -EINVAL;
	}
	if (strncmp(t->s, "net.", 4)) {
		case_err_tok(p, t, "'%.*s' is not a network sysctl: KEY must start with 'net.'",
			     (int)klen, t->s);
		return -EINVAL;
	}
	if (!sysctl_key_ok(t->s, klen)) {
		case_err_tok(p, t, "bad sysctl key '%.*s': expected words and dots like %s",
			     (int)klen, t->s, "net.ipv4.tcp_retries2");
		return -EINVAL;
	}
	if (!vlen) {
		case_err_tok(p, t, "'%s' needs a value after '='", t->s);
		return -EINVAL;
	}
	if (vlen >= sizeof(sc->value)) {
		case_err_tok(p, t, "sysctl value is longer than %zu bytes", sizeof(sc->value) - 1);
		return -EINVAL;
	}
	memcpy(sc->key, t->s, klen);
	sc->key[klen] = '\0';
	memcpy(sc->value, eq + 1, vlen + 1);
	return 0;
}

/* sysctl HOST KEY=VALUE [optional]: one network sysctl in the host's
 * namespace; "optional" when a kernel without the knob behaves as if it had
 * this value (tcp_syn_linear_timeouts=0 before 6.5). */
int case_stmt_sysctl(struct case_parser *p)
{
	struct case_def *c = p->c;
	struct case_sysctl sc = { .loc = case_loc_of(p, 0) }, *dst;
	int i;

	if (p->n_tok < 3)
		return case_err_missing(p, 0, "HOST KEY=VALUE");
	if (c->n_sysctls >= CASE_MAX_SYSCTLS) {
		case_err_tok(p, &p->tok[0], "too many sysctls: at most %d", CASE_MAX_SYSCTLS);
		return -EINVAL;
	}
	if (case_arg_host(p, 1, &sc.host) || sysctl_kv(p, 2, &sc))
		return -EINVAL;
	for (i = 0; i < c->n_sysctls; i++) {
		if (c->sysctls[i].host == sc.host && !strcmp(c->sysctls[i].key, sc.key)) {
			case_err_tok(p, &p->tok[2], "%s is already set for %s on line %u", sc.key,
				     c->hosts[sc.host], c->sysctls[i].loc.line);
			return -EINVAL;
		}
	}
	if (p->n_tok > 3 && !strcmp(p->tok[3].s, "optional"))
		sc.optional = true;
	if (case_no_more(p, sc.optional ? 4 : 3))
		return -EINVAL;
	dst = vec_push(&c->sysctls, &c->n_sysctls, &p->cap_sysctls, sizeof(*dst));
	if (!dst)
		return case_err_oom(p);
	*dst = sc;
	return 0;
}

/* The VALUE of NAME=VALUE: an integer, or ONOFF,SECONDS for SO_LINGER. */
static int sockopt_value(struct case_parser *p, const struct case_tok *t, const char *val,
			 struct case_sockopt *so)
{
	const char *name = case_sockopt_name(so->kind);
	const char *comma = strchr(val, ',');
	char first[24];
	size_t n = comma ? (size_t)(comma - val) : 0;

	if (so->kind != CASE_SO_LINGER) {
		if (!case_ll_parse(val, &so->value))
			return 0;
		case_err_tok(p, t, "bad value '%s' for %s: expected an integer", val, name);
		return -EINVAL;
	}
	if (comma && n < sizeof(first)) {
		memcpy(first, val, n);
		first[n] = '\0';
		if (!case_ll_parse(first, &so->value) && !case_ll_parse(comma + 1, &so->value2))
			return 0;
	}
	case_err_tok(p, t, "bad value '%s' for %s: expected ONOFF,SECONDS like 1,0", val, name);
	return -EINVAL;
}

/* NAME=VALUE at token @i for host @host. */
static int sockopt_one(struct case_parser *p, int i, int host)
{
	const struct case_tok *t = &p->tok[i];
	struct case_sockopt so = { .host = host, .loc = case_loc_of(p, i) }, *dst;
	const char *eq = strchr(t->s, '=');
	char name[32], hint[64];
	struct tf_err err = { .msg = "" };
	int kind, j;

	if (!eq || eq == t->s) {
		case_err_tok(p, t, "expected NAME=VALUE, got '%s'", t->s);
		return -EINVAL;
	}
	snprintf(name, sizeof(name), "%.*s", (int)(eq - t->s), t->s);
	kind = (size_t)(eq - t->s) < sizeof(name) ? sockopt_parse_name(name) : -1;
	if (kind < 0) {
		case_err_tok(p, t, "unknown socket option '%.*s'%s", (int)(eq - t->s), t->s,
			     case_did_you_mean(hint, sizeof(hint), case_sockopt_suggest(name)));
		return -EINVAL;
	}
	so.kind = (enum case_sockopt_kind)kind;
	if (sockopt_value(p, t, eq + 1, &so))
		return -EINVAL;
	if (sockopt_check(so.kind, so.value, so.value2, &err) < 0) {
		case_err_tok(p, t, "%s", err.msg[0] ? err.msg : "value out of range");
		return -EINVAL;
	}
	for (j = 0; j < p->c->n_sockopts; j++) {
		const struct case_sockopt *o = &p->c->sockopts[j];

		if (o->host == host && o->kind == so.kind) {
			case_err_tok(p, t, "%s is already set for %s on line %u", name,
				     p->c->hosts[host], o->loc.line);
			return -EINVAL;
		}
	}
	dst = vec_push(&p->c->sockopts, &p->c->n_sockopts, &p->cap_sockopts, sizeof(*dst));
	if (!dst)
		return case_err_oom(p);
	*dst = so;
	return 0;
}

/* sockopt HOST NAME=VALUE...: options set on every socket of the host's peer. */
int case_stmt_sockopt(struct case_parser *p)
{
	int host, i;

	if (p->n_tok < 3)
		return case_err_missing(p, 0, "HOST NAME=VALUE...");
	if (case_arg_host(p, 1, &host))
		return -EINVAL;
	for (i = 2; i < p->n_tok; i++)
		if (sockopt_one(p, i, host))
			return -EINVAL;
	return 0;
}

static const char *const tier_names[CASE_TIER_COUNT] = {
	[CASE_TIER_QUICK] = "quick",
	[CASE_TIER_STOCK] = "stock",
};

const char *case_tier_name(enum case_tier tier)
{
	return (unsigned int)tier < CASE_TIER_COUNT ? tier_names[tier] : "?";
}

int case_tier_parse(const char *name)
{
	for (int i = 0; i < CASE_TIER_COUNT; i++)
		if (!strcmp(tier_names[i], name))
			return i;
	return -1;
}

/* tier quick|stock: stock cases keep the kernel's defaults and run only with
 * "run --tier stock" (minutes to hours; not part of make test). */
int case_stmt_tier(struct case_parser *p)
{
	int tier;

	if (p->tier_line)
		return err_duplicate(p, p->tier_line);
	if (p->n_tok < 2)
		return case_err_missing(p, 0, "quick or stock");
	tier = case_tier_parse(p->tok[1].s);
	if (tier < 0) {
		case_err_tok(p, &p->tok[1], "unknown tier '%s': expected quick or stock",
			     p->tok[1].s);
		return -EINVAL;
	}
	if (case_no_more(p, 2))
		return -EINVAL;
	p->c->tier = (enum case_tier)tier;
	p->tier_line = p->line;
	return 0;
}
