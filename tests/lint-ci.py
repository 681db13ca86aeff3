#!/usr/bin/env python3
"""lint-ci: the CI workflow parses as YAML, has the GitHub Actions shape, and
calls only `make` targets the Makefile has and scripts the tree has.

usage: tests/lint-ci.py WORKFLOW.yml Makefile    (make lint-ci; no root)
It cannot run the workflow; it catches what would break it here: a renamed
target, a removed script, a YAML typo, an artifact upload skipped on failure.
"""
import re
import sys

import yaml  # python3-yaml (scripts/install-deps)


def makefile_targets(path):
    """Every explicit target of the Makefile (rules and .PHONY lists)."""
    targets = set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith(("\t", "#")) or ":=" in line or "?=" in line or "+=" in line:
                continue
            m = re.match(r"^([A-Za-z0-9_./$() -]+?)\s*::?(?!=)(.*)$", line)
            if not m:
                continue
            names = m.group(2).split() if m.group(1) == ".PHONY" else m.group(1).split()
            targets.update(n for n in names if "$" not in n and "%" not in n)
    return targets


MAKE_CALL = re.compile(r"(?:^|[;&|(\s])(?:sudo\s+)?make((?:\s+[^;&|)\n]+?)?)\s*(?=$|[;&|)\n])", re.M)
SCRIPT_CALL = re.compile(r"(?:^|[\s;&|(])((?:scripts|tests)/[A-Za-z0-9_./-]+)")


def lint(workflow, makefile):
    errors = []
    with open(workflow, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    if not isinstance(doc, dict):
        return ["%s: not a mapping" % workflow]
    # YAML 1.1 reads the key `on` as the boolean true.
    if "on" not in doc and True not in doc:
        errors.append("no 'on:' triggers")
    jobs = doc.get("jobs")
    if not isinstance(jobs, dict) or not jobs:
        return errors + ["no jobs"]
    targets = makefile_targets(makefile)
    calls = 0
    for name, job in jobs.items():
        if "runs-on" not in job:
            errors.append("job %s: no runs-on" % name)
        steps = job.get("steps") or []
        if not steps:
            errors.append("job %s: no steps" % name)
        for i, step in enumerate(steps):
            where = "job %s step %d (%s)" % (name, i + 1, step.get("name", "?"))
            if ("run" in step) == ("uses" in step):
                errors.append("%s: needs exactly one of run and uses" % where)
            if "upload-artifact" in str(step.get("uses", "")) and "always()" not in str(step.get("if", "")):
                errors.append("%s: an upload without 'if: always()' is lost when a step fails" % where)
            run = str(step.get("run", ""))
            for m in MAKE_CALL.finditer(run):
                words = m.group(1).split()
                for w in words:
                    if w.startswith("-") or "=" in w:
                        continue
                    calls += 1
                    if w not in targets:
                        errors.append("%s: make %s: no such target in %s" % (where, w, makefile))
            for m in SCRIPT_CALL.finditer(run):
                try:
                    open(m.group(1)).close()
                except OSError:
                    errors.append("%s: %s does not exist" % (where, m.group(1)))
    if calls == 0:
        errors.append("no job calls make")
    return errors


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    errors = lint(sys.argv[1], sys.argv[2])
    for e in errors:
        print("not ok: %s: %s" % (sys.argv[1], e))
    if not errors:
        print("ok: %s parses; its make targets and scripts exist" % sys.argv[1])
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
