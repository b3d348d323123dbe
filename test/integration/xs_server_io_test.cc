// xenstored's I/O backends: --io chooses between io_uring and epoll (the
// other suites run against both), and io_uring's own edge cases: bursts larger
// than a provided buffer, more simultaneous senders than buffers, and clients
// that vanish while the kernel still owns one of their operations.
#include <liburing.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "xs_harness.h"

namespace xenia::xs::test {
namespace {

// io_uring may be compiled in but refused at run time (seccomp, sysctl
// kernel.io_uring_disabled); the daemon then falls back to epoll.
bool uringAllowed() {
  io_uring ring;
  if (io_uring_queue_init(4, &ring, 0) != 0) {
    return false;
  }
  io_uring_queue_exit(&ring);
  return true;
}

std::unique_ptr<Daemon> startWith(const TempDir& dir, const std::string& io) {
  return Daemon::start(dir.path(), {"--io", io});
}

TEST(XsServerIo, ForcedIoUringServesAndSaysSo) {
  if (!uringAllowed()) {
    GTEST_SKIP() << "io_uring is not available to this process";
  }
  TempDir dir;
  auto d = startWith(dir, "io_uring");
  ASSERT_TRUE(d);
  RawClient c(d->socket());
  ASSERT_TRUE(c.connected());
  EXPECT_EQ(c.write("/a", "1"), "OK");
  EXPECT_EQ(c.read("/a"), "1");
  EXPECT_NE(d->log().find("Serving with io_uring"), std::string::npos) << d->log();
}

TEST(XsServerIo, EpollIsUsedWhenAsked) {
  TempDir dir;
  auto d = startWith(dir, "epoll");
  ASSERT_TRUE(d);
  RawClient c(d->socket());
  ASSERT_TRUE(c.connected());
  EXPECT_EQ(c.write("/a", "1"), "OK");
  EXPECT_EQ(c.read("/a"), "1");
  EXPECT_EQ(d->log().find("io_uring"), std::string::npos) << d->log();
}

TEST(XsServerIo, UnknownBackendIsRejected) {
  TempDir dir;
  int status = runProgram({xenstoredBinary(), "-N", "--rundir", dir.path(), "--io", "kqueue"});
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_NE(WEXITSTATUS(status), 0);
}

class XsServerIoBoth : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "io_uring" && !uringAllowed()) {
      GTEST_SKIP() << "io_uring is not available to this process";
    }
    d_ = startWith(dir_, GetParam());
    ASSERT_TRUE(d_);
  }
  TempDir dir_;
  std::unique_ptr<Daemon> d_;
};

TEST_P(XsServerIoBoth, BurstLargerThanAReceiveBufferIsAnsweredInOrder) {
  RawClient c(d_->socket());
  ASSERT_TRUE(c.connected());
  // ~100 KiB of requests in one go: several provided buffers, with messages
  // split across them.
  std::string burst;
  constexpr uint32_t kCount = 2000;
  for (uint32_t i = 1; i <= kCount; ++i) {
    std::string body = "/burst/n" + std::to_string(i % 50) + '\0' + std::string(20, 'v');
    appendMessage(burst, uint32_t(MsgType::Write), i, 0, body);
  }
  ASSERT_TRUE(c.sendRaw(burst));
  for (uint32_t i = 1; i <= kCount; ++i) {
    auto r = c.recv();
    ASSERT_TRUE(r) << "reply " << i;
    ASSERT_EQ(r->reqId, i);
    ASSERT_EQ(r->text(), "OK");
  }
  EXPECT_EQ(c.read("/burst/n7"), std::string(20, 'v'));
}

TEST_P(XsServerIoBoth, ManyConnectionsSendingAtOnceAreAllAnswered) {
  // More simultaneous requests than io_uring has receive buffers (32).
  constexpr int kConns = 100;
  std::vector<std::unique_ptr<RawClient>> clients;
  for (int i = 0; i < kConns; ++i) {
    clients.push_back(std::make_unique<RawClient>(d_->socket()));
    ASSERT_TRUE(clients.back()->connected());
  }
  // Make sure every connection was accepted before the burst.
  for (auto& c : clients) {
    ASSERT_EQ(c->write("/conns/warm", "x"), "OK");
  }
  for (int i = 0; i < kConns; ++i) {
    ASSERT_TRUE(clients[i]->send(MsgType::Write,
                                 "/conns/c" + std::to_string(i) + '\0' + std::to_string(i), 0, 7));
  }
  for (int i = 0; i < kConns; ++i) {
    auto r = clients[i]->recv();
    ASSERT_TRUE(r) << "connection " << i;
    EXPECT_EQ(r->reqId, 7u);
    EXPECT_EQ(r->text(), "OK");
  }
  RawClient check(d_->socket());
  EXPECT_EQ(check.read("/conns/c99"), "99");
}

TEST_P(XsServerIoBoth, ClientsVanishingMidRequestDoNotDisturbOthers) {
  RawClient steady(d_->socket());
  ASSERT_TRUE(steady.connected());
  EXPECT_EQ(steady.write("/v", "0"), "OK");
  for (int round = 0; round < 20; ++round) {
    // Half a message, a request whose reply is never read, or nothing at all:
    // each closes with a recv (and maybe a send) still in flight.
    RawClient gone(d_->socket());
    ASSERT_TRUE(gone.connected());
    std::string req;
    appendMessage(req, uint32_t(MsgType::Write), 1, 0, std::string("/v\0") + "x");
    if (round % 3 == 0) {
      ASSERT_TRUE(gone.sendRaw(std::string_view(req).substr(0, 10)));
    } else if (round % 3 == 1) {
      ASSERT_TRUE(gone.sendRaw(req));
    }
    ::shutdown(gone.fd(), round % 2 ? SHUT_RDWR : SHUT_WR);
  }
  EXPECT_EQ(steady.write("/v", "1"), "OK");
  EXPECT_EQ(steady.read("/v"), "1");
  EXPECT_TRUE(d_->running());
}

INSTANTIATE_TEST_SUITE_P(Backends, XsServerIoBoth, ::testing::Values("io_uring", "epoll"),
                         [](const auto& info) { return info.param == "io_uring" ? "IoUring" : "Epoll"; });

}  // namespace
}  // namespace xenia::xs::test
