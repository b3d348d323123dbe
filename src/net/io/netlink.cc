// Netlink send/ack: one request in flight; replies longer than the buffer
// are truncated by the kernel (an ack is small), and a bounded wait keeps a
// wedged socket from blocking xend.
#include "net/io/netlink.h"

#include <linux/netlink.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <functional>

#include <fmt/format.h>

namespace xenia::net {

Expected<Netlink, std::string> Netlink::open() {
  Netlink n;
  n.fd_.reset(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
  if (!n.fd_) {
    return unexpected(fmt::format("netlink socket: {}", std::strerror(errno)));
  }
  sockaddr_nl sa{};
  sa.nl_family = AF_NETLINK;
  if (::bind(n.fd_.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
    return unexpected(fmt::format("netlink bind: {}", std::strerror(errno)));
  }
  return n;
}

Expected<Ok, std::string> Netlink::exchange(const NlRequest& r, char* buf, size_t size,
                                            const std::function<bool(const nlmsghdr&)>& take) {
  Bytes b = r.bytes;
  uint32_t seq = nextSeq();
  std::memcpy(b.data() + offsetof(nlmsghdr, nlmsg_seq), &seq, sizeof seq);
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (::sendto(fd_.get(), b.data(), b.size(), 0, reinterpret_cast<sockaddr*>(&kernel),
               sizeof kernel) < 0) {
    return unexpected(fmt::format("{}: {}", r.what, std::strerror(errno)));
  }
  for (;;) {
    pollfd p{fd_.get(), POLLIN, 0};
    if (::poll(&p, 1, 5000) <= 0) {
      return unexpected(fmt::format("{}: no answer from the kernel", r.what));
    }
    ssize_t n = ::recv(fd_.get(), buf, size, 0);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return unexpected(fmt::format("{}: {}", r.what, std::strerror(errno)));
    }
    for (auto* h = reinterpret_cast<nlmsghdr*>(buf); NLMSG_OK(h, static_cast<size_t>(n));
         h = NLMSG_NEXT(h, n)) {
      if (h->nlmsg_seq == seq && !take(*h)) {
        return Ok{};
      }
    }
  }
}

Expected<Ok, std::string> Netlink::request(const NlRequest& r, int* errnoOut) {
  if (errnoOut) {
    *errnoOut = 0;
  }
  alignas(nlmsghdr) char buf[8192];
  int err = 0;
  auto x = exchange(r, buf, sizeof buf, [&](const nlmsghdr& h) {
    if (h.nlmsg_type != NLMSG_ERROR) {
      return true;
    }
    err = -static_cast<const nlmsgerr*>(NLMSG_DATA(&h))->error;
    return false;
  });
  if (!x) {
    return x;
  }
  if (err == 0) {
    return Ok{};
  }
  if (errnoOut) {
    *errnoOut = err;
  }
  return unexpected(fmt::format("{}: {}", r.what, std::strerror(err)));
}

Expected<Bytes, std::string> Netlink::dump(const NlRequest& r) {
  constexpr size_t kMax = 4 << 20;
  alignas(nlmsghdr) static char buf[65536];  // the kernel fills up to 32 KiB per part
  Bytes out;
  std::string fault;
  auto x = exchange(r, buf, sizeof buf, [&](const nlmsghdr& h) {
    if (h.nlmsg_type == NLMSG_DONE) {
      return false;
    }
    if (h.nlmsg_type == NLMSG_ERROR) {
      fault = std::strerror(-static_cast<const nlmsgerr*>(NLMSG_DATA(&h))->error);
      return false;
    }
    if (out.size() + NLMSG_ALIGN(h.nlmsg_len) > kMax) {
      fault = fmt::format("more than {} bytes", kMax);
      return false;
    }
    const auto* c = reinterpret_cast<const uint8_t*>(&h);
    out.insert(out.end(), c, c + h.nlmsg_len);
    out.resize(NLMSG_ALIGN(out.size()), 0);
    return true;
  });
  if (!x) {
    return unexpected(x.error());
  }
  if (!fault.empty()) {
    return unexpected(fmt::format("{}: {}", r.what, fault));
  }
  return out;
}

}  // namespace xenia::net
