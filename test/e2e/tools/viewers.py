#!/usr/bin/env python3
"""Console viewers for the e2e tests (xend's console multiplexer and the
serial pty).

  viewers.py many SOCKET COUNT LINE REGEX TIMEOUT
      COUNT viewers connect to the multiplexer socket at once; the first types
      LINE; every viewer must see REGEX. Prints "<n> viewers saw <match>".
  viewers.py pty PATH LINE REGEX TIMEOUT
      types LINE on the pty (QEMU's serial port), prints the first match.
"""
import os
import re
import select
import socket
import sys
import termios
import time
import tty


def many(path, count, line, regex, timeout):
    socks = []
    for _ in range(count):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(path)
        s.setblocking(False)
        socks.append(s)
    time.sleep(0.3)  # every viewer registered before the answer comes
    socks[0].sendall(line.encode() + b"\n")
    pat = re.compile(regex.encode())
    bufs = [b""] * count
    seen = [None] * count
    deadline = time.monotonic() + timeout
    while None in seen and time.monotonic() < deadline:
        r, _, _ = select.select(socks, [], [], 0.5)
        for s in r:
            i = socks.index(s)
            data = s.recv(65536)
            if not data:
                print(f"viewer {i} was disconnected", file=sys.stderr)
                return 1
            bufs[i] += data
            m = pat.search(bufs[i])
            if m and seen[i] is None:
                seen[i] = m.group(0).decode(errors="replace")
    for s in socks:
        s.close()
    if None in seen:
        missing = [i for i, v in enumerate(seen) if v is None]
        print(f"viewers {missing} never saw /{regex}/", file=sys.stderr)
        return 1
    if len(set(seen)) != 1:
        print(f"viewers saw different output: {seen}", file=sys.stderr)
        return 1
    print(f"{count} viewers saw {seen[0]}")
    return 0


def pty(path, line, regex, timeout):
    fd = os.open(path, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
    try:
        tty.setraw(fd)
        termios.tcflush(fd, termios.TCIOFLUSH)
        os.write(fd, line.encode() + b"\n")
        pat = re.compile(regex.encode())
        buf = b""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            r, _, _ = select.select([fd], [], [], 0.5)
            if r:
                try:
                    buf += os.read(fd, 65536)
                except BlockingIOError:
                    continue
                m = pat.search(buf)
                if m:
                    print(m.group(0).decode(errors="replace"))
                    return 0
        print(f"no /{regex}/ on {path}; got {buf[-300:]!r}", file=sys.stderr)
        return 1
    finally:
        os.close(fd)


def main(argv):
    if len(argv) == 7 and argv[1] == "many":
        return many(argv[2], int(argv[3]), argv[4], argv[5], float(argv[6]))
    if len(argv) == 6 and argv[1] == "pty":
        return pty(argv[2], argv[3], argv[4], float(argv[5]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
