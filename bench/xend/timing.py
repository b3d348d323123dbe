#!/usr/bin/env python3
"""Timing helpers for overhead.sh (what bash cannot do precisely).

  timing.py now                                  -> CLOCK_MONOTONIC seconds
  timing.py wait-marker LOG MARKER TIMEOUT START -> seconds from START (a
      `now` value) until MARKER appears in LOG, polled every 2 ms; exit 1 on
      timeout
  timing.py repeat N CMD...                      -> runs CMD N times (output
      discarded), prints each run's wall time in ms, one per line
  timing.py stats                                -> reads numbers on stdin,
      prints "median p95 min max"
  timing.py xend-share VM_JSON START             -> ms of a boot spent in xm
      and xend, from xend's own start-up times in vm.json: from START (a
      `now` value taken just before `xm create`) until xend exec'd QEMU, plus from QEMU's monitor
      first answering until xend sent `cont`. QEMU's own start-up, which a
      bare QEMU needs as well, and the guest's boot are not in it.
"""
import json
import os
import subprocess
import sys
import time


def wait_marker(log, marker, timeout, start):
    marker = marker.encode()
    deadline = time.monotonic() + timeout
    offset = 0
    tail = b""
    while time.monotonic() < deadline:
        try:
            with open(log, "rb") as f:
                f.seek(offset)
                data = f.read()
        except FileNotFoundError:
            data = b""
        if data:
            offset += len(data)
            tail = (tail + data)[-(len(marker) + 4096):]
            if marker in tail:
                return time.monotonic() - start
        time.sleep(0.002)
    return None


def stats(values):
    v = sorted(values)
    if not v:
        return "- - - -"
    med = v[len(v) // 2] if len(v) % 2 else (v[len(v) // 2 - 1] + v[len(v) // 2]) / 2
    p95 = v[min(len(v) - 1, int(round(0.95 * (len(v) - 1))))]
    return f"{med:.3f} {p95:.3f} {v[0]:.3f} {v[-1]:.3f}"


def main(argv):
    cmd = argv[1]
    if cmd == "now":
        print(f"{time.monotonic():.6f}")
    elif cmd == "wait-marker":
        t = wait_marker(argv[2], argv[3], float(argv[4]), float(argv[5]))
        if t is None:
            return 1
        print(f"{t:.3f}")
    elif cmd == "repeat":
        n = int(argv[2])
        for _ in range(n):
            t0 = time.monotonic()
            subprocess.run(argv[3:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           check=True)
            print(f"{(time.monotonic() - t0) * 1000:.3f}")
    elif cmd == "xend-share":
        with open(argv[2]) as f:
            rec = json.load(f)
        st = rec["startup"]
        # vm.json's start_time is wall-clock time; START is monotonic.
        start_epoch = float(argv[3]) + time.time() - time.monotonic()
        before = (rec["start_time"] - start_epoch) * 1000 + st["exec_ms"]
        print(f"{before + st['cont_ms'] - st['ready_ms']:.3f}")
    elif cmd == "stats":
        print(stats([float(x) for x in sys.stdin.read().split()]))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    os.environ.setdefault("LC_ALL", "C")
    sys.exit(main(sys.argv))
