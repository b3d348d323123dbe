// TestDaemon: posix_spawn of a XenStore daemon on a temporary socket.
#include "test_daemon.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <thread>
#include <vector>

extern char** environ;

namespace xenia::xs::test {
namespace {

constexpr const char* kXenDaemon = "/usr/lib/xen-4.17/bin/xenstored";

// The socket file appears at bind(), before listen(): only a connect proves
// the daemon is ready.
bool accepts(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || !S_ISSOCK(st.st_mode)) {
    return false;
  }
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

bool TestDaemon::wantXen() {
  const char* v = std::getenv("XS_TEST_DAEMON");
  return v && std::string(v) == "xen";
}

bool TestDaemon::available() {
  return wantXen() ? ::access(kXenDaemon, X_OK) == 0 : ::access(XENIA_XENSTORED, X_OK) == 0;
}

TestDaemon::TestDaemon() {
  char tmpl[] = "/tmp/xsct.XXXXXX";
  if (!::mkdtemp(tmpl)) {
    return;
  }
  dir_ = tmpl;
  runDir_ = dir_ + "/run";
  std::filesystem::create_directories(runDir_);
  std::filesystem::create_directories(dir_ + "/stub");

  // The child's environment: ours minus XENSTORED_PATH, plus the daemon's.
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string s(*e);
    if (s.rfind("XENSTORED_PATH=", 0) != 0 && s.rfind("XENSTORED_RUNDIR=", 0) != 0) {
      env.push_back(s);
    }
  }
  env.push_back("XENSTORED_RUNDIR=" + runDir_);
  std::vector<std::string> args;
  if (wantXen()) {
    env.push_back("XENSTUB_DIR=" + dir_ + "/stub");
    env.push_back(std::string("LD_PRELOAD=") + XENIA_XENSTUB);
    args = {kXenDaemon, "-N", "--pid-file", dir_ + "/xenstored.pid"};
  } else {
    args = {XENIA_XENSTORED, "-N"};
  }
  std::vector<char*> argv;
  for (auto& a : args) {
    argv.push_back(a.data());
  }
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (auto& e : env) {
    envp.push_back(e.data());
  }
  envp.push_back(nullptr);

  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  std::string log = dir_ + "/daemon.log";
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  pid_t pid;
  int rc = posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    return;
  }
  pid_ = pid;
  std::string sock = runDir_ + "/socket";
  // Generous: the machine may be busy; this bounds a hang, it measures nothing.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (accepts(sock)) {
      socket_ = sock;
      return;
    }
    int status;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

void TestDaemon::stop() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }
}

TestDaemon::~TestDaemon() {
  stop();
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

}  // namespace xenia::xs::test
