/* fault_crash.c - host crash, reboot and freeze.
 *
 * A host crash is two things at once (DESIGN.md, KERNEL-FACTS.md "Host crash"):
 * the host's processes stop (a cgroup freezer, lab_freeze.h) AND its kernel
 * falls silent: every interface of the host (lo aside) gets a netdev ingress
 * and a netdev egress chain that drop everything, ARP included. Freezing alone
 * is not a crash: the frozen host's kernel still ACKs data and answers
 * keepalive probes ("freeze HOST" shows it). Dropping on the host's own egress
 * is right here, and only here: a dead host emits nothing, not even the RST of
 * a socket destroyed during its reboot.
 *
 *   host-crash:  black-hole in (t = fault time) ── freeze the host's peer
 *   reboot:      [still black-holed] thaw + kill the processes ── SOCK_DESTROY
 *                every socket (orphans, TIME_WAIT, listeners) ── forget the
 *                learnt neighbour entries ── [listen PORT: a new peer
 *                listens] ── lift the black-hole (t = fault time)
 *
 * After the reboot the host's stack has no trace of its connections nor of
 * its neighbours: the peer's next segment gets RST (A08), sent once an ARP
 * exchange has found the peer again. What a reboot does not redo: the sysctls
 * stay (they are the host's configuration, which a real host reapplies at
 * boot), and so do the peers' neighbour entries for the rebooted host (its
 * MAC address is the same).
 *
 * Recorded in env->record (fault_record.h; "crash" -> HOST -> [ one per crash ]):
 *   interfaces, freezer ("cgroup2" / "freezer-v1" / null), frozen_pids,
 *   dropped {"in_eth0": {"packets", "bytes"}, "out_eth0": ...} (read when the
 *   black-hole is lifted, by the reboot or at the end of the run),
 *   reboot {"sockets_destroyed", "neighbours_flushed", "listen"} when rebooted.
 * "freeze" -> HOST -> {freezer, frozen_pids} for a freeze alone.
 */
#include "fault/fault.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "obs/capture.h"
#include "netns/lab_diag.h"
#include "netns/lab_freeze.h"
#include "netns/lab_fw.h"
#include "netns/lab_need.h"
#include "netns/lab_neigh.h"

#define FAULT_CRASH_TABLE "tcpfault_crash"
#define FAULT_CRASH_MAX_IFS 8
/* Before any other netdev chain a case may add (drop rules sit in inet tables). */
#define FAULT_CRASH_PRIO "-500"

struct fault_crash {
	struct lab_freezer *fz; /* the host's frozen processes; NULL: none */
	struct lab_fw *fw; /* NULL until the first black-hole */
	bool holed; /* the black-hole table is in place */
	const char *ifs[FAULT_CRASH_MAX_IFS]; /* static strings (the plan's) */
	int n_ifs;
	int rec; /* the current crash's index in env->record.crash[host]; -1: none */
	bool shared_frozen; /* froze env->groups[host], the host's programs' group */
};

static struct fault_crash *fault_crash_of(struct fault_env *env, int host)
{
	if (!env->crash[host]) {
		env->crash[host] = calloc(1, sizeof(*env->crash[host]));
		if (env->crash[host])
			env->crash[host]->rec = -1;
	}
	return env->crash[host];
}

/* A new crash event of @host, made current; NULL when out of memory. */
static struct fault_crash_event *fault_crash_event_new(struct fault_env *env, int host,
						       struct fault_crash *cr)
{
	struct fault_record *r = &env->record;
	struct fault_crash_event *ev;

	fault_record_touch(r, FAULT_REC_CRASH, host);
	ev = fault_record_grow(&r->crash[host], &r->n_crash[host], &r->cap_crash[host],
			       sizeof(*r->crash[host]));
	cr->rec = ev ? r->n_crash[host] - 1 : -1;
	return ev;
}

/* The current crash event of @host, or NULL. */
static struct fault_crash_event *fault_crash_event(struct fault_env *env, int host,
						   const struct fault_crash *cr)
{
	return cr->rec >= 0 ? &env->record.crash[host][cr->rec] : NULL;
}

/* Freeze the host's programs' group (run_exec.c made it; the peer joins it). */
static int fault_crash_freeze_shared(struct fault_env *env, int host, struct fault_crash *cr,
				     struct fault_frozen *rec, struct tf_err *err)
{
	struct lab_freezer *fz = env->groups[host];
	pid_t pid = env->peer_pids[host];
	int ret = 0;

	if (pid && !env->peer_dead[host]) {
		ret = lab_freezer_add(fz, pid, err);
		rec->pids[rec->n_pids++] = pid;
	}
	if (!ret)
		ret = lab_freezer_set(fz, true, err);
	if (ret)
		return ret;
	cr->shared_frozen = true;
	rec->freezer = FAULT_FREEZER_KIND;
	snprintf(rec->freezer_kind, sizeof(rec->freezer_kind), "%s", lab_freezer_kind(fz));
	return 0;
}

/* Freeze the host's peer process, if it has a live one (the group is made
 * once and kept until the reboot or the end of the run), and its programs. */
static int fault_crash_freeze(struct fault_env *env, int host, struct fault_crash *cr,
			      struct fault_frozen *rec, struct tf_err *err)
{
	pid_t pid = env->peer_pids[host];
	int ret;

	*rec = (struct fault_frozen){ .has_pids = true, .freezer = FAULT_FREEZER_ABSENT };
	if (env->groups[host])
		return fault_crash_freeze_shared(env, host, cr, rec, err);
	if (!pid || env->peer_dead[host]) {
		rec->freezer = FAULT_FREEZER_NONE;
		return 0;
	}
	if (!cr->fz) {
		ret = lab_freezer_new(env->c->hosts[host], env->freezer, &cr->fz, err);
		if (ret == 0)
			ret = lab_freezer_add(cr->fz, pid, err);
		if (ret)
			return ret;
	}
	ret = lab_freezer_set(cr->fz, true, err);
	if (ret)
		return ret;
	rec->pids[rec->n_pids++] = pid;
	rec->freezer = FAULT_FREEZER_KIND;
	snprintf(rec->freezer_kind, sizeof(rec->freezer_kind), "%s", lab_freezer_kind(cr->fz));
	return 0;
}

/* The nft commands of the black-hole: per interface a counter and a chain on
 * each hook, its one rule counting and dropping everything. */
static int fault_crash_cmds(const struct fault_crash *cr, char *buf, size_t len)
{
	static const char *const hooks[2][2] = { { "in", "ingress" }, { "out", "egress" } };
	size_t used;
	int w;

	w = snprintf(buf, len, "add table netdev " FAULT_CRASH_TABLE "\n");
	for (int i = 0; w >= 0 && i < cr->n_ifs; i++) {
		for (int k = 0; k < 2; k++) {
			used = strlen(buf);
			w = snprintf(
				buf + used, len - used,
				"add counter netdev " FAULT_CRASH_TABLE " %s_%s\n"
				"add chain netdev " FAULT_CRASH_TABLE
				" %s_%s { type filter hook %s device \"%s\" priority " FAULT_CRASH_PRIO
				"; policy accept; }\n"
				"add rule netdev " FAULT_CRASH_TABLE
				" %s_%s counter name \"%s_%s\" "
				"log prefix \"host-crash\" group " CAPTURE_NFLOG_GROUP_STR
				" snaplen 128 drop\n",
				hooks[k][0], cr->ifs[i], hooks[k][0], cr->ifs[i], hooks[k][1],
				cr->ifs[i], hooks[k][0], cr->ifs[i], hooks[k][0], cr->ifs[i]);
			if (w < 0 || (size_t)w >= len - used)
				return -ENOSPC;
		}
	}
	return w < 0 ? -ENOSPC : 0;
}

/* Drop everything in and out of every interface of the host, atomically. */
static int fault_crash_hole(struct fault_env *env, int host, struct fault_crash *cr,
			    struct tf_err *err)
{
	const struct plan_host *ph = &env->plan->hosts[host];
	char cmds[4096];
	int ret;

	if (!cr->fw) {
		ret = lab_fw_open(env->lab, host, &cr->fw, err);
		if (ret)
			return ret;
	}
	cr->n_ifs = 0;
	for (int i = 0; i < ph->n_ifaces && cr->n_ifs < FAULT_CRASH_MAX_IFS; i++)
		if (strcmp(ph->ifaces[i], "lo") !=
		    0) /* what a host says to itself never leaves it */
			cr->ifs[cr->n_ifs++] = ph->ifaces[i];
	if (fault_crash_cmds(cr, cmds, sizeof(cmds)))
		return tf_err_set(err, -ENOSPC, "host-crash %s: too many interfaces",
				  env->c->hosts[host]);
	ret = lab_fw_run(cr->fw, cmds, err);
	if (ret == -EOPNOTSUPP) { /* the egress hook: Linux 5.16 */
		char why[sizeof(err->msg)];

		snprintf(why, sizeof(why), "%s", err->msg);
		return tf_err_set(err, ret,
				  "host-crash %s: missing " LAB_NEED_NFT_INGRESS
				  " or " LAB_NEED_NFT_EGRESS ": %.300s",
				  env->c->hosts[host], why);
	}
	if (ret)
		return ret;
	cr->holed = true;
	return 0;
}

static int fault_crash_counter_cb(const char *name, uint64_t packets, uint64_t bytes, void *arg)
{
	struct fault_crash_event *ev = arg;
	struct fault_counter_rec *k;

	if (ev->n_dropped == FAULT_CRASH_MAX_COUNTERS)
		return 0;
	k = &ev->dropped[ev->n_dropped++];
	snprintf(k->name, sizeof(k->name), "%s", name);
	k->packets = packets;
	k->bytes = bytes;
	return 0;
}

/* Read the black-hole's counters into the crash record, then delete its table. */
static int fault_crash_lift(struct fault_env *env, int host, struct fault_crash *cr,
			    struct tf_err *err)
{
	struct fault_crash_event *ev = fault_crash_event(env, host, cr), scratch = { 0 };

	if (!cr->holed)
		return 0;
	lab_fw_counters(cr->fw, "netdev", FAULT_CRASH_TABLE, fault_crash_counter_cb,
			ev ? ev : &scratch, NULL);
	if (ev)
		ev->has_dropped = true;
	cr->holed = false;
	return lab_fw_run(cr->fw, "delete table netdev " FAULT_CRASH_TABLE "\n", err);
}

static int fault_host_crash(struct fault_env *env, const struct plan_step *ps, int64_t *t_ns,
			    struct tf_err *err)
{
	const struct case_step *st = ps->st;
	struct fault_crash *cr = fault_crash_of(env, st->host);
	const char *host = env->c->hosts[st->host];
	struct fault_crash_event *ev;
	char text[256];
	int ret;

	ev = cr ? fault_crash_event_new(env, st->host, cr) : NULL;
	if (!ev)
		return tf_err_set(err, -ENOMEM, "host-crash %s: out of memory", host);
	ret = fault_crash_hole(env, st->host, cr, err);
	*t_ns = mono_ns(); /* from here the host is silent */
	ev = fault_crash_event(env, st->host, cr);
	if (ret == 0)
		ret = fault_crash_freeze(env, st->host, cr, &ev->frozen, err);
	ev->has_ifs = true;
	ev->n_ifs = cr->n_ifs;
	for (int i = 0; i < cr->n_ifs; i++)
		ev->ifs[i] = cr->ifs[i];
	if (ret)
		return ret;
	snprintf(text, sizeof(text),
		 "host-crash %s: %d interface%s black-holed both ways (ARP too), %s", host,
		 cr->n_ifs, cr->n_ifs == 1 ? "" : "s",
		 cr->shared_frozen ? "its processes frozen" :
		 cr->fz		   ? "peer frozen" :
				     "peer none to freeze");
	env->log(env->log_arg, *t_ns, text);
	return 0;
}

static int fault_freeze(struct fault_env *env, const struct plan_step *ps, int64_t *t_ns,
			struct tf_err *err)
{
	const struct case_step *st = ps->st;
	struct fault_crash *cr = fault_crash_of(env, st->host);
	const char *host = env->c->hosts[st->host];
	char text[200];
	int ret;

	if (!cr)
		return tf_err_set(err, -ENOMEM, "freeze %s: out of memory", host);
	fault_record_touch(&env->record, FAULT_REC_FREEZE, st->host);
	ret = fault_crash_freeze(env, st->host, cr, &env->record.freeze[st->host], err);
	*t_ns = mono_ns();
	if (ret)
		return ret;
	snprintf(text, sizeof(text), "freeze %s: %s (its kernel still answers)", host,
		 cr->shared_frozen ? "its processes frozen" :
		 cr->fz		   ? "peer process frozen" :
				     "no live peer process to freeze");
	env->log(env->log_arg, *t_ns, text);
	return 0;
}

/* Every socket of the host's namespace destroyed, as by a power cycle: the
 * kernel sends RST for the synchronized ones (tcp_abort()), which the
 * black-hole swallows. Return: the number destroyed, or -errno. */
static int fault_crash_destroy(struct fault_env *env, int host, struct tf_err *err)
{
	struct lab_diag *d;
	int n, again;

	n = lab_diag_open(lab_host_netns_fd(env->lab, host), &d, err);
	if (n)
		return n;
	n = lab_diag_destroy_all(d, err);
	/* A socket that changed under the first pass (a FIN_WAIT1 orphan turning
	 * into TIME_WAIT) is caught by the second. */
	again = n >= 0 ? lab_diag_destroy_all(d, err) : 0;
	lab_diag_close(d);
	if (n == -EOPNOTSUPP)
		return tf_err_set(err, n,
				  "reboot %s: missing " LAB_NEED_SOCK_DESTROY
				  ": the kernel cannot destroy sockets (CONFIG_INET_DIAG_DESTROY)",
				  env->c->hosts[host]);
	if (n < 0)
		return n;
	return again < 0 ? again : n + again;
}

static int fault_reboot(struct fault_env *env, const struct plan_step *ps, int64_t *t_ns,
			struct tf_err *err)
{
	const struct case_step *st = ps->st;
	struct fault_crash *cr = fault_crash_of(env, st->host);
	const char *host = env->c->hosts[st->host];
	struct fault_crash_event *ev;
	char text[256];
	int ret, n, neighs;

	if (!cr)
		return tf_err_set(err, -ENOMEM, "reboot %s: out of memory", host);
	/* The parser puts a host-crash first; a control run may have removed it:
	 * then the reboot black-holes the host itself before touching anything. */
	if (!cr->holed) {
		ev = fault_crash_event_new(env, st->host, cr);
		if (!ev)
			return tf_err_set(err, -ENOMEM, "reboot %s: out of memory", host);
		ev->implied_by_reboot = true;
		ret = fault_crash_hole(env, st->host, cr, err);
		if (ret)
			return ret;
	}
	/* Thaw before kill (a task frozen by the v1 freezer ignores SIGKILL);
	 * lab_freezer_free() does both and waits until the group is empty, so the
	 * process's sockets are closed (orphans now) before they are destroyed. */
	lab_freezer_free(cr->fz);
	cr->fz = NULL;
	if (env->groups[st->host] && env->kill_programs) /* the programs' group, peer in it */
		env->kill_programs(env->log_arg, st->host, "reboot");
	cr->shared_frozen = false;
	if (env->peer_pids[st->host])
		env->peer_dead[st->host] = true;
	n = fault_crash_destroy(env, st->host, err);
	if (n < 0)
		return n;
	/* A booting kernel knows no neighbour either: the first segment it
	 * answers waits for an ARP exchange, as after a real reboot. */
	neighs = lab_neigh_flush(env->lab, st->host, err);
	if (neighs < 0)
		return neighs;
	ev = fault_crash_event(env, st->host, cr);
	if (ev) {
		ev->has_reboot = true;
		ev->sockets_destroyed = n;
		ev->neighbours_flushed = neighs;
		ev->listen = st->port;
	}
	if (st->port) {
		ret = env->listen_again(env->log_arg, st->host, st->port, err);
		if (ret)
			return ret;
	}
	if (st->text) { /* reboot HOST exec COMMAND: the program starts on the fresh stack */
		ret = env->exec_again(env->log_arg, st->host, st, err);
		if (ret)
			return ret;
	}
	ret = fault_crash_lift(env, st->host, cr, err);
	*t_ns = mono_ns(); /* the host is back */
	if (ret)
		return ret;
	cr->rec = -1;
	snprintf(text, sizeof(text),
		 "reboot %s: processes killed, %d socket%s destroyed, %d neighbour entr%s "
		 "forgotten, black-hole lifted%s",
		 host, n, n == 1 ? "" : "s", neighs, neighs == 1 ? "y" : "ies",
		 st->port ? ", a new peer listens" :
		 st->text ? ", its program starts again" :
			    "");
	env->log(env->log_arg, *t_ns, text);
	return 0;
}

static void fault_crash_undo(struct fault_env *env)
{
	for (int h = 0; h < CASE_MAX_HOSTS; h++) {
		struct fault_crash *cr = env->crash[h];
		struct tf_err e;

		if (!cr)
			continue;
		/* Thaw (and kill) first: a v1-frozen task cannot even die. The
		 * programs' group is only thawed: the runner ends its programs. */
		lab_freezer_free(cr->fz);
		if (cr->shared_frozen && env->groups[h])
			lab_freezer_set(env->groups[h], false, &e);
		if (cr->fw)
			fault_crash_lift(env, h, cr, &e);
		lab_fw_close(cr->fw);
		free(cr);
		env->crash[h] = NULL;
	}
}

/* A crash, a reboot and a freeze share the per-host crash state; the undo
 * thaws what is frozen before anything else ends. A crashed host drops ARP
 * too (KERNEL-FACTS.md, "Host crash"). */
static const struct fault_family fault_crash_family = { .undo = fault_crash_undo };

const struct fault_ops fault_host_crash_ops = { .apply = fault_host_crash,
						.family = &fault_crash_family,
						.arp_silenced = true };
const struct fault_ops fault_reboot_ops = { .apply = fault_reboot, .family = &fault_crash_family };
const struct fault_ops fault_freeze_ops = { .apply = fault_freeze, .family = &fault_crash_family };
