#!/usr/bin/env python3
"""summary-diff.py [--all] A/summary.json B/summary.json - what differs between
two runs beyond times.

Per case (id, control): the same fields everywhere (every key of one is in the
other, faults and capture included), and the same values where a value is what
a user reads: verdict, KTAP result, reason, each expectation's text, verdict
and observation, each peer's errno, final state, socket options; numbers and
hex runs inside those strings are masked ("at 1.012 s" -> "at # s"), as times
and random addresses vary run to run. --all compares every value (times and
counters masked the same way; expect noise: packet counts, pids). Prints one
line per difference; exit 1 if any. Used to show that a refactoring changed
nothing a user sees (issue 13).
"""
import json
import re
import sys

# Keys whose numbers are times or the cost of observing (they vary run to run).
TIME_KEY = re.compile(r'(_ms|_us|_ns|_s)$|^(duration|t|time|started|finished|run_id|cost|polls)$')


def mask(v, key=''):
    if isinstance(v, dict):
        return {k: mask(x, k) for k, x in v.items()}
    if isinstance(v, list):
        return [mask(x, key) for x in v]
    if isinstance(v, str):
        # numbers, and hex runs with a digit (MAC and link-local addresses are random)
        return re.sub(r'[0-9a-f]*[0-9][0-9a-f]*(\.[0-9]+)?', '#', v)
    if isinstance(v, (int, float)) and not isinstance(v, bool) and TIME_KEY.search(key):
        return '#'
    return v


def cases(path):
    with open(path) as f:
        s = json.load(f)
    return {(c.get('id') or c.get('name'), bool(c.get('control'))): c for c in s['cases']}


# Leaf keys whose values are compared without --all.
SEEN = {'name', 'file', 'title', 'control', 'verdict', 'ktap', 'reason', 'expected', 'observed',
        'line', 'errno', 'app_errno', 'final_state', 'order_ok', 'tier', 'sources', 'id'}
ALL = False


def walk(a, b, where, out, key=''):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                out.append('%s.%s: field only in %s' % (where, k, 'B' if k not in a else 'A'))
                continue
            walk(a[k], b[k], where + '.' + k, out, k)
    elif not ALL and key not in SEEN and '.sockopts' not in where and '.sources' not in where:
        return
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            walk(x, y, '%s[%d]' % (where, i), out, key)
    elif a != b:
        out.append('%s: %s -> %s' % (where, json.dumps(a)[:120], json.dumps(b)[:120]))


def main():
    global ALL
    args = sys.argv[1:]
    if args and args[0] == '--all':
        ALL = True
        args = args[1:]
    if len(args) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    a, b = cases(args[0]), cases(args[1])
    out = []
    for k in sorted(set(a) | set(b), key=str):
        name = '%s%s' % (k[0], ' [control]' if k[1] else '')
        if k not in a or k not in b:
            out.append('%s: only in %s' % (name, 'B' if k not in a else 'A'))
            continue
        ca, cb = a[k], b[k]
        if ca.get('verdict') != cb.get('verdict'):
            out.append('%s: VERDICT %s -> %s' % (name, ca.get('verdict'), cb.get('verdict')))
        walk(mask(ca), mask(cb), name, out)
    for line in out:
        print(line)
    print('%d cases compared, %d differences beyond times' % (len(a), len(out)))
    return 1 if out else 0


if __name__ == '__main__':
    sys.exit(main())
