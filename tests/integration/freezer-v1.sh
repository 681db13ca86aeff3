#!/bin/sh
# The v1 freezer path, end to end (issue 8): every shipped case that freezes a
# host runs with `--freezer freezer-v1` and must pass, each case.json must
# name the v1 freezer, and nothing may be left behind. On a machine with
# cgroup v2 (where the default picks cgroup2) this is the only run of the v1
# code; where no v1 freezer hierarchy is mounted, one is mounted in a private
# mount namespace of this test (the freezer controller is free when only
# cgroup v2 is in use). Usage: tests/integration/freezer-v1.sh (root).
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
bin=$PWD/build/tcpfault
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 0; }

ensure_v1_freezer "$PWD/tests/integration/freezer-v1.sh"
has_v1_freezer || { echo "SKIP: no v1 freezer here, and none can be mounted"; exit 0; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cases=$(grep -l -E '^at +[0-9.]+ +(host-crash|freeze|reboot) ' cases/*/*.case | grep -v stock)
[ -n "$cases" ] || { echo "not ok - no case freezes a host"; exit 1; }
# shellcheck disable=SC2086 # one argument per case file
"$bin" run -j 4 --fail-on-skip --freezer freezer-v1 --results "$tmp" $cases >"$tmp/ktap" 2>&1
rc=$?
grep -E '^(not ok|ok)' "$tmp/ktap" | sed 's/^/# /'
[ "$rc" = 0 ] || { echo "not ok - the cases failed on the v1 freezer (exit $rc)"; exit 1; }
n=$(grep -l '"freezer": *"freezer-v1"' "$tmp"/latest/*/*/case.json 2>/dev/null | wc -l)
want=$(echo "$cases" | wc -l)
[ "$n" -ge 1 ] || { echo "not ok - no case.json names freezer-v1"; exit 1; }
grep -l '"freezer": *"cgroup2"' "$tmp"/latest/*/*/case.json >/dev/null 2>&1 &&
	{ echo "not ok - a case used cgroup2 although freezer-v1 was asked for"; exit 1; }
"$bin" cleanup --check >"$tmp/leaks" || { cat "$tmp/leaks"; echo "not ok - leaks"; exit 1; }
echo "ok - $want cases that freeze a host pass on the v1 freezer ($n froze a live process)"
