#!/bin/sh
# bench-ip-pair.sh [BENCH_LAB_OUTPUT] - the "pair" lab of bench_lab built and
# torn down with `ip` commands (what a shell script of `ip netns add`, `ip link
# add ... type veth`, `ip addr add`, `ip link set up` does), BENCH_IP_RUNS
# times (default 20), in a private network and mount namespace (the named
# namespaces live on a private tmpfs over /run/netns: nothing is seen outside).
# Prints the median of build + teardown; with bench_lab's output file, the
# ratio to the lab library's own build + teardown (issue 14: >= 15x).
# Root; exit 4 (SKIP) otherwise or without ip/unshare.
set -u
runs=${BENCH_IP_RUNS:-20}
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 4; }
command -v ip >/dev/null && command -v unshare >/dev/null || { echo "SKIP: no ip or unshare"; exit 4; }

if [ "${BENCH_IP_INSIDE:-}" != 1 ]; then
	BENCH_IP_INSIDE=1 exec unshare --net --mount --propagation private "$0" "$@"
fi
mkdir -p /run/netns && mount -t tmpfs tmpfs /run/netns || { echo "SKIP: cannot mount /run/netns"; exit 4; }

ns_ms() { date +%s%N | awk '{ printf "%.3f\n", $1 / 1e6 }'; }

pair() {
	ip netns add bc && ip netns add bs &&
	ip link add eth0 netns bc type veth peer name eth0 netns bs &&
	ip -n bc addr add 198.18.0.1/24 dev eth0 && ip -n bs addr add 198.18.0.2/24 dev eth0 &&
	ip -n bc link set lo up && ip -n bs link set lo up &&
	ip -n bc link set eth0 up && ip -n bs link set eth0 up || return 1
	# both ends oper-up, as the lab waits for them
	until ip -n bc -o link show eth0 | grep -q 'state UP' &&
		ip -n bs -o link show eth0 | grep -q 'state UP'; do :; done
}

times=""
i=0
while [ $i -lt "$runs" ]; do
	t0=$(ns_ms)
	pair || { echo "bench-ip-pair: building the pair with ip failed" >&2; exit 1; }
	ip netns del bc && ip netns del bs
	t1=$(ns_ms)
	times="$times $(echo "$t0 $t1" | awk '{ printf "%.3f", $2 - $1 }')"
	i=$((i + 1))
done
median=$(echo $times | tr ' ' '\n' | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
echo "ip pair build+teardown: median $median ms ($runs runs of 12 ip commands)"
if [ $# -ge 1 ] && [ -f "$1" ]; then
	lab=$(awk '/^lab pair build:/ { b = $5 } /^lab pair teardown:/ { t = $5 } END { if (b != "") printf "%.3f", b + t }' "$1")
	[ -n "$lab" ] && echo "$lab $median" | awk '{ printf "lab pair build+teardown %.2f ms vs ip %.2f ms: %.1fx faster (issue 14: >= 15x)\n", $1, $2, $2 / $1 }'
fi
exit 0
