// Resource methods: memory (balloon target, max) and vCPUs (hotplug count,
// list, pinning).
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <filesystem>

#include <fmt/format.h>

#include "config/model/cpu_spec.h"
#include "xend/daemon/daemon.h"
#include "xend/vm/affinity.h"
#include "xend/vm/proc_stat.h"

namespace xenia::xend {

namespace {

Expected<int64_t, RpcError> positive(const Json& p, const char* name) {
  auto v = paramInt(p, name);
  if (!v) {
    return unexpected(v.error());
  }
  if (*v <= 0) {
    return unexpected(RpcError{kEINVAL, fmt::format("Invalid value for '{}': {}.", name, *v)});
  }
  return *v;
}

}  // namespace

Result Daemon::mMemSet(const Json& p) {
  if (auto c = checkParams(p, {"dom", "mib"}); !c) {
    return unexpected(c.error());
  }
  auto mib = positive(p, "mib");
  if (!mib) {
    return unexpected(mib.error());
  }
  auto d = lookup(p);
  if (!d) {
    return unexpected(d.error());
  }
  Domain& dom = **d;
  if (*mib > dom.cfg.maxmem) {
    return rpcError(kEINVAL, fmt::format("Memory target {} MiB is above maxmem ({} MiB).", *mib,
                                         dom.cfg.maxmem));
  }
  if (dom.running()) {
    if (!dom.vm) {
      return rpcError(kEIO, "The domain's QEMU is not connected.");
    }
    if (auto r = dom.vm->balloon(*mib); !r) {
      return rpcError(kEIO, r.error());
    }
    dom.rec.memoryMiB = *mib;
    if (xs_ && xs_->connected()) {
      (void)xs_->write(fmt::format("/local/domain/{}/memory/target", *dom.domid),
                       std::to_string(*mib * 1024));
    }
    saveRecord(dom);
  } else {
    dom.cfg.memory = *mib;
    if (auto r = persistManaged(dom); !r) {
      return unexpected(r.error());
    }
  }
  return Json::object();
}

Result Daemon::mMemMax(const Json& p) {
  if (auto c = checkParams(p, {"dom", "mib"}); !c) {
    return unexpected(c.error());
  }
  auto mib = positive(p, "mib");
  if (!mib) {
    return unexpected(mib.error());
  }
  auto d = lookup(p);
  if (!d) {
    return unexpected(d.error());
  }
  Domain& dom = **d;
  // QEMU's RAM size is fixed at start: a running guest's maximum can only
  // shrink now (the balloon follows); a larger one applies from its next start.
  if (dom.running()) {
    if (*mib < dom.rec.memoryMiB) {
      if (!dom.vm) {
        return rpcError(kEIO, "The domain's QEMU is not connected.");
      }
      if (auto r = dom.vm->balloon(*mib); !r) {
        return rpcError(kEIO, r.error());
      }
      dom.rec.memoryMiB = *mib;
    }
    dom.rec.maxmemMiB = *mib;
  }
  dom.cfg.maxmem = *mib;
  dom.cfg.memory = std::min(dom.cfg.memory, *mib);
  if (dom.running()) {
    if (xs_ && xs_->connected()) {
      std::string base = fmt::format("/local/domain/{}/memory/", *dom.domid);
      (void)xs_->write(base + "static-max", std::to_string(*mib * 1024));
      (void)xs_->write(base + "target", std::to_string(dom.rec.memoryMiB * 1024));
    }
    saveRecord(dom);
  }
  if (dom.managed) {
    if (auto r = persistManaged(dom); !r) {
      return unexpected(r.error());
    }
  }
  return Json::object();
}

Result Daemon::mVcpuSet(const Json& p) {
  if (auto c = checkParams(p, {"dom", "count"}); !c) {
    return unexpected(c.error());
  }
  auto count = positive(p, "count");
  if (!count) {
    return unexpected(count.error());
  }
  auto d = lookup(p);
  if (!d) {
    return unexpected(d.error());
  }
  Domain& dom = **d;
  if (*count > dom.cfg.maxvcpus) {
    return rpcError(kEINVAL, fmt::format("Cannot set vcpus greater than max vcpus ({}).",
                                         dom.cfg.maxvcpus));
  }
  if (!dom.running()) {
    dom.cfg.vcpus = static_cast<int>(*count);
    if (auto r = persistManaged(dom); !r) {
      return unexpected(r.error());
    }
    return Json::object();
  }
  if (!dom.vm) {
    return rpcError(kEIO, "The domain's QEMU is not connected.");
  }
  auto n = dom.vm->setVcpuCount(static_cast<int>(*count));
  if (!n) {
    return rpcError(kEIO, n.error());
  }
  (void)dom.vm->vcpuThreads(true);
  dom.rec.onlineVcpus = *n;
  if (xs_ && xs_->connected()) {
    for (int i = 0; i < dom.cfg.maxvcpus; ++i) {
      (void)xs_->write(fmt::format("/local/domain/{}/cpu/{}/availability", *dom.domid, i),
                       i < *n ? "online" : "offline");
    }
  }
  saveRecord(dom);
  return Json::object();
}

Result Daemon::mVcpuList(const Json& p) {
  if (auto c = checkParams(p, {"doms"}); !c) {
    return unexpected(c.error());
  }
  std::vector<int> all = hostCpus();
  std::vector<Domain*> doms;
  bool withDom0 = true;
  auto it = p.find("doms");
  if (it != p.end() && !it->is_null()) {
    if (!it->is_array()) {
      return rpcError(kEINVAL, "Parameter 'doms' must be a list.");
    }
    withDom0 = false;
    for (const auto& v : *it) {
      std::string name = v.is_string() ? v.get<std::string>()
                         : v.is_number_integer() ? std::to_string(v.get<int64_t>())
                                                 : std::string();
      if (name == "0" || name == "Domain-0") {
        withDom0 = true;
        continue;
      }
      Domain* d = find(name);
      if (!d) {
        return rpcError(kESRCH, fmt::format("Domain '{}' does not exist.", name));
      }
      doms.push_back(d);
    }
  } else {
    doms = sortedDomains();
  }
  Json rows = Json::array();
  if (withDom0) {
    for (int i = 0; i < host_.nrCpus; ++i) {
      rows.push_back({{"name", "Domain-0"}, {"domid", 0}, {"number", i}, {"cpu", i},
                      {"online", true}, {"running", true}, {"blocked", false},
                      {"cpu_time", 0.0}, {"affinity", Json::array()}});
    }
  }
  for (Domain* d : doms) {
    if (!d->running() || !d->vm) {
      continue;
    }
    auto threads = d->vm->vcpuThreads(true);
    if (!threads) {
      return rpcError(kEIO, threads.error());
    }
    int online = 0;
    for (const auto& t : *threads) {
      auto st = readProcStat(d->vm->pid(), t.tid);
      auto aff = threadAffinity(t.tid);
      Json affinity = Json::array();
      if (aff && *aff != all) {
        affinity = *aff;
      }
      bool running = st && st->state == 'R';
      rows.push_back({{"name", d->cfg.name}, {"domid", *d->domid}, {"number", t.index},
                      {"cpu", lastCpu(d->vm->pid(), t.tid)}, {"online", true},
                      {"running", running}, {"blocked", !running},
                      {"cpu_time", st ? cpuSeconds(*st) : 0.0}, {"affinity", affinity}});
      ++online;
    }
    // Offline vCPUs (not plugged) up to maxvcpus.
    std::vector<int> present;
    for (const auto& t : *threads) {
      present.push_back(t.index);
    }
    for (int i = 0; i < d->cfg.maxvcpus; ++i) {
      if (std::find(present.begin(), present.end(), i) == present.end()) {
        rows.push_back({{"name", d->cfg.name}, {"domid", *d->domid}, {"number", i},
                        {"cpu", -1}, {"online", false}, {"running", false}, {"blocked", false},
                        {"cpu_time", 0.0}, {"affinity", Json::array()}});
      }
    }
  }
  return Json{{"nr_cpus", host_.nrCpus}, {"vcpus", rows}};
}

Result Daemon::mVcpuPin(const Json& p) {
  if (auto c = checkParams(p, {"dom", "vcpu", "cpus"}); !c) {
    return unexpected(c.error());
  }
  auto cpus = paramString(p, "cpus");
  if (!cpus) {
    return unexpected(cpus.error());
  }
  std::vector<int> set;
  if (*cpus != "all") {
    auto parsed = config::parseCpuSet(*cpus);
    if (!parsed) {
      return rpcError(kEINVAL, parsed.error());
    }
    set = parsed->cpus;
    std::vector<int> host = hostCpus();
    for (int c : set) {
      if (std::find(host.begin(), host.end(), c) == host.end()) {
        return rpcError(kEINVAL, fmt::format("Invalid CPU {}: the host has CPUs {}.", c,
                                             config::formatCpuSet(config::CpuSet{host})));
      }
    }
  }
  auto d = lookupRunning(p);
  if (!d) {
    return unexpected(d.error());
  }
  Domain& dom = **d;
  auto vcpuIt = p.find("vcpu");
  std::optional<int> vcpu;
  if (vcpuIt == p.end()) {
    return rpcError(kEINVAL, "Missing parameter 'vcpu'.");
  }
  if (vcpuIt->is_number_integer()) {
    vcpu = vcpuIt->get<int>();
  } else if (vcpuIt->is_string() && vcpuIt->get<std::string>() != "all") {
    auto parsed = config::parseCpuSet(vcpuIt->get<std::string>());
    if (!parsed || parsed->cpus.size() != 1) {
      return rpcError(kEINVAL, "Parameter 'vcpu' must be a number or \"all\".");
    }
    vcpu = parsed->cpus[0];
  } else if (!vcpuIt->is_string()) {
    return rpcError(kEINVAL, "Parameter 'vcpu' must be a number or \"all\".");
  }
  auto threads = dom.vm->vcpuThreads(true);
  if (!threads) {
    return rpcError(kEIO, threads.error());
  }
  bool found = false;
  for (const auto& t : *threads) {
    if (vcpu && t.index != *vcpu) {
      continue;
    }
    found = true;
    if (auto r = setThreadAffinity(t.tid, set); !r) {
      return rpcError(kEIO, r.error());
    }
  }
  if (!found) {
    return rpcError(kEINVAL, fmt::format("Invalid VCPU {} for domain '{}'.", vcpu.value_or(-1),
                                         dom.cfg.name));
  }
  return Json::object();
}

}  // namespace xenia::xend
