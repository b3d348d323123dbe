#!/usr/bin/env bash
# xm sysrq, xm trigger and xm reset reach the guest kernel: sysrq h prints the
# SysRq help, trigger nmi an unknown-NMI message, reset reboots the guest in
# place (it prints its ready marker again), trigger power presses the ACPI
# power button (the guest powers off and, on_poweroff=destroy, is gone).
. "$(dirname "$0")/lib.sh"
xe_start

xe_create trig1
xe_wait_ready trig1
id=$(xe_domid trig1)

from=$(xe_log_size trig1)
xm sysrq trig1 h
wait_console_marker trig1 'sysrq: HELP' 30 "$from" || fail "xm sysrq h: no SysRq help on the console"

from=$(xe_log_size trig1)
xm trigger trig1 nmi
wait_console_marker trig1 'NMI received' 30 "$from" || fail "xm trigger nmi: the guest saw no NMI"
expect_eq "$(xe_guest trig1 'echo XE-$((6*7))' 'XE-42')" XE-42 "the guest lives on after the NMI"

boot=$(xe_boot_id trig1)
xm reset trig1
xe_wait_new_boot trig1 "$boot"
xe_exists trig1 || fail "xm reset: trig1 gone"
expect_match "$(xe_state trig1)" '^(r-----|-b----)$' "state after xm reset"
expect_eq "$(xe_guest trig1 'echo XE-$((7*6))' 'XE-42')" XE-42 "console after xm reset"
id=$(xe_domid trig1)

from=$(xe_log_size trig1)
xm trigger trig1 power
wait_console_marker trig1 XENIA-GUEST-SHUTDOWN 60 "$from" || fail "xm trigger power: no shutdown"
xe_wait_until 60 xe_gone trig1 || fail "trig1 still listed after powering off"
expect_nothing_left trig1 "$id"
xe_pass
