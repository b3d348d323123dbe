#!/usr/bin/env bash
# The console log from the guest's first byte (docs/design/consoles-vnc.md):
# a kernel that dies before virtio_console loads (no init in the initramfs,
# no root device) has printed only on ttyS0; its log must still hold the
# kernel's first lines and the panic after xm destroy. PV (hvc0 plus the
# implicit ttyS0) and HVM (serial='pty', the guest's console); and a PV
# kernel told console=hvc0 only, which xend's xenia-early-console gives
# earlyprintk=ttyS0 so that its early messages reach the log as well.
. "$(dirname "$0")/lib.sh"
xe_start

# rdinit names no file: the kernel tries a root device, finds none, panics
# (panic=0: it stays there) long before init would load any module.
crash_args="console=ttyS0 rdinit=/xenia-no-such-init panic=0"

check_early_log() {
  local name=$1 id log
  id=$(xe_domid "$name")
  wait_console_marker "$name" "Kernel panic - not syncing" 90 ||
    fail "$name: no panic in the console log"
  log=$(xe_console_log "$name")
  xm destroy "$name"
  expect_nothing_left "$name" "$id"
  [[ -s $log ]] || fail "$name: console log $log gone after xm destroy"
  # (The boot stub's "Probing EDD" may come first with an early console.)
  head -3 "$log" | grep -qa "Linux version" ||
    fail "$name: the log does not start with the kernel's first lines: $(head -c 300 "$log")"
  grep -qaE "Unable to mount root fs|No working init found" "$log" ||
    fail "$name: the log lacks the panic's reason: $(grep -a -m3 -i panic "$log")"
  grep -qa "rdinit=/xenia-no-such-init" "$log" || fail "$name: the log lacks the command line"
  # Nothing of the guest's userland ran: only the serial port spoke.
  ! grep -qa "XENIA-GUEST-READY" "$log" || fail "$name: the guest booted after all"
}

xe_create early-pv "extra = \"$crash_args\""
check_early_log early-pv

# console=hvc0 alone: the kernel's own console never comes up (virtio_console
# is a module), so only the early console xend added can speak.
xe_create early-hvc0 "extra = \"console=hvc0 rdinit=/xenia-no-such-init panic=0\""
check_early_log early-hvc0
grep -qa "earlyprintk=ttyS0" "$(xe_console_log early-hvc0)" ||
  fail "early-hvc0: the command line in the log lacks earlyprintk=ttyS0"

xe_create early-hvm 'builder = "hvm"' 'serial = "pty"' 'nographic = 1' \
  "extra = \"$crash_args\""
check_early_log early-hvm
xe_pass
