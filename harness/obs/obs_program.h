/* obs_program.h - what a run saw of a host's own program ("HOST exec
 * COMMAND"), as plain C structs: each program started (command, pid, when it
 * started, how and when it ended), every line it wrote on stdout or stderr
 * with its time, and the TCP connection of the host that the observer found
 * for it (a socket whose remote is another lab host) with the error the
 * kernel gave that connection.
 *
 * Filled by run/run_exec.c, read by the verdict (verdict_exec.c) and the
 * report (report/program_json.c): no I/O here, so that a verdict test can
 * build one by hand. Times are on the case clock (ms; setup is negative).
 */
#ifndef OBS_PROGRAM_H
#define OBS_PROGRAM_H

#include <stdbool.h>
#include <stdint.h>

#define OBS_MAX_PROCS 8 /* programs started in one host during one case */

/* One program: "HOST exec", "at T HOST exec", "reboot HOST exec". */
struct obs_proc {
	const char *command; /* borrowed from the case */
	int pid;
	int64_t start_ms;
	bool exited; /* else it still ran at the end of the case */
	int64_t exit_ms;
	int status; /* exited on its own: the exit status; else -1 */
	int signo; /* killed: the signal (a fault's SIGKILL, the end's SIGTERM); else 0 */
	const char *ended_by; /* who stopped it: "kill", "reboot", "end"; NULL: itself */
};

struct obs_line {
	int64_t t_ms;
	bool err; /* stderr, else stdout */
	const char *text; /* without its newline; borrowed from the run */
};

/* How the connection's error was found. */
enum obs_sockerr_source {
	OBS_SOCKERR_NONE, /* no error seen */
	OBS_SOCKERR_EVENT, /* the kernel's error report (sock:inet_sk_error_report) */
	OBS_SOCKERR_INFERRED, /* from the observer's samples and the capture (see run_exec_conn.c) */
};

struct obs_program {
	bool ran; /* at least one program was started in the host */
	struct obs_proc procs[OBS_MAX_PROCS]; /* in start order; the last is the current one */
	int n_procs;
	const struct obs_line *lines; /* in time order, stdout and stderr mixed */
	int n_lines;
	int64_t end_ms; /* case time of the end: lines after it are not judged */
	/* the host's connection to another lab host (the first one seen that
	 * was established, else the first one); "" when none was seen */
	char local[64], remote[64];
	bool established;
	int sock_errno; /* 0: none */
	int64_t sock_errno_ms;
	enum obs_sockerr_source sock_errno_source;
	char sock_errno_why[160]; /* what it rests on, for the report */
};

#endif
