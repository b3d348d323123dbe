// A guest console shared by any number of viewers: xend keeps the one
// connection QEMU's console socket accepts (a chardev unix server) and
// serves <rundir>/console-mux.sock (mode 0600). Guest output goes to every
// viewer, input from any viewer goes to the guest. Queues are bounded: a
// viewer that does not read loses output beyond kMaxQueued rather than
// stalling the others or the guest. QEMU writes the console log itself
// (chardev logfile=), so nothing is lost while no xend runs.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <string>

#include "common/expected.h"
#include "common/unique_fd.h"
#include "xend/loop/event_loop.h"

namespace xenia::xend {

class ConsoleMux {
 public:
  static constexpr size_t kMaxQueued = 256 * 1024;
  static constexpr size_t kMaxViewers = 64;

  // Connects to QEMU's socket (retrying up to timeoutMs while it does not
  // exist yet) and listens on muxPath (replacing a stale socket file).
  static Expected<std::unique_ptr<ConsoleMux>, std::string> start(EventLoop& loop,
                                                                   const std::string& qemuSocket,
                                                                   const std::string& muxPath,
                                                                   int timeoutMs = 5000);
  ~ConsoleMux();
  ConsoleMux(const ConsoleMux&) = delete;
  ConsoleMux& operator=(const ConsoleMux&) = delete;

  const std::string& path() const { return muxPath_; }
  size_t viewers() const { return viewers_.size(); }
  bool connected() const { return static_cast<bool>(qemu_); }

  // QEMU has exited: pass on whatever it wrote that is still in the socket
  // and give each viewer what it will take right now, so the last lines a
  // dying guest printed (its panic message) are not lost before EOF.
  void drain();

 private:
  struct Viewer {
    UniqueFd fd;
    std::string out;
  };

  ConsoleMux(EventLoop& loop, std::string muxPath) : loop_(loop), muxPath_(std::move(muxPath)) {}
  void onQemu(uint32_t events);
  void onListen();
  void onViewer(int fd, uint32_t events);
  void dropViewer(int fd);
  void closeQemu();
  void flushQemu();
  void queueToQemu(const char* data, size_t n);

  EventLoop& loop_;
  std::string muxPath_;
  UniqueFd qemu_;
  std::string toQemu_;
  UniqueFd listen_;
  std::map<int, Viewer> viewers_;
};

// A non-blocking, close-on-exec listening unix socket at path (mode 0600),
// replacing a stale file.
Expected<UniqueFd, std::string> listenUnix(const std::string& path, int backlog = 16);
// A blocking connect, retried every 20 ms for up to timeoutMs while the
// socket is missing or refuses; the result is non-blocking.
Expected<UniqueFd, std::string> connectUnixRetry(const std::string& path, int timeoutMs);

}  // namespace xenia::xend
