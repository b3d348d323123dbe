// What happens when a guest stops (on_poweroff/on_reboot/on_crash with xend's
// restart-loop guard), xm's state flags, and rename-restart's naming.
#pragma once

#include <string>

#include "config/model/domain.h"

namespace xenia::xend {

enum class ExitReason { kPoweroff, kReboot, kCrash };

// xend's MINIMUM_RESTART_TIME (XendDomainInfo.py).
inline constexpr double kMinimumRestartTime = 60;

struct LifecyclePlan {
  config::Action action = config::Action::kDestroy;
  bool restartRefused = false;
  std::string message;  // a log line for xend.log
  // Dump the guest's memory first (a crash with coredump-* or xend's
  // enable-dump); the dump happens even when the restart is refused.
  bool dumpCore = false;
};

// restart / rename-restart / coredump-restart less than kMinimumRestartTime
// after the previous start -> destroy instead (coredump-restart ->
// coredump-destroy), restartRefused = true, with xend's message.
// coredump-* after a poweroff/reboot acts as plain destroy/restart (nothing
// crashed, nothing to dump), as xend's _maybeRestart did.
LifecyclePlan planAfterExit(const config::DomainConfig& d, ExitReason why,
                            double secondsSinceStart);
// The same with xend-config's (enable-dump yes): every crash dumps core.
LifecyclePlan planAfterExit(const config::DomainConfig& d, ExitReason why, double secondsSinceStart,
                            bool enableDump);

// "rbpscd" flags, '-' when unset (X40 XendConfig._get_old_state_string).
std::string stateString(bool running, bool blocked, bool paused, bool shutdown, bool crashed,
                        bool dying);

// The name the old domain takes on rename-restart: xend gave the preserved
// domain a NEW uuid and named it "Domain-<new uuid>" (_preserveForRestart);
// pass that new uuid. `name` (the old name) is not part of it.
std::string renameRestartName(const std::string& name, const std::string& uuid);

}  // namespace xenia::xend
