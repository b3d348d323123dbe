// Event -> state mapping (see run_state.h).
#include "xend/vm/run_state.h"

namespace xenia::xend {

const char* runStateName(RunState s) {
  switch (s) {
    case RunState::kStarting:
      return "starting";
    case RunState::kRunning:
      return "running";
    case RunState::kPaused:
      return "paused";
    case RunState::kShutdown:
      return "shutdown";
    case RunState::kCrashed:
      return "crashed";
    case RunState::kDead:
      return "dead";
  }
  return "?";
}

const char* guestExitName(GuestExit e) {
  switch (e) {
    case GuestExit::kPoweroff:
      return "poweroff";
    case GuestExit::kReboot:
      return "reboot";
    case GuestExit::kCrash:
      return "crash";
  }
  return "?";
}

namespace {

bool ended(RunState s) {
  return s == RunState::kShutdown || s == RunState::kCrashed || s == RunState::kDead;
}

std::string stringField(const nlohmann::json& data, const char* key) {
  if (data.is_object()) {
    auto it = data.find(key);
    if (it != data.end() && it->is_string()) {
      return it->get<std::string>();
    }
  }
  return "";
}

}  // namespace

Transition applyEvent(RunState current, std::string_view name, const nlohmann::json& data) {
  if (current == RunState::kDead) {
    return {current, std::nullopt};
  }
  if (name == "SHUTDOWN") {
    std::string reason = stringField(data, "reason");
    if (ended(current)) {
      return {current, std::nullopt};
    }
    if (reason == "guest-shutdown") {
      return {RunState::kShutdown, GuestExit::kPoweroff};
    }
    if (reason == "guest-reset") {
      return {RunState::kShutdown, GuestExit::kReboot};
    }
    if (reason == "guest-panic") {
      return {RunState::kCrashed, GuestExit::kCrash};
    }
    return {current, std::nullopt};
  }
  if (name == "GUEST_PANICKED") {
    if (current == RunState::kCrashed) {
      return {current, std::nullopt};
    }
    return {RunState::kCrashed, GuestExit::kCrash};
  }
  if (name == "STOP") {
    return {ended(current) ? current : RunState::kPaused, std::nullopt};
  }
  if (name == "RESUME") {
    // A reset after preserve/restart-in-place resumes a stopped guest.
    return {RunState::kRunning, std::nullopt};
  }
  return {current, std::nullopt};
}

Transition stateFromStatus(std::string_view status) {
  if (status == "running" || status == "debug") {
    return {RunState::kRunning, std::nullopt};
  }
  if (status == "prelaunch" || status == "inmigrate") {
    return {RunState::kStarting, std::nullopt};
  }
  if (status == "shutdown") {
    return {RunState::kShutdown, GuestExit::kPoweroff};
  }
  if (status == "guest-panicked" || status == "internal-error" || status == "io-error") {
    return {RunState::kCrashed, GuestExit::kCrash};
  }
  // paused, suspended, postmigrate, finish-migrate, restore-vm, save-vm,
  // watchdog, colo.
  return {RunState::kPaused, std::nullopt};
}

Transition applyProcessExit(RunState current) {
  if (current == RunState::kRunning || current == RunState::kPaused ||
      current == RunState::kStarting) {
    return {RunState::kDead, GuestExit::kCrash};
  }
  return {RunState::kDead, std::nullopt};
}

}  // namespace xenia::xend
