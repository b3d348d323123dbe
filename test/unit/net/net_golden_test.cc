// Golden plans: golden/<name>.in holds either "vif: <vif spec>" plus
// "domid=", "bridge=", "script=", "mainip=" fact lines, or "network: <network-
// script>" plus "link <name> <index>" lines for the interfaces that exist and,
// for transfer=yes, "addr <link> a.b.c.d/p" and "route <link> <dst/p|default>
// [via gw] [src a] [metric n] [proto n] [scope n]" lines for their state.
// <name>.out is the rendered plan: netlink request dumps (VLAN bridges are
// tested here up to the netlink boundary: this kernel has no 802.1Q module),
// nftables text, tc and script argv. XENIA_REGENERATE=1 rewrites the .out files.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "config/model/net_spec.h"
#include "net/plan/host_plan.h"
#include "net/plan/rtnl.h"
#include "net/plan/uplink.h"
#include "net/plan/vif_plan.h"

namespace xenia::net {
namespace {

namespace fs = std::filesystem;
const std::string kDir = std::string(XENIA_SOURCE_DIR) + "/test/unit/net/golden";

std::string readAll(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string renderVif(const std::map<std::string, std::string>& kv, const std::string& spec) {
  auto vif = config::parseVifSpec(spec);
  if (!vif) {
    return "error: " + vif.error() + "\n";
  }
  if (vif->mac.empty()) {
    vif->mac = "00:16:3e:00:00:01";
  }
  VifInput in;
  in.domid = kv.count("domid") ? std::stoi(kv.at("domid")) : 7;
  in.devid = kv.count("devid") ? std::stoi(kv.at("devid")) : 0;
  in.vif = *vif;
  if (kv.count("bridge")) {
    in.defaultBridge = kv.at("bridge");
  }
  if (kv.count("script")) {
    in.defaultScript = kv.at("script");
  }
  if (kv.count("mainip")) {
    in.mainIp = kv.at("mainip");
  }
  auto p = planVif(in);
  if (!p) {
    return "error: " + p.error() + "\n";
  }
  std::string out = fmt::format("ifname {}\nmode {}\nscript {}\nbridge {}\nmac {}\n", p->ifname,
                                vifModeName(p->mode), p->script, p->bridge, p->mac);
  out += fmt::format("ips {}\nhost-addr {}\nroutes {}\nproxy-arp {}\nforwarding {}\n",
                     fmt::join(p->ips, " "), p->hostAddr, fmt::join(p->routes, " "),
                     p->proxyArp, p->forwarding);
  if (p->shape) {
    out += fmt::format("shape {} bit/s burst {} bytes\n", p->shape->bitsPerSecond,
                       p->shape->burstBytes);
  }
  out += "--- netlink\n";
  out += dumpRequest(linkSet(1, p->ifname, false, p->mtu, p->hostMac));
  if (p->mode == VifMode::kBridge) {
    out += dumpRequest(linkSetMaster(2, p->ifname, 5));
  }
  out += dumpRequest(linkSet(3, p->ifname, true));
  if (!p->hostAddr.empty()) {
    out += dumpRequest(addrAdd(4, 9, *parseIpv4(p->hostAddr), 32));
    for (const std::string& ip : p->ips) {
      out += dumpRequest(routeAdd(5, 9, *parseIpv4(ip), 32, *parseIpv4(p->hostAddr)));
    }
  }
  out += dumpRequest(linkDel(6, p->ifname));
  out += "--- nft -f -\n" + p->nftRuleset;
  for (const auto& a : p->tcArgv) {
    out += fmt::format("--- tc\n{}\n", fmt::join(a, " "));
  }
  if (!p->scriptArgv.empty()) {
    out += fmt::format("--- script\n{} online|offline\n{}\n", fmt::join(p->scriptArgv, " "),
                       fmt::join(p->scriptEnv, "\n"));
  }
  return out;
}

struct LinkState {
  std::map<std::string, std::vector<Ipv4Addr>> addrs;
  std::map<std::string, std::vector<Ipv4Route>> routes;
};

Ipv4Addr parseCidr(const std::string& s) {
  size_t slash = s.find('/');
  return {*parseIpv4(s.substr(0, slash)),
          static_cast<uint8_t>(slash == std::string::npos ? 32 : std::stoi(s.substr(slash + 1)))};
}

void parseStateLine(const std::string& line, LinkState& st) {
  std::istringstream w(line);
  std::string kind, link, dst;
  w >> kind >> link >> dst;
  if (kind == "addr") {
    st.addrs[link].push_back(parseCidr(dst));
    return;
  }
  Ipv4Route r;
  if (dst != "default") {
    auto c = parseCidr(dst);
    r.dst = c.addr;
    r.prefix = c.prefix;
  }
  std::string k, v;
  while (w >> k >> v) {
    if (k == "via") {
      r.gateway = *parseIpv4(v);
    } else if (k == "src") {
      r.prefsrc = *parseIpv4(v);
    } else if (k == "metric") {
      r.metric = static_cast<uint32_t>(std::stoul(v));
    } else if (k == "proto") {
      r.protocol = static_cast<uint8_t>(std::stoi(v));
    } else if (k == "scope") {
      r.scope = static_cast<uint8_t>(std::stoi(v));
    }
  }
  st.routes[link].push_back(r);
}

std::string renderNetwork(const std::map<std::string, uint32_t>& links, const std::string& text,
                          const LinkState& st = {}) {
  auto plan = parseNetworkScript(text);
  if (!plan) {
    return "error: " + plan.error() + "\n";
  }
  std::string out = fmt::format("default-bridge {}\nroute-netdev {}\n", plan->defaultBridge,
                                plan->routeNetdev);
  std::map<std::string, uint32_t> now = links;
  uint32_t next = 100;
  IndexOf indexOf = [&](const std::string& n) { return now.count(n) ? now.at(n) : 0u; };
  for (const HostNetSpec& s : plan->specs) {
    out += fmt::format("=== {} bridge={} netdev={} vlan={}\n",
                       s.kind == HostNetKind::kBridge ? "bridge"
                       : s.kind == HostNetKind::kRoute ? "route"
                                                       : "nat",
                       s.bridge, s.netdev, s.vlan);
    if (s.kind == HostNetKind::kBridge) {
      auto create = bridgeCreateRequests(s, indexOf);
      if (!create) {
        out += "error: " + create.error() + "\n";
        continue;
      }
      for (const NlRequest& r : *create) {
        out += dumpRequest(r);
        // The kernel gives the new link the next index.
        std::string name = r.what.substr(r.what.find(" name ") != std::string::npos
                                             ? r.what.find(" name ") + 6
                                             : 9);
        now[name.substr(0, name.find(' '))] = next++;
      }
      auto attach = bridgeAttachRequests(s, indexOf);
      if (!attach) {
        out += "error: " + attach.error() + "\n";
        continue;
      }
      for (const NlRequest& r : *attach) {
        out += dumpRequest(r);
      }
      if (s.transfer) {
        auto get = [](const auto& m, const std::string& k) {
          return m.count(k) ? m.at(k) : typename std::decay_t<decltype(m)>::mapped_type{};
        };
        out += "--- transfer\n";
        for (const NlRequest& r :
             transferRequests(indexOf(s.netdev), indexOf(s.bridge), get(st.addrs, s.netdev),
                              get(st.routes, s.netdev), !get(st.addrs, s.bridge).empty())) {
          out += dumpRequest(r);
        }
      }
    } else if (s.kind == HostNetKind::kNat) {
      out += dumpRequest(addrAdd(1, 100, s.address, s.prefix));
      out += "--- nft -f -\n" + natNetworkRuleset(s);
      if (s.dhcp) {
        out += fmt::format("--- dnsmasq\n{}\n", fmt::join(dnsmasqArgv(s, "/run/xend"), "\n"));
      }
    }
  }
  return out;
}

std::string render(const std::string& in) {
  std::istringstream lines(in);
  std::string line, vifSpec, network;
  bool isVif = false, isNet = false;
  std::map<std::string, std::string> kv;
  std::map<std::string, uint32_t> links;
  LinkState st;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') {
      continue;
    }
    if (line.rfind("vif:", 0) == 0) {
      isVif = true;
      vifSpec = line.substr(line.find_first_not_of(' ', 4) == std::string::npos
                                ? line.size()
                                : line.find_first_not_of(' ', 4));
    } else if (line.rfind("network:", 0) == 0) {
      isNet = true;
      network = line.substr(8);
    } else if (line.rfind("link ", 0) == 0) {
      std::istringstream w(line.substr(5));
      std::string name;
      uint32_t idx = 0;
      w >> name >> idx;
      links[name] = idx;
    } else if (line.rfind("addr ", 0) == 0 || line.rfind("route ", 0) == 0) {
      parseStateLine(line, st);
    } else if (size_t eq = line.find('='); eq != std::string::npos) {
      kv[line.substr(0, eq)] = line.substr(eq + 1);
    }
  }
  if (isVif) {
    return renderVif(kv, vifSpec);
  }
  if (isNet) {
    return renderNetwork(links, network, st);
  }
  return "error: no 'vif:' or 'network:' line\n";
}

TEST(NetGolden, Cases) {
  bool regen = std::getenv("XENIA_REGENERATE") != nullptr;
  int n = 0;
  for (const auto& e : fs::directory_iterator(kDir)) {
    if (e.path().extension() != ".in") {
      continue;
    }
    ++n;
    fs::path outPath = e.path();
    outPath.replace_extension(".out");
    std::string got = render(readAll(e.path()));
    if (regen) {
      std::ofstream(outPath) << got;
      continue;
    }
    ASSERT_TRUE(fs::exists(outPath)) << outPath << " missing (XENIA_REGENERATE=1)";
    EXPECT_EQ(got, readAll(outPath)) << e.path().filename();
  }
  EXPECT_GE(n, 8);
}

}  // namespace
}  // namespace xenia::net
