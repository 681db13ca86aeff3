#!/bin/sh
# Interrupts runs at random moments with SIGINT, SIGTERM, SIGHUP or SIGKILL, and after
# each one checks that nothing is left: no process of ours, no freezer group,
# no named namespace, no network namespace beyond those that existed before
# (issue 8). After SIGKILL the orchestrator cannot clean up: `tcpfault
# cleanup` (what the next run does first) must then leave nothing. Each round
# picks a freezer (cgroup2, or the v1 freezer when mounted: a v1-frozen task
# outlives a SIGKILLed run until cleanup thaws it).
# Usage: tests/integration/interrupt.sh [ROUNDS] (root).
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
rounds=${1:-12}
bin=build/tcpfault
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 0; }
ensure_v1_freezer "$PWD/tests/integration/interrupt.sh" "$rounds"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Namespaces of processes outside runs still going (another run beside this
# test is not a leak of the one it interrupted).
netns_count() { tests/tools/netns-count.py; }
base=$(netns_count)
failed=0
freezers=$(freezer_kinds)
i=1
while [ "$i" -le "$rounds" ]; do
	sig=$(shuf -n1 -e INT TERM HUP KILL)
	delay=$(shuf -i 1-30 -n1)   # tenths of a second: setup, mid-case, teardown
	fz=$(shuf -n1 -e $freezers)
	set=$(shuf -n1 -e cases/ cases/host-crash)   # host-crash: hosts frozen early on
	"$bin" run -j 2 --freezer "$fz" --results "$tmp" "$set" >"$tmp/out" 2>&1 &
	pid=$!
	sleep "$(echo "$delay" | awk '{print $1 / 10}')"
	kill -s "$sig" "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	sleep 1   # PR_SET_PDEATHSIG and the kernel's namespace cleanup are asynchronous
	[ "$sig" = KILL ] && "$bin" cleanup >/dev/null
	if ! "$bin" cleanup --check >"$tmp/leaks"; then
		echo "not ok $i - SIG$sig after ${delay}00 ms ($set, $fz) left:"; sed 's/^/#   /' "$tmp/leaks"
		failed=$((failed + 1))
	elif ! { n=0; while [ "$(netns_count)" -gt "$base" ] && [ $n -lt 30 ]; do sleep 0.1; n=$((n + 1)); done; [ "$(netns_count)" -le "$base" ]; }; then
		echo "not ok $i - SIG$sig after ${delay}00 ms ($set, $fz) left $(( $(netns_count) - base )) network namespace(s)"
		failed=$((failed + 1))
	else
		echo "ok $i - SIG$sig after ${delay}00 ms ($set, $fz): nothing left"
	fi
	i=$((i + 1))
done
echo "interrupt: $((rounds - failed)) passed, $failed failed"
[ "$failed" = 0 ]
