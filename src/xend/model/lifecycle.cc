// What xend did when a guest stopped (X40 XendDomainInfo.refreshShutdown,
// _maybeRestart, _restart, _preserveForRestart), as pure decisions; the
// daemon carries them out.
#include "xend/model/lifecycle.h"

#include <fmt/format.h>

#include "config/model/names.h"

namespace xenia::xend {
namespace {

using config::Action;

const char* reasonWord(ExitReason why) {
  switch (why) {
    case ExitReason::kPoweroff:
      return "poweroff";
    case ExitReason::kReboot:
      return "reboot";
    case ExitReason::kCrash:
      return "crash";
  }
  return "poweroff";
}

}  // namespace

LifecyclePlan planAfterExit(const config::DomainConfig& d, ExitReason why,
                            double secondsSinceStart) {
  return planAfterExit(d, why, secondsSinceStart, false);
}

LifecyclePlan planAfterExit(const config::DomainConfig& d, ExitReason why, double secondsSinceStart,
                            bool enableDump) {
  LifecyclePlan p;
  const char* key = "on_poweroff";
  switch (why) {
    case ExitReason::kPoweroff:
      p.action = d.onPoweroff;
      break;
    case ExitReason::kReboot:
      p.action = d.onReboot;
      key = "on_reboot";
      break;
    case ExitReason::kCrash:
      p.action = d.onCrash;
      key = "on_crash";
      break;
  }
  // _maybeDumpCore: only crashes dump, by the action or xend's enable-dump.
  p.dumpCore = why == ExitReason::kCrash && (enableDump || p.action == Action::kCoredumpDestroy ||
                                             p.action == Action::kCoredumpRestart);
  if (p.action == Action::kCoredumpDestroy || p.action == Action::kCoredumpRestart) {
    // Outside a crash there is nothing to dump; the action's other half stands.
    if (!p.dumpCore) {
      p.action = p.action == Action::kCoredumpDestroy ? Action::kDestroy : Action::kRestart;
    }
  }
  bool restarts = p.action == Action::kRestart || p.action == Action::kRenameRestart ||
                  p.action == Action::kCoredumpRestart;
  if (restarts && secondsSinceStart < kMinimumRestartTime) {
    p.restartRefused = true;
    p.action = p.action == Action::kCoredumpRestart ? Action::kCoredumpDestroy : Action::kDestroy;
    p.message = fmt::format(
        "VM {} restarting too fast (Elapsed time: {:f} seconds). "
        "Refusing to restart to avoid loops.",
        d.name, secondsSinceStart);
    return p;
  }
  p.message = fmt::format("Domain {} stopped (reason {}); {}={}", d.name, reasonWord(why), key,
                          config::actionName(p.action));
  return p;
}

std::string stateString(bool running, bool blocked, bool paused, bool shutdown, bool crashed,
                        bool dying) {
  std::string s = "------";
  const bool flags[] = {running, blocked, paused, shutdown, crashed, dying};
  const char letters[] = "rbpscd";
  for (int i = 0; i < 6; ++i) {
    if (flags[i]) {
      s[static_cast<size_t>(i)] = letters[i];
    }
  }
  return s;
}

std::string renameRestartName(const std::string& name, const std::string& uuid) {
  // _preserveForRestart: the dead domain gets a fresh UUID and is named after
  // it; the restarted one keeps the name and the old UUID.
  (void)name;
  return "Domain-" + uuid;
}

}  // namespace xenia::xend
