#!/usr/bin/env bash
# VNC (docs/design/consoles-vnc.md): vncunused skips a port another process
# listens on, the port is in XenStore, xm list -l, xm vncviewer --print and
# xm vnc-list; a real RFB handshake without and with a password (right and
# wrong answers to the DES challenge); xend-config's keymap reaches QEMU; a
# pinned busy vncdisplay is refused; xm send-keys reaches the guest's
# keyboard; xm create --vncviewer starts the viewer xm vncviewer would;
# vncsnapshot takes a screenshot of an HVM guest's screen.
. "$(dirname "$0")/lib.sh"
XE_XEND_EXTRA_CONFIG="(keymap de)"
xe_start
rfb() { python3 "$XE_TOOLS/rfb.py" "$@"; }

# The lowest TCP port from $1 on that nothing on the host listens on (the
# same bind() probe as xend's, IPv4 and IPv6 wildcards).
free_port() {
  python3 - "$1" <<'PY'
import socket, sys
p = int(sys.argv[1])
while True:
    ok = True
    for fam, addr in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if fam == socket.AF_INET6:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        try:
            s.bind((addr, p))
        except OSError:
            ok = False
        s.close()
    if ok:
        print(p)
        break
    p += 1
PY
}

# Another process occupies the lowest free port (5900 on a quiet host).
busy=$(free_port 5900)
python3 -c "
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', $busy)); s.listen(1); time.sleep(600)" &
LISTENER=$!
trap 'rc=$?; kill $LISTENER 2>/dev/null || true; wait $LISTENER 2>/dev/null || true; (exit $rc); xe_cleanup' EXIT
xe_wait_until 10 python3 -c "import socket; socket.create_connection(('127.0.0.1', $busy), 1)" ||
  fail "the port occupier did not start"
want1=$(free_port "$busy")
xe_log "port $busy occupied; expecting $want1"

xe_create vnc1 "vfb = ['vnc=1']"
id1=$(xe_domid vnc1)
expect_eq "$(xm vncviewer --print vnc1)" "127.0.0.1:$want1" "xm vncviewer --print"
expect_eq "$(xs read "/local/domain/$id1/console/vnc-port")" "$want1" "console/vnc-port"
expect_eq "$(xs read "/local/domain/$id1/console/vnc-listen")" "127.0.0.1" "console/vnc-listen"
xm list -l vnc1 | grep -qF "(location 127.0.0.1:$want1)" ||
  fail "xm list -l vnc1 has no (location 127.0.0.1:$want1)"
out=$(rfb probe 127.0.0.1 "$want1") || fail "no RFB server on $want1: $out"
expect_match "$out" '^RFB 003\.008 security=1$' "RFB handshake without a password"
expect_match "$(rfb auth 127.0.0.1 "$want1" '')" '^auth ok [0-9]+x[0-9]+ ' "RFB ClientInit"
pid1=$(xe_qemu_pid vnc1)
tr '\0' ' ' <"/proc/$pid1/cmdline" | grep -qE -- "-k de( |$)" ||
  fail "xend-config's keymap did not reach QEMU: $(tr '\0' ' ' <"/proc/$pid1/cmdline")"

# A password per domain: the server demands VNC authentication.
want2=$(free_port "$((want1 + 1))")
xe_create vnc2 "vfb = ['vnc=1,vncpasswd=s3cret,keymap=fr']"
expect_eq "$(xm vncviewer --print vnc2)" "127.0.0.1:$want2" "second domain's port"
expect_match "$(rfb probe 127.0.0.1 "$want2")" '^RFB 003\.008 security=2$' "RFB with a password"
out=$(rfb auth 127.0.0.1 "$want2" wrong) && fail "a wrong VNC password was accepted: $out"
expect_match "$out" '^auth failed' "wrong password"
expect_match "$(rfb auth 127.0.0.1 "$want2" s3cret)" '^auth ok ' "right password"
tr '\0' ' ' <"/proc/$(xe_qemu_pid vnc2)/cmdline" | grep -qE -- "-k fr( |$)" ||
  fail "the domain's keymap did not win over xend-config's"
! tr '\0' ' ' <"/proc/$(xe_qemu_pid vnc2)/cmdline" | grep -q s3cret ||
  fail "the VNC password is on QEMU's command line"

# xm vnc-list: every domain with its address.
list=$(xm vnc-list)
grep -qE "^vnc1 +$id1 +:$((want1 - 5900)) +127\.0\.0\.1:$want1 +none$" <<<"$list" ||
  fail "xm vnc-list has no row for vnc1: $list"
grep -qE "^vnc2 +[0-9]+ +:$((want2 - 5900)) +127\.0\.0\.1:$want2 +vnc$" <<<"$list" ||
  fail "xm vnc-list has no row for vnc2: $list"
# xm vncviewer runs $VNCVIEWER with host::port.
expect_eq "$(VNCVIEWER=echo xm vncviewer vnc1)" "127.0.0.1::$want1" "viewer's argument"

# xm create --vncviewer [--vncviewer-autopass]: the viewer xm vncviewer
# would run, left running in the background (Xen's daemonize).
cat >"$XE_TMP/fakeviewer" <<SH
#!/bin/sh
# Records its arguments and its stdin, in one step.
{ echo "args: \$*"; echo "stdin: \$(cat)"; } >"\$XE_VIEWER_OUT.tmp"
mv "\$XE_VIEWER_OUT.tmp" "\$XE_VIEWER_OUT"
SH
chmod +x "$XE_TMP/fakeviewer"
export VNCVIEWER=$XE_TMP/fakeviewer XE_VIEWER_OUT=$XE_TMP/viewer5.out
xe_create vnc5 "vfb = ['vnc=1,vncpasswd=pw5']" -- --vncviewer --vncviewer-autopass
xe_wait_until 20 test -s "$XE_VIEWER_OUT" || fail "xm create --vncviewer started no viewer"
addr5=$(xm vncviewer --print vnc5)
expect_eq "$(cat "$XE_VIEWER_OUT")" "args: ${addr5%:*}::${addr5##*:} -autopass
stdin: pw5" "viewer of xm create --vncviewer --vncviewer-autopass"
XE_VIEWER_OUT=$XE_TMP/viewer6.out
xe_create vnc6 "vfb = ['vnc=1,vncpasswd=pw6']" -- --vncviewer
xe_wait_until 20 test -s "$XE_VIEWER_OUT" || fail "xm create --vncviewer started no viewer"
addr6=$(xm vncviewer --print vnc6)
expect_eq "$(cat "$XE_VIEWER_OUT")" "args: ${addr6%:*}::${addr6##*:}
stdin: " "viewer of xm create --vncviewer (no password passed)"
# A viewer that cannot run: xm fails and says why; the domain runs.
VNCVIEWER=$XE_TMP/no-such-viewer expect_error "Cannot run $XE_TMP/no-such-viewer: No such file" \
  xm create --vncviewer "$(xe_cfg vnc7 "vfb = ['vnc=1']")"
xe_exists vnc7 || fail "vnc7 is gone after its viewer failed"
unset VNCVIEWER XE_VIEWER_OUT
for d in vnc5 vnc6 vnc7; do xm destroy "$d"; done

# A pinned display that is busy is refused, and nothing is left of the attempt.
expect_error "VNC display $((busy - 5900)) \(port $busy\) is in use" \
  xm create "$(xe_cfg vnc3 "vfb = ['vnc=1,vncdisplay=$((busy - 5900))']")"
xe_gone vnc3 || fail "vnc3 exists after a refused create"

# xm send-keys: QMP send-key reaches the guest's keyboard controller.
xe_wait_ready vnc1
# The guest's keyboard interrupts (IRQ 1, i8042) so far.
kbd_irqs() {
  xe_py guest "$XEND_SOCKET" vnc1 "grep -m1 i8042 /proc/interrupts | tr -s ' ' | cut -d' ' -f3 | sed 's/^/KBD-/'" 'KBD-[0-9]+' 10 |
    sed 's/KBD-//'
}
before=$(kbd_irqs) || fail "no i8042 line in the guest's /proc/interrupts"
xm send-keys vnc1 ctrl-alt-f2 shift-a || fail "xm send-keys failed"
irqs_grew() { local n; n=$(kbd_irqs) && ((n > before)); }
xe_wait_until 20 irqs_grew ||
  fail "the guest's keyboard saw no interrupt after xm send-keys (before: $before)"
expect_error "Unknown key 'foo' in 'ctrl-foo'" xm send-keys vnc1 ctrl-foo

# A screenshot of an HVM guest's screen (SeaBIOS, no disk), when
# Debian's vncsnapshot is installed.
if command -v vncsnapshot >/dev/null; then
  cat >"$XE_TMP/cfg/hvm1.cfg" <<CFG
name = "hvm1"
builder = "hvm"
memory = 64
vnc = 1
vncpasswd = "pw"
boot = "c"
CFG
  xm create "$XE_TMP/cfg/hvm1.cfg" >/dev/null || fail "xm create hvm1 failed"
  addr=$(xm vncviewer --print hvm1)
  rfb passwdfile pw "$XE_TMP/vncpw"
  sleep 3  # SeaBIOS draws its first screen
  timeout 60 vncsnapshot -quiet -passwd "$XE_TMP/vncpw" "${addr%:*}:$((${addr##*:} - 5900))" \
    "$XE_TMP/shot.jpg" >"$XE_TMP/snap.log" 2>&1 || fail "vncsnapshot failed: $(cat "$XE_TMP/snap.log")"
  python3 - "$XE_TMP/shot.jpg" <<'PY' || fail "vncsnapshot wrote no valid JPEG"
import struct, sys
d = open(sys.argv[1], "rb").read()
assert d[:2] == b"\xff\xd8" and d[-2:] == b"\xff\xd9", "no JPEG markers"
i = 2
while i < len(d):  # find the frame header for the dimensions
    marker, length = d[i + 1], struct.unpack(">H", d[i + 2:i + 4])[0]
    if marker in (0xC0, 0xC1, 0xC2):
        h, w = struct.unpack(">HH", d[i + 5:i + 9])
        assert w >= 320 and h >= 200, (w, h)
        print(f"screenshot {w}x{h}")
        break
    i += 2 + length
else:
    raise SystemExit("no frame header")
PY
else
  xe_log "vncsnapshot not installed: no screenshot"
fi
xe_pass
