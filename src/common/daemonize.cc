// Double fork with a readiness pipe; see daemonize.h. The report is
// "ready <pid>\n" or a message ending in a newline.
#include "common/daemonize.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace xenia {
namespace {

constexpr std::string_view kReady = "ready ";

void writeAll(int fd, std::string_view s) {
  while (!s.empty()) {
    ssize_t n = ::write(fd, s.data(), s.size());
    if (n <= 0) {
      return;
    }
    s.remove_prefix(static_cast<size_t>(n));
  }
}

// The starting process: waits for the report, then exits with _Exit (a
// normal exit would run destructors of objects the daemon now owns, such as
// xenstored's listening socket).
[[noreturn]] void awaitReport(int fd, const char* what, bool printPid) {
  std::string msg;
  char buf[4096];
  ssize_t n;
  while (msg.size() < 65536 && (n = ::read(fd, buf, sizeof buf)) > 0) {
    msg.append(buf, static_cast<size_t>(n));
  }
  if (msg.rfind(kReady, 0) == 0) {
    if (printPid) {
      std::fputs(msg.c_str() + kReady.size(), stdout);
      std::fflush(stdout);
    }
    std::_Exit(0);
  }
  if (msg.empty()) {
    std::fprintf(stderr, "%s: exited during start-up\n", what);
  } else {
    std::fputs(msg.c_str(), stderr);
  }
  std::_Exit(1);
}

}  // namespace

int daemonize(const char* what, bool printPid) {
  int p[2];
  if (::pipe2(p, O_CLOEXEC) != 0) {
    std::perror("pipe2");
    std::_Exit(1);
  }
  pid_t pid = ::fork();
  if (pid < 0) {
    std::perror("fork");
    std::_Exit(1);
  }
  if (pid > 0) {
    ::close(p[1]);
    awaitReport(p[0], what, printPid);
  }
  ::close(p[0]);
  ::setsid();
  pid = ::fork();
  if (pid < 0) {
    std::_Exit(1);
  }
  if (pid > 0) {
    std::_Exit(0);
  }
  if (::chdir("/") != 0) {
    std::_Exit(1);
  }
  int null = ::open("/dev/null", O_RDWR);
  if (null >= 0) {
    ::dup2(null, 0);
    ::dup2(null, 1);
    ::dup2(null, 2);
    if (null > 2) {
      ::close(null);
    }
  }
  return p[1];
}

void reportReady(int& fd, pid_t pid) {
  if (fd >= 0) {
    writeAll(fd, std::string(kReady) + std::to_string(pid) + "\n");
    ::close(fd);
    fd = -1;
  }
}

void reportFailure(int& fd, const std::string& message) {
  if (fd >= 0) {
    writeAll(fd, message.empty() || message.back() != '\n' ? message + "\n" : message);
    ::close(fd);
    fd = -1;
  }
}

}  // namespace xenia
