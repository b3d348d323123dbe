// The QMP client over a real unix socket against the scripted fake server:
// negotiation, id matching, errors, events interleaved with replies, hostile
// input (oversize, garbage, hang-up mid-reply), timeouts, fd passing, and the
// non-blocking epoll mode.
#include <gtest/gtest.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <chrono>

#include "fake_qmp_server.h"
#include "qemu/qmp/calls.h"
#include "qemu/qmp/client.h"

namespace xenia::qmp {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using testing::FakeQmpServer;

constexpr milliseconds kT{5000};

struct Recorder {
  std::vector<Event> events;
  std::vector<Error> closes;
  ClientHandlers handlers() {
    return ClientHandlers{[this](const Event& e) { events.push_back(e); }, nullptr,
                          [this](const Error& e) { closes.push_back(e); }};
  }
  std::vector<std::string> names() const {
    std::vector<std::string> n;
    for (const auto& e : events) {
      n.push_back(e.name);
    }
    return n;
  }
};

std::unique_ptr<Client> connectTo(FakeQmpServer& srv, Recorder& rec) {
  auto c = Client::connect(srv.path(), kT, rec.handlers());
  EXPECT_TRUE(c) << c.error().message();
  return c ? std::move(*c) : nullptr;
}

TEST(QmpClient, NegotiatesAndRecordsTheVersion) {
  FakeQmpServer srv;
  srv.start();
  Recorder rec;
  auto c = connectTo(srv, rec);
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->ready());
  EXPECT_EQ(c->qemuVersion().str(), "7.2.22");
  EXPECT_EQ(c->qemuVersion().package, "Debian 1:7.2+dfsg-7+deb12u18+b3");
  srv.waitScriptDone();
  auto got = srv.received();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0]["execute"], "qmp_capabilities");
  EXPECT_TRUE(got[0]["id"].is_string());
}

TEST(QmpClient, TypedCallsSendQemuArgumentsAndDecodeReplies) {
  FakeQmpServer srv;
  srv.expect("query-status", {{"running", true}, {"singlestep", false}, {"status", "running"}})
      .expect("stop")
      .expect("device_add", json::object(),
              {{"driver", "virtio-net-pci"}, {"id", "nic0"}, {"netdev", "net0"}})
      .expect("balloon", json::object(), {{"value", 536870912}})
      .expect("query-balloon", {{"actual", 536870912}})
      .expect("query-cpus-fast",
              json::array({{{"cpu-index", 0}, {"qom-path", "/machine/unattached/device[0]"},
                            {"thread-id", 4242}, {"target", "x86_64"}},
                           {{"cpu-index", 1}, {"qom-path", "/machine/unattached/device[1]"},
                            {"thread-id", 4243}, {"target", "x86_64"}}}))
      .expect("human-monitor-command", "unused\r\n", {{"command-line", "info version"}})
      .expect("send-key", json::object(),
              {{"keys", {{{"type", "qcode"}, {"data", "ctrl"}},
                         {{"type", "qcode"}, {"data", "alt"}},
                         {{"type", "qcode"}, {"data", "delete"}}}}});
  srv.start();
  Recorder rec;
  auto c = connectTo(srv, rec);
  ASSERT_TRUE(c);
  auto st = queryStatus(*c);
  ASSERT_TRUE(st) << st.error().message();
  EXPECT_TRUE(st->running);
  EXPECT_EQ(st->status, "running");
  EXPECT_TRUE(stop(*c));
  EXPECT_TRUE(deviceAdd(*c, "virtio-net-pci", "nic0", {{"netdev", "net0"}}));
  EXPECT_TRUE(balloon(*c, 512 << 20));
  auto b = queryBalloon(*c);
  ASSERT_TRUE(b);
  EXPECT_EQ(*b, 512 << 20);
  auto cpus = queryCpusFast(*c);
  ASSERT_TRUE(cpus);
  ASSERT_EQ(cpus->size(), 2u);
  EXPECT_EQ((*cpus)[1].threadId, 4243);
  EXPECT_EQ((*cpus)[1].cpuIndex, 1);
  auto hmp = humanMonitorCommand(*c, "info version");
  ASSERT_TRUE(hmp);
  EXPECT_EQ(*hmp, "unused\r\n");
  EXPECT_TRUE(sendKey(*c, {"ctrl", "alt", "delete"}));
  srv.waitScriptDone();
  // Every command had its own id.
  std::set<std::string> ids;
  for (const auto& cmd : srv.received()) {
    ids.insert(cmd["id"].get<std::string>());
  }
  EXPECT_EQ(ids.size(), srv.received().size());
}

TEST(QmpClient, CommandErrorsCarryClassAndDescAndKeepTheConnection) {
  FakeQmpServer srv;
  srv.expectError("device_del", "DeviceNotFound", "Device 'nic9' not found")
      .expect("query-status", {{"running", false}, {"status", "paused"}});
  srv.start();
  Recorder rec;
  auto c = connectTo(srv, rec);
  ASSERT_TRUE(c);
  auto r = deviceDel(*c, "nic9");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kCommand);
  EXPECT_EQ(r.error().cls, "DeviceNotFound");
  EXPECT_EQ(r.error().desc, "Device 'nic9' not found");
  auto st = queryStatus(*c);
  ASSERT_TRUE(st);
  EXPECT_EQ(st->status, "paused");
  EXPECT_TRUE(rec.closes.empty());
}

TEST(QmpClient, EventsInterleavedWithRepliesArriveInOrder) {
  FakeQmpServer srv;
  // Events before, inside the same write as, and after the reply.
  srv.event("STOP")
      .expectRaw("system_powerdown",
                 [](const json& id) {
                   return json({{"event", "POWERDOWN"}, {"data", json::object()}}).dump() +
                          "\r\n" + json({{"return", json::object()}, {"id", id}}).dump() +
                          "\r\n" +
                          json({{"event", "SHUTDOWN"},
                                {"data", {{"guest", true}, {"reason", "guest-shutdown"}}}})
                              .dump() +
                          "\r\n";
                 })
      .expect("query-status", {{"running", false}, {"status", "shutdown"}});
  srv.start();
  Recorder rec;
  auto c = connectTo(srv, rec);
  ASSERT_TRUE(c);
  ASSERT_TRUE(systemPowerdown(*c));
  // What arrived before the reply was delivered before the call returned.
  ASSERT_GE(rec.events.size(), 2u);
  EXPECT_EQ(rec.events[1].name, "POWERDOWN");
  ASSERT_TRUE(queryStatus(*c));
  ASSERT_EQ(rec.names(), (std::vector<std::string>{"STOP", "POWERDOWN", "SHUTDOWN"}));
  auto sd = parseShutdownEvent(rec.events[2]);
  ASSERT_TRUE(sd);
  EXPECT_TRUE(sd->guest);
  EXPECT_EQ(sd->reason, "guest-shutdown");
}

TEST(QmpClient, QuitCountsAHangUpBeforeTheReplyAsDone) {
  FakeQmpServer srv;
  json shutdown = {{"event", "SHUTDOWN"},
                   {"data", {{"guest", false}, {"reason", "host-qmp-quit"}}}};
  srv.expectRaw("quit", [shutdown](const json&) { return shutdown.dump() + "\r\n"; }).hangUp();
  srv.start();
  Recorder rec;
  auto c = connectTo(srv, rec);
  ASSERT_TRUE(c);
  EXPECT_TRUE(quit(*c));
  EXPECT_TRUE(c->closed());
  ASSERT_EQ(rec.names(), std::vector<std::string>{"SHUTDOWN"});
  EXPECT_EQ(parseShutdownEvent(rec.events[0])->reason, "host-qmp-quit");
  ASSERT_EQ(rec.closes.size(), 1u);
  EXPECT_EQ(rec.closes[0].kind, ErrorKind::kClosed);
}

TEST(QmpClient, OversizeLineClosesTheConnection) {
  FakeQmpServer srv;
  srv.expectRaw("query-status",
                [](const json&) { return "{\"return\": \"" + std::string(kMaxMessageBytes, 'a'); })
      .waitSignal();
  srv.start();
  Recorder rec;
  auto c = connectTo(srv, rec);
  ASSERT_TRUE(c);
  auto r = queryStatus(*c);
  srv.signal();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kProtocol);
  EXPECT_NE(r.error().desc.find("longer than"), std::string::npos);
  EXPECT_TRUE(c->closed());
  EXPECT_EQ(c->fd(), -1);
  ASSERT_EQ(rec.closes.size(), 1u);
  EXPECT_EQ(rec.closes[0].kind, ErrorKind::kProtocol);
  // A closed client fails later calls at once.
  auto again = queryStatus(*c);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, ErrorKind::kClosed);
}

TEST(QmpClient, GarbageClosesTheConnection) {
  FakeQmpServer srv;
  srv.expectRaw("cont", [](const json&) { return std::string("\x01\x02 not json {\r\n"); })
      .waitSignal();
  srv.start();
  Recorder rec;
  auto c = connectTo(srv, rec);
  ASSERT_TRUE(c);
  auto r = cont(*c);
  srv.signal();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kProtocol);
  EXPECT_TRUE(c->closed());
}

TEST(QmpClient, AReplyWithAForeignIdCloses) {
  FakeQmpServer srv;
  srv.expectRaw("cont", [](const json&) {
       return std::string(R"({"return": {}, "id": "other"})") + "\n";
     }).waitSignal();
  srv.start();
  Recorder rec;
  auto c = connectTo(srv, rec);
  ASSERT_TRUE(c);
  auto r = cont(*c);
  srv.signal();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kProtocol);
}

TEST(QmpClient, ServerClosingMidReplyFailsTheCall) {
  FakeQmpServer srv;
  srv.expectRaw("query-status", [](const json&) { return std::string(R"({"return": {"runn)"); })
      .hangUp();
  srv.start();
  Recorder rec;
  auto c = connectTo(srv, rec);
  ASSERT_TRUE(c);
  auto r = queryStatus(*c);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kClosed);
  EXPECT_TRUE(c->closed());
}

TEST(QmpClient, TimeoutLeavesTheConnectionUsableAndDropsTheLateReply) {
  FakeQmpServer srv;
  srv.expectHeld("query-status")
      .waitSignal()
      .replyHeld({{"running", true}, {"status", "running"}})
      .expect("query-balloon", {{"actual", 1024}});
  srv.start();
  Recorder rec;
  auto c = connectTo(srv, rec);
  ASSERT_TRUE(c);
  auto r = queryStatus(*c, milliseconds(50));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kTimeout);
  EXPECT_FALSE(c->closed());
  srv.signal();
  auto b = queryBalloon(*c);
  ASSERT_TRUE(b) << b.error().message();
  EXPECT_EQ(*b, 1024);
  srv.waitScriptDone();
}

TEST(QmpClient, BadGreetingFailsTheConnect) {
  FakeQmpServer srv;
  srv.manualNegotiation().rawGreeting("{\"QMP\": {\"version\": 7}}\r\n").waitSignal();
  srv.start();
  auto c = Client::connect(srv.path(), kT);
  srv.signal();
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().kind, ErrorKind::kProtocol);
}

TEST(QmpClient, ConnectTimesOutWhenNothingListens) {
  auto c = Client::connect("/tmp/xqmp-no-such-dir/none.sock", milliseconds(50));
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().kind, ErrorKind::kTimeout);
}

TEST(QmpClient, GetfdPassesTheDescriptor) {
  FakeQmpServer srv;
  srv.expect("getfd", json::object(), {{"fdname", "vif1.0"}});
  srv.start();
  Recorder rec;
  auto c = connectTo(srv, rec);
  ASSERT_TRUE(c);
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  UniqueFd readEnd(p[0]);
  ASSERT_TRUE(getfd(*c, "vif1.0", UniqueFd(p[1])));
  srv.waitScriptDone();
  UniqueFd passed = srv.takeFd(1);  // [0] is qmp_capabilities
  ASSERT_TRUE(passed);
  ASSERT_EQ(::write(passed.get(), "hi", 2), 2);
  passed.reset();
  char buf[4] = {};
  ASSERT_EQ(::read(readEnd.get(), buf, sizeof(buf)), 2);
  EXPECT_EQ(std::string(buf, 2), "hi");
  EXPECT_FALSE(srv.takeFd(0));
}

TEST(QmpClient, BlockingCallFromACallbackIsRefused) {
  FakeQmpServer srv;
  srv.expect("query-status", {{"running", true}, {"status", "running"}})
      .event("RESET", {{"guest", true}, {"reason", "guest-reset"}})
      .expect("cont");
  srv.start();
  std::optional<Error> nested;
  Client* self = nullptr;
  ClientHandlers h;
  h.onEvent = [&](const Event&) {
    auto r = self->call(cmd::queryStatus(), kT);
    nested = r ? Error{} : r.error();
  };
  auto c = Client::connect(srv.path(), kT, h);
  ASSERT_TRUE(c);
  self = c->get();
  ASSERT_TRUE(queryStatus(**c));
  ASSERT_TRUE(cont(**c));
  ASSERT_TRUE(nested.has_value());
  EXPECT_EQ(nested->kind, ErrorKind::kUsage);
}

// The epoll mode xend uses: adopt a socket, queue commands before negotiation,
// and let the loop drive everything.
TEST(QmpClient, EpollModeQueuesAndDispatches) {
  FakeQmpServer srv;
  srv.expect("query-status", {{"running", false}, {"status", "prelaunch"}})
      .event("RESUME")
      .expectError("blockdev-del", "GenericError", "Failed to find node with node-name='d9'")
      .expect("cont");
  srv.start();
  auto fd = connectUnixSocket(srv.path());
  ASSERT_TRUE(fd) << fd.error().message();
  std::vector<std::string> log;
  bool closedSeen = false;
  ClientHandlers h;
  h.onReady = [&](const Greeting& g) { log.push_back("ready " + g.version.str()); };
  h.onEvent = [&](const Event& e) { log.push_back("event " + e.name); };
  h.onClosed = [&](const Error&) { closedSeen = true; };
  auto c = Client::adopt(std::move(*fd), h);
  auto record = [&](std::string tag) {
    return [&log, tag](Reply r) { log.push_back(tag + (r ? " ok" : " " + r.error().cls)); };
  };
  c->send(cmd::queryStatus(), record("status"));
  c->send(cmd::blockdevDel("d9"), record("del"));
  c->send(cmd::cont(), record("cont"));

  UniqueFd ep(::epoll_create1(EPOLL_CLOEXEC));
  epoll_event ev{};
  ev.events = EPOLLIN;
  ASSERT_EQ(::epoll_ctl(ep.get(), EPOLL_CTL_ADD, c->fd(), &ev), 0);
  for (int spins = 0; spins < 1000 && log.size() < 5; ++spins) {
    ev.events = EPOLLIN | (c->wantsWrite() ? uint32_t(EPOLLOUT) : 0u);
    ::epoll_ctl(ep.get(), EPOLL_CTL_MOD, c->fd(), &ev);
    epoll_event out{};
    if (::epoll_wait(ep.get(), &out, 1, 5000) <= 0) {
      break;
    }
    if (out.events & EPOLLOUT) {
      c->onWritable();
    }
    if (out.events & (EPOLLIN | EPOLLHUP)) {
      c->onReadable();
    }
  }
  EXPECT_EQ(log, (std::vector<std::string>{"ready 7.2.22", "status ok", "event RESUME",
                                           "del GenericError", "cont ok"}));
  EXPECT_FALSE(closedSeen);
  srv.waitScriptDone();
}

}  // namespace
}  // namespace xenia::qmp
