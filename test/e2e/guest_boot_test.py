#!/usr/bin/env python3
"""The test guest itself, without xend: QEMU started here with the devices
xend gives every guest (virtio console, balloon, pvpanic, ACPI CPU hotplug,
-action ... panic=pause). Checks what the other e2e tests rely on: the ready
marker, MemTotal following the balloon, a hot-plugged CPU coming online, a
keyboard sysrq, the shutdown marker on the ACPI power button, and a panic
(xenia.panic=N) reported as GUEST_PANICKED.

  guest_boot_test.py GUEST_DIR
"""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "tools"))
from xe import Console, Qmp  # noqa: E402

READY_TIMEOUT = 120


def qemu_argv(guest, tmp, name, extra_append):
    return [
        "qemu-system-x86_64", "-name", f"guest={name},debug-threads=on",
        "-nodefaults", "-no-user-config", "-machine", "pc,acpi=on", "-accel", "tcg",
        "-cpu", "qemu64", "-m", "size=256M", "-smp", "cpus=1,maxcpus=2",
        "-kernel", f"{guest}/vmlinuz", "-initrd", f"{guest}/initrd.gz",
        "-append", f"console=hvc0 xenia.name={name} panic=0 {extra_append}",
        "-chardev", f"socket,id=charqmp,path={tmp}/qmp,server=on,wait=off",
        "-mon", "chardev=charqmp,mode=control",
        "-action", "reboot=shutdown,shutdown=pause,panic=pause",
        "-device", "virtio-serial-pci,id=vserial0",
        "-chardev", f"socket,id=con0,path={tmp}/con,server=on,wait=off,logfile={tmp}/con.log",
        "-device", "virtconsole,bus=vserial0.0,nr=0,chardev=con0",
        "-chardev", f"file,id=ser0,path={tmp}/ttyS0.log",
        "-device", "isa-serial,index=0,chardev=ser0",
        "-device", "virtio-balloon-pci,id=balloon0", "-device", "pvpanic,id=pvpanic0",
        "-display", "none", "-S",
    ]


class Guest:
    def __init__(self, guest, name, extra_append=""):
        self.tmp = tempfile.mkdtemp(prefix="xeg.", dir="/tmp")
        self.proc = subprocess.Popen(qemu_argv(guest, self.tmp, name, extra_append),
                                     stdout=subprocess.DEVNULL,
                                     stderr=open(f"{self.tmp}/qemu.log", "w"))
        for _ in range(100):
            if os.path.exists(f"{self.tmp}/qmp") and os.path.exists(f"{self.tmp}/con"):
                break
            if self.proc.poll() is not None:
                raise RuntimeError("QEMU exited: " + open(f"{self.tmp}/qemu.log").read())
            subprocess.run(["sleep", "0.1"])
        self.qmp = Qmp(f"{self.tmp}/qmp")
        self.con = Console(f"{self.tmp}/con")
        self.qmp.execute("cont")
        self.con.expect(f"XENIA-GUEST-READY {name}", READY_TIMEOUT)

    def run(self, line, regex, timeout=20):
        self.con.send(line + "\n")
        return self.con.expect(regex, timeout).group(0).decode()

    def close(self):
        self.proc.kill()
        self.proc.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)


def check(cond, what):
    if not cond:
        raise AssertionError(what)
    print("ok:", what)


def memtotal_kb(g):
    return int(g.run("xenia-meminfo", r"XENIA-MEMTOTAL-KB \d+").split()[1])


def test_devices(guest):
    g = Guest(guest, "tg1")
    try:
        before = memtotal_kb(g)
        g.qmp.execute("balloon", {"value": 160 * 1024 * 1024})
        # The balloon inflates asynchronously; MemTotal drops by the 96 MiB
        # taken (exactly, once it is done).
        after = before
        for _ in range(100):
            after = memtotal_kb(g)
            if before - after >= 96 * 1024:
                break
            subprocess.run(["sleep", "0.2"])
        check(before - after == 96 * 1024, f"balloon 256->160 MiB: MemTotal {before} -> {after} kB")

        check(g.run("xenia-cpus", r"XENIA-CPUS \d+ [0-9,-]+") == "XENIA-CPUS 1 0", "one CPU at boot")
        g.qmp.execute("device_add", {"driver": "qemu64-x86_64-cpu", "id": "vcpu1",
                                     "socket-id": 0, "core-id": 1, "thread-id": 0})
        g.con.expect(r"XENIA-GUEST-CPU-ONLINE cpu1", 20)
        check(g.run("xenia-cpus", r"XENIA-CPUS \d+ [0-9,-]+") == "XENIA-CPUS 2 0-1",
              "hot-plugged CPU online")

        g.qmp.execute("send-key", {"keys": [{"type": "qcode", "data": k}
                                            for k in ("alt", "sysrq", "h")]})
        g.con.expect(r"sysrq: HELP", 20)
        check(True, "Alt-SysRq-H from the keyboard reaches the kernel")

        g.qmp.execute("system_powerdown")
        g.con.expect(r"XENIA-GUEST-SHUTDOWN", 30)
        ev = g.qmp.wait_event("SHUTDOWN", 30)
        check(ev["data"].get("reason") == "guest-shutdown",
              "ACPI power button: marker, then SHUTDOWN guest-shutdown")
    finally:
        g.close()


def test_panic(guest):
    g = Guest(guest, "tg2", "xenia.panic=1")
    try:
        g.con.expect(r"XENIA-GUEST-PANIC", 30)
        ev = g.qmp.wait_event("GUEST_PANICKED", 60)
        check(ev["data"].get("action") == "pause", "xenia.panic=1: GUEST_PANICKED, QEMU paused")
        status = g.qmp.execute("query-status")["status"]
        check(status == "guest-panicked", f"status {status}")
    finally:
        g.close()


def main():
    if shutil.which("qemu-system-x86_64") is None:
        print("qemu-system-x86_64 not installed")
        return 77
    guest = sys.argv[1]
    if not (os.path.exists(f"{guest}/vmlinuz") and os.path.exists(f"{guest}/initrd.gz")):
        print(f"test guest missing in {guest}")
        return 1
    try:
        test_devices(guest)
        test_panic(guest)
    except (AssertionError, TimeoutError, EOFError, RuntimeError, OSError) as e:
        print("FAIL:", e)
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
