/* model_cli.c - "tcpfault predict"; see model_cli.h. */
#include "cli/model_cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case/case.h"
#include "common/secs.h"
#include "model/model.h"
#include "verdict/model_env.h"

static const char predict_usage[] =
	"usage: tcpfault predict SCENARIO [--sysctl NAME=VALUE]... [--sockopt NAME=VALUE]...\n"
	"                        [--rto MS] [--hz N] [--arp answered|unanswered|flushed]\n"
	"                        [--kernel RELEASE]\n"
	"  unset parameters take this kernel's defaults for a fresh network namespace;\n"
	"  --rto: the connection's RTO when the trouble starts (default: what a\n"
	"  loopback connection gets in a fresh namespace, an RTT near 0; without root,\n"
	"  or with --kernel or --hz, 200 ms + 1 jiffy: 204 ms at HZ 250, 201 at 1000);\n"
	"  --kernel: compiled defaults of another kernel version (6.1: no\n"
	"  tcp_syn_linear_timeouts, no tcp_rto_max_ms)\n";

static const char *const arp_names[MODEL_ARP_COUNT] = {
	[MODEL_ARP_ANSWERED] = "answered",
	[MODEL_ARP_UNANSWERED] = "unanswered",
	[MODEL_ARP_FLUSHED] = "flushed",
};

static int bad(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "tcpfault predict: <message>" on stderr; 2, the exit code of bad usage. */
static int bad(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "tcpfault predict: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 2;
}

/* NAME=VALUE for a knob of @kind into @p. */
static int set_knob(struct model_params *p, enum model_knob_kind kind, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char name[128], msg[200], list[600], *end;
	long long v;
	int k;

	if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof(name))
		return bad("expected NAME=VALUE, got '%s'", arg);
	memcpy(name, arg, (size_t)(eq - arg));
	name[eq - arg] = '\0';
	k = model_knob_parse(name);
	if (k < 0 || model_knob_kind(k) != kind) {
		model_knob_list(kind, list, sizeof(list));
		fprintf(stderr, "tcpfault predict: unknown %s '%s': valid ones are %s\n",
			kind == MODEL_KNOB_SYSCTL ? "sysctl" : "socket option", name, list);
		return 2;
	}
	errno = 0;
	v = strtoll(eq + 1, &end, 10);
	if (errno || end == eq + 1 || *end)
		return bad("bad value in '%s': expected an integer", arg);
	if (model_param_set(p, k, v, msg, sizeof(msg)))
		return bad("%s", msg);
	return 0;
}

static int set_path(struct model_params *p, enum model_knob k, const char *arg)
{
	char msg[200], *end;
	long long v = -1;

	if (k == MODEL_ARP) {
		for (int i = 0; i < MODEL_ARP_COUNT; i++)
			if (!strcmp(arg, arp_names[i]))
				v = i;
		if (v < 0)
			return bad("unknown --arp '%s': expected %s", arg,
				   "answered, unanswered or flushed");
	} else {
		v = strtoll(arg, &end, 10);
		if (end == arg || *end)
			return bad("bad number '%s'", arg);
	}
	if (model_param_set(p, k, v, msg, sizeof(msg)))
		return bad("%s", msg);
	return 0;
}

/* The rule text, folded at 100 columns under a 11-column label. */
static void print_folded(const char *label, const char *text)
{
	const int width = 100 - 11;
	int col = 0;

	printf("%-11s", label);
	while (*text) {
		const char *sp = strchr(text, ' ');
		int len = sp ? (int)(sp - text) : (int)strlen(text);

		if (col && col + 1 + len > width) {
			printf("\n%-11s", "");
			col = 0;
		} else if (col) {
			putchar(' ');
			col++;
		}
		printf("%.*s", len, text);
		col += len;
		text += len;
		while (*text == ' ')
			text++;
	}
	putchar('\n');
}

static void print_params(const struct model_params *p)
{
	char line[1200];
	size_t n = 0;

	line[0] = '\0';
	for (int k = 0; k < MODEL_KNOB_COUNT && n < sizeof(line); k++) {
		const char *name = model_knob_name(k);
		int w;

		if (p->absent[k] || (model_knob_kind(k) == MODEL_KNOB_SOCKOPT && !p->set[k]) ||
		    strstr(name, "neigh") || k == MODEL_ARP)
			continue;
		w = snprintf(line + n, sizeof(line) - n, "%s%s=%lld%s", n ? " " : "", name, p->v[k],
			     p->set[k] ? "" : "");
		if (w < 0)
			break;
		n += (size_t)w;
	}
	print_folded("params:", line);
}

static void print_pred(const struct model_pred *o)
{
	char a[32], b[32];

	print_folded("rule:", o->rule);
	if (o->origin_after_send_ms) {
		secs_fmt(a, sizeof(a), o->origin_after_send_ms, 3);
		printf("%-11sfrom %s (up to %s s after a lone segment's send)\n",
		       "clock:", model_origin_name(o->origin), a);
	} else {
		printf("%-11sfrom %s\n", "clock:", model_origin_name(o->origin));
	}
	if (o->never) {
		printf("predicted: never (no timer ends the connection)\n");
		return;
	}
	if (o->budget_ms) {
		secs_fmt(a, sizeof(a), o->budget_ms, SECS_SHORT);
		printf("%-11s%s s\n", "budget:", a);
	}
	if (o->firing)
		printf("%-11s%d%s\n", "firing:", o->firing, o->uncertain ? " (uncertain)" : "");
	if (o->uncertain && o->either[0])
		print_folded("either:", o->either);
	secs_fmt(a, sizeof(a), o->lo_ms, SECS_SHORT);
	secs_fmt(b, sizeof(b), o->hi_ms, SECS_SHORT);
	printf("%-11s%s .. %s s (observation allowance included)\n", "band:", a, b);
	printf("%-11s%s%s\n",
	       "errno:", o->errnum ? case_errno_name(o->errnum) : "none (no application)",
	       o->errno_uncertain ? " (uncertain: the neighbour's timers decide)" : "");
	secs_fmt(a, sizeof(a), o->value_ms, SECS_SHORT);
	printf("predicted: %s s\n", a);
}

/* The kernel first (--kernel RELEASE replaces the probe of this one), so that
 * the settings that follow apply to its defaults. 0, or 2 after a message. */
static int predict_kernel(int argc, char **argv, struct model_kernel *k, struct model_params *p,
			  char *how, size_t how_size)
{
	bool given = false;

	for (int i = 1; i < argc; i++) {
		const char *rel = !strncmp(argv[i], "--kernel=", 9)	       ? argv[i] + 9 :
				  !strcmp(argv[i], "--kernel") && i + 1 < argc ? argv[i + 1] :
										 NULL;

		if (!rel)
			continue;
		if (model_kernel_from_release(rel, k))
			return bad("bad --kernel '%s': expected a release like 6.1.0", rel);
		model_params_init(p, k);
		snprintf(how, how_size,
			 "Linux %s as asked: compiled defaults; HZ 250 (assumed); rto %lld ms "
			 "computed (200 ms + 1 jiffy: an RTT near 0)",
			 rel, p->v[MODEL_RTO_MS]);
		given = true;
	}
	if (!given)
		model_env_probe(k, p, how, how_size);
	return 0;
}

/* --hz changes the RTO a near-zero RTT gets, unless --rto sets it; either
 * way the "kernel:" line says where the RTO came from. */
static void predict_rto(struct model_params *p, bool hz_given, bool rto_given, char *how,
			size_t how_size)
{
	size_t n = strlen(how);

	if (rto_given)
		snprintf(how + n, how_size - n, "; --rto %lld ms used instead", p->v[MODEL_RTO_MS]);
	else if (hz_given) {
		p->v[MODEL_RTO_MS] = model_rto_near_zero_ms((int)p->v[MODEL_HZ]);
		snprintf(how + n, how_size - n,
			 "; --hz %lld: rto %lld ms computed instead (200 ms + 1 jiffy)",
			 p->v[MODEL_HZ], p->v[MODEL_RTO_MS]);
	}
}

int model_cli_predict(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "sysctl", required_argument, NULL, 's' },
		{ "sockopt", required_argument, NULL, 'o' },
		{ "rto", required_argument, NULL, 'r' },
		{ "hz", required_argument, NULL, 'z' },
		{ "arp", required_argument, NULL, 'a' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct model_kernel k;
	struct model_params p;
	struct model_pred o;
	char how[400], list[200];
	bool hz_given = false, rto_given = false;
	int opt, s;

	if (predict_kernel(argc, argv, &k, &p, how, sizeof(how)))
		return 2;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case 's':
		case 'o':
			if (set_knob(&p, opt == 's' ? MODEL_KNOB_SYSCTL : MODEL_KNOB_SOCKOPT,
				     optarg))
				return 2;
			break;
		case 'r':
		case 'z':
		case 'a':
			if (set_path(&p,
				     opt == 'r' ? MODEL_RTO_MS :
				     opt == 'z' ? MODEL_HZ :
						  MODEL_ARP,
				     optarg))
				return 2;
			hz_given |= opt == 'z';
			rto_given |= opt == 'r';
			break;
		case 'k':
			break;
		case 'h':
			fputs(predict_usage, stdout);
			return 0;
		default:
			fputs(predict_usage, stderr);
			return 2;
		}
	}
	predict_rto(&p, hz_given, rto_given, how, sizeof(how));
	model_scenario_list(list, sizeof(list));
	if (optind + 1 != argc) {
		fprintf(stderr, "tcpfault predict: %s: one of %s\n",
			optind >= argc ? "needs a SCENARIO" : "one SCENARIO only", list);
		fputs(predict_usage, stderr);
		return 2;
	}
	s = model_scenario_parse(argv[optind]);
	if (s < 0)
		return bad("unknown scenario '%s': expected %s", argv[optind], list);
	if (model_predict((enum model_scenario)s, &p, &o))
		return bad("cannot walk '%s': too many timer firings", argv[optind]);
	printf("%-11s%s: %s\n", "scenario:", model_scenario_name(s), model_scenario_what(s));
	print_folded("kernel:", how);
	print_params(&p);
	print_pred(&o);
	return 0;
}
