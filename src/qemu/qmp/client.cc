// QMP client I/O: non-blocking unix socket, SCM_RIGHTS fd passing, poll-based
// blocking calls layered on the same path the epoll mode uses.
#include "qemu/qmp/client.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include <fmt/format.h>

namespace xenia::qmp {

namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kReadChunk = 64 * 1024;

std::string errnoText(int err) { return std::strerror(err); }

}  // namespace

namespace {

// One connect attempt; err receives errno on failure so callers can retry on
// ENOENT/ECONNREFUSED (QEMU has not created or started listening yet).
Expected<UniqueFd, Error> connectOnce(const std::string& path, int& err) {
  err = 0;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof(addr.sun_path)) {
    return unexpected(localError(
        ErrorKind::kIo, fmt::format("The QMP socket path {} is empty or too long.", path)));
  }
  std::memcpy(addr.sun_path, path.data(), path.size());
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) {
    err = errno;
    return unexpected(localError(ErrorKind::kIo, "socket(AF_UNIX) failed: " + errnoText(err)));
  }
  // Connect while blocking (a unix connect completes at once or fails), then
  // switch to non-blocking for the session.
  int rc;
  do {
    rc = ::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  } while (rc < 0 && errno == EINTR);
  if (rc < 0) {
    err = errno;
    return unexpected(localError(
        ErrorKind::kIo, fmt::format("Cannot connect to QMP socket {}: {}.", path, errnoText(err))));
  }
  int fl = ::fcntl(fd.get(), F_GETFL);
  ::fcntl(fd.get(), F_SETFL, fl | O_NONBLOCK);
  return fd;
}

}  // namespace

Expected<UniqueFd, Error> connectUnixSocket(const std::string& path) {
  int err;
  return connectOnce(path, err);
}

Client::Client(UniqueFd fd, ClientHandlers h)
    : fd_(std::move(fd)),
      h_(std::move(h)),
      session_(SessionHandlers{
          [this](const Event& e) {
            if (h_.onEvent) {
              h_.onEvent(e);
            }
          },
          [this](const Greeting& g) {
            if (h_.onReady) {
              h_.onReady(g);
            }
          },
          [this](const Error& e) {
            if (h_.onClosed) {
              h_.onClosed(e);
            }
            out_.reset();
            fd_.reset();
          }}) {}

Client::~Client() {
  // No callbacks after destruction: the owner is going away.
  h_ = ClientHandlers{};
  close();
}

std::unique_ptr<Client> Client::adopt(UniqueFd fd, ClientHandlers h) {
  if (fd) {
    int fl = ::fcntl(fd.get(), F_GETFL);
    ::fcntl(fd.get(), F_SETFL, fl | O_NONBLOCK);
  }
  std::unique_ptr<Client> c(new Client(std::move(fd), std::move(h)));
  if (!c->fd_) {
    c->fail(ErrorKind::kIo, "The QMP client was given no file descriptor.");
  }
  return c;
}

Expected<std::unique_ptr<Client>, Error> Client::connect(const std::string& path,
                                                         std::chrono::milliseconds timeout,
                                                         ClientHandlers h) {
  auto deadline = Clock::now() + timeout;
  for (;;) {
    int err;
    auto fd = connectOnce(path, err);
    if (fd) {
      auto c = adopt(std::move(*fd), std::move(h));
      auto ready = c->waitReady(
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
      if (!ready) {
        return unexpected(ready.error());
      }
      return c;
    }
    bool retry = err == ENOENT || err == ECONNREFUSED;
    if (!retry || Clock::now() >= deadline) {
      Error e = fd.error();
      if (retry) {
        e.kind = ErrorKind::kTimeout;
      }
      return unexpected(std::move(e));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

void Client::fail(ErrorKind kind, std::string why) {
  ++dispatching_;
  session_.close(localError(kind, std::move(why)));
  --dispatching_;
}

void Client::close() {
  fail(ErrorKind::kClosed, "The QMP connection was closed by its owner.");
}

uint64_t Client::send(Command cmd, Completion done) {
  ++dispatching_;  // a closed session runs the completion at once
  uint64_t id = session_.submit(std::move(cmd), std::move(done));
  --dispatching_;
  pump();
  return id;
}

void Client::onReadable() {
  char buf[kReadChunk];
  while (fd_) {
    ssize_t n = ::recv(fd_.get(), buf, sizeof(buf), 0);
    if (n > 0) {
      ++dispatching_;
      session_.feed(std::string_view(buf, static_cast<size_t>(n)));
      --dispatching_;
      continue;
    }
    if (n == 0) {
      fail(ErrorKind::kClosed, "QEMU closed the QMP connection.");
      return;
    }
    if (errno == EINTR) {
      continue;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      break;
    }
    fail(ErrorKind::kIo, "Reading from QMP failed: " + errnoText(errno));
    return;
  }
  pump();  // a reply frees the in-flight slot for the next command
}

bool Client::writeSome() {
  const std::string& b = out_->bytes;
  ssize_t n;
  if (out_->fd && outOffset_ == 0) {
    // The fd rides on the command's first byte, so QEMU sees it when it
    // parses this command (getfd/add-fd take the most recent one).
    iovec iov{const_cast<char*>(b.data()), b.size()};
    alignas(cmsghdr) char cbuf[CMSG_SPACE(sizeof(int))] = {};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = cbuf;
    msg.msg_controllen = sizeof(cbuf);
    cmsghdr* cm = CMSG_FIRSTHDR(&msg);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    int passed = out_->fd.get();
    std::memcpy(CMSG_DATA(cm), &passed, sizeof(int));
    n = ::sendmsg(fd_.get(), &msg, MSG_NOSIGNAL);
    if (n > 0) {
      out_->fd.reset();
    }
  } else {
    n = ::send(fd_.get(), b.data() + outOffset_, b.size() - outOffset_, MSG_NOSIGNAL);
  }
  if (n < 0) {
    if (errno == EINTR) {
      return true;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      return false;
    }
    fail(ErrorKind::kIo, "Writing to QMP failed: " + errnoText(errno));
    return false;
  }
  outOffset_ += static_cast<size_t>(n);
  if (outOffset_ == b.size()) {
    out_.reset();
    outOffset_ = 0;
  }
  return true;
}

void Client::pump() {
  while (fd_) {
    if (!out_) {
      out_ = session_.nextToSend();
      outOffset_ = 0;
      if (!out_) {
        return;
      }
    }
    if (!writeSome()) {
      return;
    }
  }
}

bool Client::waitUntil(const std::function<bool()>& done, Clock::time_point deadline) {
  for (;;) {
    pump();
    if (done() || !fd_) {
      return true;
    }
    auto now = Clock::now();
    if (now >= deadline) {
      return false;
    }
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count() + 1;
    pollfd p{fd_.get(), static_cast<short>(POLLIN | (wantsWrite() ? POLLOUT : 0)), 0};
    int rc = ::poll(&p, 1, static_cast<int>(ms));
    if (rc < 0 && errno != EINTR) {
      fail(ErrorKind::kIo, "poll() on QMP failed: " + errnoText(errno));
      return true;
    }
    if (rc > 0) {
      if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
        onReadable();
      }
    }
  }
}

Expected<Ok, Error> Client::waitReady(std::chrono::milliseconds timeout) {
  if (dispatching_ > 0) {
    return unexpected(localError(ErrorKind::kUsage, "waitReady() from inside a QMP callback."));
  }
  bool finished = waitUntil([&] { return ready() || closed(); }, Clock::now() + timeout);
  if (!finished) {
    return unexpected(localError(
        ErrorKind::kTimeout,
        fmt::format("QEMU did not complete QMP negotiation within {} ms.", timeout.count())));
  }
  if (!ready()) {
    return unexpected(session_.closeReason());
  }
  return Ok{};
}

Reply Client::call(Command cmd, std::chrono::milliseconds timeout) {
  if (dispatching_ > 0) {
    return unexpected(localError(ErrorKind::kUsage, "A blocking QMP call from inside a callback."));
  }
  std::string name = cmd.name;
  std::optional<Reply> result;
  uint64_t id = send(std::move(cmd), [&result](Reply r) { result = std::move(r); });
  bool finished = waitUntil([&] { return result.has_value(); }, Clock::now() + timeout);
  if (result) {
    return std::move(*result);
  }
  session_.abandon(id);
  if (!finished) {
    return unexpected(localError(
        ErrorKind::kTimeout,
        fmt::format("QEMU did not answer {} within {} ms.", name, timeout.count())));
  }
  return unexpected(session_.closeReason());
}

}  // namespace xenia::qmp
