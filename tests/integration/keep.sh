#!/bin/sh
# --keep (issue 8): a case that fails keeps its namespaces, its report says
# how to enter them, they are real (each host's lab address is there), the
# leak check names them, and `tcpfault cleanup` removes them. A case that passes keeps nothing.
# Usage: tests/integration/keep.sh (root).
set -u
cd "$(dirname "$0")/../.."
bin=build/tcpfault
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "not ok - $*"; "$bin" cleanup >/dev/null; exit 1; }

# kill -9 of an idle server is an EOF, never an ECONNRESET: this case fails.
cat >"$tmp/fails.case" <<'CASE'
title   kept: a case that fails on purpose
server  listen 8080
client  connect server 8080
at 0.5  kill server
end 1
expect  client error ECONNRESET
CASE
sed 's/^expect .*/expect  client eof within 0..0.2/; s/fails on purpose/passes/' \
	"$tmp/fails.case" >"$tmp/passes.case"

"$bin" run --keep --results "$tmp/r" "$tmp/passes.case" >"$tmp/out" 2>&1 ||
	{ cat "$tmp/out"; fail "the passing case did not pass"; }
ip netns list | grep -q '^tcpfault-keep-' && fail "a passing case kept its namespaces"
echo "ok - a case that passes keeps nothing"

"$bin" run --keep --results "$tmp/r" "$tmp/fails.case" >"$tmp/out" 2>&1 &&
	fail "the failing case passed"
ns=$(sed -n 's/.*# kept: ip netns exec \(tcpfault-keep-[^ ]*\.client\) bash.*/\1/p' "$tmp/out")
[ -n "$ns" ] || { cat "$tmp/out"; fail "the report does not say how to enter the kept lab"; }
ip netns exec "$ns" true || fail "cannot enter $ns"
for h in client server; do
	ip netns exec "${ns%.client}.$h" ip -4 -o addr show | grep -q ' 198\.1[89]\.' ||
		fail "the kept $h namespace has no lab address"
done
echo "ok - a failing case keeps its lab, says how to enter it, and the lab is real"

"$bin" cleanup --check >"$tmp/leaks" && fail "the check does not list the kept lab"
grep -q "$ns (kept with --keep" "$tmp/leaks" || fail "the kept lab is not named as kept"
"$bin" cleanup >/dev/null
ip netns list | grep -q '^tcpfault-keep-' && fail "cleanup left a kept namespace"
"$bin" cleanup --check >/dev/null || fail "leaks after cleanup"
echo "ok - cleanup lists, then removes the kept lab"
echo "keep: 3 passed, 0 failed"
