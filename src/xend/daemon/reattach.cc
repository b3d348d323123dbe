// Adopting the guests a previous xend left running (docs/design/xend.md
// "Re-attach"): every <run>/domains/<domid>/vm.json whose QEMU is still the
// same process (pid and /proc start time) is reconnected; anything else is
// cleaned up as a destroy would.
#include <signal.h>

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "config/model/json.h"
#include "xend/daemon/daemon.h"
#include "xend/vm/proc_stat.h"

namespace xenia::xend {

namespace fs = std::filesystem;

void Daemon::reattachAll() {
  std::vector<std::string> dirs;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(opts_.runPath + "/domains", ec)) {
    if (e.is_directory()) {
      dirs.push_back(e.path().string());
    }
  }
  std::sort(dirs.begin(), dirs.end());
  for (const auto& dir : dirs) {
    reattach(dir);
  }
  std::vector<int> running;
  for (const auto& [k, d] : domains_) {
    if (d->domid) {
      running.push_back(*d->domid);
    }
  }
  removeStaleCgroups(cgroupRoot_, cgroupParent_, running);
  writeDom0Nodes();
}

void Daemon::reattach(const std::string& dir) {
  auto cleanupDir = [&] {
    std::error_code ec;
    fs::remove_all(dir, ec);
  };
  auto rec = loadVmRecord(dir + "/vm.json");
  if (!rec) {
    event(fmt::format("Removing {}: {}", dir, rec.error()));
    cleanupDir();
    return;
  }
  auto cfg = config::domainFromJson(rec->config, *rng_);
  if (!cfg) {
    event(fmt::format("Removing {}: its config is invalid: {}", dir, cfg.error().format()));
    if (processMatches(rec->pid, rec->pidStartTicks)) {
      ::kill(rec->pid, SIGKILL);
    }
    unplugVifs(rec->domid, dir);
    cleanupDir();
    return;
  }
  // A managed domain was loaded halted from its config.json: this is it.
  Domain* d = nullptr;
  for (auto& [k, dom] : domains_) {
    if (dom->managed && !dom->running() && dom->cfg.uuid == cfg->uuid) {
      d = dom.get();
    }
  }
  bool added = false;
  if (!d) {
    d = &addDomain(*cfg, false);
    added = true;
  } else {
    d->cfg = *cfg;  // the running config (mem-max, rename) wins
  }
  VmPaths paths;
  paths.qmpSocket = dir + "/qmp.sock";
  paths.consoleSocket = cfg->type == config::GuestType::kPv ? dir + "/console.sock" : "";
  paths.muxSocket = dir + "/console-mux.sock";
  paths.qemuLog = opts_.logDir + "/qemu-dm-" + cfg->name + ".log";
  auto vm = Vm::attach(loop_, rec->pid, rec->pidStartTicks, paths, vmCallbacks(d->key));
  if (!vm) {
    event(fmt::format("Domain {} ({}): {} Cleaning up.", cfg->name, rec->domid, vm.error()));
    // A QEMU that is still there but cannot be driven goes too, as on destroy.
    if (processMatches(rec->pid, rec->pidStartTicks)) {
      ::kill(rec->pid, SIGKILL);
    }
    unplugVifs(rec->domid, dir);
    removeXsNodes(*cfg, rec->domid);
    if (cgroupRoot_.version != CgroupVersion::kNone) {
      if (auto g = DomainCgroup::create(cgroupRoot_, cgroupParent_, rec->domid)) {
        g->remove();
      }
    }
    cleanupDir();
    if (added) {
      eraseDomain(d->key);
    }
    return;
  }
  d->managed = d->managed || rec->managed;
  d->domid = rec->domid;
  d->runDir = dir;
  d->rec = *rec;
  d->vm = std::move(*vm);
  d->suspended = false;
  if (cgroupRoot_.version != CgroupVersion::kNone) {
    if (auto g = DomainCgroup::create(cgroupRoot_, cgroupParent_, rec->domid)) {
      d->cgroup = *g;
    }
  }
  event(fmt::format("Domain {} ({}) re-attached: QEMU pid {}, {}.", cfg->name, rec->domid,
                    rec->pid, runStateName(d->vm->state())));
  // A guest that stopped while no xend was watching.
  if (auto exit = d->vm->pendingExit(); exit && !rec->preserved) {
    uint64_t key = d->key;
    GuestExit e = *exit;
    loop_.addTimer(std::chrono::milliseconds(0), [this, key, e] { onGuestExit(key, e); });
  }
}

}  // namespace xenia::xend
