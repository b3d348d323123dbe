// Domain networking in xend (docs/design/networking.md): the host setup from
// network-script at start, MAC checks, plugging every vif of a new domain
// (taps handed to QEMU by fd), and unplugging from the plans kept in the run
// dir's net.json, which also lets a restarted xend clean up after a crash.
#include <filesystem>
#include <fstream>
#include <set>

#include <fmt/format.h>

#include "net/io/host_io.h"
#include "net/io/tap.h"
#include "net/io/vif_io.h"
#include "net/plan/host_plan.h"
#include "net/plan/mac.h"
#include "net/plan/rtnl.h"
#include "net/plan/vif_json.h"
#include "net/plan/vif_report.h"
#include "xend/daemon/daemon.h"
#include "xend/vm/vm_record.h"

namespace xenia::xend {

namespace {

std::string netFile(const std::string& runDir) { return runDir + "/net.json"; }

net::HostNetPlan hostPlan(const XendOptions& o) {
  auto p = net::parseNetworkScript(o.networkScript);
  return p ? *p : net::HostNetPlan{};
}

}  // namespace

std::vector<net::VifPlan> Daemon::loadVifPlans(const std::string& runDir) {
  std::vector<net::VifPlan> out;
  auto text = readSmallFile(netFile(runDir), 1 << 20);
  if (!text) {
    return out;
  }
  auto j = Json::parse(*text, nullptr, false);
  if (!j.is_array()) {
    return out;
  }
  for (const auto& e : j) {
    if (auto p = net::vifPlanFromJson(nlohmann::json::parse(e.dump()))) {
      out.push_back(*p);
    }
  }
  return out;
}

Expected<Ok, RpcError> Daemon::saveVifPlans(const std::string& runDir,
                                            const std::vector<net::VifPlan>& plans) {
  Json j = Json::array();
  for (const auto& p : plans) {
    j.push_back(Json::parse(net::vifPlanToJson(p).dump()));
  }
  if (auto w = writeFileAtomic(netFile(runDir), j.dump(1) + "\n"); !w) {
    return rpcError(kEIO, w.error());
  }
  return Ok{};
}

void Daemon::startNetwork() {
  auto plan = net::parseNetworkScript(opts_.networkScript);
  if (!plan) {
    event("network-script: " + plan.error() + " No host network set up.");
  } else if (!plan->specs.empty()) {
    auto nl = net::Netlink::open();
    if (!nl) {
      event("Host network: " + nl.error());
    } else if (auto notes = net::setupHostNet(*nl, *plan, opts_.runPath); !notes) {
      event("Host network setup failed: " + notes.error());
    } else {
      for (const auto& n : *notes) {
        event("Host network: " + n);
      }
    }
  }
  // nftables tables of domains that died while no xend was watching.
  std::set<int> running;
  for (const auto& [k, d] : domains_) {
    if (d->domid) {
      running.insert(*d->domid);
    }
  }
  for (const auto& t : net::removeStaleVifTables(running)) {
    event("Removed stale nftables table " + t);
  }
}

void Daemon::stopNetwork() { net::stopDnsmasq(hostPlan(opts_), opts_.runPath); }

std::vector<net::MacUse> Daemon::macsInUse(const Domain* except) {
  std::vector<net::MacUse> used;
  for (const auto& [k, d] : domains_) {
    if (d.get() == except || !d->running()) {
      continue;
    }
    for (const auto& p : loadVifPlans(d->runDir)) {
      used.push_back({d->cfg.name, p.devid, p.mac});
    }
  }
  return used;
}

Expected<net::VifPlan, RpcError> Daemon::planVifFor(const Domain& d, int domid, int devid,
                                                    const config::Vif& vif) {
  net::HostNetPlan host = hostPlan(opts_);
  net::VifInput in;
  in.domid = domid;
  in.devid = devid;
  in.vif = vif;
  in.defaultBridge = host.defaultBridge;
  in.defaultScript = opts_.vifScript.empty() ? "vif-bridge" : opts_.vifScript;
  std::string gw = !vif.gatewaydev.empty() ? vif.gatewaydev : host.routeNetdev;
  if (!gw.empty()) {
    if (auto a = net::ipv4Of(gw)) {
      in.mainIp = net::formatIpv4(a->first);
    }
  }
  auto p = net::planVif(in);
  if (!p) {
    return rpcError(kEINVAL, fmt::format("vif {} of {}: {}", devid, d.cfg.name, p.error()));
  }
  return *p;
}

Expected<std::vector<UniqueFd>, RpcError> Daemon::plugVifs(const Domain& d, int domid,
                                                           const std::string& runDir,
                                                           qemu::HostFacts& facts) {
  std::vector<UniqueFd> fds;
  if (d.cfg.vifs.empty()) {
    return fds;
  }
  if (static_cast<int>(d.cfg.vifs.size()) > net::kMaxVifsPerDomain) {
    return rpcError(kEINVAL, fmt::format("A domain has at most {} vifs.", net::kMaxVifsPerDomain));
  }
  std::vector<std::string> macs;
  for (const auto& v : d.cfg.vifs) {
    macs.push_back(v.mac);
  }
  if (auto e = net::macConflict(macsInUse(&d), macs, d.cfg.name)) {
    return rpcError(kEEXIST, *e);
  }
  std::vector<net::VifPlan> plans;
  for (size_t i = 0; i < d.cfg.vifs.size(); ++i) {
    auto p = planVifFor(d, domid, static_cast<int>(i), d.cfg.vifs[i]);
    if (!p) {
      return unexpected(p.error());
    }
    plans.push_back(*p);
  }
  auto nl = net::Netlink::open();
  if (!nl) {
    return rpcError(kEIO, nl.error());
  }
  // Recorded before plugging: a crash half-way leaves a plan to undo.
  if (auto s = saveVifPlans(runDir, plans); !s) {
    return unexpected(s.error());
  }
  for (size_t i = 0; i < plans.size(); ++i) {
    auto fd = net::plugVif(*nl, plans[i]);
    if (!fd) {
      for (size_t j = 0; j < i; ++j) {
        (void)net::unplugVif(*nl, plans[j]);
      }
      return rpcError(kEIO, fmt::format("vif {} of {}: {}", i, d.cfg.name, fd.error()));
    }
    facts.taps[i].ifname = plans[i].ifname;
    facts.taps[i].fd = fd->get();
    fds.push_back(std::move(*fd));
  }
  return fds;
}

void Daemon::unplugVifs(int domid, const std::string& runDir) {
  auto plans = loadVifPlans(runDir);
  if (plans.empty()) {
    return;
  }
  auto nl = net::Netlink::open();
  if (!nl) {
    event(fmt::format("Domain {}: cannot unplug vifs: {}", domid, nl.error()));
    return;
  }
  for (const auto& p : plans) {
    for (const auto& problem : net::unplugVif(*nl, p)) {
      event(fmt::format("Domain {}: {}", domid, problem));
    }
    releaseLeases(p);
  }
  std::error_code ec;
  std::filesystem::remove(netFile(runDir), ec);
}

void Daemon::releaseLeases(const net::VifPlan& p) {
  for (const auto& problem : net::releaseDhcpLeases(hostPlan(opts_), opts_.runPath, p)) {
    event(fmt::format("Domain {}: {}", p.domid, problem));
  }
}

void Daemon::appendVifInfo(Json& info) {
  std::vector<net::VifInfoRow> rows;
  for (const auto& [k, d] : domains_) {
    if (!d->running()) {
      continue;
    }
    for (const auto& plan : loadVifPlans(d->runDir)) {
      net::VifInfoRow row{d->cfg.name, plan, ""};
      for (const auto& v : d->cfg.vifs) {
        if (v.rate && net::parseMacBytes(v.mac) == net::parseMacBytes(plan.mac)) {
          row.rate = v.rate->spec;
        }
      }
      rows.push_back(std::move(row));
    }
  }
  for (const auto& [key, value] : net::vifInfoPairs(std::move(rows))) {
    info.push_back(Json::array({key, value}));
  }
}

}  // namespace xenia::xend
