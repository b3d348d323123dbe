#!/usr/bin/env bash
# xm console as a person uses it: on a terminal, typed commands reach the
# guest's shell and its answers come back; Ctrl-] detaches and xm exits 0
# with the guest still running; attaching again works; xm create -c
# attaches at once and shows the boot; unknown domains are refused.
. "$(dirname "$0")/lib.sh"
xe_start

xe_create con1
xe_wait_ready con1
out=$(xe_py xm-console 60 'echo XE-$((6*7))' 'XE-42' "$XE_BIN/xm" console con1) ||
  fail "xm console con1: $out"
expect_eq "$out" XE-42 "answer seen through xm console"
xe_exists con1 || fail "detaching from the console stopped the guest"
out=$(xe_py xm-console 60 'echo XE-$((7*6))' 'XE-42' "$XE_BIN/xm" console con1) ||
  fail "second xm console con1: $out"
# A second viewer (xend's multiplexer) sees the same output.
expect_eq "$(xe_guest con1 'echo XE-$((84/2))' 'XE-42')" XE-42 "console via the multiplexer"

cfg=$(xe_cfg con2)
out=$(xe_py xm-console 120 '' 'XENIA-GUEST-READY con2 boot=' "$XE_BIN/xm" create -c "$cfg") ||
  fail "xm create -c: $out"
xe_exists con2 || fail "xm create -c: the guest stopped after detaching"

expect_error "^Error: Domain 'nope' does not exist\.$" xm console nope
xe_pass
