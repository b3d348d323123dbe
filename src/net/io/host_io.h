// Host network setup from a HostNetPlan (bridges, VLAN sub-interfaces,
// uplinks, forwarding/proxy ARP, the NAT network with its masquerade table and
// dnsmasq), dnsmasq stop and lease release, and removal of vif nftables tables no running
// domain owns (after a crash or a kill -9 of xend).
#pragma once

#include <set>
#include <string>
#include <vector>

#include "common/expected.h"
#include "net/io/netlink.h"
#include "net/plan/host_plan.h"
#include "net/plan/vif_plan.h"

namespace xenia::net {

// Idempotent: existing bridges and links are reused, a stale dnsmasq of the
// same run dir replaced. Returns notes for the log.
Expected<std::vector<std::string>, std::string> setupHostNet(Netlink& nl, const HostNetPlan& plan,
                                                             const std::string& runDir);
// Stops the dnsmasq instances the plan started (pid files under runDir).
void stopDnsmasq(const HostNetPlan& plan, const std::string& runDir);

// Frees the DHCP leases of a vif that went (dhcp_release to the NAT
// network's dnsmasq on the vif's bridge), so its address is free at once as
// the vif's other state is; returns problems for the log.
std::vector<std::string> releaseDhcpLeases(const HostNetPlan& plan, const std::string& runDir,
                                           const VifPlan& vif);

// Deletes every xenia_v<domid>_<devid> table whose domid is not in `running`;
// returns the names removed.
std::vector<std::string> removeStaleVifTables(const std::set<int>& running);

}  // namespace xenia::net
