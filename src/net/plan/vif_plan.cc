// Per-vif planning: mode from script= (Xen's stock vif-bridge/vif-route/
// vif-nat are built in, anything else is run), names, addresses, the
// nftables ruleset and the tc commands.
#include "net/plan/vif_plan.h"

#include <charconv>

#include <fmt/format.h>

#include "net/plan/mac.h"
#include "net/plan/rtnl.h"

namespace xenia::net {
namespace {

constexpr const char* kScriptDir = "/etc/xen/scripts";
constexpr size_t kIfnameMax = 15;  // IFNAMSIZ - 1
constexpr uint64_t kMinBurst = 2 * 1514;

std::string baseName(const std::string& s) {
  size_t slash = s.rfind('/');
  return slash == std::string::npos ? s : s.substr(slash + 1);
}

bool validIfname(const std::string& n) {
  if (n.empty() || n.size() > kIfnameMax || n == "." || n == "..") {
    return false;
  }
  for (char c : n) {
    if (c == '/' || c == ':' || c <= ' ' || c == 0x7f || c == '"' || c == '\\') {
      return false;
    }
  }
  return true;
}

// Bridge/route anti-spoofing and rate limits on the tap's ingress (what the
// guest sends): a netdev-family base chain bound to the tap.
std::string netdevTable(const VifPlan& p) {
  std::string rules;
  rules += fmt::format("    ether saddr != {} drop\n", p.mac);
  if (!p.ips.empty()) {
    std::string set = fmt::format("{}", fmt::join(p.ips, ", "));
    // DHCP discovery comes from 0.0.0.0 before the guest has an address.
    rules += fmt::format("    ether type ip ip saddr != {{ 0.0.0.0, {} }} drop\n", set);
    rules += fmt::format("    ether type arp arp saddr ip != {{ 0.0.0.0, {} }} drop\n", set);
  }
  if (p.shape) {
    rules += fmt::format("    limit rate over {} bytes/second burst {} bytes drop\n",
                         p.shape->bitsPerSecond / 8, p.shape->burstBytes);
  }
  return fmt::format(
      "table netdev {0}\ndelete table netdev {0}\n"
      "table netdev {0} {{\n  chain ingress {{\n"
      "    type filter hook ingress device \"{1}\" priority 0; policy accept;\n{2}"
      "  }}\n}}\n",
      p.nftTable, p.ifname, rules);
}

std::string natTable(const VifPlan& p) {
  std::string rules;
  for (const std::string& ip : p.ips) {
    rules += fmt::format("    ip saddr {} oifname != \"{}\" masquerade\n", ip, p.ifname);
  }
  return fmt::format(
      "table ip {0}\ndelete table ip {0}\n"
      "table ip {0} {{\n  chain postrouting {{\n"
      "    type nat hook postrouting priority 100; policy accept;\n{1}"
      "  }}\n}}\n",
      p.nftTable, rules);
}

}  // namespace

const char* vifModeName(VifMode m) {
  switch (m) {
    case VifMode::kBridge: return "bridge";
    case VifMode::kRoute: return "route";
    case VifMode::kNat: return "nat";
    case VifMode::kCustom: return "custom";
  }
  return "?";
}

TcShape shapeFor(const config::Rate& r) {
  TcShape s;
  uint64_t usec = r.intervalUsec ? r.intervalUsec : 50000;
  // bytes/interval -> bits/second without overflow for any sane rate.
  long double bps = static_cast<long double>(r.bytesPerInterval) * 8.0L * 1e6L / usec;
  s.bitsPerSecond = static_cast<uint64_t>(bps);
  s.burstBytes = r.bytesPerInterval < kMinBurst ? kMinBurst : r.bytesPerInterval;
  return s;
}

std::string vifTableName(int domid, int devid) { return fmt::format("xenia_v{}_{}", domid, devid); }

std::optional<int> domidOfTable(std::string_view t) {
  constexpr std::string_view kPrefix = "xenia_v";
  if (t.substr(0, kPrefix.size()) != kPrefix) {
    return std::nullopt;
  }
  t.remove_prefix(kPrefix.size());
  int domid = 0;
  auto r = std::from_chars(t.data(), t.data() + t.size(), domid);
  if (r.ec != std::errc() || r.ptr == t.data() || r.ptr == t.data() + t.size() || *r.ptr != '_') {
    return std::nullopt;
  }
  return domid;
}

std::vector<std::string> nftDeleteArgv(const VifPlan& p, std::string_view family) {
  return {"nft", "delete", "table", std::string(family), p.nftTable};
}

std::string natGuestIp(int domid, int devid) {
  return fmt::format("10.{}.{}.{}", (domid / 256) % 256, domid % 256, devid + 1);
}

Expected<std::string, std::string> natRouterIp(const std::string& guestIp) {
  auto a = parseIpv4(guestIp);
  if (!a) {
    return unexpected(fmt::format("'{}' is not an IPv4 address.", guestIp));
  }
  if ((*a & 255) + 127 > 255) {
    return unexpected(fmt::format(
        "vif-nat routes {} through .{}, which does not exist; use a last octet below 129.",
        guestIp, (*a & 255) + 127));
  }
  return formatIpv4(*a + 127);
}

std::vector<std::string> scriptEnvironment(const VifPlan& p) {
  std::string ips;
  for (const std::string& ip : p.ips) {
    ips += (ips.empty() ? "" : " ") + ip;
  }
  return {
      "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
      "vif=" + p.ifname,
      "bridge=" + p.bridge,
      "mac=" + p.mac,
      "ip=" + ips,
      fmt::format("XENBUS_PATH=backend/vif/{}/{}", p.domid, p.devid),
      "XENBUS_TYPE=vif",
      "XENBUS_BASE_PATH=backend",
      fmt::format("domid={}", p.domid),
      fmt::format("devid={}", p.devid),
      "script=" + p.script,
  };
}

Expected<VifPlan, std::string> planVif(const VifInput& in) {
  const config::Vif& v = in.vif;
  VifPlan p;
  p.domid = in.domid;
  p.devid = in.devid;
  if (in.devid < 0 || in.devid >= kMaxVifsPerDomain) {
    return unexpected(fmt::format("A domain has at most {} vifs.", kMaxVifsPerDomain));
  }
  p.ifname = v.vifname.empty() ? fmt::format("vif{}.{}", in.domid, in.devid) : v.vifname;
  if (!validIfname(p.ifname)) {
    return unexpected(fmt::format("'{}' is not a valid interface name (1-15 characters, no "
                                  "'/', ':', quotes or blanks).",
                                  p.ifname));
  }
  if (!v.backendDomain.empty() && v.backendDomain != "0" && v.backendDomain != "Domain-0") {
    return unexpected("Network driver domains are unsupported; Domain-0 is the backend.");
  }
  p.mac = v.mac;
  if (!parseMacBytes(p.mac)) {
    return unexpected(fmt::format("'{}' is not a MAC address xx:xx:xx:xx:xx:xx.", v.mac));
  }
  for (const std::string& ip : v.ip) {
    if (!parseIpv4(ip)) {
      return unexpected(fmt::format("ip={} is not an IPv4 address.", ip));
    }
  }
  p.ips = v.ip;
  p.mtu = v.mtu ? std::optional<uint32_t>(static_cast<uint32_t>(*v.mtu)) : std::nullopt;
  p.nftTable = vifTableName(in.domid, in.devid);
  p.script = v.script.empty() ? in.defaultScript : v.script;
  std::string base = baseName(p.script);
  p.bridge = v.bridge.empty() ? in.defaultBridge : v.bridge;
  if (base == "vif-bridge" || base == "vif-openvswitch" || base.empty()) {
    p.mode = VifMode::kBridge;
    if (!validIfname(p.bridge)) {
      return unexpected(fmt::format("'{}' is not a valid bridge name.", p.bridge));
    }
  } else if (base == "vif-route") {
    p.mode = VifMode::kRoute;
    if (p.ips.empty()) {
      return unexpected("script=vif-route needs ip= (the addresses routed to the guest).");
    }
    if (in.mainIp.empty()) {
      return unexpected("script=vif-route needs a host address: the network-script's netdev= "
                        "or the vif's gatewaydev= has none.");
    }
    p.hostAddr = in.mainIp;
    p.proxyArp = true;
    p.forwarding = true;
  } else if (base == "vif-nat") {
    p.mode = VifMode::kNat;
    if (p.ips.empty()) {
      p.ips.push_back(natGuestIp(in.domid, in.devid));
    }
    auto router = natRouterIp(p.ips.front());
    if (!router) {
      return unexpected(router.error());
    }
    p.hostAddr = *router;
    p.forwarding = true;
  } else {
    p.mode = VifMode::kCustom;
    p.script = p.script[0] == '/' ? p.script : std::string(kScriptDir) + "/" + p.script;
  }
  if (p.mode == VifMode::kRoute || p.mode == VifMode::kNat) {
    p.bridge.clear();
    for (const std::string& ip : p.ips) {
      p.routes.push_back(ip + "/32");
    }
  }
  if (v.rate) {
    if (v.rate->bytesPerInterval == 0) {
      return unexpected(fmt::format("rate={} allows nothing.", v.rate->spec));
    }
    p.shape = shapeFor(*v.rate);
    // Guest receive: a token bucket on the tap's egress.
    p.tcArgv.push_back({"tc", "qdisc", "replace", "dev", p.ifname, "root", "tbf", "rate",
                        fmt::format("{}bit", p.shape->bitsPerSecond), "burst",
                        std::to_string(p.shape->burstBytes), "latency", "100ms"});
  }
  if (p.mode != VifMode::kCustom) {
    p.nftRuleset = netdevTable(p);
    if (p.mode == VifMode::kNat) {
      p.nftRuleset += natTable(p);
    }
  }
  if (p.mode == VifMode::kCustom) {
    p.scriptArgv = {p.script};
    p.scriptEnv = scriptEnvironment(p);
  }
  return p;
}

}  // namespace xenia::net
