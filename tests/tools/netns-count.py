#!/usr/bin/env python3
"""netns-count.py - how many network namespaces the processes of this machine
hold, leaving out those of tcpfault runs still going.

A process with a live `tcpfault` orchestrator among its ancestors belongs to a
run that is still going (another user's, or a test's beside this one): its
namespaces are that run's business, not a leak of the run under test, whose
orchestrator is dead by the time this counts (its leftovers are re-parented
to init and have no such ancestor). Used by tests/integration/interrupt.sh.
"""
import os


def stat(pid):
    try:
        with open('/proc/%s/stat' % pid) as f:
            s = f.read()
    except OSError:
        return None
    # comm is in parentheses and may hold spaces: split after the last ')'.
    comm = s[s.index('(') + 1:s.rindex(')')]
    ppid = int(s[s.rindex(')') + 2:].split()[1])
    return comm, ppid


def in_live_run(pid, cache):
    seen = []
    while pid > 1:
        if pid in cache:
            res = cache[pid]
            break
        st = stat(pid)
        if st is None:
            res = False
            break
        seen.append(pid)
        if st[0] == 'tcpfault':
            res = True
            break
        pid = st[1]
    else:
        res = False
    for p in seen:
        cache[p] = res
    return res


def main():
    cache, spaces = {}, set()
    for d in os.listdir('/proc'):
        if not d.isdigit() or in_live_run(int(d), cache):
            continue
        try:
            spaces.add(os.readlink('/proc/%s/ns/net' % d))
        except OSError:
            pass
    print(len(spaces))


if __name__ == '__main__':
    main()
