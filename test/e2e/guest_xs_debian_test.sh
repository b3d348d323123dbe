#!/usr/bin/env bash
# Debian's own xenstore-utils inside a guest: libxenstore's xs_open() takes
# XENSTORED_PATH, finds no socket there and opens the path as a device, so
# pointed at the virtio-serial port org.xenproject.xenstore it speaks the wire
# protocol to our xenstored as on a Xen guest's /dev/xen/xenbus. The guest
# boots the variant initramfs of scripts/build-guest-xsutils.sh (the tools
# under /opt/debian-xs); it reads and writes its own area, lists it, watches
# a node domain 0 writes, removes a node, and is refused Domain-0's nodes.
. "$(dirname "$0")/lib.sh"
xe_requirements
VARIANT=$XE_GUEST/initrd-xsutils.gz
bash "$(dirname "$0")/../../scripts/build-guest-xsutils.sh" "$XE_GUEST" >/dev/null ||
  xe_skip "Debian's xenstore-utils cannot be fetched or found on this host"
xe_start

xe_create gxd1 "ramdisk = \"$VARIANT\""
xe_wait_ready gxd1
id=$(xe_domid gxd1)
# gsh COMMAND: runs COMMAND in the guest; prints "<output>|<exit status>"
# (output lines joined by blanks). g TOOL ARGS: Debian's TOOL with
# XENSTORED_PATH at the port.
gsh() {
  xe_guest gxd1 "o=\$($1 2>&1); r=\$?; echo G:\$o'|RC='\$r" 'G:[^\r\n]*\|RC=[0-9]+' 60 |
    sed -E 's/^G://; s/\|RC=/|/'
}
D='env XENSTORED_PATH=/dev/virtio-ports/org.xenproject.xenstore /opt/debian-xs/bin/'
g() { gsh "$D$1"; }
# The tools are Debian's (dynamically linked against libxenstore), not ours.
expect_eq "$(gsh 'ls /opt/debian-xs/bin/xenstore; ls /lib/x86_64-linux-gnu/libxenstore.so.4')" \
  "/opt/debian-xs/bin/xenstore /lib/x86_64-linux-gnu/libxenstore.so.4|0" \
  "Debian's tools in the variant initramfs"

# Reading its own nodes, relative and absolute.
expect_eq "$(g 'xenstore-read domid')" "$id|0" "relative read of domid"
expect_eq "$(g "xenstore-read /local/domain/$id/name")" "gxd1|0" "absolute read of name"
# Writing its data/ area; domain 0 sees it, and the other way round.
expect_eq "$(g 'xenstore-write data/debian hello-from-libxenstore')" "|0" "write data/"
expect_eq "$(xs read "/local/domain/$id/data/debian")" "hello-from-libxenstore" "dom0 reads it"
xs write "/local/domain/$id/data/from-dom0" "hi-debian"
expect_eq "$(g 'xenstore-read data/from-dom0')" "hi-debian|0" "guest reads dom0's write"
expect_match "$(g 'xenstore-ls data')" 'from-dom0 = "hi-debian"' "xenstore-ls data"
expect_eq "$(g 'xenstore-rm data/debian')" "|0" "rm"
! xs exists "/local/domain/$id/data/debian" || fail "the guest's rm did not remove the node"

# Permission denials reach libxenstore as errors (EACCES), exit status 1.
expect_match "$(g 'xenstore-read /local/domain/0/name')" '\|1$' "reading Domain-0's name"
expect_match "$(g 'xenstore-write name evil')" '\|1$' "renaming itself"
expect_eq "$(xs read "/local/domain/$id/name")" gxd1 "name after the refused write"

# A watch: libxenstore's reader thread gets the initial firing and domain 0's
# write. The port has one opener at a time, so the write comes from domain 0.
xe_guest_send gxd1 "$D"'xenstore-watch -n 2 data/w >/tmp/w.out 2>&1 &'
watch_lines() {
  xe_py guest "$XEND_SOCKET" gxd1 'wc -l </tmp/w.out | sed s/^/WL-/' "WL-$1" 10 >/dev/null
}
xe_wait_until 30 watch_lines '[1-9]' || fail "the guest's watch did not register"
xs write "/local/domain/$id/data/w" fired
xe_wait_until 30 watch_lines 2 ||
  fail "the guest's watch did not fire: $(gsh 'cat /tmp/w.out')"
expect_eq "$(gsh 'cat /tmp/w.out')" "data/w data/w|0" "watch events in the guest"
# The port is free again once xenstore-watch exited. (Its watch stays
# registered on the port's one session: a later change of data/w would send
# an event that the next libxenstore tool takes for its reply and fails on;
# see docs/design/disks.md "Debian's libxenstore in a guest".)
expect_eq "$(g 'xenstore-read data/from-dom0')" "hi-debian|0" "read after the watch ended"

xm destroy gxd1
xe_pass
