#!/usr/bin/env bash
# Bridged vifs (docs/design/networking.md), inside a private network
# namespace: xend creates xenbr0 from network-script; two guests on it ping
# each other and the host; taps are vif<domid>.<devid> with XenStore vif
# nodes; ip= anti-spoofing drops a spoofed source; a duplicate MAC is
# refused; network-attach hotplugs a NIC that carries traffic and
# network-detach removes it in the guest and on the host; xm info lists the
# vifs; a managed domain keeps its generated MACs and its attached vifs
# across xm shutdown/start and an xend restart; destroy, and a
# kill -9 of xend and QEMU followed by a restart, leave no tap or table.
. "$(dirname "$0")/net_lib.sh"
. "$(dirname "$0")/lib.sh"
XE_XEND_EXTRA_CONFIG="(network-script 'network-bridge bridge=xenbr0')"
xe_start
ip link show xenbr0 >/dev/null 2>&1 || fail "xend did not create xenbr0"
ip addr add 10.50.0.1/24 dev xenbr0

xe_create n1 "vif = ['mac=00:16:3e:00:50:01,ip=10.50.0.11']"
xe_create n2 "vif = ['mac=00:16:3e:00:50:02,rate=50MB/s']"
xe_wait_ready n1
xe_wait_ready n2
id1=$(xe_domid n1)
id2=$(xe_domid n2)
for t in "vif$id1.0" "vif$id2.0"; do
  ip -o link show "$t" | grep "master xenbr0" >/dev/null || fail "$t is not a port of xenbr0"
done
expect_eq "$(xs read "/local/domain/0/backend/vif/$id1/0/mac")" 00:16:3e:00:50:01 "backend mac"
expect_eq "$(xs read "/local/domain/$id1/device/vif/0/mac")" 00:16:3e:00:50:01 "frontend mac"
nft list table netdev "xenia_v${id1}_0" | grep 'ip saddr != { 0.0.0.0, 10.50.0.11 } drop' >/dev/null ||
  fail "no anti-spoofing rule for n1"
tc qdisc show dev "vif$id2.0" | grep "tbf" >/dev/null || fail "no tbf qdisc on vif$id2.0 (rate=)"

xe_guest n1 'ip link set eth0 up; ip addr add 10.50.0.11/24 dev eth0; echo NET-$((1+1))UP' 'NET-2UP' >/dev/null
xe_guest n2 'ip link set eth0 up; ip addr add 10.50.0.12/24 dev eth0; echo NET-$((1+1))UP' 'NET-2UP' >/dev/null
xe_guest n1 'ping -c 2 -W 5 10.50.0.12 >/dev/null && echo PING-$((40+2))' 'PING-42' 40 >/dev/null
xe_guest n2 'ping -c 2 -W 5 10.50.0.1 >/dev/null && echo PING-$((40+2))' 'PING-42' 40 >/dev/null
busybox ping -c 2 -W 5 10.50.0.11 >/dev/null || fail "the host cannot ping n1"

# ip=: a source address other than 10.50.0.11 never leaves n1's tap.
out=$(xe_guest n1 'ip addr add 10.50.0.99/24 dev eth0; ping -c 2 -W 2 -I 10.50.0.99 10.50.0.1 >/dev/null && echo SPOOF-$((1+1))PASSED || echo SPOOF-$((1+1))DROPPED' 'SPOOF-2[A-Z]+' 40)
expect_eq "$out" SPOOF-2DROPPED "spoofed ping from n1"
xe_guest n1 'ping -c 1 -W 5 -I 10.50.0.11 10.50.0.1 >/dev/null && echo PING-$((40+2))' 'PING-42' 40 >/dev/null

# A MAC of a running domain is refused, with nothing left behind.
xe_cfg n3 "vif = ['mac=00:16:3E:00:50:01']" >/dev/null
expect_error "00:16:3e:00:50:01 .*already used by vif 0 of domain n1" xm create "$XE_TMP/cfg/n3.cfg"
xe_gone n3 || fail "n3 exists after a refused create"

expect_output "Idx BE     MAC Addr.     handle state evt-ch tx-/rx-ring-ref BE-path
0   0  00:16:3e:00:50:02    0     4      -1    -1   /-1      /local/domain/0/backend/vif/$id2/0  " xm network-list n2

# Hotplug: a second NIC in n2 carries traffic, then goes again.
xm network-attach n2 mac=00:16:3e:00:50:22 bridge=xenbr0 || fail "network-attach failed"
xe_wait_link "vif$id2.1"
ip -o link show "vif$id2.1" | grep "master xenbr0" >/dev/null || fail "vif$id2.1 not on xenbr0"
xe_guest n2 'for i in $(seq 150); do [ -e /sys/class/net/eth1 ] && break; sleep 0.2; done; ip link set eth1 up; ip addr add 10.50.0.22/24 dev eth1; echo NET-$((1+1))UP' 'NET-2UP' 30 >/dev/null
busybox ping -c 2 -W 5 -I xenbr0 10.50.0.22 >/dev/null || fail "the host cannot ping n2's hotplugged NIC"
xm network-list n2 | grep "^1   0  00:16:3e:00:50:22" >/dev/null || fail "network-list lacks the new vif"
expect_eq "$(xs read "/local/domain/0/backend/vif/$id2/1/mac")" 00:16:3e:00:50:22 "hotplug backend mac"
xm network-detach n2 00:16:3E:00:50:22 || fail "network-detach by MAC failed"
xe_wait_link "vif$id2.1" gone || fail "vif$id2.1 still on the host after detach"
xe_guest n2 '[ -e /sys/class/net/eth1 ] && echo ETH1-$((1+1))PRESENT || echo ETH1-$((1+1))GONE' 'ETH1-2[A-Z]+' | grep GONE >/dev/null ||
  fail "eth1 still in the guest after detach"
! xs exists "/local/domain/0/backend/vif/$id2/1" 2>/dev/null || fail "backend vif $id2/1 left"

# Destroy removes the tap and its table.
xm destroy n1
xe_wait_link "vif$id1.0" gone || fail "vif$id1.0 left after destroy"
! nft list table netdev "xenia_v${id1}_0" >/dev/null 2>&1 || fail "n1's nftables table left"

# xm info: one line per running vif after xm info's own lines.
info=$(xm info)
grep -qx "vif$id2.0 *: domain=n2 bridge=xenbr0 mac=00:16:3e:00:50:02 rate=50MB/s mode=bridge" <<<"$info" ||
  fail "xm info lacks n2's vif: $info"
grep -q "^xend_config_format *: 4$" <<<"$info" || fail "xm info lost its own lines: $info"
[[ $(tail -1 <<<"$info") == "vif$id2.0 "* ]] || fail "the vif line is not after xm info's own: $info"

# A managed domain keeps its generated MACs across xm shutdown / xm start
# and an xend restart; network-attach/-detach (running or halted) go into
# its stored config, so the next xm start has the same vifs.
xm new "$(xe_cfg m1 "vif = ['bridge=xenbr0']")"
mac0=$(xm list -l m1 | sed -n 's/.*(mac \([0-9a-f:]*\)).*/\1/p')
expect_match "$mac0" '^00:16:3e(:[0-9a-f]{2}){3}$' "generated MAC of m1 (stored by xm new)"
xm start m1
xe_wait_ready m1
idm=$(xe_domid m1)
expect_eq "$(xs read "/local/domain/0/backend/vif/$idm/0/mac")" "$mac0" "m1's MAC at its first start"
xm network-attach m1 bridge=xenbr0 || fail "network-attach to m1 failed"
mac1=$(xs read "/local/domain/0/backend/vif/$idm/1/mac")
expect_match "$mac1" '^00:16:3e(:[0-9a-f]{2}){3}$' "MAC generated by network-attach"
uuid=$(xe_uuid m1)
grep -q "$mac1" "$XE_TMP/state/domains/$uuid/config.json" || fail "attached vif not in m1's stored config"
xm shutdown -w m1
xm start m1
idm=$(xe_domid m1)
expect_eq "$(xs read "/local/domain/0/backend/vif/$idm/0/mac")" "$mac0" "m1's vif 0 MAC after xm start"
expect_eq "$(xs read "/local/domain/0/backend/vif/$idm/1/mac")" "$mac1" "m1's vif 1 MAC after xm start"
ip -o link show "vif$idm.1" | grep "master xenbr0" >/dev/null || fail "vif$idm.1 not on xenbr0"
xm destroy m1
# Halted: detach and attach only change the stored config.
xm network-detach m1 "$mac1" || fail "network-detach of a halted managed domain failed"
xm network-attach m1 mac=00:16:3e:00:50:33 bridge=xenbr0 || fail "network-attach to halted m1"
! grep -q "$mac1" "$XE_TMP/state/domains/$uuid/config.json" || fail "detached vif still stored"
xe_stop_xend
xe_start_xend
xm start m1
idm=$(xe_domid m1)
expect_eq "$(xs read "/local/domain/0/backend/vif/$idm/0/mac")" "$mac0" "m1's MAC after an xend restart"
expect_eq "$(xs read "/local/domain/0/backend/vif/$idm/1/mac")" 00:16:3e:00:50:33 "vif attached while halted"
! xs exists "/local/domain/0/backend/vif/$idm/2" 2>/dev/null || fail "m1 has a third vif"
xm destroy m1
xm delete m1

# kill -9 of xend and of n2's QEMU, then a new xend: nothing of n2 is left.
kill -9 "$XE_XEND_PID" 2>/dev/null
wait "$XE_XEND_PID" 2>/dev/null || true
XE_XEND_PID=
kill -9 "$(xe_qemu_pid n2)"
xe_wait_link "vif$id2.0" gone || fail "the tap outlived its QEMU"
nft list table netdev "xenia_v${id2}_0" >/dev/null 2>&1 || fail "test premise: n2's table should still exist"
xe_start_xend
xe_wait_until 30 xe_gone n2 || fail "n2 still listed after its QEMU died"
expect_no_net_leftovers "after xend restart"
xe_pass
