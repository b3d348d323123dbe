#!/usr/bin/env bash
# Managed domains (xm new/start/shutdown/delete): defined but halted (a row
# with no ID and no State), started, shut down back to halted, kept across a
# restart of xend (halted and running alike), refused deletion while
# running, and deleted without a trace.
. "$(dirname "$0")/lib.sh"
xe_start

cfg=$(xe_cfg man1)
xm new "$cfg"
halted=$(printf '%-40s %5s %5d %5d %10s %8.1f' man1 '' 128 1 '' 0)
expect_eq "$(xe_row_raw man1)" "$halted" "row of a halted managed domain"
uuid=$(xe_uuid man1)
[[ -f $XE_TMP/state/domains/$uuid/config.json ]] ||
  fail "no $XE_TMP/state/domains/$uuid/config.json: $(ls -R "$XE_TMP/state")"
expect_error "man1" xm new "$cfg"
grep -qF '(name man1)' <<<"$(xm list -l man1)" || fail "xm list -l of a halted domain"

xm start man1
xe_wait_ready man1
id1=$(xe_domid man1)
expect_match "$id1" '^[1-9][0-9]*$' "domid after xm start"
expect_eq "$(xe_uuid man1)" "$uuid" "UUID once started"
expect_error . xm delete man1
xe_exists man1 || fail "xm delete removed a running domain"

xm shutdown -w man1
expect_eq "$(xe_row_raw man1)" "$halted" "row after shutdown"
[[ -z $(xe_qemu_pid man1) ]] || fail "QEMU still running after shutdown"
! xs exists "/local/domain/$id1" 2>/dev/null || fail "/local/domain/$id1 left after shutdown"

xe_stop_xend
xe_start_xend
expect_eq "$(xe_row_raw man1)" "$halted" "halted managed domain after an xend restart"

boot=$(xe_boot_id man1)
xm start man1
id2=$(xe_domid man1)
((id2 > id1)) || fail "second start got domid $id2, not above $id1"
xe_wait_new_boot man1 "$boot"
before=$(xm list man1 | sed -n 2p)
xe_stop_xend
xe_start_xend
expect_eq "$(xe_domid man1)" "$id2" "running managed domain's domid after an xend restart"
xm list -l man1 | grep -qF '(name man1)' || fail "xm list -l after the restart"
expect_eq "$(xe_col "$(xe_row_raw man1)" mem)" "$(xe_col "$before" mem)" "Mem after xend restart"

xm destroy man1
expect_eq "$(xe_row_raw man1)" "$halted" "row after destroy of a managed domain"
xm delete man1
xe_gone man1 || fail "man1 still listed after xm delete"
[[ ! -e $XE_TMP/state/domains/$uuid ]] || fail "state of man1 left after delete"
expect_error "^Error: Domain 'man1' does not exist\.$" xm start man1
xe_pass
