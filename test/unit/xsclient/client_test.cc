// Synchronous calls against a real daemon: values, directories (including the
// DIRECTORY_PART fallback), permissions, domains, error mapping, connection
// loss and concurrent callers.
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <set>
#include <thread>

#include "fixture.h"

namespace xenia::xs::test {
namespace {

using namespace std::string_view_literals;

TEST_F(DaemonTest, WriteReadMkdirRm) {
  auto c = connect();
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->write("/t/a", std::string("bin\0ary", 7)));
  auto v = c->read("/t/a");
  ASSERT_TRUE(v);
  EXPECT_EQ(*v, std::string("bin\0ary", 7));
  ASSERT_TRUE(c->mkdir("/t/dir"));
  EXPECT_EQ(*c->read("/t/dir"), "");
  ASSERT_TRUE(c->write("/t/dir", "kept"));
  ASSERT_TRUE(c->mkdir("/t/dir"));  // mkdir of an existing node keeps its value
  EXPECT_EQ(*c->read("/t/dir"), "kept");
  auto list = c->directory("/t");
  ASSERT_TRUE(list);
  EXPECT_EQ(std::set<std::string>(list->begin(), list->end()),
            (std::set<std::string>{"a", "dir"}));
  ASSERT_TRUE(c->rm("/t"));
  EXPECT_EQ(c->read("/t/a").error(), Err::ENOENT_);
}

TEST_F(DaemonTest, RelativePathsResolveUnderDom0) {
  auto c = connect();
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->write("rel/x", "1"));
  EXPECT_EQ(*c->read("/local/domain/0/rel/x"), "1");
}

TEST_F(DaemonTest, ErrorsComeBackAsTheirNames) {
  auto c = connect();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->read("/no/such/node").error(), Err::ENOENT_);
  EXPECT_EQ(c->read("/bad//path").error(), Err::EINVAL_);
  EXPECT_EQ(c->write("/bad path", "x").error(), Err::EINVAL_);
  EXPECT_EQ(c->rm("/no/such/node").error(), Err::ENOENT_);  // parent missing too
  EXPECT_EQ(c->unwatch("/nowhere", "tok").error(), Err::ENOENT_);
  EXPECT_EQ(c->transactionEnd(4242, true).error(), Err::ENOENT_);
  // A transaction cannot be started inside another (tx_id must be 0).
  auto tx = c->transactionStart();
  ASSERT_TRUE(tx);
  EXPECT_EQ(c->request(MsgType::TransactionStart, "\0"sv, *tx).error(), Err::EBUSY_);
  EXPECT_EQ(c->request(static_cast<MsgType>(99), "\0"sv).error(), Err::ENOSYS_);
  ASSERT_TRUE(c->request(MsgType::Watch, "/w\0t\0"sv));
  EXPECT_EQ(c->request(MsgType::Watch, "/w\0t\0"sv).error(), Err::EEXIST_);
  EXPECT_TRUE(c->connected());  // errors do not hurt the connection
}

TEST_F(DaemonTest, DirectoryOver4096BytesUsesDirectoryPart) {
  auto c = connect();
  ASSERT_TRUE(c);
  std::set<std::string> names;
  auto batch = c->batch();
  for (int i = 0; i < 200; ++i) {
    std::string name = "child-with-a-name-long-enough-for-several-parts-" + std::to_string(i);
    names.insert(name);
    batch.write("/big/" + name, std::to_string(i));
  }
  for (auto& r : batch.run()) {
    ASSERT_TRUE(r);
  }
  // One DIRECTORY cannot carry it...
  EXPECT_EQ(c->request(MsgType::Directory, "/big\0"sv).error(), Err::E2BIG_);
  // ...so directory() reassembles DIRECTORY_PART replies.
  auto list = c->directory("/big");
  ASSERT_TRUE(list);
  EXPECT_EQ(list->size(), 200u);
  EXPECT_EQ(std::set<std::string>(list->begin(), list->end()), names);
}

TEST_F(DaemonTest, PermissionsRoundTrip) {
  auto c = connect();
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->write("/p", "x"));
  auto before = c->getPerms("/p");
  ASSERT_TRUE(before);
  EXPECT_EQ(formatPerms(*before), "n0");
  Perms want{*Perm::parse("n0"), *Perm::parse("r5"), *Perm::parse("b7")};
  ASSERT_TRUE(c->setPerms("/p", want));
  auto after = c->getPerms("/p");
  ASSERT_TRUE(after);
  EXPECT_EQ(*after, want);
  EXPECT_EQ(c->setPerms("/p", {}).error(), Err::EINVAL_);  // an owner is required
  EXPECT_EQ(c->getPerms("/nope").error(), Err::ENOENT_);
}

TEST_F(DaemonTest, DomainCalls) {
  auto c = connect();
  ASSERT_TRUE(c);
  auto path = c->getDomainPath(7);
  ASSERT_TRUE(path);
  EXPECT_EQ(*path, "/local/domain/7");
  auto intro = c->isDomainIntroduced(7);
  ASSERT_TRUE(intro);
  EXPECT_FALSE(*intro);
  ASSERT_TRUE(c->introduce(7, 1234, 5));
  EXPECT_TRUE(*c->isDomainIntroduced(7));
  ASSERT_TRUE(c->setTarget(7, 0));
  ASSERT_TRUE(c->resume(7));
  ASSERT_TRUE(c->release(7));
  EXPECT_FALSE(*c->isDomainIntroduced(7));
  EXPECT_EQ(c->release(7).error(), Err::ENOENT_);
}

TEST_F(DaemonTest, ResetWatchesDropsWatchesAndTransactions) {
  auto c = connect();
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->watch("/rw", "tok"));
  auto tx = c->transactionStart();
  ASSERT_TRUE(tx);
  ASSERT_TRUE(c->resetWatches());
  EXPECT_EQ(c->unwatch("/rw", "tok").error(), Err::ENOENT_);
  EXPECT_EQ(c->transactionEnd(*tx, true).error(), Err::ENOENT_);
}

TEST_F(DaemonTest, OpenFindsTheDaemonThroughTheEnvironment) {
  ::setenv("XENSTORED_PATH", daemon_->socketPath().c_str(), 1);
  auto c = Client::open();
  ::unsetenv("XENSTORED_PATH");
  ASSERT_TRUE(c);
  EXPECT_TRUE((*c)->write("/opened", "1"));

  ::setenv("XENSTORED_RUNDIR", daemon_->runDir().c_str(), 1);
  EXPECT_EQ(daemonSocketPath(), daemon_->socketPath());
  ::unsetenv("XENSTORED_RUNDIR");
}

TEST(Connect, ReportsErrno) {
  EXPECT_EQ(Client::connect("/nonexistent/xenstored/socket").error(), ENOENT);
  // A socket whose path is too long for sockaddr_un (bound through a relative name).
  std::string dir = "/tmp/xsct-" + std::string(110, 'd');
  ASSERT_EQ(::mkdir(dir.c_str(), 0700), 0);
  char cwd[4096];
  ASSERT_TRUE(::getcwd(cwd, sizeof(cwd)));
  ASSERT_EQ(::chdir(dir.c_str()), 0);
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strcpy(addr.sun_path, "s");
  int bound = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  ASSERT_EQ(::chdir(cwd), 0);
  ASSERT_EQ(bound, 0);
  EXPECT_EQ(Client::connect(dir + "/s").error(), EINVAL);
  ::close(fd);
  ::unlink((dir + "/s").c_str());
  ::rmdir(dir.c_str());
}

TEST_F(DaemonTest, DaemonGoingAwayFailsCallsWithEio) {
  auto c = connect();
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->write("/x", "1"));
  daemon_->stop();
  auto r = c->read("/x");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), Err::EIO_);
  EXPECT_FALSE(c->connected());
}

TEST_F(DaemonTest, ConcurrentCallersOnOneConnection) {
  auto c = connect();
  ASSERT_TRUE(c);
  constexpr int kThreads = 4;
  constexpr int kRounds = 200;
  std::vector<int> mismatches(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::string key = "/conc/" + std::to_string(t);
      for (int i = 0; i < kRounds; ++i) {
        std::string value = std::to_string(t) + ":" + std::to_string(i);
        auto w = c->write(key, value);
        auto r = c->read(key);
        if (!w || !r || *r != value) {
          ++mismatches[t];
        }
      }
    });
  }
  for (auto& th : threads) {
    th.join();
  }
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(mismatches[t], 0) << "thread " << t;
  }
}

}  // namespace
}  // namespace xenia::xs::test
