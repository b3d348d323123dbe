#!/usr/bin/env bash
# Disks across a domain's life, one booted guest: `xm delete` keeps a
# managed domain's images and `xm delete --remove-images` removes them (but
# not one another managed domain names, nor one a running domain uses);
# xenia-image create/grow/refuse-shrink/refuse-in-use with xend running and
# with xend stopped (then QEMU's image locks are what it finds); and
# on_reboot=rename-restart of a domain with a writable disk: as Xen releases
# the preserved domain's devices, the renamed domain lets go of the disk and
# the restarted one opens it.
. "$(dirname "$0")/lib.sh"
command -v qemu-img >/dev/null || xe_skip "qemu-img not installed"
xe_start

IMG=$XE_TMP/img
mkdir -p "$IMG"
# mkimg NAME: a 16 MiB raw image whose first line is XENIA-MARK-NAME.
mkimg() {
  printf 'XENIA-MARK-%s\n' "$1" >"$IMG/$1.raw"
  truncate -s 16M "$IMG/$1.raw"
}
guest_disk() {
  local dom=$1 n=T$RANDOM$RANDOM; shift
  xe_py guest "$XEND_SOCKET" "$dom" "echo $n \$(xenia-disk $*)" "$n (XENIA-DISK-[^\\r\\n]*)\\r?\\n" 20 |
    sed "s/^$n //" | tr -d '\r\n'
}
XI=$XE_BIN/xenia-image

# The running domain: its disk is written, and the old incarnation keeps it
# until rename-restart releases it. It boots while the image checks run.
mkimg rr
mkimg rr-ro
xe_create rr1 "disk = [ 'file:$IMG/rr.raw,xvda,w', 'tap:aio:$IMG/rr-ro.raw,xvdb,r' ]" \
  'on_reboot = "rename-restart"'
created=$SECONDS

# --- xm delete [--remove-images] (managed, halted domains) ---
mkimg a
"$XI" create -f qcow2 "$IMG/b.qcow2" 16M >/dev/null
mkimg keep
newcfg() { xe_cfg "$1" "disk = [ $2 ]"; }
xm new "$(newcfg del1 "'file:$IMG/a.raw,xvda,w', 'tap:qcow2:$IMG/b.qcow2,xvdb,w', 'file:$IMG/keep.raw,xvdc,r', 'file:$IMG/rr.raw,xvdd,r', 'phy:/dev/null,xvde,r'")" >/dev/null
xm new "$(newcfg del2 "'file:$IMG/keep.raw,xvda,r'")" >/dev/null
out=$(xm delete del1)
xe_gone del1 || fail "del1 still listed after xm delete"
for f in a.raw b.qcow2 keep.raw rr.raw; do
  [[ -e $IMG/$f ]] || fail "xm delete without --remove-images removed $f"
  grep -qF "  $IMG/$f" <<<"$out" || fail "xm delete does not name the kept $f: $out"
done
grep -q /dev/null <<<"$out" && fail "xm delete names a phy: device as an image file: $out"
xm new "$(newcfg del1 "'file:$IMG/a.raw,xvda,w', 'tap:qcow2:$IMG/b.qcow2,xvdb,w', 'file:$IMG/keep.raw,xvdc,r', 'file:$IMG/rr.raw,xvdd,r', 'phy:/dev/null,xvde,r'")" >/dev/null
rc=0
out=$(xm delete --remove-images del1 2>&1) || rc=$?
expect_eq "$rc" 1 "xm delete --remove-images exit status (an image in use is kept)"
xe_gone del1 || fail "del1 still listed after xm delete --remove-images"
[[ ! -e $IMG/a.raw && ! -e $IMG/b.qcow2 ]] || fail "--remove-images left a.raw or b.qcow2: $out"
[[ -e $IMG/keep.raw ]] || fail "--remove-images removed keep.raw, which del2 names"
expect_match "$out" "Image $IMG/keep.raw is kept: managed domain\\(s\\) del2 \\(xvda\\)" \
  "the kept image of a managed domain"
[[ -e $IMG/rr.raw ]] || fail "--remove-images removed rr.raw, which the running rr1 uses"
expect_match "$out" "Image $IMG/rr.raw is in use by running domain\\(s\\) rr1 \\(xvda\\)" \
  "the kept image of a running domain"
[[ -e /dev/null && -c /dev/null ]] || fail "/dev/null is gone"
xm delete del2 >/dev/null
xe_log "xm delete checked"

# --- xenia-image with xend running ---
"$XI" create "$IMG/new.raw" 64M >/dev/null
expect_eq "$(stat -c %s "$IMG/new.raw")" 67108864 "raw size"
(($(stat -c %b "$IMG/new.raw") < 64)) || fail "new.raw is not sparse"
"$XI" grow "$IMG/new.raw" 128M >/dev/null
expect_eq "$(stat -c %s "$IMG/new.raw")" 134217728 "raw size after grow"
expect_error 'never shrinks' "$XI" grow "$IMG/new.raw" 64M
expect_eq "$(stat -c %s "$IMG/new.raw")" 134217728 "raw size after a refused shrink"
expect_error 'exists' "$XI" create "$IMG/new.raw" 1G
expect_error 'in use by running domain\(s\): rr1 \(xvda, w\)' "$XI" grow "$IMG/rr.raw" 32M
expect_error 'in use by running domain\(s\): rr1 \(xvdb, r\)' "$XI" grow "$IMG/rr-ro.raw" 32M

# --- xenia-image with xend stopped: QEMU's image locks still say "in use" ---
rrid=$(xe_domid rr1)
xe_stop_xend
[[ ! -S $XEND_SOCKET ]] || fail "xend's socket is still there"
"$XI" create -f qcow2 "$IMG/off.qcow2" 32M >/dev/null
"$XI" grow "$IMG/off.qcow2" 48M >/dev/null
"$XI" info "$IMG/off.qcow2" | grep -qx 'virtual size: 50331648' || fail "qcow2 not grown without xend"
expect_error 'never shrinks' "$XI" grow "$IMG/off.qcow2" 16M
expect_error 'locked by a running QEMU' "$XI" grow "$IMG/rr.raw" 32M
expect_error 'locked by a running QEMU' "$XI" grow "$IMG/rr-ro.raw" 32M
"$XI" info "$IMG/rr.raw" | grep -qx 'locked by: a running QEMU' || fail "info without xend lacks the lock"
expect_eq "$(stat -c %s "$IMG/rr.raw")" 16777216 "rr.raw size after refused grows"
xe_start_xend
expect_eq "$(xe_domid rr1)" "$rrid" "rr1 re-attached"
xe_log "xenia-image checked"

# --- rename-restart with a writable disk ---
xe_wait_ready rr1
expect_eq "$(guest_disk rr1 write xvda XENIA-OLD-INCARNATION)" "XENIA-DISK-WRITE xvda ok" "old write"
grep -qa XENIA-OLD-INCARNATION "$IMG/rr.raw" || fail "the old incarnation's write is not in rr.raw"
id=$(xe_domid rr1)
uuid=$(xe_uuid rr1)
boot=$(xe_boot_id rr1)
xe_wait_age 62 created # xend refuses a restart within 60 s of the start
xe_guest_send rr1 'reboot -f'
nid=$(xe_wait_restart rr1 "$id" 120)
xe_wait_new_boot rr1 "$boot"
expect_eq "$(xe_uuid rr1)" "$uuid" "UUID of the restarted domain"
old=$(xm list "$id" | sed -n 2p)
oldname=$(xe_col "$old" name)
expect_match "$oldname" '^Domain-[0-9a-f-]{36}$' "the preserved domain's name"
[[ -n $(xe_qemu_pid_of_id "$id") ]] || fail "the preserved domain's QEMU is gone"
# Xen releases the preserved domain's devices: it has no disks left...
expect_eq "$(xm block-list "$id" | sed 1d)" "" "the preserved domain's block-list"
! xs exists "/local/domain/0/backend/vbd/$id" 2>/dev/null || fail "the preserved domain's vbd backend is left"
# Its memory stays for inspection.
xm dump-core "$id" "$XE_TMP/dump/preserved.core" >/dev/null
expect_eq "$(head -c 4 "$XE_TMP/dump/preserved.core" | tail -c 3)" ELF "core of the preserved domain"
rm -f "$XE_TMP/dump/preserved.core"
# ...and the restarted one has them, writable.
expect_eq "$(xm block-list rr1 | sed 1d | wc -l)" 2 "the restarted domain's block-list"
expect_eq "$(guest_disk rr1 read xvda)" "XENIA-DISK-READ xvda XENIA-MARK-rr" "new read"
expect_eq "$(guest_disk rr1 write xvda XENIA-NEW-INCARNATION)" "XENIA-DISK-WRITE xvda ok" "new write"
grep -qa XENIA-NEW-INCARNATION "$IMG/rr.raw" || fail "the new incarnation's write is not in rr.raw"
# The sharing check holds again between the new domain and a third one.
expect_error 'rr.raw is mounted read-write in a guest domain \(rr1 as xvda\)' \
  xm create "$(xe_cfg rr2 "disk = [ 'file:$IMG/rr.raw,xvda,w' ]")"
xm destroy "$id"
xe_exists rr1 || fail "destroying the preserved domain took the new one"
expect_eq "$(xe_domid rr1)" "$nid" "rr1's domid after the preserved one went"
xm destroy rr1
xe_pass
