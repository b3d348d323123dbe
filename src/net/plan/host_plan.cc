// network-script parsing and the NAT network's nftables/dnsmasq text.
#include "net/plan/host_plan.h"

#include <charconv>
#include <sstream>

#include <fmt/format.h>

#include "net/plan/rtnl.h"

namespace xenia::net {
namespace {

std::vector<std::string> words(std::string_view s) {
  std::vector<std::string> out;
  std::istringstream in{std::string(s)};
  std::string w;
  while (in >> w) {
    out.push_back(w);
  }
  return out;
}

std::string baseName(const std::string& s) {
  size_t slash = s.rfind('/');
  return slash == std::string::npos ? s : s.substr(slash + 1);
}

bool validName(const std::string& n) {
  if (n.empty() || n.size() > 15) {
    return false;
  }
  for (char c : n) {
    if (c == '/' || c == ':' || c <= ' ' || c == '"' || c == '\\' || c == 0x7f) {
      return false;
    }
  }
  return true;
}

Expected<HostNetSpec, std::string> parseOne(const std::vector<std::string>& w) {
  HostNetSpec s;
  std::string script = baseName(w[0]);
  if (script == "network-bridge") {
    s.kind = HostNetKind::kBridge;
    s.bridge = "xenbr0";
  } else if (script == "network-route") {
    s.kind = HostNetKind::kRoute;
  } else if (script == "network-nat") {
    s.kind = HostNetKind::kNat;
    s.bridge = "xennat0";
    s.address = *parseIpv4("10.0.3.1");
  } else if (script == "network-dummy") {
    return unexpected(std::string("network-dummy"));  // no setup at all
  } else {
    return unexpected(fmt::format("network-script '{}' is not one Xenia provides (network-bridge, "
                                  "network-route, network-nat, network-dummy).",
                                  w[0]));
  }
  for (size_t i = 1; i < w.size(); ++i) {
    size_t eq = w[i].find('=');
    if (eq == std::string::npos) {
      return unexpected(fmt::format("{}: '{}' is not key=value.", script, w[i]));
    }
    std::string k = w[i].substr(0, eq);
    std::string v = w[i].substr(eq + 1);
    if (k == "bridge" && s.kind != HostNetKind::kRoute) {
      s.bridge = v;
    } else if (k == "netdev") {
      s.netdev = v;
    } else if (k == "vlan" && s.kind == HostNetKind::kBridge) {
      auto r = std::from_chars(v.data(), v.data() + v.size(), s.vlan);
      if (r.ec != std::errc() || r.ptr != v.data() + v.size() || s.vlan < 1 || s.vlan > 4094) {
        return unexpected(fmt::format("{}: vlan={} is not a VLAN id 1-4094.", script, v));
      }
    } else if (k == "address" && s.kind == HostNetKind::kNat) {
      size_t slash = v.find('/');
      auto a = parseIpv4(v.substr(0, slash));
      int prefix = 24;
      if (slash != std::string::npos) {
        auto r = std::from_chars(v.data() + slash + 1, v.data() + v.size(), prefix);
        if (r.ec != std::errc() || r.ptr != v.data() + v.size()) {
          prefix = -1;
        }
      }
      if (!a || prefix < 8 || prefix > 30) {
        return unexpected(fmt::format("{}: address={} is not a.b.c.d/8..30.", script, v));
      }
      s.address = *a;
      s.prefix = static_cast<uint8_t>(prefix);
    } else if (k == "dhcp" && s.kind == HostNetKind::kNat) {
      if (v != "yes" && v != "no") {
        return unexpected(fmt::format("{}: dhcp={} is not yes or no.", script, v));
      }
      s.dhcp = v == "yes";
    } else if (k == "transfer" && s.kind == HostNetKind::kBridge) {
      if (v != "yes" && v != "no") {
        return unexpected(fmt::format("{}: transfer={} is not yes or no.", script, v));
      }
      s.transfer = v == "yes";
    } else if (k == "antispoof" || k == "vifnum") {
      // Xen's network-bridge options with no effect here (anti-spoofing is per vif).
    } else {
      return unexpected(fmt::format("{}: unknown option '{}'.", script, k));
    }
  }
  if (!s.bridge.empty() && !validName(s.bridge)) {
    return unexpected(fmt::format("{}: '{}' is not a valid bridge name.", script, s.bridge));
  }
  if (!s.netdev.empty() && !validName(s.netdev)) {
    return unexpected(fmt::format("{}: '{}' is not a valid interface name.", script, s.netdev));
  }
  if (s.vlan && s.netdev.empty()) {
    return unexpected(fmt::format("{}: vlan= needs netdev= (the uplink carrying the tags).", script));
  }
  if (s.transfer && (s.netdev.empty() || s.vlan)) {
    return unexpected(fmt::format("{}: transfer=yes needs netdev= and no vlan= (the addresses "
                                  "of the uplink move to the bridge that holds it).",
                                  script));
  }
  if (s.kind == HostNetKind::kRoute && s.netdev.empty()) {
    s.netdev = "eth0";
  }
  return s;
}

}  // namespace

Expected<HostNetPlan, std::string> parseNetworkScript(std::string_view text) {
  HostNetPlan plan;
  bool haveBridge = false;
  size_t start = 0;
  while (start <= text.size()) {
    size_t semi = text.find(';', start);
    std::string_view part =
        text.substr(start, semi == std::string_view::npos ? std::string_view::npos : semi - start);
    start = semi == std::string_view::npos ? text.size() + 1 : semi + 1;
    auto w = words(part);
    if (w.empty()) {
      continue;
    }
    auto s = parseOne(w);
    if (!s) {
      if (s.error() == "network-dummy") {
        continue;
      }
      return unexpected(s.error());
    }
    if (!haveBridge && !s->bridge.empty()) {
      plan.defaultBridge = s->bridge;
      haveBridge = true;
    }
    if (s->kind == HostNetKind::kRoute && plan.routeNetdev.empty()) {
      plan.routeNetdev = s->netdev;
    }
    for (const HostNetSpec& o : plan.specs) {
      if (!o.bridge.empty() && o.bridge == s->bridge) {
        return unexpected(fmt::format("network-script: bridge {} is set up twice.", o.bridge));
      }
    }
    plan.specs.push_back(*s);
  }
  return plan;
}

Expected<std::string, std::string> vlanIfname(const HostNetSpec& s) {
  std::string n = fmt::format("{}.{}", s.netdev, s.vlan);
  if (n.size() > 15) {
    return unexpected(fmt::format("VLAN interface name {} is longer than 15 bytes.", n));
  }
  return n;
}

Expected<std::vector<NlRequest>, std::string> bridgeCreateRequests(const HostNetSpec& s,
                                                                   const IndexOf& indexOf) {
  std::vector<NlRequest> out;
  if (indexOf(s.bridge) == 0) {
    out.push_back(linkAddBridge(0, s.bridge));
  }
  if (s.vlan) {
    auto vl = vlanIfname(s);
    if (!vl) {
      return unexpected(vl.error());
    }
    uint32_t parent = indexOf(s.netdev);
    if (parent == 0) {
      return unexpected(fmt::format("network-bridge: no interface {}.", s.netdev));
    }
    if (indexOf(*vl) == 0) {
      out.push_back(linkAddVlan(0, *vl, parent, static_cast<uint16_t>(s.vlan)));
    }
  }
  return out;
}

Expected<std::vector<NlRequest>, std::string> bridgeAttachRequests(const HostNetSpec& s,
                                                                   const IndexOf& indexOf) {
  std::vector<NlRequest> out;
  uint32_t br = indexOf(s.bridge);
  if (br == 0) {
    return unexpected(fmt::format("network-bridge: bridge {} was not created.", s.bridge));
  }
  std::string port = s.netdev;
  if (s.vlan) {
    auto vl = vlanIfname(s);
    if (!vl) {
      return unexpected(vl.error());
    }
    port = *vl;
  }
  if (!port.empty()) {
    if (indexOf(port) == 0) {
      return unexpected(fmt::format("network-bridge: no interface {}.", port));
    }
    out.push_back(linkSetMaster(0, port, br));
    out.push_back(linkSet(0, port, true));
  }
  out.push_back(linkSet(0, s.bridge, true));
  return out;
}

std::string natNetworkTable(const HostNetSpec& s) { return "xenia_nat_" + s.bridge; }

std::string natNetworkRuleset(const HostNetSpec& s) {
  uint32_t mask = s.prefix == 0 ? 0 : ~uint32_t{0} << (32 - s.prefix);
  std::string t = natNetworkTable(s);
  return fmt::format(
      "table ip {0}\ndelete table ip {0}\n"
      "table ip {0} {{\n  chain postrouting {{\n"
      "    type nat hook postrouting priority 100; policy accept;\n"
      "    ip saddr {1}/{2} ip daddr != {1}/{2} masquerade\n"
      "  }}\n}}\n",
      t, formatIpv4(s.address & mask), s.prefix);
}

std::string dnsmasqPidFile(const HostNetSpec& s, const std::string& runDir) {
  return fmt::format("{}/dnsmasq-{}.pid", runDir, s.bridge);
}

std::string dnsmasqLeaseFile(const HostNetSpec& s, const std::string& runDir) {
  return fmt::format("{}/dnsmasq-{}.leases", runDir, s.bridge);
}

std::vector<std::string> dnsmasqArgv(const HostNetSpec& s, const std::string& runDir) {
  uint32_t mask = ~uint32_t{0} << (32 - s.prefix);
  uint32_t net = s.address & mask;
  uint32_t bcast = net | ~mask;
  // The pool: everything in the prefix but the network, broadcast and the
  // gateway's own address (dnsmasq skips an address in use on the interface).
  uint32_t first = net + 2;
  uint32_t last = bcast - 1;
  return {
      "dnsmasq",
      "--conf-file=/dev/null",
      "--no-hosts",
      "--bind-interfaces",
      "--interface=" + s.bridge,
      "--except-interface=lo",
      "--listen-address=" + formatIpv4(s.address),
      fmt::format("--dhcp-range={},{},{},1h", formatIpv4(first), formatIpv4(last),
                  formatIpv4(mask)),
      "--dhcp-authoritative",
      "--dhcp-leasefile=" + dnsmasqLeaseFile(s, runDir),
      "--pid-file=" + dnsmasqPidFile(s, runDir),
      "--user=root",
      "--group=root",
  };
}

}  // namespace xenia::net
