#!/bin/sh
# shard.sh - `tcpfault run --shard I/N` and `tcpfault merge` on real runs
# (issue 16): the shards of a set of cases run each case, with its control,
# in exactly one part; merged, they give the verdicts and KTAP lines of one
# run of the whole set. Bad --shard values are usage errors (exit 2).
# Needs root (the cases build namespaces); prints SKIP otherwise.
#   TCPFAULT    the binary (default build/tcpfault)
#   SHARD_CASES the cases (default cases/process-crash: short ones)
set -u
tf=${TCPFAULT:-build/tcpfault}
set_=${SHARD_CASES:-cases/process-crash}
[ "$(id -u)" = 0 ] || { echo "SKIP: shard: needs root"; exit 0; }
work=$(mktemp -d /tmp/tcpfault-shard.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "not ok: shard: $*"; exit 1; }

# $set_ is split on purpose: SHARD_CASES may name several paths.
# shellcheck disable=SC2086
for bad in 0/2 3/2 1/0 2 x/2 1/x 1/1001; do
	"$tf" run --shard "$bad" $set_ > /dev/null 2> "$work/err"
	rc=$?
	[ $rc = 2 ] || fail "--shard $bad: exit $rc, want 2"
	grep -q -- "--shard takes I/N" "$work/err" || fail "--shard $bad: no usage message"
done

# One run of the whole set, then its two shards; each run in a results
# directory of its own (the run directory is the one below it).
# shellcheck disable=SC2086,SC2012 # $set_ as above; run directories are named by date
run() { # run NAME [ARGS...]
	name=$1
	shift
	# Its output is the caller's $(...): a failure is told on stderr.
	"$tf" run --with-controls --results "$work/$name" "$@" $set_ > "$work/$name.ktap" 2>&1 ||
		{ rc=$?; cat "$work/$name.ktap" >&2; fail "run $name: exit $rc" >&2; }
	ls -d "$work/$name"/2*/ | head -1
}
whole=$(run whole) || exit 1
s1=$(run s1 --shard 1/2) || exit 1
s2=$(run s2 --shard 2/2) || exit 1

"$tf" merge "$s1" "$s2" --into "$work/merged" > /dev/null || fail "merge failed"
python3 - "$whole/summary.json" "$s1/summary.json" "$s2/summary.json" \
	"$work/merged/summary.json" <<'PY' || fail "shards and one run differ"
import json, sys
whole, s1, s2, merged = (json.load(open(p)) for p in sys.argv[1:])
runs = lambda s: sorted((c["id"], c["control"]) for c in s["cases"])
ids = lambda s: {c["id"] for c in s["cases"]}
assert s1["cases"] and s2["cases"], "an empty shard"
assert not ids(s1) & ids(s2), f"a case in both shards: {ids(s1) & ids(s2)}"
assert sorted(runs(s1) + runs(s2)) == runs(whole), \
    "the shards do not run each case (and its control) exactly once"
key = lambda s: {(c["id"], c["control"]): (c["verdict"], c["ktap"]) for c in s["cases"]}
assert key(merged) == key(whole), "merged verdicts or KTAP lines differ from one run"
assert merged["totals"] == whole["totals"], (merged["totals"], whole["totals"])
print(f"ok: shard: {len(runs(s1))} + {len(runs(s2))} case runs in two shards, "
      f"merged = one run ({whole['totals']['pass']} pass)")
PY
xmllint --noout --schema tests/junit.xsd "$work/merged/junit.xml" 2> /dev/null ||
	fail "merged junit.xml does not validate"
[ -s "$work/merged/index.html" ] || fail "no index.html in the merged run"
