// Pipelined batches against a real daemon: thousands of requests in flight,
// every reply matched to its request, errors in place, transactions.
#include "fixture.h"

namespace xenia::xs::test {
namespace {

TEST_F(DaemonTest, BatchRepliesLineUpWithRequests) {
  auto c = connect();
  ASSERT_TRUE(c);
  // More requests than the window, mixing writes and reads of the same keys:
  // each read must see the write queued just before it.
  constexpr int kOps = 5000;
  auto batch = c->batch();
  std::vector<std::pair<size_t, std::string>> expectRead;
  std::vector<size_t> expectMissing;
  for (int i = 0; i < kOps; ++i) {
    std::string key = "/batch/k" + std::to_string(i % 37);
    std::string value = "v" + std::to_string(i);
    batch.write(key, value);
    if (i % 5 == 0) {
      expectRead.emplace_back(batch.read(key), value);
    }
    if (i % 250 == 0) {
      expectMissing.push_back(batch.read("/batch/missing" + std::to_string(i)));
    }
  }
  EXPECT_GT(batch.size(), Batch::kWindow * 2);
  auto results = batch.run();
  ASSERT_EQ(results.size(), batch.size());
  size_t ok = 0;
  for (const auto& r : results) {
    ok += r ? 1 : 0;
  }
  EXPECT_EQ(ok, results.size() - expectMissing.size());
  for (const auto& [idx, value] : expectRead) {
    ASSERT_TRUE(results[idx]) << idx;
    EXPECT_EQ(*results[idx], value) << idx;
  }
  for (size_t idx : expectMissing) {
    ASSERT_FALSE(results[idx]);
    EXPECT_EQ(results[idx].error(), Err::ENOENT_);
  }
  EXPECT_TRUE(c->connected());
}

TEST_F(DaemonTest, BatchOfEveryKind) {
  auto c = connect();
  ASSERT_TRUE(c);
  auto batch = c->batch();
  size_t mk = batch.mkdir("/kinds/dir");
  size_t w = batch.write("/kinds/dir/leaf", "x");
  size_t sp = batch.setPerms("/kinds/dir/leaf", {*Perm::parse("n0"), *Perm::parse("r3")});
  size_t gp = batch.getPerms("/kinds/dir/leaf");
  size_t ls = batch.directory("/kinds/dir");
  size_t raw = batch.request(MsgType::GetDomainPath, std::string_view("3\0", 2));
  size_t rm = batch.rm("/kinds/dir/leaf");
  size_t gone = batch.read("/kinds/dir/leaf");
  auto r = batch.run();
  for (size_t i : {mk, w, sp, gp, ls, raw, rm}) {
    ASSERT_TRUE(r[i]) << i << ": " << errName(r[i].error());
  }
  EXPECT_EQ(*r[mk], "");  // "OK" replies come back empty
  EXPECT_EQ(*r[gp], std::string("n0\0r3\0", 6));
  EXPECT_EQ(*r[ls], std::string("leaf\0", 5));
  EXPECT_EQ(r[raw]->substr(0, r[raw]->find('\0')), "/local/domain/3");
  EXPECT_EQ(r[gone].error(), Err::ENOENT_);

  // A batch can run again: the same requests, new req_ids.
  auto again = batch.run();
  EXPECT_TRUE(again[mk]);
  EXPECT_TRUE(again[w]);
}

TEST_F(DaemonTest, BatchInsideATransaction) {
  auto c = connect();
  auto other = connect();
  ASSERT_TRUE(c && other);
  auto tx = c->transactionStart();
  ASSERT_TRUE(tx);
  auto batch = c->batch(*tx);
  for (int i = 0; i < 100; ++i) {
    batch.write("/txb/" + std::to_string(i), std::to_string(i));
  }
  for (auto& r : batch.run()) {
    ASSERT_TRUE(r);
  }
  EXPECT_EQ(other->read("/txb/5").error(), Err::ENOENT_);
  ASSERT_TRUE(c->transactionEnd(*tx, true));
  EXPECT_EQ(*other->read("/txb/99"), "99");
}

TEST_F(DaemonTest, BatchFailsCleanlyWhenTheDaemonDies) {
  auto c = connect();
  ASSERT_TRUE(c);
  daemon_->stop();
  auto batch = c->batch();
  batch.write("/a", "1");
  batch.read("/a");
  auto r = batch.run();
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].error(), Err::EIO_);
  EXPECT_EQ(r[1].error(), Err::EIO_);
}

}  // namespace
}  // namespace xenia::xs::test
