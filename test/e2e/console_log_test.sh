#!/usr/bin/env bash
# Consoles (docs/design/consoles-vnc.md): several viewers on xend's console
# multiplexer read the same output at once; the serial port is reachable
# through its pty (domain.console's "pty", console/tty in XenStore); the
# console log holds the guest's boot messages from the console's first byte and is
# still there, complete, after xm destroy.
. "$(dirname "$0")/lib.sh"
xe_start
viewers() { python3 "$XE_TOOLS/viewers.py" "$@"; }

xe_create clog
id=$(xe_domid clog)
xe_wait_ready clog
info=$(xe_py rpc "$XEND_SOCKET" domain.console '{"dom": "clog"}') || fail "domain.console: $info"
sock=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["socket"])' "$info")
pty=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["pty"])' "$info")
[[ -S $sock ]] || fail "console socket $sock missing"

# Three viewers at once; one types, all see the answer.
out=$(viewers many "$sock" 3 'echo XE-VIEW-$((20+22))' 'XE-VIEW-42' 60) || fail "viewers: $out"
expect_eq "$out" "3 viewers saw XE-VIEW-42" "several viewers"

# The serial port's pty (the guest runs a shell on ttyS0 too).
[[ -c $pty ]] || fail "serial pty '$pty' is not a character device"
expect_eq "$(xs read "/local/domain/$id/console/tty")" "$pty" "console/tty"
out=$(viewers pty "$pty" 'echo XE-PTY-$((6*7))' 'XE-PTY-42' 60) || fail "pty: $out"
expect_eq "$out" XE-PTY-42 "answer on the serial pty"

# Something only this boot printed, then destroy: the log keeps everything.
xe_guest_send clog 'echo XE-LAST-WORDS-$((1+1))'
wait_console_marker clog XE-LAST-WORDS-2 30 || fail "no last words in the log"
log=$(xe_console_log clog)
xm destroy clog
expect_nothing_left clog "$id"
[[ -s $log ]] || fail "console log $log gone after xm destroy"
# From the guest's first byte: the kernel's first lines, which it printed on
# ttyS0 (xend's earlyprintk=ttyS0, see console_early_test) long before hvc0
# existed or any viewer was connected; the boot stub's "Probing EDD" may
# come first.
head -3 "$log" | grep -qa "Linux version" ||
  fail "the log does not start with the kernel's first lines: $(head -c 300 "$log")"
grep -qa "XENIA-GUEST-READY clog boot=" "$log" || fail "the log lacks the ready marker"
grep -qa "XE-VIEW-42" "$log" || fail "the log lacks what the viewers saw"
grep -qa "XE-LAST-WORDS-2" "$log" || fail "the log lacks the last output before destroy"
xe_pass
