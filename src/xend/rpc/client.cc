// RpcClient: a non-blocking socket driven by poll() so every read and write
// honours the call's deadline; MSG_NOSIGNAL so a dead xend is an error, not
// a SIGPIPE.
#include "xend/rpc/client.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>

namespace xenia::xend {
namespace {

using Clock = std::chrono::steady_clock;

RpcError connError(int err) { return RpcError{kECONNREFUSED, std::strerror(err)}; }

// Milliseconds left until deadline for poll(), at least 0.
int remainingMs(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  if (left.count() <= 0) {
    return 0;
  }
  return left.count() > 1'000'000'000 ? 1'000'000'000 : static_cast<int>(left.count());
}

// Waits for `events` on fd; false on timeout. errno set on error (-1 → false
// with errno != 0).
int waitFor(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    pollfd p{fd, events, 0};
    int n = ::poll(&p, 1, remainingMs(deadline));
    if (n < 0 && errno == EINTR) {
      continue;
    }
    return n;
  }
}

}  // namespace

Expected<RpcClient, RpcError> RpcClient::connect(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof(addr.sun_path)) {
    return unexpected(connError(ENAMETOOLONG));
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) {
    return unexpected(connError(errno));
  }
  int rc;
  do {
    rc = ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr));
  } while (rc < 0 && errno == EINTR);
  if (rc < 0) {
    return unexpected(connError(errno));
  }
  int flags = ::fcntl(fd.get(), F_GETFL);
  if (flags < 0 || ::fcntl(fd.get(), F_SETFL, flags | O_NONBLOCK) < 0) {
    return unexpected(connError(errno));
  }
  return RpcClient(std::move(fd));
}

Expected<Ok, RpcError> RpcClient::writeAll(std::string_view data, Clock::time_point deadline) {
  while (!data.empty()) {
    ssize_t n = ::send(fd_.get(), data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      int w = waitFor(fd_.get(), POLLOUT, deadline);
      if (w < 0) {
        return unexpected(connError(errno));
      }
      if (w == 0) {
        return unexpected(RpcError{kETIMEDOUT, "timed out sending to xend"});
      }
      continue;
    }
    return unexpected(connError(n < 0 ? errno : EPIPE));
  }
  return Ok{};
}

Expected<std::string, RpcError> RpcClient::readLine(Clock::time_point deadline) {
  char chunk[65536];
  for (;;) {
    if (auto line = in_.next()) {
      return std::move(*line);
    }
    if (in_.overflowed()) {
      return unexpected(RpcError{kEPROTO, "malformed answer from xend: line longer than " +
                                              std::to_string(in_.maxLine()) + " bytes"});
    }
    ssize_t n = ::recv(fd_.get(), chunk, sizeof(chunk), 0);
    if (n > 0) {
      in_.feed(std::string_view(chunk, static_cast<size_t>(n)));
      continue;
    }
    if (n == 0) {
      return unexpected(RpcError{kECONNREFUSED, "Connection closed by xend"});
    }
    if (errno == EINTR) {
      continue;
    }
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      return unexpected(connError(errno));
    }
    int w = waitFor(fd_.get(), POLLIN, deadline);
    if (w < 0) {
      return unexpected(connError(errno));
    }
    if (w == 0) {
      return unexpected(RpcError{kETIMEDOUT, "timed out waiting for xend"});
    }
  }
}

Expected<Json, RpcError> RpcClient::call(std::string_view method, const Json& params,
                                         std::chrono::milliseconds timeout) {
  if (!fd_) {
    return unexpected(connError(ENOTCONN));
  }
  auto deadline = Clock::now() + timeout;
  Request req;
  req.id = nextId_++;
  req.method = std::string(method);
  req.params = params.is_null() ? Json::object() : params;
  auto fail = [&](RpcError e) -> Expected<Json, RpcError> {
    fd_.reset();
    return unexpected(std::move(e));
  };
  if (auto w = writeAll(encodeRequest(req), deadline); !w) {
    return fail(w.error());
  }
  auto line = readLine(deadline);
  if (!line) {
    return fail(line.error());
  }
  auto resp = decodeResponse(*line);
  if (!resp) {
    return fail(resp.error());
  }
  // Calls are sequential and a failed one closes the socket, so the answer
  // must be this call's.
  if (resp->id != req.id) {
    return fail(
        RpcError{kEPROTO, "malformed answer from xend: unexpected id " + std::to_string(resp->id)});
  }
  if (!resp->ok) {
    return unexpected(std::move(resp->error));
  }
  return std::move(resp->result);
}

}  // namespace xenia::xend
