/* fault_drop.c - the drop fault: nftables rules that lose chosen packets
 * where the network would lose them, and watch rules that only count.
 *
 * Each rule is a base chain of its own in table "inet tcpfault_drop" of the
 * host it sits in, so that lifting it is deleting its chain (its counters,
 * named objects of the table, stay readable):
 *
 *   at HOST ingress -> hook prerouting (the receiver, before conntrack and
 *                      routing: what arrives on any interface but lo)
 *   in ROUTER       -> hook forward (what the router passes on)
 *
 *   chain c_NAME { type filter hook prerouting priority -300; }
 *     [ACK only: iifname != "lo" FROM @ih,0,8 <= 0xff accept]  segments with data leave
 *     iifname != "lo" FROM WHAT counter name m_NAME
 *         [numgen inc mod 4294967295 < N] counter name d_NAME drop
 *
 * m_NAME counts the matches, d_NAME the drops. Watches use priority -310, so
 * that a watch sees what a drop at the same hook then loses.
 *
 * "First N" is exact in the kernel: nft quotas count bytes, not packets, but
 * numgen inc is a per-rule counter that advances only for the packets that
 * reach it (a rule stops at its first expression that does not match), and
 * its first value is 0: "< N" holds for exactly the first N matches. The
 * integration test tests/integration/test_lab_fw.c proves it (10 sent, 3
 * dropped). The runner's tick (every 10 ms) also lifts the rule once N are
 * dropped, which changes nothing for the packets and shows when it happened.
 *
 * Pure ACK vs data: "@ih,0,8" loads the first byte after the TCP header; the
 * load fails (the rule does not match) when the segment has no payload, so a
 * pure ACK is "ACK flag, no SYN/FIN/RST, no payload byte". Which pure ACK is
 * chosen by timing (when the rule goes in) and count (first N).
 *
 * Recorded in env->record (fault_record.h; "rules" -> NAME): where, what, the nft commands, when
 * it went in and out (case clock), the final counters and every change of them
 * the ticks saw ("changes": [[t_ms, dropped, matched], ...]).
 */
#include "fault/fault.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "obs/capture.h"
#include "netns/lab_fw.h"

#define FAULT_RULE_FAMILY "inet"
#define FAULT_RULE_TABLE "tcpfault_drop"
#define FAULT_DROP_PRIO -300 /* raw: before conntrack (-200) */
#define FAULT_WATCH_PRIO -310 /* before the drops at the same hook */
#define FAULT_NUMGEN_MOD "4294967295" /* numgen never wraps within a case */
#define FAULT_CMDS_MAX 1536

struct fault_rule {
	const struct case_step *st; /* the drop or watch step (the case outlives us) */
	bool active; /* its chain is in */
	bool lifted;
	int64_t on_ns, off_ns;
	uint64_t dropped, matched; /* as last read */
	int rec; /* its index in env->record.rules */
};

struct fault_rules {
	struct lab_fw *fw[CASE_MAX_HOSTS]; /* opened with the first rule of a host */
	struct fault_rule r[FAULT_MAX_RULES];
	int n;
};

static int64_t fault_case_ms(const struct fault_env *env, int64_t t_ns)
{
	return env->t0_ns ? (t_ns - env->t0_ns) / 1000000 : 0;
}

/* "ip saddr 198.18.0.1 " for @host, or "" for any source. */
static int fault_from_expr(const struct fault_env *env, int host, char *buf, size_t len,
			   struct tf_err *err)
{
	struct sockaddr_storage ss;
	char a[INET6_ADDRSTRLEN];
	const void *src;

	buf[0] = '\0';
	if (host < 0)
		return 0;
	if (plan_host_addr(env->plan, host, 0, &ss) < 0)
		return tf_err_set(err, -ENOENT, "no address known for host %s",
				  env->c->hosts[host]);
	src = ss.ss_family == AF_INET6 ? (const void *)&((struct sockaddr_in6 *)&ss)->sin6_addr :
					 (const void *)&((struct sockaddr_in *)&ss)->sin_addr;
	inet_ntop(ss.ss_family, src, a, sizeof(a));
	snprintf(buf, len, "%s saddr %s ", ss.ss_family == AF_INET6 ? "ip6" : "ip", a);
	return 0;
}

/* The nft match of a segment kind (the wire expectations' names). */
static const char *const fault_seg_match[CASE_SEG_COUNT] = {
	[CASE_SEG_SYN] = "tcp flags & (syn | ack) == syn",
	[CASE_SEG_SYN_ACK] = "tcp flags & (syn | ack) == syn | ack",
	[CASE_SEG_ACK] = "tcp flags & (syn | ack | fin | rst) == ack",
	[CASE_SEG_DATA] = "meta l4proto tcp @ih,0,8 <= 0xff",
	[CASE_SEG_FIN] = "tcp flags & fin == fin",
	[CASE_SEG_RST] = "tcp flags & rst == rst",
	[CASE_SEG_ANY] = "", /* every packet, TCP or not */
};

/* The nft commands that put rule @st in (one atomic batch). */
static int fault_rule_cmds(const struct fault_env *env, const struct case_step *st, char *buf,
			   size_t len, struct tf_err *err)
{
	const struct case_rule *ru = &st->rule;
	const char *T = FAULT_RULE_FAMILY " " FAULT_RULE_TABLE;
	bool watch = st->kind == CASE_STEP_WATCH;
	char from[80], first[96] = "";
	const char *what = ru->has_seg ? fault_seg_match[ru->seg] : ru->match;
	size_t n;
	int ret;

	ret = fault_from_expr(env, ru->from_host, from, sizeof(from), err);
	if (ret)
		return ret;
	if (ru->first)
		snprintf(first, sizeof(first), "numgen inc mod " FAULT_NUMGEN_MOD " < %lld ",
			 ru->first);
	n = (size_t)snprintf(
		buf, len,
		"add table %s\n"
		"add counter %s m_%s\nadd counter %s d_%s\n"
		"add chain %s c_%s { type filter hook %s priority %d; policy accept; }\n",
		T, T, ru->name, T, ru->name, T, ru->name,
		ru->where == CASE_RULE_FORWARD ? "forward" : "prerouting",
		watch ? FAULT_WATCH_PRIO : FAULT_DROP_PRIO);
	if (n < len && ru->has_seg && ru->seg == CASE_SEG_ACK)
		n += (size_t)snprintf(
			buf + n, len - n,
			"add rule %s c_%s iifname != \"lo\" %smeta l4proto tcp @ih,0,8 <= 0xff accept\n",
			T, ru->name, from);
	if (n < len)
		n += (size_t)snprintf(
			buf + n, len - n,
			"add rule %s c_%s iifname != \"lo\" %s%s counter name m_%s %scounter name d_%s%s%s%s\n",
			T, ru->name, from, what, ru->name, first, ru->name,
			/* The capture reads this NFLOG group: drops show as lost
				       * segments in the sequence diagram (capture.h). */
			watch ? "" : " log prefix \"", watch ? "" : ru->name,
			watch ? "" : "\" group " CAPTURE_NFLOG_GROUP_STR " snaplen 128 drop");
	if (n >= len)
		return tf_err_set(err, -E2BIG, "%s %s: nft commands too long",
				  case_step_name(st->kind), ru->name);
	return 0;
}

static struct fault_rule *fault_rule_find(struct fault_rules *rs, const char *name)
{
	for (int i = 0; rs && i < rs->n; i++)
		if (!strcmp(rs->r[i].st->rule.name, name))
			return &rs->r[i];
	return NULL;
}

/* "drop syn-lost at server ingress from client SYN first 3" */
static void fault_rule_text(const struct fault_env *env, const struct case_step *st, char *buf,
			    size_t len)
{
	const struct case_rule *ru = &st->rule;
	char how[48] = "";

	if (ru->first)
		snprintf(how, sizeof(how), " first %lld", ru->first);
	else if (ru->for_ms)
		snprintf(how, sizeof(how), " for %" PRId64 " ms", ru->for_ms);
	snprintf(buf, len, "%s %s %s %s%s%s%s%s%s%s%s", case_step_name(st->kind), ru->name,
		 ru->where == CASE_RULE_FORWARD ? "in" : "at", env->c->hosts[st->host],
		 ru->where == CASE_RULE_FORWARD ? "" : " ingress",
		 ru->from_host >= 0 ? " from " : "",
		 ru->from_host >= 0 ? env->c->hosts[ru->from_host] : "",
		 ru->has_seg ? " " : " match \"",
		 ru->has_seg ? case_seg_kind_name(ru->seg) : ru->match, ru->has_seg ? "" : "\"",
		 how);
}

/* A new rule's record, with the commands that put it in; its index, or -ENOMEM. */
static int fault_rule_record_new(struct fault_env *env, const struct case_step *st,
				 const char *cmds, int64_t on_ms)
{
	struct fault_record *r = &env->record;
	struct fault_rule_rec *rec;

	fault_record_touch(r, FAULT_REC_RULES, -1);
	rec = fault_record_grow(&r->rules, &r->n_rules, &r->cap_rules, sizeof(*r->rules));
	if (!rec)
		return -ENOMEM;
	rec->st = st;
	fault_rule_text(env, st, rec->text, sizeof(rec->text));
	snprintf(rec->nft, sizeof(rec->nft), "%s", cmds);
	rec->on_ms = on_ms;
	return r->n_rules - 1;
}

/* The record of rule @r. */
static struct fault_rule_rec *fault_rule_rec(struct fault_env *env, const struct fault_rule *r)
{
	return &env->record.rules[r->rec];
}

/* The rules' state, made on first use. */
static struct fault_rules *fault_rules_get(struct fault_env *env)
{
	if (!env->rules)
		env->rules = calloc(1, sizeof(*env->rules));
	return env->rules;
}

static int fault_drop_prepare(struct fault_env *env, struct tf_err *err)
{
	for (int i = 0; i < env->c->n_steps; i++) {
		const struct case_step *st = &env->c->steps[i];
		struct fault_rules *rs;
		int ret;

		if (st->kind != CASE_STEP_DROP && st->kind != CASE_STEP_WATCH)
			continue;
		rs = fault_rules_get(env);
		if (!rs)
			return tf_err_set(err, -ENOMEM, "out of memory");
		if (rs->fw[st->host])
			continue;
		ret = lab_fw_open(env->lab, st->host, &rs->fw[st->host], err);
		if (!ret)
			ret = lab_fw_run(rs->fw[st->host],
					 "add table " FAULT_RULE_FAMILY " " FAULT_RULE_TABLE, err);
		if (ret)
			return ret;
	}
	return 0;
}

static int fault_drop(struct fault_env *env, const struct plan_step *ps, int64_t *t_ns,
		      struct tf_err *err)
{
	const struct case_step *st = ps->st;
	struct fault_rules *rs = fault_rules_get(env);
	char cmds[FAULT_CMDS_MAX], text[400];
	struct fault_rule *r;
	int ret;

	if (!rs)
		return tf_err_set(err, -ENOMEM, "out of memory");
	if (rs->n == FAULT_MAX_RULES)
		return tf_err_set(err, -ENOSPC, "more than %d drop and watch rules",
				  FAULT_MAX_RULES);
	ret = fault_rule_cmds(env, st, cmds, sizeof(cmds), err);
	if (ret)
		return ret;
	if (!rs->fw[st->host]) {
		ret = lab_fw_open(env->lab, st->host, &rs->fw[st->host], err);
		if (ret)
			return ret;
	}
	ret = lab_fw_run(rs->fw[st->host], cmds, err);
	*t_ns = mono_ns();
	if (ret)
		return ret;
	r = &rs->r[rs->n];
	*r = (struct fault_rule){ .st = st, .active = true, .on_ns = *t_ns };
	r->rec = fault_rule_record_new(env, st, cmds, fault_case_ms(env, *t_ns));
	if (r->rec < 0)
		return tf_err_set(err, -ENOMEM, "out of memory");
	rs->n++;
	fault_rule_text(env, st, text, sizeof(text));
	env->log(env->log_arg, *t_ns, text);
	return 0;
}

/* Take rule @r out (its chain; the counters stay). 0 or -errno. */
static int fault_rule_off(struct fault_env *env, struct fault_rule *r, const char *why,
			  struct tf_err *err)
{
	const struct case_rule *ru = &r->st->rule;
	struct fault_rule_rec *rec;
	char cmd[160], text[200];
	int ret;

	snprintf(cmd, sizeof(cmd), "delete chain " FAULT_RULE_FAMILY " " FAULT_RULE_TABLE " c_%s",
		 ru->name);
	ret = lab_fw_run(env->rules->fw[r->st->host], cmd, err);
	r->off_ns = mono_ns();
	r->active = false;
	r->lifted = ret == 0;
	rec = fault_rule_rec(env, r);
	rec->off = true;
	rec->off_ms = fault_case_ms(env, r->off_ns);
	snprintf(rec->lifted_by, sizeof(rec->lifted_by), "%s", why);
	if (r->st->kind == CASE_STEP_WATCH)
		snprintf(text, sizeof(text), "watch %s lifted (%s): %" PRIu64 " counted", ru->name,
			 why, r->dropped);
	else
		snprintf(text, sizeof(text),
			 "drop %s lifted (%s): %" PRIu64 " dropped of %" PRIu64 " matched",
			 ru->name, why, r->dropped, r->matched);
	env->log(env->log_arg, r->off_ns, text);
	return ret;
}

struct fault_read {
	struct fault_rules *rs;
	int host;
	bool changed[FAULT_MAX_RULES];
};

/* One counter object of a host's table: d_NAME or m_NAME. */
static int fault_read_cb(const char *name, uint64_t packets, uint64_t bytes, void *arg)
{
	struct fault_read *rd = arg;

	(void)bytes;
	for (int i = 0; i < rd->rs->n; i++) {
		struct fault_rule *r = &rd->rs->r[i];
		uint64_t *slot;

		if (r->st->host != rd->host || strlen(name) <= 2 ||
		    strcmp(name + 2, r->st->rule.name) != 0)
			continue;
		if (!strncmp(name, "d_", 2))
			slot = &r->dropped;
		else if (!strncmp(name, "m_", 2))
			slot = &r->matched;
		else
			continue;
		rd->changed[i] |= *slot != packets;
		*slot = packets;
	}
	return 0;
}

/* Read every counter of @host's table (one request) into the rules, log changes. */
static int fault_rules_read(struct fault_env *env, int host, int64_t t_ms, struct tf_err *err)
{
	struct fault_read rd = { .rs = env->rules, .host = host };
	int64_t now = mono_ns();
	char text[200];
	int ret;

	ret = lab_fw_counters(env->rules->fw[host], FAULT_RULE_FAMILY, FAULT_RULE_TABLE,
			      fault_read_cb, &rd, err);
	if (ret < 0)
		return ret;
	for (int i = 0; i < env->rules->n; i++) {
		struct fault_rule *r = &env->rules->r[i];

		if (!rd.changed[i])
			continue;
		fault_changes_add(&fault_rule_rec(env, r)->changes, t_ms, r->dropped, r->matched);
		if (r->st->kind == CASE_STEP_WATCH)
			snprintf(text, sizeof(text), "watch %s: %" PRIu64 " counted",
				 r->st->rule.name, r->dropped);
		else
			snprintf(text, sizeof(text),
				 "drop %s: %" PRIu64 " dropped, %" PRIu64 " matched",
				 r->st->rule.name, r->dropped, r->matched);
		env->log(env->log_arg, now, text);
	}
	return 0;
}

static int fault_lift(struct fault_env *env, const struct plan_step *ps, int64_t *t_ns,
		      struct tf_err *err)
{
	const struct case_step *st = ps->st;
	struct fault_rule *r = fault_rule_find(env->rules, st->rule.name);
	char text[160];
	int ret;

	*t_ns = mono_ns();
	if (!r || !r->active) {
		/* A control run without the drop keeps its lift; a "first N" drop
		 * may be out already. */
		snprintf(text, sizeof(text), "lift %s: %s", st->rule.name,
			 r ? "already out" : "not put in during this run");
		env->log(env->log_arg, *t_ns, text);
		return 0;
	}
	ret = fault_rules_read(env, st->host, fault_case_ms(env, *t_ns), err);
	if (ret)
		return ret;
	return fault_rule_off(env, r, st->rule.auto_lift ? "its duration ended" : "lift", err);
}

static void fault_drop_tick(struct fault_env *env, int64_t t_ms)
{
	struct fault_rules *rs = env->rules;
	struct tf_err err;

	for (int h = 0; rs && h < CASE_MAX_HOSTS; h++) {
		bool any = false;

		for (int i = 0; i < rs->n; i++)
			any |= rs->r[i].active && rs->r[i].st->host == h;
		if (!any || fault_rules_read(env, h, t_ms, &err) < 0)
			continue;
		for (int i = 0; i < rs->n; i++) {
			struct fault_rule *r = &rs->r[i];

			if (r->active && r->st->host == h && r->st->rule.first &&
			    r->dropped >= (uint64_t)r->st->rule.first)
				fault_rule_off(env, r, "its first N were dropped", &err);
		}
	}
}

/* Final counters, rules out, table gone, handles closed; env->counters filled. */
static void fault_drop_finish(struct fault_env *env)
{
	struct fault_rules *rs = env->rules;
	struct tf_err err;
	int64_t t_ms = fault_case_ms(env, mono_ns());

	if (!rs)
		return;
	for (int h = 0; h < CASE_MAX_HOSTS; h++) {
		if (!rs->fw[h])
			continue;
		if (fault_rules_read(env, h, t_ms, &err) < 0)
			env->log(env->log_arg, 0, err.msg);
		for (int i = 0; i < rs->n; i++)
			if (rs->r[i].active && rs->r[i].st->host == h)
				fault_rule_off(env, &rs->r[i], "the case ended", &err);
		lab_fw_run(rs->fw[h], "delete table " FAULT_RULE_FAMILY " " FAULT_RULE_TABLE, &err);
		lab_fw_close(rs->fw[h]);
	}
	for (int i = 0; i < rs->n; i++) {
		struct fault_rule *r = &rs->r[i];
		struct obs_counter *k = &env->counters[env->n_counters++];

		*k = (struct obs_counter){ .watch = r->st->kind == CASE_STEP_WATCH,
					   .installed = true,
					   .packets = r->dropped,
					   .matched = r->matched };
		snprintf(k->name, sizeof(k->name), "%s", r->st->rule.name);
		fault_rule_rec(env, r)->final = true;
		fault_rule_rec(env, r)->dropped = r->dropped;
		fault_rule_rec(env, r)->matched = r->matched;
	}
	free(rs);
	env->rules = NULL;
}

/* Drop, watch and lift share the rules: opened ahead, read on every tick,
 * taken out at the end. */
static const struct fault_family fault_rules_family = {
	.prepare = fault_drop_prepare,
	.tick = fault_drop_tick,
	.finish = fault_drop_finish,
};

const struct fault_ops fault_rule_ops = { .apply = fault_drop, .family = &fault_rules_family };
const struct fault_ops fault_lift_ops = { .apply = fault_lift, .family = &fault_rules_family };
