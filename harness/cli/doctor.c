/* doctor.c - `tcpfault doctor`: probe the kernel for what the cases need
 * (doctor.h). Every probe runs in a forked child inside a private network
 * namespace, through the same netns/ calls the runs make, so that "ok" here
 * means the run's own code path works.
 */
#include "cli/doctor.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "netns/lab.h"
#include "netns/lab_diag.h"
#include "netns/lab_freeze.h"
#include "netns/lab_fw.h"
#include "netns/lab_need.h"
#include "obs/tcp_events.h"

/* What the probes share: the lab made by the namespace probe, the sockets the
 * sock_diag probe found for the SOCK_DESTROY probe. */
struct doctor_ctx {
	struct lab *lab;
	int host; /* lab host the probes use, -1 until the namespace probe worked */
	struct lab_diag *diag;
	struct lab_sock victim; /* a connected socket of ours, for SOCK_DESTROY */
	bool have_victim;
	int fds[3]; /* listener, client, accepted: -1 when closed */
};

enum doctor_need {
	DOCTOR_PRIV,
	DOCTOR_NETNS,
	DOCTOR_VETH,
	DOCTOR_SYSCTL,
	DOCTOR_NFT_INGRESS,
	DOCTOR_NFT_EGRESS,
	DOCTOR_CONNTRACK,
	DOCTOR_SOCK_DIAG,
	DOCTOR_SOCK_DESTROY,
	DOCTOR_FREEZER,
	DOCTOR_COUNT,
};

/* A probe: 0 (and maybe a detail for the ok line in @err) or -errno with the
 * reason in @err. */
typedef int (*doctor_probe_fn)(struct doctor_ctx *dc, struct tf_err *err);

struct doctor_check {
	const char *name; /* lab_need.h */
	doctor_probe_fn probe;
	int after; /* a check that must have passed first, or -1 */
	const char *fix; /* on a machine; in a container the fix is --privileged */
	const char *needed_by;
};

/* Effective capability bits from /proc/self/status ("CapEff:\t000001ffffffffff"). */
static uint64_t doctor_cap_eff(void)
{
	char line[256];
	uint64_t caps = 0;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "CapEff:", 7) == 0)
			caps = strtoull(line + 7, NULL, 16);
	fclose(f);
	return caps;
}

static int doctor_priv(struct doctor_ctx *dc, struct tf_err *err)
{
	/* capability(7): CAP_NET_ADMIN is 12, CAP_SYS_ADMIN 21 (setns, unshare,
	 * mount, cgroup writes). uid 0 alone is not enough in a container. */
	uint64_t caps = doctor_cap_eff(), need = (1ULL << 12) | (1ULL << 21);

	(void)dc;
	if ((caps & need) == need)
		return tf_err_set(err, 0, "%s", geteuid() == 0 ? "root" : "capabilities");
	return tf_err_set(err, -EPERM, "uid %d, effective capabilities %#llx lack %s%s%s",
			  (int)geteuid(), (unsigned long long)caps,
			  caps & (1ULL << 12) ? "" : "CAP_NET_ADMIN",
			  (caps & need) == 0 ? " and " : "",
			  caps & (1ULL << 21) ? "" : "CAP_SYS_ADMIN");
}

/* The private namespace first (nothing below touches the caller's), then a
 * lab host in a namespace of its own, as a run builds them. */
static int doctor_netns(struct doctor_ctx *dc, struct tf_err *err)
{
	int ret = lab_ns_enter_private(err);

	if (ret)
		return ret;
	dc->lab = lab_new();
	if (!dc->lab)
		return tf_err_set(err, -ENOMEM, "out of memory");
	ret = lab_host_add(dc->lab, "a", err);
	if (ret < 0)
		return ret;
	dc->host = ret;
	ret = lab_host_add(dc->lab, "b", err);
	return ret < 0 ? ret : 0;
}

static int doctor_veth(struct doctor_ctx *dc, struct tf_err *err)
{
	return lab_veth_add(dc->lab, dc->host, "dr0", dc->host + 1, "dr1", err);
}

static int doctor_sysctl(struct doctor_ctx *dc, struct tf_err *err)
{
	return lab_sysctl_set(dc->lab, dc->host, "net.ipv4.tcp_retries2", "5", err);
}

/* A netdev chain on @hook of lo in a table of its own (lo is always there, so
 * this does not depend on the veth probe). */
static int doctor_nft(struct doctor_ctx *dc, const char *hook, const char *rule, struct tf_err *err)
{
	struct lab_fw *fw;
	char cmds[512];
	int ret;

	ret = lab_fw_open(dc->lab, dc->host, &fw, err);
	if (ret)
		return ret;
	snprintf(cmds, sizeof(cmds),
		 "add table %s tfdoctor_%s\n"
		 "add chain %s tfdoctor_%s c { type filter hook %s%s priority 0; policy accept; }\n"
		 "add rule %s tfdoctor_%s c %s\n",
		 rule ? "inet" : "netdev", hook, rule ? "inet" : "netdev", hook, hook,
		 rule ? "" : " device \"lo\"", rule ? "inet" : "netdev", hook,
		 rule ? rule : "counter accept");
	ret = lab_fw_run(fw, cmds, err);
	lab_fw_close(fw);
	return ret;
}

static int doctor_ingress(struct doctor_ctx *dc, struct tf_err *err)
{
	return doctor_nft(dc, "ingress", NULL, err);
}

static int doctor_egress(struct doctor_ctx *dc, struct tf_err *err)
{
	/* Linux 5.16 (CONFIG_NETFILTER_EGRESS): older kernels say "Operation
	 * not supported", which a run turns into a skip of the host crashes. */
	return doctor_nft(dc, "egress", NULL, err);
}

/* The middlebox's rules match on ct state and its knobs are conntrack's
 * per-namespace sysctls (fault_mbox.c): both must work. The rule loads
 * nf_conntrack (module autoload), which makes the sysctls appear. */
static int doctor_conntrack(struct doctor_ctx *dc, struct tf_err *err)
{
	char val[64];
	int ret = doctor_nft(dc, "forward", "ct state invalid counter drop", err);

	if (ret)
		return ret;
	ret = lab_sysctl_get(dc->lab, dc->host,
			     "net.netfilter.nf_conntrack_tcp_timeout_established", val, sizeof(val),
			     err);
	if (ret == -ENOENT)
		return tf_err_set(err, -EOPNOTSUPP,
				  "no net.netfilter.nf_conntrack_* sysctls in a new namespace");
	return ret;
}

/* A listener, a client connected to it and the accepted end, on 127.0.0.1 of
 * the lab host (bound to port 0: nothing can collide). 0 or -errno. */
static int doctor_sockets(struct doctor_ctx *dc, struct tf_err *err)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sin);
	int saved = lab_enter(dc->lab, dc->host), ret = 0;

	if (saved < 0)
		return tf_err_set(err, saved, "enter the lab namespace: %s", strerror(-saved));
	dc->fds[0] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	dc->fds[1] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (dc->fds[0] < 0 || dc->fds[1] < 0 ||
	    bind(dc->fds[0], (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    listen(dc->fds[0], 1) < 0 ||
	    getsockname(dc->fds[0], (struct sockaddr *)&sin, &len) < 0 ||
	    connect(dc->fds[1], (struct sockaddr *)&sin, sizeof(sin)) < 0)
		ret = -errno;
	if (!ret) {
		dc->fds[2] = accept4(dc->fds[0], NULL, NULL, SOCK_CLOEXEC);
		if (dc->fds[2] < 0)
			ret = -errno;
	}
	lab_leave(saved);
	return ret ? tf_err_set(err, ret, "a TCP connection on lo: %s", strerror(-ret)) : 0;
}

/* Keep the first ESTABLISHED socket of the dump: SOCK_DESTROY's victim. */
static int doctor_dump_cb(const struct lab_sock *s, void *arg)
{
	struct doctor_ctx *dc = arg;

	if (!dc->have_victim && s->state == 1 /* TCP_ESTABLISHED */) {
		dc->victim = *s;
		dc->have_victim = true;
	}
	return 0;
}

static int doctor_sock_diag(struct doctor_ctx *dc, struct tf_err *err)
{
	int ret = doctor_sockets(dc, err);

	if (ret)
		return ret;
	ret = lab_diag_open(lab_host_netns_fd(dc->lab, dc->host), &dc->diag, err);
	if (ret)
		return ret;
	ret = lab_diag_dump(dc->diag, doctor_dump_cb, dc, err);
	if (ret < 0)
		return ret;
	if (ret < 3 || !dc->have_victim)
		return tf_err_set(err, -EPROTO, "the dump listed %d of our 3 sockets", ret);
	return 0;
}

/* A reboot destroys every socket of the host (fault_crash.c): destroy one of
 * ours the same way. Without CONFIG_INET_DIAG_DESTROY the kernel answers
 * EOPNOTSUPP, and lab_diag.c's message says so. */
static int doctor_destroy(struct doctor_ctx *dc, struct tf_err *err)
{
	return lab_diag_destroy(dc->diag, &dc->victim, err);
}

/* A child that only waits, frozen and thawed on one hierarchy, then killed
 * and its group removed by lab_freezer_free(). 0 or -errno. */
static int doctor_freeze_one(enum lab_freezer_want want, struct tf_err *err)
{
	struct lab_freezer *fz;
	pid_t pid;
	int ret = lab_freezer_new("doctor", want, &fz, err);

	if (ret)
		return ret;
	pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (;;)
			pause();
	}
	ret = pid < 0 ? tf_err_set(err, -errno, "fork: %s", strerror(errno)) :
			lab_freezer_add(fz, pid, err);
	if (!ret)
		ret = lab_freezer_set(fz, true, err);
	if (!ret)
		ret = lab_freezer_set(fz, false, err);
	lab_freezer_free(fz);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return ret;
}

/* Either freezer will do (a run takes cgroup2 first); the ok line says which
 * work, for `tcpfault run --freezer`. */
static int doctor_freezer(struct doctor_ctx *dc, struct tf_err *err)
{
	struct tf_err e2 = { "" }, e1 = { "" };
	int r2 = doctor_freeze_one(LAB_FREEZER_CGROUP2, &e2);
	int r1 = doctor_freeze_one(LAB_FREEZER_V1, &e1);

	(void)dc;
	if (r2 && r1)
		return tf_err_set(err, r2 == -EOPNOTSUPP ? r1 : r2, "%.200s; %.200s", e2.msg,
				  e1.msg);
	return tf_err_set(err, 0, "%s",
			  !r2 && !r1 ? "cgroup2 and freezer-v1" :
			  !r2	     ? "cgroup2 (no freezer-v1)" :
				       "freezer-v1 (no cgroup2 freezer)");
}

static const struct doctor_check doctor_checks[DOCTOR_COUNT] = {
	[DOCTOR_PRIV] = { LAB_NEED_PRIV, doctor_priv, -1, "run as root (sudo)", "every case" },
	[DOCTOR_NETNS] = { LAB_NEED_NETNS, doctor_netns, -1,
			   "a kernel with CONFIG_NET_NS; no seccomp or LSM policy denying unshare",
			   "every case" },
	[DOCTOR_VETH] = { LAB_NEED_VETH, doctor_veth, DOCTOR_NETNS, "modprobe veth (CONFIG_VETH)",
			  "every case" },
	[DOCTOR_SYSCTL] = { LAB_NEED_SYSCTL, doctor_sysctl, DOCTOR_NETNS,
			    "/proc/sys mounted read-write", "every case" },
	[DOCTOR_NFT_INGRESS] = { LAB_NEED_NFT_INGRESS, doctor_ingress, DOCTOR_NETNS,
				 "modprobe nf_tables (CONFIG_NF_TABLES_NETDEV)",
				 "drops, host-crash" },
	[DOCTOR_NFT_EGRESS] = { LAB_NEED_NFT_EGRESS, doctor_egress, DOCTOR_NETNS,
				"Linux 5.16 or later with CONFIG_NETFILTER_EGRESS",
				"host-crash (a dead host's own egress)" },
	[DOCTOR_CONNTRACK] = { LAB_NEED_CONNTRACK, doctor_conntrack, DOCTOR_NETNS,
			       "modprobe nf_conntrack (CONFIG_NF_CONNTRACK, CONFIG_NFT_CT)",
			       "middlebox" },
	[DOCTOR_SOCK_DIAG] = { LAB_NEED_SOCK_DIAG, doctor_sock_diag, DOCTOR_NETNS,
			       "modprobe inet_diag tcp_diag (CONFIG_INET_TCP_DIAG)",
			       "every case (the observer)" },
	[DOCTOR_SOCK_DESTROY] = { LAB_NEED_SOCK_DESTROY, doctor_destroy, DOCTOR_SOCK_DIAG,
				  "a kernel with CONFIG_INET_DIAG_DESTROY=y",
				  "host-crash (reboot)" },
	[DOCTOR_FREEZER] = { LAB_NEED_FREEZER, doctor_freezer, -1,
			     "cgroup2 with cgroup.freeze (Linux 5.2) or the v1 freezer mounted read-write",
			     "host-crash" },
};

/* In a container the missing pieces are almost always what the engine
 * withholds (capabilities, a read-only /proc/sys or /sys/fs/cgroup, a
 * seccomp filter), and one flag gives them all. */
static bool doctor_in_container(void)
{
	const char *c = getenv("container");

	return access("/run/.containerenv", F_OK) == 0 || access("/.dockerenv", F_OK) == 0 ||
	       (c && *c);
}

/* The observer's path (obs.h): not a requirement, since without it the run
 * polls (every case still runs), so a line of its own that counts for nothing. */
static void doctor_observer(FILE *out)
{
	struct tf_err err = { "" };
	struct tcp_events *te;

	if (tcp_events_open(&te, &err) < 0) {
		fprintf(out,
			"note    kernel TCP events (BPF) %s: runs observe by polling sock_diag "
			"every 10 ms (--observer polling; a third of a core per case)\n",
			err.msg);
		return;
	}
	const char *why = "";
	int probes = tcp_events_probes(te, &why);

	fprintf(out,
		"ok      kernel TCP events (BPF): runs observe with events (--observer auto)%s%s\n",
		probes ? "" : "; window probes sampled, no fexit on tcp_send_probe0: ",
		probes ? "" : why);
	tcp_events_close(te);
}

/* Run the checks in order, one line each; the number that failed. Each
 * probe runs even when the privilege check failed: its own error says more
 * (a container may grant the capabilities but keep /proc/sys read-only). */
static int doctor_checks_run(FILE *out)
{
	struct doctor_ctx dc = { .host = -1, .fds = { -1, -1, -1 } };
	bool passed[DOCTOR_COUNT] = { false }, container = doctor_in_container();
	int missing = 0;

	for (int i = 0; i < DOCTOR_COUNT; i++) {
		const struct doctor_check *ck = &doctor_checks[i];
		struct tf_err err = { "" };
		int ret;

		if (ck->after >= 0 && !passed[ck->after])
			ret = tf_err_set(&err, -ENOTRECOVERABLE, "needs %s (above)",
					 doctor_checks[ck->after].name);
		else
			ret = ck->probe(&dc, &err);
		passed[i] = ret == 0;
		if (passed[i]) {
			fprintf(out, "ok      %s%s%s\n", ck->name, err.msg[0] ? ": " : "", err.msg);
		} else {
			missing++;
			fprintf(out, "missing %s: %s; fix: %s (needed by: %s)\n", ck->name,
				err.msg[0] ? err.msg : strerror(-ret),
				container ? "start the container with --privileged" : ck->fix,
				ck->needed_by);
		}
		fflush(out);
	}
	doctor_observer(out);
	for (int i = 0; i < 3; i++)
		if (dc.fds[i] >= 0)
			close(dc.fds[i]);
	lab_diag_close(dc.diag);
	lab_free(dc.lab);
	return missing;
}

int doctor_run(FILE *out)
{
	int status, missing;
	pid_t pid;

	fflush(out);
	pid = fork();
	if (pid < 0) {
		fprintf(out, "missing %s: fork: %s\n", LAB_NEED_NETNS, strerror(errno));
		return 4;
	}
	if (pid == 0) {
		/* The probes' namespaces, sockets and groups die with this child. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		missing = doctor_checks_run(out);
		fflush(out);
		_exit(missing > 100 ? 100 : missing);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status)) {
		fprintf(out, "missing: the probes died (signal %d)\n",
			WIFSIGNALED(status) ? WTERMSIG(status) : 0);
		return 4;
	}
	missing = WEXITSTATUS(status);
	fprintf(out, "%s\n",
		missing ? "some shipped cases would skip here" : "every shipped case can run here");
	return missing ? 4 : 0;
}
