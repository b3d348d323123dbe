// Engine: the operation table's central checks and the basic node
// operations (READ, WRITE, MKDIR, RM, DIRECTORY, DIRECTORY_PART, GET_PERMS).
#include "engine_fixture.h"

namespace xenia::xs::test {
namespace {

using Ops = EngineTest;

TEST_F(Ops, InitialTreeIsCs) {
  EXPECT_EQ(dir(dom0, "/"), "tool|");
  EXPECT_EQ(dir(dom0, "/tool"), "xenstored|");
  EXPECT_EQ(read(dom0, "/tool/xenstored"), "");
  EXPECT_EQ(getPerms(dom0, "/"), "n0|");
  EXPECT_EQ(getPerms(dom0, "/tool/xenstored"), "n0|");
  EXPECT_EQ(engine->nodeCount(), 3u);
}

TEST_F(Ops, WriteReadRoundTripsBinaryValues) {
  std::string v("a\0b\xff", 4);
  EXPECT_EQ(write(dom0, "/a", v), "OK|");
  EXPECT_EQ(read(dom0, "/a"), R(v));
  EXPECT_EQ(rawReply, v);
  EXPECT_EQ(write(dom0, "/a", ""), "OK|");
  EXPECT_EQ(read(dom0, "/a"), "");
  // Long values live outside the node.
  std::string big(3000, 'x');
  EXPECT_EQ(write(dom0, "/a", big), "OK|");
  EXPECT_EQ(rawReply, "OK" + std::string(1, '\0'));
  read(dom0, "/a");
  EXPECT_EQ(rawReply, big);
  EXPECT_EQ(write(dom0, "/a", "short"), "OK|");
  EXPECT_EQ(read(dom0, "/a"), "short");
}

TEST_F(Ops, WriteCreatesMissingParentsWithEmptyValues) {
  EXPECT_EQ(write(dom0, "/a/b/c", "v"), "OK|");
  EXPECT_EQ(read(dom0, "/a"), "");
  EXPECT_EQ(read(dom0, "/a/b"), "");
  EXPECT_EQ(read(dom0, "/a/b/c"), "v");
  EXPECT_EQ(dir(dom0, "/a"), "b|");
  EXPECT_EQ(engine->nodeCount(), 6u);
}

TEST_F(Ops, MkdirKeepsExistingValue) {
  EXPECT_EQ(write(dom0, "/m", "keep"), "OK|");
  EXPECT_EQ(mkdir(dom0, "/m"), "OK|");
  EXPECT_EQ(read(dom0, "/m"), "keep");
  EXPECT_EQ(mkdir(dom0, "/m/x/y"), "OK|");
  EXPECT_EQ(read(dom0, "/m/x/y"), "");
}

TEST_F(Ops, ReadMissingIsEnoent) {
  EXPECT_EQ(read(dom0, "/nope"), "!ENOENT");
  EXPECT_EQ(dir(dom0, "/nope"), "!ENOENT");
  EXPECT_EQ(getPerms(dom0, "/nope/deeper"), "!ENOENT");
}

TEST_F(Ops, RmIsRecursiveAndToleratesMissingLeaf) {
  write(dom0, "/r/a/b", "1");
  write(dom0, "/r/c", "2");
  EXPECT_EQ(rm(dom0, "/r/a"), "OK|");
  EXPECT_EQ(read(dom0, "/r/a/b"), "!ENOENT");
  EXPECT_EQ(dir(dom0, "/r"), "c|");
  // Missing node with an existing parent: fine. Parent missing too: ENOENT.
  EXPECT_EQ(rm(dom0, "/r/zz"), "OK|");
  EXPECT_EQ(rm(dom0, "/r/zz/yy"), "!ENOENT");
  EXPECT_EQ(rm(dom0, "/"), "!EINVAL");
  EXPECT_EQ(engine->nodeCount(), 5u);
}

TEST_F(Ops, DirectoryKeepsCreationOrder) {
  for (const char* n : {"zeta", "alpha", "10", "9", "Beta"}) {
    write(dom0, std::string("/o/") + n, "");
  }
  EXPECT_EQ(dir(dom0, "/o"), "zeta|alpha|10|9|Beta|");
  rm(dom0, "/o/10");
  write(dom0, "/o/10", "");
  EXPECT_EQ(dir(dom0, "/o"), "zeta|alpha|9|Beta|10|");
  EXPECT_EQ(dir(dom0, "/o/zeta"), "");
}

TEST_F(Ops, RepliesCopyTypeReqIdAndTxId) {
  uint32_t tx = start(dom0);
  ASSERT_NE(tx, 0u);
  write(dom0, "/t", "x", tx);
  const Delivered& d = sink.out.back();
  EXPECT_EQ(d.type, static_cast<uint32_t>(MsgType::Write));
  EXPECT_EQ(d.reqId, reqId);
  EXPECT_EQ(d.txId, tx);
  EXPECT_EQ(read(dom0, "/none", tx), "!ENOENT");
  EXPECT_EQ(sink.out.back().txId, tx);
}

TEST_F(Ops, UnknownAndServerOnlyTypesAreEnosys) {
  for (uint32_t t : {15u, 16u, 20u, 23u, 24u, 27u, 99u, 0xffffu}) {
    EXPECT_EQ(callRaw(dom0, t, P("/|")), "!ENOSYS") << t;
  }
}

TEST_F(Ops, PrivilegedOpsFromGuestAreEacces) {
  ConnId g = guest(3);
  EXPECT_EQ(call(g, MsgType::Control, "help|"), "!EACCES");
  EXPECT_EQ(call(g, MsgType::Introduce, "4|1|1|"), "!EACCES");
  EXPECT_EQ(call(g, MsgType::Release, "3|"), "!EACCES");
  EXPECT_EQ(call(g, MsgType::IsDomainIntroduced, "3|"), "!EACCES");
  EXPECT_EQ(call(g, MsgType::Resume, "3|"), "!EACCES");
  EXPECT_EQ(call(g, MsgType::SetTarget, "3|4|"), "!EACCES");
  EXPECT_EQ(call(g, MsgType::GetQuota, ""), "!EACCES");
  EXPECT_EQ(call(g, MsgType::SetQuota, "nodes|5|"), "!EACCES");
  // Not privileged: anyone may ask.
  EXPECT_EQ(call(g, MsgType::GetDomainPath, "3|"), "/local/domain/3|");
}

TEST_F(Ops, ArgumentShapeIsChecked) {
  // Missing NUL, several strings where one is expected, nothing at all.
  EXPECT_EQ(callRaw(dom0, 2, "/tool"), "!EINVAL");
  EXPECT_EQ(call(dom0, MsgType::Read, "/tool|x|"), "!EINVAL");
  EXPECT_EQ(callRaw(dom0, 2, ""), "!EINVAL");
  EXPECT_EQ(callRaw(dom0, 11, "/w"), "!EINVAL");
  EXPECT_EQ(call(dom0, MsgType::Watch, "/w|tok"), "!EINVAL");
  EXPECT_EQ(call(dom0, MsgType::Watch, "/w|tok|3|"), "!EINVAL");
  EXPECT_EQ(call(dom0, MsgType::SetPerms, "/tool|"), "!EINVAL");
  EXPECT_EQ(call(dom0, MsgType::Introduce, "5|1|"), "!EINVAL");
  EXPECT_EQ(call(dom0, MsgType::DirectoryPart, "/tool|"), "!EINVAL");
  EXPECT_EQ(call(dom0, MsgType::TransactionEnd, "X|"), "!EINVAL");
  EXPECT_EQ(callRaw(dom0, 0, ""), "!EINVAL");
}

TEST_F(Ops, ZeroLengthRequestsAreAnswered) {
  EXPECT_EQ(callRaw(dom0, static_cast<uint32_t>(MsgType::ResetWatches), ""), "OK|");
  EXPECT_EQ(callRaw(dom0, static_cast<uint32_t>(MsgType::GetFeature), ""), "!ENOSYS");
  EXPECT_EQ(callRaw(dom0, static_cast<uint32_t>(MsgType::Read), ""), "!EINVAL");
  EXPECT_EQ(callRaw(dom0, static_cast<uint32_t>(MsgType::TransactionStart), ""), "1|");
}

TEST_F(Ops, WriteValueMayContainNulsAndNoTerminator) {
  EXPECT_EQ(callRaw(dom0, 11, P("/v|a|b|")), "OK|");
  read(dom0, "/v");
  EXPECT_EQ(rawReply, P("a|b|"));
}

TEST_F(Ops, OverlongDirectoryIsE2big) {
  // 300 children of 15 chars: 4800 bytes of names.
  for (int i = 0; i < 300; ++i) {
    write(dom0, fmt::format("/big/child-{:05d}-xx", i), "");
  }
  EXPECT_EQ(dir(dom0, "/big"), "!E2BIG");
}

TEST_F(Ops, DirectoryPartPaginatesByByteOffset) {
  std::string all;
  for (int i = 0; i < 400; ++i) {
    std::string name = fmt::format("node-name-{:04d}", i);
    write(dom0, "/dp/" + name, "");
    all += name + '\0';
  }
  ASSERT_GT(all.size(), 4096u);
  // Walk the list as libxenstore's xs_directory_part() does.
  std::string got;
  std::string gen;
  uint32_t off = 0;
  for (int round = 0; round < 10; ++round) {
    std::string r = call(dom0, MsgType::DirectoryPart, "/dp|" + std::to_string(off) + "|");
    ASSERT_NE(r[0], '!');
    std::string raw = rawReply;
    ASSERT_LE(raw.size(), kPayloadMax);
    size_t nul = raw.find('\0');
    std::string g = raw.substr(0, nul);
    if (gen.empty()) {
      gen = g;
    }
    EXPECT_EQ(g, gen);
    std::string part = raw.substr(nul + 1);
    got += part;
    off += static_cast<uint32_t>(part.size());
    if (got.size() >= 2 && got.compare(got.size() - 2, 2, std::string(2, '\0')) == 0) {
      break;
    }
  }
  ASSERT_GE(got.size(), 1u);
  EXPECT_EQ(got.substr(0, got.size() - 1), all);  // plus one extra NUL at the end
  // Offset at or past the end: "gen||".
  call(dom0, MsgType::DirectoryPart, "/dp|" + std::to_string(all.size()) + "|");
  EXPECT_EQ(rawReply, gen + std::string(2, '\0'));
  call(dom0, MsgType::DirectoryPart, "/dp|999999|");
  EXPECT_EQ(rawReply, gen + std::string(2, '\0'));
}

TEST_F(Ops, DirectoryPartGenerationChangesWithChildren) {
  write(dom0, "/g/a", "");
  call(dom0, MsgType::DirectoryPart, "/g|0|");
  std::string first = rawReply;
  EXPECT_EQ(first.substr(first.find('\0')), P("|a||"));
  write(dom0, "/g/b", "");
  call(dom0, MsgType::DirectoryPart, "/g|0|");
  EXPECT_NE(rawReply.substr(0, rawReply.find('\0')), first.substr(0, first.find('\0')));
  EXPECT_EQ(rawReply.substr(rawReply.find('\0')), P("|a|b||"));
  // Empty directory: just the extra NUL.
  call(dom0, MsgType::DirectoryPart, "/g/a|0|");
  EXPECT_EQ(rawReply.substr(rawReply.find('\0')), P("||"));
}

TEST_F(Ops, GetDomainPathUsesAtoi) {
  EXPECT_EQ(call(dom0, MsgType::GetDomainPath, "7|"), "/local/domain/7|");
  EXPECT_EQ(call(dom0, MsgType::GetDomainPath, "12abc|"), "/local/domain/12|");
  EXPECT_EQ(call(dom0, MsgType::GetDomainPath, "-1|"), "/local/domain/4294967295|");
}

TEST_F(Ops, ManyChildrenStayFastAndCorrect) {
  // Crosses the child-index threshold both ways.
  for (int i = 0; i < 2000; ++i) {
    ASSERT_EQ(write(dom0, "/many/" + std::to_string(i), std::to_string(i)), "OK|");
  }
  for (int i = 0; i < 2000; i += 7) {
    ASSERT_EQ(read(dom0, "/many/" + std::to_string(i)), std::to_string(i));
  }
  for (int i = 0; i < 2000; ++i) {
    if (i % 3) {
      ASSERT_EQ(rm(dom0, "/many/" + std::to_string(i)), "OK|");
    }
  }
  for (int i = 0; i < 2000; ++i) {
    ASSERT_EQ(read(dom0, "/many/" + std::to_string(i)), i % 3 ? "!ENOENT" : std::to_string(i));
  }
  call(dom0, MsgType::DirectoryPart, "/many|0|");
  std::string part = rawReply.substr(rawReply.find('\0') + 1);
  EXPECT_EQ(part.substr(0, 8), P("0|3|6|9|"));
}

}  // namespace
}  // namespace xenia::xs::test
