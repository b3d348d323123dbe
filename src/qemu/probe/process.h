// Running a helper program (QEMU, as, ld) with an argv vector (never a
// shell), a deadline, bounded capture of stdout/stderr and an optional early
// stop; and a child process handle that is always killed and reaped.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "common/expected.h"

namespace xenia::probe {

struct RunOptions {
  std::vector<std::string> argv;  // argv[0] is looked up in PATH unless it has a '/'
  std::string input;              // written to stdin, then stdin is closed
  std::chrono::milliseconds timeout{5000};
  size_t maxOutput = 1 << 20;  // per stream; the rest is read and dropped
  // Checked after every read; true kills the program (e.g. QEMU printed a KVM
  // internal error and paused rather than exiting).
  std::function<bool(const std::string& out, const std::string& err)> stopWhen;
};

struct RunResult {
  bool exited = false;   // normal exit (then exitCode is valid)
  int exitCode = -1;
  int signal = 0;        // the signal that ended it, if any
  bool timedOut = false;
  bool stoppedEarly = false;  // stopWhen said so
  std::string out;
  std::string err;

  // "exit status 1", "killed after timeout", "signal 11"...
  std::string describe() const;
};

// Errors are about starting the program (not found, pipes); how it ended is
// in RunResult.
Expected<RunResult, std::string> runProgram(const RunOptions& opts);

// A long-running child with stdin from /dev/null and stdout/stderr appended to
// logPath (or /dev/null). Destruction kills (SIGKILL) and reaps it.
class Child {
 public:
  static Expected<Child, std::string> spawn(const std::vector<std::string>& argv,
                                            const std::string& logPath = "");
  Child() = default;
  Child(Child&& o) noexcept;
  Child& operator=(Child&& o) noexcept;
  ~Child();

  pid_t pid() const { return pid_; }
  // Waits up to timeout for exit; true with the wait status if it exited.
  bool wait(std::chrono::milliseconds timeout, int* status = nullptr);
  void kill();  // SIGKILL and reap

 private:
  pid_t pid_ = -1;
};

}  // namespace xenia::probe
