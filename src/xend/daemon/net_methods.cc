// xm network-attach / network-detach / network-list (docs/specs/xend-protocol.md
// "domain.network_*"): hotplug through QMP getfd + netdev_add + device_add,
// unplug through device_del (the guest's ACPI eject) + netdev_del, with the
// host side planned and undone as for a vif of the config.
#include <algorithm>
#include <chrono>
#include <thread>

#include <fmt/format.h>

#include "config/model/net_spec.h"
#include "net/io/vif_io.h"
#include "net/plan/mac.h"
#include "qemu/qmp/commands.h"
#include "xend/daemon/daemon.h"

namespace xenia::xend {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// The guest NIC for a hotplugged vif, as qemu/argv/nic.cc picks it at boot.
std::string nicDriver(const config::DomainConfig& cfg, const config::Vif& v) {
  if (cfg.type != config::GuestType::kHvm || v.type == config::VifType::kNetfront) {
    return "virtio-net-pci";
  }
  if (v.model.empty()) {
    return "rtl8139";
  }
  if (v.model == "virtio" || v.model == "virtio-net") {
    return "virtio-net-pci";
  }
  return v.model;
}

bool deviceGone(Vm& vm, const std::string& id) {
  auto r = vm.call(qmp::Command("qom-list", {{"path", "/machine/peripheral"}}));
  if (!r || !r->is_array()) {
    return false;
  }
  for (const auto& e : *r) {
    if (e.value("name", "") == id) {
      return false;
    }
  }
  return true;
}

}  // namespace

void Daemon::writeVifXsNodes(const Domain& d, const net::VifPlan& p) {
  if (!xs_ || !xs_->connected() || !d.domid) {
    return;
  }
  int id = *d.domid;
  std::string back = fmt::format("/local/domain/0/backend/vif/{}/{}", id, p.devid);
  std::string front = fmt::format("/local/domain/{}/device/vif/{}", id, p.devid);
  std::vector<std::pair<std::string, std::string>> nodes = {
      {front + "/backend", back},     {front + "/backend-id", "0"},
      {front + "/state", "4"},        {front + "/handle", std::to_string(p.devid)},
      {front + "/mac", p.mac},        {back + "/frontend", front},
      {back + "/frontend-id", std::to_string(id)}, {back + "/online", "1"},
      {back + "/state", "4"},         {back + "/handle", std::to_string(p.devid)},
      {back + "/mac", p.mac},         {back + "/vifname", p.ifname},
      {back + "/script", p.script[0] == '/' ? p.script : "/etc/xen/scripts/" + p.script},
      {back + "/domain", d.cfg.name},
  };
  if (!p.bridge.empty()) {
    nodes.emplace_back(back + "/bridge", p.bridge);
  }
  if (!p.ips.empty()) {
    std::string ips;
    for (const auto& ip : p.ips) {
      ips += (ips.empty() ? "" : " ") + ip;
    }
    nodes.emplace_back(back + "/ip", ips);
  }
  for (const auto& [path, value] : nodes) {
    (void)xs_->write(path, value);
  }
}

void Daemon::removeVifXsNodes(int domid, int devid) {
  if (!xs_ || !xs_->connected()) {
    return;
  }
  (void)xs_->rm(fmt::format("/local/domain/0/backend/vif/{}/{}", domid, devid));
  (void)xs_->rm(fmt::format("/local/domain/{}/device/vif/{}", domid, devid));
}

void Daemon::saveVifChange(Domain& d) {
  if (d.running()) {
    saveRecord(d);
  }
  // As xend's managed_config_save after device_create/destroy: the next
  // `xm start` (also after an xend restart) has the same vifs and MACs.
  if (d.managed) {
    if (auto r = persistManaged(d); !r) {
      event(fmt::format("Domain {}: {}", d.cfg.name, r.error().message));
    }
  }
}

// A halted managed domain: the vif only goes into its stored config, as
// xend's device_create did for a domain without a domid.
Result Daemon::attachHaltedVif(Domain& dom, config::Vif vif) {
  auto& vifs = dom.cfg.vifs;
  if (static_cast<int>(vifs.size()) >= net::kMaxVifsPerDomain) {
    return rpcError(kEINVAL, fmt::format("A domain has at most {} vifs.", net::kMaxVifsPerDomain));
  }
  if (std::any_of(vifs.begin(), vifs.end(),
                  [&](const config::Vif& v) { return lower(v.mac) == lower(vif.mac); })) {
    return rpcError(kEEXIST, fmt::format("MAC {} is already a vif of {}.", vif.mac,
                                         dom.cfg.name));
  }
  int devid = static_cast<int>(vifs.size());
  vifs.push_back(std::move(vif));
  saveVifChange(dom);
  event(fmt::format("Domain {}: vif {} ({}) added to its config.", dom.cfg.name, devid,
                    vifs.back().mac));
  return Json{{"devid", devid}, {"ifname", ""}, {"mac", vifs.back().mac}};
}

Result Daemon::detachHaltedVif(Domain& dom, const std::string& dev) {
  auto& vifs = dom.cfg.vifs;
  for (size_t i = 0; i < vifs.size(); ++i) {
    if (std::to_string(i) == dev || lower(vifs[i].mac) == lower(dev)) {
      event(fmt::format("Domain {}: vif {} ({}) removed from its config.", dom.cfg.name, i,
                        vifs[i].mac));
      vifs.erase(vifs.begin() + static_cast<std::ptrdiff_t>(i));
      saveVifChange(dom);
      return Json::object();
    }
  }
  return rpcError(kENOENT, fmt::format("Device {} not connected", dev));
}

Result Daemon::mNetworkAttach(const Json& p) {
  auto d = checkedLookup(p, {"dom", "spec"});
  if (!d) {
    return unexpected(d.error());
  }
  Domain& dom = **d;
  auto spec = paramString(p, "spec");
  if (!spec) {
    return unexpected(spec.error());
  }
  auto vif = config::parseVifSpec(*spec);
  if (!vif) {
    return rpcError(kEINVAL, vif.error());
  }
  if (vif->mac.empty()) {
    vif->mac = config::randomMac(*rng_);
  }
  if (!dom.running() && dom.managed) {
    return attachHaltedVif(dom, std::move(*vif));
  }
  if (!dom.running() || !dom.vm) {
    return rpcError(kEINVAL, fmt::format("Domain '{}' is not running.", dom.cfg.name));
  }
  auto plans = loadVifPlans(dom.runDir);
  if (static_cast<int>(plans.size()) >= net::kMaxVifsPerDomain) {
    return rpcError(kEINVAL, fmt::format("A domain has at most {} vifs.", net::kMaxVifsPerDomain));
  }
  int devid = 0;
  while (std::any_of(plans.begin(), plans.end(), [&](const auto& q) { return q.devid == devid; })) {
    ++devid;
  }
  if (auto e = net::macConflict(macsInUse(nullptr), {vif->mac}, dom.cfg.name)) {
    return rpcError(kEEXIST, *e);
  }
  auto plan = planVifFor(dom, *dom.domid, devid, *vif);
  if (!plan) {
    return unexpected(plan.error());
  }
  auto nl = net::Netlink::open();
  if (!nl) {
    return rpcError(kEIO, nl.error());
  }
  plans.push_back(*plan);
  if (auto s = saveVifPlans(dom.runDir, plans); !s) {
    return unexpected(s.error());
  }
  auto fd = net::plugVif(*nl, *plan);
  if (!fd) {
    plans.pop_back();
    (void)saveVifPlans(dom.runDir, plans);
    return rpcError(kEIO, fd.error());
  }
  std::string fdName = fmt::format("vif-fd{}", devid);
  std::string netdev = fmt::format("net{}", devid);
  std::string devId = fmt::format("vif{}", devid);
  auto fail = [&](const std::string& what, const qmp::Error& e) -> Result {
    (void)dom.vm->call(qmp::cmd::netdevDel(netdev));
    (void)dom.vm->call(qmp::cmd::closefd(fdName));
    (void)net::unplugVif(*nl, *plan);
    plans.pop_back();
    (void)saveVifPlans(dom.runDir, plans);
    return rpcError(kEIO, fmt::format("{}: {}", what, e.message()));
  };
  if (auto r = dom.vm->call(qmp::cmd::getfd(fdName, std::move(*fd))); !r) {
    return fail("getfd", r.error());
  }
  if (auto r = dom.vm->call(qmp::cmd::netdevAdd("tap", netdev, {{"fd", fdName}})); !r) {
    return fail("netdev_add", r.error());
  }
  if (auto r = dom.vm->call(qmp::cmd::deviceAdd(nicDriver(dom.cfg, *vif), devId,
                                                {{"netdev", netdev}, {"mac", vif->mac}}));
      !r) {
    return fail("device_add", r.error());
  }
  writeVifXsNodes(dom, *plan);
  dom.cfg.vifs.push_back(*vif);
  saveVifChange(dom);
  event(fmt::format("Domain {}: vif {} ({}, {}) attached.", *dom.domid, devid, plan->ifname,
                    plan->mac));
  return Json{{"devid", devid}, {"ifname", plan->ifname}, {"mac", plan->mac}};
}

Result Daemon::mNetworkDetach(const Json& p) {
  auto d = checkedLookup(p, {"dom", "dev", "force"});
  if (!d) {
    return unexpected(d.error());
  }
  Domain& dom = **d;
  auto dev = paramString(p, "dev");
  if (!dev) {
    return unexpected(dev.error());
  }
  auto force = paramBool(p, "force", false);
  if (!force) {
    return unexpected(force.error());
  }
  if (!dom.running() && dom.managed) {
    return detachHaltedVif(dom, *dev);
  }
  if (!dom.running() || !dom.vm) {
    return rpcError(kEINVAL, fmt::format("Domain '{}' is not running.", dom.cfg.name));
  }
  auto plans = loadVifPlans(dom.runDir);
  auto it = std::find_if(plans.begin(), plans.end(), [&](const net::VifPlan& q) {
    return std::to_string(q.devid) == *dev || lower(q.mac) == lower(*dev);
  });
  if (it == plans.end()) {
    return rpcError(kENOENT, fmt::format("Device {} not connected", *dev));
  }
  net::VifPlan plan = *it;
  std::string devId = fmt::format("vif{}", plan.devid);
  (void)dom.vm->call(qmp::cmd::deviceDel(devId));
  // The guest acknowledges the ACPI eject; without -f a guest that never
  // does keeps its NIC (as a Xen frontend that never closes).
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  bool gone = deviceGone(*dom.vm, devId);
  while (!gone && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    gone = deviceGone(*dom.vm, devId);
  }
  if (!gone && !*force) {
    return rpcError(kEBUSY, fmt::format("Device {} (vif) could not be disconnected. ", plan.devid));
  }
  (void)dom.vm->call(qmp::cmd::netdevDel(fmt::format("net{}", plan.devid)));
  if (auto nl = net::Netlink::open()) {
    for (const auto& problem : net::unplugVif(*nl, plan)) {
      event(fmt::format("Domain {}: {}", *dom.domid, problem));
    }
  }
  releaseLeases(plan);
  plans.erase(std::find_if(plans.begin(), plans.end(),
                           [&](const net::VifPlan& q) { return q.devid == plan.devid; }));
  (void)saveVifPlans(dom.runDir, plans);
  removeVifXsNodes(*dom.domid, plan.devid);
  auto& vifs = dom.cfg.vifs;
  vifs.erase(std::remove_if(vifs.begin(), vifs.end(),
                            [&](const config::Vif& v) { return lower(v.mac) == lower(plan.mac); }),
             vifs.end());
  saveVifChange(dom);
  event(fmt::format("Domain {}: vif {} ({}) detached.", *dom.domid, plan.devid, plan.ifname));
  return Json::object();
}

Result Daemon::mNetworkList(const Json& p) {
  auto d = checkedLookup(p, {"dom"});
  if (!d) {
    return unexpected(d.error());
  }
  Domain& dom = **d;
  Json out = Json::array();
  if (!dom.running()) {
    return out;
  }
  for (const auto& v : loadVifPlans(dom.runDir)) {
    std::string rate;
    for (const auto& c : dom.cfg.vifs) {
      if (lower(c.mac) == lower(v.mac) && c.rate) {
        rate = c.rate->spec;
      }
    }
    out.push_back({{"idx", v.devid},
                   {"backend-id", 0},
                   {"mac", v.mac},
                   {"handle", v.devid},
                   {"state", 4},
                   {"vifname", v.ifname},
                   {"bridge", v.bridge},
                   {"mode", net::vifModeName(v.mode)},
                   {"script", v.script},
                   {"ip", v.ips},
                   {"rate", rate},
                   {"be-path", fmt::format("/local/domain/0/backend/vif/{}/{}", *dom.domid,
                                           v.devid)}});
  }
  return out;
}

}  // namespace xenia::xend
