// Console multiplexer: one QEMU connection fanned out to many viewers.
#include "xend/vm/console_mux.h"

#include <vector>

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include <fmt/format.h>

namespace xenia::xend {

namespace {

bool fillAddr(const std::string& path, sockaddr_un* a) {
  std::memset(a, 0, sizeof *a);
  a->sun_family = AF_UNIX;
  if (path.size() >= sizeof a->sun_path) {
    return false;
  }
  std::memcpy(a->sun_path, path.c_str(), path.size() + 1);
  return true;
}

}  // namespace

Expected<UniqueFd, std::string> listenUnix(const std::string& path, int backlog) {
  sockaddr_un a;
  if (!fillAddr(path, &a)) {
    return unexpected(fmt::format("The socket path {} is too long.", path));
  }
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) {
    return unexpected(fmt::format("socket: {}.", std::strerror(errno)));
  }
  ::unlink(path.c_str());
  // The socket file is created with the umask; make it 0600 from the start.
  mode_t old = ::umask(0177);
  int rc = ::bind(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a);
  int e = errno;
  ::umask(old);
  if (rc != 0) {
    return unexpected(fmt::format("Cannot bind {}: {}.", path, std::strerror(e)));
  }
  ::chmod(path.c_str(), 0600);
  if (::listen(fd.get(), backlog) != 0) {
    return unexpected(fmt::format("Cannot listen on {}: {}.", path, std::strerror(errno)));
  }
  return fd;
}

Expected<UniqueFd, std::string> connectUnixRetry(const std::string& path, int timeoutMs) {
  sockaddr_un a;
  if (!fillAddr(path, &a)) {
    return unexpected(fmt::format("The socket path {} is too long.", path));
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
  for (;;) {
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd) {
      return unexpected(fmt::format("socket: {}.", std::strerror(errno)));
    }
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
      ::fcntl(fd.get(), F_SETFL, ::fcntl(fd.get(), F_GETFL) | O_NONBLOCK);
      return fd;
    }
    int e = errno;
    if ((e != ENOENT && e != ECONNREFUSED && e != EAGAIN) ||
        std::chrono::steady_clock::now() >= deadline) {
      return unexpected(fmt::format("Cannot connect to {}: {}.", path, std::strerror(e)));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));  // see Vm::connectQmp
  }
}

Expected<std::unique_ptr<ConsoleMux>, std::string> ConsoleMux::start(
    EventLoop& loop, const std::string& qemuSocket, const std::string& muxPath, int timeoutMs) {
  auto q = connectUnixRetry(qemuSocket, timeoutMs);
  if (!q) {
    return unexpected(q.error());
  }
  auto l = listenUnix(muxPath);
  if (!l) {
    return unexpected(l.error());
  }
  std::unique_ptr<ConsoleMux> m(new ConsoleMux(loop, muxPath));
  m->qemu_ = std::move(*q);
  m->listen_ = std::move(*l);
  ConsoleMux* self = m.get();
  loop.add(m->qemu_.get(), EPOLLIN, [self](uint32_t ev) { self->onQemu(ev); });
  loop.add(m->listen_.get(), EPOLLIN, [self](uint32_t) { self->onListen(); });
  return m;
}

ConsoleMux::~ConsoleMux() {
  for (auto& [fd, v] : viewers_) {
    loop_.remove(fd);
  }
  viewers_.clear();
  closeQemu();
  if (listen_) {
    loop_.remove(listen_.get());
    listen_.reset();
    ::unlink(muxPath_.c_str());
  }
}

void ConsoleMux::closeQemu() {
  if (qemu_) {
    loop_.remove(qemu_.get());
    qemu_.reset();
  }
  toQemu_.clear();
}

void ConsoleMux::onQemu(uint32_t events) {
  if (events & EPOLLOUT) {
    flushQemu();
  }
  if (!qemu_ || !(events & (EPOLLIN | EPOLLHUP | EPOLLERR))) {
    return;
  }
  char buf[16384];
  ssize_t n = ::read(qemu_.get(), buf, sizeof buf);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
    return;
  }
  if (n <= 0) {
    // QEMU went away: the viewers see EOF.
    closeQemu();
    for (auto& [fd, v] : viewers_) {
      loop_.remove(fd);
    }
    viewers_.clear();
    return;
  }
  for (auto& [fd, v] : viewers_) {
    size_t room = kMaxQueued > v.out.size() ? kMaxQueued - v.out.size() : 0;
    size_t take = std::min(room, static_cast<size_t>(n));
    bool wasEmpty = v.out.empty();
    v.out.append(buf, take);
    if (wasEmpty && !v.out.empty()) {
      loop_.modify(fd, EPOLLIN | EPOLLOUT);
    }
  }
}

void ConsoleMux::queueToQemu(const char* data, size_t n) {
  if (!qemu_) {
    return;
  }
  size_t room = kMaxQueued > toQemu_.size() ? kMaxQueued - toQemu_.size() : 0;
  toQemu_.append(data, std::min(room, n));
  flushQemu();
}

void ConsoleMux::flushQemu() {
  while (qemu_ && !toQemu_.empty()) {
    ssize_t n = ::send(qemu_.get(), toQemu_.data(), toQemu_.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      if (errno != EAGAIN) {
        toQemu_.clear();
      }
      break;
    }
    toQemu_.erase(0, static_cast<size_t>(n));
  }
  if (qemu_) {
    loop_.modify(qemu_.get(), toQemu_.empty() ? EPOLLIN : EPOLLIN | EPOLLOUT);
  }
}

void ConsoleMux::onListen() {
  for (;;) {
    int fd = ::accept4(listen_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      return;
    }
    if (viewers_.size() >= kMaxViewers) {
      ::close(fd);
      continue;
    }
    viewers_[fd].fd.reset(fd);
    loop_.add(fd, EPOLLIN, [this, fd](uint32_t ev) { onViewer(fd, ev); });
  }
}

void ConsoleMux::dropViewer(int fd) {
  loop_.remove(fd);
  viewers_.erase(fd);
}

void ConsoleMux::drain() {
  // Reads here rather than through onQemu(), whose EOF path drops the viewers
  // together with the output still queued for them.
  char buf[16384];
  for (int i = 0; qemu_ && i < 64; ++i) {
    ssize_t n = ::recv(qemu_.get(), buf, sizeof buf, MSG_DONTWAIT);
    if (n <= 0) {
      break;
    }
    for (auto& [fd, v] : viewers_) {
      size_t room = kMaxQueued > v.out.size() ? kMaxQueued - v.out.size() : 0;
      v.out.append(buf, std::min(room, static_cast<size_t>(n)));
    }
  }
  std::vector<int> fds;
  for (auto& [fd, v] : viewers_) {
    fds.push_back(fd);
  }
  for (int fd : fds) {
    onViewer(fd, EPOLLOUT);
  }
}

void ConsoleMux::onViewer(int fd, uint32_t events) {
  auto it = viewers_.find(fd);
  if (it == viewers_.end()) {
    return;
  }
  Viewer& v = it->second;
  if (events & EPOLLOUT) {
    while (!v.out.empty()) {
      ssize_t n = ::send(fd, v.out.data(), v.out.size(), MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EINTR) {
          continue;
        }
        if (errno == EAGAIN) {
          break;
        }
        dropViewer(fd);
        return;
      }
      v.out.erase(0, static_cast<size_t>(n));
    }
    if (v.out.empty()) {
      loop_.modify(fd, EPOLLIN);
    }
  }
  if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
    char buf[4096];
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      return;
    }
    if (n <= 0) {
      dropViewer(fd);
      return;
    }
    queueToQemu(buf, static_cast<size_t>(n));
  }
}

}  // namespace xenia::xend
