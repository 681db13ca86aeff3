/* case_priv.h - internals of the case parser, shared by case.c (the public
 * entry points and the checks that need the whole file), case_stmt.c (one
 * handler per line keyword) and case_lex.c (tokens, numbers, durations, names,
 * diagnostics). Not for other modules: include case.h.
 */
#ifndef CASE_PRIV_H
#define CASE_PRIV_H

#include "case/case.h"
#include "common/vec.h"

#define CASE_LINE_MAX 4096 /* bytes in a line, newline excluded */
#define CASE_FILE_MAX (1 << 20) /* bytes case_parse_file() reads at most */
#define CASE_MAX_ERRORS 20 /* the parser stops after this many */
#define CASE_MSG_MAX 512
#define CASE_MAX_TOKS (CASE_LINE_MAX / 2 + 1) /* one byte and one blank each */
#define CASE_DURATION_MAX_MS 10000000000LL /* 1e7 s */
#define CASE_ERRNO_MAX 200 /* errno values case_errno_parse() scans */
#define CASE_MAX_SYSCTLS 256 /* keeps the duplicate check cheap; real cases set a few */

#define CASE_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct case_tok {
	const char *s; /* NUL-terminated, inside case_parser.buf */
	unsigned int col; /* 1-based byte column in the line */
	unsigned int len;
};

/* One queued diagnostic; line 0 is about the whole file (no echo, no caret). */
struct case_diag_ent {
	unsigned int line, col, seq;
	char msg[CASE_MSG_MAX];
};

/* A time the case names, checked against "end" once the whole file is read. */
struct case_timeref {
	int64_t ms; /* for a band: its HI, counted from the first fault */
	bool band;
	const char *what; /* "step", "expectation" */
	unsigned int line, col;
};

/* What a line with an error may have left out; the whole-file checks that
 * would then only echo that error ("no expectation" after a bad expect) skip. */
#define CASE_FAIL_TITLE (1u << 0)
#define CASE_FAIL_STEP (1u << 1)
#define CASE_FAIL_EXPECT (1u << 2)
#define CASE_FAIL_SOCKOPT (1u << 3)
#define CASE_FAIL_ALL (CASE_FAIL_TITLE | CASE_FAIL_STEP | CASE_FAIL_EXPECT | CASE_FAIL_SOCKOPT)

struct case_parser {
	struct case_def *c;
	FILE *out; /* may be NULL */
	const char *text; /* the whole input, to echo any line in a diagnostic */
	size_t len;

	/* the current line */
	unsigned int line;
	const char *raw; /* inside text, not NUL-terminated */
	size_t raw_len;
	char buf[CASE_LINE_MAX + 1];
	struct case_tok tok[CASE_MAX_TOKS];
	int n_tok;

	struct case_diag_ent diag[CASE_MAX_ERRORS];
	int n_diag;
	bool stopped; /* gave up after CASE_MAX_ERRORS */
	bool oom;
	unsigned int failed; /* CASE_FAIL_* */

	/* setup and timed steps apart: case_def.steps puts the setup ones first */
	struct case_step *setup, *timed;
	int n_setup, cap_setup, n_timed, cap_timed;
	int cap_sysctls, cap_sockopts, cap_expects, cap_texts;
	struct case_timeref *times;
	int n_times, cap_times;

	unsigned int title_line, topology_line, end_line, control_line;
	unsigned int tier_line, family_line;
	unsigned int first_host_line; /* first line that named a host */
	struct case_loc end_loc;
	bool has_timed;
	int64_t last_at_ms; /* of the last timed step, for the order check */
	struct case_loc control_kind_loc[CASE_STEP_COUNT]; /* where "without X" named X */
	struct case_loc control_opt_loc[CASE_SOCKOPT_COUNT]; /* ... X a socket option */
};

/* case_lex.c */
int case_lex_line(struct case_parser *p, const char *line, size_t len);
void case_err(struct case_parser *p, unsigned int line, unsigned int col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void case_err_tok(struct case_parser *p, const struct case_tok *t, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void case_diag_flush(struct case_parser *p);
int case_duration_parse(const char *text, int64_t *ms);
int case_ll_parse(const char *text, long long *v);
const char *case_fmt_secs(char *buf, size_t size, int64_t ms);
const char *case_suggest(const char *word, const char *const *cands, int n);
const char *case_did_you_mean(char *buf, size_t size, const char *sugg);
int case_state_parse(const char *name);
const char *case_state_suggest(const char *name);
const char *case_sockopt_suggest(const char *name);
const char *case_errno_suggest(const char *name);

/* case_stmt.c: dispatch, steps, and the argument helpers below (each one
 * queues its own error and returns 0 or -errno). */
int case_stmt_parse(struct case_parser *p);
/* The last timed step of @host at or before @at_ms whose kind is in @kinds
 * (CASE_STEP_BIT() of each), or NULL: timed steps arrive in time order, so
 * p->timed holds every earlier one. */
#define CASE_STEP_BIT(kind) (1u << (kind))
const struct case_step *case_last_step(const struct case_parser *p, int host, int64_t at_ms,
				       unsigned int kinds);
int case_host_find(const struct case_def *c, const char *name);
void case_hosts_list(const struct case_def *c, char *buf, size_t size);
bool case_tok_is(const struct case_tok *t, const char *s);
struct case_loc case_loc_of(const struct case_parser *p, int i);
int case_err_oom(struct case_parser *p);
int case_err_missing(struct case_parser *p, int i, const char *usage);
int case_no_more(struct case_parser *p, int i);
int case_arg_host(struct case_parser *p, int i, int *host);
int case_arg_num(struct case_parser *p, int i, const char *what, long long lo, long long hi,
		 long long *v);
int case_arg_time(struct case_parser *p, int i, int64_t *ms);
int case_arg_window(struct case_parser *p, int i, struct case_expect *e);
int case_time_ref(struct case_parser *p, int i, int64_t ms, bool band, const char *what);

void case_join_names(char *buf, size_t size, const char *const *names, int n, bool with_or);

/* case_head.c: the lines that describe the case rather than its timeline */
void case_set_topology(struct case_def *c, enum case_topology topo);
int case_stmt_title(struct case_parser *p);
int case_stmt_source(struct case_parser *p);
int case_stmt_topology(struct case_parser *p);
int case_stmt_end(struct case_parser *p);
int case_stmt_control(struct case_parser *p);
int case_stmt_tier(struct case_parser *p);
/* case_family.c */
int case_stmt_family(struct case_parser *p);
int case_stmt_sysctl(struct case_parser *p);
int case_stmt_sockopt(struct case_parser *p);

/* case_expect.c: expect lines */
int case_stmt_expect(struct case_parser *p);
/* Append a copy of the parsed @e to the case's expectations: 0, or -ENOMEM queued. */
int case_expect_add(struct case_parser *p, const struct case_expect *e);
/* After the whole file: infer the scenario of each "within model" without
 * one, and check that such a case has an "end" (case_expect.c). */
void case_expect_check(struct case_parser *p);

/* case_cable.c: unplug and replug (the host's cable into the switch) */
bool case_topo_has_cable(const struct case_def *c, int host); /* case_head.c */
int case_step_push(struct case_parser *p, const struct case_step *st); /* case_stmt.c */
int case_args_cable(struct case_parser *p, int i, struct case_step *st);
int case_stmt_replug(struct case_parser *p);

/* case_wire.c: "expect wire HOST ..." lines */
int case_stmt_expect_wire(struct case_parser *p);

/* case_drop.c: drop, watch and lift steps; their counter expectations */
int case_args_drop(struct case_parser *p, int i, struct case_step *st);
int case_args_lift(struct case_parser *p, int i, struct case_step *st);
int case_stmt_expect_counter(struct case_parser *p);
int case_args_tw_restarts(struct case_parser *p, int i, struct case_expect *e);
void case_check_rules(struct case_parser *p);

/* case_crash.c: host-crash and reboot (a reboot follows a crash of its host),
 * "expect HOST sysctl|keepalive-timer" */
int case_args_crash(struct case_parser *p, int i, struct case_step *st);
int case_args_reboot(struct case_parser *p, int i, struct case_step *st);
int case_args_expect_sysctl(struct case_parser *p, int i, struct case_expect *e);
int case_args_keepalive_timer(struct case_parser *p, int i, struct case_expect *e);

/* case_mbox.c: the middlebox fault; its counter expectation is parsed by
 * case_stmt_expect_counter() (rule_mbox); case_check_mbox() needs the whole file */
int case_arg_rule_name(struct case_parser *p, int i, char *name); /* case_drop.c */
int case_args_mbox(struct case_parser *p, int i, struct case_step *st);
void case_check_mbox(struct case_parser *p);

/* case_addr.c: readdress HOST NEW [back after D] (pushes the "back" step) */
int case_args_readdress(struct case_parser *p, int i, struct case_step *st);

/* case_beat.c: HOST heartbeat every D misses K | answer [every D misses K] */
int case_args_heartbeat(struct case_parser *p, int i, struct case_step *st);

/* case_expect.c: [within LO..HI] at token @i (none: @i back) */
int case_arg_band(struct case_parser *p, int i, struct case_expect *e);

/* case_exec.c: the host's own program: "HOST exec COMMAND...", "HOST user
 * NAME", "HOST wait ...", "need PROGRAM [from PACKAGE]", the exit, output
 * and socket error expectations, and the whole-file checks on programs */
int case_args_exec(struct case_parser *p, int i, struct case_step *st);
int case_args_user(struct case_parser *p, int i, struct case_step *st);
int case_args_wait(struct case_parser *p, int i, struct case_step *st);
int case_stmt_need(struct case_parser *p);
int case_args_expect_exit(struct case_parser *p, int i, struct case_expect *e);
int case_args_expect_output(struct case_parser *p, int i, struct case_expect *e);
int case_args_expect_socket(struct case_parser *p, int i, struct case_expect *e);
void case_check_programs(struct case_parser *p);

#endif
