// Moving the host's IPv4 addresses and routes from an uplink to the bridge
// that now holds it as a port, as Xen's network-bridge did (transfer_addrs,
// transfer_routes), but only with network-bridge's transfer=yes. Pure: the
// kernel's dump replies in, the rtnetlink requests out (golden-tested).
#pragma once

#include <cstdint>
#include <vector>

#include "net/plan/rtnl.h"

namespace xenia::net {

struct Ipv4Addr {
  uint32_t addr = 0;
  uint8_t prefix = 0;
  bool operator==(const Ipv4Addr&) const = default;
};

// The addresses of link `ifindex` in a RTM_GETADDR dump (one or more
// netlink messages back to back; anything malformed ends the walk).
std::vector<Ipv4Addr> addrsOf(const Bytes& dump, uint32_t ifindex);
// The main-table unicast IPv4 routes whose only output link is `ifindex`,
// without the kernel's own (proto kernel: they follow the addresses).
std::vector<Ipv4Route> routesOf(const Bytes& dump, uint32_t ifindex);

// Xen's order: the addresses onto the bridge, each route deleted from the
// uplink and added on the bridge, then the uplink's addresses removed.
// Nothing when the bridge has an address already (Xen's transfer_addrs
// does the same), so a second xend start changes nothing.
std::vector<NlRequest> transferRequests(uint32_t uplink, uint32_t bridge,
                                        const std::vector<Ipv4Addr>& uplinkAddrs,
                                        const std::vector<Ipv4Route>& uplinkRoutes,
                                        bool bridgeHasAddrs);

}  // namespace xenia::net
