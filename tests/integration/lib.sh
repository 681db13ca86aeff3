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
