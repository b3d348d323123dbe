// Starting a QEMU that outlives xend: fork + exec of an argv (never a shell),
// in its own session (setsid), stdin from /dev/null, stdout/stderr appended
// to a log file, every other descriptor closed except the ones listed to
// inherit. A CLOEXEC pipe reports an exec failure as an error, not as a
// child that exits 127. Plus pidfd helpers for watching and reaping.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "common/expected.h"
#include "common/unique_fd.h"

namespace xenia::xend {

struct SpawnOptions {
  std::vector<std::string> argv;  // argv[0] must be a path
  std::string logPath;            // "" = /dev/null
  std::vector<int> inheritFds;    // stay open in the child with the same numbers
};

Expected<pid_t, std::string> spawnDetached(const SpawnOptions& opts);

// pidfd_open(2): works for any process, child or not.
Expected<UniqueFd, std::string> openPidfd(pid_t pid);

// Reaps the process behind pidfd if it is our child and has exited
// (waitid P_PIDFD, WNOHANG). Returns the wait status, or -1 when it was not
// our child (someone else reaps it) or has not exited.
int reapPidfd(int pidfd);

// Sends sig through the pidfd (no race with pid reuse).
bool signalPidfd(int pidfd, int sig);

// Waits up to timeoutMs for the pidfd to become readable (process exited).
bool waitPidfd(int pidfd, int timeoutMs);

}  // namespace xenia::xend
