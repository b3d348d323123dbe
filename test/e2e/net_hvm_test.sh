#!/usr/bin/env bash
# Emulated NICs hotplugged into a running HVM guest (xm network-attach
# model=<m> type=ioemu), inside a private network namespace: the host side is
# a port of xenbr0, the guest sees the PCI device with the vif's MAC, the NIC
# carries traffic (the guest pings the host), and network-detach removes it
# from the guest and the host. model=e1000 carries traffic when the guest
# kernel has its driver (Debian's generic kernel: XENIA_GUEST_FLAVOUR=amd64
# scripts/build-test-guest.sh); the default test guest's cloud kernel has no
# e1000 driver, so there the e1000's PCI device (8086:100e) is checked and
# model=vmxnet3 (the one emulated NIC the cloud kernel drives) carries the
# traffic. The guest's shell is on its serial pty.
. "$(dirname "$0")/net_lib.sh"
. "$(dirname "$0")/lib.sh"
XE_XEND_EXTRA_CONFIG="(network-script 'network-bridge bridge=xenbr0')"
xe_start
ip addr add 10.52.0.1/24 dev xenbr0

xe_create h1 'builder = "hvm"' 'serial = "pty"' 'vnc = 0' 'nographic = 1' \
  "extra = \"console=ttyS0 xenia.name=h1 panic=0\""
id=$(xe_domid h1)
pty=$(xs read "/local/domain/$id/console/tty") || fail "no console/tty for the HVM guest"

# serial_cmd LINE REGEX TIMEOUT: types LINE on the guest's serial pty and
# prints the first group of REGEX's first match.
serial_cmd() {
  python3 "$XE_TOOLS/serial_cmd.py" "$pty" "$1" "$2" "$3"
}
for _ in $(seq 60); do
  serial_cmd 'echo XENIA-PING-$((6*7))' '(XENIA-PING-42)' 3 >/dev/null && break
done
serial_cmd 'echo XENIA-PING-$((6*7))' '(XENIA-PING-42)' 5 >/dev/null || fail "no shell on h1's serial port"

# Answers are marked T<random>-42-...: the typed line says $((6*7)), so the
# terminal's echo of the command never matches.
# ifname_of MAC: the guest's interface with that MAC ("none" if none yet).
ifname_of() {
  local n=T$RANDOM$RANDOM
  serial_cmd "r=none; for i in /sys/class/net/*; do [ \"\$(cat \$i/address)\" = $1 ] && r=\${i##*/}; done; echo $n-\$((6*7))-\$r" \
    "$n-42-([a-z0-9]+)" 10
}
# has_pci VENDOR:DEVICE: whether the guest's PCI bus has such a device.
has_pci() {
  local n=T$RANDOM$RANDOM
  serial_cmd "r=no; for f in \$(grep -l 0x${2} /sys/bus/pci/devices/*/device); do grep -q 0x${1} \${f%/device}/vendor && r=yes; done; echo $n-\$((6*7))-\$r" \
    "$n-42-([a-z]+)" 10
}
# nic_traffic MODEL MAC ADDR: hotplugs the NIC, pings the host over it,
# detaches it; the tap follows on the host.
nic_traffic() {
  local model=$1 mac=$2 addr=$3 devid ifn n=T$RANDOM$RANDOM
  xm network-attach h1 "mac=$mac" "model=$model" type=ioemu bridge=xenbr0 ||
    fail "network-attach model=$model failed"
  devid=$(xm network-list h1 | awk -v m="$mac" '$3 == m {print $1}')
  [[ -n $devid ]] || fail "network-list lacks the $model vif"
  ip -o link show "vif$id.$devid" | grep -q "master xenbr0" || fail "vif$id.$devid not on xenbr0"
  ifn=none
  for _ in $(seq 50); do
    ifn=$(ifname_of "$mac") || true
    [[ $ifn != none && -n $ifn ]] && break
    sleep 0.5
  done
  [[ $ifn != none && -n $ifn ]] || fail "no interface with $mac in the guest ($model)"
  serial_cmd "ip link set $ifn up; ip addr add $addr/24 dev $ifn; r=lost; ping -c 2 -W 5 10.52.0.1 >/dev/null && r=ok; echo $n-\$((6*7))-\$r" \
    "$n-42-([a-z]+)" 40 | grep -qx ok || fail "h1 cannot ping the host over its $model NIC"
  busybox ping -c 2 -W 5 "$addr" >/dev/null || fail "the host cannot ping h1's $model NIC"
  xm network-detach h1 "$mac" || fail "network-detach of the $model NIC failed"
  xe_wait_link "vif$id.$devid" gone || fail "vif$id.$devid left after detach"
  expect_eq "$(ifname_of "$mac")" none "$model interface in the guest after detach"
}

if [[ $(has_pci 8086 100e) == yes ]]; then
  fail "test premise: h1 has an e1000 before any attach"
fi
e1000_driver=$(serial_cmd "r=no; [ -d /sys/bus/pci/drivers/e1000 ] && r=yes; echo E1K-\$((6*7))-\$r" 'E1K-42-([a-z]+)' 10)
if [[ $e1000_driver == yes ]]; then
  nic_traffic e1000 00:16:3e:00:52:01 10.52.0.11
else
  xe_log "the guest kernel has no e1000 driver: checking its PCI device, traffic over vmxnet3"
  xm network-attach h1 mac=00:16:3e:00:52:01 model=e1000 type=ioemu bridge=xenbr0 ||
    fail "network-attach model=e1000 failed"
  found=no
  for _ in $(seq 30); do
    found=$(has_pci 8086 100e) || true
    [[ $found == yes ]] && break
    sleep 0.5
  done
  expect_eq "$found" yes "e1000 PCI device (8086:100e) in the guest after network-attach"
  xm network-detach h1 00:16:3e:00:52:01 || fail "network-detach of the e1000 failed"
  expect_eq "$(has_pci 8086 100e)" no "e1000 PCI device after network-detach"
  nic_traffic vmxnet3 00:16:3e:00:52:02 10.52.0.12
fi

xm destroy h1
expect_no_net_leftovers "after destroy"
xe_pass
