#!/usr/bin/env python3
"""ktap-check.py KTAP_FILE... - every line of tcpfault's KTAP output is one a
KTAP parser reads as meant (Documentation/dev-tools/ktap.rst, and TAP 13 which
tcpfault's header names):

  a version line first ("TAP version 13" or "KTAP version 1"), then the plan
  "1..N"; result lines "ok|not ok <n> <description>[ # <directive> ...]" with
  n counting 1, 2, ... and the description free of '#' (a '#' starts a
  directive); the only directives SKIP (on "ok", with a reason) and TODO;
  diagnostic lines start with '#'; as many results as the plan said.

--selftest: feeds lines that must be refused (a '#' in a name, "not ok # skipped",
a number out of order, a missing plan) and a good file, and checks the verdicts.
Exit 0 when every file is well-formed, 1 otherwise (each problem printed as
FILE:LINE: message)."""
import re
import sys

RESULT = re.compile(r"^(ok|not ok) (\d+)(?: (- )?([^#]*?))?(?: # (.*))?$")
PLAN = re.compile(r"^1\.\.(\d+)$")
DIRECTIVE = re.compile(r"^(SKIP|TODO)(?: (.*))?$", re.IGNORECASE)


def check_result(m, expect_no, where):
    errs = []
    ok, no, desc, directive = m.group(1), int(m.group(2)), m.group(4), m.group(5)
    if no != expect_no:
        errs.append("%s: test number %d, expected %d" % (where, no, expect_no))
    if not desc:
        errs.append("%s: result without a description" % where)
    if directive is not None:
        d = DIRECTIVE.match(directive)
        if not d:
            errs.append("%s: '# %s' is not a directive (a '#' in the description?)"
                        % (where, directive))
        elif d.group(1).upper() == "SKIP" and ok != "ok":
            errs.append("%s: SKIP on a 'not ok' line" % where)
        elif d.group(1).upper() == "SKIP" and not d.group(2):
            errs.append("%s: SKIP without a reason" % where)
    return errs


def check_lines(lines, name):
    errs, plan, n = [], None, 0
    if not lines or lines[0] not in ("TAP version 13", "KTAP version 1"):
        errs.append("%s:1: no version line first" % name)
    for i, line in enumerate(lines[1:], start=2):
        where = "%s:%d" % (name, i)
        if PLAN.match(line):
            if plan is not None or n:
                errs.append("%s: a plan after results or a second plan" % where)
            plan = int(PLAN.match(line).group(1))
        elif line.startswith("ok") or line.startswith("not ok"):
            m = RESULT.match(line)
            if not m:
                errs.append("%s: malformed result line" % where)
                continue
            n += 1
            errs += check_result(m, n, where)
        elif line.startswith("#") or line == "":
            continue
        elif plan is not None and n == plan:
            continue  # after the last result: a run's closing lines ("cases: ...")
        else:
            errs.append("%s: neither a result nor a diagnostic: %r" % (where, line[:60]))
    if plan is None:
        errs.append("%s: no plan" % name)
    elif plan != n:
        errs.append("%s: plan 1..%d, %d results" % (name, plan, n))
    return errs


def selftest():
    good = ["TAP version 13", "1..3", "ok 1 a/b", "ok 2 a/b [control]",
            "#   control failed as it must: x", "ok 3 c/d # SKIP no v1 freezer",
            "# Totals: pass:2", "cases: 2 passed"]
    bad = {
        "hash in name": ["TAP version 13", "1..1", "ok 1 a#b/c"],
        "not ok skipped": ["TAP version 13", "1..1", "not ok 1 a # skipped, and x"],
        "order": ["TAP version 13", "1..2", "ok 2 a", "ok 1 b"],
        "no plan": ["TAP version 13", "ok 1 a"],
        "count": ["TAP version 13", "1..2", "ok 1 a"],
        "skip no reason": ["TAP version 13", "1..1", "ok 1 a # SKIP"],
    }
    fails = 0
    if check_lines(good, "good"):
        print("not ok: ktap-check refused a good file:", check_lines(good, "good"))
        fails += 1
    for what, lines in bad.items():
        if not check_lines(lines, what):
            print("not ok: ktap-check accepted a bad file (%s)" % what)
            fails += 1
    print("ok: ktap-check selftest" if not fails else "not ok: ktap-check selftest")
    return 1 if fails else 0


def main(argv):
    if argv[1:] == ["--selftest"]:
        return selftest()
    if len(argv) < 2:
        print(__doc__)
        return 2
    rc = 0
    for path in argv[1:]:
        with open(path, encoding="utf-8", errors="replace") as f:
            errs = check_lines([l.rstrip("\n") for l in f], path)
        for e in errs:
            print(e)
        print(("not ok: %s: %d problems" % (path, len(errs))) if errs else "ok: %s is well-formed KTAP" % path)
        rc |= 1 if errs else 0
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv))
