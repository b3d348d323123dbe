// The RPC listener and its connections.
#include "xend/daemon/rpc_server.h"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "xend/vm/console_mux.h"

namespace xenia::xend {

Expected<std::unique_ptr<RpcServer>, std::string> RpcServer::listen(EventLoop& loop,
                                                                    const std::string& path,
                                                                    Handler handler) {
  auto fd = listenUnix(path, 64);
  if (!fd) {
    return unexpected(fd.error());
  }
  std::unique_ptr<RpcServer> s(new RpcServer(loop, path, std::move(handler)));
  s->listen_ = std::move(*fd);
  RpcServer* self = s.get();
  loop.add(s->listen_.get(), EPOLLIN, [self](uint32_t) { self->onAccept(); });
  return s;
}

RpcServer::~RpcServer() {
  for (auto& [fd, c] : conns_) {
    loop_.remove(fd);
  }
  conns_.clear();
  if (listen_) {
    loop_.remove(listen_.get());
    ::unlink(path_.c_str());
  }
}

void RpcServer::onAccept() {
  for (;;) {
    int fd = ::accept4(listen_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      return;
    }
    if (conns_.size() >= kMaxConnections) {
      ::close(fd);
      continue;
    }
    auto c = std::make_unique<Conn>();
    c->fd.reset(fd);
    conns_[fd] = std::move(c);
    loop_.add(fd, EPOLLIN, [this, fd](uint32_t ev) { onConn(fd, ev); });
  }
}

void RpcServer::drop(int fd) {
  loop_.remove(fd);
  conns_.erase(fd);
}

bool RpcServer::flush(int fd) {
  auto it = conns_.find(fd);
  if (it == conns_.end()) {
    return false;
  }
  Conn& c = *it->second;
  while (!c.out.empty()) {
    ssize_t n = ::send(fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      if (errno == EAGAIN) {
        break;
      }
      drop(fd);
      return false;
    }
    c.out.erase(0, static_cast<size_t>(n));
  }
  if (c.out.empty() && c.closing) {
    drop(fd);
    return false;
  }
  // A closing connection waits only for its output to drain (its EOF would
  // keep reporting EPOLLIN).
  loop_.modify(fd, c.closing ? EPOLLOUT : c.out.empty() ? EPOLLIN : EPOLLIN | EPOLLOUT);
  return true;
}

void RpcServer::serve(int fd) {
  for (;;) {
    auto it = conns_.find(fd);
    if (it == conns_.end()) {
      return;
    }
    Conn& c = *it->second;
    auto line = c.in.next();
    if (!line) {
      if (c.in.overflowed() && !c.closing) {
        c.out += encodeError(nullptr, {kEINVAL, "Request line longer than 1 MiB."});
        c.closing = true;
        flush(fd);
      }
      return;
    }
    auto req = decodeRequest(*line);
    std::string answer;
    if (!req) {
      answer = encodeError(req.error().id, req.error().error);
    } else {
      auto r = handler_(req->method, req->params);
      answer = r ? encodeResult(req->id, *r) : encodeError(req->id, r.error());
    }
    // The handler may have run the loop; the connection may be gone.
    it = conns_.find(fd);
    if (it == conns_.end()) {
      return;
    }
    it->second->out += answer;
    if (it->second->out.size() > kMaxOutput) {
      drop(fd);
      return;
    }
    if (!flush(fd)) {
      return;
    }
  }
}

void RpcServer::onConn(int fd, uint32_t events) {
  if (events & EPOLLOUT) {
    if (!flush(fd)) {
      return;
    }
  }
  if (!(events & (EPOLLIN | EPOLLHUP | EPOLLERR))) {
    return;
  }
  auto it = conns_.find(fd);
  if (it == conns_.end() || it->second->closing) {
    return;
  }
  char buf[65536];
  ssize_t n = ::read(fd, buf, sizeof buf);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
    return;
  }
  if (n <= 0) {
    // Answer what was complete, then close.
    it->second->closing = true;
    serve(fd);
    flush(fd);
    return;
  }
  it->second->in.feed(std::string_view(buf, static_cast<size_t>(n)));
  serve(fd);
}

}  // namespace xenia::xend
