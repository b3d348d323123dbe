#!/usr/bin/env bash
# Checks the systemd units: each .service.in, with its binary directory set to
# the build's bin/, must pass `systemd-analyze verify` without one message
# (unknown keys are only warnings there, so any output fails), name binaries
# that exist, and keep the properties guests rely on (xend: KillMode=process,
# ordered after and requiring xenstored; both forking with a pid file).
# Without systemd-analyze a plain INI check runs instead.
#
#   verify.sh UNIT_DIR BIN_DIR
set -euo pipefail
units=$1 bin=$2
tmp=$(mktemp -d /tmp/xe-unit.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail=0
err() { echo "FAIL: $*"; fail=1; }

for in in "$units"/*.service.in; do
  name=$(basename "$in" .in)
  sed "s|@XENIA_SBINDIR@|$bin|g" "$in" >"$tmp/$name"
  grep -q '@[A-Z_]*@' "$tmp/$name" && err "$name: unsubstituted @VAR@"
  # INI shape: [Unit]/[Service]/[Install] sections, Key=Value lines.
  section=
  while IFS= read -r line; do
    case $line in
      '' | '#'*) ;;
      '[Unit]' | '[Service]' | '[Install]') section=$line ;;
      '['*) err "$name: unexpected section $line" ;;
      [A-Z]*=*) [[ -n $section ]] || err "$name: key outside a section: $line" ;;
      *) err "$name: not Key=Value: $line" ;;
    esac
  done <"$tmp/$name"
  exe=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$tmp/$name")
  [[ -x $exe ]] || err "$name: ExecStart binary $exe is missing"
done

prop() { grep -qx "$2" "$tmp/$1" || err "$1: expected line '$2'"; }
prop xend.service 'KillMode=process'
prop xend.service 'Requires=xenstored.service'
grep -q '^After=.*xenstored.service' "$tmp/xend.service" || err "xend.service: not After=xenstored"
prop xenstored.service 'Type=forking'
prop xend.service 'Type=forking'
grep -q -- '--pid-file /run/xend/xend.pid' "$tmp/xend.service" ||
  err "xend.service: ExecStart does not write the PIDFile"
grep -q '^PIDFile=/run/xenstored.pid' "$tmp/xenstored.service" || err "xenstored: no PIDFile"
grep -q -- '--pid-file /run/xenstored.pid' "$tmp/xenstored.service" ||
  err "xenstored.service: ExecStart does not write the PIDFile"

if command -v systemd-analyze >/dev/null; then
  out=$(cd "$tmp" && systemd-analyze verify ./*.service 2>&1) || err "systemd-analyze failed"
  [[ -z $out ]] || err "systemd-analyze verify: $out"
else
  echo "systemd-analyze not installed: INI check only"
fi
((fail == 0)) && echo "units OK: $(cd "$tmp" && echo *.service)"
exit $fail
