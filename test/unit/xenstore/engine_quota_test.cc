// Engine: quotas for unprivileged domains with C's error names, node
// ownership accounting, and GET_QUOTA / SET_QUOTA (Xen 4.22 semantics).
#include "engine_fixture.h"

namespace xenia::xs::test {
namespace {

class Quota : public EngineTest {
 protected:
  void SetUp() override {
    g = guest(5);
    mkdir(dom0, "/local/domain/5");
    setPerms(dom0, "/local/domain/5", "n5|");
  }
  // The "nodes" line of CONTROL quota <domid>.
  int ownedNodes(DomId d) {
    std::string r = call(dom0, MsgType::Control, "quota|" + std::to_string(d) + "|");
    size_t at = r.find("nodes");
    if (at == std::string::npos) {
      return -1;
    }
    return std::stoi(r.substr(r.find(':', at) + 1));
  }
  ConnId g = 0;
};

TEST_F(Quota, NodesPerDomainIsEnospc) {
  EXPECT_EQ(ownedNodes(5), 1);
  EXPECT_EQ(call(dom0, MsgType::SetQuota, "5|nodes|4|"), "OK|");
  EXPECT_EQ(write(g, "a", ""), "OK|");
  EXPECT_EQ(write(g, "b/c/d", ""), "!ENOSPC");  // would make 5
  EXPECT_EQ(write(g, "b/c", ""), "OK|");
  EXPECT_EQ(ownedNodes(5), 4);
  EXPECT_EQ(write(g, "c", ""), "!ENOSPC");
  EXPECT_EQ(write(g, "a", "rewrite is fine"), "OK|");
  EXPECT_EQ(rm(g, "a"), "OK|");
  EXPECT_EQ(ownedNodes(5), 3);
  EXPECT_EQ(write(g, "c", ""), "OK|");
  // dom0 creating nodes owned by the guest is not limited by it.
  EXPECT_EQ(write(dom0, "/local/domain/5/d", ""), "OK|");
  EXPECT_EQ(ownedNodes(5), 5);
}

TEST_F(Quota, OwnershipFollowsSetPerms) {
  write(dom0, "/own/a", "");
  write(dom0, "/own/b", "");
  int before = ownedNodes(5);
  setPerms(dom0, "/own/a", "n5|");
  setPerms(dom0, "/own/b", "n5|r0|");
  EXPECT_EQ(ownedNodes(5), before + 2);
  setPerms(dom0, "/own/a", "n0|");
  EXPECT_EQ(ownedNodes(5), before + 1);
  rm(dom0, "/own");
  EXPECT_EQ(ownedNodes(5), before);
  EXPECT_EQ(call(dom0, MsgType::Control, "quota|77|"), "!ENOENT");
}

TEST_F(Quota, NodeSizeCountsCsRecordForGuestsOnly) {
  // C: 24-byte header + 8 per permission + value + child names < node-size.
  EXPECT_EQ(write(g, "v", std::string(2015, 'x')), "OK|");
  EXPECT_EQ(write(g, "v", std::string(2016, 'x')), "!ENOSPC");
  EXPECT_EQ(write(dom0, "/local/domain/5/v", std::string(4000, 'x')), "OK|");
  EXPECT_EQ(call(dom0, MsgType::SetQuota, "node-size|100|"), "OK|");
  EXPECT_EQ(write(g, "w", std::string(67, 'x')), "OK|");
  EXPECT_EQ(write(g, "w", std::string(68, 'x')), "!ENOSPC");
  // More permissions take room too.
  EXPECT_EQ(setPerms(g, "w", "n5|r1|"), "!ENOSPC");
  EXPECT_EQ(write(g, "w", "small"), "OK|");
  EXPECT_EQ(setPerms(g, "w", "n5|r1|"), "OK|");
}

TEST_F(Quota, PermissionsPerNodeIsEnospc) {
  write(g, "p", "");
  EXPECT_EQ(setPerms(g, "p", "n5|r1|r2|r3|r4|"), "OK|");
  EXPECT_EQ(setPerms(g, "p", "n5|r1|r2|r3|r4|r6|"), "!ENOSPC");
  EXPECT_EQ(setPerms(dom0, "/local/domain/5/p", "n5|r1|r2|r3|r4|r6|r7|"), "OK|");
}

TEST_F(Quota, MemoryIsEnomem) {
  EXPECT_EQ(call(dom0, MsgType::SetQuota, "5|memory|4000|"), "OK|");
  int i = 0;
  std::string last;
  for (; i < 100; ++i) {
    last = write(g, "m" + std::to_string(i), std::string(200, 'x'));
    if (last != "OK|") {
      break;
    }
  }
  EXPECT_EQ(last, "!ENOMEM");
  EXPECT_GT(i, 5);
  EXPECT_LT(i, 20);
  // Freeing memory makes room again.
  rm(g, "m0");
  rm(g, "m1");
  EXPECT_EQ(write(g, "again", "x"), "OK|");
  // Watches count too.
  std::string token(3000, 't');
  EXPECT_EQ(watch(g, "/x", token), "!ENOMEM");
}

TEST_F(Quota, GetQuotaListsAndReads) {
  EXPECT_EQ(call(dom0, MsgType::GetQuota, ""),
            "nodes watches outstanding memory soft-memory transactions transaction-nodes "
            "node-permissions path-max node-size|");
  EXPECT_EQ(call(dom0, MsgType::GetQuota, "nodes|"), "1000|");
  EXPECT_EQ(call(dom0, MsgType::GetQuota, "soft-memory|"), "2097152|");
  EXPECT_EQ(call(dom0, MsgType::GetQuota, "5|watches|"), "128|");
  EXPECT_EQ(call(dom0, MsgType::GetQuota, "bogus|"), "!EINVAL");
  EXPECT_EQ(call(dom0, MsgType::GetQuota, "soft-nodes|"), "!EINVAL");
  EXPECT_EQ(call(dom0, MsgType::GetQuota, "x5|nodes|"), "!EINVAL");
  EXPECT_EQ(call(dom0, MsgType::GetQuota, "70000|nodes|"), "!EINVAL");
  EXPECT_EQ(call(dom0, MsgType::GetQuota, "1|2|3|"), "!EINVAL");
}

TEST_F(Quota, SetQuotaGlobalAndPerDomain) {
  EXPECT_EQ(call(dom0, MsgType::SetQuota, "watches|50|"), "OK|");
  EXPECT_EQ(call(dom0, MsgType::GetQuota, "watches|"), "50|");
  EXPECT_EQ(engine->quotas().watchesPerDomain, 50u);
  EXPECT_EQ(call(dom0, MsgType::SetQuota, "6|watches|7|"), "OK|");
  EXPECT_EQ(call(dom0, MsgType::GetQuota, "6|watches|"), "7|");
  EXPECT_EQ(call(dom0, MsgType::GetQuota, "5|watches|"), "50|");
  EXPECT_EQ(engine->quotasFor(6).watchesPerDomain, 7u);
  EXPECT_EQ(engine->quotasFor(5).watchesPerDomain, 50u);
  EXPECT_EQ(call(dom0, MsgType::SetQuota, "6|outstanding|3|"), "OK|");
  EXPECT_EQ(engine->quotasFor(6).outstanding, 3u);
  EXPECT_EQ(call(dom0, MsgType::SetQuota, "nodes|-1|"), "!EINVAL");
  EXPECT_EQ(call(dom0, MsgType::SetQuota, "nope|1|"), "!EINVAL");
  EXPECT_EQ(call(dom0, MsgType::SetQuota, "nodes|"), "!EINVAL");
  EXPECT_EQ(call(dom0, MsgType::SetQuota, "1|2|3|4|"), "!EINVAL");
  // Zero switches a quota off.
  EXPECT_EQ(call(dom0, MsgType::SetQuota, "5|watches|0|"), "OK|");
  for (int i = 0; i < 60; ++i) {
    ASSERT_EQ(watch(g, "/w" + std::to_string(i), "t"), "OK|");
  }
}

TEST_F(Quota, ControlQuotaSetsAndShows) {
  std::string shown = call(dom0, MsgType::Control, "quota|");
  EXPECT_NE(shown.find("Quota settings:"), std::string::npos);
  EXPECT_NE(shown.find("transaction-nodes"), std::string::npos);
  EXPECT_NE(shown.find("permissions      :        5 Max. number of permissions per node"),
            std::string::npos);
  EXPECT_EQ(call(dom0, MsgType::Control, "quota|set|nodes|3|"), "OK|");
  EXPECT_EQ(engine->quotas().nodesPerDomain, 3u);
  EXPECT_EQ(call(dom0, MsgType::Control, "quota|set|nodes|0|"), "!EINVAL");
  EXPECT_EQ(call(dom0, MsgType::Control, "quota|set|bogus|3|"), "!EINVAL");
  EXPECT_EQ(call(dom0, MsgType::Control, "quota|set|nodes|"), "!EINVAL");
  EXPECT_EQ(call(dom0, MsgType::Control, "quota-soft|set|memory|1000|"), "OK|");
  EXPECT_EQ(engine->quotas().memorySoft, 1000u);
  EXPECT_NE(call(dom0, MsgType::Control, "quota-soft|").find("memory"), std::string::npos);
  EXPECT_EQ(call(dom0, MsgType::Control, "quota-soft|5|"), "!EINVAL");
  std::string dom = call(dom0, MsgType::Control, "quota|5|");
  EXPECT_EQ(dom.substr(0, 10), "Domain 5:\n");
  EXPECT_NE(dom.find("watches         :        0"), std::string::npos);
}

}  // namespace
}  // namespace xenia::xs::test
