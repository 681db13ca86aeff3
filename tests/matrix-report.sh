#!/bin/sh
# tests/matrix-report.sh: `tcpfault matrix` on a kernel matrix's results
# (tests/fixtures/matrix-run: Debian's 6.1 under TCG and this machine's 6.18,
# written by scripts/kernel-matrix and trimmed to summary.json and guest.txt),
# as a user reads it: matrix.md and matrix.html are written, the claims that
# change between kernels show both numbers, a case that needs a newer kernel
# is a skip naming the release, and the model check holds (predict --kernel
# RELEASE against each run's own model). Then what must fail: a run whose
# model disagrees with predict --kernel (exit 1, the claim named), no kernels
# (exit 2, a message), bad usage (exit 2). No root.
# Usage: TCPFAULT=build/tcpfault tests/matrix-report.sh
set -u
bin=${TCPFAULT:-build/tcpfault}
fixture=tests/fixtures/matrix-run
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0 n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
bad() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }

cp -r "$fixture" "$tmp/run"
"$bin" matrix "$tmp/run" >"$tmp/out" 2>"$tmp/err"
rc=$?
md=$tmp/run/matrix.md
check "matrix exits 0 on the fixture (got $rc: $(head -c 300 "$tmp/err"))" '[ $rc = 0 ]'
check "matrix.md and matrix.html written" '[ -s "$md" ] && [ -s "$tmp/run/matrix.html" ]'
check "one column per kernel" 'grep -q "^| claim | article says | 6.1.0-57-amd64 | 6.18.44-fc-v1272 |" "$md"'
check "A19 on 6.1: the model says 15 s and the article is confirmed" \
	'grep "^| A19 " "$md" | grep -q "| model 15.000 s · measured 15.[0-9]* s · confirmed |"'
check "A19 on 6.18: the model says 19 s and the article differs" \
	'grep "^| A19 " "$md" | grep -q "model 19.000 s · measured [0-9.]* s · differs |\$"'
check "syn-lost needs a 6.5+ knob: a skip on 6.1 that names the release" \
	'grep "^| handshake/syn-lost " "$md" | grep -q "skip: .*needs net.ipv4.tcp_syn_linear_timeouts (Linux 6.5+), which this kernel (6.1.0-57-amd64)"'
check "how each kernel ran" 'grep -q "| 6.1.0-57-amd64 | VM, TCG (emulated" "$md" && grep -q "| 6.18.44-fc-v1272 | this machine |" "$md"'
check "the guest's times against the host's" 'grep -q "^| 6.1.0-57-amd64 | tcg | [1-9]" "$md"'
check "the model check holds" 'grep -q "no disagreement" "$md"'
if command -v xmllint >/dev/null 2>&1; then
	check "matrix.html parses as HTML" 'xmllint --html --noout "$tmp/run/matrix.html" 2>/dev/null'
fi
check "no .tmp file left" '! ls "$tmp/run" | grep -q tmp'

# A run whose own model disagrees with predict --kernel: exit 1, named.
cp -r "$fixture" "$tmp/bad"
sed -i '0,/"model_ms": 15000/s//"model_ms": 16000/' "$tmp/bad/kernels/6.1.0-57-amd64/summary.json"
"$bin" matrix "$tmp/bad" >/dev/null 2>"$tmp/err"
rc=$?
check "a model that disagrees exits 1 (got $rc)" '[ $rc = 1 ]'
check "...and names the claim and the kernel" 'grep -q "A19 on 6.1.0-57-amd64: predict --kernel 6.1.0-57-amd64 gives 15.000 s, the run.s own model 16.000 s" "$tmp/err"'
check "...and marks the cell" 'grep "^| A19 " "$tmp/bad/matrix.md" | grep -q "MODEL DISAGREES"'

# A kernel with failures: exit 1.
cp -r "$fixture" "$tmp/fail"
sed -i 's/"fail": 0/"fail": 2/' "$tmp/fail/kernels/6.1.0-57-amd64/summary.json"
"$bin" matrix "$tmp/fail" >/dev/null 2>&1
rc=$?
check "a kernel with failed cases exits 1 (got $rc)" '[ $rc = 1 ]'

mkdir -p "$tmp/empty"
"$bin" matrix "$tmp/empty" >/dev/null 2>"$tmp/err"
rc=$?
check "no kernels: exit 2 with a message (got $rc)" '[ $rc = 2 ] && grep -q "kernels" "$tmp/err"'
"$bin" matrix >/dev/null 2>"$tmp/err"
rc=$?
check "no RUN_DIR: usage, exit 2 (got $rc)" '[ $rc = 2 ] && grep -q "usage: tcpfault matrix RUN_DIR" "$tmp/err"'

echo "matrix-report: $((n - fails)) passed, $fails failed"
[ $fails = 0 ]
