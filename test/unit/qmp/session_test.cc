// The QMP session state machine fed scripted bytes, with no socket: order of
// messages, negotiation, one command in flight, id matching, closing.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "qemu/qmp/commands.h"
#include "qemu/qmp/replies.h"
#include "qemu/qmp/session.h"

namespace xenia::qmp {
namespace {

using nlohmann::json;

const char* kGreeting =
    R"({"QMP": {"version": {"qemu": {"micro": 22, "minor": 2, "major": 7}, "package": ""},)"
    R"( "capabilities": ["oob"]}})"
    "\r\n";

struct Harness {
  std::vector<std::string> log;  // events, completions and closes in order
  int readyCount = 0;
  Session s{SessionHandlers{
      [this](const Event& e) { log.push_back("event " + e.name); },
      [this](const Greeting&) { ++readyCount; },
      [this](const Error& e) { log.push_back(std::string("closed ") + errorKindName(e.kind)); }}};

  // Sends the next queued command and returns its wire id.
  std::string take(const char* expectName) {
    auto w = s.nextToSend();
    EXPECT_TRUE(w.has_value()) << "nothing to send, expected " << expectName;
    if (!w) {
      return "";
    }
    auto j = json::parse(w->bytes);
    EXPECT_EQ(j["execute"], expectName);
    return j["id"].get<std::string>();
  }
  void feed(const std::string& text) { (void)s.feed(text); }
  void reply(const std::string& id, const std::string& ret = "{}") {
    feed(R"({"return": )" + ret + R"(, "id": ")" + id + "\"}\r\n");
  }
  Completion record(std::string tag) {
    return [this, tag](Reply r) {
      log.push_back(tag + (r ? " ok " + r->dump() : " error " + r.error().cls + r.error().desc));
    };
  }
  void negotiate() {
    feed(kGreeting);
    reply(take("qmp_capabilities"));
  }
};

TEST(Session, NegotiatesBeforeAnyQueuedCommand) {
  Harness h;
  h.s.submit(Command{"query-status"}, h.record("status"));
  EXPECT_FALSE(h.s.nextToSend().has_value());  // no greeting yet
  h.feed(kGreeting);
  EXPECT_EQ(h.s.state(), Session::State::kNegotiating);
  EXPECT_EQ(h.s.greeting().version.str(), "7.2.22");
  std::string capId = h.take("qmp_capabilities");
  EXPECT_FALSE(h.s.nextToSend().has_value());  // one in flight
  h.reply(capId);
  EXPECT_EQ(h.readyCount, 1);
  EXPECT_TRUE(h.s.ready());
  std::string id = h.take("query-status");
  EXPECT_NE(id, capId);
  h.reply(id, R"({"running": false, "status": "prelaunch"})");
  EXPECT_EQ(h.log, std::vector<std::string>{
                       R"(status ok {"running":false,"status":"prelaunch"})"});
}

TEST(Session, EventsAndRepliesAreDeliveredInStreamOrder) {
  Harness h;
  h.negotiate();
  h.s.submit(Command{"stop"}, h.record("stop"));
  std::string id = h.take("stop");
  h.feed(R"({"event": "STOP", "timestamp": {"seconds": 1, "microseconds": 2}})"
         "\r\n"
         R"({"return": {}, "id": ")" +
         id + "\"}\r\n" + R"({"event": "RESUME"})" + "\r\n");
  EXPECT_EQ(h.log, (std::vector<std::string>{"event STOP", "stop ok {}", "event RESUME"}));
}

TEST(Session, CommandErrorsKeepTheSessionOpen) {
  Harness h;
  h.negotiate();
  h.s.submit(Command{"device_del", {{"id", "nic9"}}}, h.record("del"));
  std::string id = h.take("device_del");
  h.feed(R"({"error": {"class": "DeviceNotFound", "desc": "Device 'nic9' not found"}, "id": ")" +
         id + "\"}\n");
  EXPECT_EQ(h.log, std::vector<std::string>{"del error DeviceNotFoundDevice 'nic9' not found"});
  EXPECT_TRUE(h.s.ready());
}

TEST(Session, AReplyWithAnotherIdClosesAndFailsEverythingPending) {
  Harness h;
  h.negotiate();
  h.s.submit(Command{"query-status"}, h.record("a"));
  h.s.submit(Command{"query-balloon"}, h.record("b"));
  h.take("query-status");
  auto r = h.s.feed(R"({"return": {}, "id": "xenia-999"})"
                    "\n");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kProtocol);
  EXPECT_EQ(h.s.state(), Session::State::kClosed);
  ASSERT_EQ(h.log.size(), 3u);
  EXPECT_EQ(h.log[0].rfind("a error", 0), 0u);
  EXPECT_EQ(h.log[1].rfind("b error", 0), 0u);
  EXPECT_EQ(h.log[2], "closed protocol");
  // Later submissions fail at once.
  h.s.submit(Command{"cont"}, h.record("c"));
  EXPECT_EQ(h.log.back().rfind("c error", 0), 0u);
}

TEST(Session, AReplyNobodyWaitsForIsAProtocolError) {
  Harness h;
  h.negotiate();
  auto r = h.s.feed(R"({"return": {}, "id": "xenia-2"})"
                    "\n");
  EXPECT_FALSE(r);
  EXPECT_EQ(h.s.state(), Session::State::kClosed);
}

TEST(Session, AReplyWithoutIdIsAProtocolError) {
  Harness h;
  h.negotiate();
  h.s.submit(Command{"cont"}, h.record("c"));
  h.take("cont");
  auto r = h.s.feed(R"({"error": {"class": "GenericError", "desc": "JSON parse error"}})"
                    "\n");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().desc.find("JSON parse error"), std::string::npos);
}

TEST(Session, MessagesBeforeTheGreetingAndSecondGreetingsAreRefused) {
  Harness a;
  EXPECT_FALSE(a.s.feed(R"({"event": "STOP"})"
                        "\n"));
  Harness b;
  b.feed(kGreeting);
  EXPECT_FALSE(b.s.feed(kGreeting));
}

TEST(Session, RefusedCapabilitiesClose) {
  Harness h;
  h.feed(kGreeting);
  std::string id = h.take("qmp_capabilities");
  h.feed(R"({"error": {"class": "CommandNotFound", "desc": "no"}, "id": ")" + id + "\"}\n");
  EXPECT_EQ(h.s.state(), Session::State::kClosed);
  EXPECT_EQ(h.readyCount, 0);
}

TEST(Session, AbandonedInFlightReplyIsDiscardedAndTheQueueMovesOn) {
  Harness h;
  h.negotiate();
  uint64_t slow = h.s.submit(Command{"query-status"}, h.record("slow"));
  h.s.submit(Command{"query-balloon"}, h.record("next"));
  std::string slowId = h.take("query-status");
  h.s.abandon(slow);
  EXPECT_FALSE(h.s.nextToSend().has_value());  // still in flight
  h.reply(slowId, R"({"running": true, "status": "running"})");
  std::string nextId = h.take("query-balloon");
  h.reply(nextId, R"({"actual": 1024})");
  EXPECT_EQ(h.log, std::vector<std::string>{R"(next ok {"actual":1024})"});
}

TEST(Session, AbandonedQueuedCommandIsNeverSent) {
  Harness h;
  h.negotiate();
  uint64_t q = h.s.submit(Command{"stop"}, h.record("stop"));
  h.s.abandon(q);
  EXPECT_FALSE(h.s.nextToSend().has_value());
  EXPECT_EQ(h.s.pending(), 0u);
}

TEST(Session, CompletionsMaySubmitCommands) {
  Harness h;
  h.negotiate();
  h.s.submit(Command{"stop"}, [&](Reply) { h.s.submit(Command{"cont"}, h.record("cont")); });
  h.reply(h.take("stop"));
  h.reply(h.take("cont"));
  EXPECT_EQ(h.log, std::vector<std::string>{"cont ok {}"});
}

TEST(Session, AnEventHandlerClosingStopsDispatch) {
  std::vector<std::string> seen;
  Session* self = nullptr;
  Session s(SessionHandlers{[&](const Event& e) {
                              seen.push_back(e.name);
                              self->close(localError(ErrorKind::kClosed, "owner"));
                            },
                            nullptr, nullptr});
  self = &s;
  ASSERT_TRUE(s.feed(kGreeting));
  auto r = s.feed(std::string(R"({"event": "X"})") + "\n" + R"({"event": "Y"})" + "\n");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().desc, "owner");
  EXPECT_EQ(seen, std::vector<std::string>{"X"});
}

TEST(Session, OversizeLineCloses) {
  Harness h;
  h.negotiate();
  auto r = h.s.feed(std::string(kMaxMessageBytes + 10, ' '));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().desc.find("longer than"), std::string::npos);
  EXPECT_EQ(h.s.state(), Session::State::kClosed);
}

TEST(Session, FdTravelsWithItsCommand) {
  Harness h;
  h.negotiate();
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  ::close(p[0]);
  Command c{"getfd", {{"fdname", "x"}}};
  c.fd.reset(p[1]);
  h.s.submit(std::move(c), nullptr);
  auto w = h.s.nextToSend();
  ASSERT_TRUE(w);
  EXPECT_EQ(w->fd.get(), p[1]);
}

// test/unit/qmp/data/qmp_session_7.2.txt is what Debian's QEMU 7.2 answered
// (-machine pc -S -qmp stdio) to the commands below with ids xenia-1..12.
TEST(Session, DecodesARecordedQemuTranscript) {
  std::ifstream in("test/unit/qmp/data/qmp_session_7.2.txt", std::ios::binary);
  ASSERT_TRUE(in) << "run from the source tree";
  std::stringstream text;
  text << in.rdbuf();

  Harness h;
  std::vector<Reply> replies;
  auto keep = [&](Reply r) { replies.push_back(std::move(r)); };
  h.s.submit(cmd::queryStatus(), keep);
  h.s.submit(cmd::queryCpusFast(), keep);
  h.s.submit(cmd::queryBalloon(), keep);
  h.s.submit(cmd::queryVnc(), keep);
  h.s.submit(cmd::queryMigrate(), keep);
  h.s.submit(cmd::stop(), keep);
  h.s.submit(cmd::cont(), keep);
  h.s.submit(cmd::deviceDel("nic9"), keep);
  h.s.submit(cmd::humanMonitorCommand("info version"), keep);
  h.s.submit(cmd::systemReset(), keep);
  h.s.submit(cmd::quit(), keep);
  // Feed line by line, sending the next command whenever the session allows.
  std::string line;
  while (std::getline(text, line)) {
    while (h.s.nextToSend()) {
    }
    ASSERT_TRUE(h.s.feed(line + "\n")) << line;
  }
  ASSERT_EQ(replies.size(), 11u);
  auto st = parseStatus(*replies[0]);
  ASSERT_TRUE(st);
  EXPECT_EQ(st->status, "prelaunch");
  EXPECT_FALSE(st->running);
  auto cpus = parseCpusFast(*replies[1]);
  ASSERT_TRUE(cpus);
  ASSERT_EQ(cpus->size(), 1u);
  EXPECT_GT((*cpus)[0].threadId, 0);
  ASSERT_FALSE(replies[2]);
  EXPECT_EQ(replies[2].error().cls, "DeviceNotActive");
  auto vnc = parseVnc(*replies[3]);
  ASSERT_TRUE(vnc);
  EXPECT_FALSE(vnc->enabled);
  auto mig = parseMigration(*replies[4]);
  ASSERT_TRUE(mig);
  EXPECT_EQ(mig->status, "none");
  ASSERT_FALSE(replies[7]);
  EXPECT_EQ(replies[7].error().cls, "DeviceNotFound");
  auto hmp = parseHumanMonitor(*replies[8]);
  ASSERT_TRUE(hmp);
  EXPECT_EQ(hmp->rfind("7.2.22", 0), 0u);
  EXPECT_EQ(h.log, (std::vector<std::string>{"event RESUME", "event RESET", "event SHUTDOWN"}));
}

}  // namespace
}  // namespace xenia::qmp
