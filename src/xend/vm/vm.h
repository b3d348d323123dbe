// One running QEMU as xend sees it: the process (pidfd: exit notification
// for children and, after a re-attach, for processes xend did not start),
// its QMP connection registered in xend's EventLoop, the console
// multiplexer, and a run state kept current from QMP events so that
// `xm list` never talks to QEMU. Operations are blocking QMP calls with
// short timeouts (QEMU answers in well under a millisecond), run from the
// loop thread. Callbacks to the owner are deferred to the loop (a 0 ms
// timer), so the owner may destroy the Vm from any of them.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/expected.h"
#include "common/unique_fd.h"
#include "qemu/qmp/client.h"
#include "xend/loop/event_loop.h"
#include "xend/vm/console_mux.h"
#include "xend/vm/run_state.h"

namespace xenia::xend {

struct VmPaths {
  std::string qmpSocket;      // QEMU listens
  std::string consoleSocket;  // QEMU listens (PV console chardev); "" = no console
  std::string muxSocket;      // xend listens for viewers
  std::string qemuLog;        // QEMU's stdout/stderr (appended)
};

struct VmCallbacks {
  std::function<void(RunState)> onState;          // after every change
  std::function<void(GuestExit)> onGuestExit;     // poweroff / reboot / crash
  std::function<void(int status)> onProcessExit;  // wait status, -1 if not our child
};

struct VcpuThread {
  int index = 0;    // QEMU cpu-index = the vCPU number
  pid_t tid = 0;    // host thread
};

class Vm {
 public:
  using Ms = std::chrono::milliseconds;
  static constexpr Ms kQmpTimeout{5000};
  // How long after reset() guest resets are plain resets (see reset()).
  static constexpr Ms kResetWindow{5000};

  // Starts QEMU (argv must contain -S), connects QMP and the console.
  // On failure nothing is left running; the error quotes QEMU's log tail.
  static Expected<std::unique_ptr<Vm>, std::string> spawn(EventLoop& loop,
                                                          const std::vector<std::string>& argv,
                                                          const VmPaths& paths, VmCallbacks cb,
                                                          const std::vector<int>& inheritFds = {},
                                                          Ms startTimeout = Ms(30000));
  // Adopts a running QEMU (pid with this /proc start time): reconnects QMP,
  // queries the status, reconnects the console.
  static Expected<std::unique_ptr<Vm>, std::string> attach(EventLoop& loop, pid_t pid,
                                                           uint64_t startTicks,
                                                           const VmPaths& paths, VmCallbacks cb);
  // Deregisters everything; never kills QEMU (guests outlive xend).
  ~Vm();
  Vm(const Vm&) = delete;
  Vm& operator=(const Vm&) = delete;

  pid_t pid() const { return pid_; }
  uint64_t startTicks() const { return startTicks_; }
  // spawn(): when QEMU was exec'd and when its monitor first answered (its
  // main loop runs: the moment a QEMU without -S would start the guest).
  std::chrono::steady_clock::time_point spawnedAt() const { return spawnedAt_; }
  std::chrono::steady_clock::time_point readyAt() const { return readyAt_; }
  RunState state() const { return state_; }
  // The state when the process exited (kDead only if it never ran).
  RunState stateBeforeExit() const { return beforeExit_; }
  bool exited() const { return exited_; }
  // The guest's CPU time: its vCPU threads' (so a paused guest's stands
  // still, as on Xen); QEMU's whole process before the threads are known.
  double cpuSeconds() const;
  // The exit reason attach() found (a guest that stopped while xend was down).
  std::optional<GuestExit> pendingExit() const { return pendingExit_; }
  ConsoleMux* console() { return console_.get(); }
  qmp::Client* qmp() { return qmp_.get(); }

  // Run control.
  Expected<Ok, std::string> cont();
  Expected<Ok, std::string> stop();
  Expected<Ok, std::string> powerdown();  // ACPI power button
  Expected<Ok, std::string> reset();
  Expected<Ok, std::string> wakeup();     // S3 resume
  Expected<Ok, std::string> injectNmi();
  // alt+sysrq+key; key is one of [a-z0-9].
  Expected<Ok, std::string> sysrq(char key);
  // QMP quit, then SIGKILL after `grace`; waits for the exit and reaps.
  void terminate(Ms grace = Ms(3000));

  // Memory balloon target in MiB.
  Expected<Ok, std::string> balloon(int64_t mib);

  // vCPUs: host threads (cached; refresh() re-queries), hotplug to `count`.
  Expected<std::vector<VcpuThread>, std::string> vcpuThreads(bool refresh = false);
  // What the last query found, without asking QEMU (for xm list).
  const std::vector<VcpuThread>& cachedVcpuThreads() const { return vcpus_; }
  Expected<int, std::string> setVcpuCount(int count);
  // A vCPU's host CPUs now; an empty set means all.
  Expected<Ok, std::string> pinVcpu(int vcpu, const std::vector<int>& cpus);

  // dump-guest-memory (ELF) into path, which xend opens and passes by fd so
  // a QEMU running as an unprivileged user can still write it.
  Expected<Ok, std::string> dumpCore(const std::string& path, Ms timeout = Ms(600000));

  // Any QMP command (for callers with needs not covered above).
  qmp::Reply call(qmp::Command cmd, Ms timeout = kQmpTimeout);

 private:
  Vm(EventLoop& loop, VmPaths paths, VmCallbacks cb);
  Expected<Ok, std::string> connectQmp(Ms timeout);
  Expected<Ok, std::string> startConsole();
  void onQmpEvent(const qmp::Event& e);
  void onQmpClosed();
  void onPidfd();
  void setState(RunState s, std::optional<GuestExit> exit);
  void defer(std::function<void()> f);
  Expected<Ok, std::string> simple(qmp::Command cmd);
  std::string logTail() const;

  EventLoop& loop_;
  VmPaths paths_;
  VmCallbacks cb_;
  pid_t pid_ = 0;
  uint64_t startTicks_ = 0;
  std::chrono::steady_clock::time_point spawnedAt_{};
  std::chrono::steady_clock::time_point readyAt_{};
  UniqueFd pidfd_;
  bool exited_ = false;
  RunState state_ = RunState::kStarting;
  RunState beforeExit_ = RunState::kDead;
  std::optional<GuestExit> pendingExit_;
  std::unique_ptr<qmp::Client> qmp_;
  std::unique_ptr<ConsoleMux> console_;
  std::vector<VcpuThread> vcpus_;
  EventLoop::TimerId resetTimer_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace xenia::xend
