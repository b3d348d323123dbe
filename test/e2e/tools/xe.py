#!/usr/bin/env python3
"""Small clients the end-to-end tests drive from bash: QMP (QEMU's monitor),
a guest console (a unix stream socket carrying the guest's serial bytes), and
xend's JSON-lines RPC. Each subcommand prints what the test asserts on.

  xe.py qmp SOCKET COMMAND [ARGS-JSON]         -> prints the "return" as JSON
  xe.py qmp-wait SOCKET EVENT TIMEOUT [CMD [ARGS-JSON]]
                                               -> runs CMD, waits for EVENT, prints it
  xe.py console SOCKET LINE REGEX TIMEOUT      -> sends LINE, prints the first match
  xe.py rpc SOCKET METHOD [PARAMS-JSON]        -> prints result (exit 1 + message on error)
  xe.py guest XEND-SOCKET DOM LINE REGEX TIMEOUT
                                               -> console of DOM (domain.console's mux
                                                  socket): sends LINE, prints the match
  xe.py xm-console TIMEOUT MARKER-LINE REGEX XM [ARGS...]
                                               -> runs `XM ARGS` (xm console) on a pty,
                                                  types MARKER-LINE, waits for REGEX,
                                                  types Ctrl-], expects xm to exit 0
"""
import json
import re
import socket
import sys
import time


class Qmp:
    def __init__(self, path, timeout=10.0):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self.file = self.sock.makefile("rwb", buffering=0)
        self.events = []
        self._read()  # greeting
        self.execute("qmp_capabilities")

    def _read(self):
        line = self.file.readline()
        if not line:
            raise EOFError("QMP connection closed")
        return json.loads(line)

    def execute(self, command, args=None):
        msg = {"execute": command}
        if args:
            msg["arguments"] = args
        self.file.write((json.dumps(msg) + "\n").encode())
        while True:
            reply = self._read()
            if "event" in reply:
                self.events.append(reply)
                continue
            if "error" in reply:
                raise RuntimeError(f"{command}: {reply['error'].get('desc')}")
            return reply.get("return")

    def wait_event(self, name, timeout):
        deadline = time.monotonic() + timeout
        while True:
            for i, ev in enumerate(self.events):
                if ev["event"] == name:
                    return self.events.pop(i)
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no {name} event within {timeout}s")
            self.sock.settimeout(left)
            reply = self._read()
            if "event" in reply:
                self.events.append(reply)


class Console:
    """A guest console on a unix stream socket: raw bytes both ways."""

    def __init__(self, path, timeout=10.0):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self.buf = b""

    def send(self, text):
        self.sock.sendall(text.encode())

    def expect(self, regex, timeout):
        pat = re.compile(regex.encode())
        deadline = time.monotonic() + timeout
        while True:
            m = pat.search(self.buf)
            if m:
                self.buf = self.buf[m.end():]
                return m
            left = deadline - time.monotonic()
            if left <= 0:
                tail = self.buf[-400:].decode(errors="replace")
                raise TimeoutError(f"no /{regex}/ within {timeout}s; last output:\n{tail}")
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(4096)
            except socket.timeout:
                continue
            if not data:
                raise EOFError(f"console closed before /{regex}/")
            self.buf += data


def rpc(path, method, params=None, timeout=30.0):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    sock.connect(path)
    f = sock.makefile("rwb", buffering=0)
    f.write((json.dumps({"id": 1, "method": method, "params": params or {}}) + "\n").encode())
    reply = json.loads(f.readline())
    sock.close()
    return reply


def xm_console(timeout, line, regex, cmd):
    """Drives `xm console` as a person would: on a terminal, types a line,
    reads the answer, detaches with Ctrl-] and checks xm exited by itself."""
    import os
    import pty
    import select

    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(cmd[0], cmd)
    out = b""
    pat = re.compile(regex.encode())
    deadline = time.monotonic() + timeout
    sent = False
    status = None
    try:
        while not pat.search(out):
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no /{regex}/ from xm console; got:\n{out[-400:]!r}")
            if not sent and time.monotonic() > deadline - timeout + 0.5:
                os.write(fd, (line + "\r").encode())
                sent = True
            r, _, _ = select.select([fd], [], [], min(left, 0.5))
            if r:
                try:
                    data = os.read(fd, 4096)
                except OSError:
                    data = b""
                if not data:
                    raise EOFError(f"xm console ended early; got:\n{out[-400:]!r}")
                out += data
        os.write(fd, b"\x1d")  # Ctrl-], xenconsole's escape
        end = time.monotonic() + 10
        while time.monotonic() < end:
            done, st = os.waitpid(pid, os.WNOHANG)
            if done:
                status = st
                break
            r, _, _ = select.select([fd], [], [], 0.1)
            if r:
                try:
                    os.read(fd, 4096)
                except OSError:
                    pass
        if status is None:
            raise TimeoutError("xm console did not exit after Ctrl-]")
        if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
            raise RuntimeError(f"xm console exited with status {status}")
        print(pat.search(out).group(0).decode(errors="replace"))
        return 0
    finally:
        if status is None:
            try:
                os.kill(pid, 9)
                os.waitpid(pid, 0)
            except OSError:
                pass
        os.close(fd)


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    cmd = argv[1]
    try:
        if cmd == "qmp":
            q = Qmp(argv[2])
            args = json.loads(argv[4]) if len(argv) > 4 else None
            print(json.dumps(q.execute(argv[3], args)))
        elif cmd == "qmp-wait":
            q = Qmp(argv[2])
            if len(argv) > 5:
                q.execute(argv[5], json.loads(argv[6]) if len(argv) > 6 else None)
            print(json.dumps(q.wait_event(argv[3], float(argv[4]))))
        elif cmd == "console":
            c = Console(argv[2])
            c.send(argv[3] + "\n")
            m = c.expect(argv[4], float(argv[5]))
            print(m.group(0).decode(errors="replace"))
        elif cmd == "guest":
            reply = rpc(argv[2], "domain.console", {"dom": argv[3]})
            if "error" in reply:
                raise RuntimeError(f"domain.console: {reply['error'].get('message')}")
            c = Console(reply["result"]["socket"])
            c.send(argv[4] + "\n")
            m = c.expect(argv[5], float(argv[6]))
            print(m.group(0).decode(errors="replace"))
        elif cmd == "xm-console":
            return xm_console(float(argv[2]), argv[3], argv[4], argv[5:])
        elif cmd == "rpc":
            reply = rpc(argv[2], argv[3], json.loads(argv[4]) if len(argv) > 4 else None)
            if "error" in reply:
                print(f"{reply['error'].get('code')}: {reply['error'].get('message')}")
                return 1
            print(json.dumps(reply.get("result")))
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except (OSError, EOFError, TimeoutError, RuntimeError, ValueError) as e:
        print(f"xe.py {cmd}: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
