// Starts a private XenStore daemon for one test: ours (XENIA_XENSTORED, the
// build's xenstored) or, when $XS_TEST_DAEMON=xen, Xen's C xenstored run with
// the xenstub LD_PRELOAD (XENIA_XENSTUB). Socket in a short /tmp directory;
// the daemon is killed and the directory removed on destruction.
#pragma once

#include <sys/types.h>

#include <string>

namespace xenia::xs::test {

class TestDaemon {
 public:
  // True if $XS_TEST_DAEMON asks for Xen's daemon.
  static bool wantXen();
  // Whether the requested daemon is installed here (Xen's may be absent).
  static bool available();

  TestDaemon();
  ~TestDaemon();
  TestDaemon(const TestDaemon&) = delete;
  TestDaemon& operator=(const TestDaemon&) = delete;

  bool started() const { return pid_ > 0 && !socket_.empty(); }
  const std::string& socketPath() const { return socket_; }
  const std::string& runDir() const { return runDir_; }
  // Kills the daemon now (connections then see EOF).
  void stop();

 private:
  std::string dir_;
  std::string runDir_;
  std::string socket_;
  pid_t pid_ = -1;
};

}  // namespace xenia::xs::test
