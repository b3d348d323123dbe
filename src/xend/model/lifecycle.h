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
  std::string message;  // a log line; empty when nothing noteworthy
};

// restart / rename-restart / coredump-restart less than kMinimumRestartTime
// after the previous start -> destroy instead (coredump-restart ->
// coredump-destroy), restartRefused = true, with xend's message.
LifecyclePlan planAfterExit(const config::DomainConfig& d, ExitReason why,
                            double secondsSinceStart);

// "rbpscd" flags, '-' when unset (X40 XendConfig._get_old_state_string).
std::string stateString(bool running, bool blocked, bool paused, bool shutdown, bool crashed,
                        bool dying);

// The name the old domain takes on rename-restart.
std::string renameRestartName(const std::string& name, const std::string& uuid);

}  // namespace xenia::xend
