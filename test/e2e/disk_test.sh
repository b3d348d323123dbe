#!/usr/bin/env bash
# Disks end to end on one PV guest: every backend (file:, tap:aio:, tap:sync:,
# tap:qcow:, tap:qcow2:, tap:vmdk:, tap:vhd:, phy: on a loop device, nbd:
# against qemu-nbd, iscsi: against tgt's userspace target when tgtd is
# installed) is attached at create time and hot-plugged, and the guest
# reads each one's marker; a read-only disk refuses writes; the double-writer
# lock (xend's table and QEMU's image locks; w! shares); block-list;
# block-detach; block-resize grows a disk the guest sees; xenia-image.
. "$(dirname "$0")/lib.sh"
command -v qemu-img >/dev/null || xe_skip "qemu-img not installed"
command -v qemu-nbd >/dev/null || xe_skip "qemu-nbd not installed"
xe_start

IMG=$XE_TMP/img
mkdir -p "$IMG"
LOOP= NBD_PID= TGT_PID=
disk_cleanup() {
  local p l
  for p in $NBD_PID; do kill "$p" 2>/dev/null; done
  # tgtd ignores SIGTERM while it serves targets.
  [[ -n $TGT_PID ]] && kill -9 "$TGT_PID" 2>/dev/null
  for p in $NBD_PID $TGT_PID; do wait "$p" 2>/dev/null || true; done
  for l in $LOOP; do losetup -d "$l" 2>/dev/null; done
  return 0
}
trap 'rc=$?; disk_cleanup; set +e; (exit $rc); xe_cleanup' EXIT

# mkimg NAME FORMAT: a 32 MiB image whose first line is XENIA-MARK-NAME.
mkimg() {
  local name=$1 fmt=$2 raw=$IMG/$1.raw
  printf 'XENIA-MARK-%s\n' "$name" >"$raw"
  truncate -s 32M "$raw"
  if [[ $fmt != raw ]]; then
    qemu-img convert -q -f raw -O "$fmt" "$raw" "$IMG/$name.$fmt"
    rm -f "$raw"
  fi
}
# guest_disk DOM ARGS...: runs `xenia-disk ARGS` in DOM, prints its marker
# line (a nonce keeps an old line or the echoed command from matching).
guest_disk() {
  local dom=$1 n=T$RANDOM$RANDOM; shift
  xe_py guest "$XEND_SOCKET" "$dom" "echo $n \$(xenia-disk $*)" "$n (XENIA-DISK-[^\\r\\n]*)\\r?\\n" 20 |
    sed "s/^$n //" | tr -d '\r\n'
}
# expect_read DOM VDEV MARK: the guest reads MARK from VDEV (retried while a
# hot-plugged disk is still appearing).
expect_read() {
  local got
  for _ in $(seq 30); do
    got=$(guest_disk "$1" read "$2") || true
    [[ $got == "XENIA-DISK-READ $2 XENIA-MARK-$3" ]] && return 0
    sleep 0.5
  done
  fail "$1 read '$got' from $2, expected XENIA-MARK-$3"
}
expect_gone() {
  local got
  for _ in $(seq 30); do
    got=$(guest_disk "$1" list) || true
    [[ " ${got#XENIA-DISK-LIST } " != *" $2 "* ]] && return 0
    sleep 0.5
  done
  fail "$1 still sees $2 after block-detach ($got)"
}

# One image per backend kind, then the same again for hotplug.
for set in boot hot; do
  mkimg "$set-file" raw
  mkimg "$set-aio" raw
  mkimg "$set-sync" raw
  mkimg "$set-qcow" qcow
  mkimg "$set-qcow2" qcow2
  mkimg "$set-vmdk" vmdk
  mkimg "$set-vhd" vpc
  mkimg "$set-phy" raw
  mkimg "$set-nbd" raw
  mkimg "$set-iscsi" raw
done
mkimg ro raw
mkimg shared raw
LOOP=$(losetup -f --show "$IMG/boot-phy.raw") || xe_skip "no loop device"
LOOP2=$(losetup -f --show "$IMG/hot-phy.raw") || xe_skip "no second loop device"
LOOP="$LOOP $LOOP2"
qemu-nbd -f raw -k "$XE_TMP/nbd1.sock" --persistent "$IMG/boot-nbd.raw" &
NBD_PID=$!
qemu-nbd -f raw -k "$XE_TMP/nbd2.sock" --persistent "$IMG/hot-nbd.raw" &
NBD_PID="$NBD_PID $!"
xe_wait_until 10 test -S "$XE_TMP/nbd1.sock" || fail "qemu-nbd did not start"
xe_wait_until 10 test -S "$XE_TMP/nbd2.sock" || fail "qemu-nbd did not start"
# A hot-plugged nbd: disk is opened by QEMU after it dropped root (-runas).
chmod 0666 "$XE_TMP/nbd2.sock"

# iSCSI: tgt's userspace target on a private portal and control port, one
# target with two LUNs (boot, hot); QEMU's initiator logs in.
IQN=iqn.2026-11.org.xenia:disk-test
if command -v tgtd >/dev/null; then
  ISCSI_PORT=$((20000 + RANDOM % 20000))
  TGT_CTL=$((1000 + RANDOM % 20000))  # tgtd takes at most 32767
  tgtd -f -C "$TGT_CTL" --iscsi "portal=127.0.0.1:$ISCSI_PORT" >"$XE_TMP/log/tgtd.log" 2>&1 &
  TGT_PID=$!
  tgt() { tgtadm -C "$TGT_CTL" --lld iscsi "$@"; }
  xe_wait_until 10 tgt --op show --mode target || fail "tgtd did not start"
  tgt --op new --mode target --tid 1 -T "$IQN"
  tgt --op new --mode logicalunit --tid 1 --lun 1 -b "$IMG/boot-iscsi.raw"
  tgt --op new --mode logicalunit --tid 1 --lun 2 -b "$IMG/hot-iscsi.raw"
  tgt --op bind --mode target --tid 1 -I ALL
else
  xe_log "tgtd not installed: iscsi: is covered by the argv unit tests only"
fi

# backend uname per kind (set = boot|hot).
uname_of() {
  case $2 in
    file) echo "file:$IMG/$1-file.raw" ;;
    aio) echo "tap:aio:$IMG/$1-aio.raw" ;;
    sync) echo "tap:sync:$IMG/$1-sync.raw" ;;
    qcow) echo "tap:qcow:$IMG/$1-qcow.qcow" ;;
    qcow2) echo "tap:qcow2:$IMG/$1-qcow2.qcow2" ;;
    vmdk) echo "tap:vmdk:$IMG/$1-vmdk.vmdk" ;;
    vhd) echo "tap:vhd:$IMG/$1-vhd.vpc" ;;
    phy) if [[ $1 == boot ]]; then echo "phy:$LOOP1"; else echo "phy:$LOOP2"; fi ;;
    nbd) if [[ $1 == boot ]]; then echo "nbd:unix:$XE_TMP/nbd1.sock"; else echo "nbd:unix:$XE_TMP/nbd2.sock"; fi ;;
    iscsi) echo "iscsi:iqn=$IQN,portal=127.0.0.1:$ISCSI_PORT,lun=$([[ $1 == boot ]] && echo 1 || echo 2)" ;;
  esac
}
# The config-file form of a disk: xm's 'uname,vdev,mode', or for iscsi (whose
# target holds commas) xl's DISKSPEC, which xm configs accept too.
spec_of() {
  if [[ $2 == iscsi ]]; then
    echo "vdev=$3, access=rw, script=block-iscsi, target=$(uname_of "$1" iscsi | sed 's/^iscsi://')"
  else
    echo "$(uname_of "$1" "$2"),$3,w"
  fi
}
LOOP1=${LOOP%% *}
KINDS=(file aio sync qcow qcow2 vmdk vhd phy nbd)
[[ -n $TGT_PID ]] && KINDS+=(iscsi)
VDEVS=(xvda xvdb xvdc xvdd xvde xvdf xvdg xvdh xvdi xvdj)
disks=
for i in "${!KINDS[@]}"; do
  disks+="'$(spec_of boot "${KINDS[$i]}" "${VDEVS[$i]}")', "
done
disks+="'file:$IMG/ro.raw,xvdk,r'"
xe_create dk1 "disk = [ $disks ]"
xe_wait_ready dk1

# Create time: every kind reads its marker.
for i in "${!KINDS[@]}"; do
  expect_read dk1 "${VDEVS[$i]}" "boot-${KINDS[$i]}"
done
expect_read dk1 xvdk ro
xe_log "create-time disks read"

# Writes reach the image (tap:sync: writes through); the read-only disk refuses.
expect_eq "$(guest_disk dk1 write xvdc XENIA-WRITTEN)" "XENIA-DISK-WRITE xvdc ok" "write to xvdc"
grep -qa XENIA-WRITTEN "$IMG/boot-sync.raw" || fail "the guest's write did not reach boot-sync.raw"
expect_eq "$(guest_disk dk1 write xvdk XENIA-WRITTEN)" "XENIA-DISK-WRITE xvdk refused" "write to r disk"
grep -qa XENIA-WRITTEN "$IMG/ro.raw" && fail "a write reached the read-only image"

# block-list: one row per disk, xm's layout.
list=$(xm block-list dk1)
id=$(xe_domid dk1)
expect_eq "$(head -1 <<<"$list")" "Vdev  BE handle state evt-ch ring-ref BE-path" "block-list header"
expect_eq "$(($(wc -l <<<"$list") - 1))" $((${#KINDS[@]} + 1)) "block-list rows"
grep -qE "^51712  0    0     4      -1     -1    /local/domain/0/backend/vbd/$id/51712 " <<<"$list" ||
  fail "block-list lacks xvda's row: $list"
xm block-list --long dk1 | grep -qF "tap:qcow2:$IMG/boot-qcow2.qcow2" || fail "block-list --long lacks the qcow2 uname"
[[ $(xs read "/local/domain/0/backend/vbd/$id/51712/params") == "$IMG/boot-file.raw" ]] ||
  fail "vbd backend params of xvda"

# Double writers: xend refuses a second writer and a reader of a written
# image; QEMU holds its own lock too; w! shares on purpose.
cfg=$(xe_cfg dk2 "disk = [ 'file:$IMG/boot-file.raw,xvda,w' ]")
expect_error 'boot-file.raw is mounted read-write in a guest domain \(dk1 as xvda\)' xm create "$cfg"
cfg=$(xe_cfg dk2 "disk = [ 'file:$IMG/boot-file.raw,xvda,r' ]")
expect_error 'mounted read-write in a guest domain' xm create "$cfg"
xe_gone dk2 || fail "a refused dk2 is listed"
expect_error 'lock' qemu-io -f raw -c quit "$IMG/boot-file.raw"
cfg=$(xe_cfg dk2 "disk = [ 'file:$IMG/shared.raw,xvda,w!' ]")
xm create "$cfg" >/dev/null || fail "w! create failed"
expect_error 'mounted read-write in a guest domain \(dk2 as xvda\)' \
  xm block-attach dk1 "file:$IMG/shared.raw" xvdm w
xm block-attach dk1 "file:$IMG/shared.raw" xvdm 'w!'
expect_read dk1 xvdm shared
xm block-detach dk1 xvdm
expect_gone dk1 xvdm
xm destroy dk2
xe_log "locking checked"

# Hotplug of every kind: attach, read, list, detach.
for kind in "${KINDS[@]}"; do
  xm block-attach dk1 "$(uname_of hot "$kind")" xvdl w
  expect_read dk1 xvdl "hot-$kind"
  xm block-list dk1 | grep -q "^51888 " || fail "block-list lacks hot-plugged xvdl ($kind)"
  xs exists "/local/domain/$id/device/vbd/51888" || fail "no vbd frontend for xvdl ($kind)"
  xm block-detach dk1 xvdl
  expect_gone dk1 xvdl
  ! xs exists "/local/domain/$id/device/vbd/51888" 2>/dev/null || fail "vbd 51888 left ($kind)"
  xe_log "hotplug $kind ok"
done
expect_error 'Device xvda is already connected' xm block-attach dk1 "file:$IMG/ro.raw" xvda r
expect_error 'Device xvdz not connected' xm block-detach dk1 xvdz

# block-resize: online grow seen by the guest; shrinking refused.
expect_eq "$(guest_disk dk1 size xvda)" "XENIA-DISK-SIZE xvda 33554432" "xvda size"
xm block-resize dk1 xvda 64
for _ in $(seq 30); do
  got=$(guest_disk dk1 size xvda)
  [[ $got == "XENIA-DISK-SIZE xvda 67108864" ]] && break
  sleep 0.5
done
expect_eq "$got" "XENIA-DISK-SIZE xvda 67108864" "xvda size after block-resize"
expect_eq "$(stat -c %s "$IMG/boot-file.raw")" 67108864 "image size after block-resize"
expect_error 'shrinking' xm block-resize dk1 xvda 32
expect_error 'read-only' xm block-resize dk1 xvdk 64

# xenia-image: sparse create, grow, never shrink, never an image in use.
XI=$XE_BIN/xenia-image
"$XI" create "$IMG/new.raw" 1G >/dev/null
expect_eq "$(stat -c %s "$IMG/new.raw")" 1073741824 "raw size"
(($(stat -c %b "$IMG/new.raw") < 64)) || fail "new.raw is not sparse"
"$XI" create -f qcow2 "$IMG/new.qcow2" 100M >/dev/null
"$XI" grow "$IMG/new.qcow2" 200M >/dev/null
"$XI" info "$IMG/new.qcow2" | grep -qx 'virtual size: 209715200' || fail "qcow2 not grown"
"$XI" grow "$IMG/new.raw" 2G >/dev/null
expect_eq "$(stat -c %s "$IMG/new.raw")" 2147483648 "raw size after grow"
expect_error 'never shrinks' "$XI" grow "$IMG/new.raw" 1G
expect_error 'exists' "$XI" create "$IMG/new.raw" 1G
expect_error 'in use by running domain\(s\): dk1 \(xvda, w\)' "$XI" grow "$IMG/boot-file.raw" 128M
"$XI" info "$IMG/boot-aio.raw" | grep -qx 'used by: dk1 (xvdb, w)' || fail "xenia-image info lacks the user"

xm destroy dk1
qemu-io -f raw -c quit "$IMG/boot-file.raw" >/dev/null || fail "QEMU's lock on boot-file.raw outlived the domain"
xe_pass
