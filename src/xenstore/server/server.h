// xenstored's I/O half: a single-threaded event loop (io_uring, or epoll as
// the fallback) that accepts unix-socket connections (the dom0 socket and one
// socket per introduced guest), frames requests for the Engine and queues what
// the Engine delivers, with every per-connection buffer bounded. With
// --persist, all changes of one loop iteration are made durable (one
// fdatasync) before any reply is written.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/expected.h"
#include "common/unique_fd.h"
#include "xenstore/server/options.h"
#include "xenstore/server/trace.h"
#include "xenstore/store/engine.h"

namespace spdlog {
class logger;
}

namespace xenia::xs {

class FileJournal;
struct Uring;

class Server final : public Sink, public ServerHooks {
 public:
  // Binds the main socket, restores --persist state (and its guest sockets)
  // and opens the trace file. Errors are whole sentences for the log.
  static Expected<std::unique_ptr<Server>, std::string> create(const ServerOptions& options);
  ~Server() override;
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Serves until requestStop(); 0, or 1 after a fatal journal error.
  int run();
  // Both are async-signal-safe (SIGTERM/SIGINT, SIGHUP).
  void requestStop();
  void requestReopen();

  const std::string& socketPath() const { return options_.socketPath; }
  std::string guestSocketPath(DomId domid) const;
  // The backend run() uses (or, before run(), intends to): "io_uring" or "epoll".
  const char* ioBackendName() const { return useUring_ ? "io_uring" : "epoll"; }

  // Sink
  void deliver(ConnId conn, uint32_t type, uint32_t reqId, uint32_t txId,
               std::string_view payload) override;
  // ServerHooks
  void domainIntroduced(DomId domid) override;
  void domainReleased(DomId domid) override;
  std::optional<std::string> control(const std::vector<std::string_view>& args) override;

 private:
  struct Conn;
  friend struct Uring;
  // One read() takes at most this much; with one partial message carried over
  // it bounds a connection's input buffer.
  static constexpr size_t kReadChunk = 64 * 1024;
  struct GuestListener {
    UniqueFd fd;
    std::string path;
    size_t conns = 0;
  };

  explicit Server(const ServerOptions& options);
  Expected<Ok, std::string> init();

  // server.cc: listeners and lifecycle
  void onAccept(uint64_t tag);
  void acceptOne(int listenFd, DomId domid, GuestListener* guest);
  void removeGuestListener(DomId domid);
  void onWake();
  // One epoll_wait without blocking, dispatching listener and wake events.
  int pollEpoll(int timeoutMs);
  // After the events of one wait: resumes unblocked guests, makes the
  // iteration's changes durable, then writes. False on a fatal error.
  bool finishIteration();
  int runEpoll();

  // server_uring.cc: the io_uring backend
  int runUring();
  void uringHandle(uint64_t userData, int res, uint32_t flags);
  void uringRecvDone(ConnId id, int res, uint32_t flags);
  void uringSendDone(ConnId id, int res);
  void resolveFastSends();
  void uringArmRecv(Conn& c);
  void uringArmSend(Conn& c, bool first);
  void uringArmEpoll();
  void uringRetire(std::unique_ptr<Conn> c);
  void consumeInput(Conn& c, const char* data, size_t size);

  // server_io.cc: connections
  void onConnEvent(ConnId id, uint32_t events);
  void readConn(Conn& c);
  size_t processBuffer(Conn& c, const char* data, size_t size);
  void processBlocked(Conn& c);
  bool blocked(const Conn& c) const;
  void flushConn(Conn& c);
  void updateInterest(Conn& c);
  void scheduleClose(Conn& c, const char* why);
  void runCloses();
  void closeConn(Conn& c);
  Conn* find(ConnId id);
  void markDirty(Conn& c);
  void onPeerEof(Conn& c);
  void sent(Conn& c, size_t n);
  void afterOutput(Conn& c);

  ServerOptions options_;
  std::shared_ptr<spdlog::logger> log_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<FileJournal> journal_;
  Trace trace_;
  UniqueFd epoll_;    // every fd with epoll; only listeners and wake_ with io_uring
  bool useUring_ = false;
  std::unique_ptr<Uring> uring_;  // set while run() serves with io_uring
  UniqueFd wake_;     // eventfd written by requestStop/requestReopen
  UniqueFd spareFd_;  // released to accept-and-drop when out of descriptors
  UniqueFd listener_;
  bool ownSocket_ = false;
  std::string rundir_;
  std::map<DomId, GuestListener> guests_;

  std::unordered_map<ConnId, std::unique_ptr<Conn>> conns_;
  Conn* current_ = nullptr;          // connection whose request is being processed
  std::vector<ConnId> dirty_;        // output queued since the last flush
  std::vector<ConnId> closing_;      // to close once the engine call returns
  std::vector<ConnId> unblocked_;    // buffered requests to resume next iteration
  std::vector<std::unique_ptr<Conn>> graveyard_;  // freed at the end of an iteration
  std::unique_ptr<char[]> readBuf_;
  Message msg_;                      // reused for every request (no per-request allocation)
  size_t outputSoftLimit_ = 0;

  std::atomic<bool> stop_{false};
  std::atomic<bool> reopen_{false};
  int exitCode_ = 0;
};

}  // namespace xenia::xs
