// XenStore client library: one connection to a xenstored (unix socket or
// xenbus device), synchronous calls, transactions, watch callbacks and
// pipelined batches. Errors are xs::Err values, never exceptions. Replies are
// matched to requests by req_id, so any number of requests may be in flight.
#pragma once

#include <cstdint>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "common/expected.h"
#include "common/unique_fd.h"
#include "xenstore/client/paths.h"
#include "xenstore/client/perm.h"
#include "xenstore/wire/wire.h"

namespace xenia::xs {

using TxId = uint32_t;
inline constexpr TxId kNoTx = 0;  // XBT_NULL

struct WatchEvent {
  std::string path;   // the node that changed (relative if the watch was)
  std::string token;
};
using WatchCallback = std::function<void(const WatchEvent&)>;

template <class T>
using Result = Expected<T, Err>;
using Status = Expected<Ok, Err>;

class Batch;

// Threading: every method may be called from any thread. Whoever waits for a
// reply reads the socket while no other thread does (leader/follower), so
// watch events that arrive meanwhile are queued, not lost. They are delivered
//  - by dispatchEvents(), when pollFd() says so — for callers with their own
//    event loop (an epoll-based daemon);
//  - or by a background thread (startEventThread()), which runs callbacks.
// Callbacks may call the client again (but not stopEventThread()).
class Client {
 public:
  // connect()/open() report the errno of the failed open/connect.
  using Connected = Expected<std::unique_ptr<Client>, int>;

  // A unix socket (if path is one) or a xenbus-like device, as libxenstore.
  static Connected connect(const std::string& path);
  // libxenstore's xs_open(): daemonSocketPath(), then domainDevPath().
  static Connected open();
  // An already connected stream (socketpair, inherited fd...).
  static std::unique_ptr<Client> fromFd(UniqueFd fd);

  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // False once the daemon closed the connection or broke the protocol; every
  // call then fails with EIO.
  bool connected() const;

  // --- Synchronous calls (tx = kNoTx outside transactions) ---
  Result<std::string> read(std::string_view path, TxId tx = kNoTx);
  Status write(std::string_view path, std::string_view value, TxId tx = kNoTx);
  Status mkdir(std::string_view path, TxId tx = kNoTx);
  Status rm(std::string_view path, TxId tx = kNoTx);
  // DIRECTORY, falling back to DIRECTORY_PART on E2BIG like xs_directory().
  Result<std::vector<std::string>> directory(std::string_view path, TxId tx = kNoTx);
  Result<Perms> getPerms(std::string_view path, TxId tx = kNoTx);
  Status setPerms(std::string_view path, const Perms& perms, TxId tx = kNoTx);

  Result<TxId> transactionStart();
  Status transactionEnd(TxId tx, bool commit);
  // Runs fn(tx) in a fresh transaction and commits; on EAGAIN (from the commit
  // or from fn) starts over, at most maxAttempts times. fn returns Result<R>;
  // when it fails the transaction is aborted and its error returned.
  static constexpr int kTransactAttempts = 16;
  template <class F>
  auto transact(F&& fn, int maxAttempts = kTransactAttempts) -> std::invoke_result_t<F&, TxId>;

  // Watches. With a callback, events are delivered as described above; without
  // one they are kept for readWatch(). The daemon sends one event at once.
  Status watch(std::string_view path, std::string_view token, WatchCallback cb = {});
  Status unwatch(std::string_view path, std::string_view token);
  Status resetWatches();

  Status introduce(uint32_t domid, uint64_t gfn, uint32_t evtchn);
  Status release(uint32_t domid);
  Status resume(uint32_t domid);
  Result<bool> isDomainIntroduced(uint32_t domid);
  Result<std::string> getDomainPath(uint32_t domid);
  Status setTarget(uint32_t domid, uint32_t target);
  // CONTROL: arguments are sent NUL-separated; returns the reply text.
  Result<std::string> control(const std::vector<std::string>& args);

  // Any request: raw reply payload, or the daemon's error. Payloads over 4096
  // bytes fail with E2BIG without being sent.
  Result<std::string> request(MsgType type, std::string_view payload, TxId tx = kNoTx);

  // Pipelining: queue requests in a Batch, then run() sends them all and
  // collects the replies.
  Batch batch(TxId tx = kNoTx);

  // --- Events ---
  // An epoll fd to add (level-triggered) to a caller's poll/epoll set;
  // readable when the socket has data or events are queued. Call
  // dispatchEvents() when it is. It stays readable once the connection is
  // lost: check connected() then. -1 if it cannot be created.
  int pollFd();
  // Reads whatever the socket has (without blocking), then runs the callbacks
  // of queued events. Returns how many callbacks ran.
  size_t dispatchEvents();
  // Next event of a watch without callback; waits up to timeoutMs (-1: forever).
  std::optional<WatchEvent> readWatch(int timeoutMs = -1);
  // Background delivery: a thread reads the socket and runs callbacks.
  Status startEventThread();
  void stopEventThread();

 private:
  friend class Batch;
  struct Slot;
  struct BatchRun;
  struct WatchEntry {
    uint64_t id;
    std::string path;
    std::string token;
    std::shared_ptr<WatchCallback> cb;  // null: events go to plainEvents_
  };
  struct QueuedEvent {
    uint64_t watchId;
    WatchEvent ev;
  };
  enum class Pump { Progress, Timeout, Broken, Stopped };

  explicit Client(UniqueFd fd);

  // Sends bytes, reading replies meanwhile if the socket is full.
  bool sendAll(const char* data, size_t len);
  // Waits (leader/follower) until done() holds under mu_; false on timeout or
  // broken connection with done() still false.
  template <class Pred>
  bool waitFor(std::unique_lock<std::mutex>& lk, Pred done, int timeoutMs = -1);
  // One poll+read as the reader, routing what arrived. Unlocks during I/O.
  Pump pumpLocked(std::unique_lock<std::mutex>& lk, int timeoutMs, bool watchStop);
  void routeLocked(const Header& h, const char* payload);
  void queueEventLocked(const char* payload, size_t len);
  void breakLocked();
  void signalEventsLocked();
  void clearEventSignalLocked();
  uint32_t takeReqIdsLocked(uint32_t count);
  void eventThreadMain();
  Result<std::string> directoryPart(std::string_view path, TxId tx);

  UniqueFd fd_;
  bool isSocket_ = true;

  mutable std::mutex mu_;           // everything below, except the read buffer
  std::condition_variable cv_;
  bool reading_ = false;            // a thread is the reader
  bool broken_ = false;
  uint32_t nextReqId_ = 1;
  std::unordered_map<uint32_t, Slot*> slots_;
  std::vector<BatchRun*> batches_;
  std::vector<WatchEntry> watches_;
  uint64_t nextWatchId_ = 1;
  std::deque<QueuedEvent> cbEvents_;
  std::deque<WatchEvent> plainEvents_;

  std::mutex writeMu_;              // one sender at a time, whole messages

  // Read side: used only by the thread that is the reader.
  std::unique_ptr<char[]> rbuf_;
  size_t rbegin_ = 0;
  size_t rend_ = 0;

  UniqueFd epollFd_;                // pollFd(), created on demand
  UniqueFd eventFd_;                // readable while events are queued
  bool eventFdSignalled_ = false;

  std::thread eventThread_;
  UniqueFd stopFd_;                 // wakes the event thread's poll
  bool stopping_ = false;
  std::thread::id eventThreadId_;
};

template <class F>
auto Client::transact(F&& fn, int maxAttempts) -> std::invoke_result_t<F&, TxId> {
  for (int attempt = 1;; ++attempt) {
    auto tx = transactionStart();
    if (!tx) {
      return unexpected(tx.error());
    }
    auto r = fn(*tx);
    if (!r) {
      (void)transactionEnd(*tx, false);
      if (r.error() == Err::EAGAIN_ && attempt < maxAttempts) {
        continue;
      }
      return r;
    }
    auto end = transactionEnd(*tx, true);
    if (end) {
      return r;
    }
    if (end.error() != Err::EAGAIN_ || attempt >= maxAttempts) {
      return unexpected(end.error());
    }
  }
}

}  // namespace xenia::xs

#include "xenstore/client/batch.h"
