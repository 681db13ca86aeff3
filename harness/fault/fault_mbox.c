/* fault_mbox.c - the middlebox fault: a router that tracks connections and
 * forgets idle ones (a stateful firewall or NAT with an idle timeout).
 *
 * Conntrack in the router's namespace, every knob set there only (they are
 * per-namespace on 6.x: checked, the client's stay as they were):
 *
 *   net.netfilter.nf_conntrack_tcp_timeout_established = the idle-timeout
 *   net.netfilter.nf_conntrack_tcp_loose = 0
 *
 *   table inet tcpfault_mbox
 *     chain c_mbox { type filter hook forward priority 0; }
 *       meta l4proto tcp ct state invalid counter name forgotten  LOG drop | reject with tcp reset
 *       meta l4proto tcp ct state new tcp flags & (syn | ack) != syn
 *                                         counter name recreated  LOG drop | reject with tcp reset
 *   (LOG: log prefix "NAME" group 7 snaplen 128, as the drop rules do: capture.h)
 *
 * Each packet of a tracked flow refreshes its entry's timer; an entry idle
 * for the timeout has expired, and the next packet of the flow finds none.
 * With the default nf_conntrack_tcp_loose=1 that mid-stream packet would
 * simply start a new entry (state new) and the flow would go on: nothing
 * forgotten (KERNEL-FACTS.md "Middlebox"). With loose=0 conntrack refuses to
 * pick a flow up mid-stream and marks the packet invalid: the first rule
 * stops it (counter "forgotten"). The second rule is the other mechanism,
 * a guard: a non-SYN packet that starts a flow; with loose=0 it never
 * matches, and if it moved the record says so (which counter moved is the
 * mechanism that worked). "reset" answers each stopped packet with a TCP
 * reset to its sender (nft reject), as many firewalls do.
 *
 * Recorded in env->record (fault_record.h; "middlebox" -> NAME): router, idle_timeout_s,
 * action, mechanism, nft commands, the sysctls as read back in the router
 * and, before and after, in the client (proof they are per-namespace),
 * on_ms, counter changes [[t_ms, forgotten, recreated], ...] and the finals.
 */
#include "fault/fault.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "obs/capture.h"
#include "netns/lab_fw.h"
#include "netns/lab_need.h"

#define FAULT_MBOX_FAMILY "inet"
#define FAULT_MBOX_TABLE "tcpfault_mbox"
#define FAULT_MBOX_CMDS_MAX 1024

/* The knobs, set in the router's namespace only. */
static const char *const fault_mbox_keys[] = {
	"net.netfilter.nf_conntrack_tcp_timeout_established",
	"net.netfilter.nf_conntrack_tcp_loose",
};

#define FAULT_MBOX_N_KEYS (sizeof(fault_mbox_keys) / sizeof(fault_mbox_keys[0]))

struct fault_mbox {
	const struct case_step *st;
	struct lab_fw *fw;
	uint64_t forgotten, recreated; /* as last read */
	struct fault_mbox_rec *rec; /* env->record.mbox */
};

static int fault_mbox_cmds(const struct case_step *st, char *buf, size_t len, struct tf_err *err)
{
	const char *T = FAULT_MBOX_FAMILY " " FAULT_MBOX_TABLE;
	const char *verdict = st->reset ? "reject with tcp reset" : "drop";
	char act[128];
	int n;

	/* Logged like a drop rule's: the sequence diagram names who lost it (capture.h). */
	snprintf(act, sizeof(act), "log prefix \"%s\" group %d snaplen %d %s", st->rule.name,
		 CAPTURE_NFLOG_GROUP, CAPTURE_SNAPLEN, verdict);
	n = snprintf(
		buf, len,
		"add table %s\n"
		"add counter %s forgotten\nadd counter %s recreated\n"
		"add chain %s c_mbox { type filter hook forward priority 0; policy accept; }\n"
		"add rule %s c_mbox meta l4proto tcp ct state invalid counter name forgotten %s\n"
		"add rule %s c_mbox meta l4proto tcp ct state new tcp flags & (syn | ack) != syn counter name recreated %s\n",
		T, T, T, T, T, act, T, act);

	if (n < 0 || (size_t)n >= len)
		return tf_err_set(err, -E2BIG, "middlebox %s: nft commands too long",
				  st->rule.name);
	return 0;
}

/* The knobs of @host, read now; an unreadable one is not known. */
static void fault_mbox_read(struct fault_env *env, int host, struct fault_mbox_knob *out)
{
	struct tf_err e;

	for (size_t i = 0; i < FAULT_MBOX_N_KEYS; i++) {
		int ret = lab_sysctl_get(env->lab, host, fault_mbox_keys[i], out[i].value,
					 sizeof(out[i].value), &e);

		out[i].known = ret >= 0;
	}
}

static bool fault_mbox_same(const struct fault_mbox_knob *a, const struct fault_mbox_knob *b)
{
	for (size_t i = 0; i < FAULT_MBOX_N_KEYS; i++)
		if (a[i].known != b[i].known || (a[i].known && strcmp(a[i].value, b[i].value)))
			return false;
	return true;
}

/* A host other than the router to prove the knobs per-namespace: the client. */
static int fault_mbox_witness(const struct fault_env *env)
{
	for (int h = 0; h < env->c->n_hosts; h++)
		if (!strcmp(env->c->hosts[h], "client"))
			return h;
	return -1;
}

/* Set the knobs in the router; the witness's must not move. 0 or -errno. */
static int fault_mbox_sysctls(struct fault_env *env, const struct case_step *st,
			      struct fault_mbox_rec *rec, struct tf_err *err)
{
	int w = fault_mbox_witness(env);
	char idle[32];
	int ret;

	rec->has_witness = w >= 0;
	if (w >= 0)
		fault_mbox_read(env, w, rec->before);
	snprintf(idle, sizeof(idle), "%" PRId64, st->idle_ms / 1000);
	ret = lab_sysctl_set(env->lab, st->host, fault_mbox_keys[0], idle, err);
	if (ret == 0)
		ret = lab_sysctl_set(env->lab, st->host, fault_mbox_keys[1], "0", err);
	if (ret == -ENOENT) {
		char why[sizeof(err->msg)];

		snprintf(why, sizeof(why), "%s", err->msg);
		ret = tf_err_set(err, -EOPNOTSUPP,
				 "middlebox %s: missing " LAB_NEED_CONNTRACK
				 ": no conntrack sysctls in %s: %.300s",
				 st->rule.name, env->c->hosts[st->host], why);
	}
	if (w >= 0)
		fault_mbox_read(env, w, rec->after);
	fault_mbox_read(env, st->host, rec->router);
	rec->has_sysctls = true;
	if (ret == 0 && w >= 0 && !fault_mbox_same(rec->before, rec->after))
		ret = tf_err_set(
			err, -EPROTO,
			"middlebox %s: setting conntrack's sysctls in %s changed them in client too: they are not per-namespace on this kernel",
			st->rule.name, env->c->hosts[st->host]);
	return ret;
}

static int fault_middlebox(struct fault_env *env, const struct plan_step *ps, int64_t *t_ns,
			   struct tf_err *err)
{
	const struct case_step *st = ps->st;
	struct fault_mbox *mb;
	char cmds[FAULT_MBOX_CMDS_MAX], text[300];
	int ret;

	if (env->mbox)
		return tf_err_set(err, -EEXIST, "middlebox %s: the router has one already",
				  st->rule.name);
	ret = fault_mbox_cmds(st, cmds, sizeof(cmds), err);
	if (ret)
		return ret;
	mb = env->mbox = calloc(1, sizeof(*mb));
	if (!mb)
		return tf_err_set(err, -ENOMEM, "out of memory");
	mb->st = st;
	mb->rec = env->record.mbox = calloc(1, sizeof(*mb->rec));
	if (!mb->rec)
		return tf_err_set(err, -ENOMEM, "out of memory");
	fault_record_touch(&env->record, FAULT_REC_MBOX, -1);
	env->record.mbox_keys = fault_mbox_keys;
	mb->rec->st = st;
	snprintf(mb->rec->nft, sizeof(mb->rec->nft), "%s", cmds);
	ret = lab_fw_open(env->lab, st->host, &mb->fw, err);
	/* The rules first: "ct state" brings conntrack (and its sysctls) into the namespace. */
	if (ret == 0)
		ret = lab_fw_run(mb->fw, cmds, err);
	if (ret == 0)
		ret = fault_mbox_sysctls(env, st, mb->rec, err);
	*t_ns = mono_ns();
	if (ret)
		return ret;
	mb->rec->has_on = true;
	mb->rec->on_ms = env->t0_ns ? (*t_ns - env->t0_ns) / 1000000 : 0;
	snprintf(text, sizeof(text),
		 "middlebox %s in %s: conntrack forgets a connection idle %" PRId64
		 " s (nf_conntrack_tcp_timeout_established=%" PRId64
		 ", nf_conntrack_tcp_loose=0, in %s only), then %s its packets",
		 st->rule.name, env->c->hosts[st->host], st->idle_ms / 1000, st->idle_ms / 1000,
		 env->c->hosts[st->host], st->reset ? "answers with a TCP reset" : "drops");
	env->log(env->log_arg, *t_ns, text);
	return 0;
}

static int fault_mbox_cb(const char *name, uint64_t packets, uint64_t bytes, void *arg)
{
	uint64_t *vals = arg;

	(void)bytes;
	if (!strcmp(name, "forgotten"))
		vals[0] = packets;
	else if (!strcmp(name, "recreated"))
		vals[1] = packets;
	return 0;
}

/* Read both counters; log and record a change. */
static int fault_mbox_read_counters(struct fault_env *env, int64_t t_ms, struct tf_err *err)
{
	struct fault_mbox *mb = env->mbox;
	uint64_t vals[2] = { mb->forgotten, mb->recreated };
	char text[200];
	int ret;

	ret = lab_fw_counters(mb->fw, FAULT_MBOX_FAMILY, FAULT_MBOX_TABLE, fault_mbox_cb, vals,
			      err);
	if (ret < 0 || (vals[0] == mb->forgotten && vals[1] == mb->recreated))
		return ret < 0 ? ret : 0;
	mb->forgotten = vals[0];
	mb->recreated = vals[1];
	fault_changes_add(&mb->rec->changes, t_ms, vals[0], vals[1]);
	snprintf(
		text, sizeof(text),
		"middlebox %s: %" PRIu64 " packets of forgotten flows %s (ct state invalid)%s",
		mb->st->rule.name, vals[0], mb->st->reset ? "reset" : "dropped",
		vals[1] ?
			"; and some re-created mid-stream (ct state new): nf_conntrack_tcp_loose is not 0" :
			"");
	env->log(env->log_arg, 0, text);
	return 0;
}

static void fault_mbox_tick(struct fault_env *env, int64_t t_ms)
{
	struct tf_err err;

	if (env->mbox && env->mbox->fw)
		fault_mbox_read_counters(env, t_ms, &err);
}

static void fault_mbox_finish(struct fault_env *env)
{
	struct fault_mbox *mb = env->mbox;
	struct obs_counter *k;
	struct tf_err err;

	if (!mb)
		return;
	if (mb->fw) {
		int64_t now = mono_ns();

		if (fault_mbox_read_counters(env, env->t0_ns ? (now - env->t0_ns) / 1000000 : 0,
					     &err) < 0)
			env->log(env->log_arg, 0, err.msg);
		lab_fw_run(mb->fw, "delete table " FAULT_MBOX_FAMILY " " FAULT_MBOX_TABLE, &err);
		lab_fw_close(mb->fw);
		if (env->n_counters < FAULT_MAX_RULES) {
			k = &env->counters[env->n_counters++];
			*k = (struct obs_counter){ .installed = true,
						   .packets = mb->forgotten + mb->recreated,
						   .matched = mb->forgotten + mb->recreated };
			snprintf(k->name, sizeof(k->name), "%s", mb->st->rule.name);
		}
		mb->rec->final = true;
		mb->rec->forgotten = mb->forgotten;
		mb->rec->recreated = mb->recreated;
	}
	free(mb);
	env->mbox = NULL;
}

static const struct fault_family fault_mbox_family = {
	.tick = fault_mbox_tick,
	.finish = fault_mbox_finish,
};

const struct fault_ops fault_middlebox_ops = { .apply = fault_middlebox,
					       .family = &fault_mbox_family };
