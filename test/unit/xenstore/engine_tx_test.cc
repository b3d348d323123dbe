// Engine: transactions. Ids, isolation, commit/abort, and every conflict
// and no-conflict case of C xenstored's generation rule (protocol doc §7,
// xenstored_transaction.c's worked examples).
#include "engine_fixture.h"

namespace xenia::xs::test {
namespace {

class Tx : public EngineTest {
 protected:
  void SetUp() override { other = engine->connect(kDom0); }
  ConnId other = 0;
};

TEST_F(Tx, IdsArePerConnectionFromOne) {
  EXPECT_EQ(start(dom0), 1u);
  EXPECT_EQ(start(dom0), 2u);
  EXPECT_EQ(end(dom0, 1, false), "OK|");
  EXPECT_EQ(start(dom0), 3u);
  EXPECT_EQ(start(other), 1u);
}

TEST_F(Tx, NestingAndUnknownIds) {
  uint32_t t = start(dom0);
  EXPECT_EQ(call(dom0, MsgType::TransactionStart, "|", t), "!EBUSY");
  EXPECT_EQ(call(dom0, MsgType::TransactionStart, "|", 77), "!ENOENT");
  EXPECT_EQ(read(dom0, "/tool", 77), "!ENOENT");
  EXPECT_EQ(end(dom0, 77), "!ENOENT");
  EXPECT_EQ(end(dom0, 0), "!ENOENT");
  // Another connection's id is unknown here.
  EXPECT_EQ(read(other, "/tool", t), "!ENOENT");
  EXPECT_EQ(end(dom0, t), "OK|");
  EXPECT_EQ(end(dom0, t), "!ENOENT");
}

TEST_F(Tx, ChangesAreIsolatedUntilCommit) {
  write(dom0, "/i/x", "old");
  uint32_t t = start(dom0);
  EXPECT_EQ(write(dom0, "/i/x", "new", t), "OK|");
  EXPECT_EQ(write(dom0, "/i/y/z", "made", t), "OK|");
  EXPECT_EQ(read(dom0, "/i/x", t), "new");
  EXPECT_EQ(read(dom0, "/i/y/z", t), "made");
  EXPECT_EQ(dir(dom0, "/i", t), "x|y|");
  EXPECT_EQ(read(other, "/i/x"), "old");
  EXPECT_EQ(read(dom0, "/i/x"), "old");
  EXPECT_EQ(read(other, "/i/y"), "!ENOENT");
  EXPECT_EQ(dir(other, "/i"), "x|");
  EXPECT_EQ(end(dom0, t), "OK|");
  EXPECT_EQ(read(other, "/i/x"), "new");
  EXPECT_EQ(read(other, "/i/y/z"), "made");
  EXPECT_EQ(read(other, "/i/y"), "");
  EXPECT_EQ(dir(other, "/i"), "x|y|");
}

TEST_F(Tx, AbortDiscards) {
  write(dom0, "/a/x", "old");
  uint32_t t = start(dom0);
  write(dom0, "/a/x", "new", t);
  rm(dom0, "/a", t);
  write(dom0, "/b", "b", t);
  EXPECT_EQ(end(dom0, t, false), "OK|");
  EXPECT_EQ(read(dom0, "/a/x"), "old");
  EXPECT_EQ(read(dom0, "/b"), "!ENOENT");
}

TEST_F(Tx, RemoveAndRecreateInsideTransaction) {
  write(dom0, "/r/a/deep", "1");
  write(dom0, "/r/b", "2");
  write(dom0, "/r/c", "3");
  uint32_t t = start(dom0);
  EXPECT_EQ(rm(dom0, "/r/a", t), "OK|");
  EXPECT_EQ(read(dom0, "/r/a/deep", t), "!ENOENT");
  EXPECT_EQ(dir(dom0, "/r", t), "b|c|");
  EXPECT_EQ(write(dom0, "/r/a/new", "n", t), "OK|");
  EXPECT_EQ(dir(dom0, "/r", t), "b|c|a|");
  EXPECT_EQ(dir(dom0, "/r/a", t), "new|");
  EXPECT_EQ(read(dom0, "/r/a", t), "");
  EXPECT_EQ(dir(dom0, "/r"), "a|b|c|");
  EXPECT_EQ(end(dom0, t), "OK|");
  EXPECT_EQ(dir(dom0, "/r"), "b|c|a|");
  EXPECT_EQ(dir(dom0, "/r/a"), "new|");
  EXPECT_EQ(read(dom0, "/r/a/deep"), "!ENOENT");
  EXPECT_EQ(read(dom0, "/r/a/new"), "n");
  EXPECT_EQ(engine->nodeCount(), 3u + 5u);
}

TEST_F(Tx, CreatedThenRemovedLeavesNothing) {
  uint32_t t = start(dom0);
  write(dom0, "/tmp/x/y", "1", t);
  EXPECT_EQ(rm(dom0, "/tmp", t), "OK|");
  EXPECT_EQ(read(dom0, "/tmp", t), "!ENOENT");
  EXPECT_EQ(end(dom0, t), "OK|");
  EXPECT_EQ(read(dom0, "/tmp"), "!ENOENT");
  EXPECT_EQ(dir(dom0, "/"), "tool|");
  EXPECT_EQ(engine->nodeCount(), 3u);
}

TEST_F(Tx, PermissionsAndMkdirInsideTransaction) {
  write(dom0, "/p", "v");
  uint32_t t = start(dom0);
  EXPECT_EQ(setPerms(dom0, "/p", "n0|r3|", t), "OK|");
  EXPECT_EQ(getPerms(dom0, "/p", t), "n0|r3|");
  EXPECT_EQ(getPerms(dom0, "/p"), "n0|");
  EXPECT_EQ(mkdir(dom0, "/p/d", t), "OK|");
  EXPECT_EQ(getPerms(dom0, "/p/d", t), "n0|r3|");
  EXPECT_EQ(end(dom0, t), "OK|");
  EXPECT_EQ(getPerms(dom0, "/p"), "n0|r3|");
  EXPECT_EQ(getPerms(dom0, "/p/d"), "n0|r3|");
  EXPECT_EQ(read(dom0, "/p"), "v");
}

// --- C's conflict rule: every case of the protocol doc's §7 ---

TEST_F(Tx, ReadThenOtherWritesIsConflict) {
  write(dom0, "/c1", "0");
  uint32_t t = start(dom0);
  read(dom0, "/c1", t);
  write(other, "/c1", "1");
  write(dom0, "/elsewhere", "x", t);
  EXPECT_EQ(end(dom0, t), "!EAGAIN");
  EXPECT_EQ(read(dom0, "/elsewhere"), "!ENOENT");
}

TEST_F(Tx, BlindWriteOfExistingNodeOtherWritesIsConflict) {
  write(dom0, "/c2", "0");
  uint32_t t = start(dom0);
  write(dom0, "/c2", "tx", t);
  write(other, "/c2", "other");
  EXPECT_EQ(end(dom0, t), "!EAGAIN");
  EXPECT_EQ(read(dom0, "/c2"), "other");
}

TEST_F(Tx, CreatesUnderASharedParentConflict) {
  mkdir(dom0, "/g");
  uint32_t t = start(dom0);
  write(dom0, "/g/x", "1", t);
  write(other, "/g/y", "2");
  EXPECT_EQ(end(dom0, t), "!EAGAIN");
  EXPECT_EQ(dir(dom0, "/g"), "y|");
}

TEST_F(Tx, DirectoryThenOtherCreatesChildIsConflict) {
  mkdir(dom0, "/h4");
  uint32_t t = start(dom0);
  dir(dom0, "/h4", t);
  write(other, "/h4/z", "");
  write(dom0, "/unrelated", "", t);
  EXPECT_EQ(end(dom0, t), "!EAGAIN");
}

TEST_F(Tx, ReadOfMissingNodeThenOtherCreatesIsConflict) {
  uint32_t t = start(dom0);
  EXPECT_EQ(read(dom0, "/later", t), "!ENOENT");
  write(other, "/later", "now");
  EXPECT_EQ(end(dom0, t), "!EAGAIN");
}

TEST_F(Tx, ReadThenOtherDeletesIsConflict) {
  write(dom0, "/del", "x");
  uint32_t t = start(dom0);
  read(dom0, "/del", t);
  rm(other, "/del");
  write(dom0, "/b", "", t);
  EXPECT_EQ(end(dom0, t), "!EAGAIN");
}

TEST_F(Tx, RemoveThenOtherWritesBelowIsConflict) {
  write(dom0, "/rmx/a/b", "1");
  uint32_t t = start(dom0);
  rm(dom0, "/rmx", t);
  write(other, "/rmx/a/b", "2");
  EXPECT_EQ(end(dom0, t), "!EAGAIN");
  EXPECT_EQ(read(dom0, "/rmx/a/b"), "2");
}

TEST_F(Tx, UnrelatedRewritesDoNotConflict) {
  write(dom0, "/e2/x", "0");
  write(dom0, "/f2/y", "0");
  uint32_t t = start(dom0);
  write(dom0, "/e2/x", "tx", t);
  write(other, "/f2/y", "other");
  EXPECT_EQ(end(dom0, t), "OK|");
  EXPECT_EQ(read(dom0, "/e2/x"), "tx");
  EXPECT_EQ(read(dom0, "/f2/y"), "other");
}

TEST_F(Tx, CreatesUnderDifferentParentsDoNotConflict) {
  mkdir(dom0, "/e2");
  mkdir(dom0, "/f2");
  uint32_t t = start(dom0);
  write(dom0, "/e2/new", "tx", t);
  write(other, "/f2/new", "other");
  EXPECT_EQ(end(dom0, t), "OK|");
  EXPECT_EQ(read(dom0, "/e2/new"), "tx");
}

TEST_F(Tx, ReadingThenWritingUnrelatedNodeSucceeds) {
  // C example 1: read A, write B, nothing else happens.
  write(dom0, "/A", "a");
  write(dom0, "/B", "b");
  uint32_t t = start(dom0);
  EXPECT_EQ(read(dom0, "/A", t), "a");
  write(dom0, "/B", "B", t);
  EXPECT_EQ(end(dom0, t), "OK|");
  EXPECT_EQ(read(dom0, "/B"), "B");
}

TEST_F(Tx, TwoInterferingTransactions) {
  // C example 4: the first to commit wins, the second gets EAGAIN.
  write(dom0, "/A", "a");
  write(dom0, "/B", "b");
  uint32_t t1 = start(dom0);
  uint32_t t2 = start(other);
  read(dom0, "/A", t1);
  read(other, "/B", t2);
  write(dom0, "/B", "from1", t1);
  write(other, "/A", "from2", t2);
  EXPECT_EQ(end(dom0, t1), "OK|");
  EXPECT_EQ(end(other, t2), "!EAGAIN");
  EXPECT_EQ(read(dom0, "/A"), "a");
  EXPECT_EQ(read(dom0, "/B"), "from1");
}

TEST_F(Tx, OthersCommittedTransactionCausesConflict) {
  write(dom0, "/s", "0");
  uint32_t t1 = start(dom0);
  uint32_t t2 = start(other);
  read(dom0, "/s", t1);
  write(other, "/s", "2", t2);
  EXPECT_EQ(end(other, t2), "OK|");
  write(dom0, "/s", "1", t1);
  EXPECT_EQ(end(dom0, t1), "!EAGAIN");
  EXPECT_EQ(read(dom0, "/s"), "2");
}

TEST_F(Tx, ConflictOnSubtreeReadDuringRemove) {
  write(dom0, "/sub/a/b/c", "1");
  uint32_t t = start(dom0);
  rm(dom0, "/sub/a", t);
  write(other, "/sub/a/b/c", "touched");
  EXPECT_EQ(end(dom0, t), "!EAGAIN");
}

TEST_F(Tx, NoConflictWhenOtherChangesUnreadSibling) {
  write(dom0, "/par/a", "1");
  write(dom0, "/par/b", "1");
  uint32_t t = start(dom0);
  write(dom0, "/par/a", "2", t);
  write(other, "/par/b", "2");
  EXPECT_EQ(end(dom0, t), "OK|");
}

TEST_F(Tx, EventsAreQueuedUntilCommitAndDroppedOtherwise) {
  watch(other, "/ev", "tok");
  EXPECT_EQ(ev(other), Events({"/ev|tok|"}));
  uint32_t t = start(dom0);
  write(dom0, "/ev/a", "1", t);
  write(dom0, "/ev/b", "1", t);
  EXPECT_EQ(ev(other), Events{});
  EXPECT_EQ(end(dom0, t), "OK|");
  EXPECT_EQ(ev(other), Events({"/ev/a|tok|", "/ev/b|tok|"}));

  t = start(dom0);
  write(dom0, "/ev/c", "1", t);
  EXPECT_EQ(end(dom0, t, false), "OK|");
  EXPECT_EQ(ev(other), Events{});

  t = start(dom0);
  read(dom0, "/ev/a", t);
  write(dom0, "/ev/a", "2", t);
  write(other, "/ev/a", "x");
  ev(other);
  EXPECT_EQ(end(dom0, t), "!EAGAIN");
  EXPECT_EQ(ev(other), Events{});
}

TEST_F(Tx, RemoveInsideTransactionFiresDescendantWatchesAtCommit) {
  write(dom0, "/q/r/s", "1");
  watch(other, "/q/r/s", "deep");
  watch(other, "/", "root");
  ev(other);
  uint32_t t = start(dom0);
  rm(dom0, "/q", t);
  EXPECT_EQ(ev(other), Events{});
  EXPECT_EQ(end(dom0, t), "OK|");
  Events e = ev(other);
  EXPECT_NE(std::find(e.begin(), e.end(), "/q/r/s|deep|"), e.end());
  EXPECT_NE(std::find(e.begin(), e.end(), "/q|root|"), e.end());
  EXPECT_EQ(std::count(e.begin(), e.end(), "/q/r/s|root|"), 0);
}

TEST_F(Tx, ResetWatchesAndDisconnectDropTransactions) {
  uint32_t t = start(dom0);
  write(dom0, "/x", "1", t);
  EXPECT_EQ(call(dom0, MsgType::ResetWatches, "|"), "OK|");
  EXPECT_EQ(end(dom0, t), "!ENOENT");
  EXPECT_EQ(read(dom0, "/x"), "!ENOENT");
  uint32_t t2 = start(other);
  write(other, "/y", "1", t2);
  engine->disconnect(other);
  EXPECT_EQ(read(dom0, "/y"), "!ENOENT");
}

TEST_F(Tx, WatchIgnoresTransactionId) {
  uint32_t t = start(dom0);
  EXPECT_EQ(call(dom0, MsgType::Watch, "/w|t|", 999), "OK|");
  EXPECT_EQ(call(dom0, MsgType::Unwatch, "/w|t|", 999), "OK|");
  end(dom0, t, false);
}

TEST_F(Tx, CommitWritesTheJournalOnlyThen) {
  TestJournal j;
  engine->setJournal(&j);
  write(dom0, "/j/old", "o");
  j.log.clear();
  uint32_t t = start(dom0);
  write(dom0, "/j/new/leaf", "v", t);
  rm(dom0, "/j/old", t);
  EXPECT_TRUE(j.log.empty());
  EXPECT_EQ(end(dom0, t), "OK|");
  EXPECT_EQ(j.log, (std::vector<std::string>{"R /j/old", "W /j= n0,", "W /j/new= n0,",
                                              "W /j/new/leaf=v n0,"}));
  engine->setJournal(nullptr);
}

TEST_F(Tx, GuestTransactionQuotas) {
  ConnId g = guest(5);
  mkdir(dom0, "/local/domain/5");
  setPerms(dom0, "/local/domain/5", "n5|");
  std::vector<uint32_t> ids;
  for (int i = 0; i < 10; ++i) {
    ids.push_back(start(g));
    ASSERT_NE(ids.back(), 0u);
  }
  EXPECT_EQ(call(g, MsgType::TransactionStart, "|"), "!ENOSPC");
  end(g, ids[0], false);
  EXPECT_NE(start(g), 0u);
  // dom0 has no such limit.
  for (int i = 0; i < 15; ++i) {
    ASSERT_NE(start(dom0), 0u);
  }

  // Accessed-nodes limit: hitting it dooms the transaction.
  EXPECT_EQ(call(dom0, MsgType::SetQuota, "5|transaction-nodes|4|"), "OK|");
  uint32_t t = ids[1];
  EXPECT_EQ(read(g, "a", t), "!ENOENT");  // records a and its parent
  EXPECT_EQ(read(g, "b", t), "!ENOENT");
  EXPECT_EQ(read(g, "c", t), "!ENOENT");
  EXPECT_EQ(read(g, "d", t), "!ENOSPC");
  EXPECT_EQ(end(g, t), "!ENOMEM");
}

TEST_F(Tx, RefusedWriteDoomsTheTransaction) {
  ConnId g = guest(5);
  mkdir(dom0, "/local/domain/5");
  setPerms(dom0, "/local/domain/5", "n5|");
  write(dom0, "/local/domain/5/old", "");
  setPerms(dom0, "/local/domain/5/old", "n5|");
  uint32_t t = start(g);
  EXPECT_EQ(write(g, "ok", "1", t), "OK|");
  EXPECT_EQ(write(g, "big", std::string(3000, 'x'), t), "!ENOSPC");
  EXPECT_EQ(end(g, t), "!ENOMEM");
  EXPECT_EQ(read(dom0, "/local/domain/5/ok"), "!ENOENT");
  t = start(g);
  EXPECT_EQ(write(g, "old", std::string(3000, 'x'), t), "!ENOSPC");
  EXPECT_EQ(end(g, t), "!ENOMEM");
  // A permission error is not a quota failure: the transaction survives.
  t = start(g);
  EXPECT_EQ(write(g, "ok", "1", t), "OK|");
  EXPECT_EQ(write(g, "/tool/x", "1", t), "!EACCES");
  EXPECT_EQ(end(g, t), "OK|");
  EXPECT_EQ(read(dom0, "/local/domain/5/ok"), "1");
}

TEST_F(Tx, GuestNodeQuotaIsCheckedAtCommit) {
  ConnId g = guest(5);
  mkdir(dom0, "/local/domain/5");
  setPerms(dom0, "/local/domain/5", "n5|");  // the guest owns 1 node
  EXPECT_EQ(call(dom0, MsgType::SetQuota, "5|nodes|3|"), "OK|");
  uint32_t t = start(g);
  EXPECT_EQ(write(g, "a", "", t), "OK|");
  EXPECT_EQ(write(g, "b", "", t), "OK|");
  EXPECT_EQ(write(g, "c", "", t), "OK|");  // checked against committed count
  EXPECT_EQ(end(g, t), "!ENOSPC");
  t = start(g);
  EXPECT_EQ(write(g, "a", "", t), "OK|");
  EXPECT_EQ(write(g, "b", "", t), "OK|");
  EXPECT_EQ(end(g, t), "OK|");
  EXPECT_EQ(write(g, "c", ""), "!ENOSPC");
}

}  // namespace
}  // namespace xenia::xs::test
