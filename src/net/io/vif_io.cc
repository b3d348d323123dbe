// The I/O steps of a vif plan, in the order of Xen's vif-bridge/vif-route/
// vif-nat: tap, MAC/MTU, bridge port or address+routes+proxy ARP, up,
// nftables, tc, then a custom script's "online".
#include "net/io/vif_io.h"

#include <fmt/format.h>

#include "net/io/run.h"
#include "net/io/tap.h"
#include "net/plan/rtnl.h"

namespace xenia::net {
namespace {

Expected<Ok, std::string> configure(Netlink& nl, const VifPlan& p) {
  if (auto r = nl.request(linkSet(0, p.ifname, false, p.mtu, p.hostMac)); !r) {
    return r;
  }
  if (p.mode == VifMode::kBridge) {
    uint32_t br = linkIndex(p.bridge);
    if (br == 0) {
      return unexpected(fmt::format("Bridge {} does not exist (set network-script in "
                                    "xend-config.sxp, or bridge= to an existing bridge).",
                                    p.bridge));
    }
    if (auto r = nl.request(linkSetMaster(0, p.ifname, br)); !r) {
      return r;
    }
  }
  if (auto r = nl.request(linkSet(0, p.ifname, true)); !r) {
    return r;
  }
  if (p.mode == VifMode::kRoute || p.mode == VifMode::kNat) {
    uint32_t idx = linkIndex(p.ifname);
    auto host = parseIpv4(p.hostAddr);
    if (!host) {
      return unexpected(fmt::format("bad host address {}", p.hostAddr));
    }
    if (auto r = nl.request(addrAdd(0, idx, *host, 32)); !r) {
      return r;
    }
    for (const std::string& ip : p.ips) {
      if (auto r = nl.request(routeAdd(0, idx, *parseIpv4(ip), 32, *host)); !r) {
        return r;
      }
    }
    if (p.proxyArp) {
      if (auto r = writeSysctl(fmt::format("conf/{}/proxy_arp", p.ifname), "1"); !r) {
        return r;
      }
    }
    if (p.forwarding) {
      if (auto r = writeSysctl("ip_forward", "1"); !r) {
        return r;
      }
    }
  }
  if (!p.nftRuleset.empty()) {
    if (auto r = runOk({"nft", "-f", "-"}, {}, p.nftRuleset); !r) {
      return r;
    }
  }
  for (const auto& argv : p.tcArgv) {
    if (auto r = runOk(argv); !r) {
      return r;
    }
  }
  if (p.mode == VifMode::kCustom) {
    auto argv = p.scriptArgv;
    argv.push_back("online");
    if (auto r = runOk(argv, p.scriptEnv); !r) {
      return unexpected(fmt::format("hotplug script {}", r.error()));
    }
  }
  return Ok{};
}

}  // namespace

Expected<UniqueFd, std::string> plugVif(Netlink& nl, const VifPlan& p) {
  auto fd = openTap(p.ifname);
  if (!fd) {
    return unexpected(fd.error());
  }
  if (auto r = configure(nl, p); !r) {
    (void)unplugVif(nl, p, false);
    return unexpected(r.error());  // closing the fd removes the tap
  }
  return std::move(*fd);
}

std::vector<std::string> unplugVif(Netlink& nl, const VifPlan& p, bool deleteLink) {
  std::vector<std::string> problems;
  if (p.mode == VifMode::kCustom) {
    auto argv = p.scriptArgv;
    argv.push_back("offline");
    if (auto r = runOk(argv, p.scriptEnv); !r) {
      problems.push_back("hotplug script " + r.error());
    }
  } else {
    // Each family's table exists only if the ruleset made it.
    for (const char* family : {"netdev", "ip"}) {
      if (p.nftRuleset.find(fmt::format("table {} {}", family, p.nftTable)) != std::string::npos) {
        auto r = runArgv(nftDeleteArgv(p, family));
        if (r && r->status != 0 && r->output.find("No such file") == std::string::npos) {
          problems.push_back(fmt::format("nft delete table {} {}: {}", family, p.nftTable,
                                         r->output));
        }
      }
    }
  }
  if (deleteLink && linkIndex(p.ifname) != 0) {
    // Routes, addresses, qdiscs and the bridge port go with the link.
    if (auto r = nl.request(linkDel(0, p.ifname)); !r) {
      problems.push_back(r.error());
    }
  }
  return problems;
}

}  // namespace xenia::net
