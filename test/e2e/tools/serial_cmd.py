#!/usr/bin/env python3
"""Types a line on a guest's serial pty and waits for an answer.

  serial_cmd.py PTY LINE REGEX TIMEOUT

Prints the first group of REGEX's first match in what the guest sends back
and exits 0, or exits 1 after TIMEOUT seconds. An empty REGEX only types the
line (held open 1.5 s: QEMU notices an opened pty by polling once a second,
so closing at once could lose the line). Shared by the e2e tests and bench/
scripts that drive an HVM guest's shell on ttyS0.
"""
import os
import re
import sys
import time
import tty


def main(argv):
    path, line, regex, timeout = argv[1], argv[2], argv[3], float(argv[4])
    fd = os.open(path, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
    tty.setraw(fd)
    os.write(fd, (line + "\n").encode())
    if not regex:
        time.sleep(1.5)
        return 0
    buf, deadline = b"", time.time() + timeout
    while time.time() < deadline:
        try:
            buf += os.read(fd, 4096)
        except BlockingIOError:
            time.sleep(0.05)
            continue
        m = re.search(regex.encode(), buf)
        if m:
            print(m.group(1).decode(errors="replace"))
            return 0
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
