// A stand-in xend for xm's tests: serves canned JSON lines on a unix socket
// in a fresh temporary directory from its own thread, and records every
// request it got. Each test says how each method answers.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/unique_fd.h"
#include "xend/rpc/line_buffer.h"
#include "xend/rpc/message.h"

namespace xenia::xm::testing {

using xend::Json;
using xend::RpcError;

// A temporary directory with a short path (unix socket paths are limited).
class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/xmt.XXXXXX";
    path_ = ::mkdtemp(tmpl);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline UniqueFd listenOn(const std::string& path) {
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path.c_str());
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::listen(fd.get(), 8) != 0) {
    return UniqueFd();
  }
  return fd;
}

class FakeXend {
 public:
  // An answer: a result, or an error when `error` is set.
  struct Answer {
    Json result = Json::object();
    std::optional<RpcError> error;
  };
  using Handler = std::function<Answer(const Json& params)>;

  FakeXend() : socketPath_(dir_.path() + "/xend.sock") {
    listen_ = listenOn(socketPath_);
    int p[2];
    if (::pipe2(p, O_CLOEXEC) == 0) {
      stopRead_.reset(p[0]);
      stopWrite_.reset(p[1]);
    }
    thread_ = std::thread([this] { serve(); });
  }
  ~FakeXend() {
    char c = 'x';
    (void)!::write(stopWrite_.get(), &c, 1);
    thread_.join();
  }

  const std::string& socketPath() const { return socketPath_; }
  const std::string& dir() const { return dir_.path(); }

  void on(const std::string& method, Handler h) {
    std::lock_guard<std::mutex> g(mu_);
    handlers_[method] = std::move(h);
  }
  void onResult(const std::string& method, Json result) {
    on(method, [result](const Json&) { return Answer{result, std::nullopt}; });
  }
  void onError(const std::string& method, std::string code, std::string message) {
    on(method, [=](const Json&) { return Answer{Json::object(), RpcError{code, message}}; });
  }

  // Requests seen so far: {method, params}.
  std::vector<std::pair<std::string, Json>> requests() {
    std::lock_guard<std::mutex> g(mu_);
    return requests_;
  }
  std::vector<std::string> methods() {
    std::vector<std::string> m;
    for (auto& r : requests()) {
      m.push_back(r.first);
    }
    return m;
  }

 private:
  void serve() {
    std::vector<UniqueFd> conns;
    std::map<int, xend::LineBuffer> bufs;
    for (;;) {
      std::vector<pollfd> fds = {{stopRead_.get(), POLLIN, 0}, {listen_.get(), POLLIN, 0}};
      for (auto& c : conns) {
        fds.push_back({c.get(), POLLIN, 0});
      }
      if (::poll(fds.data(), fds.size(), -1) < 0) {
        continue;
      }
      if (fds[0].revents != 0) {
        return;
      }
      if (fds[1].revents != 0) {
        conns.emplace_back(::accept4(listen_.get(), nullptr, nullptr, SOCK_CLOEXEC));
      }
      for (size_t i = 2; i < fds.size(); ++i) {
        if (fds[i].revents == 0) {
          continue;
        }
        int fd = fds[i].fd;
        char buf[4096];
        ssize_t n = ::read(fd, buf, sizeof(buf));
        if (n <= 0) {
          bufs.erase(fd);
          std::erase_if(conns, [fd](const UniqueFd& c) { return c.get() == fd; });
          break;  // fds is stale now
        }
        auto& lb = bufs[fd];
        lb.feed(std::string_view(buf, static_cast<size_t>(n)));
        while (auto line = lb.next()) {
          std::string reply = answer(*line);
          (void)!::send(fd, reply.data(), reply.size(), MSG_NOSIGNAL);
        }
      }
    }
  }

  std::string answer(const std::string& line) {
    auto req = xend::decodeRequest(line);
    if (!req) {
      return xend::encodeError(req.error().id, req.error().error);
    }
    Handler h;
    {
      std::lock_guard<std::mutex> g(mu_);
      requests_.emplace_back(req->method, req->params);
      auto it = handlers_.find(req->method);
      if (it != handlers_.end()) {
        h = it->second;
      }
    }
    if (!h) {
      return xend::encodeError(Json(req->id), RpcError{"ENOSYS", "unknown method " + req->method});
    }
    Answer a = h(req->params);
    return a.error ? xend::encodeError(Json(req->id), *a.error)
                   : xend::encodeResult(req->id, a.result);
  }

  TempDir dir_;
  std::string socketPath_;
  UniqueFd listen_;
  UniqueFd stopRead_, stopWrite_;
  std::mutex mu_;
  std::map<std::string, Handler> handlers_;
  std::vector<std::pair<std::string, Json>> requests_;
  std::thread thread_;
};

}  // namespace xenia::xm::testing
