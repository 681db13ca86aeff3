#!/usr/bin/env python3
"""A small client of one's own, for cases/apps/own-client.case: it connects
to the server named by its first argument (TCPFAULT_ADDR_<NAME>) on a port,
turns on TCP keepalive (idle, interval, count from the arguments), sends a
request line and waits for the answer as an application blocked in recv()
would. It prints what it got: the answer, EOF, or the errno of the failure,
and exits 0 on an answer, 1 on EOF, 2 on an error."""
import errno
import os
import socket
import sys

host, port = sys.argv[1], int(sys.argv[2])
idle, intvl, cnt = (int(v) for v in sys.argv[3:6]) if len(sys.argv) > 5 else (0, 0, 0)
addr = os.environ["TCPFAULT_ADDR_" + host.upper()]
s = socket.create_connection((addr, port))
if idle:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, idle)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, intvl)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, cnt)
print("connected to %s:%d" % (addr, port))
s.sendall(b"request\n")
try:
    data = s.recv(100)
except OSError as e:
    print("recv failed: %s (%s)" % (errno.errorcode.get(e.errno, "?"), e.strerror))
    sys.exit(2)
if not data:
    print("recv: EOF")
    sys.exit(1)
print("answer: %r" % data)
