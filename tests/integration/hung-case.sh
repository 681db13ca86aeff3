#!/bin/sh
# A hung case is stopped by its time limit and reported as error, and leaves
# nothing behind (issue 8). The hang is real: the case's worker is stopped
# (SIGSTOP) while the server's host is crashed (frozen and black-holed), so it
# can neither finish nor answer SIGTERM; the orchestrator must SIGKILL it when
# the grace runs out and then thaw, kill and remove the frozen host it left.
# Once per freezer this machine has. Usage: tests/integration/hung-case.sh (root).
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
bin=build/tcpfault
case_file=cases/host-crash/reboot-rst.case   # host-crash server at 1.05 s, end 4 s
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 0; }
ensure_v1_freezer "$PWD/tests/integration/hung-case.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0

freezers=$(freezer_kinds)
for fz in $freezers; do
	start=$(date +%s)
	"$bin" run --case-timeout 2 --freezer "$fz" --results "$tmp/$fz" "$case_file" >"$tmp/out" 2>&1 &
	rp=$!
	worker=
	for _ in $(seq 50); do
		worker=$(pgrep -P "$rp" -x tcpfault-case) && break
		sleep 0.1
	done
	[ -n "$worker" ] || { echo "not ok - $fz: no worker appeared"; kill "$rp"; failed=$((failed + 1)); continue; }
	# the server crashes at t = 1.05 s: frozen and dark from then on
	wait_frozen_group "$worker" ||
		{ echo "not ok - $fz: the server was never frozen"; kill "$rp"; wait "$rp"; failed=$((failed + 1)); continue; }
	kill -STOP "$worker"
	wait "$rp"; rc=$?
	took=$(( $(date +%s) - start ))
	verdict=$(grep -o '"verdict": *"[a-z]*"' "$tmp/$fz"/latest/summary.json 2>/dev/null | head -1)
	if [ "$rc" != 1 ] || ! grep -q '^not ok 1 host-crash/reboot-rst' "$tmp/out" ||
	   ! grep -q 'timed out' "$tmp/out" || ! echo "$verdict" | grep -q error; then
		echo "not ok - $fz: exit $rc, $verdict, expected exit 1 and a timed-out error:"
		sed 's/^/#   /' "$tmp/out"; failed=$((failed + 1))
	elif [ "$took" -gt 20 ]; then   # end 4 s + limit 2 s + grace 5 s, and the lab
		echo "not ok - $fz: the hung case took $took s to be stopped"; failed=$((failed + 1))
	elif ! "$bin" cleanup --check >"$tmp/leaks"; then
		echo "not ok - $fz: the hung case left:"; sed 's/^/#   /' "$tmp/leaks"; failed=$((failed + 1))
	else
		echo "ok - $fz: a hung case is an error after $took s, nothing left"
	fi
done
[ "$failed" = 0 ]
