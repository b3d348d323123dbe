#!/bin/bash
# Xen's classic path, for comparison: what tools/hotplug/Linux/vif-bridge
# (+ vif-common.sh, xen-network-common.sh) does for one vif, as a shell
# script running ip/nft/tc: a tap (QEMU's would exist already), fe:ff:.. MAC,
# bridge port, up, anti-spoofing (Xen used iptables; nft here), tc tbf.
# Usage: vif-bridge-style.sh online|offline VIF MAC IP
set -e
action=$1 vif=$2 mac=$3 ip=$4
table=bench_${vif//./_}
case $action in
  online)
    ip tuntap add "$vif" mode tap
    ip link set "$vif" address fe:ff:ff:ff:ff:ff
    ip link set "$vif" master xenbr0
    ip link set "$vif" up
    nft -f - <<EOF2
table netdev $table {
  chain ingress {
    type filter hook ingress device "$vif" priority 0; policy accept;
    ether saddr != $mac drop
    ether type ip ip saddr != { 0.0.0.0, $ip } drop
    limit rate over 10000000 bytes/second burst 200000 bytes drop
  }
}
EOF2
    tc qdisc replace dev "$vif" root tbf rate 80000000bit burst 200000 latency 100ms
    ;;
  offline)
    nft delete table netdev "$table" || true
    ip link del "$vif" || true
    ;;
esac
