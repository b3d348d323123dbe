// fork/exec for QEMU and pidfd helpers.
#include "xend/vm/spawn.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

extern char** environ;

namespace xenia::xend {

namespace {

// Only async-signal-safe calls between fork and exec.
[[noreturn]] void childExec(char* const* argv, int logFd, int nullFd, int errPipe,
                            const int* keep, size_t nkeep) {
  ::setsid();
  // Default signal dispositions and an empty mask for QEMU.
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int s = 1; s < NSIG; ++s) {
    ::signal(s, SIG_DFL);
  }
  if (::dup2(nullFd, 0) < 0 || ::dup2(logFd, 1) < 0 || ::dup2(logFd, 2) < 0) {
    int e = errno;
    (void)!::write(errPipe, &e, sizeof e);
    ::_exit(127);
  }
  // Close everything but 0-2 and `keep` (sorted; it holds the CLOEXEC error
  // pipe too, which must stay open until exec). Inherited fds lose CLOEXEC.
  unsigned next = 3;
  for (size_t i = 0; i < nkeep; ++i) {
    unsigned k = static_cast<unsigned>(keep[i]);
    if (k < next) {
      continue;
    }
    if (k > next) {
      ::syscall(SYS_close_range, next, k - 1, 0);
    }
    if (keep[i] != errPipe) {
      int flags = ::fcntl(keep[i], F_GETFD);
      if (flags >= 0) {
        ::fcntl(keep[i], F_SETFD, flags & ~FD_CLOEXEC);
      }
    }
    next = k + 1;
  }
  ::syscall(SYS_close_range, next, ~0U, 0);
  ::execve(argv[0], argv, environ);
  int e = errno;
  (void)!::write(errPipe, &e, sizeof e);
  ::_exit(127);
}

}  // namespace

Expected<pid_t, std::string> spawnDetached(const SpawnOptions& opts) {
  if (opts.argv.empty() || opts.argv[0].find('/') == std::string::npos) {
    return unexpected(std::string("The program to start must be given as a path."));
  }
  std::vector<char*> argv;
  for (const auto& a : opts.argv) {
    argv.push_back(const_cast<char*>(a.c_str()));
  }
  argv.push_back(nullptr);

  std::string log = opts.logPath.empty() ? "/dev/null" : opts.logPath;
  UniqueFd logFd(::open(log.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640));
  if (!logFd) {
    return unexpected(fmt::format("Cannot open {}: {}.", log, std::strerror(errno)));
  }
  UniqueFd nullFd(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (!nullFd) {
    return unexpected(fmt::format("Cannot open /dev/null: {}.", std::strerror(errno)));
  }
  int p[2];
  if (::pipe2(p, O_CLOEXEC) != 0) {
    return unexpected(fmt::format("pipe2 failed: {}.", std::strerror(errno)));
  }
  UniqueFd rd(p[0]);
  UniqueFd wr(p[1]);

  std::vector<int> keep = opts.inheritFds;
  keep.push_back(wr.get());
  std::sort(keep.begin(), keep.end());

  pid_t pid = ::fork();
  if (pid < 0) {
    return unexpected(fmt::format("fork failed: {}.", std::strerror(errno)));
  }
  if (pid == 0) {
    childExec(argv.data(), logFd.get(), nullFd.get(), wr.get(), keep.data(), keep.size());
  }
  wr.reset();
  int childErrno = 0;
  ssize_t n;
  do {
    n = ::read(rd.get(), &childErrno, sizeof childErrno);
  } while (n < 0 && errno == EINTR);
  if (n == static_cast<ssize_t>(sizeof childErrno)) {
    int status;
    ::waitpid(pid, &status, 0);
    return unexpected(fmt::format("Cannot run {}: {}.", opts.argv[0], std::strerror(childErrno)));
  }
  return pid;
}

Expected<UniqueFd, std::string> openPidfd(pid_t pid) {
  int fd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (fd < 0) {
    return unexpected(fmt::format("pidfd_open({}) failed: {}.", pid, std::strerror(errno)));
  }
  ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  return UniqueFd(fd);
}

int reapPidfd(int pidfd) {
  siginfo_t info{};
  if (::waitid(P_PIDFD, static_cast<id_t>(pidfd), &info, WEXITED | WNOHANG) != 0) {
    return -1;
  }
  if (info.si_pid == 0) {
    return -1;
  }
  if (info.si_code == CLD_EXITED) {
    return W_EXITCODE(info.si_status, 0);
  }
  return info.si_status & 0x7f;  // killed by signal
}

bool signalPidfd(int pidfd, int sig) {
  return ::syscall(SYS_pidfd_send_signal, pidfd, sig, nullptr, 0) == 0;
}

bool waitPidfd(int pidfd, int timeoutMs) {
  pollfd p{pidfd, POLLIN, 0};
  int rc;
  do {
    rc = ::poll(&p, 1, timeoutMs);
  } while (rc < 0 && errno == EINTR);
  return rc > 0;
}

}  // namespace xenia::xend
