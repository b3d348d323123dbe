// xend's RPC listener: socket mode 0600, pipelined requests answered in
// order on one connection, bad lines answered with an error, a line over
// 1 MiB answered and the connection closed, several clients at once.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

#include "xend/daemon/rpc_server.h"

namespace xenia::xend {
namespace {

using namespace std::chrono_literals;

class RpcServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/xrs-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    auto handler = [this](const std::string& m, const Json& p) -> Expected<Json, RpcError> {
      ++calls_;
      if (m == "echo") {
        return Json{{"echo", p}};
      }
      return unexpected(RpcError{kENOSYS, "Unknown method '" + m + "'."});
    };
    auto s = RpcServer::listen(loop_, dir_ + "/x.sock", handler);
    ASSERT_TRUE(s) << s.error();
    server_ = std::move(*s);
  }
  void TearDown() override {
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  int connectClient() {
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::snprintf(a.sun_path, sizeof a.sun_path, "%s", server_->path().c_str());
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    return fd;
  }

  // Sends `out` (from a thread, it may be large), runs the loop until `lines`
  // answer lines arrived or the peer closed; returns what came back.
  std::string exchange(int fd, const std::string& out, size_t lines) {
    std::thread writer([fd, out] {
      size_t off = 0;
      while (off < out.size()) {
        ssize_t n = ::send(fd, out.data() + off, out.size() - off, MSG_NOSIGNAL);
        if (n <= 0) {
          return;
        }
        off += static_cast<size_t>(n);
      }
    });
    std::string in;
    auto deadline = std::chrono::steady_clock::now() + 20s;
    while (std::count(in.begin(), in.end(), '\n') < static_cast<long>(lines) &&
           std::chrono::steady_clock::now() < deadline) {
      loop_.runOnce(10ms);
      char buf[65536];
      ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
      if (n > 0) {
        in.append(buf, static_cast<size_t>(n));
      } else if (n == 0) {
        break;
      }
    }
    writer.join();
    return in;
  }

  std::string dir_;
  EventLoop loop_;
  std::unique_ptr<RpcServer> server_;
  int calls_ = 0;
};

TEST_F(RpcServerTest, SocketIsPrivate) {
  struct stat st {};
  ASSERT_EQ(::stat(server_->path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(RpcServerTest, PipelinedRequestsAreAnsweredInOrder) {
  int fd = connectClient();
  std::string out;
  for (int i = 1; i <= 50; ++i) {
    out += encodeRequest({i, "echo", Json{{"n", i}}});
  }
  out += encodeRequest({51, "nope", Json::object()});
  out += "{not json\n";
  std::string in = exchange(fd, out, 52);
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t nl; (nl = in.find('\n', start)) != std::string::npos; start = nl + 1) {
    lines.push_back(in.substr(start, nl - start));
  }
  ASSERT_EQ(lines.size(), 52u) << in;
  for (int i = 1; i <= 50; ++i) {
    auto r = decodeResponse(lines[static_cast<size_t>(i - 1)]);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->id, i);
    ASSERT_TRUE(r->ok);
    EXPECT_EQ(r->result["echo"]["n"], i);
  }
  auto unknown = decodeResponse(lines[50]);
  ASSERT_TRUE(unknown);
  EXPECT_FALSE(unknown->ok);
  EXPECT_EQ(unknown->error.code, "ENOSYS");
  Json bad = Json::parse(lines[51]);
  EXPECT_TRUE(bad["id"].is_null());
  EXPECT_TRUE(bad.contains("error"));
  EXPECT_EQ(calls_, 51);
  ::close(fd);
}

TEST_F(RpcServerTest, AnOversizedLineClosesTheConnection) {
  int fd = connectClient();
  std::string out = encodeRequest({1, "echo", Json::object()});
  out += std::string(LineBuffer::kMaxLine + 10, 'x');
  std::string in = exchange(fd, out, 3);
  // The complete request before it is still answered, then an error, then EOF.
  ASSERT_EQ(std::count(in.begin(), in.end(), '\n'), 2) << in.substr(0, 200);
  EXPECT_NE(in.find("\"echo\""), std::string::npos);
  EXPECT_NE(in.find("EINVAL"), std::string::npos);
  char c;
  for (int i = 0; i < 100 && ::recv(fd, &c, 1, MSG_DONTWAIT) < 0; ++i) {
    loop_.runOnce(10ms);
  }
  EXPECT_EQ(::recv(fd, &c, 1, MSG_DONTWAIT), 0);  // closed by the server
  ::close(fd);
}

TEST_F(RpcServerTest, ClientsAreIndependent) {
  int a = connectClient();
  int b = connectClient();
  std::string inB = exchange(b, encodeRequest({7, "echo", Json{{"who", "b"}}}), 1);
  std::string inA = exchange(a, encodeRequest({7, "echo", Json{{"who", "a"}}}), 1);
  EXPECT_NE(inA.find("\"a\""), std::string::npos);
  EXPECT_NE(inB.find("\"b\""), std::string::npos);
  ::close(a);
  ::close(b);
  loop_.runOnce(10ms);
}

}  // namespace
}  // namespace xenia::xend
