// Guest sockets: INTRODUCE creates $RUNDIR/domain/<domid>/socket, whose
// connections act as that (unprivileged) domain: permissions, relative paths
// and quotas apply; RELEASE removes the socket and drops its connections.
#include <sys/stat.h>

#include <gtest/gtest.h>

#include "xs_harness.h"

namespace xenia::xs::test {
namespace {

mode_t modeOf(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0 ? st.st_mode : 0;
}

// A daemon with domain 5 introduced and /local/domain/5 owned by it.
struct GuestSetup {
  explicit GuestSetup(const std::vector<std::string>& args = {}) {
    daemon = Daemon::start(dir.path(), args);
    if (!daemon) {
      return;
    }
    dom0 = std::make_unique<RawClient>(daemon->socket());
    EXPECT_EQ(dom0->introduce(5), "OK");
    EXPECT_EQ(dom0->mkdir("/local/domain/5"), "OK");
    EXPECT_EQ(dom0->setPerms("/local/domain/5", {"n5"}), "OK");
    guest = std::make_unique<RawClient>(daemon->guestSocket(5));
  }
  TempDir dir;
  std::unique_ptr<Daemon> daemon;
  std::unique_ptr<RawClient> dom0;
  std::unique_ptr<RawClient> guest;
};

TEST(XsServerGuest, IntroduceCreatesAPrivateSocket) {
  GuestSetup s;
  ASSERT_TRUE(s.daemon);
  std::string sock = s.daemon->guestSocket(5);
  EXPECT_TRUE(S_ISSOCK(modeOf(sock)));
  EXPECT_EQ(modeOf(sock) & 0777, 0600u);
  EXPECT_EQ(modeOf(s.dir.file("domain/5")) & 0777, 0700u);
  ASSERT_TRUE(s.guest->connected());
  // No socket for a domain nobody introduced.
  EXPECT_EQ(modeOf(s.daemon->guestSocket(6)), 0u);
}

TEST(XsServerGuest, GuestActsAsItsDomain) {
  GuestSetup s;
  ASSERT_TRUE(s.daemon);
  RawClient& g = *s.guest;
  EXPECT_EQ(s.dom0->write("/secret", "dom0 only"), "OK");
  EXPECT_EQ(g.read("/secret"), "EACCES");
  EXPECT_EQ(g.write("/secret", "mine"), "EACCES");
  EXPECT_EQ(g.write("/newtop", "x"), "EACCES");
  EXPECT_EQ(s.dom0->read("/secret"), "dom0 only");

  EXPECT_EQ(g.write("/local/domain/5/data", "hello"), "OK");
  EXPECT_EQ(g.read("/local/domain/5/data"), "hello");
  // Relative paths resolve against /local/domain/5.
  EXPECT_EQ(g.read("data"), "hello");
  EXPECT_EQ(g.write("rel/x", "1"), "OK");
  EXPECT_EQ(s.dom0->read("/local/domain/5/rel/x"), "1");
  EXPECT_EQ(s.dom0->getPerms("/local/domain/5/rel/x"), "n5");
  Reply path = g.call(MsgType::GetDomainPath, nul({"5"}));
  EXPECT_EQ(path.text(), "/local/domain/5");
  // Privileged requests are refused.
  EXPECT_EQ(g.introduce(9), "EACCES");
}

TEST(XsServerGuest, NodeQuotaTrips) {
  GuestSetup s({"-E", "10"});
  ASSERT_TRUE(s.daemon);
  int written = 0;
  std::string last;
  for (int i = 0; i < 30; ++i) {
    last = s.guest->write("q" + std::to_string(i), "v");
    if (last != "OK") {
      break;
    }
    ++written;
  }
  EXPECT_EQ(last, "ENOSPC");
  EXPECT_GE(written, 5);
  EXPECT_LE(written, 10);
  // dom0 is not subject to quotas.
  for (int i = 0; i < 30; ++i) {
    ASSERT_EQ(s.dom0->write("/local/domain/5/d0-" + std::to_string(i), "v"), "OK");
  }
}

TEST(XsServerGuest, WatchQuotaTrips) {
  GuestSetup s({"-W", "3"});
  ASSERT_TRUE(s.daemon);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(s.guest->watch("w" + std::to_string(i), "t"), "OK");
  }
  EXPECT_EQ(s.guest->watch("w3", "t"), "E2BIG");
}

TEST(XsServerGuest, ReleaseRemovesSocketAndDropsConnections) {
  GuestSetup s;
  ASSERT_TRUE(s.daemon);
  RawClient second(s.daemon->guestSocket(5));
  ASSERT_TRUE(second.connected());
  EXPECT_EQ(s.guest->read("/local/domain/5"), "");
  EXPECT_EQ(s.dom0->release(5), "OK");
  EXPECT_TRUE(s.guest->waitClosed());
  EXPECT_TRUE(second.waitClosed());
  EXPECT_EQ(modeOf(s.daemon->guestSocket(5)), 0u);
  RawClient late(s.daemon->guestSocket(5));
  EXPECT_FALSE(late.connected());
  // Introducing it again brings a fresh socket back.
  EXPECT_EQ(s.dom0->introduce(5), "OK");
  RawClient again(s.daemon->guestSocket(5));
  ASSERT_TRUE(again.connected());
  EXPECT_EQ(again.read("/secret-missing"), "EACCES");
}

TEST(XsServerGuest, WatchEventsFollowPermissions) {
  GuestSetup s;
  ASSERT_TRUE(s.daemon);
  EXPECT_EQ(s.guest->watch("/local/domain/5/w", "g"), "OK");
  auto first = s.guest->nextEvent();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->payload, nul({"/local/domain/5/w", "g"}));
  EXPECT_EQ(s.dom0->write("/local/domain/5/w/x", "1"), "OK");
  auto ev = s.guest->nextEvent();
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->payload, nul({"/local/domain/5/w/x", "g"}));
}

}  // namespace
}  // namespace xenia::xs::test
