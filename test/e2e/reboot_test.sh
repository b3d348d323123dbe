#!/usr/bin/env bash
# xm reboot of a guest older than 60 s: the guest goes down and on_reboot's
# default (restart) makes a new domain: new domid, same name and UUID, booted
# again (ready marker on the console after the reboot), old one gone.
. "$(dirname "$0")/lib.sh"
xe_start

xe_create boot1
created=$SECONDS # read by xe_wait_age
xe_wait_ready boot1
id=$(xe_domid boot1)
uuid=$(xe_uuid boot1)
xe_wait_age 62 created
boot=$(xe_boot_id boot1)
xm reboot boot1
id2=$(xe_wait_restart boot1 "$id" 120)
((id2 > id)) || fail "the restarted domain got domid $id2, not above $id"
xe_wait_new_boot boot1 "$boot"
expect_eq "$(xe_uuid boot1)" "$uuid" "UUID after reboot"
expect_eq "$(xm list | wc -l)" 3 "xm list rows after reboot"
[[ ! -e $XE_TMP/run/domains/$id ]] || fail "run dir of the old domain $id left"
! xs exists "/local/domain/$id" 2>/dev/null || fail "/local/domain/$id left after reboot"
expect_eq "$(xs read "/local/domain/$id2/name")" boot1 "/local/domain/$id2/name"
expect_eq "$(xe_guest boot1 'echo XE-$((40+2))' 'XE-42')" XE-42 "console after reboot"
expect_eq "$(xe_qemu_pid boot1 | wc -l)" 1 "QEMU processes for boot1"
xe_pass
