#!/usr/bin/env bash
# Guest access to XenStore (docs/design/consoles-vnc.md): the guest's own
# static xenstore-* tools over the virtio-serial port org.xenproject.xenstore
# read, write and watch its /local/domain/<id> (relative paths included);
# several tools run at once (one port each); Xen's permissions hold (no
# reading Domain-0's or another guest's nodes, no writing outside what the
# toolstack granted); the vnc-advertiser/vncwatch
# flow of ../shared/seeds/001: the guest writes /tool/vncwatch/<domid>, a
# watcher in domain 0 fires and reads the value.
. "$(dirname "$0")/lib.sh"
xe_start

xe_create gxs1
xe_create gxs2
xe_wait_ready gxs1
xe_wait_ready gxs2
id1=$(xe_domid gxs1)
id2=$(xe_domid gxs2)
# g DOM COMMAND: runs COMMAND in the guest; prints "<output>|<exit status>"
# (output lines joined by blanks).
g() {
  xe_guest "$1" "o=\$($2 2>&1); r=\$?; echo G:\$o'|RC='\$r" 'G:[^\r\n]*\|RC=[0-9]+' 60 |
    sed -E 's/^G://; s/\|RC=/|/'
}
xe_guest gxs1 'echo TOOLS-$(command -v xenstore-read || echo none)' 'TOOLS-(/|none)[^\r\n]*' |
  grep -q /bin/ || fail "the test guest has no xenstore tools (xenia-guest-xs not built?)"

# Reading: absolute and relative paths, the guest's own nodes.
expect_eq "$(g gxs1 'xenstore-read domid')" "$id1|0" "relative read of domid"
expect_eq "$(g gxs1 "xenstore-read /local/domain/$id1/name")" "gxs1|0" "absolute read of name"
# Writing its data/ area; domain 0 sees it, and the other way round.
expect_eq "$(g gxs1 'xenstore-write data/greeting hello-from-guest')" "|0" "write data/"
expect_eq "$(xs read "/local/domain/$id1/data/greeting")" "hello-from-guest" "dom0 reads it"
xs write "/local/domain/$id1/data/from-dom0" "hi-guest"
expect_eq "$(g gxs1 'xenstore-read data/from-dom0')" "hi-guest|0" "guest reads dom0's write"
ls=$(g gxs1 'xenstore-ls data')
expect_match "$ls" 'from-dom0 = "hi-guest"' "xenstore-ls data"
expect_eq "$(g gxs1 'xenstore-rm data/greeting')" "|0" "rm"
! xs exists "/local/domain/$id1/data/greeting" || fail "the guest's rm did not remove the node"

# Permission denials, as on Xen.
expect_match "$(g gxs1 'xenstore-read /local/domain/0/name')" '\|1$' \
  "reading Domain-0's name"
expect_match "$(g gxs1 "xenstore-read /local/domain/$id2/name")" '\|1$' \
  "reading another guest's name"
expect_match "$(g gxs1 "xenstore-ls /local/domain/$id2")" '\|1$' "listing another guest"
expect_match "$(g gxs1 "xenstore-write /local/domain/$id2/data/x evil")" '\|1$' \
  "writing another guest's data"
expect_match "$(g gxs1 'xenstore-write name evil')" '\|1$' "renaming itself"
expect_eq "$(xs read "/local/domain/$id1/name")" gxs1 "name after the refused write"
expect_match "$(g gxs1 'xenstore-write /tool/evil x')" '\|1$' "writing /tool"
expect_match "$(g gxs1 "xenstore-write /tool/vncwatch/$id2 x")" '\|1$' \
  "writing another guest's vncwatch node"

# A watch inside the guest fires when domain 0 writes (first event: the
# watch's own initial firing).
xe_guest_send gxs1 'xenstore-watch -n 2 data/w >/tmp/w.out 2>&1 &'
# watch_lines REGEX: the number of lines the guest's watch wrote matches.
watch_lines() {
  xe_py guest "$XEND_SOCKET" gxs1 'wc -l </tmp/w.out | sed s/^/WL-/' "WL-$1" 10 >/dev/null
}
xe_wait_until 30 watch_lines '[1-9]' ||
  fail "the guest's watch did not register"
# The watch holds one port; other tools take the next ones (xend gives four).
expect_eq "$(g gxs1 'xenstore-read domid')" "$id1|0" "a read while the watch runs"
xe_guest_send gxs1 'xenstore-watch -n 2 data/w2 >/tmp/w2.out 2>&1 &'
w2_registered() {
  xe_py guest "$XEND_SOCKET" gxs1 'wc -l </tmp/w2.out | sed s/^/W2-/' 'W2-[1-9]' 10 >/dev/null
}
xe_wait_until 30 w2_registered || fail "a second watch did not register beside the first"
expect_eq "$(g gxs1 'xenstore-write data/w3 x && xenstore-read data/w3')" "x|0" \
  "a write and a read while two watches run"
xs write "/local/domain/$id1/data/w2" done  # the second watch's last event
xs write "/local/domain/$id1/data/w" fired
xe_wait_until 30 watch_lines 2 ||
  fail "the guest's watch did not fire: $(g gxs1 'cat /tmp/w.out')"
expect_eq "$(g gxs1 'cat /tmp/w.out')" "data/w data/w|0" "watch events in the guest"
# The port is free again and a stale session does not confuse the next tool.
expect_eq "$(g gxs1 'xenstore-read data/w')" "fired|0" "read after the watch ended"

# vncwatch: a watcher in domain 0 (as the seed's vncwatch.py) and the guest's
# vnc-advertiser write.
(
  "$XE_BIN/xenstore-watch" /tool/vncwatch | while read -r path; do
    [[ $path == /tool/vncwatch/* ]] || continue
    v=$("$XE_BIN/xenstore-read" "$path" 2>/dev/null) || continue
    [[ -n $v ]] && { echo "$path $v" >"$XE_TMP/vncwatch.out"; break; }
  done
) &
WATCHER=$!
# The watcher's xenstore-watch outlives its loop; stop both, then clean up.
stop_watcher() { pkill -P "$WATCHER" 2>/dev/null || true; kill "$WATCHER" 2>/dev/null || true; }
trap 'rc=$?; stop_watcher; set +e; (exit $rc); xe_cleanup' EXIT
sleep 1
expect_eq "$(g gxs2 'xenstore-write /tool/vncwatch/$(xenstore-read domid) 10.0.0.2:1')" "|0" \
  "the guest's vnc-advertiser write"
xe_wait_until 30 test -s "$XE_TMP/vncwatch.out" || fail "the domain-0 watcher never fired"
expect_eq "$(cat "$XE_TMP/vncwatch.out")" "/tool/vncwatch/$id2 10.0.0.2:1" "what the watcher read"
stop_watcher
wait "$WATCHER" 2>/dev/null || true
xm destroy gxs2
! xs exists "/tool/vncwatch/$id2" || fail "/tool/vncwatch/$id2 left after destroy"
xe_pass
