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
#include <sys/mman.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "common/log.h"

namespace xenia::xs {
namespace {

constexpr unsigned kRingEntries = 256;

uint64_t userData(ConnId id, uint64_t op) { return (id << 2) | op; }

std::string errnoText(int err) { return std::strerror(err < 0 ? -err : err); }

}  // namespace

std::unique_ptr<Uring> Uring::create(std::string& error) {
  std::unique_ptr<Uring> u(new Uring());
  io_uring_params params{};
  // Completions are processed only when we wait for them, in our own task:
  // the cheapest mode, where the kernel supports it (6.1+).
  params.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
  int rc = io_uring_queue_init_params(kRingEntries, &u->ring, &params);
  if (rc == -EINVAL) {
    params = io_uring_params{};
    params.flags = IORING_SETUP_COOP_TASKRUN;
    rc = io_uring_queue_init_params(kRingEntries, &u->ring, &params);
  }
  if (rc == -EINVAL) {
    params = io_uring_params{};
    rc = io_uring_queue_init_params(kRingEntries, &u->ring, &params);
  }
  if (rc < 0) {
    error = "io_uring_setup: " + errnoText(rc) + ".";
    return nullptr;
  }
  u->ringInit_ = true;
  if (!(params.features & IORING_FEAT_NODROP)) {
    error = "the kernel may drop io_uring completions (no IORING_FEAT_NODROP).";
    return nullptr;
  }
  io_uring_probe* probe = io_uring_get_probe_ring(&u->ring);
  bool ops = probe && io_uring_opcode_supported(probe, IORING_OP_RECV) &&
             io_uring_opcode_supported(probe, IORING_OP_SEND) &&
             io_uring_opcode_supported(probe, IORING_OP_POLL_ADD) &&
             io_uring_opcode_supported(probe, IORING_OP_ASYNC_CANCEL);
  if (probe) {
    io_uring_free_probe(probe);
  }
  if (!ops) {
    error = "the kernel lacks io_uring recv/send/poll/cancel.";
    return nullptr;
  }
  // The provided-buffer ring (kernel 5.19+).
  u->bufRingBytes_ = kBufCount * sizeof(io_uring_buf);
  void* mem = ::mmap(nullptr, u->bufRingBytes_, PROT_READ | PROT_WRITE,
                     MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
  if (mem == MAP_FAILED) {
    error = "mmap: " + errnoText(errno) + ".";
    return nullptr;
  }
  u->bufRing_ = static_cast<io_uring_buf_ring*>(mem);
  io_uring_buf_reg reg{};
  reg.ring_addr = reinterpret_cast<uint64_t>(mem);
  reg.ring_entries = kBufCount;
  reg.bgid = kBufGroup;
  rc = io_uring_register_buf_ring(&u->ring, &reg, 0);
  if (rc < 0) {
    ::munmap(mem, u->bufRingBytes_);
    u->bufRing_ = nullptr;
    error = "io_uring_register_buf_ring: " + errnoText(rc) + ".";
    return nullptr;
  }
  u->buffers_ = std::make_unique<char[]>(size_t(kBufCount) * kBufSize);
  io_uring_buf_ring_init(u->bufRing_);
  for (unsigned i = 0; i < kBufCount; ++i) {
    io_uring_buf_ring_add(u->bufRing_, u->buffers_.get() + size_t(i) * kBufSize, kBufSize,
                          uint16_t(i), io_uring_buf_ring_mask(kBufCount), int(i));
  }
  io_uring_buf_ring_advance(u->bufRing_, kBufCount);
  u->fastSendOk = u->probeFastSend();
  return u;
}

bool Uring::probeFastSend() {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) != 0) {
    return false;
  }
  // Small (sent whole: no completion), huge (short: one completion with the
  // count), then into the full socket (EAGAIN), all decided by the submit.
  std::string big(4 * 1024 * 1024, 'x');
  size_t lens[] = {64, big.size(), 64};
  bool ok = true;
  for (int i = 0; i < 3 && ok; ++i) {
    io_uring_sqe* s = io_uring_get_sqe(&ring);
    io_uring_prep_send(s, sv[0], big.data(), lens[i], MSG_NOSIGNAL | MSG_DONTWAIT | MSG_WAITALL);
    s->flags |= IOSQE_CQE_SKIP_SUCCESS;
    io_uring_sqe_set_data64(s, kTagIgnore);
    ok = io_uring_submit(&ring) == 1;
    io_uring_cqe* cqe = nullptr;
    bool posted = ok && io_uring_peek_cqe(&ring, &cqe) == 0 && cqe;
    if (i == 0) {
      ok = ok && !posted;
    } else if (i == 1) {
      ok = posted && cqe->res > 0 && size_t(cqe->res) < lens[i];
    } else {
      ok = posted && cqe->res == -EAGAIN;
    }
    if (posted) {
      io_uring_cqe_seen(&ring, cqe);
    }
  }
  ::close(sv[0]);
  ::close(sv[1]);
  return ok;
}

Uring::~Uring() {
  if (ringInit_) {
    io_uring_queue_exit(&ring);
  }
  if (bufRing_) {
    ::munmap(bufRing_, bufRingBytes_);
  }
}

io_uring_sqe* Uring::sqe() {
  io_uring_sqe* s = io_uring_get_sqe(&ring);
  while (!s) {
    io_uring_submit(&ring);
    s = io_uring_get_sqe(&ring);
  }
  ++inflight;
  return s;
}

void Uring::recycle(unsigned bid) {
  io_uring_buf_ring_add(bufRing_, const_cast<char*>(buffer(bid)), kBufSize, uint16_t(bid),
                        io_uring_buf_ring_mask(kBufCount), 0);
  io_uring_buf_ring_advance(bufRing_, 1);
}

void Uring::drain() {
  if (inflight == 0) {
    return;
  }
  io_uring_sqe* s = sqe();
  io_uring_prep_cancel64(s, 0, IORING_ASYNC_CANCEL_ANY);
  io_uring_sqe_set_data64(s, kTagIgnore);
  io_uring_submit(&ring);
  // Cancelled socket operations complete at once; the bound is for safety.
  for (int i = 0; i < 100 && inflight > 0; ++i) {
    __kernel_timespec ts{0, 10 * 1000 * 1000};
    io_uring_cqe* cqe = nullptr;
    if (io_uring_wait_cqe_timeout(&ring, &cqe, &ts) == 0 && cqe) {
      if (!(cqe->flags & IORING_CQE_F_MORE)) {
        --inflight;
      }
      io_uring_cqe_seen(&ring, cqe);
    }
  }
}

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
  // The fd is closed, but the kernel holds the socket until these complete.
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
