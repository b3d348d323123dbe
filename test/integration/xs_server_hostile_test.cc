// Hostile clients are contained: oversized messages close only their own
// connection, garbage never crashes the daemon, a client that does not read
// is throttled (requests) or disconnected (watch events) with the daemon's
// memory bounded, and everyone else keeps being answered meanwhile.
#include <poll.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

#include <random>

#include "xs_harness.h"

namespace xenia::xs::test {
namespace {

std::string header(uint32_t type, uint32_t req, uint32_t tx, uint32_t len) {
  char h[kHeaderSize];
  encodeHeader(Header{type, req, tx, len}, h);
  return std::string(h, kHeaderSize);
}

// Sends pipelined copies of msg without reading until the socket would block,
// i.e. until the daemon has stopped reading from us. Returns the count sent.
size_t sendUntilBlocked(RawClient& c, const std::string& msg, size_t maxCount) {
  size_t sent = 0;
  std::string batch;
  for (int i = 0; i < 64; ++i) {
    batch += msg;
  }
  while (sent < maxCount) {
    pollfd p{c.fd(), POLLOUT, 0};
    // Blocked for a whole second: the daemon is not reading from us.
    if (::poll(&p, 1, 1000) <= 0) {
      break;
    }
    ssize_t n = ::send(c.fd(), batch.data(), batch.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0) {
      continue;
    }
    // Finish a partial message so the stream stays well formed.
    size_t rest = size_t(n) % msg.size();
    if (rest) {
      EXPECT_TRUE(c.sendRaw(std::string_view(batch).substr(size_t(n), msg.size() - rest)));
      n += ssize_t(msg.size() - rest);
    }
    sent += size_t(n) / msg.size();
  }
  return sent;
}

TEST(XsServerHostile, OversizedMessageClosesOnlyThatConnection) {
  TempDir dir;
  auto d = Daemon::start(dir.path());
  ASSERT_TRUE(d);
  RawClient good(d->socket());
  RawClient bad(d->socket());
  EXPECT_EQ(good.write("/ok", "1"), "OK");
  ASSERT_TRUE(bad.sendRaw(header(uint32_t(MsgType::Write), 1, 0, 5000)));
  EXPECT_TRUE(bad.waitClosed());
  EXPECT_EQ(good.read("/ok"), "1");
  // 4096 is still fine.
  std::string big = nul({"/big"}) + std::string(4096 - 5, 'x');
  EXPECT_EQ(good.call(MsgType::Write, big).text(), "OK");
}

TEST(XsServerHostile, GarbageDoesNotCrashTheDaemon) {
  TempDir dir;
  auto d = Daemon::start(dir.path());
  ASSERT_TRUE(d);
  RawClient dom0(d->socket());
  ASSERT_EQ(dom0.introduce(3), "OK");
  std::mt19937 rng(12345);
  for (int round = 0; round < 40; ++round) {
    RawClient g(round % 2 ? d->socket() : d->guestSocket(3));
    ASSERT_TRUE(g.connected());
    std::string junk;
    for (int m = 0; m < 50; ++m) {
      // Plausible headers (so the payloads reach the engine) with random bytes.
      uint32_t len = rng() % 64;
      junk += header(rng() % 30, rng(), rng() % 3, len);
      for (uint32_t i = 0; i < len; ++i) {
        junk.push_back(char(rng() % 4 == 0 ? 0 : rng()));
      }
    }
    for (int i = 0; i < 200; ++i) {
      junk.push_back(char(rng()));
    }
    g.sendRaw(junk);
  }
  EXPECT_TRUE(d->running());
  RawClient after(d->socket());
  EXPECT_EQ(after.write("/still", "alive"), "OK");
  EXPECT_EQ(after.read("/still"), "alive");
}

TEST(XsServerHostile, WatcherThatNeverReadsIsDisconnectedAndMemoryStaysBounded) {
  TempDir dir;
  auto d = Daemon::start(dir.path());
  ASSERT_TRUE(d);
  RawClient writer(d->socket());
  RawClient bystander(d->socket());
  RawClient sleeper(d->socket());
  ASSERT_EQ(writer.write("/flood", ""), "OK");
  // ~1.1 KiB per event thanks to the long token.
  std::string token(1000, 't');
  ASSERT_TRUE(sleeper.send(MsgType::Watch, nul({"/flood", token})));
  long rssBefore = d->rssKiB();
  std::string value(100, 'v');
  // 20 MiB worth of events: without a bound the daemon would hold them all.
  for (int i = 0; i < 20000; ++i) {
    ASSERT_EQ(writer.write("/flood/k" + std::to_string(i % 50), value), "OK");
    if (i % 1000 == 0) {
      EXPECT_EQ(bystander.read("/flood/k0"), value);
    }
  }
  EXPECT_TRUE(sleeper.waitClosed());
  long rssAfter = d->rssKiB();
  EXPECT_LT(rssAfter - rssBefore, 16 * 1024) << "RSS grew from " << rssBefore << " KiB";
  EXPECT_EQ(bystander.read("/flood/k1"), value);
}

TEST(XsServerHostile, Dom0ClientThatDoesNotReadRepliesIsThrottled) {
  TempDir dir;
  auto d = Daemon::start(dir.path());
  ASSERT_TRUE(d);
  RawClient setup(d->socket());
  std::string big(4000, 'b');
  ASSERT_EQ(setup.write("/big", big), "OK");
  RawClient greedy(d->socket());
  std::string msg;
  appendMessage(msg, uint32_t(MsgType::Read), 1, 0, nul({"/big"}));
  long rssBefore = d->rssKiB();
  // A million replies would be 4 GB; the daemon stops reading long before.
  size_t sent = sendUntilBlocked(greedy, msg, 1000000);
  ASSERT_LT(sent, 1000000u);
  EXPECT_LT(d->rssKiB() - rssBefore, 16 * 1024);
  // Others are still served while greedy is stalled.
  EXPECT_EQ(setup.read("/big"), big);
  // Every request is eventually answered, in order.
  for (size_t i = 0; i < sent; ++i) {
    auto r = greedy.recv();
    ASSERT_TRUE(r) << "reply " << i << " of " << sent << " missing";
    ASSERT_EQ(r->payload.size(), big.size());
  }
}

TEST(XsServerHostile, GuestOutstandingRequestsAreLimited) {
  TempDir dir;
  auto d = Daemon::start(dir.path(), {"-Q", "outstanding=4"});
  ASSERT_TRUE(d);
  RawClient dom0(d->socket());
  ASSERT_EQ(dom0.introduce(4), "OK");
  ASSERT_EQ(dom0.write("/local/domain/4/big", std::string(4000, 'g')), "OK");
  ASSERT_EQ(dom0.setPerms("/local/domain/4", {"n4"}), "OK");
  ASSERT_EQ(dom0.setPerms("/local/domain/4/big", {"n4"}), "OK");
  RawClient guest(d->guestSocket(4));
  std::string msg;
  appendMessage(msg, uint32_t(MsgType::Read), 1, 0, nul({"big"}));
  size_t sent = sendUntilBlocked(guest, msg, 1000000);
  ASSERT_LT(sent, 1000000u);
  EXPECT_EQ(dom0.read("/local/domain/4/big").size(), 4000u);
  for (size_t i = 0; i < sent; ++i) {
    auto r = guest.recv();
    ASSERT_TRUE(r) << "reply " << i << " of " << sent << " missing";
    ASSERT_EQ(r->payload.size(), 4000u);
  }
}

TEST(XsServerHostile, GuestConnectionsPerDomainAreCapped) {
  TempDir dir;
  auto d = Daemon::start(dir.path());
  ASSERT_TRUE(d);
  RawClient dom0(d->socket());
  ASSERT_EQ(dom0.introduce(8), "OK");
  std::vector<std::unique_ptr<RawClient>> conns;
  for (int i = 0; i < 16; ++i) {
    conns.push_back(std::make_unique<RawClient>(d->guestSocket(8)));
    ASSERT_EQ(conns.back()->call(MsgType::GetDomainPath, nul({"8"})).text(), "/local/domain/8");
  }
  RawClient extra(d->guestSocket(8));
  EXPECT_TRUE(extra.waitClosed());
  conns.pop_back();
  // The slot is freed once the daemon notices the close; retry until then.
  bool served = false;
  for (int i = 0; i < 100 && !served; ++i) {
    RawClient later(d->guestSocket(8));
    served = later.send(MsgType::GetDomainPath, nul({"8"})) && later.recv().has_value();
  }
  EXPECT_TRUE(served);
}

}  // namespace
}  // namespace xenia::xs::test
