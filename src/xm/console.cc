// The console session loop (poll on terminal and socket) and the raw-mode
// guard. SIGTERM/SIGHUP end the session through EINTR so the terminal is
// always restored.
#include "xm/console.h"

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/unique_fd.h"

namespace xenia::xm {
namespace {

volatile sig_atomic_t gStop = 0;
void onSignal(int) { gStop = 1; }

class RawMode {
 public:
  explicit RawMode(int fd) : fd_(fd) {
    if (::isatty(fd) && ::tcgetattr(fd, &saved_) == 0) {
      termios raw = saved_;
      ::cfmakeraw(&raw);
      active_ = ::tcsetattr(fd, TCSAFLUSH, &raw) == 0;
    }
  }
  ~RawMode() {
    if (active_) {
      ::tcsetattr(fd_, TCSAFLUSH, &saved_);
    }
  }
  RawMode(const RawMode&) = delete;
  RawMode& operator=(const RawMode&) = delete;

 private:
  int fd_;
  termios saved_{};
  bool active_ = false;
};

class SignalGuard {
 public:
  SignalGuard() {
    struct sigaction sa {};
    sa.sa_handler = onSignal;
    sigemptyset(&sa.sa_mask);
    for (int i = 0; i < 3; ++i) {
      ::sigaction(kSignals[i], &sa, &old_[i]);
    }
    gStop = 0;
  }
  ~SignalGuard() {
    for (int i = 0; i < 3; ++i) {
      ::sigaction(kSignals[i], &old_[i], nullptr);
    }
  }

 private:
  static constexpr int kSignals[3] = {SIGTERM, SIGHUP, SIGINT};
  struct sigaction old_[3];
};

bool writeAll(int fd, const char* p, size_t n, bool socket) {
  while (n > 0) {
    ssize_t w = socket ? ::send(fd, p, n, MSG_NOSIGNAL) : ::write(fd, p, n);
    if (w < 0 && errno == EINTR) {
      if (gStop) {
        return false;
      }
      continue;
    }
    if (w <= 0) {
      return false;
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

}  // namespace

int runConsole(int sockFd, int inFd, int outFd, std::string* error) {
  SignalGuard signals;
  RawMode raw(inFd);
  bool inOpen = true;
  char buf[16384];
  while (!gStop) {
    pollfd fds[2] = {{sockFd, POLLIN, 0}, {inFd, POLLIN, 0}};
    int n = ::poll(fds, inOpen ? 2 : 1, -1);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      *error = std::string("poll: ") + std::strerror(errno);
      return 1;
    }
    if (fds[0].revents != 0) {
      ssize_t r = ::recv(sockFd, buf, sizeof(buf), 0);
      if (r < 0 && errno == EINTR) {
        continue;
      }
      if (r <= 0) {
        return 0;  // the console went away with its domain
      }
      if (!writeAll(outFd, buf, static_cast<size_t>(r), false)) {
        if (gStop) {
          return 0;
        }
        *error = std::string("write: ") + std::strerror(errno);
        return 1;
      }
    }
    if (inOpen && fds[1].revents != 0) {
      ssize_t r = ::read(inFd, buf, sizeof(buf));
      if (r < 0 && errno == EINTR) {
        continue;
      }
      if (r <= 0) {
        inOpen = false;  // keep showing output until the domain goes
        continue;
      }
      const char* esc = static_cast<const char*>(std::memchr(buf, kConsoleEscape, r));
      size_t len = esc != nullptr ? static_cast<size_t>(esc - buf) : static_cast<size_t>(r);
      if (len > 0 && !writeAll(sockFd, buf, len, true)) {
        return 0;
      }
      if (esc != nullptr) {
        return 0;
      }
    }
  }
  return 0;
}

int attachConsole(Ctx& ctx, const std::string& dom, bool quiet,
                  const std::function<int()>& afterConnect) {
  auto r = ctx.call("domain.console", {{"dom", dom}});
  if (!r) {
    return quiet ? 1 : ctx.rpcFailed(r.error());
  }
  if (!r->is_object() || !r->contains("socket") || !(*r)["socket"].is_string()) {
    return ctx.badAnswer("answer has no console 'socket'");
  }
  std::string path = (*r)["socket"].get<std::string>();
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  int err = 0;
  if (path.size() >= sizeof(addr.sun_path)) {
    err = ENAMETOOLONG;
  } else if (!fd) {
    err = errno;
  } else {
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) < 0) {
      err = errno;
    }
  }
  if (err != 0) {
    if (!quiet) {
      ctx.error("Could not connect to the console of domain '" + dom + "' (" + path +
                "): " + std::strerror(err));
    }
    return 1;
  }
  if (afterConnect) {
    if (int rc = afterConnect()) {
      return rc;
    }
  }
  ctx.out().flush();
  std::string error;
  int rc = runConsole(fd.get(), ctx.env().stdinFd, ctx.env().stdoutFd, &error);
  if (rc != 0) {
    ctx.error("console: " + error);
  }
  return rc;
}

}  // namespace xenia::xm
