// posix_spawn-based program runner with a poll loop bounded by a deadline.
#include "qemu/probe/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include <fmt/format.h>

#include "common/unique_fd.h"

extern char** environ;

namespace xenia::probe {

namespace {

using Clock = std::chrono::steady_clock;

std::vector<char*> cArgv(const std::vector<std::string>& argv) {
  std::vector<char*> v;
  for (const auto& a : argv) {
    v.push_back(const_cast<char*>(a.c_str()));
  }
  v.push_back(nullptr);
  return v;
}

Expected<std::pair<UniqueFd, UniqueFd>, std::string> makePipe() {
  int p[2];
  if (::pipe2(p, O_CLOEXEC) != 0) {
    return unexpected(fmt::format("pipe2 failed: {}", std::strerror(errno)));
  }
  return std::make_pair(UniqueFd(p[0]), UniqueFd(p[1]));
}

Expected<pid_t, std::string> spawnWith(const std::vector<std::string>& argv,
                                       posix_spawn_file_actions_t* fa) {
  if (argv.empty()) {
    return unexpected(std::string("No program to run."));
  }
  auto args = cArgv(argv);
  pid_t pid;
  int rc = argv[0].find('/') == std::string::npos
               ? ::posix_spawnp(&pid, args[0], fa, nullptr, args.data(), environ)
               : ::posix_spawn(&pid, args[0], fa, nullptr, args.data(), environ);
  if (rc != 0) {
    return unexpected(fmt::format("Cannot run {}: {}.", argv[0], std::strerror(rc)));
  }
  return pid;
}

// Reaps pid, waiting until deadline; then kills it. Returns the wait status.
int reap(pid_t pid, Clock::time_point deadline, bool& killed) {
  int status = 0;
  for (;;) {
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid || (r < 0 && errno != EINTR)) {
      return status;
    }
    if (Clock::now() >= deadline) {
      ::kill(pid, SIGKILL);
      killed = true;
      while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      return status;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

}  // namespace

std::string RunResult::describe() const {
  if (timedOut) {
    return "killed after the timeout";
  }
  if (stoppedEarly) {
    return "stopped after a fatal message";
  }
  if (exited) {
    return fmt::format("exit status {}", exitCode);
  }
  return fmt::format("signal {}", signal);
}

Expected<RunResult, std::string> runProgram(const RunOptions& opts) {
  auto outP = makePipe();
  auto errP = makePipe();
  // stdin is a socket so a write after the program exited is EPIPE via
  // MSG_NOSIGNAL rather than a SIGPIPE that would kill us.
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
    return unexpected(fmt::format("socketpair failed: {}", std::strerror(errno)));
  }
  Expected<std::pair<UniqueFd, UniqueFd>, std::string> inP =
      std::make_pair(UniqueFd(sv[0]), UniqueFd(sv[1]));
  if (!outP || !errP || !inP) {
    return unexpected(!outP ? outP.error() : !errP ? errP.error() : inP.error());
  }
  posix_spawn_file_actions_t fa;
  ::posix_spawn_file_actions_init(&fa);
  ::posix_spawn_file_actions_adddup2(&fa, inP->first.get(), 0);
  ::posix_spawn_file_actions_adddup2(&fa, outP->second.get(), 1);
  ::posix_spawn_file_actions_adddup2(&fa, errP->second.get(), 2);
  auto pid = spawnWith(opts.argv, &fa);
  ::posix_spawn_file_actions_destroy(&fa);
  if (!pid) {
    return unexpected(pid.error());
  }
  inP->first.reset();
  outP->second.reset();
  errP->second.reset();
  UniqueFd in = std::move(inP->second);
  UniqueFd out = std::move(outP->first);
  UniqueFd err = std::move(errP->first);
  ::fcntl(in.get(), F_SETFL, O_NONBLOCK);
  size_t inOff = 0;
  if (opts.input.empty()) {
    in.reset();
  }

  RunResult res;
  auto deadline = Clock::now() + opts.timeout;
  bool stop = false;
  while ((out || err) && !stop) {
    pollfd p[3];
    int n = 0;
    int outIdx = -1, errIdx = -1, inIdx = -1;
    if (out) {
      outIdx = n;
      p[n++] = {out.get(), POLLIN, 0};
    }
    if (err) {
      errIdx = n;
      p[n++] = {err.get(), POLLIN, 0};
    }
    if (in) {
      inIdx = n;
      p[n++] = {in.get(), POLLOUT, 0};
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      res.timedOut = true;
      break;
    }
    int rc = ::poll(p, n, static_cast<int>(left.count()) + 1);
    if (rc < 0 && errno == EINTR) {
      continue;
    }
    if (rc <= 0) {
      continue;  // the deadline check above ends the loop
    }
    auto drain = [&](int idx, UniqueFd& fd, std::string& into) {
      if (idx < 0 || p[idx].revents == 0) {
        return;
      }
      char buf[8192];
      ssize_t r = ::read(fd.get(), buf, sizeof(buf));
      if (r > 0) {
        size_t room = opts.maxOutput > into.size() ? opts.maxOutput - into.size() : 0;
        into.append(buf, std::min(room, static_cast<size_t>(r)));
      } else if (r == 0 || (errno != EINTR && errno != EAGAIN)) {
        fd.reset();
      }
    };
    drain(outIdx, out, res.out);
    drain(errIdx, err, res.err);
    if (inIdx >= 0 && p[inIdx].revents != 0) {
      ssize_t w = ::send(in.get(), opts.input.data() + inOff, opts.input.size() - inOff,
                         MSG_NOSIGNAL | MSG_DONTWAIT);
      if (w > 0) {
        inOff += static_cast<size_t>(w);
      }
      if ((w < 0 && errno != EAGAIN && errno != EINTR) || inOff == opts.input.size()) {
        in.reset();
      }
    }
    if (opts.stopWhen && opts.stopWhen(res.out, res.err)) {
      stop = true;
      res.stoppedEarly = true;
    }
  }
  in.reset();
  bool killed = false;
  if (res.timedOut || res.stoppedEarly) {
    ::kill(*pid, SIGKILL);
  }
  int status = reap(*pid, res.timedOut || res.stoppedEarly ? Clock::now() : deadline, killed);
  if (killed && !res.stoppedEarly) {
    res.timedOut = true;
  }
  if (WIFEXITED(status)) {
    res.exited = true;
    res.exitCode = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    res.signal = WTERMSIG(status);
  }
  return res;
}

Expected<Child, std::string> Child::spawn(const std::vector<std::string>& argv,
                                          const std::string& logPath) {
  posix_spawn_file_actions_t fa;
  ::posix_spawn_file_actions_init(&fa);
  ::posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  const char* log = logPath.empty() ? "/dev/null" : logPath.c_str();
  ::posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0600);
  ::posix_spawn_file_actions_adddup2(&fa, 1, 2);
  auto pid = spawnWith(argv, &fa);
  ::posix_spawn_file_actions_destroy(&fa);
  if (!pid) {
    return unexpected(pid.error());
  }
  Child c;
  c.pid_ = *pid;
  return c;
}

Child::Child(Child&& o) noexcept : pid_(std::exchange(o.pid_, -1)) {}

Child& Child::operator=(Child&& o) noexcept {
  if (this != &o) {
    kill();
    pid_ = std::exchange(o.pid_, -1);
  }
  return *this;
}

Child::~Child() { kill(); }

bool Child::wait(std::chrono::milliseconds timeout, int* status) {
  if (pid_ < 0) {
    return true;
  }
  auto deadline = Clock::now() + timeout;
  for (;;) {
    int st = 0;
    pid_t r = ::waitpid(pid_, &st, WNOHANG);
    if (r == pid_ || (r < 0 && errno == ECHILD)) {
      if (status != nullptr) {
        *status = st;
      }
      pid_ = -1;
      return true;
    }
    if (Clock::now() >= deadline) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

void Child::kill() {
  if (pid_ < 0) {
    return;
  }
  ::kill(pid_, SIGKILL);
  int st;
  while (::waitpid(pid_, &st, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

}  // namespace xenia::probe
