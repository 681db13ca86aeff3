/* run_exec_io.c - the programs' output, scratch directories, steps and
 * readiness waits; see run_exec.h.
 */
#include "run/run_priv.h"
#include "run/run_exec.h"
#include "run/run_exec_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <pwd.h>
#include <regex.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <sys/stat.h>

#include "common/clock.h"
#include "common/dirs.h"
#include "common/vec.h"
#include "netns/lab_diag.h"

#define RUN_EXEC_WAIT_POLL_MS 20 /* how often a wait looks at the host's sockets */
#define RUN_EXEC_REASON_LINES 3 /* the program's last lines in an error */

/* A timeline event of host @h's program at monotonic @t_ns (0: now). */
void run_exec_event(struct run_ctx *rc, int h, int64_t t_ns, const char *call, const char *fmt, ...)
{
	char text[RUN_EXEC_LINE_MAX + 64];
	va_list ap;
	json_t *ev;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	t_ns = t_ns ? t_ns : mono_ns();
	ev = json_pack("{sI ss ss ss ss}", "t_ns", (json_int_t)t_ns, "src", rc->c->hosts[h], "kind",
		       "program", "call", call, "text", text);
	if (!ev)
		return;
	if (!rc->clock_started) { /* its case time is known at t=0 (run_clock_start()) */
		json_object_set_new(ev, "_host", json_integer(-1));
		json_array_append_new(rc->pending, ev);
		return;
	}
	run_peer_event(rc, -1, ev);
}

static void exec_line(struct run_ctx *rc, int h, bool err, const char *s, size_t n)
{
	struct run_exec_host *eh = &rc->progs->h[h];
	struct run_exec_line *l;

	if (n && s[n - 1] == '\r')
		n--;
	l = vec_push(&eh->lines, &eh->n_lines, &eh->cap_lines, sizeof(*l));
	if (!l)
		return;
	*l = (struct run_exec_line){ .t_ns = mono_ns(), .err = err, .text = strndup(s, n) };
	if (!l->text) {
		eh->n_lines--;
		return;
	}
	run_exec_event(rc, h, l->t_ns, err ? "stderr" : "stdout", "%s", l->text);
}

/* Read what fd @k (0 stdout, 1 stderr) of @h holds, line by line. */
static void exec_read_fd(struct run_ctx *rc, int h, int k)
{
	struct run_exec_host *eh = &rc->progs->h[h];
	char *nl;
	ssize_t n;

	while (eh->fd[k] >= 0) {
		n = read(eh->fd[k], eh->buf[k] + eh->len[k], sizeof(eh->buf[k]) - eh->len[k]);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) { /* EOF: every writer is gone; a last line without newline */
			if (eh->len[k])
				exec_line(rc, h, k, eh->buf[k], eh->len[k]);
			eh->len[k] = 0;
			close(eh->fd[k]);
			eh->fd[k] = -1;
			return;
		}
		eh->len[k] += (size_t)n;
		while ((nl = memchr(eh->buf[k], '\n', eh->len[k]))) {
			size_t used = (size_t)(nl - eh->buf[k]) + 1;

			exec_line(rc, h, k, eh->buf[k], used - 1);
			eh->len[k] -= used;
			memmove(eh->buf[k], nl + 1, eh->len[k]);
		}
		if (eh->len[k] == sizeof(eh->buf[k])) { /* a line longer than the buffer */
			exec_line(rc, h, k, eh->buf[k], eh->len[k]);
			eh->len[k] = 0;
		}
	}
}

void run_exec_read(struct run_ctx *rc, int h)
{
	exec_read_fd(rc, h, 0);
	exec_read_fd(rc, h, 1);
}

/* After an exit: what is left in the pipes (a child of the program may still
 * hold them: then only what is there now). */
void run_exec_drain(struct run_ctx *rc, int h)
{
	run_exec_read(rc, h);
}

int run_exec_fds(struct run_ctx *rc, struct pollfd *pfd, int max)
{
	int n = 0;

	for (int h = 0; rc->progs && h < rc->c->n_hosts; h++)
		for (int k = 0; k < 2 && n < max; k++)
			if (rc->progs->h[h].fd[k] >= 0)
				pfd[n++] = (struct pollfd){ .fd = rc->progs->h[h].fd[k],
							    .events = POLLIN };
	return n;
}

/* Is @prog there: a path (glob patterns allowed) or a name in PATH? */
static bool need_found(const char *prog)
{
	char path[4096 + CASE_NEED_MAX + 2], dir[4096];
	const char *env = getenv("PATH");
	glob_t g;
	bool found;

	if (strchr(prog, '/')) {
		found = glob(prog, 0, NULL, &g) == 0 && g.gl_pathc > 0;
		if (found)
			found = access(g.gl_pathv[0], X_OK) == 0;
		globfree(&g);
		return found;
	}
	for (const char *s = env ? env : "/usr/bin:/bin"; *s;) {
		size_t n = strcspn(s, ":");

		snprintf(dir, sizeof(dir), "%.*s", (int)n, s);
		snprintf(path, sizeof(path), "%s/%s", dir[0] ? dir : ".", prog);
		if (access(path, X_OK) == 0)
			return true;
		s += n + (s[n] == ':');
	}
	return false;
}

/* The host's user, from its "HOST user NAME" step. */
static int exec_user(struct run_ctx *rc, int h, char *reason, size_t len)
{
	struct run_exec_host *eh = &rc->progs->h[h];
	const struct case_def *c = rc->c;

	for (int i = 0; i < c->n_steps; i++) {
		const struct case_step *st = &c->steps[i];
		const struct passwd *pw;

		if (st->host != h || st->kind != CASE_STEP_USER)
			continue;
		pw = getpwnam(case_text(c, st->text));
		if (!pw) {
			snprintf(reason, len, "%s:%u: unknown user '%s' on this machine",
				 st->loc.file, st->loc.line, case_text(c, st->text));
			return -EINVAL;
		}
		snprintf(eh->user, sizeof(eh->user), "%s", pw->pw_name);
		snprintf(eh->home, sizeof(eh->home), "%s", pw->pw_dir);
		eh->uid = pw->pw_uid;
		eh->gid = pw->pw_gid;
	}
	return 0;
}

/* The case's needs, its users, and a scratch directory per host. */
int run_exec_prepare(struct run_ctx *rc, char *reason, size_t len)
{
	const struct case_def *c = rc->c;
	struct run_progs *pr = rc->progs;
	int ret;

	for (int i = 0; i < c->n_needs; i++) {
		const struct case_need *n = &c->needs[i];

		if (need_found(n->program))
			continue;
		snprintf(reason, len, "needs %s%s%s%s: not installed (%s:%u)", n->program,
			 n->package[0] ? " (Debian package " : "", n->package,
			 n->package[0] ? ")" : "", n->loc.file, n->loc.line);
		return -EOPNOTSUPP;
	}
	if (!realpath(c->file, pr->case_dir))
		snprintf(pr->case_dir, sizeof(pr->case_dir), "%s", c->file);
	*(strrchr(pr->case_dir, '/') ?: pr->case_dir) = '\0';
	snprintf(pr->tmp, sizeof(pr->tmp), "/tmp/tcpfault-exec.%d.XXXXXX", (int)getpid());
	if (!mkdtemp(pr->tmp)) {
		snprintf(reason, len, "scratch directory: %s", strerror(errno));
		pr->tmp[0] = '\0';
		return -errno;
	}
	chmod(pr->tmp, 0755);
	for (int h = 0; h < c->n_hosts; h++) {
		struct run_exec_host *eh = &pr->h[h];

		if (!case_host_runs_program(c, h))
			continue;
		ret = exec_user(rc, h, reason, len);
		if (ret)
			return ret;
		snprintf(eh->tmp, sizeof(eh->tmp), "%s/%s", pr->tmp, c->hosts[h]);
		if (mkdir(eh->tmp, 0700) < 0 || (eh->user[0] && chown(eh->tmp, eh->uid, eh->gid))) {
			snprintf(reason, len, "scratch directory %s: %s", eh->tmp, strerror(errno));
			return -errno;
		}
	}
	return 0;
}

void run_exec_rmtmp(struct run_ctx *rc)
{
	if (rc->progs->tmp[0])
		dirs_remove(rc->progs->tmp);
	rc->progs->tmp[0] = '\0';
}

/* "the last lines: a | b | c" of host @h's program into @buf. */
static void last_lines(const struct run_exec_host *eh, char *buf, size_t len)
{
	int from = eh->n_lines - RUN_EXEC_REASON_LINES;
	size_t n;

	from = from < eh->lines_from ? eh->lines_from : from;
	n = (size_t)snprintf(buf, len, from < eh->n_lines ? "; its last lines: " : "; no output");
	for (int i = from; i < eh->n_lines && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%.120s", i > from ? " | " : "",
				      eh->lines[i].text);
}

/* Does the ESTABLISHED or LISTEN socket the wait looks for exist now? */
struct wait_look {
	const struct case_step *st;
	char want[64]; /* connected: the remote "198.18.0.2:5432" */
	bool found;
};

static int wait_on_sock(const struct lab_sock *s, void *arg)
{
	struct wait_look *w = arg;
	char remote[64];

	if (w->st->wait_kind == CASE_WAIT_LISTENING) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)&s->local;

		w->found |= s->state == TCP_LISTEN && ntohs(in->sin_port) == w->st->port;
		return 0;
	}
	obs_format_addr(&s->remote, remote, sizeof(remote));
	w->found |= s->state == TCP_ESTABLISHED && !strcmp(remote, w->want);
	return 0;
}

static bool wait_ready(struct run_ctx *rc, struct lab_diag *d, struct wait_look *w)
{
	const struct run_exec_host *eh = &rc->progs->h[w->st->host];
	regex_t rx;
	bool ok = false;

	if (w->st->wait_kind != CASE_WAIT_OUTPUT) {
		w->found = false;
		lab_diag_dump(d, wait_on_sock, w, &(struct tf_err){ "" });
		return w->found;
	}
	if (regcomp(&rx, case_text(rc->c, w->st->text), REG_EXTENDED | REG_NOSUB))
		return false;
	for (int i = eh->lines_from; i < eh->n_lines && !ok; i++)
		ok = regexec(&rx, eh->lines[i].text, 0, NULL, 0) == 0;
	regfree(&rx);
	return ok;
}

/* HOST wait ...: until ready, the program's exit or the timeout. */
static int exec_wait(struct run_ctx *rc, const struct plan_step *ps, char *reason, size_t len)
{
	const struct case_step *st = ps->st;
	const struct run_exec_host *eh = &rc->progs->h[st->host];
	int64_t deadline = mono_ns() + st->timeout_ms * 1000000LL;
	struct wait_look w = { .st = st };
	struct lab_diag *d = NULL;
	char why[700], secs[32];
	int ret = 0;

	if (st->wait_kind == CASE_WAIT_CONNECTED) {
		struct sockaddr_storage ss;

		if (plan_host_addr(rc->p, st->target_host, st->port, &ss) == 0)
			obs_format_addr(&ss, w.want, sizeof(w.want));
	}
	if (st->wait_kind != CASE_WAIT_OUTPUT)
		ret = lab_diag_open(lab_host_netns_fd(rc->lab, st->host), &d,
				    &(struct tf_err){ "" });
	while (!ret && !wait_ready(rc, d, &w)) {
		if (!eh->running)
			ret = -ESRCH;
		else if (mono_ns() > deadline)
			ret = -ETIMEDOUT;
		else
			run_pump(rc, RUN_EXEC_WAIT_POLL_MS * 1000000LL);
	}
	lab_diag_close(d);
	if (!ret)
		return 0;
	last_lines(eh, why, sizeof(why));
	snprintf(secs, sizeof(secs), "%lld.%lld s", (long long)st->timeout_ms / 1000,
		 (long long)(st->timeout_ms % 1000) / 100);
	snprintf(reason, len, "%s:%u: '%s wait' %s%s", st->loc.file, st->loc.line,
		 rc->c->hosts[st->host],
		 ret == -ESRCH	   ? "failed: the program exited before it was ready" :
		 ret == -ETIMEDOUT ? "timed out: not ready after " :
				     "failed: cannot look at the host's sockets",
		 ret == -ETIMEDOUT ? secs : "");
	snprintf(reason + strlen(reason), len - strlen(reason), "%s", why);
	return ret;
}

int run_exec_setup(struct run_ctx *rc, int idx, char *reason, size_t len)
{
	const struct plan_step *ps = &rc->p->steps[idx];
	const struct case_step *st = ps->st;
	struct tf_err err = { "" };
	int ret;

	switch (st->kind) {
	case CASE_STEP_USER:
		return 0; /* run_exec_prepare() read it */
	case CASE_STEP_EXEC:
		ret = run_exec_start(rc, st->host, case_text(rc->c, st->text), &err);
		if (ret)
			snprintf(reason, len, "%s:%u: %s", st->loc.file, st->loc.line, err.msg);
		return ret;
	default:
		return exec_wait(rc, ps, reason, len);
	}
}

int run_exec_step(struct run_ctx *rc, int idx)
{
	const struct case_step *st = rc->p->steps[idx].st;

	if (st->kind != CASE_STEP_EXEC || !rc->progs)
		return tf_err_set(&rc->fault_err, -EINVAL, "'%s' is a setup step",
				  case_step_name(st->kind));
	return run_exec_start(rc, st->host, case_text(rc->c, st->text), &rc->fault_err);
}

/* "reboot HOST exec COMMAND" (fault_crash.c, while the host is black-holed). */
int run_exec_again(void *arg, int host, const struct case_step *st, struct tf_err *err)
{
	struct run_ctx *rc = arg;

	if (!rc->progs)
		return tf_err_set(err, -EINVAL, "reboot %s exec: no programs", rc->c->hosts[host]);
	return run_exec_start(rc, host, case_text(rc->c, st->text), err);
}
