// A domain as the daemon holds it: the validated config, whether it is
// managed (persisted, may be halted), and while it runs its domid, its
// QEMU (Vm), run directory, cgroup and the vm.json record that lets a new
// xend adopt it. Plus the xm-visible state flags and status derived from it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/model/domain.h"
#include "xend/vm/cgroup.h"
#include "xend/vm/vm.h"
#include "xend/vm/vm_record.h"

namespace xenia::xend {

// xend's DOM_STATE_* numbers (XendConstants.py), the protocol's "status".
enum class PowerState {
  kHalted = 0,
  kPaused = 1,
  kRunning = 2,
  kSuspended = 3,
  kShutdown = 4,
  kCrashed = 5,
  kUnknown = 6,
};

struct Domain {
  uint64_t key = 0;  // daemon-internal identity; survives restarts, not renames
  config::DomainConfig cfg;
  bool managed = false;
  bool suspended = false;  // managed, halted with a saved image (xm suspend)

  // While running (domid set):
  std::optional<int> domid;
  std::unique_ptr<Vm> vm;
  VmRecord rec;
  std::string runDir;
  DomainCgroup cgroup;
  bool dying = false;             // being torn down
  bool shutdownRequested = false; // xm shutdown sent, guest not gone yet
  // xm reboot goes out as the ACPI power button like xm shutdown (QEMU has
  // no reboot request a guest can honour); the guest's poweroff then counts
  // as this reason, as Xen's control/shutdown=reboot did.
  std::optional<GuestExit> requestedExit;
  bool handlingExit = false;      // an on_* action is in progress
  // xm's "r" (rather than "b"): some vCPU thread used more than half a host
  // CPU over the last sampling second. Sampled, so `xm list` is stable for
  // idle and for busy guests alike.
  bool vcpuBusy = false;
  std::vector<double> vcpuCpuSeconds;  // per vCPU thread at the last sample

  bool running() const { return domid.has_value(); }
};

// Updates vcpuBusy from the vCPU threads' CPU time (called once a second).
void sampleVcpus(Domain& d, double intervalSeconds);

// xm's "rbpscd" string (empty when halted) and xend's status number.
std::string stateFlags(const Domain& d);
PowerState powerState(const Domain& d);

}  // namespace xenia::xend
