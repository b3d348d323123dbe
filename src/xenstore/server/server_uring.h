// The io_uring half of the Server's event loop (internal to server*.cc): the
// ring, the provided receive buffers, and the connections closed while the
// kernel still owns one of their operations.
#pragma once

#include <liburing.h>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "xenstore/server/server.h"
#include "xenstore/server/server_conn.h"

namespace xenia::xs {

struct Uring {
  // Receive buffers the kernel picks from when data arrives, so an idle
  // connection holds no buffer. Sized to take a 256-request pipelined batch
  // in one completion.
  static constexpr unsigned kBufCount = 32;
  static constexpr unsigned kBufSize = 16 * 1024;
  static constexpr uint16_t kBufGroup = 0;

  // user_data: (ConnId << 2) | op; the rest are tags.
  static constexpr uint64_t kOpRecv = 1;
  static constexpr uint64_t kOpSend = 2;
  static constexpr uint64_t kTagEpoll = 3;   // the poll on the epoll fd (listeners, wake)
  static constexpr uint64_t kTagIgnore = 0;  // cancel requests

  // Creates the ring and registers the buffers; the error sentence otherwise.
  static std::unique_ptr<Uring> create(std::string& error);
  // Checks, on a socket pair, what fastSendOk promises.
  bool probeFastSend();
  ~Uring();
  Uring(const Uring&) = delete;
  Uring& operator=(const Uring&) = delete;

  // Never null: submits what is queued when the submission queue is full.
  io_uring_sqe* sqe();
  const char* buffer(unsigned bid) const { return buffers_.get() + size_t(bid) * kBufSize; }
  // Gives a receive buffer back to the kernel.
  void recycle(unsigned bid);
  // Cancels everything still in flight and waits (bounded) for it, so no
  // buffer is freed while the kernel may still use it.
  void drain();

  io_uring ring{};
  // Operations submitted and not yet completed, to know when drain() is done.
  size_t inflight = 0;
  // Fast sends (see uringArmSend) submitted since the last wait: each
  // completed during that submit, and posted a completion only if it did not
  // send everything.
  std::vector<ConnId> fastSends;
  // One of them is on a connection that waits for it (blocked on its output,
  // or half-closed) rather than for its next request: do not sleep before
  // resolving it.
  bool fastFollowUp = false;
  // The kernel completes MSG_DONTWAIT sends during the submit and posts
  // nothing for a full one (probed at start-up).
  bool fastSendOk = false;
  // Closed connections with an operation still in flight: their send buffer
  // must outlive it.
  std::unordered_map<ConnId, std::unique_ptr<Server::Conn>> zombies;

 private:
  Uring() = default;
  io_uring_buf_ring* bufRing_ = nullptr;
  size_t bufRingBytes_ = 0;
  std::unique_ptr<char[]> buffers_;
  bool ringInit_ = false;
};

}  // namespace xenia::xs
