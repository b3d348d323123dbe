#!/usr/bin/env bash
# network-bridge with transfer=yes (docs/design/networking.md), no guest
# needed: in a private network namespace the uplink is a veth (xup0) whose
# peer sits in a second namespace ("the outside", 192.168.91.2). xup0 holds
# 192.168.91.1/24, a default route via the outside and a /16 route; xend's
# start enslaves xup0 to xenbr0 and moves the addresses and routes onto the
# bridge, so the host still reaches the outside; a second xend start changes
# nothing; without transfer= the uplink keeps them (second bridge, xup1).
. "$(dirname "$0")/net_lib.sh"
. "$(dirname "$0")/lib.sh"

unshare --net sleep 600 &
XE_PEER_PID=$!
peer() { nsenter --net="/proc/$XE_PEER_PID/ns/net" "$@"; }
trap 'kill $XE_PEER_PID 2>/dev/null' EXIT
xe_wait_until 10 test -e "/proc/$XE_PEER_PID/ns/net"
sleep 0.2
for i in 0 1; do
  ip link add "xup$i" type veth peer name "xpeer$i"
  ip link set "xpeer$i" netns "$XE_PEER_PID"
  ip link set "xup$i" up
  peer ip link set "xpeer$i" up
done
peer ip link set lo up
peer ip addr add 192.168.91.2/24 dev xpeer0
peer ip addr add 192.168.92.2/24 dev xpeer1
ip addr add 192.168.91.1/24 dev xup0
ip route add default via 192.168.91.2 dev xup0 metric 50
ip route add 10.77.0.0/16 via 192.168.91.2 dev xup0
ip addr add 192.168.92.1/24 dev xup1
busybox ping -c 1 -W 5 192.168.91.2 >/dev/null || fail "test premise: the outside is unreachable"

XE_XEND_EXTRA_CONFIG="(network-script 'network-bridge bridge=xenbr0 netdev=xup0 transfer=yes; network-bridge bridge=xenbr1 netdev=xup1')"
xe_start
trap 'kill $XE_PEER_PID 2>/dev/null; xe_cleanup' EXIT

check_moved() {
  ip -o link show xup0 | grep -q "master xenbr0" || fail "xup0 is not a port of xenbr0 ($1)"
  expect_eq "$(ip -o -4 addr show dev xenbr0 | awk '{print $4}')" 192.168.91.1/24 "xenbr0's address ($1)"
  expect_eq "$(ip -o -4 addr show dev xup0)" "" "xup0's addresses ($1)"
  expect_eq "$(ip route show default | sed 's/ *$//')" "default via 192.168.91.2 dev xenbr0 metric 50" \
    "default route ($1)"
  expect_eq "$(ip route show 10.77.0.0/16 | sed 's/ *$//')" "10.77.0.0/16 via 192.168.91.2 dev xenbr0" \
    "/16 route ($1)"
  expect_eq "$(ip route show dev xup0)" "" "routes left on xup0 ($1)"
  busybox ping -c 1 -W 5 192.168.91.2 >/dev/null || fail "the host cannot reach the outside ($1)"
}
check_moved "after xend start"
# Without transfer=: the uplink keeps its address, the bridge gets none.
ip -o link show xup1 | grep -q "master xenbr1" || fail "xup1 is not a port of xenbr1"
expect_eq "$(ip -o -4 addr show dev xup1 | awk '{print $4}')" 192.168.92.1/24 "xup1's address"
expect_eq "$(ip -o -4 addr show dev xenbr1)" "" "xenbr1's addresses"

xe_stop_xend
# As Xen's xend stop, which never ran network-bridge stop: nothing moves back.
check_moved "after xend stop"
xe_start_xend
check_moved "after a second xend start"
grep -c "addr add 192.168.91.1/24" "$XE_TMP/log/xend.log" | grep -qx 1 ||
  fail "the second start moved addresses again: $(grep 'Host network' "$XE_TMP/log/xend.log")"
xe_pass
