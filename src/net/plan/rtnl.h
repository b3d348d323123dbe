// Pure rtnetlink request encoder: the exact bytes xend sends to the kernel to
// create bridges and VLAN links, enslave, set up/MTU/MAC, delete links, and add
// addresses and routes. No socket here (io/netlink.cc sends them), so every
// request is golden-tested as a hex dump (test/unit/net/golden/).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace xenia::net {

using Bytes = std::vector<uint8_t>;

// One request: a name for logs and golden files, and the netlink message.
struct NlRequest {
  std::string what;  // "link add bridge xenbr0"
  Bytes bytes;
};

// Links are named (the kernel looks them up by IFLA_IFNAME when the index is
// 0), except where netlink only takes an index (IFLA_LINK, IFLA_MASTER).
NlRequest linkAddBridge(uint32_t seq, std::string_view name);
// A VLAN sub-interface `name` (e.g. "eth0.10") of the link with index
// `parentIndex`, 802.1Q tag `vlanId` (1-4094).
NlRequest linkAddVlan(uint32_t seq, std::string_view name, uint32_t parentIndex, uint16_t vlanId);
// Enslaves `name` to the bridge with index `masterIndex` (0 = release).
NlRequest linkSetMaster(uint32_t seq, std::string_view name, uint32_t masterIndex);
// Administrative state, and optionally the MTU and the link-layer address.
NlRequest linkSet(uint32_t seq, std::string_view name, bool up, std::optional<uint32_t> mtu = {},
                  std::optional<std::array<uint8_t, 6>> mac = {});
NlRequest linkDel(uint32_t seq, std::string_view name);

// IPv4 only: Xen's vif-route/vif-nat scripts are IPv4 only too.
NlRequest addrAdd(uint32_t seq, uint32_t ifindex, uint32_t addr, uint8_t prefix);
// A route to addr/prefix through the link `ifindex`, with preferred source
// `src` (0 = none): vif-route's "ip route add IP dev vifX src MAINIP".
NlRequest routeAdd(uint32_t seq, uint32_t ifindex, uint32_t addr, uint8_t prefix, uint32_t src);
NlRequest routeDel(uint32_t seq, uint32_t ifindex, uint32_t addr, uint8_t prefix);

NlRequest addrDel(uint32_t seq, uint32_t ifindex, uint32_t addr, uint8_t prefix);

// A route as a dump reports it (host order; 0 = attribute absent), moved
// between links as it is: gateway, source, metric, protocol and scope kept.
struct Ipv4Route {
  uint32_t dst = 0;
  uint8_t prefix = 0;
  uint32_t gateway = 0;
  uint32_t prefsrc = 0;
  uint32_t metric = 0;
  uint8_t protocol = 3;  // RTPROT_BOOT
  uint8_t scope = 0;     // RT_SCOPE_UNIVERSE
  bool operator==(const Ipv4Route&) const = default;
};
NlRequest routeAddFull(uint32_t seq, uint32_t ifindex, const Ipv4Route& r);
NlRequest routeDelFull(uint32_t seq, uint32_t ifindex, const Ipv4Route& r);

// Dumps of every IPv4 address and every main-table IPv4 route (parsed by
// plan/uplink.h); no ACK flag, the kernel ends a dump with NLMSG_DONE.
NlRequest addrDump(uint32_t seq);
NlRequest routeDump(uint32_t seq);

// "a.b.c.d" -> host-order address; nullopt when not a dotted quad.
std::optional<uint32_t> parseIpv4(std::string_view s);
std::string formatIpv4(uint32_t addr);

// A readable dump: the header fields, then 16 bytes of hex per line.
std::string dumpRequest(const NlRequest& r);

}  // namespace xenia::net
