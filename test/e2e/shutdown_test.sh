#!/usr/bin/env bash
# xm shutdown: the guest gets the ACPI power button, says so on its console
# and powers off; with on_poweroff=destroy (the default) the domain is gone.
# -w returns only once it is. Without -w xm returns at once.
. "$(dirname "$0")/lib.sh"
xe_start

xe_create down1
xe_create down2
xe_wait_ready down1
xe_wait_ready down2
id1=$(xe_domid down1)
id2=$(xe_domid down2)

xm shutdown -w down1
wait_console_marker down1 XENIA-GUEST-SHUTDOWN 5 || fail "down1 did not power off by itself"
expect_nothing_left down1 "$id1"

xm shutdown down2
xe_wait_until 120 xe_gone down2 || fail "down2 still there 120 s after xm shutdown"
wait_console_marker down2 XENIA-GUEST-SHUTDOWN 5 || fail "down2 did not power off by itself"
expect_nothing_left down2 "$id2"

expect_error "^Error: Domain 'down1' does not exist\.$" xm shutdown down1
xe_pass
