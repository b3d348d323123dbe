// Blocking client of xend's RPC socket, as xm uses it: connect, then one call
// at a time, each waiting for its answer up to a timeout.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "common/expected.h"
#include "common/unique_fd.h"
#include "xend/rpc/line_buffer.h"
#include "xend/rpc/message.h"

namespace xenia::xend {

class RpcClient {
 public:
  // kECONNREFUSED with strerror(errno) as the message ("No such file or
  // directory", "Connection refused") when the socket cannot be reached.
  static Expected<RpcClient, RpcError> connect(const std::string& path);

  // Sends {"id","method","params"} and waits for the answer with that id.
  // xend's own errors come back as they were sent; a broken connection is
  // kECONNREFUSED, no answer in time kETIMEDOUT, a garbled answer kEPROTO.
  // After a local error the connection is closed and later calls fail.
  Expected<Json, RpcError> call(std::string_view method, const Json& params = Json::object(),
                                std::chrono::milliseconds timeout = std::chrono::seconds(60));

  bool connected() const { return static_cast<bool>(fd_); }

 private:
  explicit RpcClient(UniqueFd fd) : fd_(std::move(fd)) {}
  Expected<Ok, RpcError> writeAll(std::string_view data,
                                  std::chrono::steady_clock::time_point deadline);
  Expected<std::string, RpcError> readLine(std::chrono::steady_clock::time_point deadline);

  UniqueFd fd_;
  LineBuffer in_;
  int64_t nextId_ = 1;
};

}  // namespace xenia::xend
