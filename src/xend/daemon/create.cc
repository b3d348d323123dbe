// Creating a domain (docs/design/xend.md "Creating a domain"): validation,
// domid allocation and host facts (host_facts.cc), XenStore INTRODUCE plus
// one transaction of nodes, the pure argv, QEMU spawn with QMP and console,
// cgroup, balloon, cont, then what the guest need not wait for (serial pty,
// vm.json). Every failure before cont undoes the steps already done, in
// reverse.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <functional>
#include <vector>

#include <fmt/format.h>

#include "config/model/json.h"
#include "qemu/argv/argv.h"
#include "qemu/qmp/commands.h"
#include "xend/daemon/daemon.h"
#include "xend/model/memory.h"
#include "xend/model/vnc.h"
#include "xend/vm/affinity.h"
#include "xend/vm/vm_record.h"

namespace xenia::xend {

namespace fs = std::filesystem;

namespace {

double nowEpoch() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

// Undo actions, run in reverse unless dismissed.
class Undo {
 public:
  ~Undo() {
    if (armed_) {
      for (auto it = steps_.rbegin(); it != steps_.rend(); ++it) {
        (*it)();
      }
    }
  }
  void add(std::function<void()> f) { steps_.push_back(std::move(f)); }
  void dismiss() { armed_ = false; }

 private:
  std::vector<std::function<void()>> steps_;
  bool armed_ = true;
};

double msSince(std::chrono::steady_clock::time_point from,
               std::chrono::steady_clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

// The serial pty, for xm console's "pty" and XenStore console/tty.
std::string serialPty(Vm& vm) {
  if (auto r = vm.call(qmp::Command("query-chardev")); r && r->is_array()) {
    for (const auto& c : *r) {
      if (c.value("label", "") == "charserial0") {
        std::string fn = c.value("filename", "");
        if (fn.rfind("pty:", 0) == 0) {
          return fn.substr(4);
        }
      }
    }
  }
  return "";
}

}  // namespace

Expected<config::DomainConfig, RpcError> Daemon::parseConfig(const Json& j) {
  if (!j.is_object()) {
    return rpcError(kEINVAL, "Parameter 'config' must be a domain configuration object.");
  }
  auto cfg = config::domainFromJson(j, *rng_);
  if (!cfg) {
    return rpcError(kEINVAL, cfg.error().format());
  }
  return *cfg;
}

Expected<Ok, RpcError> Daemon::checkUnique(const config::DomainConfig& cfg, const Domain* self) {
  for (const auto& [k, d] : domains_) {
    if (d.get() == self) {
      continue;
    }
    if (d->cfg.name == cfg.name) {
      return rpcError(kEEXIST, fmt::format("Domain '{}' already exists with ID '{}'", cfg.name,
                                           d->domid ? std::to_string(*d->domid) : ""));
    }
    if (d->cfg.uuid == cfg.uuid) {
      return rpcError(kEEXIST, fmt::format("Domain '{}' already exists with UUID {} ('{}').",
                                           cfg.name, cfg.uuid, d->cfg.name));
    }
  }
  if (cfg.name == "Domain-0") {
    return rpcError(kEEXIST, "Domain 'Domain-0' already exists with ID '0'");
  }
  return Ok{};
}

Expected<Ok, RpcError> Daemon::checkFits(const config::DomainConfig& cfg, const Domain* self) {
  MemoryVerdict v = checkMemory(cfg.name, cfg.maxmem, hostTotalMiB(), opts_.dom0MinMem,
                                committedMiB(self));
  if (!v.ok) {
    return rpcError(kENOMEM, v.message);
  }
  for (const std::string* f : {&cfg.kernel, &cfg.ramdisk}) {
    if (!f->empty() && ::access(f->c_str(), R_OK) != 0) {
      return rpcError(kENOENT, fmt::format("Kernel image does not exist: {}", *f));
    }
  }
  return Ok{};
}

VmCallbacks Daemon::vmCallbacks(uint64_t key) {
  VmCallbacks cb;
  cb.onState = [this, key](RunState s) { onVmState(key, s); };
  cb.onGuestExit = [this, key](GuestExit e) { onGuestExit(key, e); };
  cb.onProcessExit = [this, key](int status) { onProcessExit(key, status); };
  return cb;
}

void Daemon::saveRecord(Domain& d) {
  if (!d.running()) {
    return;
  }
  d.rec.name = d.cfg.name;
  d.rec.uuid = d.cfg.uuid;
  d.rec.managed = d.managed;
  d.rec.config = config::domainToJson(d.cfg);
  if (auto r = saveVmRecord(d.runDir + "/vm.json", d.rec); !r) {
    event(fmt::format("Domain {}: {}", *d.domid, r.error()));
  }
}

Expected<int, RpcError> Daemon::startDomain(Domain& d, bool paused,
                                            const std::string& restoreFrom) {
  std::unique_ptr<Vm> vmHolder;  // outlives `undo`, which may need it
  Undo undo;
  auto t0 = std::chrono::steady_clock::now();
  auto domid = allocateDomid();
  if (!domid) {
    return unexpected(domid.error());
  }
  int id = *domid;
  std::string runDir = opts_.runPath + "/domains/" + std::to_string(id);
  std::error_code ec;
  fs::remove_all(runDir, ec);
  if (::mkdir(runDir.c_str(), 0700) != 0) {
    return rpcError(kEIO, fmt::format("Cannot create {}: {}.", runDir, std::strerror(errno)));
  }
  undo.add([runDir] {
    std::error_code e;
    fs::remove_all(runDir, e);
  });

  d.rec = VmRecord{};
  d.rec.domid = id;
  d.rec.startTime = nowEpoch();
  d.rec.accel = accel_;
  d.rec.memoryMiB = d.cfg.memory;
  d.rec.maxmemMiB = d.cfg.maxmem;
  d.rec.onlineVcpus = d.cfg.vcpus;
  d.rec.weight = d.cfg.cpuWeight;
  d.rec.cap = d.cfg.cpuCap;
  d.rec.consoleLog = opts_.logDir + "/console/guest-" + d.cfg.name + ".log";

  if (auto r = checkDisksSharing(d); !r) {
    return unexpected(r.error());
  }
  config::DomainConfig cfgCopy = d.cfg;
  undo.add([this, cfgCopy, id] { removeXsNodes(cfgCopy, id); });
  if (auto r = prepareVnc(d); !r) {
    return unexpected(r.error());
  }
  if (auto r = writeXsNodes(d, id); !r) {
    return unexpected(r.error());
  }

  auto facts = hostFacts(d, id, runDir);
  if (!facts) {
    return unexpected(facts.error());
  }
  undo.add([this, id, runDir] { unplugVifs(id, runDir); });
  auto taps = plugVifs(d, id, runDir, *facts);  // net_vifs.cc
  if (!taps) {
    return unexpected(taps.error());
  }
  auto argv = qemu::buildArgv(withVncDefaults(d.cfg, opts_), *facts);
  if (!argv) {
    return rpcError(kEINVAL, argv.error().format());
  }
  std::vector<int> inherit;
  for (const UniqueFd& t : *taps) {
    inherit.push_back(t.get());
  }
  UniqueFd incoming;
  if (!restoreFrom.empty()) {
    incoming.reset(::open(restoreFrom.c_str(), O_RDONLY | O_CLOEXEC));
    if (!incoming) {
      return rpcError(kEIO, fmt::format("Cannot open {}: {}.", restoreFrom, std::strerror(errno)));
    }
    inherit.push_back(incoming.get());
    argv->push_back("-incoming");
    argv->push_back(fmt::format("fd:{}", incoming.get()));
  }

  VmPaths paths;
  paths.qmpSocket = facts->qmpSocket;
  paths.consoleSocket = d.cfg.type == config::GuestType::kPv ? facts->console.path : "";
  paths.muxSocket = runDir + "/console-mux.sock";
  paths.qemuLog = opts_.logDir + "/qemu-dm-" + d.cfg.name + ".log";
  auto vm = Vm::spawn(loop_, *argv, paths, vmCallbacks(d.key), inherit);
  if (!vm) {
    return rpcError(kEIO, fmt::format("Device model (QEMU) failed: {}", vm.error()));
  }
  incoming.reset();
  vmHolder = std::move(*vm);
  Vm* vmp = vmHolder.get();
  undo.add([&vmHolder] {
    if (vmHolder) {
      vmHolder->terminate(std::chrono::milliseconds(0));
    }
  });

  d.rec.startup.execMs = msSince(t0, vmp->spawnedAt());
  d.rec.startup.readyMs = msSince(t0, vmp->readyAt());

  if (auto r = setupGuestAccess(d, *vmp, id); !r) {
    return unexpected(r.error());
  }

  if (!restoreFrom.empty()) {
    // -incoming: QEMU loads the image, then stays paused (-S).
    auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
    for (;;) {
      auto st = vmp->call(qmp::cmd::queryStatus());
      if (!st) {
        return rpcError(kEIO, "Restore failed: " + st.error().message());
      }
      std::string status = st->value("status", "");
      if (status != "inmigrate") {
        break;
      }
      if (std::chrono::steady_clock::now() > deadline) {
        return rpcError(kETIMEDOUT, "Restore did not finish within 5 minutes.");
      }
      ::usleep(50000);
    }
    auto mig = vmp->call(qmp::cmd::queryMigrate());
    if (mig && mig->value("status", "") == "failed") {
      return rpcError(kEIO, "Restore failed: " + mig->value("error-desc", std::string("")));
    }
  }

  // CPU cgroup (credit scheduler) and hard affinity: best effort.
  if (cgroupRoot_.version != CgroupVersion::kNone) {
    auto g = DomainCgroup::create(cgroupRoot_, cgroupParent_, id);
    if (g) {
      d.cgroup = *g;
      if (auto a = d.cgroup.addProcess(vmp->pid()); !a) {
        event(fmt::format("Domain {}: {}", id, a.error()));
      }
      if (auto a = d.cgroup.apply(d.cfg.cpuWeight, d.cfg.cpuCap); !a) {
        event(fmt::format("Domain {}: {}", id, a.error()));
      }
    } else {
      event(fmt::format("Domain {}: no CPU cgroup: {}", id, g.error()));
    }
  }
  // Vm::spawn has just listed them: no second query while the guest waits.
  if (auto threads = vmp->vcpuThreads()) {
    for (const auto& t : *threads) {
      const config::CpuSet* set = nullptr;
      if (d.cfg.cpus) {
        set = &*d.cfg.cpus;
      } else if (static_cast<size_t>(t.index) < d.cfg.vcpuCpus.size()) {
        set = &d.cfg.vcpuCpus[static_cast<size_t>(t.index)];
      }
      if (set && !set->cpus.empty()) {
        (void)setThreadAffinity(t.tid, set->cpus);
      }
    }
  }

  undo.add([&d] {
    d.cgroup.remove();
    d.cgroup = DomainCgroup{};
  });

  // QEMU gave the guest maxmem; the balloon takes it down to `memory`
  // (the guest's driver follows as soon as it loads).
  if (d.rec.memoryMiB < d.cfg.maxmem) {
    if (auto r = vmp->balloon(d.rec.memoryMiB); !r) {
      return rpcError(kEIO, "Cannot set the memory balloon: " + r.error());
    }
  }
  // The guest runs from here: everything below is bookkeeping it need not
  // wait for (every millisecond before cont is added to its boot time).
  if (!paused) {
    if (auto r = vmp->cont(); !r) {
      return rpcError(kEIO, "Cannot start the guest's CPUs: " + r.error());
    }
    d.rec.startup.contMs = msSince(t0, std::chrono::steady_clock::now());
  }
  undo.dismiss();

  d.rec.consolePty = serialPty(*vmp);
  d.runDir = runDir;
  d.dying = false;
  d.shutdownRequested = false;
  d.rec.pid = vmp->pid();
  d.rec.pidStartTicks = vmp->startTicks();
  if (xs_ && xs_->connected()) {
    std::string base = fmt::format("/local/domain/{}", id);
    (void)xs_->write(base + "/image/device-model-pid", std::to_string(d.rec.pid));
    if (!d.rec.consolePty.empty()) {
      (void)xs_->write(base + "/console/tty", d.rec.consolePty);
    }
  }
  d.domid = id;
  d.vm = std::move(vmHolder);
  saveRecord(d);
  writeDom0Nodes();  // Domain-0's share shrank
  event(fmt::format("Domain {} ({}) started as domain {} with {} (QEMU pid {}; QEMU start-up "
                    "{:.0f} ms, xend {:.0f} ms).",
                    d.cfg.name, d.cfg.uuid, id, accel_, d.rec.pid,
                    d.rec.startup.readyMs - d.rec.startup.execMs,
                    d.rec.startup.execMs + std::max(0.0, d.rec.startup.contMs -
                                                             d.rec.startup.readyMs)));
  return id;
}

Result Daemon::mCreate(const Json& p) {
  if (auto c = checkParams(p, {"config", "paused"}); !c) {
    return unexpected(c.error());
  }
  auto paused = paramBool(p, "paused", false);
  if (!paused) {
    return unexpected(paused.error());
  }
  auto it = p.find("config");
  if (it == p.end()) {
    return rpcError(kEINVAL, "Missing parameter 'config'.");
  }
  auto cfg = parseConfig(*it);
  if (!cfg) {
    return unexpected(cfg.error());
  }
  if (auto u = checkUnique(*cfg, nullptr); !u) {
    return unexpected(u.error());
  }
  if (auto f = checkFits(*cfg, nullptr); !f) {
    return unexpected(f.error());
  }
  Domain& d = addDomain(std::move(*cfg), false);
  uint64_t key = d.key;
  auto id = startDomain(d, *paused);
  if (!id) {
    eraseDomain(key);
    return unexpected(id.error());
  }
  return Json{{"domid", *id}, {"name", d.cfg.name}};
}

}  // namespace xenia::xend
