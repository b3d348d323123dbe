// State flags and status of a domain, from the Vm's cached run state and a
// look at its vCPU threads (/proc), never from QEMU.
#include "xend/daemon/domain.h"

#include "xend/model/lifecycle.h"
#include "xend/vm/proc_stat.h"

namespace xenia::xend {

void sampleVcpus(Domain& d, double intervalSeconds) {
  if (!d.vm || d.vm->exited() || intervalSeconds <= 0) {
    d.vcpuBusy = false;
    d.vcpuCpuSeconds.clear();
    return;
  }
  const auto& threads = d.vm->cachedVcpuThreads();
  std::vector<double> now;
  bool busy = false;
  for (size_t i = 0; i < threads.size(); ++i) {
    auto s = readProcStat(d.vm->pid(), threads[i].tid);
    double t = s ? cpuSeconds(*s) : 0;
    now.push_back(t);
    if (i < d.vcpuCpuSeconds.size() && t - d.vcpuCpuSeconds[i] > 0.5 * intervalSeconds) {
      busy = true;
    }
  }
  d.vcpuBusy = busy && now.size() == d.vcpuCpuSeconds.size();
  d.vcpuCpuSeconds = std::move(now);
}

std::string stateFlags(const Domain& d) {
  if (!d.running()) {
    return "";
  }
  RunState s = d.vm ? d.vm->state() : RunState::kDead;
  bool paused = s == RunState::kPaused || s == RunState::kStarting;
  bool shutdown = s == RunState::kShutdown;
  bool crashed = s == RunState::kCrashed;
  bool active = s == RunState::kRunning;
  bool running = active && d.vcpuBusy;
  bool blocked = active && !running;
  return stateString(running, blocked, paused, shutdown, crashed, d.dying);
}

PowerState powerState(const Domain& d) {
  if (!d.running()) {
    return d.suspended ? PowerState::kSuspended : PowerState::kHalted;
  }
  if (!d.vm) {
    return PowerState::kUnknown;
  }
  switch (d.vm->state()) {
    case RunState::kStarting:
    case RunState::kPaused:
      return PowerState::kPaused;
    case RunState::kRunning:
      return d.shutdownRequested ? PowerState::kShutdown : PowerState::kRunning;
    case RunState::kShutdown:
      return PowerState::kShutdown;
    case RunState::kCrashed:
      return PowerState::kCrashed;
    case RunState::kDead:
      return PowerState::kUnknown;
  }
  return PowerState::kUnknown;
}

}  // namespace xenia::xend
