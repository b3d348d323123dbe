// Detaching a daemon (xenstored, xend) from the process that started it, with
// a readiness report: the starting process exits only once the daemon says it
// is ready (status 0) or why it could not start (status 1), so an init script
// or systemd Type=forking unit sees the real outcome.
#pragma once

#include <sys/types.h>

#include <string>

namespace xenia {

// Forks twice with setsid() in between, then chdir("/") and stdio on
// /dev/null. Returns, in the daemon, the write end of the report pipe. The
// starting process never returns: it waits for the report, prints the
// daemon's pid when `printPid`, or the failure message (or "<what>: exited
// during start-up" when the daemon died without a word) to stderr, and exits.
int daemonize(const char* what, bool printPid);

// The daemon's side. Both close the pipe; `fd` < 0 (no fork) is a no-op.
void reportReady(int& fd, pid_t pid);
void reportFailure(int& fd, const std::string& message);

}  // namespace xenia
