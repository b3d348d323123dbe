// Finding the XenStore port and resetting its session (port.h).
#include "xenstore/guest/port.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <string_view>

#include "common/unique_fd.h"
#include "xenstore/wire/wire.h"

namespace xenia::xs::guest {

std::string portName(int index) {
  return index == 0 ? std::string(kPortName) : std::string(kPortName) + "." + std::to_string(index);
}

std::string findPort(const std::string& devRoot, const std::string& sysRoot,
                     const std::string& portName) {
  std::string link = devRoot + "/virtio-ports/" + portName;
  if (::access(link.c_str(), F_OK) == 0) {
    return link;
  }
  DIR* dir = ::opendir(sysRoot.c_str());
  if (!dir) {
    return "";
  }
  std::string found;
  while (dirent* e = ::readdir(dir)) {
    std::string_view n = e->d_name;
    if (n == "." || n == "..") {
      continue;
    }
    std::ifstream f(sysRoot + "/" + std::string(n) + "/name");
    std::string name;
    if (std::getline(f, name) && name == portName) {
      found = devRoot + "/" + std::string(n);
      break;
    }
  }
  ::closedir(dir);
  return found;
}

int resetSession(const std::string& device, int timeoutMs) {
  UniqueFd fd(::open(device.c_str(), O_RDWR | O_CLOEXEC | O_NONBLOCK));
  if (!fd) {
    return errno;
  }
  // A req_id no tool's client uses first (they count from 1).
  constexpr uint32_t kResetId = 0x58454e49;  // "XENI"
  std::string msg;
  appendMessage(msg, static_cast<uint32_t>(MsgType::ResetWatches), kResetId, 0,
                std::string_view("\0", 1));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
  auto left = [&] {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    return static_cast<int>(std::max<int64_t>(0, ms.count()));
  };
  size_t sent = 0;
  while (sent < msg.size()) {
    ssize_t n = ::write(fd.get(), msg.data() + sent, msg.size() - sent);
    if (n > 0) {
      sent += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno != EAGAIN && errno != EINTR) {
      return errno;
    }
    pollfd p{fd.get(), POLLOUT, 0};
    if (::poll(&p, 1, left()) == 0) {
      return ETIMEDOUT;
    }
  }
  // Skip whole messages (stale replies, events) until the reset's reply.
  std::string buf;
  char chunk[4096];
  for (;;) {
    while (buf.size() >= kHeaderSize) {
      Header h = decodeHeader(buf.data());
      if (h.len > kPayloadMax) {
        return EBADMSG;  // not a XenStore stream
      }
      if (buf.size() < kHeaderSize + h.len) {
        break;
      }
      buf.erase(0, kHeaderSize + h.len);
      if (h.reqId == kResetId && h.type != static_cast<uint32_t>(MsgType::WatchEvent)) {
        return h.type == static_cast<uint32_t>(MsgType::ResetWatches) ? 0 : EPROTO;
      }
    }
    ssize_t n = ::read(fd.get(), chunk, sizeof chunk);
    if (n > 0) {
      buf.append(chunk, static_cast<size_t>(n));
      continue;
    }
    if (n == 0) {
      // The host end is not connected (yet): wait for it.
      ::usleep(20000);
    } else if (errno != EAGAIN && errno != EINTR) {
      return errno;
    } else {
      pollfd p{fd.get(), POLLIN, 0};
      ::poll(&p, 1, std::min(left(), 100));
    }
    if (left() == 0) {
      return ETIMEDOUT;
    }
  }
}

}  // namespace xenia::xs::guest
