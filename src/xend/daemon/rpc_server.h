// xend's RPC socket (docs/specs/xend-protocol.md): a unix stream listener
// (mode 0600) in the EventLoop, one LineBuffer per connection, requests
// answered in order. Output per connection is bounded; a peer that stops
// reading while pipelining beyond it is disconnected.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "common/expected.h"
#include "common/unique_fd.h"
#include "xend/loop/event_loop.h"
#include "xend/rpc/line_buffer.h"
#include "xend/rpc/message.h"

namespace xenia::xend {

class RpcServer {
 public:
  using Handler = std::function<Expected<Json, RpcError>(const std::string&, const Json&)>;
  static constexpr size_t kMaxOutput = 64 << 20;
  static constexpr size_t kMaxConnections = 256;

  static Expected<std::unique_ptr<RpcServer>, std::string> listen(EventLoop& loop,
                                                                  const std::string& path,
                                                                  Handler handler);
  ~RpcServer();  // closes connections, removes the socket file

  const std::string& path() const { return path_; }

 private:
  struct Conn {
    UniqueFd fd;
    LineBuffer in;
    std::string out;
    bool closing = false;  // flush, then close
  };
  RpcServer(EventLoop& loop, std::string path, Handler h)
      : loop_(loop), path_(std::move(path)), handler_(std::move(h)) {}
  void onAccept();
  void onConn(int fd, uint32_t events);
  void serve(int fd);
  bool flush(int fd);
  void drop(int fd);

  EventLoop& loop_;
  std::string path_;
  Handler handler_;
  UniqueFd listen_;
  std::map<int, std::unique_ptr<Conn>> conns_;
};

}  // namespace xenia::xend
