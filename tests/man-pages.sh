#!/bin/sh
# The man pages are in step with the code (make test; no root):
#  - tcpfault-case(5) and docs/CASES.md mention every keyword the case parser
#    knows: the first string of each row of the parser's tables in
#    harness/case/case_*.c, harness/case/sockopt.c ({ "listen", ... },
#    and the step kinds of harness/case/steps.def (STEP(KIND, "keyword", ...)),
#    [CASE_SEG_SYN] = "SYN", { "sent", "received" });
#  - tcpfault(1) mentions every command of harness/cli/main.c and every long
#    option of harness/cli/main.c and harness/cli/model_cli.c;
#  - `man --warnings -l` prints nothing for either page (when man is installed).
set -u
cd "$(dirname "$0")/.."
fail=0

# A page as plain words: font escapes dropped, \- as -.
words() { sed -e 's/\\f[BIRP]//g' -e 's/\\f(..//g' -e 's/\\-/-/g' -e 's/\\(dq/"/g' "$1"; }
# Is $2 a whole word (letters, digits, _ and - as word characters) of stdin?
has() { grep -qE -- "(^|[^A-Za-z0-9_-])$1([^A-Za-z0-9_-]|$)"; }

keywords=$(
	{
		grep -hoE '^[[:space:]]*(\[[A-Z0-9_]+\] = )?\{ *"[^"]+"' harness/case/case_*.c harness/case/sockopt.c |
			sed 's/.*"\([^"]*\)"$/\1/'
		grep -hoE '^STEP\([A-Z0-9_]+, "[^"]+"' harness/case/steps.def | sed 's/.*"\([^"]*\)"$/\1/'
		grep -hoE '\[[A-Z0-9_]+\] = "[^"]*"' harness/case/case_*.c | sed 's/.*= "\([^"]*\)"/\1/'
		grep -hE 'const char \*const [a-z_]+\[\] = \{.*\};' harness/case/case_*.c |
			grep -oE '"[^"]*"' | tr -d '"'
	} | grep -E '^[A-Za-z][A-Za-z0-9_-]*$' | sort -u
)
n=0
for kw in $keywords; do
	n=$((n + 1))
	words docs/tcpfault-case.5 | has "$kw" ||
		{ echo "not ok: tcpfault-case(5) does not mention the keyword '$kw'"; fail=1; }
	has "$kw" < docs/CASES.md ||
		{ echo "not ok: docs/CASES.md does not mention the keyword '$kw'"; fail=1; }
done
[ "$n" -gt 50 ] || { echo "not ok: only $n keywords found in the parser's tables"; fail=1; }

cmds=$(grep -oE 'strcmp\(argv\[1\], "[a-z]+"\) == 0' harness/cli/main.c | grep -oE '"[a-z]+"' | tr -d '"')
opts=$(grep -hoE '\{ "[a-z-]+", (no|required|optional)_argument' harness/cli/main.c harness/cli/model_cli.c |
	sed 's/{ "\([^"]*\)".*/\1/' | sort -u)
for c in $cmds; do
	words docs/tcpfault.1 | has "$c" || { echo "not ok: tcpfault(1) does not mention the command '$c'"; fail=1; }
done
for o in $opts; do
	words docs/tcpfault.1 | has "--$o" || { echo "not ok: tcpfault(1) does not mention the option '--$o'"; fail=1; }
done
# cleanup's only option is parsed by hand
words docs/tcpfault.1 | has "--check" || { echo "not ok: tcpfault(1) does not mention --check"; fail=1; }

if command -v man >/dev/null 2>&1; then
	for page in docs/tcpfault.1 docs/tcpfault-case.5; do
		out=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
		[ -z "$out" ] || { echo "not ok: man --warnings -l $page:"; echo "$out"; fail=1; }
	done
else
	echo "# SKIP man --warnings: man is not installed (scripts/install-deps)"
fi
[ $fail -eq 0 ] && echo "ok: man pages: $n case keywords, $(echo $cmds | wc -w) commands, $(echo $opts | wc -w) options"
exit $fail
