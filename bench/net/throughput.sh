#!/usr/bin/env bash
# Guest-to-guest TCP throughput over one bridge, virtio-net against the
# emulated e1000, side by side in the same run: two HVM guests (TCG), each
# with an e1000 (10.53.1.0/24) and a virtio-net NIC (10.53.2.0/24) on xenbr0,
# in a private network namespace. Guest A sends MB megabytes of zeros with
# busybox nc, guest B times the stream from its first to its last byte
# (/proc/uptime), ROUNDS times per model, alternating. Prints MB/s per
# round, medians and the virtio/e1000 ratio.
#
# The guest needs the e1000 driver, which Debian's cloud kernel lacks:
#   XENIA_GUEST_FLAVOUR=amd64 scripts/build-test-guest.sh build/guest-generic
#   bench/net/throughput.sh build/bin build/guest-generic [ROUNDS] [MB]
set -euo pipefail
export XE_BIN=$(cd "${1:?build bin dir}" && pwd)
export XE_GUEST=$(cd "${2:?guest dir (generic kernel)}" && pwd)
ROUNDS=${3:-5}
MB=${4:-32}
here=$(cd "$(dirname "$0")" && pwd)
e2e=$here/../../test/e2e
set -- "$XE_BIN" "$XE_GUEST" "$ROUNDS" "$MB"
. "$e2e/net_lib.sh"
. "$e2e/lib.sh"
XE_XEND_EXTRA_CONFIG="(network-script 'network-bridge bridge=xenbr0')"
xe_start

declare -A pty
for g in a b; do
  n=$([[ $g == a ]] && echo 1 || echo 2)
  xe_create "tp$g" 'builder = "hvm"' 'serial = "pty"' 'vnc = 0' 'nographic = 1' 'memory = 256' \
    "extra = \"console=ttyS0 xenia.name=tp$g panic=0\"" \
    "vif = ['mac=00:16:3e:00:53:1$n,model=e1000,type=ioemu,bridge=xenbr0', 'mac=00:16:3e:00:53:2$n,model=virtio-net,type=ioemu,bridge=xenbr0']"
  pty[$g]=$(xs read "/local/domain/$(xe_domid "tp$g")/console/tty")
done

# serial G LINE REGEX TIMEOUT: types LINE on guest G's serial pty, prints
# the first group of REGEX's first match.
serial() {
  python3 "$XE_TOOLS/serial_cmd.py" "${pty[$1]}" "$2" "$3" "$4"
}
for g in a b; do
  for _ in $(seq 120); do
    serial "$g" 'echo XENIA-PING-$((6*7))' '(XENIA-PING-42)' 3 >/dev/null && break
  done
  n=$([[ $g == a ]] && echo 1 || echo 2)
  # Interfaces by MAC: e1000 -> 10.53.1.n, virtio -> 10.53.2.n.
  out=$(serial "$g" "for i in /sys/class/net/*; do case \$(cat \$i/address) in 00:16:3e:00:53:1$n) ip addr add 10.53.1.$n/24 dev \${i##*/}; ip link set \${i##*/} up;; 00:16:3e:00:53:2$n) ip addr add 10.53.2.$n/24 dev \${i##*/}; ip link set \${i##*/} up;; esac; done; echo SETUP-\$(ip -o -4 addr | grep -c '10\\.53\\.')" \
    'SETUP-([0-9]+)' 20) || fail "tp$g: no answer on its serial port"
  [[ $out == 2 ]] || fail "tp$g: $out of its 2 NICs configured (does the kernel have e1000?)"
done
serial a 'r=no; ping -c 1 -W 5 10.53.1.2 >/dev/null && ping -c 1 -W 5 10.53.2.2 >/dev/null && r=ok; echo REACH-$((6*7))-$r' \
  'REACH-42-([a-z]+)' 30 | grep -qx ok || fail "tpa cannot reach tpb over both NICs"

bytes=$((MB * 1024 * 1024))
# one NET: MB/s of one transfer from tpa to tpb's 10.53.NET.2.
one() {
  local net=$1 r rpid
  # The receiver's answer is read while the sender runs (a pty nobody
  # reads loses what the guest writes).
  # busybox nc quits when its peer half-closes: the receiver's stdin stays
  # open (sleep, killed at the end), so the sender's shutdown at its EOF is
  # the only close.
  serial b "sleep 900 | nc -l -p 5001 | (dd bs=1 count=1 2>/dev/null >/dev/null; a=\$(cut -d' ' -f1 /proc/uptime); n=\$(wc -c); b=\$(cut -d' ' -f1 /proc/uptime); echo XTP \$a \$b \$n; killall sleep)" \
    'XTP ([0-9.]+ [0-9.]+ [0-9]+)' 300 >"$XE_TMP/tp.out" &
  rpid=$!
  sleep 2
  # Retried until tpb's nc listens (a loaded host starts it late).
  serial a "while ! dd if=/dev/zero bs=65536 count=$((bytes / 65536)) 2>/dev/null | nc 10.53.$net.2 5001 >/dev/null; do sleep 1; done &" '' 2
  wait "$rpid" || fail "transfer over 10.53.$net.0/24 did not finish"
  r=$(cat "$XE_TMP/tp.out")
  serial a 'killall nc 2>/dev/null; true' '' 2
  serial b 'killall nc sleep 2>/dev/null; true' '' 2
  sleep 0.5
  python3 -c "
import sys
a, b, n = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]) + 1
if n != $bytes:
    sys.exit(f'received {n} of $bytes bytes')
print(f'{n / 1048576 / (b - a):.2f}')" $r || fail "transfer over 10.53.$net.0/24 incomplete"
}
e1000=() virtio=()
for i in $(seq "$ROUNDS"); do
  e1000+=("$(one 1)")
  virtio+=("$(one 2)")
  printf 'round %d: e1000 %s MB/s, virtio-net %s MB/s\n' "$i" "${e1000[-1]}" "${virtio[-1]}"
done
python3 - "${e1000[*]}" "${virtio[*]}" "$MB" <<'PY'
import statistics, sys
e = [float(x) for x in sys.argv[1].split()]
v = [float(x) for x in sys.argv[2].split()]
print(f"guest-to-guest TCP, {sys.argv[3]} MB per transfer, {len(e)} rounds each (TCG)")
print(f"| NIC | median MB/s | min | max |")
print(f"|---|---|---|---|")
print(f"| e1000 | {statistics.median(e):.2f} | {min(e):.2f} | {max(e):.2f} |")
print(f"| virtio-net | {statistics.median(v):.2f} | {min(v):.2f} | {max(v):.2f} |")
print(f"virtio-net / e1000 (medians): {statistics.median(v) / statistics.median(e):.2f}x")
PY
xm destroy tpa
xm destroy tpb
xe_pass
