// --persist: every acknowledged change survives kill -9 (journal + group
// commit), a torn journal tail is tolerated, guest sockets come back for
// restored domains; plus the record format itself.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>

#include "xenstore/server/journal_format.h"
#include "xs_harness.h"

namespace xenia::xs::test {
namespace {

namespace p = xenia::xs::persist;

off_t fileSize(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? st.st_size : -1;
}

void appendBytes(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::app);
  out.write(bytes.data(), std::streamsize(bytes.size()));
}

struct PersistSetup {
  std::unique_ptr<Daemon> start() { return Daemon::start(run.path(), {"--persist", store.path()}); }
  TempDir run;
  TempDir store;
};

TEST(XsServerPersist, AcknowledgedWritesSurviveKill9) {
  PersistSetup s;
  auto d = s.start();
  ASSERT_TRUE(d);
  {
    RawClient c(d->socket());
    ASSERT_EQ(c.introduce(7), "OK");
    ASSERT_EQ(c.mkdir("/local/domain/7"), "OK");
    ASSERT_EQ(c.setPerms("/local/domain/7", {"n7", "r0"}), "OK");
    for (int i = 0; i < 300; ++i) {
      ASSERT_EQ(c.write("/data/k" + std::to_string(i), "value-" + std::to_string(i)), "OK");
    }
    ASSERT_EQ(c.setPerms("/data/k5", {"b3", "r4"}), "OK");
    ASSERT_EQ(c.rm("/data/k6"), "OK");
    // A committed transaction.
    Reply tx = c.call(MsgType::TransactionStart, nul({""}));
    ASSERT_FALSE(tx.isError());
    uint32_t txId = uint32_t(std::stoul(tx.text()));
    ASSERT_EQ(c.write("/tx/a", "in-tx", txId), "OK");
    ASSERT_EQ(c.call(MsgType::TransactionEnd, nul({"T"}), txId).text(), "OK");
    // An aborted one leaves nothing behind.
    tx = c.call(MsgType::TransactionStart, nul({""}));
    txId = uint32_t(std::stoul(tx.text()));
    ASSERT_EQ(c.write("/tx/b", "aborted", txId), "OK");
    ASSERT_EQ(c.call(MsgType::TransactionEnd, nul({"F"}), txId).text(), "OK");
    // A guest's own write.
    RawClient g(d->guestSocket(7));
    ASSERT_EQ(g.write("guestkey", "from7"), "OK");
  }
  d->killAndWait(SIGKILL);

  d = s.start();
  ASSERT_TRUE(d) << "restart failed";
  RawClient c(d->socket());
  for (int i = 0; i < 300; ++i) {
    if (i == 6) {
      EXPECT_EQ(c.read("/data/k6"), "ENOENT");
      continue;
    }
    ASSERT_EQ(c.read("/data/k" + std::to_string(i)), "value-" + std::to_string(i));
  }
  EXPECT_EQ(c.getPerms("/data/k5"), "b3 r4");
  EXPECT_EQ(c.getPerms("/data/k7"), "n0");
  EXPECT_EQ(c.getPerms("/local/domain/7"), "n7 r0");
  EXPECT_EQ(c.read("/tx/a"), "in-tx");
  EXPECT_EQ(c.read("/tx/b"), "ENOENT");
  EXPECT_EQ(c.read("/local/domain/7/guestkey"), "from7");
  EXPECT_EQ(c.getPerms("/local/domain/7/guestkey"), "n7 r0");
  Reply intro = c.call(MsgType::IsDomainIntroduced, nul({"7"}));
  EXPECT_EQ(intro.text(), "T");
  // The restored domain's socket is back and acts as domain 7.
  RawClient g(d->guestSocket(7));
  ASSERT_TRUE(g.connected());
  EXPECT_EQ(g.read("guestkey"), "from7");
  EXPECT_EQ(g.read("/data/k1"), "EACCES");
}

TEST(XsServerPersist, RestartCompactsAndReleaseIsRemembered) {
  PersistSetup s;
  auto d = s.start();
  ASSERT_TRUE(d);
  {
    RawClient c(d->socket());
    ASSERT_EQ(c.introduce(9), "OK");
    for (int i = 0; i < 100; ++i) {
      ASSERT_EQ(c.write("/c/k" + std::to_string(i), std::string(100, 'c')), "OK");
    }
    ASSERT_EQ(c.release(9), "OK");
  }
  off_t journalBefore = fileSize(s.store.file("journal"));
  EXPECT_GT(journalBefore, off_t(100 * 100));
  d->killAndWait(SIGKILL);
  d = s.start();
  ASSERT_TRUE(d);
  RawClient c(d->socket());
  // Answered only once start-up (restore + compaction) is over: the socket
  // listens, and queues connections, before that.
  EXPECT_EQ(c.read("/c/k99"), std::string(100, 'c'));
  // Start-up folded the journal into a fresh snapshot.
  EXPECT_EQ(fileSize(s.store.file("journal")), off_t(p::kFileHeaderSize));
  EXPECT_GT(fileSize(s.store.file("snapshot")), off_t(100 * 100));
  EXPECT_EQ(c.call(MsgType::IsDomainIntroduced, nul({"9"})).text(), "F");
  RawClient g(d->guestSocket(9));
  EXPECT_FALSE(g.connected());
}

TEST(XsServerPersist, JournalIsCompactedWhileRunning) {
  PersistSetup s;
  auto d = Daemon::start(s.run.path(), {"--persist", s.store.path(), "--journal-limit", "65536"});
  ASSERT_TRUE(d);
  RawClient c(d->socket());
  // Pipelined bursts: each is journaled with one sync per loop iteration.
  std::string value(1000, 'z');
  constexpr uint32_t kKeys = 400;
  for (int round = 0; round < 3; ++round) {
    std::string burst;
    for (uint32_t i = 0; i < kKeys; ++i) {
      appendMessage(burst, uint32_t(MsgType::Write), i + 1, 0,
                    nul({"/big/k" + std::to_string(i)}) + value + char('0' + round));
    }
    ASSERT_TRUE(c.sendRaw(burst));
    for (uint32_t i = 0; i < kKeys; ++i) {
      auto r = c.recv();
      ASSERT_TRUE(r);
      ASSERT_EQ(r->text(), "OK");
    }
  }
  // 1.2 MB were journaled; compaction kept the journal near its limit.
  EXPECT_LT(fileSize(s.store.file("journal")), off_t(3 * kKeys * 1000));
  EXPECT_GT(fileSize(s.store.file("snapshot")), off_t(kKeys * 1000));
  d->killAndWait(SIGKILL);
  d = s.start();
  ASSERT_TRUE(d);
  RawClient after(d->socket());
  for (uint32_t i = 0; i < kKeys; ++i) {
    ASSERT_EQ(after.read("/big/k" + std::to_string(i)), value + '2');
  }
}

TEST(XsServerPersist, TornJournalTailIsTolerated) {
  PersistSetup s;
  auto d = s.start();
  ASSERT_TRUE(d);
  {
    RawClient c(d->socket());
    for (int i = 0; i < 50; ++i) {
      ASSERT_EQ(c.write("/torn/k" + std::to_string(i), "v" + std::to_string(i)), "OK");
    }
  }
  d->killAndWait(SIGKILL);
  // A record whose header promises more than was written (kill -9 mid-write).
  std::string partial;
  p::appendNode(partial, "/torn/never", "acknowledged", {"n0"});
  appendBytes(s.store.file("journal"), std::string_view(partial).substr(0, partial.size() / 2));
  d = s.start();
  ASSERT_TRUE(d) << "torn tail refused";
  {
    RawClient c(d->socket());
    for (int i = 0; i < 50; ++i) {
      ASSERT_EQ(c.read("/torn/k" + std::to_string(i)), "v" + std::to_string(i));
    }
    EXPECT_EQ(c.read("/torn/never"), "ENOENT");
    ASSERT_EQ(c.write("/torn/after", "restart"), "OK");
  }
  d->killAndWait(SIGKILL);
  // Cut the last record short by a few bytes: only that record is lost.
  off_t size = fileSize(s.store.file("journal"));
  ASSERT_EQ(::truncate(s.store.file("journal").c_str(), size - 3), 0);
  d = s.start();
  ASSERT_TRUE(d);
  RawClient c(d->socket());
  EXPECT_EQ(c.read("/torn/k49"), "v49");
  EXPECT_EQ(c.read("/torn/after"), "ENOENT");
}

TEST(XsServerPersist, OneDaemonPerDirectory) {
  PersistSetup s;
  auto d = s.start();
  ASSERT_TRUE(d);
  TempDir otherRun;
  int status = runProgram({xenstoredBinary(), "-N", "--rundir", otherRun.path(), "--persist",
                           s.store.path(), "--log-file", otherRun.file("log")});
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) != 0) << status;
  RawClient c(d->socket());
  EXPECT_EQ(c.write("/still", "mine"), "OK");
}

TEST(XsJournalFormat, RecordsRoundTripAndDamageIsDetected) {
  std::string bytes;
  p::appendNode(bytes, "/a/b", std::string("v\0w", 3), {"n0", "r5"});
  p::appendRemove(bytes, "/a");
  p::appendDomain(bytes, p::RecordType::Domain, 12);
  std::vector<p::Record> seen;
  auto res = p::scanRecords(bytes, [&](const p::Record& r) { seen.push_back(r); });
  EXPECT_TRUE(res.clean);
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].path, "/a/b");
  EXPECT_EQ(seen[0].value, std::string("v\0w", 3));
  EXPECT_EQ(seen[0].perms, (std::vector<std::string>{"n0", "r5"}));
  EXPECT_EQ(seen[1].type, p::RecordType::Remove);
  EXPECT_EQ(seen[2].domid, 12u);

  for (size_t cut = 1; cut < bytes.size(); ++cut) {
    size_t n = 0;
    auto r = p::scanRecords(std::string_view(bytes).substr(0, cut), [&](const p::Record&) { ++n; });
    EXPECT_LE(r.goodBytes, cut);
    EXPECT_EQ(r.clean, r.goodBytes == cut);
  }
  std::string flipped = bytes;
  flipped[12] ^= 1;  // inside the first body: CRC mismatch
  auto r = p::scanRecords(flipped, [](const p::Record&) {});
  EXPECT_EQ(r.records, 0u);
  EXPECT_FALSE(r.clean);
}

TEST(XsJournalFormat, RemoveTreeTakesOnlyTheSubtree) {
  p::StoreImage img;
  for (const char* path : {"/a", "/a/b", "/a/b/c", "/a-b", "/a0", "/ab", "/b"}) {
    img.setNode(path, "", {"n0"});
  }
  img.removeTree("/a");
  std::vector<std::string> left;
  img.forEachNode([&](const std::string& path, const p::StoreImage::Node&) {
    left.push_back(path);
  });
  EXPECT_EQ(left, (std::vector<std::string>{"/a-b", "/a0", "/ab", "/b"}));
}

TEST(XsJournalFormat, SnapshotKeepsCreationOrder) {
  p::StoreImage img;
  img.setNode("/z", "", {"n0"});
  img.setNode("/a", "", {"n0"});
  img.setNode("/z", "again", {"n0"});  // rewriting keeps the original position
  img.addDomain(3);
  std::string bytes;
  img.encode(bytes);
  std::vector<std::string> order;
  auto res = p::scanRecords(bytes, [&](const p::Record& r) {
    order.push_back(r.type == p::RecordType::Node ? r.path
                    : r.type == p::RecordType::End ? "END"
                                                    : "dom" + std::to_string(r.domid));
  });
  EXPECT_TRUE(res.clean);
  EXPECT_EQ(order, (std::vector<std::string>{"dom3", "/z", "/a", "END"}));
}

}  // namespace
}  // namespace xenia::xs::test
