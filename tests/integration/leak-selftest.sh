#!/bin/sh
# The leak check must catch each kind of leak: plant one of each (a process
# called tcpfault, a freezer group of a dead owner, a kept namespace), check
# that `tcpfault cleanup --check` names all three and fails, that `tcpfault
# cleanup` removes the group and the namespace, and that the check passes once
# the process is gone too (issue 8). An orphaned worker ("tcpfault-case" with
# no run above it) is a leak; a run that is still going is not. Root.
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
bin=build/tcpfault
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 0; }
tmp=$(mktemp -d)
# Where to plant the group: the cgroup2 mount, else the v1 freezer hierarchy
# (a privileged container on a cgroup v1 host has only that). The fs type is
# the field after "-" (optional fields before it come and go).
cg_mount() {
	awk -v want="$1" '{ for (i = 7; i < NF; i++) if ($i == "-") break }
		$(i + 1) == want && (want == "cgroup2" || $(i + 3) ~ /(^|,)freezer(,|$)/) { print $5; exit }' \
		/proc/self/mountinfo
}
cg=$(cg_mount cgroup2)
[ -n "$cg" ] || cg=$(cg_mount cgroup)
[ -n "$cg" ] || { echo "SKIP: no cgroup2 mount and no v1 freezer hierarchy"; exit 0; }
fail() { echo "not ok - $*"; kill "$sp" "$op" "$rp" 2>/dev/null; rm -rf "$tmp"; exit 1; }
op=; rp=

cp "$(command -v sleep)" "$tmp/tcpfault"
cp "$(command -v sleep)" "$tmp/tcpfault-case"
"$tmp/tcpfault" 60 &
sp=$!
"$tmp/tcpfault-case" 60 &
op=$!
mkdir "$cg/tcpfault.1.999999999.selftest"
ip netns add tcpfault-keep-selftest
# A SIGKILLed worker's program scratch directory, and a live one's.
mkdir -p /tmp/tcpfault-exec.999999999.selftest/db && touch /tmp/tcpfault-exec.999999999.selftest/db/f
mkdir -p "/tmp/tcpfault-exec.$$.selftest"

"$bin" cleanup --check >"$tmp/leaks" && fail "the check found no leak"
grep -q "process $sp (tcpfault)" "$tmp/leaks" || fail "planted process not found"
grep -q "process $op (tcpfault-case)" "$tmp/leaks" || fail "orphaned worker not found"
grep -q "tcpfault.1.999999999.selftest" "$tmp/leaks" || fail "planted cgroup not found"
grep -q "tcpfault-keep-selftest" "$tmp/leaks" || fail "planted namespace not found"
echo "ok - the check names the planted process, cgroup and namespace"
"$bin" cleanup >/dev/null
[ -d "$cg/tcpfault.1.999999999.selftest" ] && fail "cleanup left the dead owner's cgroup"
ip netns list | grep -q tcpfault-keep-selftest && fail "cleanup left the kept namespace"
[ -d /tmp/tcpfault-exec.999999999.selftest ] && fail "cleanup left a dead worker's scratch directory"
[ -d "/tmp/tcpfault-exec.$$.selftest" ] || fail "cleanup removed a live worker's scratch directory"
rmdir "/tmp/tcpfault-exec.$$.selftest"
kill "$sp" "$op"; wait "$sp" "$op" 2>/dev/null
"$bin" cleanup --check >/dev/null || fail "leaks remain after cleanup"
echo "ok - cleanup removed them (and a dead worker's scratch directory) and the check passes"

# A run that is still going (its orchestrator, workers, peers and freezer
# groups) is not a leak, and a cleanup beside it leaves it alone.
"$bin" run --results "$tmp" cases/host-crash/reboot-rst.case >"$tmp/run.out" 2>&1 &
rp=$!
worker=
for _ in $(seq 50); do worker=$(pgrep -P "$rp" -x tcpfault-case) && break; sleep 0.1; done
[ -n "$worker" ] && wait_frozen_group "$worker" || fail "the run's server was never frozen"
"$bin" cleanup --check >"$tmp/leaks" || { cat "$tmp/leaks"; fail "a running run was called a leak"; }
grep -q "tcpfault run $rp is still going" "$tmp/leaks" || fail "the running run was not noticed"
"$bin" cleanup >/dev/null
wait "$rp" || { cat "$tmp/run.out"; fail "cleanup beside a running run broke it"; }
rp=
"$bin" cleanup --check >/dev/null || fail "the finished run left something"
echo "ok - a running run is not a leak, and cleanup leaves it alone"
rm -rf "$tmp"
echo "leak-selftest: 3 passed, 0 failed"
