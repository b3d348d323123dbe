#!/usr/bin/env bash
# xend's restart-loop guard: a domain that reboots or crashes less than 60 s
# after it started is not restarted but destroyed, with xend's log line
# "restarting too fast ... Refusing to restart to avoid loops".
. "$(dirname "$0")/lib.sh"
xe_start

XE_EXTRA_ARGS=xenia.panic=1 xe_create loop-crash 'on_crash = "restart"'
xe_create loop-reboot 'on_reboot = "restart"'
idc=$(xe_domid loop-crash)
idr=$(xe_domid loop-reboot)
xe_wait_ready loop-reboot
xe_guest_send loop-reboot 'reboot -f'

xe_wait_until 120 xe_gone loop-crash || fail "loop-crash still listed: $(xe_row_raw loop-crash)"
wait_console_marker loop-crash XENIA-GUEST-PANIC 5 || fail "loop-crash did not panic"
expect_nothing_left loop-crash "$idc"
xe_wait_until 120 xe_gone loop-reboot || fail "loop-reboot still listed: $(xe_row_raw loop-reboot)"
expect_nothing_left loop-reboot "$idr"

log=$(xm log)
grep -qE 'VM loop-crash restarting too fast .*Refusing to restart to avoid loops' <<<"$log" ||
  fail "xm log has no 'restarting too fast' line for loop-crash"
grep -qE 'VM loop-reboot restarting too fast .*Refusing to restart to avoid loops' <<<"$log" ||
  fail "xm log has no 'restarting too fast' line for loop-reboot"
xe_pass
