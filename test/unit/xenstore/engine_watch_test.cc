// Engine: watches. Registration, the immediate event, matching (exact node,
// descendants, "/"), RM firing for watched descendants, relative event
// paths, ordering, the permission filter and special watches.
#include "engine_fixture.h"

namespace xenia::xs::test {
namespace {

class Watches : public EngineTest {
 protected:
  void SetUp() override { w = engine->connect(kDom0); }
  ConnId w = 0;
};

TEST_F(Watches, ReplyThenImmediateEvent) {
  size_t first = sink.out.size();
  EXPECT_EQ(watch(w, "/a", "tok"), "OK|");
  ASSERT_EQ(sink.out.size(), first + 2);
  EXPECT_EQ(sink.out[first].type, static_cast<uint32_t>(MsgType::Watch));
  EXPECT_EQ(sink.out[first + 1].type, static_cast<uint32_t>(MsgType::WatchEvent));
  EXPECT_EQ(ev(w), Events({"/a|tok|"}));
}

TEST_F(Watches, DuplicatesAndUnwatch) {
  watch(w, "/a", "t1");
  EXPECT_EQ(watch(w, "/a", "t1"), "!EEXIST");
  EXPECT_EQ(watch(w, "/a", "t2"), "OK|");
  EXPECT_EQ(watch(dom0, "/a", "t1"), "OK|");  // other connection
  ev(w);
  write(dom0, "/a", "x");
  EXPECT_EQ(ev(w), Events({"/a|t1|", "/a|t2|"}));
  EXPECT_EQ(unwatch(w, "/a", "t1"), "OK|");
  EXPECT_EQ(unwatch(w, "/a", "t1"), "!ENOENT");
  EXPECT_EQ(unwatch(w, "/b", "t2"), "!ENOENT");
  write(dom0, "/a", "y");
  EXPECT_EQ(ev(w), Events({"/a|t2|"}));
}

TEST_F(Watches, MatchesNodeAndDescendantsOnly) {
  watch(w, "/m/n", "t");
  ev(w);
  write(dom0, "/m/n", "1");
  write(dom0, "/m/n/c/d", "1");
  write(dom0, "/m/nn", "1");
  write(dom0, "/m", "1");
  write(dom0, "/other", "1");
  EXPECT_EQ(ev(w), Events({"/m/n|t|", "/m/n/c/d|t|"}));
}

TEST_F(Watches, RootWatchSeesEverything) {
  watch(w, "/", "all");
  ev(w);
  write(dom0, "/x/y", "1");
  mkdir(dom0, "/z");
  EXPECT_EQ(ev(w), Events({"/x/y|all|", "/z|all|"}));
}

TEST_F(Watches, EventsForWriteMkdirSetPermsButNotExistingMkdir) {
  write(dom0, "/e", "1");
  watch(w, "/e", "t");
  ev(w);
  mkdir(dom0, "/e");
  EXPECT_EQ(ev(w), Events{});
  mkdir(dom0, "/e/sub");
  setPerms(dom0, "/e", "n0|r1|");
  EXPECT_EQ(ev(w), Events({"/e/sub|t|", "/e|t|"}));
  // Failed requests fire nothing.
  write(dom0, "/e//bad", "1");
  rm(dom0, "/e/nothere");
  EXPECT_EQ(ev(w), Events{});
}

TEST_F(Watches, RemoveFiresWatchesOnRemovedDescendantsAndAncestors) {
  write(dom0, "/q/r/s", "1");
  write(dom0, "/q/r2", "1");
  watch(w, "/q/r/s", "deep");
  watch(w, "/q", "top");
  watch(w, "/", "root");
  watch(w, "/q/r/s/t", "below");
  ev(w);
  EXPECT_EQ(rm(dom0, "/q"), "OK|");
  // C: removed nodes fire exact watches (post-order), the removed root also
  // fires watches on itself and its ancestors.
  EXPECT_EQ(ev(w), Events({"/q/r/s|deep|", "/q|top|", "/q|root|"}));
  write(dom0, "/q/x", "1");
  ev(w);
  rm(dom0, "/q/x");
  EXPECT_EQ(ev(w), Events({"/q/x|top|", "/q/x|root|"}));
}

TEST_F(Watches, RelativeWatchesGetRelativePaths) {
  EXPECT_EQ(watch(w, "relw", "r"), "OK|");
  EXPECT_EQ(ev(w), Events({"relw|r|"}));
  write(dom0, "/local/domain/0/relw/k", "1");
  write(dom0, "relw", "2");
  EXPECT_EQ(ev(w), Events({"relw/k|r|", "relw|r|"}));
  EXPECT_EQ(unwatch(w, "/local/domain/0/relw", "r"), "OK|");
  // Relative UNWATCH finds absolute registrations too.
  watch(w, "/local/domain/0/abs", "a");
  EXPECT_EQ(unwatch(w, "abs", "a"), "OK|");
  ConnId g = guest(4);
  mkdir(dom0, "/local/domain/4");
  setPerms(dom0, "/local/domain/4", "n4|");
  EXPECT_EQ(watch(g, "device", "dev"), "OK|");
  EXPECT_EQ(ev(g), Events({"device|dev|"}));
  write(g, "device/vif/0", "x");
  EXPECT_EQ(ev(g), Events({"device/vif/0|dev|"}));
}

TEST_F(Watches, OrderIsConnectionsThenRegistration) {
  ConnId a = engine->connect(kDom0);
  ConnId b = engine->connect(kDom0);
  watch(b, "/o", "b1");
  watch(a, "/o/p", "a2");
  watch(a, "/", "a1");
  watch(b, "/o/p", "b2");
  size_t first = sink.out.size();
  write(dom0, "/o/p", "1");
  // Every event goes out within the one request; check the global order.
  std::vector<std::string> order;
  for (size_t i = first; i < sink.out.size(); ++i) {
    if (sink.out[i].type == static_cast<uint32_t>(MsgType::WatchEvent)) {
      order.push_back(std::to_string(sink.out[i].conn) + ":" + R(sink.out[i].payload));
    }
  }
  std::string ca = std::to_string(a);
  std::string cb = std::to_string(b);
  EXPECT_EQ(order, (std::vector<std::string>{ca + ":/o/p|a2|", ca + ":/o/p|a1|",
                                             cb + ":/o/p|b1|", cb + ":/o/p|b2|"}));
}

TEST_F(Watches, EventsPrecedeTheReplyOnTheWritersConnection) {
  watch(w, "/self", "t");
  ev(w);
  size_t first = sink.out.size();
  write(w, "/self", "1");
  ASSERT_EQ(sink.out.size(), first + 2);
  EXPECT_EQ(sink.out[first].type, static_cast<uint32_t>(MsgType::WatchEvent));
  EXPECT_EQ(sink.out[first + 1].type, static_cast<uint32_t>(MsgType::Write));
}

TEST_F(Watches, GuestsOnlyHearAboutReadableNodes) {
  ConnId g = guest(5);
  write(dom0, "/pf/secret", "");
  write(dom0, "/pf/open", "");
  setPerms(dom0, "/pf/open", "r5|");
  EXPECT_EQ(watch(g, "/pf", "t"), "OK|");
  EXPECT_EQ(ev(g), Events({"/pf|t|"}));  // the first event is unconditional
  write(dom0, "/pf/secret", "1");
  write(dom0, "/pf/open", "1");
  EXPECT_EQ(ev(g), Events({"/pf/open|t|"}));
  // A readable parent is enough.
  write(dom0, "/pf/open/child", "");
  setPerms(dom0, "/pf/open/child", "n0|");
  ev(g);
  write(dom0, "/pf/open/child", "2");
  EXPECT_EQ(ev(g), Events({"/pf/open/child|t|"}));
  // Losing access through SET_PERMS still reports that change.
  setPerms(dom0, "/pf/open", "n0|");
  EXPECT_EQ(ev(g), Events({"/pf/open|t|"}));
  write(dom0, "/pf/open", "3");
  EXPECT_EQ(ev(g), Events{});
  // Removal of a node the guest could read is reported; removed
  // descendants only fire watches placed exactly on them.
  setPerms(dom0, "/pf/open", "r5|");
  watch(g, "/pf/open/child", "c");
  ev(g);
  rm(dom0, "/pf/open");
  EXPECT_EQ(ev(g), Events({"/pf/open/child|c|", "/pf/open|t|"}));
}

TEST_F(Watches, SpecialWatchesFollowTheirPermissions) {
  watch(w, "@introduceDomain", "i");
  watch(w, "@releaseDomain", "r");
  EXPECT_EQ(ev(w), Events({"@introduceDomain|i|", "@releaseDomain|r|"}));
  ConnId g = guest(6);
  EXPECT_EQ(ev(w), Events({"@introduceDomain|i|"}));
  watch(g, "@introduceDomain", "gi");
  watch(g, "@releaseDomain", "gr");
  EXPECT_EQ(ev(g), Events({"@introduceDomain|gi|", "@releaseDomain|gr|"}));
  introduce(7);
  EXPECT_EQ(ev(w), Events({"@introduceDomain|i|"}));
  EXPECT_EQ(ev(g), Events{});
  setPerms(dom0, "@introduceDomain", "n0|r6|");
  introduce(8);
  EXPECT_EQ(ev(g), Events({"@introduceDomain|gi|"}));
  EXPECT_EQ(ev(w), Events({"@introduceDomain|i|"}));
  EXPECT_EQ(call(dom0, MsgType::Release, "7|"), "OK|");
  EXPECT_EQ(ev(w), Events({"@releaseDomain|r|"}));
  EXPECT_EQ(ev(g), Events{});
  // Re-introducing a known domain fires nothing.
  introduce(8);
  EXPECT_EQ(ev(w), Events{});
}

TEST_F(Watches, OtherSpecialNamesOnlyGetTheFirstEvent) {
  EXPECT_EQ(watch(w, "@whatever", "t"), "OK|");
  EXPECT_EQ(ev(w), Events({"@whatever|t|"}));
  EXPECT_EQ(watch(w, "@" + std::string(2048, 'x'), "t"), "!EINVAL");
  EXPECT_EQ(watch(w, "/bad//path", "t"), "!EINVAL");
  EXPECT_EQ(watch(w, "", "t"), "!EINVAL");
}

TEST_F(Watches, ResetWatchesAndDisconnect) {
  watch(w, "/rw", "t");
  watch(w, "/rw2", "t");
  EXPECT_EQ(call(w, MsgType::ResetWatches, "|"), "OK|");
  ev(w);
  write(dom0, "/rw", "1");
  EXPECT_EQ(ev(w), Events{});
  EXPECT_EQ(watch(w, "/rw", "t"), "OK|");  // no EEXIST: it is gone
  engine->disconnect(w);
  write(dom0, "/rw", "2");
  EXPECT_EQ(ev(w), Events({"/rw|t|"}));  // only the earlier immediate event
}

TEST_F(Watches, GuestWatchQuotaIsE2big) {
  ConnId g = guest(9);
  for (int i = 0; i < 128; ++i) {
    ASSERT_EQ(watch(g, "/w" + std::to_string(i), "t"), "OK|") << i;
  }
  EXPECT_EQ(watch(g, "/w128", "t"), "!E2BIG");
  EXPECT_EQ(unwatch(g, "/w0", "t"), "OK|");
  EXPECT_EQ(watch(g, "/w128", "t"), "OK|");
  // dom0 is not limited.
  for (int i = 0; i < 200; ++i) {
    ASSERT_EQ(watch(w, "/d" + std::to_string(i), "t"), "OK|");
  }
}

TEST_F(Watches, OverlongEventsAreDropped) {
  std::string token(4000, 't');
  std::string path = "/" + std::string(200, 'p');
  EXPECT_EQ(watch(w, path, token), "OK|");
  EXPECT_EQ(ev(w), Events{});  // 4203 bytes: not sent
  EXPECT_EQ(watch(w, "/short", token), "OK|");
  EXPECT_EQ(ev(w).size(), 1u);
}

TEST_F(Watches, ReleaseRemovesOwnedNodesWithEvents) {
  ConnId g = guest(3);
  mkdir(dom0, "/local/domain/3/data");
  setPerms(dom0, "/local/domain/3", "n3|");
  setPerms(dom0, "/local/domain/3/data", "n3|");
  write(g, "data/x", "1");
  write(dom0, "/vm/3/name", "guest");
  setPerms(dom0, "/vm/3", "n3|");
  watch(w, "/local/domain/3/data/x", "x");
  watch(w, "/vm", "vm");
  watch(g, "/local/domain/3", "own");
  ev(w);
  EXPECT_EQ(call(dom0, MsgType::Release, "3|"), "OK|");
  Events e = ev(w);
  EXPECT_NE(std::find(e.begin(), e.end(), "/local/domain/3/data/x|x|"), e.end());
  EXPECT_NE(std::find(e.begin(), e.end(), "/vm/3|vm|"), e.end());
  EXPECT_EQ(read(dom0, "/local/domain/3"), "!ENOENT");
  EXPECT_EQ(read(dom0, "/vm/3/name"), "!ENOENT");
  EXPECT_EQ(read(dom0, "/vm"), "");
  EXPECT_EQ(read(dom0, "/local/domain"), "");  // owned by dom0: stays
  // The released guest's own watches are gone first.
  ev(g);
  EXPECT_EQ(ev(g), Events{});
}

}  // namespace
}  // namespace xenia::xs::test
