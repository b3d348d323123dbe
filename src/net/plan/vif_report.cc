// xm info's vif lines and dnsmasq lease lookups (see vif_report.h).
#include "net/plan/vif_report.h"

#include <algorithm>
#include <cctype>
#include <sstream>

#include <fmt/format.h>

namespace xenia::net {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string orDash(const std::string& s) { return s.empty() ? "-" : s; }

}  // namespace

std::vector<std::pair<std::string, std::string>> vifInfoPairs(std::vector<VifInfoRow> rows) {
  std::stable_sort(rows.begin(), rows.end(), [](const VifInfoRow& a, const VifInfoRow& b) {
    return std::pair(a.plan.domid, a.plan.devid) < std::pair(b.plan.domid, b.plan.devid);
  });
  std::vector<std::pair<std::string, std::string>> out;
  for (const VifInfoRow& r : rows) {
    out.emplace_back(r.plan.ifname,
                     fmt::format("domain={} bridge={} mac={} rate={} mode={}", r.domain,
                                 orDash(r.plan.bridge), r.plan.mac, orDash(r.rate),
                                 vifModeName(r.plan.mode)));
  }
  return out;
}

std::vector<DhcpLease> leasesOf(std::string_view leaseFile, std::string_view mac) {
  std::vector<DhcpLease> out;
  std::istringstream in{std::string(leaseFile)};
  std::string line;
  std::string want = lower(std::string(mac));
  while (std::getline(in, line)) {
    std::istringstream f(line);
    std::string expiry, m, ip, host, clid;
    if (!(f >> expiry >> m >> ip >> host)) {
      continue;
    }
    f >> clid;
    if (lower(m) != want || ip.find(':') != std::string::npos) {
      continue;  // another guest, or a DHCPv6 line
    }
    out.push_back({m, ip, clid == "*" ? "" : clid});
  }
  return out;
}

std::vector<std::string> dhcpReleaseArgv(const std::string& bridge, const DhcpLease& l) {
  std::vector<std::string> argv = {"dhcp_release", bridge, l.ip, l.mac};
  if (!l.clientId.empty()) {
    argv.push_back(l.clientId);
  }
  return argv;
}

}  // namespace xenia::net
