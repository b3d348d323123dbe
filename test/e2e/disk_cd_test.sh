#!/usr/bin/env bash
# CD-ROM media of a running HVM guest (IDE drive hdc, seen as /dev/sr0):
# empty at boot, xm cd-insert of an image file, the guest reads it; xm
# cd-eject, the guest finds no medium; xm cd-insert of a tap:cdrom: image
# (block-configure underneath), the guest reads the new media; block-list
# shows the drive; a PV disk cannot change media; IDE slots do not hot-plug.
# The HVM guest's shell is on its serial port (a pty), driven from Python.
. "$(dirname "$0")/lib.sh"
xe_start

IMG=$XE_TMP/img
mkdir -p "$IMG"
# mkcd NAME: a 1 MiB CD image (2048-byte sectors) whose first line is the marker.
mkcd() {
  printf 'XENIA-MARK-%s\n' "$1" >"$IMG/$1.iso"
  truncate -s 1M "$IMG/$1.iso"
}
mkcd cd1
mkcd cd2

xe_create cd1 'builder = "hvm"' 'serial = "pty"' 'vnc = 0' 'nographic = 1' \
  "extra = \"console=ttyS0 xenia.name=cd1 panic=0\"" \
  "disk = [ ',hdc:cdrom,r' ]"
id=$(xe_domid cd1)
pty=$(xs read "/local/domain/$id/console/tty") || fail "no console/tty for the HVM guest"

# serial_cmd LINE REGEX TIMEOUT: types LINE on the guest's serial pty and
# prints the first group of REGEX's first match.
serial_cmd() {
  python3 "$XE_TOOLS/serial_cmd.py" "$pty" "$1" "$2" "$3"
}
# cd_read: what the guest reads from /dev/sr0 now.
cd_read() {
  local n=T$RANDOM$RANDOM
  serial_cmd "echo $n \$(xenia-disk read /dev/sr0)" "$n XENIA-DISK-READ /dev/sr0 ([^\\r\\n ]*)\\r?\\n" 15
}
# Wait for the shell on ttyS0.
for _ in $(seq 60); do
  serial_cmd 'echo XENIA-PING-$((6*7))' '(XENIA-PING-42)' 3 >/dev/null && break
done
serial_cmd 'echo XENIA-PING-$((6*7))' '(XENIA-PING-42)' 5 >/dev/null || fail "no shell on cd1's serial port"

expect_until() {  # expect_until WANT: cd_read settles at WANT
  local got
  for _ in $(seq 20); do
    got=$(cd_read) || true
    [[ $got == "$1" ]] && return 0
    sleep 0.5
  done
  fail "guest read '$got' from /dev/sr0, expected '$1'"
}
expect_until ERROR  # empty drive
xm cd-insert cd1 hdc "$IMG/cd1.iso"
expect_until XENIA-MARK-cd1
xm block-list --long cd1 | grep -qF "file:$IMG/cd1.iso" || fail "block-list --long lacks the CD media"
xm cd-eject cd1 hdc
expect_until ERROR
xm cd-insert cd1 hdc "tap:cdrom:$IMG/cd2.iso"
expect_until XENIA-MARK-cd2
xm block-configure cd1 "file:$IMG/cd1.iso" hdc:cdrom r
expect_until XENIA-MARK-cd1
[[ $(xs read "/local/domain/0/backend/vbd/$id/5632/params") == "$IMG/cd1.iso" ]] ||
  fail "vbd params do not follow the media"

expect_error 'not connected' xm cd-insert cd1 hdd "$IMG/cd1.iso"
expect_error 'only PV \(virtio\) disks' xm block-attach cd1 "file:$IMG/cd2.iso" hdb w
xm destroy cd1
xe_pass
