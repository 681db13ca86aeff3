#!/usr/bin/env python3
"""make-report-fixture.py SRC_RUN DEST - a small run directory for the report
tests (tests/fixtures/report-run), cut from a real run: a few cases copied as
they are, and others turned into each outcome a report must show (a failure
with its report.txt, an error whose reason holds characters XML and KTAP care
about, a skip, a case under a folder named with '#'). The cases' own files
(events.jsonl, sequence.svg, pcaps) stay real recordings."""
import json, os, shutil, sys

KEEP = ["handshake/syn-lost", "host-crash/retries2-15", "process-crash/idle-eof"]


def main(src, dest):
    summary = json.load(open(os.path.join(src, "summary.json")))
    if os.path.exists(dest):
        shutil.rmtree(dest)
    os.makedirs(dest)
    cases = []
    for c in summary["cases"]:
        if c["id"] not in KEEP:
            continue
        sub = c["id"] + (".control" if c["control"] else "")
        shutil.copytree(os.path.join(src, sub), os.path.join(dest, sub))
        c["dir"] = os.path.join("results", os.path.basename(dest), sub)
        cases.append(c)
    # retries2-15 (not the control) fails on its first expectation
    fail = next(c for c in cases if c["id"] == "host-crash/retries2-15" and not c["control"])
    fail["verdict"], fail["ktap"] = "fail", "not ok"
    ex = fail["expectations"][0]
    ex["verdict"], ex["observed"] = "fail", "ETIMEDOUT at 19.250 s (18.743 s after the fault)"
    fail["reason"] = "line %d: expected %s; observed %s" % (ex["line"], ex["expected"], ex["observed"])
    with open(os.path.join(dest, "host-crash/retries2-15/report.txt"), "w") as f:
        f.write("# %s:%d: fail\n#   expected: %s\n#   observed: %s\n" %
                (fail["file"], ex["line"], ex["expected"], ex["observed"]))
    # idle-eof's control ended in error, with a reason full of markup
    err = next(c for c in cases if c["id"] == "process-crash/idle-eof" and c["control"])
    err["verdict"], err["ktap"] = "error", "not ok"
    err["reason"] = "peer said <EOF> & \"quit\" # not a directive \x01"
    # a skipped case under a folder whose name holds '#', with no directory
    cases.append({"name": "skipped", "id": "odd#dir/skipped", "file": "cases/odd#dir/skipped.case",
                  "title": "a case that could not run here", "control": False,
                  "verdict": "skip", "reason": "no v1 freezer mounted", "duration_ms": 3,
                  "ktap": "ok", "round": 1, "expectations": [], "peers": {}})
    summary["cases"] = cases
    totals = {"pass": 0, "fail": 0, "error": 0, "skip": 0, "not_run": 0}
    for c in cases:
        ok = c["ktap"] == "ok"
        key = "skip" if c["verdict"] == "skip" else "pass" if ok else \
            "error" if c["verdict"] == "error" else "fail"
        totals[key] += 1
    summary["totals"] = totals
    json.dump(summary, open(os.path.join(dest, "summary.json"), "w"), indent=2)
    shutil.copy(os.path.join(src, "claims.md"), dest)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
