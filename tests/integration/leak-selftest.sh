#!/bin/sh
# The leak check must catch each kind of leak: plant one of each (a process
# called tcpfault, a freezer group of a dead owner, a kept namespace), check
# that `tcpfault cleanup --check` names all three and fails, that `tcpfault
# cleanup` removes the group and the namespace, and that the check passes once
# the process is gone too (issue 8). Root.
set -u
cd "$(dirname "$0")/../.."
bin=build/tcpfault
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 0; }
tmp=$(mktemp -d)
cg=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
fail() { echo "not ok - $*"; kill "$sp" 2>/dev/null; rm -rf "$tmp"; exit 1; }

cp "$(command -v sleep)" "$tmp/tcpfault"
"$tmp/tcpfault" 60 &
sp=$!
mkdir "$cg/tcpfault.1.1.selftest"
ip netns add tcpfault-keep-selftest

"$bin" cleanup --check >"$tmp/leaks" && fail "the check found no leak"
grep -q "process $sp (tcpfault)" "$tmp/leaks" || fail "planted process not found"
grep -q "tcpfault.1.1.selftest" "$tmp/leaks" || fail "planted cgroup not found"
grep -q "tcpfault-keep-selftest" "$tmp/leaks" || fail "planted namespace not found"
echo "ok - the check names the planted process, cgroup and namespace"
"$bin" cleanup >/dev/null
[ -d "$cg/tcpfault.1.1.selftest" ] && fail "cleanup left the dead owner's cgroup"
ip netns list | grep -q tcpfault-keep-selftest && fail "cleanup left the kept namespace"
kill "$sp"; wait "$sp" 2>/dev/null
"$bin" cleanup --check >/dev/null || fail "leaks remain after cleanup"
echo "ok - cleanup removed them and the check passes"
rm -rf "$tmp"
echo "leak-selftest: 2 passed, 0 failed"
