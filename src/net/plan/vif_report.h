// What the host reports about vifs, pure: the `xm info` lines for every vif
// of the running domains, and dnsmasq lease-file parsing for the
// dhcp_release calls that free a vif's DHCP lease when it goes.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "net/plan/vif_plan.h"

namespace xenia::net {

struct VifInfoRow {
  std::string domain;  // the domain's name
  VifPlan plan;
  std::string rate;  // rate= as configured ("" = unlimited)
};

// One `xm info` (key, value) pair per vif, ordered by domid then devid:
// key = the tap name, value = "domain=<name> bridge=<br|-> mac=<mac>
// rate=<rate|-> mode=<mode>". Keys go after xm info's own, so its
// lines stay as they were.
std::vector<std::pair<std::string, std::string>> vifInfoPairs(std::vector<VifInfoRow> rows);

struct DhcpLease {
  std::string mac;
  std::string ip;
  std::string clientId;  // "" when dnsmasq wrote "*"
};

// The leases of `mac` (any case) in a dnsmasq lease file ("expiry mac ip
// hostname client-id" per line; malformed lines are skipped).
std::vector<DhcpLease> leasesOf(std::string_view leaseFile, std::string_view mac);

// Debian dnsmasq-utils' `dhcp_release <interface> <ip> <mac> [client-id]`.
std::vector<std::string> dhcpReleaseArgv(const std::string& bridge, const DhcpLease& l);

}  // namespace xenia::net
