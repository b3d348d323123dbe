#!/usr/bin/env bash
# xm destroy leaves nothing behind: no row, no QEMU, no run directory, no
# XenStore nodes (/local/domain/<id>, /vm/<uuid>, backends), and the name
# can be used again at once (with a new domid).
. "$(dirname "$0")/lib.sh"
xe_start

xe_create gone1
xe_wait_ready gone1
id=$(xe_domid gone1)
uuid=$(xe_uuid gone1)
pid=$(xe_qemu_pid gone1)
[[ -n $pid ]] || fail "no QEMU found for gone1"
[[ -d $XE_TMP/run/domains/$id ]] || fail "no run dir $XE_TMP/run/domains/$id while running"
xs exists "/local/domain/$id" || fail "/local/domain/$id missing while running"
expect_eq "$(xs read "/local/domain/$id/name")" gone1 "/local/domain/$id/name"
xs exists "/vm/$uuid" || fail "/vm/$uuid missing while running"
backends=$(xs list /local/domain/0/backend 2>/dev/null || true)

xm destroy gone1
expect_nothing_left gone1 "$id" "$uuid"
kill -0 "$pid" 2>/dev/null && fail "QEMU $pid survived xm destroy"
for t in $backends; do
  ! xs exists "/local/domain/0/backend/$t/$id" 2>/dev/null || fail "backend/$t/$id left"
done
expect_eq "$(xm list | wc -l)" 2 "xm list after destroy (header + Domain-0)"
expect_error "^Error: Domain 'gone1' does not exist\.$" xm destroy gone1
rc=0
xm destroy gone1 >/dev/null 2>&1 || rc=$?
expect_eq "$rc" 3 "xm's exit status for a missing domain (XendInvalidDomain)"

boot=$(xe_boot_id gone1)
xe_create gone1
xe_wait_new_boot gone1 "$boot"
id2=$(xe_domid gone1)
((id2 > id)) || fail "domid reused: $id then $id2"
xm destroy "$id2"
expect_nothing_left gone1 "$id2"
xe_pass
