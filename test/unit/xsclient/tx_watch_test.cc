// Transactions (transact() retrying on EAGAIN) and watches (callbacks through
// pollFd/dispatchEvents, the event thread, readWatch) against a real daemon.
#include <poll.h>

#include <condition_variable>
#include <mutex>

#include "fixture.h"

namespace xenia::xs::test {
namespace {

// Bounds waits for events so a broken client fails instead of hanging.
constexpr int kEventWaitMs = 10000;

TEST_F(DaemonTest, TransactionIsolationAndCommit) {
  auto c = connect();
  auto other = connect();
  ASSERT_TRUE(c && other);
  auto tx = c->transactionStart();
  ASSERT_TRUE(tx);
  ASSERT_TRUE(c->write("/tx/a", "inside", *tx));
  EXPECT_EQ(*c->read("/tx/a", *tx), "inside");
  EXPECT_EQ(other->read("/tx/a").error(), Err::ENOENT_);
  ASSERT_TRUE(c->transactionEnd(*tx, true));
  EXPECT_EQ(*other->read("/tx/a"), "inside");

  auto aborted = c->transactionStart();
  ASSERT_TRUE(aborted);
  ASSERT_TRUE(c->write("/tx/a", "dropped", *aborted));
  ASSERT_TRUE(c->transactionEnd(*aborted, false));
  EXPECT_EQ(*other->read("/tx/a"), "inside");
}

TEST_F(DaemonTest, TransactRetriesAfterAConflict) {
  auto c = connect();
  auto other = connect();
  ASSERT_TRUE(c && other);
  ASSERT_TRUE(c->write("/counter", "10"));
  int attempts = 0;
  auto r = c->transact([&](TxId tx) -> Result<int> {
    ++attempts;
    auto v = c->read("/counter", tx);
    if (!v) {
      return unexpected(v.error());
    }
    if (attempts == 1) {
      // Someone else changes what we read: our commit must fail with EAGAIN.
      EXPECT_TRUE(other->write("/counter", "20"));
    }
    int next = std::stoi(*v) + 1;
    auto w = c->write("/counter", std::to_string(next), tx);
    if (!w) {
      return unexpected(w.error());
    }
    return next;
  });
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, 21);
  EXPECT_EQ(attempts, 2);
  EXPECT_EQ(*c->read("/counter"), "21");
}

TEST_F(DaemonTest, TransactGivesUpAfterMaxAttempts) {
  auto c = connect();
  auto other = connect();
  ASSERT_TRUE(c && other);
  ASSERT_TRUE(c->write("/hot", "0"));
  int attempts = 0;
  auto r = c->transact(
      [&](TxId tx) -> Status {
        ++attempts;
        auto v = c->read("/hot", tx);
        EXPECT_TRUE(other->write("/hot", std::to_string(attempts)));
        return c->write("/hot", "mine", tx);
      },
      3);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), Err::EAGAIN_);
  EXPECT_EQ(attempts, 3);
  EXPECT_EQ(*c->read("/hot"), "3");
}

TEST_F(DaemonTest, TransactReturnsTheFunctionsErrorAndAborts) {
  auto c = connect();
  ASSERT_TRUE(c);
  int attempts = 0;
  auto r = c->transact([&](TxId tx) -> Result<std::string> {
    ++attempts;
    EXPECT_TRUE(c->write("/partial", "x", tx));
    return c->read("/missing", tx);
  });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), Err::ENOENT_);
  EXPECT_EQ(attempts, 1);
  EXPECT_EQ(c->read("/partial").error(), Err::ENOENT_);  // aborted
}

// Polls the client's pollFd and dispatches until pred() or the bound.
template <class Pred>
bool pumpUntil(Client& c, Pred pred) {
  int fd = c.pollFd();
  for (int waited = 0; !pred() && waited < kEventWaitMs; waited += 50) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 50) > 0) {
      c.dispatchEvents();
    }
  }
  return pred();
}

TEST_F(DaemonTest, WatchCallbacksThroughPollFd) {
  auto c = connect();
  auto other = connect();
  ASSERT_TRUE(c && other);
  std::vector<WatchEvent> seen;
  ASSERT_TRUE(c->watch("/w", "tok", [&](const WatchEvent& e) { seen.push_back(e); }));
  // The daemon fires every new watch once.
  ASSERT_TRUE(pumpUntil(*c, [&] { return seen.size() >= 1; }));
  EXPECT_EQ(seen[0].path, "/w");
  EXPECT_EQ(seen[0].token, "tok");

  // A change made on this very connection: its event may precede the reply
  // and is then queued, to be dispatched later.
  ASSERT_TRUE(c->write("/w/mine", "1"));
  ASSERT_TRUE(other->write("/w/theirs", "2"));
  ASSERT_TRUE(other->write("/elsewhere", "3"));
  ASSERT_TRUE(pumpUntil(*c, [&] { return seen.size() >= 3; }));
  EXPECT_EQ(seen[1].path, "/w/mine");
  EXPECT_EQ(seen[2].path, "/w/theirs");

  ASSERT_TRUE(c->unwatch("/w", "tok"));
  ASSERT_TRUE(other->write("/w/after", "4"));
  // A round trip on c after the write: any event would have arrived before its reply.
  ASSERT_TRUE(c->read("/w/after"));
  c->dispatchEvents();
  EXPECT_EQ(seen.size(), 3u);
}

TEST_F(DaemonTest, SeveralWatchesEachGetTheirEvents) {
  auto c = connect();
  ASSERT_TRUE(c);
  std::vector<std::string> a, b;
  ASSERT_TRUE(c->watch("/m/a", "x", [&](const WatchEvent& e) { a.push_back(e.path); }));
  ASSERT_TRUE(c->watch("/m/b", "x", [&](const WatchEvent& e) { b.push_back(e.path); }));
  EXPECT_EQ(c->watch("/m/a", "x").error(), Err::EEXIST_);
  ASSERT_TRUE(c->write("/m/a/1", "1"));
  ASSERT_TRUE(c->write("/m/b/2", "2"));
  ASSERT_TRUE(pumpUntil(*c, [&] { return a.size() >= 2 && b.size() >= 2; }));
  EXPECT_EQ(a, (std::vector<std::string>{"/m/a", "/m/a/1"}));
  EXPECT_EQ(b, (std::vector<std::string>{"/m/b", "/m/b/2"}));
}

TEST_F(DaemonTest, EventThreadRunsCallbacksThatMayCallTheClient) {
  auto c = connect();
  auto other = connect();
  ASSERT_TRUE(c && other);
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::pair<std::string, std::string>> seen;  // path, value read in the callback
  ASSERT_TRUE(c->startEventThread());
  ASSERT_TRUE(c->watch("/bg", "t", [&](const WatchEvent& e) {
    auto v = c->read(e.path);  // a call from inside a callback
    std::lock_guard lk(mu);
    seen.emplace_back(e.path, v ? *v : "<" + std::string(errName(v.error())) + ">");
    cv.notify_all();
  }));
  std::unique_lock lk(mu);
  // The watch's first event, handled before /bg exists.
  ASSERT_TRUE(cv.wait_for(lk, std::chrono::milliseconds(kEventWaitMs), [&] {
    return seen.size() >= 1;
  }));
  lk.unlock();
  ASSERT_TRUE(other->write("/bg/x", "hello"));
  lk.lock();
  ASSERT_TRUE(cv.wait_for(lk, std::chrono::milliseconds(kEventWaitMs), [&] {
    return seen.size() >= 2;
  }));
  EXPECT_EQ(seen[0].first, "/bg");
  EXPECT_EQ(seen[0].second, "<ENOENT>");
  EXPECT_EQ(seen[1].first, "/bg/x");
  EXPECT_EQ(seen[1].second, "hello");
  lk.unlock();
  // Synchronous calls keep working while the thread reads the socket.
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(c->write("/fg", std::to_string(i)));
    EXPECT_EQ(*c->read("/fg"), std::to_string(i));
  }
  c->stopEventThread();
}

TEST_F(DaemonTest, ReadWatchForWatchesWithoutCallback) {
  auto c = connect();
  auto other = connect();
  ASSERT_TRUE(c && other);
  ASSERT_TRUE(c->watch("/rw", "plain"));
  auto first = c->readWatch(kEventWaitMs);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->path, "/rw");
  ASSERT_TRUE(other->write("/rw/k", "v"));
  auto second = c->readWatch(kEventWaitMs);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->path, "/rw/k");
  EXPECT_EQ(second->token, "plain");
  ASSERT_TRUE(c->unwatch("/rw", "plain"));
  ASSERT_TRUE(other->write("/rw/k", "again"));
  ASSERT_TRUE(c->read("/rw/k"));  // any event would precede this reply
  EXPECT_FALSE(c->readWatch(0));
}

}  // namespace
}  // namespace xenia::xs::test
