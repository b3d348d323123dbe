// Control methods: the credit scheduler (the domain's cgroup), sysrq keys,
// triggers (NMI, reset, power button, S3 wake-up) and core dumps.
#include <ctime>
#include <filesystem>

#include <fmt/format.h>

#include "xend/daemon/daemon.h"

namespace xenia::xend {

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
