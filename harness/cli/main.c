/* main.c - the tcpfault command line: run, list, check, predict, cleanup,
 * doctor. Only main() exits. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "cli/suite.h"
#include "cli/suite_obs.h"
#include "run/sweep.h"
#include "cli/model_cli.h"
#include "cli/report_cli.h"
#include "report/claims.h"
#include "cli/doctor.h"
#include "netns/lab_freeze.h"

#ifndef TCPFAULT_VERSION
#define TCPFAULT_VERSION "0.1.0"
#endif
/* Where `make install` put the shipped cases (Makefile: $(PREFIX)/share/tcpfault/cases). */
#ifndef TCPFAULT_CASES_DIR
#define TCPFAULT_CASES_DIR "/usr/local/share/tcpfault/cases"
#endif

static const char usage_text[] =
	"usage: tcpfault COMMAND [OPTIONS] PATH...\n"
	"       tcpfault --version | help | COMMAND --help\n"
	"\n"
	"  run [-j N|auto] [--filter GLOB] [--with-controls] [--results DIR] [PATH...]\n"
	"        run the cases in PATH (case files or directories of *.case files;\n"
	"        default: the shipped cases, see tcpfault(1));\n"
	"        KTAP on stdout, results in DIR/<run-id>/ (default: results)\n"
	"        --keep: keep the namespaces of cases that did not pass, to enter them\n"
	"        --tier quick|stock|all: which cases (default quick; stock cases keep the\n"
	"        kernel's defaults and take minutes to hours); claims table in claims.md\n"
	"        --fail-on-skip: a skipped case fails the run (make test uses it)\n"
	"        --family 4|6|both: run every case over IPv4, IPv6 (2001:2::/48), or\n"
	"        both (the IPv6 run named \"NAME [ipv6]\"; default: each case's own)\n"
	"        --repeat N: run everything N rounds; report verdict changes and the\n"
	"        spread (p50/p95) of detection times\n"
	"        --freezer auto|cgroup2|freezer-v1: the freezer host crashes use\n"
	"        (default: cgroup2 if usable, else the v1 freezer; a case whose\n"
	"        freezer is missing is skipped with the reason)\n"
	"        --case-timeout S: a case still running S seconds after its end (its\n"
	"        lab's build and teardown included) is stopped: error (default 45)\n"
	"        -j auto (the default): as many cases at once as the machine holds\n"
	"        (12 per CPU, at least 24, with the event observer; 2 per CPU polling)\n"
	"        --observer auto|events|polling: how sockets are watched: kernel events\n"
	"        (BPF; exact times) or sock_diag polling every 10 ms; auto (the default):\n"
	"        events when available (tcpfault doctor says), else polling\n"
	"        --shard I/N: only the I-th of N parts of the cases (each case and its\n"
	"        control in exactly one part); `tcpfault merge` joins the parts' results\n"
	"        --timing judged|emulated: emulated (a guest under software emulation,\n"
	"        scripts/kernel-matrix): a time outside its band (within, wire gaps,\n"
	"        keepalive-timer) is reported, \"timing not judged (emulated)\", not\n"
	"        failed; errnos, states and counts are still judged (default: judged)\n"
	"  cleanup [--check] remove what killed runs left and labs kept with --keep;\n"
	"        --check only lists leaks (exit 1 if any)\n"
	"  list PATH...     name, claim ids and title of each case; exit 1 if a claim of\n"
	"                   the articles (A01-A27) has no case\n"
	"  check PATH...    parse only: file:line:col: messages, exit 2 on any error\n"
	"  report RUN_DIR...  (re)write index.html and junit.xml of a run's results\n"
	"  merge RUN_DIR... --into DIR  one run's results (summary.json, ktap.txt,\n"
	"        claims.md, junit.xml, index.html) from several, e.g. the shards of a run\n"
	"  diff RUN_A RUN_B [--json] [--tolerance-ms N]  what changed between two runs:\n"
	"        verdicts, errnos, final states, detection and expectation times beyond\n"
	"        N ms (default 200) or 5 %, or outside the model's band; exit 1 if any\n"
	"  matrix RUN_DIR   matrix.md and matrix.html of a scripts/kernel-matrix run:\n"
	"        claims and cases x kernels, the model checked against each kernel;\n"
	"        exit 1 if a kernel had failures or the model disagrees with one\n"
	"  predict SCENARIO [--sysctl NAME=VALUE]... [--sockopt NAME=VALUE]...\n"
	"        when the kernel gives up, and with which errno (the timing model)\n"
	"  doctor           can the cases run here? one line per requirement, ok or\n"
	"                   missing with the reason and the fix; exit 4 if some would skip\n"
	"\n"
	"exit codes: 0 all passed, 1 a case failed or ended in error, 2 bad usage or\n"
	"case file, 4 nothing ran (not root, or everything skipped)\n";

static int usage(const char *msg)
{
	if (msg)
		fprintf(stderr, "tcpfault: %s\n", msg);
	fputs(usage_text, stderr);
	return 2;
}

/*
 * The shipped cases, for `tcpfault run` without a path: beside the binary
 * first (BIN/../share/tcpfault/cases: an install, also under a DESTDIR or a
 * moved PREFIX), then ./cases (the checkout, for build/tcpfault run from its
 * root, before an older install's), then the compiled-in install path. NULL
 * if none exists.
 */
static const char *default_cases(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);
	char *slash;

	if (n > 0) {
		buf[n] = '\0';
		slash = strrchr(buf, '/');
		if (slash && slash - buf >= 4 && strncmp(slash - 4, "/bin", 4) == 0 &&
		    (size_t)(slash - 4 - buf) + sizeof("/share/tcpfault/cases") < len) {
			strcpy(slash - 4, "/share/tcpfault/cases");
			if (access(buf, R_OK) == 0)
				return buf;
		}
	}
	if (access("cases", R_OK) == 0)
		return "cases";
	return access(TCPFAULT_CASES_DIR, R_OK) == 0 ? TCPFAULT_CASES_DIR : NULL;
}

/* The cases of @paths, or without any the shipped ones: suite_load()'s
 * return, or -ENOENT when there is no path and no shipped case either. */
static int run_load(struct suite *s, char **paths, int n)
{
	char buf[4096], *dflt[1];

	if (n > 0)
		return suite_load(s, paths, n, stderr);
	dflt[0] = (char *)default_cases(buf, sizeof(buf));
	return dflt[0] ? suite_load(s, dflt, 1, stderr) : -ENOENT;
}

static const struct option run_longopts[] = {
	{ "jobs", required_argument, NULL, 'j' },
	{ "filter", required_argument, NULL, 'f' },
	{ "with-controls", no_argument, NULL, 'c' },
	{ "results", required_argument, NULL, 'r' },
	{ "keep", no_argument, NULL, 'k' },
	{ "fail-on-skip", no_argument, NULL, 'S' },
	{ "repeat", required_argument, NULL, 'R' },
	{ "tier", required_argument, NULL, 'T' },
	{ "freezer", required_argument, NULL, 'F' },
	{ "case-timeout", required_argument, NULL, 't' },
	{ "shard", required_argument, NULL, 'H' },
	{ "observer", required_argument, NULL, 'O' },
	{ "family", required_argument, NULL, 'A' },
	{ "timing", required_argument, NULL, 'M' },
	{ NULL, 0, NULL, 0 },
};

/* --family 4|6|both; -1 for anything else. */
static int family_parse(const char *s)
{
	if (!strcmp(s, "4") || !strcmp(s, "6"))
		return s[0] - '0';
	return strcmp(s, "both") ? -1 : SUITE_FAMILY_BOTH;
}

/* One option of `run` into @o; 0, or usage()'s code for a bad value. */
static int run_opt(int opt, const char *arg, struct suite_opts *o)
{
	char *end;

	switch (opt) {
	case 'j':
		o->jobs = strcmp(arg, "auto") ? (int)strtol(arg, &end, 10) : 0;
		if (strcmp(arg, "auto") && (*end || o->jobs < 1 || o->jobs > 64))
			return usage("-j takes auto or a number from 1 to 64");
		return 0;
	case 'O':
		o->observer = suite_observer_parse(arg);
		return o->observer < 0 ? usage("--observer takes auto, events or polling") : 0;
	case 'f':
		o->filter = arg;
		return 0;
	case 'A':
		o->family = family_parse(arg);
		return o->family < 0 ? usage("--family takes 4, 6 or both") : 0;
	case 'c':
		o->with_controls = true;
		return 0;
	case 'r':
		o->results_root = arg;
		return 0;
	case 'k':
		o->keep = true;
		return 0;
	case 'S':
		o->fail_on_skip = true;
		return 0;
	case 'T':
		o->tier = strcmp(arg, "all") ? case_tier_parse(arg) : -1;
		return o->tier < 0 && strcmp(arg, "all") ?
			       usage("--tier takes quick, stock or all") :
			       0;
	case 'R':
		o->repeat = (int)strtol(arg, &end, 10);
		return *end || o->repeat < 1 || o->repeat > 100 ?
			       usage("--repeat takes a number from 1 to 100") :
			       0;
	case 't': {
		double secs = strtod(arg, &end);

		if (*end || end == arg || !(secs >= 1 && secs <= 86400))
			return usage("--case-timeout takes seconds from 1 to 86400");
		o->case_timeout_ms = (int64_t)(secs * 1000);
		return 0;
	}
	case 'H':
		return report_cli_parse_shard(arg, &o->shard_index, &o->shard_count) ?
			       usage("--shard takes I/N, 1 <= I <= N <= 1000") :
			       0;
	case 'F':
		o->freezer = lab_freezer_want_parse(arg);
		return o->freezer < 0 ? usage("--freezer takes auto, cgroup2 or freezer-v1") : 0;
	case 'M':
		if (strcmp(arg, "judged") && strcmp(arg, "emulated"))
			return usage("--timing takes judged or emulated");
		o->timing_emulated = !strcmp(arg, "emulated");
		return 0;
	default:
		return usage(NULL);
	}
}

static int cmd_run(int argc, char **argv)
{
	struct suite_opts o = { .jobs = 0, .results_root = "results" }; /* -j auto */
	struct suite s;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "j:f:cr:kR:T:SF:t:H:O:A:M:", run_longopts, NULL)) !=
	       -1) {
		ret = run_opt(opt, optarg, &o);
		if (ret)
			return ret;
	}
	ret = run_load(&s, argv + optind, argc - optind);
	if (ret == -ENOENT)
		return usage("run needs a case file or a directory of cases");
	if (ret) {
		suite_free(&s);
		return ret;
	}
	ret = suite_run(&s, &o);
	suite_free(&s);
	return ret;
}

static int cmd_list(int argc, char **argv, bool quiet)
{
	struct suite s;
	int ret;

	if (argc < 2)
		return usage(quiet ? "check needs a case file or directory" :
				     "list needs a case file or directory");
	ret = suite_load(&s, argv + 1, argc - 1, stderr);
	for (int i = 0; !ret && i < s.n_cases; i++) {
		const struct case_def *c = s.cases[i].def;
		char ids[CASE_MAX_SOURCES * 8] = "";

		if (quiet)
			continue;
		for (int k = 0; k < c->n_sources; k++) {
			strcat(ids, k ? "," : "");
			strcat(ids, c->sources[k]);
		}
		printf("%-36s %-12s %s%s\n", s.cases[i].id, ids[0] ? ids : "-",
		       c->tier == CASE_TIER_STOCK ? "[stock] " : "", c->title);
	}
	/* Every claim of the articles needs a case (the table is compiled in). */
	if (!ret && !quiet && claims_report_missing(&s, stdout) > 0)
		ret = 1;
	if (!ret && quiet)
		printf("ok: %d case file%s\n", s.n_cases, s.n_cases == 1 ? "" : "s");
	suite_free(&s);
	return ret;
}

static int cmd_cleanup(int argc, char **argv)
{
	bool check_only = argc == 2 && strcmp(argv[1], "--check") == 0;

	if (argc > 2 || (argc == 2 && !check_only))
		return usage("cleanup takes only --check");
	if (!check_only) {
		if (geteuid() != 0) {
			fprintf(stderr, "tcpfault: cleanup needs root: try sudo\n");
			return 4;
		}
		sweep_stale(stdout);
		sweep_kept(stdout);
	}
	if (sweep_check(stdout) > 0)
		return 1;
	printf("tcpfault: nothing left behind\n");
	return 0;
}

/* `tcpfault COMMAND --help` (or -h) anywhere among its arguments. */
static bool wants_help(int argc, char **argv)
{
	for (int i = 2; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return true;
	return false;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage(NULL);
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("tcpfault %s\n", TCPFAULT_VERSION);
		return 0;
	}
	if (wants_help(argc, argv) && strcmp(argv[1], "predict") != 0) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (strcmp(argv[1], "doctor") == 0)
		return argc == 2 ? doctor_run(stdout) : usage("doctor takes no arguments");
	if (strcmp(argv[1], "run") == 0)
		return cmd_run(argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0)
		return cmd_list(argc - 1, argv + 1, false);
	if (strcmp(argv[1], "check") == 0)
		return cmd_list(argc - 1, argv + 1, true);
	if (strcmp(argv[1], "predict") == 0)
		return model_cli_predict(argc - 1, argv + 1);
	if (strcmp(argv[1], "cleanup") == 0)
		return cmd_cleanup(argc - 1, argv + 1);
	if (strcmp(argv[1], "report") == 0)
		return report_cli_report(argc - 1, argv + 1);
	if (strcmp(argv[1], "matrix") == 0)
		return report_cli_matrix(argc - 1, argv + 1);
	if (strcmp(argv[1], "diff") == 0)
		return report_cli_diff(argc - 1, argv + 1);
	if (strcmp(argv[1], "merge") == 0)
		return report_cli_merge(argc - 1, argv + 1);
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		fputs(usage_text, stdout);
		return 0;
	}
	return usage("unknown command");
}
