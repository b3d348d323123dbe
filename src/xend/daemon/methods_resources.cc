// Resource methods: memory (balloon target, max), vCPUs (hotplug count,
// list, pinning), the credit scheduler (cgroup), sysrq, triggers, core dumps.
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
        return rpcError(kENOENT, fmt::format("Domain '{}' does not exist.", name));
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

Result Daemon::mSchedCredit(const Json& p) {
  if (auto c = checkParams(p, {"dom", "weight", "cap"}); !c) {
    return unexpected(c.error());
  }
  auto row = [](const std::string& name, int domid, int weight, int cap) {
    return Json{{"name", name}, {"domid", domid}, {"weight", weight}, {"cap", cap}};
  };
  bool set = p.contains("weight") || p.contains("cap");
  if (!p.contains("dom")) {
    if (set) {
      return rpcError(kEINVAL, "Missing parameter 'dom'.");
    }
    Json rows = Json::array({row("Domain-0", 0, 256, 0)});
    for (Domain* d : sortedDomains()) {
      if (d->running()) {
        rows.push_back(row(d->cfg.name, *d->domid, d->rec.weight, d->rec.cap));
      }
    }
    return Json{{"domains", rows}};
  }
  auto dom = paramString(p, "dom");
  if (dom && (*dom == "0" || *dom == "Domain-0")) {
    if (set) {
      return rpcError(kEPERM, "Domain-0's scheduler parameters are the host's own.");
    }
    return Json{{"domains", Json::array({row("Domain-0", 0, 256, 0)})}};
  }
  auto d = lookup(p);
  if (!d) {
    return unexpected(d.error());
  }
  Domain& dm = **d;
  if (set) {
    auto weight = paramInt(p, "weight", dm.running() ? dm.rec.weight : dm.cfg.cpuWeight);
    auto cap = paramInt(p, "cap", dm.running() ? dm.rec.cap : dm.cfg.cpuCap);
    if (!weight) {
      return unexpected(weight.error());
    }
    if (!cap) {
      return unexpected(cap.error());
    }
    if (*weight < 1 || *weight > 65535) {
      return rpcError(kEINVAL, fmt::format("Invalid weight {}: it must be 1..65535.", *weight));
    }
    if (*cap < 0 || *cap > 100 * static_cast<int64_t>(host_.nrCpus)) {
      return rpcError(kEINVAL, fmt::format("Invalid cap {}: it must be 0..{}.", *cap,
                                           100 * host_.nrCpus));
    }
    if (dm.running() && dm.cgroup.valid()) {
      if (auto r = dm.cgroup.apply(static_cast<int>(*weight), static_cast<int>(*cap)); !r) {
        return rpcError(kEIO, r.error());
      }
    }
    dm.cfg.cpuWeight = static_cast<int>(*weight);
    dm.cfg.cpuCap = static_cast<int>(*cap);
    if (dm.running()) {
      dm.rec.weight = dm.cfg.cpuWeight;
      dm.rec.cap = dm.cfg.cpuCap;
      saveRecord(dm);
    }
    if (dm.managed) {
      if (auto r = persistManaged(dm); !r) {
        return unexpected(r.error());
      }
    }
  }
  int w = dm.running() ? dm.rec.weight : dm.cfg.cpuWeight;
  int c = dm.running() ? dm.rec.cap : dm.cfg.cpuCap;
  return Json{{"domains", Json::array({row(dm.cfg.name, dm.domid.value_or(-1), w, c)})}};
}

Result Daemon::mSysrq(const Json& p) {
  if (auto c = checkParams(p, {"dom", "key"}); !c) {
    return unexpected(c.error());
  }
  auto key = paramString(p, "key");
  if (!key) {
    return unexpected(key.error());
  }
  if (key->size() != 1) {
    return rpcError(kEINVAL, fmt::format("Invalid sysrq key '{}'.", *key));
  }
  auto d = lookupRunning(p);
  if (!d) {
    return unexpected(d.error());
  }
  Domain& dom = **d;
  if (xs_ && xs_->connected()) {
    (void)xs_->write(fmt::format("/local/domain/{}/control/sysrq", *dom.domid), *key);
  }
  if (auto r = dom.vm->sysrq((*key)[0]); !r) {
    return rpcError(kEINVAL, r.error());
  }
  return Json::object();
}

Result Daemon::mTrigger(const Json& p) {
  if (auto c = checkParams(p, {"dom", "trigger", "vcpu"}); !c) {
    return unexpected(c.error());
  }
  auto trigger = paramString(p, "trigger");
  if (!trigger) {
    return unexpected(trigger.error());
  }
  auto vcpu = paramInt(p, "vcpu", 0);
  if (!vcpu) {
    return unexpected(vcpu.error());
  }
  auto d = lookupRunning(p);
  if (!d) {
    return unexpected(d.error());
  }
  Vm& vm = *(*d)->vm;
  Expected<Ok, std::string> r = Ok{};
  if (*trigger == "nmi") {
    r = vm.injectNmi();
  } else if (*trigger == "reset") {
    r = vm.reset();
  } else if (*trigger == "s3resume") {
    r = vm.wakeup();
  } else if (*trigger == "power") {
    r = vm.powerdown();
  } else if (*trigger == "init") {
    return rpcError(kENOSYS, "QEMU cannot send an INIT to one vCPU.");
  } else {
    return rpcError(kEINVAL, fmt::format("Invalid trigger: {}", *trigger));
  }
  if (!r) {
    return rpcError(kEIO, r.error());
  }
  return Json::object();
}

Result Daemon::mDumpCore(const Json& p) {
  if (auto c = checkParams(p, {"dom", "file", "live", "crash", "reset"}); !c) {
    return unexpected(c.error());
  }
  auto live = paramBool(p, "live", false);
  auto crash = paramBool(p, "crash", false);
  auto reset = paramBool(p, "reset", false);
  if (!live || !crash || !reset) {
    return unexpected(!live ? live.error() : !crash ? crash.error() : reset.error());
  }
  auto d = lookupRunning(p);
  if (!d) {
    return unexpected(d.error());
  }
  Domain& dom = **d;
  std::string file;
  if (auto f = paramString(p, "file", ""); !f) {
    return unexpected(f.error());
  } else {
    file = *f;
  }
  if (file.empty()) {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    ::localtime_r(&t, &tm);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y-%m%d-%H%M.%S", &tm);
    std::error_code ec;
    std::filesystem::create_directories(opts_.dumpDir, ec);
    file = fmt::format("{}/{}-{}.{}.core", opts_.dumpDir, stamp, dom.cfg.name, *dom.domid);
  } else if (file[0] != '/') {
    return rpcError(kEINVAL, fmt::format("The dump file '{}' must be an absolute path.", file));
  }
  // QEMU stops the guest while it writes the dump and resumes it after, so
  // a non-live dump is what it does anyway; -L changes nothing here.
  if (auto r = dom.vm->dumpCore(file); !r) {
    return rpcError(kEIO, r.error());
  }
  event(fmt::format("Domain {} ({}): core dumped to {}.", dom.cfg.name, *dom.domid, file));
  if (*crash) {
    teardown(dom);
  } else if (*reset) {
    if (auto r = dom.vm->reset(); !r) {
      return rpcError(kEIO, r.error());
    }
  }
  return Json{{"file", file}};
}

}  // namespace xenia::xend
