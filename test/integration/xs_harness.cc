// Daemon process control and the raw test client (see xs_harness.h).
#include "xs_harness.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace xenia::xs::test {
namespace {

int connectTo(const std::string& path) {
  sockaddr_un addr{};
  if (path.size() >= sizeof(addr.sun_path)) {
    return -1;
  }
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.data(), path.size());
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return -1;
  }
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

TempDir::TempDir() {
  char tmpl[] = "/tmp/xs-XXXXXX";
  char* p = ::mkdtemp(tmpl);
  EXPECT_NE(p, nullptr) << "mkdtemp failed: " << std::strerror(errno);
  path_ = p ? p : "/tmp/xs-failed";
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string nul(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (auto p : parts) {
    out.append(p);
    out.push_back('\0');
  }
  return out;
}

std::string xenstoredBinary() { return XENSTORED_BIN; }

int runProgram(std::vector<std::string> args) {
  std::vector<char*> argv;
  for (auto& a : args) {
    argv.push_back(a.data());
  }
  argv.push_back(nullptr);
  pid_t pid;
  if (::posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0) {
    return -1;
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}

std::unique_ptr<Daemon> Daemon::start(const std::string& rundir,
                                      const std::vector<std::string>& args) {
  auto d = std::unique_ptr<Daemon>(new Daemon());
  d->rundir_ = rundir;
  d->socket_ = rundir + "/socket";
  std::vector<std::string> argvStore = {xenstoredBinary(), "-N", "--rundir", rundir};
  // ctest runs each server suite once per I/O backend (see CMakeLists.txt).
  if (const char* io = std::getenv("XS_TEST_IO"); io && *io) {
    argvStore.insert(argvStore.end(), {"--io", io});
  }
  argvStore.insert(argvStore.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argvStore) {
    argv.push_back(a.data());
  }
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  std::string logPath = rundir + "/daemon.log";
  posix_spawn_file_actions_addopen(&fa, 2, logPath.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  int rc = ::posix_spawn(&d->pid_, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    ADD_FAILURE() << "posix_spawn " << argv[0] << ": " << std::strerror(rc);
    return nullptr;
  }
  for (int i = 0; i < 1000; ++i) {
    int fd = connectTo(d->socket_);
    if (fd >= 0) {
      ::close(fd);
      return d;
    }
    if (!d->running()) {
      ADD_FAILURE() << "xenstored exited during start-up:\n" << d->log();
      return nullptr;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ADD_FAILURE() << "xenstored did not start listening on " << d->socket_;
  return nullptr;
}

Daemon::~Daemon() {
  if (pid_ > 0 && running()) {
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 500 && running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (running()) {
      killAndWait(SIGKILL);
    }
  }
}

bool Daemon::running() {
  if (pid_ <= 0) {
    return false;
  }
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

int Daemon::killAndWait(int sig) {
  int status = 0;
  if (pid_ > 0) {
    ::kill(pid_, sig);
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  return status;
}

std::string Daemon::guestSocket(unsigned domid) const {
  return rundir_ + "/domain/" + std::to_string(domid) + "/socket";
}

long Daemon::rssKiB() const {
  std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      return std::strtol(line.c_str() + 6, nullptr, 10);
    }
  }
  return -1;
}

std::string Daemon::log() const {
  std::ifstream in(rundir_ + "/daemon.log");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Reply::error() const {
  return isError() ? text() : std::string();
}

std::string Reply::text() const { return payload.substr(0, payload.find('\0')); }

RawClient::RawClient(const std::string& socketPath) : fd_(connectTo(socketPath)) {}

RawClient::~RawClient() {
  if (fd_ >= 0) {
    ::close(fd_);
  }
}

bool RawClient::sendRaw(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return false;
    }
    bytes.remove_prefix(size_t(n));
  }
  return true;
}

bool RawClient::send(MsgType type, std::string_view payload, uint32_t txId, uint32_t reqId) {
  std::string bytes;
  appendMessage(bytes, uint32_t(type), reqId ? reqId : nextReq_++, txId, payload);
  return sendRaw(bytes);
}

std::optional<Reply> RawClient::recv(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  char buf[65536];
  for (;;) {
    if (!inbuf_.empty()) {
      inbuf_.erase(0, decoder_.feed(inbuf_.data(), inbuf_.size()));
    }
    if (decoder_.status() != StreamDecoder::Status::NeedMore) {
      break;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{fd_, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, int(left.count())) <= 0) {
      return std::nullopt;
    }
    ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
    if (n <= 0) {
      return std::nullopt;
    }
    inbuf_.append(buf, size_t(n));
  }
  if (decoder_.status() != StreamDecoder::Status::Ready) {
    return std::nullopt;
  }
  Message m = decoder_.take();
  return Reply{m.hdr.type, m.hdr.reqId, m.hdr.txId, std::move(m.payload)};
}

Reply RawClient::call(MsgType type, std::string_view payload, uint32_t txId) {
  uint32_t req = nextReq_++;
  if (!send(type, payload, txId, req)) {
    ADD_FAILURE() << "send failed: " << std::strerror(errno);
    return Reply{uint32_t(MsgType::Error), 0, 0, std::string("SENDFAIL")};
  }
  for (;;) {
    auto r = recv();
    if (!r) {
      ADD_FAILURE() << "no reply to " << msgTypeName(uint32_t(type));
      return Reply{uint32_t(MsgType::Error), 0, 0, std::string("NOREPLY")};
    }
    if (r->type == uint32_t(MsgType::WatchEvent)) {
      events_.push_back(std::move(*r));
      continue;
    }
    EXPECT_EQ(r->reqId, req);
    return std::move(*r);
  }
}

std::optional<Reply> RawClient::nextEvent(std::chrono::milliseconds timeout) {
  if (!events_.empty()) {
    Reply r = std::move(events_.front());
    events_.pop_front();
    return r;
  }
  return recv(timeout);
}

bool RawClient::waitClosed(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  char buf[65536];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{fd_, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, int(left.count())) <= 0) {
      return false;
    }
    ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
    if (n == 0 || (n < 0 && errno == ECONNRESET)) {
      return true;
    }
  }
}

namespace {
std::string okOrError(const Reply& r) { return r.isError() ? r.error() : r.text(); }
}  // namespace

std::string RawClient::write(std::string_view path, std::string_view value, uint32_t tx) {
  std::string p(path);
  p.push_back('\0');
  p.append(value);
  return okOrError(call(MsgType::Write, p, tx));
}

std::string RawClient::read(std::string_view path, uint32_t tx) {
  Reply r = call(MsgType::Read, nul({path}), tx);
  return r.isError() ? r.error() : r.payload;
}

std::string RawClient::mkdir(std::string_view path) {
  return okOrError(call(MsgType::Mkdir, nul({path})));
}

std::string RawClient::rm(std::string_view path) {
  return okOrError(call(MsgType::Rm, nul({path})));
}

std::string RawClient::setPerms(std::string_view path,
                                std::initializer_list<std::string_view> perms) {
  std::string p = nul({path});
  for (auto perm : perms) {
    p.append(perm);
    p.push_back('\0');
  }
  return okOrError(call(MsgType::SetPerms, p));
}

std::string RawClient::getPerms(std::string_view path) {
  Reply r = call(MsgType::GetPerms, nul({path}));
  if (r.isError()) {
    return r.error();
  }
  std::string out;
  for (auto part : splitNul(r.payload)) {
    out += out.empty() ? "" : " ";
    out += part;
  }
  return out;
}

std::string RawClient::watch(std::string_view path, std::string_view token) {
  return okOrError(call(MsgType::Watch, nul({path, token})));
}

std::string RawClient::introduce(unsigned domid) {
  return okOrError(call(MsgType::Introduce, nul({std::to_string(domid), "1", "1"})));
}

std::string RawClient::release(unsigned domid) {
  return okOrError(call(MsgType::Release, nul({std::to_string(domid)})));
}

}  // namespace xenia::xs::test
