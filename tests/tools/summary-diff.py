#!/usr/bin/env python3
"""summary-diff.py A/summary.json B/summary.json - what differs between two runs
beyond times.

Per case (id, control): the verdict, and every other field of summary.json
with times masked: numbers under keys that hold times (*_ms, *_us, *_ns,
duration...) and digits inside strings ("observed ECONNRESET at 1.012 s") are
compared as '#'. Prints one line per difference; exit 1 if any.
Used to show that a refactoring changed nothing a user sees (issue 13).
"""
import json
import re
import sys

TIME_KEY = re.compile(r'(_ms|_us|_ns|_s)$|^(duration|t|time|started|finished|run_id|cost)')


def mask(v, key=''):
    if isinstance(v, dict):
        return {k: mask(x, k) for k, x in v.items()}
    if isinstance(v, list):
        return [mask(x, key) for x in v]
    if isinstance(v, str):
        return re.sub(r'\d+(\.\d+)?', '#', v)
    if isinstance(v, (int, float)) and not isinstance(v, bool) and TIME_KEY.search(key):
        return '#'
    return v


def cases(path):
    with open(path) as f:
        s = json.load(f)
    return {(c.get('id') or c.get('name'), bool(c.get('control'))): c for c in s['cases']}


def walk(a, b, where, out):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            walk(a.get(k, '<absent>'), b.get(k, '<absent>'), where + '.' + k, out)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            walk(x, y, '%s[%d]' % (where, i), out)
    elif a != b:
        out.append('%s: %s -> %s' % (where, json.dumps(a)[:120], json.dumps(b)[:120]))


def main():
    a, b = cases(sys.argv[1]), cases(sys.argv[2])
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
