// The io_uring backend of the Server's loop. Each connection has at most one
// recv (into a kernel-picked provided buffer) and one send in flight; a reply's
// send and the wait for the next request share one io_uring_enter, so a
// synchronous request costs the daemon one syscall instead of three (epoll_wait,
// recv, send), which matters where syscalls are expensive (nested
// virtualization). Listeners and the wake eventfd stay in the epoll set, whose
// fd the ring polls. Sends are only prepared in finishIteration, after the
// journal sync, like the epoll backend's writes.
#include "xenstore/server/server_uring.h"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/log.h"

namespace xenia::xs {
namespace {

uint64_t userData(ConnId id, uint64_t op) { return (id << 2) | op; }

std::string errnoText(int err) { return std::strerror(err < 0 ? -err : err); }

}  // namespace

int Server::runUring() {
  std::string why;
  uring_ = Uring::create(why);
  if (!uring_) {
    // The probe in init() worked, so this is unexpected: fall back unless forced.
    if (options_.io == IoBackend::IoUring) {
      log_->critical("Cannot use io_uring: {}", why);
      return 1;
    }
    log_->warn("io_uring unavailable ({}); serving with epoll.", why);
    useUring_ = false;
    return runEpoll();
  }
  log_->info("Serving with io_uring{}.", uring_->fastSendOk ? "" : " (without fast sends)");
  uringArmEpoll();
  io_uring& ring = uring_->ring;
  struct Completion {
    uint64_t userData;
    int res;
    uint32_t flags;
  };
  constexpr unsigned kBatch = 64;
  io_uring_cqe* cqes[kBatch];
  Completion done[kBatch];
  while (!stop_.load()) {
    bool sleep = unblocked_.empty() && !uring_->fastFollowUp;
    uring_->fastFollowUp = false;
    int rc = io_uring_submit_and_wait(&ring, sleep ? 1 : 0);
    // Checked before handlers queue new requests.
    bool submitted = io_uring_sq_ready(&ring) == 0;
    if (rc < 0 && rc != -EINTR && rc != -EAGAIN && rc != -EBUSY && rc != -ETIME) {
      log_->critical("io_uring_enter failed: {}.", errnoText(rc));
      exitCode_ = 1;
      break;
    }
    for (;;) {
      unsigned n = io_uring_peek_batch_cqe(&ring, cqes, kBatch);
      if (n == 0) {
        break;
      }
      // Copied out first: handlers may submit, which can post completions.
      for (unsigned i = 0; i < n; ++i) {
        done[i] = Completion{cqes[i]->user_data, cqes[i]->res, cqes[i]->flags};
      }
      io_uring_cq_advance(&ring, n);
      for (unsigned i = 0; i < n; ++i) {
        if (!(done[i].flags & IORING_CQE_F_MORE)) {
          --uring_->inflight;
        }
        uringHandle(done[i].userData, done[i].res, done[i].flags);
      }
    }
    // Fast sends that posted nothing sent everything, once really submitted.
    if (submitted) {
      resolveFastSends();
    } else if (!uring_->fastSends.empty()) {
      uring_->fastFollowUp = true;  // not submitted yet: do not sleep on them
    }
    if (!finishIteration()) {
      break;
    }
  }
  return exitCode_;
}

void Server::uringHandle(uint64_t userData, int res, uint32_t flags) {
  if (userData == Uring::kTagIgnore) {
    return;
  }
  if (userData == Uring::kTagEpoll) {
    // Listeners accept one connection per event; a bounded number of rounds
    // keeps a connect flood from monopolising the loop, and re-arming the
    // poll brings us back at once if anything is still ready.
    for (int round = 0; round < 4 && pollEpoll(0) > 0; ++round) {
    }
    uringArmEpoll();
    return;
  }
  ConnId id = userData >> 2;
  if ((userData & 3) == Uring::kOpRecv) {
    uringRecvDone(id, res, flags);
  } else if ((userData & 3) == Uring::kOpSend) {
    uringSendDone(id, res);
  }
}

void Server::resolveFastSends() {
  std::vector<ConnId> ids;
  ids.swap(uring_->fastSends);
  for (ConnId id : ids) {
    Conn* c = find(id);
    if (!c) {
      auto z = uring_->zombies.find(id);
      c = z == uring_->zombies.end() ? nullptr : z->second.get();
    }
    if (c && c->sendFast) {
      c->sendFast = false;
      --uring_->inflight;
      uringSendDone(id, int(c->sending.size() - c->sendingOff));
    }
  }
  ids.clear();
  if (uring_->fastSends.empty()) {
    ids.swap(uring_->fastSends);  // keep the capacity
  }
}

void Server::uringRecvDone(ConnId id, int res, uint32_t flags) {
  bool hasBuf = (flags & IORING_CQE_F_BUFFER) != 0;
  unsigned bid = flags >> IORING_CQE_BUFFER_SHIFT;
  Conn* c = find(id);
  if (!c) {
    auto z = uring_->zombies.find(id);
    if (z != uring_->zombies.end()) {
      z->second->recvArmed = false;
      if (!z->second->sendArmed) {
        uring_->zombies.erase(z);
      }
    }
  } else {
    c->recvArmed = false;
    if (c->closing) {
      // Nothing more is read from a connection about to close.
    } else if (res > 0 && hasBuf) {
      consumeInput(*c, uring_->buffer(bid), size_t(res));
    } else if (res == 0) {
      onPeerEof(*c);
    } else if (res == -ENOBUFS || res == -EINTR || res == -EAGAIN) {
      // All buffers were taken by other completions of this batch; they are
      // recycled before the re-armed recv is submitted.
      updateInterest(*c);
    } else if (res < 0) {
      scheduleClose(*c, "read error");
      runCloses();
    }
  }
  if (hasBuf) {
    uring_->recycle(bid);
  }
}

void Server::consumeInput(Conn& c, const char* data, size_t size) {
  size_t used;
  if (c.in.empty()) {
    used = processBuffer(c, data, size);
    if (c.closed || c.closing) {
      return;
    }
    c.in.assign(data + used, size - used);
  } else {
    // Behind a partial message: at most one message plus one buffer.
    c.in.append(data, size);
    used = processBuffer(c, c.in.data(), c.in.size());
    if (c.closed || c.closing) {
      return;
    }
    c.in.erase(0, used);
  }
  if (blocked(c)) {
    c.reading = false;
  }
  updateInterest(c);
}

void Server::uringSendDone(ConnId id, int res) {
  Conn* c = find(id);
  if (!c) {
    auto z = uring_->zombies.find(id);
    if (z != uring_->zombies.end()) {
      z->second->sendArmed = false;
      z->second->sendFast = false;
      if (!z->second->recvArmed) {
        uring_->zombies.erase(z);
      }
    }
    return;
  }
  c->sendArmed = false;
  c->sendFast = false;
  if (c->closing) {
    return;
  }
  if (res < 0) {
    if (res == -EINTR || res == -EAGAIN) {
      // The client's socket is full: wait for room this time.
      uringArmSend(*c, false);
      return;
    }
    scheduleClose(*c, "write error");
    runCloses();
    return;
  }
  c->sendingOff += size_t(res);
  sent(*c, size_t(res));
  if (c->sendingOff < c->sending.size()) {
    // Short send (the client's socket buffer is full): the rest was synced
    // already, so it goes out again at once, waiting for room.
    uringArmSend(*c, false);
  } else {
    c->sending.clear();
    c->sendingOff = 0;
    // Give back what a burst of events made us allocate.
    if (c->sending.capacity() > 64 * 1024) {
      std::string().swap(c->sending);
    }
  }
  // Whatever was queued meanwhile (possibly not yet durable) is sent by the
  // flush phase, which also resumes a blocked guest.
  markDirty(*c);
}

void Server::uringArmRecv(Conn& c) {
  io_uring_sqe* s = uring_->sqe();
  io_uring_prep_recv(s, c.fd.get(), nullptr, Uring::kBufSize, 0);
  s->flags |= IOSQE_BUFFER_SELECT;
  s->buf_group = Uring::kBufGroup;
  io_uring_sqe_set_data64(s, userData(c.id, Uring::kOpRecv));
  c.recvArmed = true;
}

void Server::uringArmSend(Conn& c, bool first) {
  if (c.sendingOff == c.sending.size()) {
    // Nothing of the previous send is left: take the whole queue. Swapping
    // keeps both strings' capacity, so steady state does not allocate.
    c.sending.clear();
    c.sending.swap(c.out);
    c.sendingOff = 0;
    c.out.erase(0, c.outOff);  // outOff is always 0 with io_uring
    c.outOff = 0;
  }
  io_uring_sqe* s = uring_->sqe();
  size_t len = c.sending.size() - c.sendingOff;
  if (first && uring_->fastSendOk) {
    // A fast send is done when the submit returns: it either sent everything
    // and posts no completion, so the reply and the wait for the next
    // request share one io_uring_enter, or it posts what it managed
    // (WAITALL makes a short send a failure) and we retry, waiting for room.
    io_uring_prep_send(s, c.fd.get(), c.sending.data() + c.sendingOff, len,
                       MSG_NOSIGNAL | MSG_DONTWAIT | MSG_WAITALL);
    s->flags |= IOSQE_CQE_SKIP_SUCCESS;
    c.sendFast = true;
    uring_->fastSends.push_back(c.id);
    if (!c.reading || !c.recvArmed || c.eof) {
      uring_->fastFollowUp = true;
    }
  } else {
    io_uring_prep_send(s, c.fd.get(), c.sending.data() + c.sendingOff, len, MSG_NOSIGNAL);
  }
  io_uring_sqe_set_data64(s, userData(c.id, Uring::kOpSend));
  c.sendArmed = true;
}

void Server::uringArmEpoll() {
  io_uring_sqe* s = uring_->sqe();
  io_uring_prep_poll_add(s, epoll_.get(), POLLIN);
  io_uring_sqe_set_data64(s, Uring::kTagEpoll);
}

void Server::uringRetire(std::unique_ptr<Conn> c) {
  // Operations still queued name the fd by number: submit them while it is
  // ours, or a descriptor reused by the next accept (or journal file) could
  // receive them. Once submitted, the kernel holds the socket itself, until
  // the cancellations below complete them.
  io_uring_submit(&uring_->ring);
  c->fd.reset();
  for (uint64_t op : {Uring::kOpRecv, Uring::kOpSend}) {
    if ((op == Uring::kOpRecv && c->recvArmed) || (op == Uring::kOpSend && c->sendArmed)) {
      io_uring_sqe* s = uring_->sqe();
      io_uring_prep_cancel64(s, userData(c->id, op), 0);
      io_uring_sqe_set_data64(s, Uring::kTagIgnore);
    }
  }
  ConnId id = c->id;
  uring_->zombies.emplace(id, std::move(c));
}

}  // namespace xenia::xs
