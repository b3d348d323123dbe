// A guest's run state as xend tracks it from QMP events, without asking
// QEMU: the pure mapping from QEMU's events and query-status answers to the
// state xm shows and to the lifecycle exit (poweroff/reboot/crash) that
// on_poweroff/on_reboot/on_crash act on. QEMU runs with
// -action reboot=shutdown,shutdown=pause,panic=pause, so a guest that powers
// off, reboots or panics stays as a stopped process and reports why.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace xenia::xend {

enum class RunState {
  kStarting,  // QEMU up with -S, not yet continued
  kRunning,
  kPaused,    // xm pause (QMP stop) or any stop xend did not cause itself
  kShutdown,  // the guest powered off or rebooted; QEMU stopped it
  kCrashed,   // the guest panicked, or QEMU hit an internal error
  kDead,      // the QEMU process is gone
};

const char* runStateName(RunState s);

// Why a guest stopped by itself.
enum class GuestExit { kPoweroff, kReboot, kCrash };

const char* guestExitName(GuestExit e);

struct Transition {
  RunState next;
  std::optional<GuestExit> exit;  // set once, on the event that ended the guest
};

// One QMP event: SHUTDOWN {guest, reason}, RESET, STOP, RESUME,
// GUEST_PANICKED; anything else leaves the state alone. Reasons from
// the host (host-qmp-quit, host-signal...) are not guest exits: the process
// is going away and the pidfd reports that.
Transition applyEvent(RunState current, std::string_view name, const nlohmann::json& data);

// QEMU's query-status "status" string after (re)connecting. "shutdown" with
// no reason known (xend was down when it happened) counts as a poweroff.
Transition stateFromStatus(std::string_view status);

// The state once the process exited: a guest that was still running or
// paused died by itself, which xend treats as a crash.
Transition applyProcessExit(RunState current);

}  // namespace xenia::xend
