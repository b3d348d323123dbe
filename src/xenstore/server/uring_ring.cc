// The Uring half that knows nothing of connections: ring set-up with the best
// task-run mode the kernel offers, the provided receive buffers, the start-up
// probe of fast sends, and the bounded drain before teardown.
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "xenstore/server/server_uring.h"

namespace xenia::xs {
namespace {

constexpr unsigned kRingEntries = 256;

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
  // Not zeroed: pages are touched only once the kernel fills them.
  u->buffers_ = std::make_unique_for_overwrite<char[]>(size_t(kBufCount) * kBufSize);
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
  // A small send buffer keeps the "huge" send small.
  int sndbuf = 4096;
  ::setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
  std::string big(256 * 1024, 'x');
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
  // Unresolved fast sends are over once submitted and post nothing when whole.
  inflight -= std::min(inflight, fastSends.size());
  fastSends.clear();
  // Cancelled socket operations complete at once; the bound is for safety.
  for (int i = 0; i < 100 && inflight > 0; ++i) {
    __kernel_timespec ts{0, 10 * 1000 * 1000};
    io_uring_cqe* cqe = nullptr;
    if (io_uring_wait_cqe_timeout(&ring, &cqe, &ts) != 0 || !cqe) {
      break;  // nothing more is coming
    }
    if (!(cqe->flags & IORING_CQE_F_MORE) && inflight > 0) {
      --inflight;
    }
    io_uring_cqe_seen(&ring, cqe);
  }
}

}  // namespace xenia::xs
