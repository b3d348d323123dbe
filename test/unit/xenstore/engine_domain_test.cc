// Engine: domains (INTRODUCE, RELEASE, RESUME, IS_DOMAIN_INTRODUCED,
// shutdown), CONTROL commands, journal calls and the restore path.
#include "engine_fixture.h"

namespace xenia::xs::test {
namespace {

using Domains = EngineTest;

TEST_F(Domains, IntroduceAndRelease) {
  EXPECT_EQ(call(dom0, MsgType::IsDomainIntroduced, "4|"), "F|");
  EXPECT_EQ(call(dom0, MsgType::IsDomainIntroduced, "0|"), "T|");
  EXPECT_EQ(call(dom0, MsgType::IsDomainIntroduced, "32752|"), "T|");  // DOMID_SELF
  EXPECT_EQ(introduce(4), "OK|");
  EXPECT_EQ(hooks.introduced, std::vector<DomId>{4});
  EXPECT_EQ(call(dom0, MsgType::IsDomainIntroduced, "4|"), "T|");
  EXPECT_TRUE(engine->isIntroduced(4));
  EXPECT_EQ(introduce(4), "OK|");  // again: fine, no new hook call
  EXPECT_EQ(hooks.introduced, std::vector<DomId>{4});
  EXPECT_EQ(call(dom0, MsgType::Release, "4|"), "OK|");
  EXPECT_EQ(hooks.released, std::vector<DomId>{4});
  EXPECT_EQ(call(dom0, MsgType::IsDomainIntroduced, "4|"), "F|");
  EXPECT_EQ(call(dom0, MsgType::Release, "4|"), "!ENOENT");
  EXPECT_EQ(call(dom0, MsgType::Release, "0|"), "!EINVAL");
  EXPECT_EQ(call(dom0, MsgType::Release, "x|"), "!EINVAL");
  EXPECT_EQ(call(dom0, MsgType::Resume, "4|"), "!ENOENT");
}

TEST_F(Domains, ReintroduceResetsTheGuestsWatchesAndTransactions) {
  ConnId g = guest(4);
  watch(g, "/x", "t");
  uint32_t t = start(g);
  ASSERT_NE(t, 0u);
  introduce(4);
  ev(g);
  write(dom0, "/x", "1");
  EXPECT_EQ(ev(g), Events{});
  EXPECT_EQ(end(g, t), "!ENOENT");
}

TEST_F(Domains, ShutdownFiresReleaseDomainOnceUntilResume) {
  watch(dom0, "@releaseDomain", "r");
  introduce(4);
  ev(dom0);
  engine->domainShutdown(4);
  engine->domainShutdown(4);
  engine->domainShutdown(99);
  EXPECT_EQ(ev(dom0), Events({"@releaseDomain|r|"}));
  EXPECT_EQ(call(dom0, MsgType::Resume, "4|"), "OK|");
  engine->domainShutdown(4);
  EXPECT_EQ(ev(dom0), Events({"@releaseDomain|r|"}));
}

TEST_F(Domains, KeepOrphansHandsNodesToDom0) {
  EngineOptions o;
  o.keepOrphans = true;
  reset(o);
  ConnId g = guest(3);
  mkdir(dom0, "/local/domain/3");
  setPerms(dom0, "/local/domain/3", "n3|r0|");
  write(g, "/local/domain/3/k", "v");
  EXPECT_EQ(call(dom0, MsgType::Release, "3|"), "OK|");
  EXPECT_EQ(read(dom0, "/local/domain/3/k"), "v");
  EXPECT_EQ(getPerms(dom0, "/local/domain/3/k"), "n0|r0|");
}

TEST_F(Domains, ReleaseWithoutOwnedNodesKeepsTheTree) {
  introduce(8);
  write(dom0, "/local/domain/8/x", "1");
  EXPECT_EQ(call(dom0, MsgType::Release, "8|"), "OK|");
  EXPECT_EQ(read(dom0, "/local/domain/8/x"), "1");
}

TEST_F(Domains, ControlHelpPrintAndCheck) {
  std::string help = call(dom0, MsgType::Control, "help|");
  for (const char* cmd : {"check\t", "log\t", "live-update\t", "memreport\t", "quota\t",
                          "quota-soft\t", "help\t"}) {
    EXPECT_NE(help.find(cmd), std::string::npos) << cmd;
  }
  EXPECT_EQ(call(dom0, MsgType::Control, "help|x|"), "!EINVAL");
  EXPECT_EQ(call(dom0, MsgType::Control, "print|hello|"), "OK|");
  EXPECT_EQ(hooks.controlCalls.back(), (std::vector<std::string>{"print", "hello"}));
  EXPECT_EQ(call(dom0, MsgType::Control, "print|"), "!EINVAL");
  EXPECT_EQ(call(dom0, MsgType::Control, "check|"), "OK|");
}

TEST_F(Domains, ControlDelegatesUnknownCommandsToTheServer) {
  EXPECT_EQ(call(dom0, MsgType::Control, "log|on|"), "!EINVAL");
  hooks.controlReply = "OK";
  EXPECT_EQ(call(dom0, MsgType::Control, "log|on|"), "OK|");
  EXPECT_EQ(hooks.controlCalls.back(), (std::vector<std::string>{"log", "on"}));
  hooks.controlReply = "BUSY";
  EXPECT_EQ(call(dom0, MsgType::Control, "live-update|-s|"), "BUSY|");
  hooks.controlReply.reset();
  EXPECT_EQ(call(dom0, MsgType::Control, "nosuchcmd|"), "!EINVAL");
}

TEST_F(Domains, MemreportCountsThings) {
  write(dom0, "/a/b", "1");
  watch(dom0, "/a", "t");
  start(dom0);
  introduce(3);
  std::string r = call(dom0, MsgType::Control, "memreport|");
  EXPECT_NE(r.find("nodes: 5 ("), std::string::npos) << r;
  EXPECT_NE(r.find("watches: 1 ("), std::string::npos) << r;
  EXPECT_NE(r.find("transactions: 1 ("), std::string::npos) << r;
  EXPECT_NE(r.find("domains: 2 (2 introduced"), std::string::npos) << r;
  EXPECT_EQ(R(engine->memoryReport() + '\0'), r);
}

TEST_F(Domains, JournalSeesEveryCommittedChange) {
  TestJournal j;
  engine->setJournal(&j);
  write(dom0, "/j/a", "1");
  write(dom0, "/j/a", "2");
  setPerms(dom0, "/j/a", "n0|r4|");
  mkdir(dom0, "/j/a");  // exists: nothing to journal
  rm(dom0, "/j");
  setPerms(dom0, "@releaseDomain", "n0|r4|");
  introduce(4);
  call(dom0, MsgType::Release, "4|");
  // Failed changes are not journaled.
  write(dom0, "/bad//path", "x");
  EXPECT_EQ(j.log, (std::vector<std::string>{
                       "W /j= n0,", "W /j/a=1 n0,", "W /j/a=2 n0,", "W /j/a=2 n0,r4,", "R /j",
                       "W @releaseDomain= n0,r4,", "I 4", "X 4"}));
  engine->setJournal(nullptr);
}

TEST_F(Domains, RestoreRebuildsNodesAndDomains) {
  engine->restoreNode("/r/a/b", "v", {"n5", "r0"});
  engine->restoreNode("/r/a", "parent", {"b0"});
  engine->restoreNode("/r/c", std::string("x\0y", 3), {});
  engine->restoreNode("@introduceDomain", "", {"n0", "r5"});
  engine->restoreNode("bad//path", "", {"n0"});
  engine->restoreDomain(5);
  EXPECT_EQ(read(dom0, "/r/a/b"), "v");
  EXPECT_EQ(getPerms(dom0, "/r/a/b"), "n5|r0|");
  EXPECT_EQ(read(dom0, "/r/a"), "parent");
  EXPECT_EQ(getPerms(dom0, "/r/a"), "b0|");
  EXPECT_EQ(getPerms(dom0, "/r"), "n0|");
  EXPECT_EQ(getPerms(dom0, "/r/c"), "n0|");
  EXPECT_EQ(rawReply, P("n0|"));
  read(dom0, "/r/c");
  EXPECT_EQ(rawReply, std::string("x\0y", 3));
  EXPECT_EQ(dir(dom0, "/r"), "a|c|");
  EXPECT_TRUE(engine->isIntroduced(5));
  ConnId g = engine->connect(5);
  EXPECT_EQ(read(g, "/r/a/b"), "v");  // owner
  // Restored special permissions apply.
  watch(g, "@introduceDomain", "i");
  ev(g);
  introduce(6);
  EXPECT_EQ(ev(g), Events({"@introduceDomain|i|"}));
  // Ownership counts are restored with the nodes.
  std::string q = call(dom0, MsgType::Control, "quota|5|");
  EXPECT_NE(q.find("nodes           :        1"), std::string::npos) << q;
}

// Replays journal calls into another engine, as the server's restore does.
class Replay : public Journal {
 public:
  explicit Replay(Engine& e) : e_(e) {}
  void nodeWritten(std::string_view path, std::string_view value,
                   const std::vector<std::string>& perms) override {
    e_.restoreNode(path, value, perms);
  }
  void nodeRemoved(std::string_view path) override { ADD_FAILURE() << "no removals expected"; }
  void domainIntroduced(DomId domid) override { e_.restoreDomain(domid); }
  void domainReleased(DomId domid) override { ADD_FAILURE() << "no releases expected"; }

 private:
  Engine& e_;
};

TEST_F(Domains, SnapshotReplaysIntoAnIdenticalStore) {
  write(dom0, "/s/zeta", "1");
  write(dom0, "/s/alpha/deep", std::string("b\0in", 4));
  write(dom0, "/s/10", "");
  rm(dom0, "/s/zeta");
  write(dom0, "/s/zeta", "again");
  setPerms(dom0, "/s/alpha", "n3|r4|");
  setPerms(dom0, "@releaseDomain", "n0|r3|");
  introduce(3);
  introduce(9);
  TestJournal first;
  engine->snapshot(first);
  EXPECT_EQ(first.log.front(), "I 3");
  EXPECT_EQ(first.log[1], "I 9");
  EXPECT_EQ(first.log[3], "W @releaseDomain= n0,r3,");
  EXPECT_EQ(first.log[4], "W /= n0,");

  RecordingSink sink2;
  TestHooks hooks2;
  Engine copy(sink2, hooks2);
  Replay replay(copy);
  engine->snapshot(replay);
  TestJournal second;
  copy.snapshot(second);
  EXPECT_EQ(first.log, second.log);
  EXPECT_EQ(copy.nodeCount(), engine->nodeCount());
  EXPECT_TRUE(copy.isIntroduced(9));
  // Child order survives: zeta was re-created last.
  auto it = std::find(first.log.begin(), first.log.end(), "W /s/10= n0,");
  ASSERT_NE(it, first.log.end());
  EXPECT_EQ(*(it + 1), "W /s/zeta=again n0,");
}

}  // namespace
}  // namespace xenia::xs::test
