// Command-line and environment configuration of the xenstored daemon: option
// spelling follows Xen's C xenstored (-N, -F, -T, -E, -S, -W, -t, -A, -M, -K,
// -Q, -q) plus Xenia's own (--rundir, --persist, --log-file).
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "common/expected.h"
#include "xenstore/store/engine.h"

namespace xenia::xs {

// How the event loop talks to the kernel. Auto uses io_uring when the kernel
// allows it (one syscall per request/reply round trip) and epoll otherwise.
enum class IoBackend { Auto, Epoll, IoUring };

struct ServerOptions {
  // Main (dom0) socket; guest sockets live under dirname(socketPath)/domain/.
  std::string socketPath;
  bool noFork = false;
  bool outputPid = false;      // -P: print the daemon's pid on stdout
  std::string pidFile;         // -F
  std::string traceFile;       // -T
  std::string persistDir;      // --persist; empty = in memory only
  std::string logFile;         // --log-file; empty = stderr
  bool verbose = false;        // -V
  IoBackend io = IoBackend::Auto;  // --io
  EngineOptions engine;
  // A connection whose unsent output exceeds this is closed (watch events it
  // does not read). Replies are throttled well below it (kOutputSoftLimit).
  size_t maxOutputBytes = 1024 * 1024;
  // The journal is compacted into a new snapshot once it exceeds both this
  // and twice the last snapshot.
  size_t journalLimitBytes = 16 * 1024 * 1024;
  // Connections accepted per guest socket at once; more are refused.
  size_t maxGuestConnections = 16;
};

// Parsed options, or the message to print (help text or an error) and the exit
// code to return with.
struct OptionsExit {
  std::string message;
  int exitCode = 0;
};

// env: getenv-like lookup, so tests can supply their own environment.
Expected<ServerOptions, OptionsExit> parseOptions(int argc, const char* const* argv,
                                                  const std::function<const char*(const char*)>& env);

}  // namespace xenia::xs
