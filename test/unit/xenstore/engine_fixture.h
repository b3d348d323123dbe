// Test harness for the XenStore engine: a recording Sink, scriptable server
// hooks and journal, and a fixture that sends requests in the protocol doc's
// notation ("|" stands for NUL) and renders replies the same way (errors as
// "!ENAME"), collecting watch events per connection.
#pragma once

#include <gtest/gtest.h>

#include <deque>
#include <set>

#include <fmt/format.h>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "xenstore/store/engine.h"

namespace xenia::xs::test {

// "a|b|" -> "a\0b\0".
inline std::string P(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c == '|') {
      c = '\0';
    }
  }
  return out;
}
// The reverse, for rendering.
inline std::string R(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c == '\0') {
      c = '|';
    }
  }
  return out;
}

struct Delivered {
  ConnId conn;
  uint32_t type;
  uint32_t reqId;
  uint32_t txId;
  std::string payload;
};

class RecordingSink : public Sink {
 public:
  void deliver(ConnId conn, uint32_t type, uint32_t reqId, uint32_t txId,
               std::string_view payload) override {
    out.push_back({conn, type, reqId, txId, std::string(payload)});
  }
  std::vector<Delivered> out;
};

class TestHooks : public ServerHooks {
 public:
  void domainIntroduced(DomId domid) override { introduced.push_back(domid); }
  void domainReleased(DomId domid) override { released.push_back(domid); }
  std::optional<std::string> control(const std::vector<std::string_view>& args) override {
    controlCalls.emplace_back(args.begin(), args.end());
    return controlReply;
  }
  bool domainExists(DomId domid) override { return !missing.count(domid); }

  std::vector<DomId> introduced;
  std::vector<DomId> released;
  std::vector<std::vector<std::string>> controlCalls;
  std::optional<std::string> controlReply;
  std::set<DomId> missing;
};

class TestJournal : public Journal {
 public:
  void nodeWritten(std::string_view path, std::string_view value,
                   const std::vector<std::string>& perms) override {
    std::string p;
    for (const auto& s : perms) {
      p += s + ",";
    }
    log.push_back("W " + std::string(path) + "=" + std::string(value) + " " + p);
  }
  void nodeRemoved(std::string_view path) override { log.push_back("R " + std::string(path)); }
  void domainIntroduced(DomId domid) override { log.push_back("I " + std::to_string(domid)); }
  void domainReleased(DomId domid) override { log.push_back("X " + std::to_string(domid)); }
  std::vector<std::string> log;
};

class EngineTest : public ::testing::Test {
 protected:
  explicit EngineTest(EngineOptions opts = {}) { reset(opts); }

  void reset(EngineOptions opts = {}) {
    sink.out.clear();
    scanned = 0;
    events.clear();
    engine = std::make_unique<Engine>(sink, hooks, opts);
    dom0 = engine->connect(kDom0);
  }

  // Sends one request; returns the rendered reply. Events the request
  // produced are queued per connection (see ev()).
  std::string call(ConnId c, MsgType type, std::string_view payloadNotation, uint32_t tx = 0) {
    return callRaw(c, static_cast<uint32_t>(type), P(payloadNotation), tx);
  }
  std::string callRaw(ConnId c, uint32_t type, std::string payload, uint32_t tx = 0) {
    Message m;
    m.hdr.type = type;
    m.hdr.reqId = ++reqId;
    m.hdr.txId = tx;
    m.hdr.len = static_cast<uint32_t>(payload.size());
    m.payload = std::move(payload);
    harvest();
    size_t first = sink.out.size();
    engine->request(c, m);
    scanned = sink.out.size();
    std::string reply;
    int replies = 0;
    for (size_t i = first; i < sink.out.size(); ++i) {
      const Delivered& d = sink.out[i];
      if (d.type == static_cast<uint32_t>(MsgType::WatchEvent)) {
        EXPECT_EQ(d.reqId, 0u);
        EXPECT_EQ(d.txId, 0u);
        events[d.conn].push_back(R(d.payload));
        continue;
      }
      EXPECT_EQ(d.conn, c);
      EXPECT_EQ(d.reqId, m.hdr.reqId);
      EXPECT_EQ(d.txId, tx);
      EXPECT_LE(d.payload.size(), kPayloadMax);
      ++replies;
      lastType = d.type;
      if (d.type == static_cast<uint32_t>(MsgType::Error)) {
        EXPECT_EQ(d.payload.back(), '\0');
        reply = "!" + d.payload.substr(0, d.payload.size() - 1);
      } else {
        EXPECT_EQ(d.type, type);
        reply = R(d.payload);
        rawReply = d.payload;
      }
    }
    EXPECT_EQ(replies, 1) << "request type " << type;
    return reply;
  }

  // Shorthands; tx is the transaction id (0 = none).
  std::string read(ConnId c, std::string_view path, uint32_t tx = 0) {
    return call(c, MsgType::Read, std::string(path) + "|", tx);
  }
  std::string write(ConnId c, std::string_view path, std::string_view value, uint32_t tx = 0) {
    return callRaw(c, static_cast<uint32_t>(MsgType::Write),
                   P(std::string(path) + "|") + std::string(value), tx);
  }
  std::string mkdir(ConnId c, std::string_view path, uint32_t tx = 0) {
    return call(c, MsgType::Mkdir, std::string(path) + "|", tx);
  }
  std::string rm(ConnId c, std::string_view path, uint32_t tx = 0) {
    return call(c, MsgType::Rm, std::string(path) + "|", tx);
  }
  std::string dir(ConnId c, std::string_view path, uint32_t tx = 0) {
    return call(c, MsgType::Directory, std::string(path) + "|", tx);
  }
  std::string getPerms(ConnId c, std::string_view path, uint32_t tx = 0) {
    return call(c, MsgType::GetPerms, std::string(path) + "|", tx);
  }
  std::string setPerms(ConnId c, std::string_view path, std::string_view perms, uint32_t tx = 0) {
    return call(c, MsgType::SetPerms, std::string(path) + "|" + std::string(perms), tx);
  }
  std::string watch(ConnId c, std::string_view path, std::string_view token) {
    return call(c, MsgType::Watch, std::string(path) + "|" + std::string(token) + "|");
  }
  std::string unwatch(ConnId c, std::string_view path, std::string_view token) {
    return call(c, MsgType::Unwatch, std::string(path) + "|" + std::string(token) + "|");
  }
  // Starts a transaction and returns its id (0 on failure).
  uint32_t start(ConnId c) {
    std::string r = call(c, MsgType::TransactionStart, "|");
    if (r.empty() || r[0] == '!') {
      return 0;
    }
    return static_cast<uint32_t>(std::stoul(r));
  }
  std::string end(ConnId c, uint32_t tx, bool commit = true) {
    return call(c, MsgType::TransactionEnd, commit ? "T|" : "F|", tx);
  }
  std::string introduce(DomId d) {
    return call(dom0, MsgType::Introduce, std::to_string(d) + "|123|4|");
  }
  // A guest connection for an introduced domain.
  ConnId guest(DomId d) {
    if (!engine->isIntroduced(d)) {
      EXPECT_EQ(introduce(d), "OK|");
    }
    return engine->connect(d);
  }

  // Collects events delivered outside call() (e.g. domainShutdown()).
  void harvest() {
    for (; scanned < sink.out.size(); ++scanned) {
      const Delivered& d = sink.out[scanned];
      if (d.type == static_cast<uint32_t>(MsgType::WatchEvent)) {
        events[d.conn].push_back(R(d.payload));
      }
    }
  }

  // Events delivered to c since the last call, rendered; clears them.
  std::vector<std::string> ev(ConnId c) {
    harvest();
    std::vector<std::string> out(events[c].begin(), events[c].end());
    events[c].clear();
    return out;
  }
  void clearEvents() { events.clear(); }

  RecordingSink sink;
  TestHooks hooks;
  std::unique_ptr<Engine> engine;
  ConnId dom0 = 0;
  uint32_t reqId = 0;
  size_t scanned = 0;
  uint32_t lastType = 0;
  std::string rawReply;
  std::map<ConnId, std::deque<std::string>> events;
};

using Events = std::vector<std::string>;

}  // namespace xenia::xs::test
