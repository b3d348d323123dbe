#!/usr/bin/env bash
# Routed, NAT and rate-limited vifs and a custom vif script, inside a private
# network namespace with a second one as "the outside" (veth xup0 <-> xpeer0):
# - network-nat: xend's private NAT network (bridge xennat0, dnsmasq DHCP,
#   masquerade); a guest gets its address by DHCP and reaches the outside
#   host, which has no route back to 10.0.3.0/24 (so only masquerade works);
# - vif-route: the outside host reaches a guest through the host route and
#   proxy ARP on xup0;
# - rate=8Mb/s: host->guest TCP throughput (10 MB: a fixed ~0.7 MB start-up
#   excess skews short transfers) within 20% of 1 MB/s;
# - script=<custom>: gets Xen's environment, "online" then "offline";
# - DHCP leases are released (dhcp_release) at network-detach and destroy;
# - after destroy and xend's stop nothing is left: no tap, route, qdisc,
#   nftables table of a vif, and no dnsmasq.
. "$(dirname "$0")/net_lib.sh"
. "$(dirname "$0")/lib.sh"

# The outside: a namespace held by a sleeping process.
unshare --net sleep 600 &
XE_PEER_PID=$!
peer() { nsenter --net="/proc/$XE_PEER_PID/ns/net" "$@"; }
trap 'kill $XE_PEER_PID 2>/dev/null' EXIT
xe_wait_until 10 test -e "/proc/$XE_PEER_PID/ns/net"
sleep 0.2
ip link add xup0 type veth peer name xpeer0
ip link set xpeer0 netns "$XE_PEER_PID"
ip addr add 192.168.90.1/24 dev xup0
ip link set xup0 up
peer ip link set lo up
peer ip addr add 192.168.90.2/24 dev xpeer0
peer ip link set xpeer0 up

XE_XEND_EXTRA_CONFIG="(network-script 'network-nat bridge=xennat0 address=10.0.3.1/24; network-route netdev=xup0')"
xe_start
trap 'kill $XE_PEER_PID 2>/dev/null; xe_cleanup' EXIT
xe_wait_until 10 test -s "$XE_TMP/run/dnsmasq-xennat0.pid" || fail "no dnsmasq pid file"
dnsmasq_pid=$(cat "$XE_TMP/run/dnsmasq-xennat0.pid")
expect_eq "$(cat "/proc/$dnsmasq_pid/comm" 2>/dev/null)" dnsmasq "process of the dnsmasq pid file"

cat >"$XE_TMP/vif-test" <<SCRIPT
#!/bin/sh
echo "\$1 vif=\$vif bridge=\$bridge mac=\$mac ip=\$ip XENBUS_PATH=\$XENBUS_PATH" >>$XE_TMP/vif-test.log
[ "\$1" = online ] && ip link set "\$vif" up
exit 0
SCRIPT
chmod +x "$XE_TMP/vif-test"

xe_create nat1 "vif = ['mac=00:16:3e:00:60:01,bridge=xennat0,rate=8Mb/s', 'mac=00:16:3e:00:60:02,script=$XE_TMP/vif-test,bridge=lab0,ip=10.9.9.9']"
xe_create rt1 "vif = ['mac=00:16:3e:00:60:03,script=vif-route,ip=192.168.90.50']"
id=$(xe_domid nat1)
rid=$(xe_domid rt1)
expect_eq "$(cat "$XE_TMP/vif-test.log")" \
  "online vif=vif$id.1 bridge=lab0 mac=00:16:3e:00:60:02 ip=10.9.9.9 XENBUS_PATH=backend/vif/$id/1" \
  "custom script's environment"
ip -o link show "vif$id.0" | grep "master xennat0" >/dev/null || fail "vif$id.0 is not on xennat0"
ip route show 192.168.90.50 | grep "dev vif$rid.0" >/dev/null || fail "no host route to rt1"
expect_eq "$(cat "/proc/sys/net/ipv4/conf/vif$rid.0/proxy_arp")" 1 "proxy ARP on vif$rid.0"
xe_wait_ready nat1
xe_wait_ready rt1

# NAT network: DHCP from xend's dnsmasq, then out through the masquerade.
lease=$(xe_guest nat1 'udhcpc -i eth0 -n -q -t 10 -s /bin/xenia-udhcpc 2>/dev/null' 'XENIA-DHCP eth0 10\.0\.3\.[0-9]+' 60)
guest_ip=${lease##* }
xe_log "nat1 leased $guest_ip"
grep -q "00:16:3e:00:60:01" "$XE_TMP/run/dnsmasq-xennat0.leases" || fail "no lease recorded by dnsmasq"
! peer ip route get 10.0.3.1 >/dev/null 2>&1 || fail "test premise: the outside must have no route to 10.0.3.0/24"
xe_guest nat1 'ping -c 2 -W 5 192.168.90.2 >/dev/null && echo PING-$((40+2))' 'PING-42' 40 >/dev/null

# Routed guest: reachable from the outside through proxy ARP + host route.
xe_guest rt1 'ip link set eth0 up; ip addr add 192.168.90.50/32 dev eth0; ip route add 192.168.90.1 dev eth0; ip route add default via 192.168.90.1; echo NET-$((1+1))UP' 'NET-2UP' >/dev/null
peer busybox ping -c 2 -W 5 192.168.90.50 >/dev/null || fail "the outside cannot reach rt1 through its route"

# rate=8Mb/s (1 MB/s): host -> guest throughput (tbf on the tap).
xe_guest_send nat1 'nc -l -p 5001 </dev/null >/dev/null'
sleep 1
secs=$(python3 - "$guest_ip" <<'PY'
import socket, sys, time
size = 10 * 1000 * 1000
for attempt in range(50):
    try:
        s = socket.create_connection((sys.argv[1], 5001), timeout=5)
        break
    except OSError:
        time.sleep(0.2)
s.settimeout(120)
t0 = time.monotonic()
s.sendall(b"\0" * size)
s.shutdown(socket.SHUT_WR)
while s.recv(65536):
    pass
print(f"{time.monotonic() - t0:.3f}")
PY
) || fail "throughput measurement failed"
rate=$(python3 -c "print(round(10.0 / $secs, 3))")
xe_log "host -> nat1: 10 MB in ${secs}s = ${rate} MB/s (limit 1 MB/s)"
python3 -c "import sys; r = 10.0 / $secs; sys.exit(0 if 0.8 <= r <= 1.2 else 1)" ||
  fail "throughput ${rate} MB/s is not within 20% of the 1 MB/s limit"

# DHCP leases go with their vif (dhcp_release): a hotplugged NIC's lease at
# network-detach, the config's vif's lease at destroy.
leases=$XE_TMP/run/dnsmasq-xennat0.leases
xm network-attach nat1 mac=00:16:3e:00:60:04 bridge=xennat0 || fail "network-attach to nat1 failed"
xe_guest nat1 'for i in $(seq 150); do [ -e /sys/class/net/eth2 ] && break; sleep 0.2; done; ip link set eth2 up; udhcpc -i eth2 -n -q -t 10 -s /bin/true 2>/dev/null; echo DHCP-$((1+1))DONE' 'DHCP-2DONE' 60 >/dev/null
xe_wait_until 10 grep -q "00:16:3e:00:60:04" "$leases" || fail "no lease for the hotplugged NIC"
xm network-detach nat1 00:16:3e:00:60:04 || fail "network-detach from nat1 failed"
xe_wait_until 10 bash -c "! grep -q 00:16:3e:00:60:04 '$leases'" ||
  fail "the detached NIC's lease is still in dnsmasq's lease file: $(cat "$leases")"
grep -q "00:16:3e:00:60:01" "$leases" || fail "nat1's own lease went with the other NIC"

# Destroy: the custom script goes offline; nothing of either guest is left.
xm destroy nat1
xm destroy rt1
xe_wait_until 10 bash -c "! grep -q 00:16:3e:00:60:01 '$leases'" ||
  fail "nat1's lease is still in dnsmasq's lease file after destroy: $(cat "$leases")"
expect_eq "$(tail -1 "$XE_TMP/vif-test.log")" \
  "offline vif=vif$id.1 bridge=lab0 mac=00:16:3e:00:60:02 ip=10.9.9.9 XENBUS_PATH=backend/vif/$id/1" \
  "custom script at destroy"
xe_wait_link "vif$id.0" gone || fail "vif$id.0 left"
xe_wait_link "vif$rid.0" gone || fail "vif$rid.0 left"
expect_no_net_leftovers "after destroy"
xe_stop_xend
xe_wait_until 10 bash -c "! kill -0 $dnsmasq_pid 2>/dev/null" || fail "dnsmasq outlived xend"
xe_pass
