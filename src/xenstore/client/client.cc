// Client transport: connecting, sending, and the leader/follower reader that
// routes replies by req_id and queues watch events. Event delivery is in
// client_events.cc.
#include "xenstore/client/client.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "xenstore/client/client_internal.h"

namespace xenia::xs {
namespace {

constexpr size_t kReadBufSize = 64 * 1024;
// Events nobody collects are dropped beyond this, so a flood cannot exhaust memory.
constexpr size_t kMaxQueuedEvents = 1 << 20;

}  // namespace

Err errorFromPayload(std::string_view payload) {
  size_t nul = payload.find('\0');
  auto e = errFromName(payload.substr(0, nul));
  // libxenstore maps names it does not know (oxenstored's EQUOTA) to EINVAL.
  return e ? *e : Err::EINVAL_;
}

bool repliesOk(uint32_t type) {
  switch (static_cast<MsgType>(type)) {
    case MsgType::Write:
    case MsgType::Mkdir:
    case MsgType::Rm:
    case MsgType::SetPerms:
    case MsgType::Watch:
    case MsgType::Unwatch:
    case MsgType::TransactionEnd:
    case MsgType::Introduce:
    case MsgType::Release:
    case MsgType::Resume:
    case MsgType::SetTarget:
    case MsgType::ResetWatches:
      return true;
    default:
      return false;
  }
}

Client::Connected Client::connect(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    return unexpected(errno);
  }
  if (!S_ISSOCK(st.st_mode)) {
    UniqueFd fd(::open(path.c_str(), O_RDWR | O_CLOEXEC | O_NONBLOCK));
    if (!fd) {
      return unexpected(errno);
    }
    auto c = std::unique_ptr<Client>(new Client(std::move(fd)));
    c->isSocket_ = false;
    return c;
  }
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof(addr.sun_path)) {
    return unexpected(EINVAL);
  }
  std::memcpy(addr.sun_path, path.data(), path.size());
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) {
    return unexpected(errno);
  }
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    return unexpected(errno);
  }
  return fromFd(std::move(fd));
}

Client::Connected Client::open() {
  auto c = connect(daemonSocketPath());
  if (c) {
    return c;
  }
  return connect(domainDevPath());
}

std::unique_ptr<Client> Client::fromFd(UniqueFd fd) {
  return std::unique_ptr<Client>(new Client(std::move(fd)));
}

Client::Client(UniqueFd fd) : fd_(std::move(fd)), rbuf_(new char[kReadBufSize]) {
  int flags = ::fcntl(fd_.get(), F_GETFL);
  if (flags >= 0) {
    ::fcntl(fd_.get(), F_SETFL, flags | O_NONBLOCK);
  }
  int type = 0;
  socklen_t len = sizeof(type);
  isSocket_ = ::getsockopt(fd_.get(), SOL_SOCKET, SO_TYPE, &type, &len) == 0;
}

Client::~Client() { stopEventThread(); }

bool Client::connected() const {
  std::lock_guard lk(mu_);
  return !broken_;
}

uint32_t Client::takeReqIdsLocked(uint32_t count) {
  // Batches need a contiguous range; 0 is left out (watch events use it).
  if (nextReqId_ == 0 || uint64_t(nextReqId_) + count > 0xffffffffull) {
    nextReqId_ = 1;
  }
  uint32_t base = nextReqId_;
  nextReqId_ += count;
  return base;
}

void Client::breakLocked() {
  if (broken_) {
    return;
  }
  broken_ = true;
  if (isSocket_) {
    // Wakes any thread polling the socket; the fd itself is closed by the destructor.
    ::shutdown(fd_.get(), SHUT_RDWR);
  }
  slots_.clear();
  signalEventsLocked();
  cv_.notify_all();
}

void Client::signalEventsLocked() {
  if (eventFd_ && !eventFdSignalled_) {
    uint64_t one = 1;
    if (::write(eventFd_.get(), &one, sizeof(one)) == sizeof(one)) {
      eventFdSignalled_ = true;
    }
  }
}

bool Client::sendAll(const char* data, size_t len) {
  while (len > 0) {
    ssize_t n = isSocket_ ? ::send(fd_.get(), data, len, MSG_NOSIGNAL)
                          : ::write(fd_.get(), data, len);
    if (n > 0) {
      data += n;
      len -= static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) {
      continue;
    }
    std::unique_lock lk(mu_);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && !broken_) {
      // The daemon may be waiting for us to read before it reads more: read
      // while waiting for space, unless another thread is the reader.
      if (!reading_) {
        reading_ = true;
        lk.unlock();
        pollfd pfd{fd_.get(), POLLIN | POLLOUT, 0};
        ::poll(&pfd, 1, -1);
        lk.lock();
        if (pfd.revents & (POLLIN | POLLHUP | POLLERR)) {
          pumpLocked(lk, 0, false);
        }
        reading_ = false;
        cv_.notify_all();
      } else {
        lk.unlock();
        pollfd pfd{fd_.get(), POLLOUT, 0};
        ::poll(&pfd, 1, 10);
      }
      continue;
    }
    breakLocked();
    return false;
  }
  return true;
}

Client::Pump Client::pumpLocked(std::unique_lock<std::mutex>& lk, int timeoutMs,
                                bool watchStop) {
  if (broken_) {
    return Pump::Broken;
  }
  lk.unlock();
  pollfd pfd[2] = {{fd_.get(), POLLIN, 0}, {stopFd_.get(), POLLIN, 0}};
  nfds_t nfds = watchStop && stopFd_ ? 2 : 1;
  int pr = ::poll(pfd, nfds, timeoutMs);
  if (pr <= 0) {
    lk.lock();
    if (pr < 0 && errno != EINTR) {
      breakLocked();
      return Pump::Broken;
    }
    return pr == 0 ? Pump::Timeout : Pump::Progress;
  }
  if (nfds == 2 && (pfd[1].revents & POLLIN)) {
    lk.lock();
    return Pump::Stopped;
  }
  ssize_t n = ::read(fd_.get(), rbuf_.get() + rend_, kReadBufSize - rend_);
  int readErrno = errno;
  lk.lock();
  if (n == 0 || (n < 0 && readErrno != EAGAIN && readErrno != EINTR)) {
    breakLocked();
    return Pump::Broken;
  }
  if (n < 0) {
    return Pump::Progress;
  }
  rend_ += static_cast<size_t>(n);
  while (rend_ - rbegin_ >= kHeaderSize) {
    Header h = decodeHeader(rbuf_.get() + rbegin_);
    if (h.len > kPayloadMax) {
      // Like libxenstore: an over-long message is a protocol error.
      breakLocked();
      return Pump::Broken;
    }
    if (rend_ - rbegin_ < kHeaderSize + h.len) {
      break;
    }
    routeLocked(h, rbuf_.get() + rbegin_ + kHeaderSize);
    if (broken_) {
      return Pump::Broken;
    }
    rbegin_ += kHeaderSize + h.len;
  }
  if (rbegin_ == rend_) {
    rbegin_ = rend_ = 0;
  } else if (kReadBufSize - rend_ < kHeaderSize + kPayloadMax) {
    std::memmove(rbuf_.get(), rbuf_.get() + rbegin_, rend_ - rbegin_);
    rend_ -= rbegin_;
    rbegin_ = 0;
  }
  return Pump::Progress;
}

void Client::routeLocked(const Header& h, const char* payload) {
  if (h.type == static_cast<uint32_t>(MsgType::WatchEvent)) {
    queueEventLocked(payload, h.len);
    return;
  }
  for (BatchRun* b : batches_) {
    uint32_t idx = h.reqId - b->base;
    if (idx >= b->count) {
      continue;
    }
    uint8_t want = b->types[idx];
    if (b->answered[idx] || (h.type != want && h.type != uint32_t(MsgType::Error))) {
      breakLocked();
      return;
    }
    b->answered[idx] = 1;
    auto& r = (*b->results)[idx];
    if (h.type == static_cast<uint32_t>(MsgType::Error)) {
      r = unexpected(errorFromPayload(std::string_view(payload, h.len)));
    } else if (repliesOk(want)) {
      r = std::string();
    } else {
      r = std::string(payload, h.len);
    }
    ++b->completed;
    return;
  }
  auto it = slots_.find(h.reqId);
  if (it == slots_.end()) {
    breakLocked();  // a reply nobody asked for: the stream cannot be trusted
    return;
  }
  Slot* s = it->second;
  slots_.erase(it);
  if (h.type != s->expectType && h.type != static_cast<uint32_t>(MsgType::Error)) {
    breakLocked();
    return;
  }
  s->type = h.type;
  s->payload.assign(payload, h.len);
  s->done = true;
}

void Client::queueEventLocked(const char* payload, size_t len) {
  auto parts = splitNul(std::string_view(payload, len));
  if (parts.size() < 2) {
    return;  // not a valid event; libxenstore would assert
  }
  WatchEvent ev{std::string(parts[0]), std::string(parts[1])};
  const WatchEntry* match = nullptr;
  for (const auto& w : watches_) {
    if (w.token == ev.token && watchCovers(w.path, ev.path)) {
      match = &w;
      break;
    }
  }
  if (!match) {
    // Spurious events are allowed; give them to the first watch with the token.
    for (const auto& w : watches_) {
      if (w.token == ev.token) {
        match = &w;
        break;
      }
    }
  }
  if (cbEvents_.size() + plainEvents_.size() >= kMaxQueuedEvents) {
    return;
  }
  if (match && match->cb) {
    cbEvents_.push_back({match->id, std::move(ev)});
  } else {
    plainEvents_.push_back(std::move(ev));
  }
  signalEventsLocked();
}

Result<std::string> Client::request(MsgType type, std::string_view payload, TxId tx) {
  if (payload.size() > kPayloadMax) {
    return unexpected(Err::E2BIG_);
  }
  Slot slot;
  slot.expectType = static_cast<uint32_t>(type);
  std::unique_lock lk(mu_);
  if (broken_) {
    return unexpected(Err::EIO_);
  }
  uint32_t id = takeReqIdsLocked(1);
  slots_[id] = &slot;
  lk.unlock();
  bool sent;
  {
    char msg[kHeaderSize + kPayloadMax];
    encodeHeader(Header{uint32_t(type), id, tx, uint32_t(payload.size())}, msg);
    std::memcpy(msg + kHeaderSize, payload.data(), payload.size());
    std::lock_guard w(writeMu_);
    sent = sendAll(msg, kHeaderSize + payload.size());
  }
  lk.lock();
  if (!sent || !waitFor(lk, [&] { return slot.done; })) {
    slots_.erase(id);
    return unexpected(Err::EIO_);
  }
  if (slot.type == static_cast<uint32_t>(MsgType::Error)) {
    return unexpected(errorFromPayload(slot.payload));
  }
  return std::move(slot.payload);
}

}  // namespace xenia::xs
