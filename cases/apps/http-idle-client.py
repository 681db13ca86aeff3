#!/usr/bin/env python3
"""An HTTP/1.1 client that keeps its connection, for
cases/apps/nginx-keepalive.case: one GET to the host named by its first
argument (TCPFAULT_ADDR_<NAME>) on port 80, then idle on the kept-alive
connection until the server ends it. Prints the status line, then "EOF" (the
server closed it) or the errno, with the seconds since the response."""
import errno
import os
import socket
import sys
import time

addr = os.environ["TCPFAULT_ADDR_" + sys.argv[1].upper()]
s = socket.create_connection((addr, 80))
s.sendall(b"GET / HTTP/1.1\r\nHost: lab\r\nConnection: keep-alive\r\n\r\n")
reply = b""
while b"hello\n" not in reply:
    chunk = s.recv(4096)
    if not chunk:
        break
    reply += chunk
print("response: %s" % reply.split(b"\r\n", 1)[0].decode())
t0 = time.monotonic()
try:
    data = s.recv(4096)
    print("EOF after %.3f s" % (time.monotonic() - t0) if not data else "more data?")
except OSError as e:
    print("recv failed: %s after %.3f s" % (errno.errorcode.get(e.errno, "?"), time.monotonic() - t0))
