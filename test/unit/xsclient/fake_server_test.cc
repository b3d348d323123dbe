// The client against a scripted peer on a socketpair: replies out of order,
// events ahead of replies, DIRECTORY_PART restarts and protocol violations —
// things a correct daemon never shows on demand.
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <thread>

#include "xenstore/client/client.h"

namespace xenia::xs {
namespace {

using namespace std::string_view_literals;

// The daemon side: blocking reads of whole requests, raw replies.
class FakeServer {
 public:
  explicit FakeServer(std::function<void(FakeServer&)> script) {
    int sv[2];
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    clientFd_ = sv[0];
    fd_.reset(sv[1]);
    thread_ = std::thread([this, script] { script(*this); });
  }
  ~FakeServer() {
    if (thread_.joinable()) {
      thread_.join();
    }
  }
  std::unique_ptr<Client> client() { return Client::fromFd(UniqueFd(clientFd_)); }

  Message next() {
    while (decoder_.status() != StreamDecoder::Status::Ready) {
      char c;
      if (::read(fd_.get(), &c, 1) != 1) {
        ADD_FAILURE() << "client closed the connection";
        return {};
      }
      decoder_.feed(&c, 1);
    }
    return decoder_.take();
  }
  void send(MsgType type, uint32_t reqId, std::string_view payload, uint32_t len = UINT32_MAX) {
    std::string out;
    appendMessage(out, uint32_t(type), reqId, 0, payload);
    if (len != UINT32_MAX) {
      char hdr[kHeaderSize];
      encodeHeader(Header{uint32_t(type), reqId, 0, len}, hdr);
      out.replace(0, kHeaderSize, hdr, kHeaderSize);
    }
    ASSERT_EQ(::write(fd_.get(), out.data(), out.size()), ssize_t(out.size()));
  }
  void reply(const Message& req, std::string_view payload) {
    send(static_cast<MsgType>(req.hdr.type), req.hdr.reqId, payload);
  }
  void close() { fd_.reset(); }

 private:
  int clientFd_ = -1;
  UniqueFd fd_;
  StreamDecoder decoder_;
  std::thread thread_;
};

TEST(FakeServer, BatchRepliesAreMatchedByReqIdNotOrder) {
  FakeServer server([](FakeServer& s) {
    std::vector<Message> reqs;
    for (int i = 0; i < 3; ++i) {
      reqs.push_back(s.next());
    }
    // Answer last first; each reply names the path it answers.
    for (int i = 2; i >= 0; --i) {
      std::string path = reqs[i].payload.substr(0, reqs[i].payload.find('\0'));
      if (path == "/missing") {
        s.send(MsgType::Error, reqs[i].hdr.reqId, "ENOENT\0"sv);
      } else {
        s.reply(reqs[i], "value of " + path);
      }
    }
  });
  auto c = server.client();
  auto batch = c->batch();
  batch.read("/a");
  batch.read("/missing");
  batch.read("/c");
  auto r = batch.run();
  ASSERT_EQ(r.size(), 3u);
  ASSERT_TRUE(r[0]);
  EXPECT_EQ(*r[0], "value of /a");
  ASSERT_FALSE(r[1]);
  EXPECT_EQ(r[1].error(), Err::ENOENT_);
  ASSERT_TRUE(r[2]);
  EXPECT_EQ(*r[2], "value of /c");
}

TEST(FakeServer, SynchronousCallsFromThreadsGetTheirOwnReplies) {
  constexpr int kThreads = 4;
  FakeServer server([](FakeServer& s) {
    std::vector<Message> reqs;
    for (int i = 0; i < kThreads; ++i) {
      reqs.push_back(s.next());
    }
    for (int i = kThreads - 1; i >= 0; --i) {
      s.reply(reqs[i], reqs[i].payload.substr(0, reqs[i].payload.find('\0')));
    }
  });
  auto c = server.client();
  std::vector<std::string> got(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      auto v = c->read("/t" + std::to_string(i));
      got[i] = v ? *v : "error";
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  for (int i = 0; i < kThreads; ++i) {
    EXPECT_EQ(got[i], "/t" + std::to_string(i));
  }
}

TEST(FakeServer, EventArrivingBeforeTheReplyIsQueued) {
  FakeServer server([](FakeServer& s) {
    Message w = s.next();  // WATCH /w cb
    s.reply(w, "OK\0"sv);
    Message w2 = s.next();  // WATCH /plain tok (no callback)
    s.reply(w2, "OK\0"sv);
    Message r = s.next();  // READ
    s.send(MsgType::WatchEvent, 0, "/w/x\0cb\0"sv);
    s.send(MsgType::WatchEvent, 0, "/plain/y\0tok\0"sv);
    s.reply(r, "value");
  });
  auto c = server.client();
  int pfd = c->pollFd();
  ASSERT_GE(pfd, 0);
  std::vector<WatchEvent> seen;
  ASSERT_TRUE(c->watch("/w", "cb", [&](const WatchEvent& e) { seen.push_back(e); }));
  ASSERT_TRUE(c->watch("/plain", "tok"));
  auto v = c->read("/r");
  ASSERT_TRUE(v);
  EXPECT_EQ(*v, "value");
  EXPECT_TRUE(seen.empty());  // callbacks run only from dispatchEvents()
  pollfd p{pfd, POLLIN, 0};
  EXPECT_EQ(::poll(&p, 1, 0), 1);  // queued events make the poll fd readable
  EXPECT_EQ(c->dispatchEvents(), 1u);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].path, "/w/x");
  EXPECT_EQ(seen[0].token, "cb");
  auto plain = c->readWatch(0);
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->path, "/plain/y");
  EXPECT_EQ(plain->token, "tok");
  EXPECT_EQ(::poll(&p, 1, 0), 0);  // nothing left
}

TEST(FakeServer, DirectoryFallsBackToPartsAndRestartsOnGenerationChange) {
  std::vector<std::string> offsets;
  FakeServer server([&](FakeServer& s) {
    Message d = s.next();
    EXPECT_EQ(d.hdr.type, uint32_t(MsgType::Directory));
    s.send(MsgType::Error, d.hdr.reqId, "E2BIG\0"sv);
    const std::string_view parts[] = {"7\0a\0b\0"sv, "8\0c\0"sv, "8\0a\0b\0"sv, "8\0c\0\0"sv};
    for (std::string_view part : parts) {
      Message p = s.next();
      EXPECT_EQ(p.hdr.type, uint32_t(MsgType::DirectoryPart));
      auto fields = splitNul(p.payload);
      offsets.push_back(fields.size() > 1 ? std::string(fields[1]) : "?");
      s.reply(p, part);
    }
  });
  auto c = server.client();
  auto list = c->directory("/big");
  ASSERT_TRUE(list);
  EXPECT_EQ(*list, (std::vector<std::string>{"a", "b", "c"}));
  // Byte offsets as libxenstore sends them; "8" made the client start over.
  EXPECT_EQ(offsets, (std::vector<std::string>{"0", "4", "0", "4"}));
}

TEST(FakeServer, DirectoryPartUnsupportedMeansTooBig) {
  FakeServer server([](FakeServer& s) {
    Message d = s.next();
    s.send(MsgType::Error, d.hdr.reqId, "E2BIG\0"sv);
    Message p = s.next();
    s.send(MsgType::Error, p.hdr.reqId, "ENOSYS\0"sv);
  });
  auto c = server.client();
  auto list = c->directory("/big");
  ASSERT_FALSE(list);
  EXPECT_EQ(list.error(), Err::E2BIG_);
}

TEST(FakeServer, UnknownErrorNamesBecomeEinval) {
  FakeServer server([](FakeServer& s) {
    Message m = s.next();
    s.send(MsgType::Error, m.hdr.reqId, "EQUOTA\0"sv);  // oxenstored's
  });
  auto c = server.client();
  auto r = c->write("/a", "b");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), Err::EINVAL_);
  EXPECT_TRUE(c->connected());
}

TEST(FakeServer, OversizedReplyClosesTheConnection) {
  FakeServer server([](FakeServer& s) {
    Message m = s.next();
    s.send(MsgType::Read, m.hdr.reqId, "x", 5000);
  });
  auto c = server.client();
  auto r = c->read("/a");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), Err::EIO_);
  EXPECT_FALSE(c->connected());
  EXPECT_EQ(c->read("/a").error(), Err::EIO_);
}

TEST(FakeServer, ReplyToNothingOrOfTheWrongTypeIsAProtocolError) {
  FakeServer server([](FakeServer& s) {
    Message m = s.next();
    s.send(MsgType::Read, m.hdr.reqId + 1000, "stray");
  });
  auto c = server.client();
  EXPECT_EQ(c->read("/a").error(), Err::EIO_);
  EXPECT_FALSE(c->connected());

  FakeServer server2([](FakeServer& s) {
    Message m = s.next();
    s.send(MsgType::Write, m.hdr.reqId, "OK\0"sv);
  });
  auto c2 = server2.client();
  EXPECT_EQ(c2->read("/a").error(), Err::EIO_);
}

TEST(FakeServer, PeerClosingFailsPendingCalls) {
  FakeServer server([](FakeServer& s) {
    s.next();
    s.close();
  });
  auto c = server.client();
  auto r = c->read("/a");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), Err::EIO_);
  EXPECT_FALSE(c->connected());
  EXPECT_FALSE(c->readWatch(-1));  // no wait forever on a dead connection
}

TEST(FakeServer, OverlongRequestsAreRefusedLocally) {
  FakeServer server([](FakeServer& s) {
    Message m = s.next();  // only the valid request arrives
    EXPECT_EQ(m.hdr.type, uint32_t(MsgType::Read));
    s.reply(m, "ok");
  });
  auto c = server.client();
  EXPECT_EQ(c->write("/a", std::string(5000, 'x')).error(), Err::E2BIG_);
  EXPECT_EQ(c->read(std::string_view("/a\0b", 4)).error(), Err::EINVAL_);
  auto batch = c->batch();
  batch.write("/big", std::string(4096, 'x'));
  batch.read("/fine");
  auto r = batch.run();
  EXPECT_EQ(r[0].error(), Err::E2BIG_);
  ASSERT_TRUE(r[1]);
  EXPECT_EQ(*r[1], "ok");
}

}  // namespace
}  // namespace xenia::xs
