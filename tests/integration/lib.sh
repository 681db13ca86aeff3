# lib.sh - shell helpers shared by the integration scripts (sourced).

# has_v1_freezer: is a cgroup v1 hierarchy with the freezer controller
# mounted in this mount namespace? (what lab_freeze.c looks for)
has_v1_freezer() {
	awk '$0 ~ / - cgroup / && $0 ~ /freezer/ { f = 1 } END { exit !f }' /proc/self/mountinfo
}

# freezer_kinds: the --freezer values this machine can run: "auto", and
# "freezer-v1" when a v1 freezer is mounted.
freezer_kinds() {
	if has_v1_freezer; then echo "auto freezer-v1"; else echo auto; fi
}

# ensure_v1_freezer SCRIPT [ARG...]: where no v1 freezer hierarchy is
# mounted, run SCRIPT again in a private mount namespace with one mounted (the
# freezer controller is free where only cgroup v2 is in use), so that the v1
# code is tested there too, and exit with its status. Returns where one is
# mounted already. Before the umount, `tcpfault cleanup` removes what a failed
# run left: a v1-frozen task must not hide under an unmounted hierarchy.
ensure_v1_freezer() {
	has_v1_freezer && return 0
	[ "${TCPFAULT_V1_MOUNTED:-}" = 1 ] && return 0
	unshare --mount --propagation private true 2>/dev/null ||
		{ echo "# no private mount namespace here: the v1 freezer is not tested"; return 0; }
	exec unshare --mount --propagation private env TCPFAULT_V1_MOUNTED=1 sh -c '
		mnt=$(mktemp -d) || exit 1
		if ! mount -t cgroup -o freezer freezer "$mnt"; then
			rmdir "$mnt"
			echo "# no v1 freezer here, and none can be mounted"
			exec sh "$@"
		fi
		sh "$@"; rc=$?
		"$(dirname "$1")/../../build/tcpfault" cleanup >/dev/null
		umount "$mnt"; rmdir "$mnt"; exit $rc' sh "$@"
}

# wait_frozen_group PID: wait, at most 10 s, until a freezer group made by
# PID (a case's worker: tcpfault.PID.<start>.<host>) reports frozen.
wait_frozen_group() {
	n=0
	while [ "$n" -lt 100 ]; do
		for root in $(awk '$0 ~ / - cgroup2? / { print $5 }' /proc/self/mountinfo); do
			for g in "$root/tcpfault.$1".*; do
				[ -d "$g" ] || continue
				grep -qs -e '^FROZEN' -e '^frozen 1' "$g/freezer.state" "$g/cgroup.events" &&
					return 0
			done
		done
		sleep 0.1
		n=$((n + 1))
	done
	return 1
}
