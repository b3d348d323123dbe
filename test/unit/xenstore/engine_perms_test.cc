// Engine: permissions as C's perm_for_conn() applies them, inheritance on
// creation, EACCES/ENOENT hiding, SET_PERMS rules, SET_TARGET and stale
// entries of released domains.
#include "engine_fixture.h"
#include "xenstore/store/perms.h"

namespace xenia::xs::test {
namespace {

class Perms : public EngineTest {
 protected:
  void SetUp() override {
    g5 = guest(5);
    g6 = guest(6);
  }
  ConnId g5 = 0;
  ConnId g6 = 0;
};

TEST_F(Perms, DefaultIsDom0Only) {
  write(dom0, "/p", "secret");
  EXPECT_EQ(read(g5, "/p"), "!EACCES");
  EXPECT_EQ(write(g5, "/p", "x"), "!EACCES");
  EXPECT_EQ(dir(g5, "/"), "!EACCES");
  EXPECT_EQ(getPerms(g5, "/p"), "!EACCES");
}

TEST_F(Perms, OwnerGetsEverythingAndEntryZeroIsTheDefault) {
  write(dom0, "/p", "v");
  EXPECT_EQ(setPerms(dom0, "/p", "n5|"), "OK|");
  EXPECT_EQ(read(g5, "/p"), "v");
  EXPECT_EQ(write(g5, "/p", "w"), "OK|");
  EXPECT_EQ(read(g6, "/p"), "!EACCES");
  EXPECT_EQ(setPerms(dom0, "/p", "r0|"), "OK|");
  EXPECT_EQ(read(g6, "/p"), "w");
  EXPECT_EQ(write(g6, "/p", "z"), "!EACCES");
  EXPECT_EQ(setPerms(dom0, "/p", "b0|"), "OK|");
  EXPECT_EQ(write(g6, "/p", "z"), "OK|");
}

TEST_F(Perms, LaterEntriesOverrideTheDefaultForTheirDomain) {
  write(dom0, "/p", "v");
  EXPECT_EQ(setPerms(dom0, "/p", "r0|n5|w6|"), "OK|");
  EXPECT_EQ(read(g5, "/p"), "!EACCES");
  EXPECT_EQ(read(g6, "/p"), "!EACCES");
  EXPECT_EQ(write(g6, "/p", "x"), "OK|");
  ConnId g7 = guest(7);
  EXPECT_EQ(read(g7, "/p"), "x");
  // The first matching entry wins.
  EXPECT_EQ(setPerms(dom0, "/p", "n0|r5|n5|"), "OK|");
  EXPECT_EQ(read(g5, "/p"), "x");
}

TEST_F(Perms, CreatedNodesCopyTheParentsList) {
  mkdir(dom0, "/local/domain/5");
  EXPECT_EQ(setPerms(dom0, "/local/domain/5", "n5|r6|"), "OK|");
  EXPECT_EQ(write(g5, "/local/domain/5/a/b", "1"), "OK|");
  EXPECT_EQ(getPerms(dom0, "/local/domain/5/a"), "n5|r6|");
  EXPECT_EQ(getPerms(dom0, "/local/domain/5/a/b"), "n5|r6|");
  // A guest creating under a node it may write takes ownership.
  write(dom0, "/shared", "");
  setPerms(dom0, "/shared", "b0|");
  EXPECT_EQ(write(g6, "/shared/x", "1"), "OK|");
  EXPECT_EQ(getPerms(dom0, "/shared/x"), "b6|");
  // dom0 creates with the parent's list unchanged (probe: "n0 r5" stays).
  write(dom0, "/q", "");
  setPerms(dom0, "/q", "n0|r5|");
  write(dom0, "/q/child", "");
  EXPECT_EQ(getPerms(dom0, "/q/child"), "n0|r5|");
  EXPECT_EQ(read(g5, "/q/child"), "");
}

TEST_F(Perms, CreationNeedsWriteOnTheNearestExistingAncestor) {
  write(dom0, "/ro", "");
  setPerms(dom0, "/ro", "r0|");
  EXPECT_EQ(write(g5, "/ro/x/y", "1"), "!EACCES");
  write(dom0, "/rw", "");
  setPerms(dom0, "/rw", "w0|");
  EXPECT_EQ(write(g5, "/rw/x/y", "1"), "OK|");
  EXPECT_EQ(getPerms(dom0, "/rw/x"), "w5|");
  // "w5": owner 5, everyone else may write but not read.
  EXPECT_EQ(read(g6, "/rw/x"), "!EACCES");
  EXPECT_EQ(mkdir(g6, "/rw/x"), "OK|");
}

TEST_F(Perms, MissingNodesAreHiddenBehindUnreadableParents) {
  write(dom0, "/hidden/there", "");
  EXPECT_EQ(read(g5, "/hidden/there"), "!EACCES");
  EXPECT_EQ(read(g5, "/hidden/notthere"), "!EACCES");
  EXPECT_EQ(read(g5, "/nothere/at/all"), "!EACCES");
  setPerms(dom0, "/hidden", "r0|");
  EXPECT_EQ(read(g5, "/hidden/notthere"), "!ENOENT");
  EXPECT_EQ(read(g5, "/hidden/there"), "!EACCES");
  // RM of something missing below a writable parent is fine; else EACCES.
  EXPECT_EQ(rm(g5, "/hidden/notthere"), "!EACCES");
  setPerms(dom0, "/hidden", "w0|");
  EXPECT_EQ(rm(g5, "/hidden/notthere"), "OK|");
  EXPECT_EQ(rm(g5, "/hidden/notthere/deeper"), "!ENOENT");
}

TEST_F(Perms, PrivilegedSeesEverything) {
  write(dom0, "/p", "v");
  setPerms(dom0, "/p", "n5|");
  EXPECT_EQ(read(dom0, "/p"), "v");
  EXPECT_EQ(write(dom0, "/p", "w"), "OK|");
  EXPECT_EQ(setPerms(dom0, "/p", "n6|"), "OK|");
}

TEST_F(Perms, SetPermsNeedsOwnershipAndKeepsTheOwnerForGuests) {
  write(dom0, "/own", "");
  setPerms(dom0, "/own", "n5|b6|");
  // 6 may write but is not the owner.
  EXPECT_EQ(setPerms(g6, "/own", "n5|b6|r7|"), "!EACCES");
  EXPECT_EQ(setPerms(g5, "/own", "n5|r6|"), "OK|");
  EXPECT_EQ(getPerms(g5, "/own"), "n5|r6|");
  EXPECT_EQ(setPerms(g5, "/own", "n6|"), "!EPERM");
  EXPECT_EQ(setPerms(dom0, "/own", "n6|"), "OK|");
  EXPECT_EQ(setPerms(g5, "/missing", "n5|"), "!EACCES");
}

TEST_F(Perms, PermStringsParseLikeStrtol) {
  write(dom0, "/s", "");
  for (const char* bad : {"x5|", "r|", "r5x|", "|", "R5|", "r5|q1|"}) {
    EXPECT_EQ(setPerms(dom0, "/s", bad), "!EINVAL") << bad;
  }
  EXPECT_EQ(setPerms(dom0, "/s", "r0x10|b010|"), "OK|");
  EXPECT_EQ(getPerms(dom0, "/s"), "r16|b8|");
  // -1 is 0xffffffff: no such domain as owner; kept (but ignored) elsewhere.
  EXPECT_EQ(setPerms(dom0, "/s", "n-1|"), "!ENOENT");
  EXPECT_EQ(setPerms(dom0, "/s", "n0|r-1|r32752|"), "OK|");
  EXPECT_EQ(getPerms(dom0, "/s"), "n0|r-1|r32752|");
  EXPECT_EQ(setPerms(dom0, "/s", "r0x10|b010|"), "OK|");
  // Only NUL-terminated entries count.
  EXPECT_EQ(callRaw(dom0, 14, P("/s|w3|") + "r4"), "OK|");
  EXPECT_EQ(getPerms(dom0, "/s"), "w3|");
}

TEST_F(Perms, MissingDomainsInPermissions) {
  write(dom0, "/m", "");
  hooks.missing.insert(42);
  EXPECT_EQ(setPerms(dom0, "/m", "n42|"), "!ENOENT");
  EXPECT_EQ(setPerms(dom0, "/m", "n0|r42|r5|"), "OK|");
  EXPECT_EQ(getPerms(dom0, "/m"), "n0|r42|r5|");
  EXPECT_EQ(read(g5, "/m"), "");
}

TEST_F(Perms, SetTargetGivesOwnerRightsAndInheritsGrants) {
  write(dom0, "/t5", "");
  setPerms(dom0, "/t5", "n5|");
  write(dom0, "/g5", "");
  setPerms(dom0, "/g5", "n0|r5|");
  ConnId g9 = guest(9);
  EXPECT_EQ(read(g9, "/t5"), "!EACCES");
  EXPECT_EQ(call(dom0, MsgType::SetTarget, "9|5|"), "OK|");
  EXPECT_EQ(read(g9, "/t5"), "");
  EXPECT_EQ(write(g9, "/t5", "dm"), "OK|");
  EXPECT_EQ(read(g9, "/g5"), "");
  EXPECT_EQ(write(g9, "/g5", "x"), "!EACCES");
  EXPECT_EQ(call(dom0, MsgType::SetTarget, "9|77|"), "!ENOENT");
  EXPECT_EQ(call(dom0, MsgType::SetTarget, "77|5|"), "!ENOENT");
}

TEST_F(Perms, EntriesOfAReleasedDomainDoNotPassToItsSuccessor) {
  write(dom0, "/old", "");
  setPerms(dom0, "/old", "n0|r5|");
  EXPECT_EQ(read(g5, "/old"), "");
  EXPECT_EQ(call(dom0, MsgType::Release, "5|"), "OK|");
  engine->disconnect(g5);
  ConnId again = guest(5);
  EXPECT_EQ(read(again, "/old"), "!EACCES");
  // Permissions written after the new domain appeared are honoured.
  write(dom0, "/new", "");
  setPerms(dom0, "/new", "n0|r5|");
  EXPECT_EQ(read(again, "/new"), "");
  // A stale entry stays stale even when the node is written again.
  write(dom0, "/old", "rewritten");
  EXPECT_EQ(read(again, "/old"), "!EACCES");
  EXPECT_EQ(getPerms(dom0, "/old"), "n0|r5|");
}

TEST_F(Perms, SpecialNodePermissions) {
  EXPECT_EQ(setPerms(g5, "@introduceDomain", "n5|"), "!EACCES");
  EXPECT_EQ(setPerms(dom0, "@introduceDomain", "n5|"), "OK|");
  // Now 5 owns it and may change it (but not its owner).
  EXPECT_EQ(setPerms(g5, "@introduceDomain", "n5|r6|"), "OK|");
}

TEST(PermList, InlineAndHeapStorage) {
  using namespace store;
  PermList l;
  EXPECT_TRUE(l.empty());
  for (uint32_t i = 0; i < 40; ++i) {
    l.push(Perm{i * 1000, static_cast<uint8_t>(i % 4)});
    ASSERT_EQ(l.size(), i + 1);
    for (uint32_t j = 0; j <= i; ++j) {
      ASSERT_EQ(l.get(j).id, j * 1000);
      ASSERT_EQ(l.get(j).bits, j % 4);
    }
  }
  PermList copy = l;
  l.setBits(1, kPermIgnore);
  EXPECT_EQ(copy.get(1).bits, 1);
  EXPECT_EQ(l.get(1).bits, kPermIgnore);
  std::string s;
  PermList two;
  two.push(Perm{0, kPermNone});
  two.push(Perm{7, kPermRead | kPermWrite | kPermIgnore});
  formatPermList(two, s);
  EXPECT_EQ(s, P("n0|b7|"));
  two = copy;
  EXPECT_EQ(two.size(), 40u);
}

}  // namespace
}  // namespace xenia::xs::test
