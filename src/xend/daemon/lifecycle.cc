// What happens when a guest stops by itself (docs/design/xend.md "Events and
// lifecycle"): on_poweroff / on_reboot / on_crash through planAfterExit()
// (with xend's 60 s restart-loop guard), core dumps, preserve, restart as a
// new domain (new domid, same name and UUID) and rename-restart. A QEMU that
// dies by itself counts as a crash.
#include <chrono>
#include <ctime>
#include <filesystem>

#include <fmt/format.h>

#include "common/log.h"
#include "config/model/build.h"
#include "config/model/json.h"
#include "xend/daemon/daemon.h"
#include "xend/model/lifecycle.h"

namespace xenia::xend {

namespace {

double nowEpoch() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

ExitReason toReason(GuestExit e) {
  switch (e) {
    case GuestExit::kPoweroff:
      return ExitReason::kPoweroff;
    case GuestExit::kReboot:
      return ExitReason::kReboot;
    case GuestExit::kCrash:
      return ExitReason::kCrash;
  }
  return ExitReason::kCrash;
}

const char* actionName(config::Action a) {
  switch (a) {
    case config::Action::kDestroy:
      return "destroy";
    case config::Action::kRestart:
      return "restart";
    case config::Action::kRenameRestart:
      return "rename-restart";
    case config::Action::kPreserve:
      return "preserve";
    case config::Action::kCoredumpDestroy:
      return "coredump-destroy";
    case config::Action::kCoredumpRestart:
      return "coredump-restart";
    case config::Action::kSoftReset:
      return "soft-reset";
  }
  return "?";
}

}  // namespace

std::string Daemon::coreDumpPath(const Domain& d) const {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::localtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m%d-%H%M.%S", &tm);
  return fmt::format("{}/{}.{}.core", opts_.dumpDir, d.cfg.name, stamp);
}

void Daemon::onVmState(uint64_t key, RunState s) {
  Domain* d = byKey(key);
  if (d && d->running()) {
    log::get("xend")->debug("Domain {} ({}): {}", d->cfg.name, *d->domid, runStateName(s));
  }
}

void Daemon::onGuestExit(uint64_t key, GuestExit why) {
  Domain* d = byKey(key);
  if (!d || !d->running() || d->dying || d->handlingExit || d->rec.preserved) {
    return;
  }
  d->handlingExit = true;
  d->shutdownRequested = false;
  if (why == GuestExit::kPoweroff && d->requestedExit) {
    why = *d->requestedExit;
  }
  d->requestedExit.reset();
  double age = nowEpoch() - d->rec.startTime;
  LifecyclePlan plan = planAfterExit(d->cfg, toReason(why), age, opts_.enableDump);
  if (!plan.message.empty()) {
    event(plan.message);
  } else {
    event(fmt::format("Domain {} ({}) {}: on_{} action {}.", d->cfg.name, *d->domid,
                      why == GuestExit::kPoweroff ? "shut down"
                      : why == GuestExit::kReboot ? "rebooted"
                                                  : "crashed",
                      why == GuestExit::kPoweroff ? "poweroff"
                      : why == GuestExit::kReboot ? "reboot"
                                                  : "crash",
                      actionName(plan.action)));
  }
  if (plan.dumpCore && d->vm && !d->vm->exited()) {
    std::error_code ec;
    std::filesystem::create_directories(opts_.dumpDir, ec);
    std::string path = coreDumpPath(*d);
    if (auto r = d->vm->dumpCore(path); r) {
      event(fmt::format("Domain {}: core dumped to {}.", d->cfg.name, path));
    } else {
      event(fmt::format("Domain {}: core dump to {} failed: {}", d->cfg.name, path, r.error()));
    }
  }
  if (stopping_) {
    plan.action = config::Action::kDestroy;  // on_xend_stop=shutdown: no restart
  }
  switch (plan.action) {
    case config::Action::kDestroy:
    case config::Action::kCoredumpDestroy:
      teardown(*d);
      return;
    case config::Action::kRestart:
    case config::Action::kCoredumpRestart:
      restartDomain(*d, false);
      return;
    case config::Action::kRenameRestart:
      restartDomain(*d, true);
      return;
    case config::Action::kSoftReset:
      if (d->vm && d->vm->reset() && d->vm->cont()) {
        d->handlingExit = false;
        return;
      }
      teardown(*d);
      return;
    case config::Action::kPreserve:
      if (!d->vm || d->vm->exited()) {
        teardown(*d);  // nothing left to preserve
        return;
      }
      d->rec.preserved = true;
      d->handlingExit = false;
      saveRecord(*d);
      return;
  }
}

void Daemon::onProcessExit(uint64_t key, int status) {
  Domain* d = byKey(key);
  if (!d || !d->running() || d->dying) {
    return;
  }
  RunState before = d->vm ? d->vm->stateBeforeExit() : RunState::kDead;
  event(fmt::format("Domain {} ({}): QEMU (pid {}) exited{}.", d->cfg.name, *d->domid, d->rec.pid,
                    status >= 0 ? fmt::format(" with status {:#x}", status) : std::string()));
  if (d->handlingExit) {
    return;
  }
  bool live = before == RunState::kRunning || before == RunState::kPaused ||
              before == RunState::kStarting;
  if (live && !d->rec.preserved) {
    onGuestExit(key, GuestExit::kCrash);
    return;
  }
  teardown(*d);
}

void Daemon::restartDomain(Domain& d, bool rename) {
  int restarts = d.rec.restartCount + 1;
  uint64_t key = d.key;
  if (rename) {
    // The old incarnation is kept (preserved) under a new name and UUID;
    // the domain proper restarts with its own.
    Domain& fresh = addDomain(d.cfg, d.managed);
    std::string newUuid = config::randomUuid(*rng_);
    d.cfg.name = renameRestartName(d.cfg.name, newUuid);
    d.cfg.uuid = newUuid;
    d.managed = false;
    d.rec.preserved = true;
    d.handlingExit = false;
    saveRecord(d);
    if (xs_ && xs_->connected()) {
      (void)xs_->write(fmt::format("/local/domain/{}/name", *d.domid), d.cfg.name);
    }
    event(fmt::format("Domain {} kept as {}.", fresh.cfg.name, d.cfg.name));
    if (auto r = releasePreservedDisks(d); !r) {
      event(fmt::format("Domain {}: its disks were not released ({}).", d.cfg.name, r.error()));
    }
    auto id = startDomain(fresh, false);
    if (!id) {
      event(fmt::format("Restarting {} failed: {}", fresh.cfg.name, id.error().message));
      if (!fresh.managed) {
        eraseDomain(fresh.key);
      }
      return;
    }
    fresh.rec.restartCount = restarts;
    saveRecord(fresh);
    return;
  }
  releaseRunning(d);
  auto id = startDomain(d, false);
  Domain* again = byKey(key);
  if (!again) {
    return;
  }
  if (!id) {
    event(fmt::format("Restarting {} failed: {}", again->cfg.name, id.error().message));
    if (!again->managed) {
      eraseDomain(key);
    }
    return;
  }
  again->rec.restartCount = restarts;
  saveRecord(*again);
}

}  // namespace xenia::xend
