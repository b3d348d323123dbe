// QEMU acceptance of the golden command lines: every test/golden/cases/*.args
// is started with the installed QEMU (TCG, -S), its QMP socket must answer
// query-status with "prelaunch", `quit` must end it cleanly, and QEMU must
// print no warning (a warning means it changed or ignored something). Host
// resources are stubbed by the substitutions of argv_accept_stub.h, and only
// those. Skips only when the QEMU binary (or qemu-img) is not installed.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <thread>

#include "test/golden/argv_accept_stub.h"

extern char** environ;

namespace xenia::golden {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

const std::string kCasesDir = std::string(XENIA_SOURCE_DIR) + "/test/golden/cases";
constexpr const char* kQemuImg = "/usr/bin/qemu-img";

// ---- QMP ----------------------------------------------------------------------

class QmpLine {
 public:
  explicit QmpLine(int fd) : fd_(fd) {}
  ~QmpLine() { close(fd_); }
  // Next line, within `ms`.
  std::optional<std::string> readLine(int ms) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    for (;;) {
      size_t nl = buf_.find('\n');
      if (nl != std::string::npos) {
        std::string line = buf_.substr(0, nl);
        buf_.erase(0, nl + 1);
        return line;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                      deadline - std::chrono::steady_clock::now())
                      .count();
      pollfd p{fd_, POLLIN, 0};
      if (left <= 0 || poll(&p, 1, static_cast<int>(left)) <= 0) {
        return std::nullopt;
      }
      char chunk[4096];
      ssize_t n = read(fd_, chunk, sizeof chunk);
      if (n <= 0 || buf_.size() > (1 << 20)) {
        return std::nullopt;
      }
      buf_.append(chunk, static_cast<size_t>(n));
    }
  }
  // Sends a command and returns its reply (skipping events).
  std::optional<Json> execute(const std::string& cmd) {
    std::string msg = Json{{"execute", cmd}}.dump() + "\n";
    if (send(fd_, msg.data(), msg.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(msg.size())) {
      return std::nullopt;
    }
    for (;;) {
      auto line = readLine(30000);
      if (!line) {
        return std::nullopt;
      }
      Json j = Json::parse(*line, nullptr, false);
      if (j.contains("return") || j.contains("error")) {
        return j;
      }
    }
  }

 private:
  int fd_;
  std::string buf_;
};

// ---- the test -------------------------------------------------------------------

Argv readArgs(const std::string& path) {
  Argv argv;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    argv.push_back(line);
  }
  return argv;
}

std::string readLog(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/xacc.XXXXXX";
    path_ = mkdtemp(tmpl) ? tmpl : "";
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Starts one case; returns a problem description or "" when QEMU accepted it.
std::string runCase(const std::string& name, const Argv& golden, const std::string& dir,
                    std::string* skipped) {
  Substituter sub(dir);
  auto stubbed = sub.run(golden);
  if (!stubbed) {
    return stubbed.error();
  }
  if (!stubbed->skip.empty()) {
    *skipped = stubbed->skip;
    return "";
  }
  const std::string log = dir + "/qemu.log";
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  std::vector<char*> cargv;
  for (const auto& a : stubbed->argv) {
    cargv.push_back(const_cast<char*>(a.c_str()));
  }
  cargv.push_back(nullptr);
  std::vector<std::string> envStore = {"SDL_VIDEODRIVER=dummy"};
  for (char** e = environ; *e; ++e) {
    if (std::string_view(*e).rfind("SDL_VIDEODRIVER=", 0) != 0) {
      envStore.emplace_back(*e);
    }
  }
  std::vector<char*> env;
  for (auto& e : envStore) {
    env.push_back(e.data());
  }
  env.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, cargv[0], &fa, nullptr, cargv.data(), env.data());
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    return "cannot start " + stubbed->argv[0];
  }
  std::string problem;
  int status = 0;
  bool exited = false;
  int qmpFd = -1;
  // Generous limits: CI machines may be busy compiling in parallel.
  for (int i = 0; i < 3000 && qmpFd < 0; ++i) {  // up to 30 s
    if (waitpid(pid, &status, WNOHANG) == pid) {
      exited = true;
      break;
    }
    qmpFd = unixSocket(stubbed->qmpPath, false);
    if (qmpFd < 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  if (exited) {
    problem = "QEMU exited at startup";
  } else if (qmpFd < 0) {
    problem = "QMP socket never accepted a connection";
  } else {
    QmpLine qmp(qmpFd);
    auto greeting = qmp.readLine(30000);
    auto caps = qmp.execute("qmp_capabilities");
    auto st = qmp.execute("query-status");
    if (!greeting || !caps || !st) {
      problem = "QMP did not answer";
    } else if ((*st)["return"].value("status", "") != "prelaunch") {
      problem = "query-status: " + st->dump();
    }
    qmp.execute("quit");
  }
  if (!exited) {
    for (int i = 0; i < 3000; ++i) {  // up to 30 s
      if (waitpid(pid, &status, WNOHANG) == pid) {
        exited = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (!exited) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      problem += problem.empty() ? "QEMU did not quit" : "";
    }
  }
  if (problem.empty() && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
    problem = "QEMU ended with status " + std::to_string(status);
  }
  // A warning means QEMU changed or ignored part of the command line.
  if (problem.empty() && readLog(log).find("warning") != std::string::npos) {
    problem = "QEMU printed a warning";
  }
  if (!problem.empty()) {
    std::string args;
    for (const auto& a : stubbed->argv) {
      args += "  " + a + "\n";
    }
    return problem + "\n--- qemu output ---\n" + readLog(log) + "--- argv ---\n" + args;
  }
  (void)name;
  return "";
}

TEST(ArgvAcceptance, InstalledQemuAcceptsEveryGoldenArgv) {
  std::vector<std::string> cases;
  for (const auto& e : fs::directory_iterator(kCasesDir)) {
    std::string f = e.path().filename().string();
    if (f.size() > 5 && f.ends_with(".args") && f.find('.') == f.size() - 5) {
      cases.push_back(f.substr(0, f.size() - 5));
    }
  }
  std::sort(cases.begin(), cases.end());
  ASSERT_FALSE(cases.empty()) << "no .args files in " << kCasesDir;
  const Argv first = readArgs(kCasesDir + "/" + cases[0] + ".args");
  if (first.empty() || access(first[0].c_str(), X_OK) != 0 || access(kQemuImg, X_OK) != 0) {
    GTEST_SKIP() << "QEMU (" << (first.empty() ? "?" : first[0]) << ") or qemu-img is not "
                 << "installed";
  }
  TempDir tmp;
  ASSERT_FALSE(tmp.path().empty());
  int n = 0;
  for (const std::string& name : cases) {
    const std::string dir = tmp.path() + "/" + std::to_string(n++);
    fs::create_directory(dir);
    std::string skipped;
    std::string problem = runCase(name, readArgs(kCasesDir + "/" + name + ".args"), dir, &skipped);
    EXPECT_EQ(problem, "") << name;
    if (!skipped.empty()) {
      std::printf("[  SKIP    ] %s: %s\n", name.c_str(), skipped.c_str());
    }
  }
}

}  // namespace
}  // namespace xenia::golden
