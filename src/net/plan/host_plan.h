// The host's side of Xen networking, from xend-config.sxp's network-script:
// Xen's network-bridge, network-route and network-nat (built in, never run as
// scripts), with Xenia's keys for VLAN bridges and the private NAT network
// (bridge + dnsmasq DHCP/DNS + masquerade, like libvirt's default network).
//
//   (network-script 'network-bridge bridge=xenbr0 netdev=eth0')
//   (network-script 'network-bridge bridge=xenbr0 netdev=eth0 transfer=yes')
//   (network-script 'network-bridge bridge=xenbr10 netdev=eth0 vlan=10; network-bridge')
//   (network-script 'network-route netdev=eth0')
//   (network-script 'network-nat bridge=xennat0 address=10.0.3.1/24 dhcp=yes')
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.h"
#include "net/plan/rtnl.h"

namespace xenia::net {

enum class HostNetKind { kBridge, kRoute, kNat };

struct HostNetSpec {
  HostNetKind kind = HostNetKind::kBridge;
  std::string bridge;  // kBridge/kNat: created or reused
  std::string netdev;  // uplink: enslaved (kBridge), proxy ARP (kRoute); "" = none
  int vlan = 0;        // kBridge: bridge a VLAN sub-interface <netdev>.<vlan>
  // kBridge, transfer=yes: move netdev's IPv4 addresses and routes onto the
  // bridge (Xen's network-bridge always did; Xenia only when asked).
  bool transfer = false;
  // kNat: the bridge's address (the guests' gateway) and prefix.
  uint32_t address = 0;
  uint8_t prefix = 24;
  bool dhcp = true;  // kNat: run dnsmasq on the bridge
};

struct HostNetPlan {
  std::vector<HostNetSpec> specs;
  std::string defaultBridge = "xenbr0";  // of the first spec with a bridge
  std::string routeNetdev;               // vif-route's default main address owner
};

// Parses the network-script value (';'-separated commands, each a script
// name and key=value words). Empty -> no host setup (bridges must exist).
Expected<HostNetPlan, std::string> parseNetworkScript(std::string_view text);

// The VLAN sub-interface's name, "<netdev>.<vlan>" (at most 15 bytes).
Expected<std::string, std::string> vlanIfname(const HostNetSpec& s);

// The rtnetlink requests of a network-bridge spec, in two phases because
// enslaving needs the index of a bridge the first phase may create:
// create the bridge and VLAN sub-interface when `indexOf` says they are
// absent (0), then enslave the port and bring everything up.
using IndexOf = std::function<uint32_t(const std::string&)>;
Expected<std::vector<NlRequest>, std::string> bridgeCreateRequests(const HostNetSpec& s,
                                                                   const IndexOf& indexOf);
Expected<std::vector<NlRequest>, std::string> bridgeAttachRequests(const HostNetSpec& s,
                                                                   const IndexOf& indexOf);

// nftables masquerade of a NAT network's subnet out of any other interface.
std::string natNetworkRuleset(const HostNetSpec& s);
std::string natNetworkTable(const HostNetSpec& s);  // "xenia_nat_<bridge>"

// dnsmasq serving DHCP (addresses .2 to .254 of a /24 style range inside the
// prefix) and DNS on the bridge only; files under runDir.
std::vector<std::string> dnsmasqArgv(const HostNetSpec& s, const std::string& runDir);
std::string dnsmasqPidFile(const HostNetSpec& s, const std::string& runDir);
std::string dnsmasqLeaseFile(const HostNetSpec& s, const std::string& runDir);

}  // namespace xenia::net
