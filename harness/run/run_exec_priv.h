/* run_exec_priv.h - internals of the programs' runner, shared by run_exec.c
 * (fork, group, exit, stop), run_exec_io.c (output lines, the scratch
 * directories, the steps and waits, the collected record) and
 * run_exec_conn.c (the host's connection). Not for other modules.
 */
#ifndef RUN_EXEC_PRIV_H
#define RUN_EXEC_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "case/case.h"
#include "obs/obs_program.h"
#include "netns/tf_err.h"

#define RUN_EXEC_LINE_MAX 4096 /* a longer line is cut into pieces of this size */

struct lab_freezer;
struct run_ctx;

struct run_exec_line {
	int64_t t_ns; /* monotonic: setup lines get their case time at the end */
	bool err;
	char *text;
};

/* One host's programs. */
struct run_exec_host {
	char user[CASE_NAME_MAX]; /* "HOST user NAME"; "" : root */
	uid_t uid;
	gid_t gid;
	char home[256];
	char tmp[300]; /* TCPFAULT_TMP: <run's dir>/<host>, owned by the user */
	struct lab_freezer *fz; /* the host's group; NULL before the first program, after a kill */
	pid_t pid; /* the current program's shell */
	bool running;
	const char *ending; /* set while the end stops it: its obs_proc.ended_by */
	int fd[2]; /* its stdout and stderr, non-blocking; -1: closed */
	char buf[2][RUN_EXEC_LINE_MAX];
	size_t len[2];
	struct run_exec_line *lines;
	int n_lines, cap_lines;
	int lines_from; /* the current program's first line (wait output) */
	struct obs_proc procs[OBS_MAX_PROCS];
	int64_t start_ns[OBS_MAX_PROCS], exit_ns[OBS_MAX_PROCS];
	int n_procs;
	struct obs_line *olines; /* the record's lines (run_exec_collect()) */
	struct obs_program obs;
};

struct run_progs {
	struct run_exec_host h[CASE_MAX_HOSTS];
	char tmp[256]; /* the run's scratch directory; "" : none */
	char case_dir[4096]; /* TCPFAULT_CASE_DIR: the case file's directory, absolute */
	bool stopped;
	int64_t end_ns; /* the case's end (run_exec_stop()) */
};

/* run_exec.c */
int run_exec_start(struct run_ctx *rc, int h, const char *cmd, struct tf_err *err);

/* run_exec_io.c */
void run_exec_event(struct run_ctx *rc, int h, int64_t t_ns, const char *call, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void run_exec_read(struct run_ctx *rc, int h);
void run_exec_drain(struct run_ctx *rc, int h);
int run_exec_prepare(struct run_ctx *rc, char *reason, size_t len);
void run_exec_rmtmp(struct run_ctx *rc);

#endif
