// RpcClient against a scripted server on a temporary socket: answers,
// errors, answers dribbled byte by byte, silence (timeout), garbage, the
// wrong id, an over-long line, a server that hangs up, and no server.
#include "xend/rpc/client.h"

#include <gtest/gtest.h>

#include <functional>
#include <thread>

#include "fake_xend.h"

namespace xenia::xend {
namespace {

using xm::testing::listenOn;
using xm::testing::TempDir;

// Serves one connection: for each request line, `reply` returns the raw
// bytes to send back (may be empty: say nothing).
class ScriptedServer {
 public:
  using Reply = std::function<std::string(const Request&)>;
  explicit ScriptedServer(Reply reply) : path_(dir_.path() + "/s.sock"), reply_(std::move(reply)) {
    listen_ = listenOn(path_);
    thread_ = std::thread([this] {
      UniqueFd c(::accept(listen_.get(), nullptr, nullptr));
      LineBuffer lb;
      char buf[4096];
      ssize_t n;
      while ((n = ::read(c.get(), buf, sizeof(buf))) > 0) {
        lb.feed(std::string_view(buf, static_cast<size_t>(n)));
        while (auto line = lb.next()) {
          auto req = decodeRequest(*line);
          ASSERT_TRUE(req);
          ids_.push_back(req->id);
          std::string out = reply_(*req);
          if (out == "HANGUP") {
            return;
          }
          for (size_t i = 0; i < out.size(); i += chunk_) {
            (void)!::send(c.get(), out.data() + i, std::min(chunk_, out.size() - i), MSG_NOSIGNAL);
          }
        }
      }
    });
  }
  ~ScriptedServer() { thread_.join(); }
  const std::string& path() const { return path_; }
  void setChunk(size_t c) { chunk_ = c; }
  const std::vector<int64_t>& ids() const { return ids_; }

 private:
  TempDir dir_;
  std::string path_;
  Reply reply_;
  UniqueFd listen_;
  size_t chunk_ = 1 << 20;
  std::vector<int64_t> ids_;
  std::thread thread_;
};

TEST(RpcClient, CallsAnswersAndErrors) {
  std::vector<int64_t> seen;
  {
    ScriptedServer s([](const Request& r) {
      if (r.method == "domain.pause") {
        return encodeError(Json(r.id), RpcError{kENOENT, "Domain 'x' does not exist."});
      }
      return encodeResult(r.id, Json{{"echo", r.params}});
    });
    s.setChunk(1);  // every answer arrives one byte at a time
    auto c = RpcClient::connect(s.path());
    ASSERT_TRUE(c) << c.error().message;
    auto r = c->call("xend.ping", Json{{"a", 1}});
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(*r, Json::parse(R"({"echo": {"a": 1}})"));
    auto e = c->call("domain.pause", Json{{"dom", "x"}});
    ASSERT_FALSE(e);
    EXPECT_EQ(e.error(), (RpcError{kENOENT, "Domain 'x' does not exist."}));
    EXPECT_TRUE(c->connected());  // xend's own errors keep the connection
    EXPECT_TRUE(c->call("xend.ping"));
    c = unexpected(RpcError{});  // close before the server joins
    seen = s.ids();
  }
  EXPECT_EQ(seen, (std::vector<int64_t>{1, 2, 3}));
}

TEST(RpcClient, SilenceTimesOutAndClosesTheConnection) {
  ScriptedServer s([](const Request&) { return std::string(); });
  auto c = RpcClient::connect(s.path());
  ASSERT_TRUE(c);
  auto r = c->call("xend.ping", Json::object(), std::chrono::milliseconds(50));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, kETIMEDOUT);
  EXPECT_FALSE(c->connected());
  auto again = c->call("xend.ping");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, kECONNREFUSED);
}

TEST(RpcClient, GarbageWrongIdAndOverlongAnswersAreProtocolErrors) {
  for (std::string bad : {std::string("hello\n"), std::string("{\"id\": 99, \"result\": {}}\n"),
                          std::string(LineBuffer::kMaxLine + 10, 'x')}) {
    ScriptedServer s([bad](const Request&) { return bad; });
    auto c = RpcClient::connect(s.path());
    ASSERT_TRUE(c);
    auto r = c->call("xend.ping");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, kEPROTO) << r.error().message;
    EXPECT_EQ(r.error().message.rfind("malformed answer from xend: ", 0), 0u);
    c = unexpected(RpcError{});
  }
}

TEST(RpcClient, ServerHangsUp) {
  ScriptedServer s([](const Request&) { return std::string("HANGUP"); });
  auto c = RpcClient::connect(s.path());
  ASSERT_TRUE(c);
  auto r = c->call("xend.ping");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), (RpcError{kECONNREFUSED, "Connection closed by xend"}));
}

TEST(RpcClient, NoServer) {
  TempDir d;
  auto c = RpcClient::connect(d.path() + "/none.sock");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error(), (RpcError{kECONNREFUSED, "No such file or directory"}));
  {
    // A socket file nobody listens on any more.
    UniqueFd l = listenOn(d.path() + "/dead.sock");
  }
  c = RpcClient::connect(d.path() + "/dead.sock");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error(), (RpcError{kECONNREFUSED, "Connection refused"}));
  c = RpcClient::connect(std::string(200, 'a'));
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().message, "File name too long");
}

}  // namespace
}  // namespace xenia::xend
