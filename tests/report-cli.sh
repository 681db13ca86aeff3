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

# merge: the fixture as two runs (a case and its control together), merged
split() { # split RUN K: the cases whose id's place among the sorted ids is K mod 2
	python3 - "$work/a" "$work/$1" "$2" <<'PY'
import json, os, shutil, sys
src, dst, k = sys.argv[1], sys.argv[2], int(sys.argv[3])
s = json.load(open(src + "/summary.json"))
ids = sorted({c["id"] for c in s["cases"]})
s["cases"] = [c for c in s["cases"] if ids.index(c["id"]) % 2 == k]
os.makedirs(dst)
for c in s["cases"]:
    sub = c["id"] + (".control" if c["control"] else "")
    if os.path.isdir(os.path.join(src, sub)):
        shutil.copytree(os.path.join(src, sub), os.path.join(dst, sub))
json.dump(s, open(dst + "/summary.json", "w"))
PY
}
split s1 0
split s2 1
"$tf" merge "$work/s1" "$work/s2" --into "$work/m" > /dev/null || fail "merge failed"
python3 - "$work/a/summary.json" "$work/m/summary.json" <<'PY' || fail "merged verdicts differ"
import json, sys
a, m = (json.load(open(p)) for p in sys.argv[1:])
key = lambda s: {(c["id"], c["control"]): (c["verdict"], c["ktap"]) for c in s["cases"]}
assert key(a) == key(m), "verdicts"
assert a["totals"] == m["totals"], (a["totals"], m["totals"])
assert len(m["merged_from"]) == 2
PY
xmllint --noout --schema tests/junit.xsd "$work/m/junit.xml" 2> /dev/null || fail "merged junit.xml"
tests/ktap-check.py "$work/m/ktap.txt" > /dev/null || fail "merged ktap.txt"
[ -f "$work/m/host-crash/retries2-15/case.html" ] || fail "no case page in the merged run"
if "$tf" merge "$work/s1" "$work/s1" --into "$work/m2" 2> "$work/err"; then
	fail "a case in two runs merged"
fi
grep -q "ran in two of the runs" "$work/err" || fail "no reason for refusing a duplicate"
echo "ok: report-cli: merge"
