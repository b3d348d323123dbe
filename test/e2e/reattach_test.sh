#!/usr/bin/env bash
# xend killed with SIGKILL and started again re-attaches to its guests:
# xm list is the same (byte for byte for a paused guest, whose CPU time
# stands still; all but Time(s) and the r/b flag for a running one), the running
# guest still answers on its console through the new xend, and lifecycle
# events are handled again (shutdown after the re-attach).
. "$(dirname "$0")/lib.sh"
xe_start

xe_create att-run
xe_create att-paused
xe_wait_ready att-run
xe_wait_ready att-paused
xm pause att-paused
pid_run=$(xe_qemu_pid att-run)
# Time(s) grows, and a running guest's r/b flag follows what its vCPU
# thread does at that instant: compare everything else.
strip_time() { sed -E 's/ +[0-9]+\.[0-9]$//; s/ (r-----|-b----)$/ running/'; }
before=$(xm list)
paused_before=$(xm list att-paused)

kill -9 "$XE_XEND_PID"
wait "$XE_XEND_PID" 2>/dev/null || true
XE_XEND_PID=
kill -0 "$pid_run" 2>/dev/null || fail "the guest's QEMU died with xend"
xe_start_xend

after=$(xm list)
expect_eq "$(strip_time <<<"$after")" "$(strip_time <<<"$before")" "xm list (without Time) after re-attach"
expect_eq "$(xm list att-paused)" "$paused_before" "xm list of the paused guest after re-attach"
expect_eq "$(xe_qemu_pid att-run)" "$pid_run" "QEMU of att-run"
expect_eq "$(xe_guest att-run 'echo XE-$((21*2))' 'XE-42')" XE-42 "console after re-attach"
xm unpause att-paused
expect_eq "$(xe_guest att-paused 'echo XE-$((2*21))' 'XE-42')" XE-42 "unpaused guest after re-attach"

id=$(xe_domid att-run)
xm shutdown -w att-run
expect_nothing_left att-run "$id"
xe_pass
