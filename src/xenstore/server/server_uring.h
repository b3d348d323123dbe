// The io_uring half of the Server's event loop (internal to server*.cc): the
// ring, the provided receive buffers, and the connections closed while the
// kernel still owns one of their operations.
#pragma once

#include <liburing.h>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

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
  // Completions the next submit is certain to post at once (first send
  // attempts with MSG_DONTWAIT, which never wait for the socket), whose
  // handling does not by itself need another loop iteration. The next wait asks
  // for one completion more, so a send and the wait for the next request share
  // one io_uring_enter.
  unsigned certain = 0;
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
