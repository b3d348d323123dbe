#!/usr/bin/env bash
# xm create -p leaves the guest paused before its first instruction
# (state --p---, nothing on its console); xm unpause starts it; xm pause
# stops it again (state --p---, its console does not answer) and xm unpause
# resumes it where it was.
. "$(dirname "$0")/lib.sh"
xe_start

xe_create paused1 -- -p
expect_eq "$(xe_state paused1)" "--p---" "state after create -p"
sleep 3
! grep -qa XENIA-GUEST "$(xe_console_log paused1)" 2>/dev/null ||
  fail "a guest created with -p ran"
expect_eq "$(xe_state paused1)" "--p---" "state 3 s after create -p"

xm unpause paused1
xe_wait_ready paused1
expect_match "$(xe_state paused1)" '^(r-----|-b----)$' "state after unpause"

xm pause paused1
expect_eq "$(xe_state paused1)" "--p---" "state after pause"
# Typed while paused: no answer now, the answer once unpaused.
from=$(xe_log_size paused1)
xe_py guest "$XEND_SOCKET" paused1 'echo XE-$((6*7))' 'XE-42' 3 >/dev/null 2>&1 &&
  fail "a paused guest answered on its console"
xm unpause paused1
wait_console_marker paused1 XE-42 60 "$from" || fail "the guest did not resume"
expect_match "$(xe_state paused1)" '^(r-----|-b----)$' "state after the second unpause"
expect_eq "$(xe_guest paused1 'echo XE-$((7*6))' 'XE-42')" XE-42 "console after resume"
xe_pass
