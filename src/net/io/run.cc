// fork/exec with pipes; a child that outlives the timeout is killed. stdin is
// written before reading output (the texts are small: nft rulesets).
#include "net/io/run.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include <fmt/format.h>

#include "common/unique_fd.h"

namespace xenia::net {
namespace {

constexpr size_t kMaxOutput = 64 * 1024;
constexpr const char* kPathDirs[] = {"/usr/sbin", "/usr/bin", "/sbin", "/bin"};

std::string resolve(const std::string& prog) {
  if (prog.find('/') != std::string::npos) {
    return prog;
  }
  for (const char* d : kPathDirs) {
    std::string p = std::string(d) + "/" + prog;
    if (::access(p.c_str(), X_OK) == 0) {
      return p;
    }
  }
  return prog;
}

}  // namespace

Expected<RunResult, std::string> runArgv(const std::vector<std::string>& argv,
                                         const std::vector<std::string>& env,
                                         const std::string& stdinText, int timeoutMs) {
  if (argv.empty()) {
    return unexpected(std::string("empty command"));
  }
  std::string path = resolve(argv[0]);
  int in[2], out[2];
  if (::pipe2(in, O_CLOEXEC) != 0) {
    return unexpected(fmt::format("pipe: {}", std::strerror(errno)));
  }
  UniqueFd inR(in[0]), inW(in[1]);
  if (::pipe2(out, O_CLOEXEC) != 0) {
    return unexpected(fmt::format("pipe: {}", std::strerror(errno)));
  }
  UniqueFd outR(out[0]), outW(out[1]);
  std::vector<char*> args;
  for (const auto& a : argv) {
    args.push_back(const_cast<char*>(a.c_str()));
  }
  args.push_back(nullptr);
  std::vector<std::string> envStore = env;
  if (envStore.empty()) {
    envStore.push_back("PATH=/usr/sbin:/usr/bin:/sbin:/bin");
  }
  std::vector<char*> envp;
  for (const auto& e : envStore) {
    envp.push_back(const_cast<char*>(e.c_str()));
  }
  envp.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) {
    return unexpected(fmt::format("fork: {}", std::strerror(errno)));
  }
  if (pid == 0) {
    ::dup2(inR.get(), 0);
    ::dup2(outW.get(), 1);
    ::dup2(outW.get(), 2);
    for (int fd = 3; fd < 1024; ++fd) {
      ::close(fd);  // xend's sockets and taps stay out of scripts
    }
    ::execve(path.c_str(), args.data(), envp.data());
    _exit(127);
  }
  inR.reset();
  outW.reset();
  if (!stdinText.empty()) {
    (void)!::write(inW.get(), stdinText.data(), stdinText.size());
  }
  inW.reset();
  RunResult res;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
  char buf[4096];
  for (;;) {
    int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                    deadline - std::chrono::steady_clock::now())
                                    .count());
    if (left <= 0) {
      ::kill(pid, SIGKILL);
      break;
    }
    pollfd p{outR.get(), POLLIN, 0};
    int r = ::poll(&p, 1, left);
    if (r < 0 && errno == EINTR) {
      continue;
    }
    if (r <= 0) {
      continue;
    }
    ssize_t n = ::read(outR.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      break;
    }
    if (res.output.size() < kMaxOutput) {
      res.output.append(buf, std::min<size_t>(static_cast<size_t>(n), kMaxOutput - res.output.size()));
    }
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  res.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  if (res.status == 127 && res.output.empty()) {
    return unexpected(fmt::format("cannot run {}", path));
  }
  return res;
}

Expected<Ok, std::string> runOk(const std::vector<std::string>& argv,
                                const std::vector<std::string>& env, const std::string& stdinText) {
  auto r = runArgv(argv, env, stdinText);
  if (!r) {
    return unexpected(r.error());
  }
  if (r->status != 0) {
    std::string out = r->output;
    while (!out.empty() && out.back() == '\n') {
      out.pop_back();
    }
    return unexpected(fmt::format("{} failed (exit {}): {}", argv[0], r->status, out));
  }
  return Ok{};
}

}  // namespace xenia::net
