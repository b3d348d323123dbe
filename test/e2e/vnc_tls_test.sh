#!/usr/bin/env bash
# VNC over TLS (docs/design/consoles-vnc.md): xend-config's (vnc-tls 1),
# (vnc-x509-cert-dir DIR), (vnc-x509-verify 1). A missing or incomplete
# directory refuses the create with an error naming the key and the path and
# leaves nothing; with the certificates the RFB server offers only VeNCrypt,
# a client trusting the CA completes the TLS handshake (and VNC
# authentication inside it), a client trusting another CA does not; with
# vnc-x509-verify a client needs a certificate signed by the CA.
. "$(dirname "$0")/lib.sh"
command -v openssl >/dev/null || xe_skip "openssl not installed"
pki=/tmp/xe-pki.$$  # xe_start makes XE_TMP; the config must name the dir first
XE_XEND_EXTRA_CONFIG="(vnc-tls 1)
(vnc-x509-cert-dir $pki)"
xe_start
trap 'rc=$?; rm -rf "$pki"; (exit $rc); xe_cleanup' EXIT
rfb() { python3 "$XE_TOOLS/rfb.py" "$@"; }

# A domain with VNC is refused while the directory is missing or incomplete.
expect_error "vnc-x509-cert-dir '$pki' does not exist" \
  xm create "$(xe_cfg tls0 "vfb = ['vnc=1']")"
xe_gone tls0 || fail "tls0 exists after a refused create"
mkdir -p "$pki"
ca() {  # ca DIR NAME: a self-signed CA
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$2" \
    -keyout "$1/ca-key.pem" -out "$1/ca-cert.pem" 2>/dev/null
}
issue() {  # issue DIR CA-DIR PREFIX EXTENDED-KEY-USAGE
  printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=%s\nsubjectAltName=IP:127.0.0.1\n' \
    "$4" >"$1/$3.ext"
  openssl req -newkey rsa:2048 -nodes -subj "/CN=xenia-$3" -keyout "$1/$3-key.pem" \
    -out "$1/$3.csr" 2>/dev/null
  openssl x509 -req -in "$1/$3.csr" -CA "$2/ca-cert.pem" -CAkey "$2/ca-key.pem" \
    -CAcreateserial -days 2 -extfile "$1/$3.ext" -out "$1/$3-cert.pem" 2>/dev/null
}
ca "$pki" "Xenia test CA"
expect_error "vnc-x509-cert-dir '$pki' lacks server-cert.pem, server-key.pem" \
  xm create "$(xe_cfg tls0 "vfb = ['vnc=1']")"
xe_gone tls0 || fail "tls0 exists after a refused create"
[[ -z $(ls -A "$XE_TMP/run/domains" 2>/dev/null) ]] || fail "a run dir is left: $(ls "$XE_TMP/run/domains")"
issue "$pki" "$pki" server serverAuth
issue "$pki" "$pki" client clientAuth
mkdir -p "$XE_TMP/other"
ca "$XE_TMP/other" "Another CA"
issue "$XE_TMP/other" "$XE_TMP/other" client clientAuth

# TLS without a password, and TLS with one (VNC authentication inside it).
xe_create tls1 "vfb = ['vnc=1']"
addr=$(xm vncviewer --print tls1)
port=${addr##*:}
tr '\0' ' ' <"/proc/$(xe_qemu_pid tls1)/cmdline" |
  grep -qE -- "-object tls-creds-x509,id=vnctls0,dir=$pki,endpoint=server,verify-peer=off " ||
  fail "no tls-creds-x509 object on QEMU's command line"
expect_match "$(rfb probe 127.0.0.1 "$port")" '^RFB 003\.008 security=19$' "RFB with TLS"
expect_match "$(rfb vencrypt 127.0.0.1 "$port" "$pki/ca-cert.pem")" \
  '^tls ok subtypes=260 [0-9]+x[0-9]+ ' "TLS handshake trusting the CA"
out=$(rfb vencrypt 127.0.0.1 "$port" "$XE_TMP/other/ca-cert.pem") &&
  fail "the server's certificate passed with another CA: $out"
expect_match "$out" '^tls failed: .*certificate verify failed' "TLS trusting another CA"

xe_create tls2 "vfb = ['vnc=1,vncpasswd=tlspw']"
port2=$(xm vncviewer --print tls2); port2=${port2##*:}
expect_match "$(rfb vencrypt 127.0.0.1 "$port2" "$pki/ca-cert.pem" tlspw)" \
  '^tls ok subtypes=261 ' "TLS and the right VNC password"
out=$(rfb vencrypt 127.0.0.1 "$port2" "$pki/ca-cert.pem" wrong) &&
  fail "a wrong password passed inside TLS: $out"
expect_match "$out" '^tls failed' "TLS and a wrong VNC password"
expect_match "$(xm vnc-list tls2)" "tls2 .* vnc\\+tls$" "xm vnc-list's Auth with TLS"

# vnc-x509-verify: xend restarted with it (the running domains stay as they
# were); a new domain's server wants a client certificate from the CA.
xe_stop_xend
XE_XEND_EXTRA_CONFIG="(vnc-tls 1)
(vnc-x509-cert-dir $pki)
(vnc-x509-verify 1)"
xe_write_xend_config
xe_start_xend
xe_create tls3 "vfb = ['vnc=1']"
port3=$(xm vncviewer --print tls3); port3=${port3##*:}
expect_match "$(rfb vencrypt 127.0.0.1 "$port3" "$pki/ca-cert.pem" '' \
  "$pki/client-cert.pem" "$pki/client-key.pem")" '^tls ok subtypes=260 ' "client certificate from the CA"
out=$(rfb vencrypt 127.0.0.1 "$port3" "$pki/ca-cert.pem") &&
  fail "a client without a certificate passed vnc-x509-verify: $out"
out=$(rfb vencrypt 127.0.0.1 "$port3" "$pki/ca-cert.pem" '' \
  "$XE_TMP/other/client-cert.pem" "$XE_TMP/other/client-key.pem") &&
  fail "a client certificate from another CA passed vnc-x509-verify: $out"
# The domain started before the restart still serves its clients as before.
expect_match "$(rfb vencrypt 127.0.0.1 "$port" "$pki/ca-cert.pem")" '^tls ok ' "tls1 after the restart"
xe_pass
