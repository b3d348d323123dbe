// The scripted fake QMP server: one client, one thread, gtest failures on
// script violations. Each wait is bounded so a broken client cannot hang ctest.
#include "fake_qmp_server.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>

namespace xenia::qmp::testing {

using nlohmann::json;

namespace {
constexpr int kWaitMs = 10000;

std::string line(const json& j) { return j.dump() + "\r\n"; }
}  // namespace

FakeQmpServer::FakeQmpServer() {
  char tmpl[] = "/tmp/xqmp-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) {
    ADD_FAILURE() << "mkdtemp failed: " << std::strerror(errno);
    return;
  }
  dir_ = tmpl;
  path_ = dir_ + "/m.sock";
  listen_.reset(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path_.c_str(), sizeof(addr.sun_path) - 1);
  if (::bind(listen_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::listen(listen_.get(), 4) != 0) {
    ADD_FAILURE() << "cannot listen on " << path_ << ": " << std::strerror(errno);
  }
  int p[2];
  if (::pipe2(p, O_CLOEXEC) == 0) {
    stopRead_.reset(p[0]);
    stopWrite_.reset(p[1]);
  }
  greeting_ = line(json::parse(R"({"QMP": {"version": {"qemu": {"micro": 22, "minor": 2,
      "major": 7}, "package": "Debian 1:7.2+dfsg-7+deb12u18+b3"}, "capabilities": ["oob"]}})"));
}

FakeQmpServer::~FakeQmpServer() {
  if (stopWrite_) {
    (void)!::write(stopWrite_.get(), "x", 1);
  }
  if (thread_.joinable()) {
    thread_.join();
  }
  conn_.reset();
  listen_.reset();
  if (!path_.empty()) {
    ::unlink(path_.c_str());
  }
  if (!dir_.empty()) {
    ::rmdir(dir_.c_str());
  }
}

FakeQmpServer& FakeQmpServer::greeting(json g) {
  greeting_ = line(g);
  return *this;
}

FakeQmpServer& FakeQmpServer::rawGreeting(std::string text) {
  greeting_ = std::move(text);
  return *this;
}

FakeQmpServer& FakeQmpServer::manualNegotiation() {
  autoNegotiate_ = false;
  return *this;
}

FakeQmpServer& FakeQmpServer::expect(std::string command, json ret, json args) {
  Step s{Step::kExpect, std::move(command), std::move(args), nullptr, "", nullptr};
  s.reply = [ret](const json& id) { return line({{"return", ret}, {"id", id}}); };
  steps_.push_back(std::move(s));
  return *this;
}

FakeQmpServer& FakeQmpServer::expectError(std::string command, std::string cls, std::string desc) {
  Step s{Step::kExpect, std::move(command), nullptr, nullptr, "", nullptr};
  s.reply = [cls, desc](const json& id) {
    return line({{"error", {{"class", cls}, {"desc", desc}}}, {"id", id}});
  };
  steps_.push_back(std::move(s));
  return *this;
}

FakeQmpServer& FakeQmpServer::expectRaw(std::string command, RawReply reply) {
  steps_.push_back(Step{Step::kExpect, std::move(command), nullptr, std::move(reply), "", nullptr});
  return *this;
}

FakeQmpServer& FakeQmpServer::expectHeld(std::string command) {
  steps_.push_back(Step{Step::kExpect, std::move(command), nullptr, nullptr, "", nullptr});
  return *this;
}

FakeQmpServer& FakeQmpServer::replyHeld(json ret) {
  steps_.push_back(Step{Step::kReplyHeld, "", nullptr, nullptr, "", std::move(ret)});
  return *this;
}

FakeQmpServer& FakeQmpServer::event(std::string name, json data) {
  json e = {{"event", name},
            {"data", data},
            {"timestamp", {{"seconds", 1700000000}, {"microseconds", 1234}}}};
  return raw(line(e));
}

FakeQmpServer& FakeQmpServer::raw(std::string bytes) {
  steps_.push_back(Step{Step::kRaw, "", nullptr, nullptr, std::move(bytes), nullptr});
  return *this;
}

FakeQmpServer& FakeQmpServer::waitSignal() {
  steps_.push_back(Step{Step::kWait, "", nullptr, nullptr, "", nullptr});
  return *this;
}

FakeQmpServer& FakeQmpServer::hangUp() {
  steps_.push_back(Step{Step::kHangUp, "", nullptr, nullptr, "", nullptr});
  return *this;
}

void FakeQmpServer::start() {
  if (autoNegotiate_) {
    Step s{Step::kExpect, "qmp_capabilities", nullptr, nullptr, "", nullptr};
    s.reply = [](const json& id) { return line({{"return", json::object()}, {"id", id}}); };
    steps_.insert(steps_.begin(), std::move(s));
  }
  thread_ = std::thread([this] { run(); });
}

void FakeQmpServer::signal() {
  std::lock_guard<std::mutex> g(mu_);
  ++signals_;
  cv_.notify_all();
}

void FakeQmpServer::waitScriptDone() {
  std::unique_lock<std::mutex> g(mu_);
  if (!cv_.wait_for(g, std::chrono::milliseconds(kWaitMs), [this] { return scriptDone_; })) {
    ADD_FAILURE() << "the fake QMP server's script did not finish";
  }
}

std::vector<json> FakeQmpServer::received() {
  std::lock_guard<std::mutex> g(mu_);
  return received_;
}

UniqueFd FakeQmpServer::takeFd(size_t n) {
  std::lock_guard<std::mutex> g(mu_);
  return n < fds_.size() ? std::move(fds_[n]) : UniqueFd();
}

void FakeQmpServer::fail(const std::string& what) { ADD_FAILURE() << "fake QMP server: " << what; }

void FakeQmpServer::sendAll(const std::string& bytes) {
  size_t off = 0;
  while (off < bytes.size() && conn_) {
    ssize_t n = ::send(conn_.get(), bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return;  // the client went away; the test decides whether that is wrong
    }
    off += static_cast<size_t>(n);
  }
}

bool FakeQmpServer::readCommand(json& cmd) {
  for (;;) {
    size_t nl = inbuf_.find('\n');
    if (nl != std::string::npos) {
      std::string text = inbuf_.substr(0, nl);
      inbuf_.erase(0, nl + 1);
      cmd = json::parse(text, nullptr, false);
      if (cmd.is_discarded() || !cmd.is_object()) {
        fail("the client sent a line that is not a JSON object: " + text);
        cmd = json::object();
      }
      std::lock_guard<std::mutex> g(mu_);
      received_.push_back(cmd);
      fds_.push_back(pendingFds_.empty() ? UniqueFd() : std::move(pendingFds_.front()));
      if (!pendingFds_.empty()) {
        pendingFds_.erase(pendingFds_.begin());
      }
      return true;
    }
    pollfd p[2] = {{conn_.get(), POLLIN, 0}, {stopRead_.get(), POLLIN, 0}};
    int rc = ::poll(p, 2, kWaitMs);
    if (rc == 0 || p[1].revents != 0) {
      return false;
    }
    if (rc < 0) {
      if (errno == EINTR) {
        continue;
      }
      return false;
    }
    char buf[4096];
    alignas(cmsghdr) char cbuf[CMSG_SPACE(4 * sizeof(int))];
    iovec iov{buf, sizeof(buf)};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = cbuf;
    msg.msg_controllen = sizeof(cbuf);
    ssize_t n = ::recvmsg(conn_.get(), &msg, MSG_CMSG_CLOEXEC);
    if (n <= 0) {
      return false;
    }
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
        size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < count; ++i) {
          int fd;
          std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
          pendingFds_.emplace_back(fd);
        }
      }
    }
    inbuf_.append(buf, static_cast<size_t>(n));
  }
}

void FakeQmpServer::run() {
  pollfd p[2] = {{listen_.get(), POLLIN, 0}, {stopRead_.get(), POLLIN, 0}};
  if (::poll(p, 2, kWaitMs) <= 0 || p[1].revents != 0) {
    fail("no client connected");
    return;
  }
  conn_.reset(::accept4(listen_.get(), nullptr, nullptr, SOCK_CLOEXEC));
  sendAll(greeting_);
  json heldId;
  bool hungUp = false;
  for (size_t i = 0; i < steps_.size() && !hungUp; ++i) {
    Step& s = steps_[i];
    switch (s.kind) {
      case Step::kExpect: {
        json cmd;
        if (!readCommand(cmd)) {
          fail("expected command " + s.command + " but none came");
          i = steps_.size();
          break;
        }
        std::string name = cmd.contains("execute") && cmd["execute"].is_string()
                               ? cmd["execute"].get<std::string>()
                               : std::string("<none>");
        json id = cmd.contains("id") ? cmd["id"] : json();
        if (name != s.command) {
          fail("unexpected command " + name + " (expected " + s.command + ")");
          sendAll(line({{"error",
                         {{"class", "CommandNotFound"},
                          {"desc", "The command " + name + " has not been found"}}},
                        {"id", id}}));
          i = steps_.size();
          break;
        }
        if (!s.args.is_null()) {
          json got = cmd.contains("arguments") ? cmd["arguments"] : json::object();
          if (got != s.args) {
            fail("command " + name + " got arguments " + got.dump() + ", expected " +
                 s.args.dump());
          }
        }
        if (s.reply) {
          sendAll(s.reply(id));
        } else {
          heldId = id;
        }
        break;
      }
      case Step::kReplyHeld:
        sendAll(line({{"return", s.value}, {"id", heldId}}));
        break;
      case Step::kRaw:
        sendAll(s.bytes);
        break;
      case Step::kWait: {
        std::unique_lock<std::mutex> g(mu_);
        if (!cv_.wait_for(g, std::chrono::milliseconds(kWaitMs), [this] { return signals_ > 0; })) {
          g.unlock();
          fail("the test never signalled the fake QMP server");
          break;
        }
        --signals_;
        break;
      }
      case Step::kHangUp:
        conn_.reset();
        hungUp = true;
        break;
    }
  }
  {
    std::lock_guard<std::mutex> g(mu_);
    scriptDone_ = true;
    cv_.notify_all();
  }
  // Anything the client sends after the script is unexpected.
  json cmd;
  while (conn_ && readCommand(cmd)) {
    fail("unexpected command after the script: " + cmd.dump());
    json id = cmd.contains("id") ? cmd["id"] : json();
    sendAll(line({{"error", {{"class", "CommandNotFound"}, {"desc", "unexpected"}}}, {"id", id}}));
  }
}

}  // namespace xenia::qmp::testing
