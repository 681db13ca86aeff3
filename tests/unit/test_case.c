/* test_case.c - unit tests of the case parser (harness/case*.c).
 *
 * Each error kind has a row in bad_cases[]: the exact first line of the
 * diagnostic ("file:line:col: error: msg"). Good files are checked field by
 * field; durations, errno names and case_control() have their own tables.
 */
#include "case/case.h"
#include "model/model.h"

#include <check.h>

#include "check_run.h"
#include <errno.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Parse @text as "t.case"; return what went to the diag stream (malloc'd). */
static char *parse_diag(const char *text, size_t len, struct case_def **out)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	struct case_def *c;

	ck_assert_ptr_nonnull(f);
	c = case_parse_buffer("t.case", text, len, f);
	fclose(f);
	if (out)
		*out = c;
	else
		case_free(c);
	return buf;
}

static struct case_def *parse_ok(const char *text)
{
	struct case_def *c;
	char *diag = parse_diag(text, strlen(text), &c);

	ck_assert_msg(c != NULL, "parse failed:\n%s", diag);
	ck_assert_str_eq(diag, "");
	free(diag);
	return c;
}

static int count_lines_with(const char *s, const char *needle)
{
	int n = 0;

	for (s = strstr(s, needle); s; s = strstr(s + 1, needle))
		n++;
	return n;
}

#define T "title t\n"
#define E "expect client no-error\n"

static const struct bad_case {
	const char *name;
	const char *text;
	size_t len; /* 0: strlen(text) */
	const char *first; /* the exact first line of the diagnostics */
} bad_cases[] = {
	/* keywords */
	{ "keyword typo", T "expct client eof\n", 0,
	  "t.case:2:1: error: unknown keyword 'expct'; did you mean 'expect'?" },
	{ "keyword typo swap", T "ta 1 client close\n" E, 0,
	  "t.case:2:1: error: unknown keyword 'ta'; did you mean 'at'?" },
	{ "keyword unknown", T "frobnicate 1\n" E, 0,
	  "t.case:2:1: error: unknown keyword 'frobnicate'" },
	{ "keyword indented", T "\t  expct client eof\n", 0,
	  "t.case:2:4: error: unknown keyword 'expct'; did you mean 'expect'?" },
	{ "fault without at", T "kill server\n" E, 0,
	  "t.case:2:1: error: 'kill' is a fault and needs a time: at TIME kill HOST" },
	{ "action without host", T "listen 8080\n" E, 0,
	  "t.case:2:1: error: missing host before 'listen' (HOST listen ...)" },
	/* actions */
	{ "action typo", T "client snd 100\n" E, 0,
	  "t.case:2:8: error: unknown action 'snd' for client; did you mean 'send'?" },
	{ "action unknown", T "client dance\n" E, 0,
	  "t.case:2:8: error: unknown action 'dance' for client" },
	{ "action is a fault", T "at 1 client kill\n" E, 0,
	  "t.case:2:13: error: 'kill' is a fault, not an action: write 'at TIME kill client'" },
	{ "host without action", T "client\n" E, 0,
	  "t.case:2:1: error: 'client' needs an ACTION: listen, connect, send, read, "
	  "stop-reading, shutdown, close, heartbeat, exec, user or wait" },
	{ "missing args", T "client connect server\n" E, 0,
	  "t.case:2:8: error: 'connect' needs HOST PORT" },
	{ "missing args at", T "at 1\n" E, 0,
	  "t.case:2:1: error: 'at' needs TIME and a step (HOST ACTION or FAULT HOST)" },
	{ "missing args kill", T "at 1 kill\n" E, 0, "t.case:2:6: error: 'kill' needs HOST" },
	{ "missing every", T "at 1 client send 1 every\n" E, 0,
	  "t.case:2:20: error: 'every' needs a DURATION" },
	{ "extra args", T "client close foo\n" E, 0,
	  "t.case:2:14: error: unexpected 'foo' after 'client close'" },
	{ "extra args expect", T "expect client eof now\n", 0,
	  "t.case:2:19: error: unexpected 'now' after 'expect client eof'" },
	{ "extra args kill", T "at 1 kill server now\n" E, 0,
	  "t.case:2:18: error: unexpected 'now' after 'at 1 kill server'" },
	/* numbers and durations */
	{ "bad duration", T "at 1.x client close\n" E, 0,
	  "t.case:2:4: error: bad duration '1.x': expected seconds like 1.5, 1.5s or 250ms" },
	{ "negative duration", T "at -1 client close\n" E, 0,
	  "t.case:2:4: error: bad duration '-1': expected seconds like 1.5, 1.5s or 250ms" },
	{ "duration too long", T "at 10000001 client close\n" E, 0,
	  "t.case:2:4: error: duration '10000001' is too long: at most 10000000 s" },
	{ "bad port", T "server listen 0\n" E, 0,
	  "t.case:2:15: error: bad port '0': expected 1..65535" },
	{ "bad port text", T "server listen http\n" E, 0,
	  "t.case:2:15: error: bad port 'http': expected 1..65535" },
	{ "bad port connect", T "client connect server 65536\n" E, 0,
	  "t.case:2:23: error: bad port '65536': expected 1..65535" },
	{ "bad bytes", T "at 1 client send 0\n" E, 0,
	  "t.case:2:18: error: bad byte count '0': expected 1..1000000000" },
	{ "bad every", T "at 1 client send 1 every 0\n" E, 0,
	  "t.case:2:26: error: 'every' needs a duration above 0, got '0'" },
	{ "bad end", T "end 0\n" E, 0, "t.case:2:5: error: 'end' needs a time above 0" },
	{ "bad received", T "expect client received -1\n", 0,
	  "t.case:2:24: error: bad byte count '-1': expected 0..1000000000000000" },
	/* hosts */
	{ "unknown host", T "srv listen 8080\n" E, 0,
	  "t.case:2:1: error: unknown host 'srv': this case's hosts are client, server" },
	{ "unknown host connect", T "client connect srv 8080\n" E, 0,
	  "t.case:2:16: error: unknown host 'srv': this case's hosts are client, server" },
	{ "unknown host at", T "at 1 srv close\n" E, 0,
	  "t.case:2:6: error: unknown host 'srv': this case's hosts are client, server" },
	{ "unknown host kill", T "at 1 kill srv\n" E, 0,
	  "t.case:2:11: error: unknown host 'srv': this case's hosts are client, server" },
	{ "unknown host expect", T "expect srv eof\n" E, 0,
	  "t.case:2:8: error: unknown host 'srv': this case's hosts are client, server" },
	{ "unknown fault", T "at 1 kil server\n" E, 0,
	  "t.case:2:6: error: unknown fault 'kil'; did you mean 'kill'?" },
	/* socket options */
	{ "sockopt range", T "sockopt client TCP_KEEPCNT=200\n" E, 0,
	  "t.case:2:16: error: TCP_KEEPCNT=200 is out of range: the kernel allows 1..127" },
	{ "sockopt unknown", T "sockopt client TCP_KEEPIDEL=1\n" E, 0,
	  "t.case:2:16: error: unknown socket option 'TCP_KEEPIDEL'; did you mean 'TCP_KEEPIDLE'?" },
	{ "sockopt unknown far", T "sockopt client SO_REUSEADDR=1\n" E, 0,
	  "t.case:2:16: error: unknown socket option 'SO_REUSEADDR'" },
	{ "sockopt bad value", T "sockopt client SO_KEEPALIVE=1 TCP_KEEPCNT=x\n" E, 0,
	  "t.case:2:31: error: bad value 'x' for TCP_KEEPCNT: expected an integer" },
	{ "sockopt linger", T "sockopt client SO_LINGER=1\n" E, 0,
	  "t.case:2:16: error: bad value '1' for SO_LINGER: expected ONOFF,SECONDS like 1,0" },
	{ "sockopt no value", T "sockopt client TCP_KEEPCNT\n" E, 0,
	  "t.case:2:16: error: expected NAME=VALUE, got 'TCP_KEEPCNT'" },
	{ "sockopt twice", T "sockopt client TCP_KEEPCNT=3\nsockopt client TCP_KEEPCNT=4\n" E, 0,
	  "t.case:3:16: error: TCP_KEEPCNT is already set for client on line 2" },
	{ "sockopt missing", T "sockopt client\n" E, 0,
	  "t.case:2:1: error: 'sockopt' needs HOST NAME=VALUE..." },
	/* sysctls */
	{ "sysctl not net", T "sysctl server kernel.pid_max=5\n" E, 0,
	  "t.case:2:15: error: 'kernel.pid_max' is not a network sysctl: KEY must start with 'net.'" },
	{ "sysctl bad key", T "sysctl server net..x=5\n" E, 0,
	  "t.case:2:15: error: bad sysctl key 'net..x': expected words and dots like "
	  "net.ipv4.tcp_retries2" },
	{ "sysctl no =", T "sysctl server net.ipv4.tcp_retries2\n" E, 0,
	  "t.case:2:15: error: expected KEY=VALUE, got 'net.ipv4.tcp_retries2'" },
	{ "sysctl no value", T "sysctl server net.ipv4.tcp_retries2=\n" E, 0,
	  "t.case:2:15: error: 'net.ipv4.tcp_retries2=' needs a value after '='" },
	{ "sysctl value long",
	  T "sysctl server net.x=" /* 64 bytes */
	    "0123456789012345678901234567890123456789012345678901234567890123\n" E,
	  0, "t.case:2:15: error: sysctl value is longer than 63 bytes" },
	{ "sysctl key long",
	  T "sysctl server net." /* 124 + 4 = 128 bytes */
	    "0123456789012345678901234567890123456789012345678901234567890123"
	    "012345678901234567890123456789012345678901234567890123456789=1\n" E,
	  0, "t.case:2:15: error: sysctl key is longer than 127 bytes" },
	{ "sysctl twice", T "sysctl server net.a=1\nsysctl server net.a=2\n" E, 0,
	  "t.case:3:15: error: net.a is already set for server on line 2" },
	{ "sysctl two", T "sysctl server net.a=1 net.b=2\n" E, 0,
	  "t.case:2:23: error: unexpected 'net.b=2' after 'sysctl server net.a=1'" },
	{ "sysctl not optional", T "sysctl server net.a=1 maybe\n" E, 0,
	  "t.case:2:23: error: unexpected 'maybe' after 'sysctl server net.a=1'" },
	{ "sysctl optional then more", T "sysctl server net.a=1 optional x\n" E, 0,
	  "t.case:2:32: error: unexpected 'x' after 'sysctl server net.a=1 optional'" },
	{ "sysctl missing", T "sysctl server\n" E, 0,
	  "t.case:2:1: error: 'sysctl' needs HOST KEY=VALUE" },
	/* order and windows */
	{ "times out of order", T "at 2.0 client send 1\nat 1.0 client close\n" E, 0,
	  "t.case:3:4: error: times out of order: 1.0 s comes after 2.0 s" },
	{ "times out of order ms", T "at 250ms client send 1\nat 0.2 client close\n" E, 0,
	  "t.case:3:4: error: times out of order: 0.2 s comes after 0.25 s" },
	{ "empty window", T "expect client state CLOSED from 2 to 1\n", 0,
	  "t.case:2:38: error: empty window: 1.0 s is not after 2.0 s" },
	{ "window without to", T "expect client state CLOSED from 1 till 2\n", 0,
	  "t.case:2:35: error: expected 'to', got 'till'" },
	{ "window short", T "expect client state CLOSED from 1\n", 0,
	  "t.case:2:28: error: 'from' needs TIME to TIME" },
	{ "state at missing", T "expect client state CLOSED at\n", 0,
	  "t.case:2:28: error: 'at' needs TIME" },
	{ "empty band", T "at 1 kill server\nexpect client eof within 1..0.5\n", 0,
	  "t.case:3:26: error: empty band '1..0.5': 1.0 s is after 0.5 s" },
	{ "empty band unit", T "at 1 kill server\nexpect client eof within 100..300ms\n", 0,
	  "t.case:3:26: error: empty band '100..300ms': 100.0 s is after 0.3 s "
	  "(a number without a unit is in seconds)" },
	{ "bad band", T "at 1 kill server\nexpect client eof within 1-2\n", 0,
	  "t.case:3:26: error: bad band '1-2': expected LO..HI like 0..0.5 or 0..300ms" },
	{ "band missing", T "at 1 kill server\nexpect client eof within\n", 0,
	  "t.case:3:19: error: 'within' needs LO..HI or model" },
	/* within model (timing model bands) and tiers */
	{ "model scenario unknown",
	  T "end 5\nclient connect server 80\n"
	    "expect client error ETIMEDOUT within model syn\n",
	  0,
	  "t.case:4:44: error: unknown model scenario 'syn': expected data-timeout, zero-window, "
	  "syn-timeout, synack-timeout, keepalive, fin-wait2, orphan-fin or time-wait" },
	{ "model extra", T "end 5\nexpect client eof within model keepalive now\n", 0,
	  "t.case:3:42: error: unexpected 'now' after 'expect client eof within model keepalive'" },
	{ "model without end",
	  T "at 1 client send 10\nexpect client error ETIMEDOUT within model\n", 0,
	  "t.case:3:1: error: 'within model' needs an 'end' long enough for the prediction "
	  "(tcpfault predict SCENARIO says how long)" },
	{ "model not inferred", T "end 5\nexpect client eof within model\n", 0,
	  "t.case:3:1: error: 'within model' cannot tell which timer ends this: write 'within "
	  "model SCENARIO' with one of data-timeout, zero-window, syn-timeout, synack-timeout, "
	  "keepalive, fin-wait2, orphan-fin or time-wait" },
	{ "model state not inferred", T "end 5\nexpect client state CLOSED within model\n", 0,
	  "t.case:3:1: error: 'within model' cannot tell which timer ends this: write 'within "
	  "model SCENARIO' with one of data-timeout, zero-window, syn-timeout, synack-timeout, "
	  "keepalive, fin-wait2, orphan-fin or time-wait" },
	{ "model state not CLOSED",
	  T "end 5\nexpect client state FIN_WAIT2 within model fin-wait2\n", 0,
	  "t.case:3:1: error: 'within model' times the end of the connection: write 'state CLOSED "
	  "within model'" },
	{ "model orphan errno", T "end 5\nexpect client error ETIMEDOUT within model orphan-fin\n",
	  0,
	  "t.case:3:1: error: no application sees the end of orphan-fin: write 'state CLOSED within "
	  "model orphan-fin'" },
	{ "tier unknown", T "tier slow\n" E, 0,
	  "t.case:2:6: error: unknown tier 'slow': expected quick or stock" },
	{ "tier missing", T "tier\n" E, 0, "t.case:2:1: error: 'tier' needs quick or stock" },
	{ "tier twice", T "tier stock\ntier quick\n" E, 0,
	  "t.case:3:1: error: duplicate 'tier' (the first is on line 2)" },
	{ "band without fault", T "expect client eof within 0..1\n", 0,
	  "t.case:2:19: error: 'within' counts from the first fault, but the case has none" },
	/* end */
	{ "expect after end", T "end 5\nexpect client state CLOSED at 6\n", 0,
	  "t.case:3:31: error: expectation at 6.0 s is after the end of the case (5.0 s)" },
	{ "expect after end before", T "expect client state CLOSED from 1 to 6.5\nend 5\n", 0,
	  "t.case:2:38: error: expectation at 6.5 s is after the end of the case (5.0 s)" },
	{ "step after end", T "end 5\nat 6 client close\n" E, 0,
	  "t.case:3:4: error: step at 6.0 s is after the end of the case (5.0 s)" },
	{ "band after end", T "end 2\nat 1.5 kill server\nexpect client eof within 0..1\n", 0,
	  "t.case:4:19: error: 'within' ends at 2.5 s (first fault at 1.5 s + 1.0 s), after the end "
	  "of the case (2.0 s)" },
	/* title, duplicates, header lines */
	{ "no title", E, 0, "t.case:1:1: error: no title: a case starts with 'title TEXT'" },
	{ "no expectation", T "server listen 8080\n\n# done\n", 0,
	  "t.case:4:1: error: no expectation: a case must say what it expects (expect ...)" },
	{ "no expectation no newline", T "server listen 8080", 0,
	  "t.case:2:1: error: no expectation: a case must say what it expects (expect ...)" },
	{ "empty file", "", 0, "t.case:1:1: error: no title: a case starts with 'title TEXT'" },
	{ "title missing text", "title # nothing\n" E, 0, "t.case:1:1: error: 'title' needs TEXT" },
	{ "title twice", T "title u\n" E, 0,
	  "t.case:2:1: error: duplicate 'title' (the first is on line 1)" },
	{ "title too long",
	  "title " /* 200 bytes */
	  "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"
	  "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789\n" E,
	  0, "t.case:1:7: error: title is longer than 199 bytes" },
	{ "title control char", "title a\033[2Jb\n" E, 0,
	  "t.case:1:8: error: control character 0x1b in the title" },
	{ "topology twice", T "topology pair\ntopology pair\n" E, 0,
	  "t.case:3:1: error: duplicate 'topology' (the first is on line 2)" },
	{ "topology unknown", T "topology star\n" E, 0,
	  "t.case:2:10: error: unknown topology 'star': expected pair, lan or routed" },
	{ "topology missing", T "topology\n" E, 0,
	  "t.case:2:1: error: 'topology' needs NAME (pair, lan or routed)" },
	{ "topology late", T "server listen 1\ntopology pair\n" E, 0,
	  "t.case:3:1: error: 'topology' must come before the first line that names a host (line 2)" },
	{ "end twice", T "end 5\nend 6\n" E, 0,
	  "t.case:3:1: error: duplicate 'end' (the first is on line 2)" },
	{ "source bad", T "source A04 B04\n" E, 0,
	  "t.case:2:12: error: bad claim id 'B04': expected A and two digits, like A04" },
	{ "source too many",
	  T "source A01 A02 A03 A04 A05 A06 A07 A08 A09 A10 A11 A12 A13 A14 A15 A16 A17\n" E, 0,
	  "t.case:2:72: error: too many claim ids: at most 16" },
	{ "source missing", T "source\n" E, 0,
	  "t.case:2:1: error: 'source' needs CLAIM... (claim ids like A04)" },
	/* expectations */
	{ "expect missing", T "expect client\n", 0,
	  "t.case:2:1: error: 'expect' needs HOST and what to expect (error, no-error, eof, state, "
	  "received, no-connection, timewait-restarts, sysctl, keepalive-timer, exit, output or socket)" },
	{ "expectation typo", T "expect client eoff\n", 0,
	  "t.case:2:15: error: unknown expectation 'eoff'; did you mean 'eof'?" },
	{ "expectation unknown", T "expect client happiness\n", 0,
	  "t.case:2:15: error: unknown expectation 'happiness': expected error, no-error, eof, "
	  "state, received, no-connection, timewait-restarts, sysctl, keepalive-timer, exit, output or socket" },
	{ "errno missing", T "expect client error\n", 0,
	  "t.case:2:15: error: 'error' needs ERRNO (like ECONNRESET)" },
	{ "errno typo", T "expect client error ECONNRESE\n", 0,
	  "t.case:2:21: error: unknown errno name 'ECONNRESE'; did you mean 'ECONNRESET'?" },
	{ "errno unknown", T "expect client error EFOOBARBAZ\n", 0,
	  "t.case:2:21: error: unknown errno name 'EFOOBARBAZ'" },
	{ "state typo", T "expect client state ESTABLISH\n", 0,
	  "t.case:2:21: error: unknown state 'ESTABLISH'; did you mean 'ESTABLISHED'?" },
	{ "state unknown", T "expect client state HAPPY\n", 0,
	  "t.case:2:21: error: unknown state 'HAPPY': expected ESTABLISHED, SYN_SENT, SYN_RECV, "
	  "FIN_WAIT1, FIN_WAIT2, TIME_WAIT, CLOSE, CLOSE_WAIT, LAST_ACK, LISTEN, CLOSING, CLOSED" },
	/* control */
	{ "control typo", T "at 1 kill server\ncontrol without kil\n" E, 0,
	  "t.case:3:17: error: unknown step 'kil'; did you mean 'kill'?" },
	{ "control unknown", T "at 1 kill server\ncontrol without fun\n" E, 0,
	  "t.case:3:17: error: unknown step 'fun': expected listen, connect, send, read, "
	  "stop-reading, shutdown, close, kill, unplug, replug, drop, watch, lift, host-crash, "
	  "reboot, freeze, middlebox, readdress, heartbeat, exec, user or wait" },
	{ "control not without", T "control with kill\n" E, 0,
	  "t.case:2:9: error: expected 'without' after 'control', got 'with'" },
	{ "control missing step", T "control without\n" E, 0,
	  "t.case:2:9: error: 'without' needs a step: listen, connect, send, read, stop-reading, "
	  "shutdown, close, kill, unplug, replug, drop, watch, lift, host-crash, reboot, freeze, "
	  "middlebox, readdress, heartbeat, exec, user or wait" },
	{ "control removes nothing", T "server listen 1\ncontrol without listen kill\n" E, 0,
	  "t.case:3:24: error: control without kill removes nothing: the case has no kill step" },
	{ "control twice", T "at 1 kill server\ncontrol without kill\ncontrol without kill\n" E, 0,
	  "t.case:4:1: error: duplicate 'control' (the first is on line 3)" },
	/* cables: unplug, replug */
	{ "unplug in pair", T "at 1 unplug client\n" E, 0,
	  "t.case:2:6: error: 'unplug' needs a switch, and topology pair has none (one veth joins "
	  "client and server): use topology lan or routed" },
	{ "unplug no cable", T "topology routed\nat 1 unplug server\n" E, 0,
	  "t.case:3:13: error: server has no cable into the switch in topology routed: unplug client "
	  "or router" },
	{ "unplug the switch", T "topology lan\nat 1 unplug switch\n" E, 0,
	  "t.case:3:13: error: the switch has no cable of its own: unplug client or server" },
	{ "unplug unknown host", T "topology lan\nat 1 unplug router\n" E, 0,
	  "t.case:3:13: error: unknown host 'router': this case's hosts are client, server, switch" },
	{ "unplug twice", T "topology lan\nat 1 unplug client\nat 2 unplug client\n" E, 0,
	  "t.case:4:13: error: client is already unplugged (line 3)" },
	{ "unplug without at", T "topology lan\nunplug client\n" E, 0,
	  "t.case:3:1: error: 'unplug' is a fault and needs a time: at TIME unplug HOST" },
	{ "replug not unplugged", T "topology lan\nat 1 replug client\n" E, 0,
	  "t.case:3:13: error: client is not unplugged at that time: replug follows 'at TIME unplug "
	  "client'" },
	{ "replug after without unplug", T "topology lan\nreplug client after 2\n" E, 0,
	  "t.case:3:1: error: 'replug client after' needs an earlier 'at TIME unplug client' line" },
	{ "replug without time", T "topology lan\nat 1 unplug client\nreplug client\n" E, 0,
	  "t.case:4:1: error: 'replug' needs a time: at TIME replug HOST, or replug HOST after "
	  "DURATION" },
	{ "replug not after", T "topology lan\nat 1 unplug client\nreplug client in 2\n" E, 0,
	  "t.case:4:15: error: expected 'after', got 'in'" },
	{ "replug after bad duration",
	  T "topology lan\nat 1 unplug client\nreplug client after x\n" E, 0,
	  "t.case:4:21: error: bad duration 'x': expected seconds like 1.5, 1.5s or 250ms" },
	{ "replug after extra", T "topology lan\nat 1 unplug client\nreplug client after 2 now\n" E,
	  0, "t.case:4:23: error: unexpected 'now' after 'replug client after 2'" },
	{ "replug after end",
	  T "topology lan\nend 3\nat 1 unplug client\nreplug client after 2.5\n" E, 0,
	  "t.case:5:21: error: step at 3.5 s is after the end of the case (3.0 s)" },
	/* host crash, reboot, freeze; sysctl and keepalive-timer expectations */
	{ "reboot without crash", T "at 1 reboot server\n" E, 0,
	  "t.case:2:13: error: server has not crashed at that time: reboot follows 'at TIME "
	  "host-crash server'" },
	{ "reboot before crash", T "at 1 reboot server\nat 2 host-crash server\n" E, 0,
	  "t.case:2:13: error: server has not crashed at that time: reboot follows 'at TIME "
	  "host-crash server'" },
	{ "crash twice", T "at 1 host-crash server\nat 2 host-crash server\n" E, 0,
	  "t.case:3:17: error: server has already crashed (line 2) and not rebooted since" },
	{ "reboot twice", T "at 1 host-crash server\nat 2 reboot server\nat 3 reboot server\n" E, 0,
	  "t.case:4:13: error: server has not crashed at that time: reboot follows 'at TIME "
	  "host-crash server'" },
	{ "crash missing host", T "at 1 host-crash\n" E, 0,
	  "t.case:2:6: error: 'host-crash' needs HOST" },
	{ "crash unknown host", T "at 1 host-crash srv\n" E, 0,
	  "t.case:2:17: error: unknown host 'srv': this case's hosts are client, server" },
	{ "reboot listen no port", T "at 1 host-crash server\nat 2 reboot server listen\n" E, 0,
	  "t.case:3:20: error: 'listen' needs PORT" },
	{ "reboot listen bad port", T "at 1 host-crash server\nat 2 reboot server listen 0\n" E, 0,
	  "t.case:3:27: error: bad port '0': expected 1..65535" },
	{ "reboot extra", T "at 1 host-crash server\nat 2 reboot server now\n" E, 0,
	  "t.case:3:20: error: unexpected 'now' after 'at 2 reboot server'" },
	{ "freeze without at", T "freeze server\n" E, 0,
	  "t.case:2:1: error: 'freeze' is a fault and needs a time: at TIME freeze HOST" },
	{ "crash typo", T "at 1 host-crsh server\n" E, 0,
	  "t.case:2:6: error: unknown fault 'host-crsh'; did you mean 'host-crash'?" },
	{ "sysctl expect bad key", T "expect client sysctl kernel.x 1\n", 0,
	  "t.case:2:22: error: bad sysctl key 'kernel.x': expected a network sysctl like "
	  "net.ipv4.tcp_keepalive_time" },
	{ "sysctl expect no value", T "expect client sysctl net.a\n", 0,
	  "t.case:2:15: error: 'sysctl' needs KEY VALUE" },
	{ "keepalive-timer bad", T "expect client keepalive-timer 10\n", 0,
	  "t.case:2:31: error: bad band '10': expected LO..HI like 9.9..10 or 7190..7200" },
	{ "keepalive-timer empty", T "expect client keepalive-timer 10..9\n", 0,
	  "t.case:2:31: error: empty band '10..9': 10.0 s is after 9.0 s" },
	{ "keepalive-timer extra", T "expect client keepalive-timer 1..2 now\n", 0,
	  "t.case:2:36: error: unexpected 'now' after 'expect client keepalive-timer 1..2'" },
	{ "control sockopt unset", T "control without SO_KEEPALIVE\n" E, 0,
	  "t.case:2:17: error: control without SO_KEEPALIVE removes nothing: no sockopt line "
	  "sets it" },
	/* bytes */
	{ "NUL byte", T "at 1\0 client close\n" E, sizeof(T "at 1\0 client close\n" E) - 1,
	  "t.case:2:5: error: NUL byte in the line" },
};

START_TEST(test_bad_case)
{
	const struct bad_case *b = &bad_cases[_i];
	size_t len = b->len ? b->len : strlen(b->text);
	struct case_def *c;
	char *diag = parse_diag(b->text, len, &c);
	char *nl = strchr(diag, '\n');

	ck_assert_msg(c == NULL, "%s: parsed", b->name);
	ck_assert_msg(nl != NULL, "%s: no diagnostic", b->name);
	*nl = '\0';
	ck_assert_msg(!strcmp(diag, b->first), "%s:\n got: %s\nwant: %s", b->name, diag, b->first);
	free(diag);
}
END_TEST

/* The whole diagnostic: message, source line, caret under the token (tabs kept). */
START_TEST(test_caret)
{
	char *diag = parse_diag(T "client\tsnd 100  # typo\n" E,
				strlen(T "client\tsnd 100  # typo\n" E), NULL);

	ck_assert_str_eq(diag, "t.case:2:8: error: unknown action 'snd' for client; did you mean "
			       "'send'?\n"
			       "client\tsnd 100  # typo\n"
			       "      \t^~~\n");
	free(diag);
}
END_TEST

START_TEST(test_empty_file)
{
	char *diag = parse_diag("", 0, NULL);

	ck_assert_str_eq(diag, "t.case:1:1: error: no title: a case starts with 'title TEXT'\n"
			       "\n^\n"
			       "t.case:1:1: error: no expectation: a case must say what it expects "
			       "(expect ...)\n"
			       "\n^\n");
	free(diag);
}
END_TEST

/* Control characters in the input do not reach the terminal. */
START_TEST(test_sanitized)
{
	char *diag = parse_diag(T "\033[31m\n" E, strlen(T "\033[31m\n" E), NULL);

	ck_assert_str_eq(diag, "t.case:2:1: error: unknown keyword '?[31m'\n?[31m\n^~~~~\n");
	free(diag);
}
END_TEST

/* Several errors in one pass, in line order, including the whole-file checks. */
START_TEST(test_several_errors)
{
	static const char text[] = "expect client state CLOSED at 9\n"
				   "client snd 1\n"
				   "end 5\n"
				   "at 1 srv close\n";
	char *diag = parse_diag(text, strlen(text), NULL), *a, *b, *d;

	ck_assert_int_eq(count_lines_with(diag, ": error: "), 4);
	ck_assert_ptr_nonnull(strstr(diag, "t.case:1:1: error: no title"));
	ck_assert_ptr_nonnull(strstr(diag, "t.case:1:31: error: expectation at 9.0 s is after"));
	a = strstr(diag, "t.case:1:31:");
	b = strstr(diag, "t.case:2:8: error: unknown action 'snd'");
	d = strstr(diag, "t.case:4:6: error: unknown host 'srv'");
	ck_assert(a && b && d && a < b && b < d);
	free(diag);
}
END_TEST

/* A bad line says so once: the whole-file checks do not echo it ("control
 * without X removes nothing" after the line setting X was refused). */
START_TEST(test_no_echo_errors)
{
	static const char text[] = T "sockopt client TCP_KEEPCNT=200\n"
				     "control without TCP_KEEPCNT\n" E;
	char *diag = parse_diag(text, strlen(text), NULL);

	ck_assert_int_eq(count_lines_with(diag, ": error: "), 1);
	ck_assert_ptr_nonnull(strstr(diag, "t.case:2:16: error: TCP_KEEPCNT=200 is out of range"));
	free(diag);
}
END_TEST

START_TEST(test_error_cap)
{
	char text[64 * 40] = T;
	char *diag;
	int i;

	for (i = 0; i < 40; i++)
		strcat(text, "client snd 1\n");
	diag = parse_diag(text, strlen(text), NULL);
	ck_assert_int_eq(count_lines_with(diag, ": error: "), 20);
	ck_assert_ptr_nonnull(strstr(diag, "t.case: note: too many errors, stopped after 20\n"));
	free(diag);
}
END_TEST

START_TEST(test_long_line)
{
	size_t n = strlen(T) + 5000 + strlen("\n" E) + 1;
	char *text = malloc(n + 1);
	char *diag;

	ck_assert_ptr_nonnull(text);
	strcpy(text, T);
	memset(text + strlen(T), 'x', 5000);
	strcpy(text + strlen(T) + 5000, "\n" E);
	diag = parse_diag(text, strlen(text), NULL);
	ck_assert_str_eq(diag, "t.case:2:1: error: line is longer than 4096 bytes\n");
	free(diag);
	free(text);
}
END_TEST

START_TEST(test_too_many_sysctls)
{
	size_t size = 300 * 40;
	char *text = malloc(size), *diag;
	int i, n;

	ck_assert_ptr_nonnull(text);
	n = snprintf(text, size, T E);
	for (i = 0; i < 257; i++)
		n += snprintf(text + n, size - (size_t)n, "sysctl server net.k%d=1\n", i);
	diag = parse_diag(text, (size_t)n, NULL);
	*strchr(diag, '\n') = '\0';
	ck_assert_str_eq(diag, "t.case:259:1: error: too many sysctls: at most 256");
	free(diag);
	free(text);
}
END_TEST

START_TEST(test_file_errors)
{
	char *buf = NULL, path[300];
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	struct case_def *c = case_parse_file("/nonexistent/x.case", f);

	fflush(f);
	ck_assert_ptr_null(c);
	ck_assert_str_eq(buf,
			 "/nonexistent/x.case: error: cannot read: No such file or directory\n");
	fclose(f);
	free(buf);

	memset(path, 'n', 200);
	strcpy(path + 200, ".case");
	buf = parse_diag(NULL, 0, NULL); /* a NULL buffer is an empty file */
	ck_assert_ptr_nonnull(strstr(buf, "no title"));
	free(buf);
	f = open_memstream(&buf, &n);
	c = case_parse_buffer(path, T E, strlen(T E), f);
	fclose(f);
	ck_assert_ptr_null(c);
	ck_assert_ptr_nonnull(strstr(buf, ".case: error: case name is longer than 127 bytes\n"));
	free(buf);
	case_free(NULL);
}
END_TEST

static const char good[] =
	"title   Process crash on an idle connection: the peer sees EOF   # comment\n"
	"source  A04 A05\n"
	"source  A27\n"
	"topology pair\n"
	"sysctl  server net.ipv4.tcp_retries2=5\n"
	"sockopt client SO_KEEPALIVE=1 TCP_KEEPIDLE=2 TCP_KEEPINTVL=1 TCP_KEEPCNT=3\n"
	"sockopt server SO_LINGER=1,0 TCP_LINGER2=-1\n"
	"at 0.5  client send 100\n"
	"server  listen 8080\n"
	"at 1    client send 100 every 100ms\n"
	"at 1.0  server stop-reading\n"
	"at 1.0  kill server\n"
	"at 2.0  client shutdown\n"
	"client  connect server 8080\n"
	"at 3s   client close\n"
	"\n"
	"expect  client eof\n"
	"expect  client eof within 0..0.5\n"
	"expect  client error EPIPE\n"
	"expect  client error ECONNRESET within 0..300ms\n"
	"expect  server no-error\n"
	"expect  client state CLOSE_WAIT\n"
	"expect  client state CLOSE_WAIT at 1.5\n"
	"expect  client state CLOSE_WAIT from 1.2 to 2.9\n"
	"expect  server state CLOSED\n"
	"expect  client received 100\n"
	"control without kill send\n";

START_TEST(test_good_header)
{
	struct case_def *c = parse_ok(good);

	ck_assert_str_eq(c->file, "t.case");
	ck_assert_str_eq(c->name, "t");
	ck_assert_str_eq(c->title, "Process crash on an idle connection: the peer sees EOF");
	ck_assert_int_eq(c->n_sources, 3);
	ck_assert_str_eq(c->sources[0], "A04");
	ck_assert_str_eq(c->sources[2], "A27");
	ck_assert_int_eq(c->topology, CASE_TOPO_PAIR);
	ck_assert_int_eq(c->n_hosts, 2);
	ck_assert_str_eq(c->hosts[0], "client");
	ck_assert_str_eq(c->hosts[1], "server");
	ck_assert_int_eq(c->n_sysctls, 1);
	ck_assert_int_eq(c->sysctls[0].host, 1);
	ck_assert_str_eq(c->sysctls[0].key, "net.ipv4.tcp_retries2");
	ck_assert_str_eq(c->sysctls[0].value, "5");
	ck_assert_uint_eq(c->sysctls[0].loc.line, 5);
	ck_assert_int_eq(c->n_sockopts, 6);
	ck_assert_int_eq(c->sockopts[1].kind, CASE_TCP_KEEPIDLE);
	ck_assert_int_eq(c->sockopts[1].value, 2);
	ck_assert_int_eq(c->sockopts[3].kind, CASE_TCP_KEEPCNT);
	ck_assert_uint_eq(c->sockopts[3].loc.col, 62);
	ck_assert_int_eq(c->sockopts[4].host, 1);
	ck_assert_int_eq(c->sockopts[4].kind, CASE_SO_LINGER);
	ck_assert_int_eq(c->sockopts[4].value, 1);
	ck_assert_int_eq(c->sockopts[4].value2, 0);
	ck_assert_int_eq(c->sockopts[5].kind, CASE_TCP_LINGER2);
	ck_assert_int_eq(c->sockopts[5].value, -1);
	/* no "end": the last time named (3 s) + 1 s */
	ck_assert_int_eq(c->end_ms, 4000);
	ck_assert_int_eq(c->time_limit_ms, 34000);
	ck_assert(c->has_control);
	ck_assert_uint_eq(c->control_without, (1u << CASE_STEP_KILL) | (1u << CASE_STEP_SEND));
	ck_assert_uint_eq(c->control_loc.line, 27);
	case_free(c);
}
END_TEST

/* "optional": a kernel without the knob runs the case without it. */
START_TEST(test_sysctl_optional)
{
	struct case_def *c = parse_ok(T
				      "sysctl client net.ipv4.tcp_syn_linear_timeouts=0 optional\n"
				      "sysctl server net.ipv4.tcp_retries2=5\n" E);

	ck_assert_int_eq(c->n_sysctls, 2);
	ck_assert(c->sysctls[0].optional);
	ck_assert_str_eq(c->sysctls[0].value, "0");
	ck_assert(!c->sysctls[1].optional);
	case_free(c);
}
END_TEST

START_TEST(test_good_steps)
{
	static const struct {
		enum case_step_kind kind;
		int host;
		bool setup;
		int64_t at_ms;
		unsigned int line;
	} want[] = {
		{ CASE_STEP_LISTEN, 1, true, 0, 9 },
		{ CASE_STEP_CONNECT, 0, true, 0, 14 },
		{ CASE_STEP_SEND, 0, false, 500, 8 },
		{ CASE_STEP_SEND, 0, false, 1000, 10 },
		{ CASE_STEP_STOP_READING, 1, false, 1000, 11 },
		{ CASE_STEP_KILL, 1, false, 1000, 12 },
		{ CASE_STEP_SHUTDOWN, 0, false, 2000, 13 },
		{ CASE_STEP_CLOSE, 0, false, 3000, 15 },
	};
	struct case_def *c = parse_ok(good);
	size_t i;

	ck_assert_int_eq(c->n_steps, ARRAY_SIZE(want));
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		const struct case_step *st = &c->steps[i];

		ck_assert_int_eq(st->kind, want[i].kind);
		ck_assert_int_eq(st->host, want[i].host);
		ck_assert_int_eq(st->setup, want[i].setup);
		ck_assert_int_eq(st->at_ms, want[i].at_ms);
		ck_assert_uint_eq(st->loc.line, want[i].line);
		ck_assert_uint_eq(st->loc.col, 1);
		ck_assert_ptr_eq(st->loc.file, c->file);
	}
	ck_assert_int_eq(c->steps[0].port, 8080);
	ck_assert_int_eq(c->steps[1].target_host, 1);
	ck_assert_int_eq(c->steps[1].port, 8080);
	ck_assert_int_eq(c->steps[2].bytes, 100);
	ck_assert_int_eq(c->steps[2].every_ms, 0);
	ck_assert_int_eq(c->steps[3].every_ms, 100);
	case_free(c);
}
END_TEST

START_TEST(test_good_expects)
{
	struct case_def *c = parse_ok(good);
	const struct case_expect *e = c->expects;

	ck_assert_int_eq(c->n_expects, 10);
	ck_assert_int_eq(e[0].kind, CASE_EXPECT_EOF);
	ck_assert(!e[0].has_band);
	ck_assert_int_eq(e[1].kind, CASE_EXPECT_EOF);
	ck_assert(e[1].has_band);
	ck_assert_int_eq(e[1].band_lo_ms, 0);
	ck_assert_int_eq(e[1].band_hi_ms, 500);
	ck_assert_int_eq(e[2].kind, CASE_EXPECT_ERROR);
	ck_assert_int_eq(e[2].errnum, EPIPE);
	ck_assert_int_eq(e[3].errnum, ECONNRESET);
	ck_assert_int_eq(e[3].band_hi_ms, 300);
	ck_assert_int_eq(e[4].kind, CASE_EXPECT_NO_ERROR);
	ck_assert_int_eq(e[4].host, 1);
	ck_assert_int_eq(e[5].kind, CASE_EXPECT_STATE);
	ck_assert_int_eq(e[5].state, TCP_CLOSE_WAIT);
	ck_assert_int_eq(e[5].when, CASE_WHEN_END);
	ck_assert_int_eq(e[6].when, CASE_WHEN_AT);
	ck_assert_int_eq(e[6].from_ms, 1500);
	ck_assert_int_eq(e[7].when, CASE_WHEN_DURING);
	ck_assert_int_eq(e[7].from_ms, 1200);
	ck_assert_int_eq(e[7].to_ms, 2900);
	ck_assert_int_eq(e[8].state, CASE_STATE_CLOSED);
	ck_assert_int_eq(e[9].kind, CASE_EXPECT_RECEIVED);
	ck_assert_int_eq(e[9].bytes, 100);
	ck_assert_uint_eq(e[9].loc.line, 26);
	case_free(c);
}
END_TEST

/* How "end" is derived or taken, and the time limit that follows. */
static const struct {
	const char *text;
	int64_t end_ms;
} ends[] = {
	{ T E, 1000 },
	{ T "at 2.5 client close\n" E, 3500 },
	{ T "expect client state CLOSED at 7\n", 8000 },
	{ T "at 2 kill server\nexpect client eof within 0..0.5\n", 3500 },
	{ T "end 5\nat 5 client close\n" E, 5000 },
	{ T "expect client state CLOSED at 4\nend 4.5\n", 4500 },
};

START_TEST(test_end)
{
	struct case_def *c = parse_ok(ends[_i].text);

	ck_assert_int_eq(c->end_ms, ends[_i].end_ms);
	ck_assert_int_eq(c->time_limit_ms, ends[_i].end_ms + 30000);
	case_free(c);
}
END_TEST

START_TEST(test_crlf_and_blanks)
{
	struct case_def *c = parse_ok("\r\n# a comment\r\ntitle  A title \t\r\n\t\n"
				      "server listen 80#comment\r\nexpect\tclient\teof");

	ck_assert_str_eq(c->title, "A title");
	ck_assert_int_eq(c->n_steps, 1);
	ck_assert_int_eq(c->steps[0].port, 80);
	ck_assert_int_eq(c->n_expects, 1);
	case_free(c);
}
END_TEST

START_TEST(test_name)
{
	struct case_def *c;
	char *diag;
	FILE *f;
	size_t n;

	f = open_memstream(&diag, &n);
	c = case_parse_buffer("cases/process-crash/idle-eof.case", T E, strlen(T E), f);
	fclose(f);
	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(c->name, "idle-eof");
	case_free(c);
	free(diag);
	f = open_memstream(&diag, &n);
	c = case_parse_buffer("plain", T E, strlen(T E), f);
	fclose(f);
	ck_assert_str_eq(c->name, "plain");
	case_free(c);
	free(diag);
}
END_TEST

/* "within model": the scenario as written, or inferred from what the case does. */
START_TEST(test_model_bands)
{
	struct case_def *c;

	c = parse_ok("title t\ntier stock\nend 100\n"
		     "sockopt server SO_KEEPALIVE=1\n"
		     "server listen 80\nserver stop-reading\nclient connect server 80\n"
		     "at 1 client send 10\nat 2 client close\n"
		     "expect client error ETIMEDOUT within model data-timeout\n"
		     "expect client error ETIMEDOUT within model\n"
		     "expect server eof within model\n"
		     "expect client state CLOSED within model\n"
		     "expect client state CLOSED within model time-wait\n");
	ck_assert_int_eq(c->tier, CASE_TIER_STOCK);
	ck_assert(c->expects[0].band_model && !c->expects[0].has_band);
	ck_assert_int_eq(c->expects[0].model_scenario, MODEL_DATA_TIMEOUT);
	ck_assert_int_eq(c->expects[1].model_scenario, MODEL_ZERO_WINDOW);
	ck_assert_int_eq(c->expects[2].model_scenario, MODEL_KEEPALIVE);
	ck_assert_int_eq(c->expects[3].model_scenario, MODEL_FIN_WAIT2);
	ck_assert_int_eq(c->expects[3].when, CASE_WHEN_END);
	ck_assert_int_eq(c->expects[4].model_scenario, MODEL_TIME_WAIT);
	ck_assert_str_eq(case_tier_name(c->tier), "stock");
	case_free(c);
	c = parse_ok("title t\nend 200\nclient connect server 80\n"
		     "expect client error ETIMEDOUT within model\n");
	ck_assert_int_eq(c->tier, CASE_TIER_QUICK);
	ck_assert_int_eq(c->expects[0].model_scenario, MODEL_SYN_TIMEOUT);
	case_free(c);
	c = parse_ok("title t\nend 9\nat 1 kill server\nexpect client state CLOSED within 0..2\n");
	ck_assert(c->expects[0].has_band && !c->expects[0].band_model);
	ck_assert_int_eq(c->expects[0].band_hi_ms, 2000);
	case_free(c);
}
END_TEST

/* host-crash, reboot [listen PORT], freeze; sysctl and keepalive-timer
 * expectations; a control without a socket option. */
START_TEST(test_crash)
{
	struct case_def *c, *v;

	c = parse_ok("title t\nend 30\n"
		     "sockopt client SO_KEEPALIVE=1 TCP_KEEPIDLE=2\n"
		     "sockopt server TCP_USER_TIMEOUT=3000\n"
		     "server listen 8080\nclient connect server 8080\n"
		     "at 1 freeze client\n"
		     "at 1 host-crash server\n"
		     "at 2 reboot server\n"
		     "at 3 host-crash server\n"
		     "at 4 reboot server listen 8080\n"
		     "expect client sysctl net.ipv4.tcp_rmem 4096   131072 6291456\n"
		     "expect server sysctl net.ipv4.tcp_keepalive_time 7200\n"
		     "expect client keepalive-timer 1.9..2\n"
		     "expect client keepalive-timer 7190..7200\n"
		     "control without SO_KEEPALIVE host-crash reboot\n");
	ck_assert_int_eq(c->n_steps, 7);
	ck_assert_int_eq(c->steps[2].kind, CASE_STEP_FREEZE);
	ck_assert_int_eq(c->steps[2].host, 0);
	ck_assert_int_eq(c->steps[3].kind, CASE_STEP_HOST_CRASH);
	ck_assert_int_eq(c->steps[3].host, 1);
	ck_assert_int_eq(c->steps[4].kind, CASE_STEP_REBOOT);
	ck_assert_int_eq(c->steps[4].port, 0);
	ck_assert_int_eq(c->steps[6].kind, CASE_STEP_REBOOT);
	ck_assert_int_eq(c->steps[6].port, 8080);
	ck_assert_int_eq(c->steps[6].at_ms, 4000);
	ck_assert_str_eq(case_step_name(CASE_STEP_HOST_CRASH), "host-crash");
	ck_assert_int_eq(c->expects[0].kind, CASE_EXPECT_SYSCTL);
	ck_assert_str_eq(c->expects[0].sysctl_key, "net.ipv4.tcp_rmem");
	ck_assert_str_eq(c->expects[0].sysctl_value, "4096 131072 6291456");
	ck_assert_int_eq(c->expects[1].host, 1);
	ck_assert_str_eq(c->expects[1].sysctl_value, "7200");
	ck_assert_int_eq(c->expects[2].kind, CASE_EXPECT_KEEPALIVE_TIMER);
	ck_assert_int_eq(c->expects[2].timer_lo_ms, 1900);
	ck_assert_int_eq(c->expects[2].timer_hi_ms, 2000);
	ck_assert_int_eq(c->expects[3].timer_lo_ms, 7190000);
	ck_assert_uint_eq(c->control_without_opts, 1u << CASE_SO_KEEPALIVE);
	ck_assert_uint_eq(c->control_without,
			  (1u << CASE_STEP_HOST_CRASH) | (1u << CASE_STEP_REBOOT));
	v = case_control(c);
	ck_assert_ptr_nonnull(v);
	/* the other options stay, and the freeze */
	ck_assert_int_eq(v->n_sockopts, c->n_sockopts - 1);
	for (int i = 0; i < v->n_sockopts; i++)
		ck_assert_int_ne(v->sockopts[i].kind, CASE_SO_KEEPALIVE);
	ck_assert_int_eq(v->n_steps, 3);
	ck_assert_int_eq(v->steps[2].kind, CASE_STEP_FREEZE);
	case_free(v);
	case_free(c);
}
END_TEST

START_TEST(test_control)
{
	struct case_def *c = parse_ok(good), *v;
	int i;

	v = case_control(c);
	ck_assert_ptr_nonnull(v);
	ck_assert_ptr_ne(v->file, c->file);
	ck_assert_str_eq(v->file, c->file);
	ck_assert_int_eq(v->n_steps, c->n_steps - 3); /* two sends and the kill */
	for (i = 0; i < v->n_steps; i++) {
		ck_assert_int_ne(v->steps[i].kind, CASE_STEP_KILL);
		ck_assert_int_ne(v->steps[i].kind, CASE_STEP_SEND);
		ck_assert_ptr_eq(v->steps[i].loc.file, v->file);
	}
	ck_assert_int_eq(v->n_expects, c->n_expects);
	ck_assert_ptr_ne(v->expects, c->expects);
	ck_assert_ptr_eq(v->expects[0].loc.file, v->file);
	ck_assert_int_eq(v->n_sockopts, c->n_sockopts);
	ck_assert_int_eq(v->end_ms, c->end_ms);
	case_free(c); /* the copy owns all it points to */
	ck_assert_str_eq(v->expects[9].loc.file, "t.case");
	case_free(v);

	c = parse_ok(T E);
	ck_assert_ptr_null(case_control(c));
	ck_assert_ptr_null(case_control(NULL));
	case_free(c);
}
END_TEST

/* Topologies name their hosts (client 0, server 1); unplug and replug are
 * faults; "replug HOST after T" lands in time order among the "at" steps. */
START_TEST(test_cable)
{
	static const char text[] = T
		"topology routed\n"
		"server listen 80\n"
		"client connect server 80\n"
		"at 1 unplug client\n"
		"replug client after 2.5\n" /* 3.5 s */
		"at 2 server send 10\n"
		"at 3.5 client send 10\n" /* after the replug: same time, later line */
		"at 5 unplug router\n"
		"at 6 replug router\n" E "control without replug\n";
	static const struct {
		enum case_step_kind kind;
		int host;
		int64_t at_ms;
		unsigned int line;
	} want[] = {
		{ CASE_STEP_UNPLUG, 0, 1000, 5 }, { CASE_STEP_SEND, 1, 2000, 7 },
		{ CASE_STEP_REPLUG, 0, 3500, 6 }, { CASE_STEP_SEND, 0, 3500, 8 },
		{ CASE_STEP_UNPLUG, 3, 5000, 9 }, { CASE_STEP_REPLUG, 3, 6000, 10 },
	};
	struct case_def *c = parse_ok(text), *v;
	size_t i;

	ck_assert_int_eq(c->topology, CASE_TOPO_ROUTED);
	ck_assert_int_eq(c->n_hosts, 4);
	ck_assert_str_eq(c->hosts[0], "client");
	ck_assert_str_eq(c->hosts[1], "server");
	ck_assert_str_eq(c->hosts[2], "switch");
	ck_assert_str_eq(c->hosts[3], "router");
	ck_assert_int_eq(c->n_steps, 2 + ARRAY_SIZE(want));
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		const struct case_step *st = &c->steps[2 + i];

		ck_assert_int_eq(st->kind, want[i].kind);
		ck_assert_int_eq(st->host, want[i].host);
		ck_assert_int_eq(st->at_ms, want[i].at_ms);
		ck_assert_uint_eq(st->loc.line, want[i].line);
	}
	ck_assert_int_eq(c->end_ms, 7000);
	ck_assert_str_eq(case_step_name(CASE_STEP_UNPLUG), "unplug");
	ck_assert_str_eq(case_step_name(CASE_STEP_REPLUG), "replug");
	ck_assert_str_eq(case_topo_name(CASE_TOPO_LAN), "lan");
	v = case_control(c);
	ck_assert_int_eq(v->n_steps, c->n_steps - 2);
	case_free(v);
	case_free(c);

	c = parse_ok(T "topology lan\nat 1 unplug server\nat 2 replug server\n" E);
	ck_assert_int_eq(c->n_hosts, 3);
	ck_assert_int_eq(c->steps[0].host, 1);
	case_free(c);
}
END_TEST

static const struct {
	const char *text;
	int ret;
	int64_t ms;
} durations[] = {
	{ "1.5", 0, 1500 },
	{ "1.5s", 0, 1500 },
	{ "250ms", 0, 250 },
	{ "2", 0, 2000 },
	{ "0", 0, 0 },
	{ "0s", 0, 0 },
	{ "3s", 0, 3000 },
	{ "0.0005", 0, 1 },
	{ "0.0004999", 0, 0 },
	{ "1.2345", 0, 1235 },
	{ "250.5ms", 0, 251 },
	{ "250.49ms", 0, 250 },
	{ "007", 0, 7000 },
	{ "10000000", 0, 10000000000LL },
	{ "10000000.0004", 0, 10000000000LL },
	{ "9999999999ms", 0, 9999999999LL },
	{ "10000000.001", -EINVAL, 0 },
	{ "10000001", -EINVAL, 0 },
	{ "99999999999999999999999999", -EINVAL, 0 },
	{ "", -EINVAL, 0 },
	{ "-1", -EINVAL, 0 },
	{ "+1", -EINVAL, 0 },
	{ "1.", -EINVAL, 0 },
	{ ".5", -EINVAL, 0 },
	{ "1.x", -EINVAL, 0 },
	{ "1m", -EINVAL, 0 },
	{ "1 s", -EINVAL, 0 },
	{ "1.5sec", -EINVAL, 0 },
	{ "1e3", -EINVAL, 0 },
	{ "1..2", -EINVAL, 0 },
	{ "ms", -EINVAL, 0 },
	{ "s", -EINVAL, 0 },
	{ " 1", -EINVAL, 0 },
	{ "1ms5", -EINVAL, 0 },
	{ "0x10", -EINVAL, 0 },
};

START_TEST(test_duration)
{
	int64_t ms = -42;
	int ret = case_parse_duration(durations[_i].text, &ms);

	ck_assert_msg(ret == durations[_i].ret, "'%s': ret %d", durations[_i].text, ret);
	if (!ret)
		ck_assert_msg(ms == durations[_i].ms, "'%s': %lld ms", durations[_i].text,
			      (long long)ms);
	else
		ck_assert_int_eq(ms, -42); /* untouched on error */
}
END_TEST

static const struct {
	const char *name;
	int num;
} errnos[] = {
	{ "ECONNRESET", ECONNRESET },
	{ "EPIPE", EPIPE },
	{ "ETIMEDOUT", ETIMEDOUT },
	{ "EHOSTUNREACH", EHOSTUNREACH },
	{ "ECONNREFUSED", ECONNREFUSED },
	{ "EPERM", EPERM },
	{ "EAGAIN", EAGAIN },
	{ "EWOULDBLOCK", EAGAIN },
	{ "ENOTSUP", EOPNOTSUPP },
	{ "EHWPOISON", EHWPOISON },
	{ "econnreset", -1 },
	{ "", -1 },
	{ "E?", -1 },
	{ "0", -1 },
	{ "ECONNRESET ", -1 },
};

START_TEST(test_errno)
{
	ck_assert_int_eq(case_errno_parse(errnos[_i].name), errnos[_i].num);
	if (errnos[_i].num > 0 && strcmp(errnos[_i].name, "EWOULDBLOCK") &&
	    strcmp(errnos[_i].name, "ENOTSUP"))
		ck_assert_str_eq(case_errno_name(errnos[_i].num), errnos[_i].name);
}
END_TEST

START_TEST(test_errno_edges)
{
	ck_assert_int_eq(case_errno_parse(NULL), -1);
	ck_assert_str_eq(case_errno_name(0), "E?");
	ck_assert_str_eq(case_errno_name(-1), "E?");
	ck_assert_str_eq(case_errno_name(100000), "E?");
}
END_TEST

START_TEST(test_names)
{
	int k;

	for (k = 0; k < CASE_STEP_COUNT; k++) {
		ck_assert_ptr_nonnull(case_step_name((enum case_step_kind)k));
		ck_assert_str_ne(case_step_name((enum case_step_kind)k), "?");
	}
	ck_assert_str_eq(case_step_name(CASE_STEP_STOP_READING), "stop-reading");
	ck_assert_str_eq(case_step_name(CASE_STEP_KILL), "kill");
	ck_assert_str_eq(case_step_name(CASE_STEP_COUNT), "?");
	ck_assert_str_eq(case_state_name(CASE_STATE_CLOSED), "CLOSED");
	ck_assert_str_eq(case_state_name(TCP_ESTABLISHED), "ESTABLISHED");
	ck_assert_str_eq(case_state_name(TCP_CLOSE), "CLOSE");
	ck_assert_str_eq(case_state_name(TCP_CLOSING), "CLOSING");
	ck_assert_str_eq(case_state_name(-1), "?");
	ck_assert_str_eq(case_state_name(99), "?");
	ck_assert_str_eq(case_sockopt_name(CASE_TCP_KEEPCNT), "TCP_KEEPCNT");
}
END_TEST

static Suite *case_suite(void)
{
	Suite *s = suite_create("case");
	TCase *tc;

	tc = tcase_create("errors");
	tcase_set_timeout(tc, 10);
	tcase_add_loop_test(tc, test_bad_case, 0, (int)ARRAY_SIZE(bad_cases));
	tcase_add_test(tc, test_caret);
	tcase_add_test(tc, test_empty_file);
	tcase_add_test(tc, test_sanitized);
	tcase_add_test(tc, test_several_errors);
	tcase_add_test(tc, test_no_echo_errors);
	tcase_add_test(tc, test_error_cap);
	tcase_add_test(tc, test_long_line);
	tcase_add_test(tc, test_too_many_sysctls);
	tcase_add_test(tc, test_file_errors);
	suite_add_tcase(s, tc);

	tc = tcase_create("good");
	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, test_good_header);
	tcase_add_test(tc, test_sysctl_optional);
	tcase_add_test(tc, test_good_steps);
	tcase_add_test(tc, test_good_expects);
	tcase_add_loop_test(tc, test_end, 0, (int)ARRAY_SIZE(ends));
	tcase_add_test(tc, test_crlf_and_blanks);
	tcase_add_test(tc, test_name);
	tcase_add_test(tc, test_control);
	tcase_add_test(tc, test_crash);
	tcase_add_test(tc, test_model_bands);
	tcase_add_test(tc, test_cable);
	suite_add_tcase(s, tc);

	tc = tcase_create("values");
	tcase_set_timeout(tc, 10);
	tcase_add_loop_test(tc, test_duration, 0, (int)ARRAY_SIZE(durations));
	tcase_add_loop_test(tc, test_errno, 0, (int)ARRAY_SIZE(errnos));
	tcase_add_test(tc, test_errno_edges);
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(case_suite());
}
