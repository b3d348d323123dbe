// xenstored over its dom0 socket: request/reply, pipelining, watches across
// connections, the trace file, pid file, daemon mode and socket life cycle.
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "xenstore/server/options.h"
#include "xs_harness.h"

namespace xenia::xs::test {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Gone, or a zombie waiting for an init that reaps lazily (not our child).
bool processGone(pid_t pid) {
  if (::kill(pid, 0) != 0) {
    return true;
  }
  std::string stat = slurp("/proc/" + std::to_string(pid) + "/stat");
  auto paren = stat.rfind(')');
  return paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] == 'Z';
}

bool exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

TEST(XsServerBasic, WriteReadDirectoryOverTheSocket) {
  TempDir dir;
  auto d = Daemon::start(dir.path());
  ASSERT_TRUE(d);
  RawClient c(d->socket());
  ASSERT_TRUE(c.connected());
  EXPECT_EQ(c.write("/a/b", "hello"), "OK");
  EXPECT_EQ(c.read("/a/b"), "hello");
  EXPECT_EQ(c.read("/a/missing"), "ENOENT");
  Reply dirReply = c.call(MsgType::Directory, nul({"/a"}));
  EXPECT_EQ(dirReply.payload, nul({"b"}));
  // A value with NULs inside survives the round trip.
  std::string binary("x\0y\0", 4);
  EXPECT_EQ(c.write("/a/bin", binary), "OK");
  EXPECT_EQ(c.read("/a/bin"), binary);
}

TEST(XsServerBasic, PipelinedRequestsAreAnsweredInOrder) {
  TempDir dir;
  auto d = Daemon::start(dir.path());
  ASSERT_TRUE(d);
  RawClient c(d->socket());
  std::string burst;
  constexpr uint32_t kCount = 500;
  for (uint32_t i = 1; i <= kCount; ++i) {
    std::string payload = "/p/k" + std::to_string(i);
    payload.push_back('\0');
    payload += "v" + std::to_string(i);
    appendMessage(burst, uint32_t(MsgType::Write), i, 0, payload);
  }
  for (uint32_t i = 1; i <= kCount; ++i) {
    appendMessage(burst, uint32_t(MsgType::Read), kCount + i, 0, nul({"/p/k" + std::to_string(i)}));
  }
  ASSERT_TRUE(c.sendRaw(burst));
  for (uint32_t i = 1; i <= 2 * kCount; ++i) {
    auto r = c.recv();
    ASSERT_TRUE(r) << "reply " << i << " missing";
    EXPECT_EQ(r->reqId, i);
    if (i <= kCount) {
      EXPECT_EQ(r->text(), "OK");
    } else {
      EXPECT_EQ(r->payload, "v" + std::to_string(i - kCount));
    }
  }
}

TEST(XsServerBasic, RequestSplitAcrossWritesAndEmptyPayloadAreAnswered) {
  TempDir dir;
  auto d = Daemon::start(dir.path());
  ASSERT_TRUE(d);
  RawClient c(d->socket());
  std::string msg;
  appendMessage(msg, uint32_t(MsgType::Write), 7, 0, std::string("/s/x\0val", 8));
  for (char ch : msg) {
    ASSERT_TRUE(c.sendRaw(std::string_view(&ch, 1)));
  }
  auto r = c.recv();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->reqId, 7u);
  EXPECT_EQ(r->text(), "OK");
  // len = 0: answered at once (oxenstored waits for more bytes).
  ASSERT_TRUE(c.send(MsgType::Read, "", 0, 8));
  r = c.recv();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->reqId, 8u);
}

TEST(XsServerBasic, WatchEventsReachOtherConnections) {
  TempDir dir;
  auto d = Daemon::start(dir.path());
  ASSERT_TRUE(d);
  RawClient watcher(d->socket());
  RawClient writer(d->socket());
  EXPECT_EQ(watcher.watch("/w", "tok"), "OK");
  auto first = watcher.nextEvent();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->payload, nul({"/w", "tok"}));
  EXPECT_EQ(writer.write("/w/x", "1"), "OK");
  auto ev = watcher.nextEvent();
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->type, uint32_t(MsgType::WatchEvent));
  EXPECT_EQ(ev->payload, nul({"/w/x", "tok"}));
}

TEST(XsServerBasic, TraceFileLogsRequestsAndReplies) {
  TempDir dir;
  std::string trace = dir.file("trace");
  auto d = Daemon::start(dir.path(), {"-T", trace});
  ASSERT_TRUE(d);
  {
    RawClient c(d->socket());
    EXPECT_EQ(c.write("/t/x", "traced"), "OK");
    EXPECT_EQ(c.read("/t/x"), "traced");
  }
  EXPECT_EQ(d->killAndWait(SIGTERM), 0);
  std::string text = slurp(trace);
  EXPECT_NE(text.find("IN conn"), std::string::npos) << text;
  EXPECT_NE(text.find(" WRITE req=1 tx=0 (/t/x traced)"), std::string::npos) << text;
  EXPECT_NE(text.find(" WRITE req=1 tx=0 (OK )"), std::string::npos) << text;
  EXPECT_NE(text.find(" READ req=2 tx=0 (/t/x )"), std::string::npos) << text;
  EXPECT_NE(text.find("CREATE connection"), std::string::npos) << text;
  EXPECT_NE(text.find("DESTROY connection"), std::string::npos) << text;
}

TEST(XsServerBasic, PidFileAndCleanShutdownOnSigterm) {
  TempDir dir;
  std::string pidFile = dir.file("xenstored.pid");
  auto d = Daemon::start(dir.path(), {"-F", pidFile});
  ASSERT_TRUE(d);
  // The socket queues connections from listen() on; the pid file follows
  // once start-up is complete.
  for (int i = 0; i < 1000 && !exists(pidFile); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(exists(pidFile));
  EXPECT_EQ(std::stoi(slurp(pidFile)), d->pid());
  struct stat st;
  ASSERT_EQ(::stat(d->socket().c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  int status = d->killAndWait(SIGTERM);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  EXPECT_FALSE(exists(d->socket()));
  EXPECT_FALSE(exists(pidFile));
}

TEST(XsServerBasic, DaemonModeForksAndWritesPidFileWhenListening) {
  TempDir dir;
  std::string pidFile = dir.file("daemon.pid");
  std::string socket = dir.file("socket");
  int status = runProgram({xenstoredBinary(), "--rundir", dir.path(), "-F", pidFile,
                          "--log-file", dir.file("daemon.log")});
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  // The launcher returns only after the pid file exists and the socket listens.
  ASSERT_TRUE(exists(pidFile));
  pid_t pid = std::stoi(slurp(pidFile));
  ASSERT_GT(pid, 1);
  EXPECT_EQ(::kill(pid, 0), 0);
  {
    RawClient c(socket);
    ASSERT_TRUE(c.connected());
    EXPECT_EQ(c.write("/daemon", "yes"), "OK");
    EXPECT_EQ(c.read("/daemon"), "yes");
  }
  // Not our child: poll until it is gone.
  ASSERT_EQ(::kill(pid, SIGTERM), 0);
  for (int i = 0; i < 500 && !processGone(pid); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(processGone(pid));
  EXPECT_FALSE(exists(socket));
}

TEST(XsServerBasic, StaleSocketIsReplacedButALiveOneIsNot) {
  TempDir dir;
  std::string socket = dir.file("socket");
  {
    // A socket file nobody listens on, as a killed daemon leaves behind.
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strcpy(addr.sun_path, socket.c_str());
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    ::close(fd);
  }
  auto d = Daemon::start(dir.path());
  ASSERT_TRUE(d);
  RawClient c(socket);
  EXPECT_EQ(c.write("/first", "1"), "OK");

  int status = runProgram({xenstoredBinary(), "-N", "--rundir", dir.path(), "--log-file",
                          dir.file("second.log")});
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) != 0) << status;
  EXPECT_EQ(c.read("/first"), "1");
  RawClient again(socket);
  EXPECT_EQ(again.read("/first"), "1");
}

TEST(XsServerBasic, BadOptionsAreRejected) {
  TempDir dir;
  int status = runProgram({xenstoredBinary(), "-N", "--rundir", dir.path(), "--no-such-option"});
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) != 0) << status;
  status = runProgram({xenstoredBinary(), "-N", "--rundir", dir.path(), "-Q", "bogus=1"});
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) != 0) << status;
  EXPECT_FALSE(exists(dir.file("socket")));
}

}  // namespace
}  // namespace xenia::xs::test

namespace xenia::xs::test {
namespace {

Expected<ServerOptions, OptionsExit> parse(std::vector<const char*> args,
                                           std::map<std::string, std::string> env = {}) {
  args.insert(args.begin(), "xenstored");
  return parseOptions(int(args.size()), args.data(), [&env](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  });
}

TEST(XsServerOptions, SocketPathFollowsRundirThenEnvironment) {
  EXPECT_EQ(parse({})->socketPath, "/var/run/xenstored/socket");
  EXPECT_EQ(parse({}, {{"XENSTORED_RUNDIR", "/run/x"}})->socketPath, "/run/x/socket");
  EXPECT_EQ(parse({}, {{"XENSTORED_RUNDIR", "/run/x"}, {"XENSTORED_PATH", "/p/sock"}})->socketPath,
            "/p/sock");
  EXPECT_EQ(parse({"--rundir", "/r"}, {{"XENSTORED_PATH", "/p/sock"}})->socketPath, "/r/socket");
}

TEST(XsServerOptions, QuotaFlagsUseCXenstoredSpelling) {
  auto o = parse({"-E", "11", "-S", "222", "-W", "33", "-t", "4", "-A", "6", "-M", "700", "-K",
                  "-Q", "outstanding=9", "-Q", "transaction-nodes=99", "-q", "memory=12345",
                  "-N", "-F", "/tmp/pid", "-T", "/tmp/trace", "--persist", "/tmp/p", "-V"});
  ASSERT_TRUE(o);
  const Quotas& q = o->engine.quotas;
  EXPECT_EQ(q.nodesPerDomain, 11u);
  EXPECT_EQ(q.nodeSize, 222u);
  EXPECT_EQ(q.watchesPerDomain, 33u);
  EXPECT_EQ(q.transactionsPerDomain, 4u);
  EXPECT_EQ(q.permissions, 6u);
  EXPECT_EQ(q.pathMax, 700u);
  EXPECT_EQ(q.outstanding, 9u);
  EXPECT_EQ(q.transactionNodes, 99u);
  EXPECT_EQ(q.memorySoft, 12345u);
  EXPECT_TRUE(o->engine.keepOrphans);
  EXPECT_TRUE(o->noFork);
  EXPECT_TRUE(o->verbose);
  EXPECT_EQ(o->pidFile, "/tmp/pid");
  EXPECT_EQ(o->traceFile, "/tmp/trace");
  EXPECT_EQ(o->persistDir, "/tmp/p");
  EXPECT_FALSE(parse({"-Q", "outstanding"}));
  EXPECT_FALSE(parse({"-Q", "nosuch=1"}));
  EXPECT_FALSE(parse({"-E", "many"}));
  auto help = parse({"--help"});
  ASSERT_FALSE(help);
  EXPECT_EQ(help.error().exitCode, 0);
  EXPECT_NE(help.error().message.find("--persist"), std::string::npos);
}

}  // namespace
}  // namespace xenia::xs::test
