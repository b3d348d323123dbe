// Netlink send/ack: one request in flight; replies longer than the buffer
// are truncated by the kernel (an ack is small), and a bounded wait keeps a
// wedged socket from blocking xend.
#include "net/io/netlink.h"

#include <linux/netlink.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

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

Expected<Ok, std::string> Netlink::request(const NlRequest& r, int* errnoOut) {
  if (errnoOut) {
    *errnoOut = 0;
  }
  Bytes b = r.bytes;
  uint32_t seq = nextSeq();
  std::memcpy(b.data() + offsetof(nlmsghdr, nlmsg_seq), &seq, sizeof seq);
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (::sendto(fd_.get(), b.data(), b.size(), 0, reinterpret_cast<sockaddr*>(&kernel),
               sizeof kernel) < 0) {
    return unexpected(fmt::format("{}: {}", r.what, std::strerror(errno)));
  }
  alignas(nlmsghdr) char buf[8192];
  for (;;) {
    pollfd p{fd_.get(), POLLIN, 0};
    if (::poll(&p, 1, 5000) <= 0) {
      return unexpected(fmt::format("{}: no answer from the kernel", r.what));
    }
    ssize_t n = ::recv(fd_.get(), buf, sizeof buf, 0);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return unexpected(fmt::format("{}: {}", r.what, std::strerror(errno)));
    }
    for (auto* h = reinterpret_cast<nlmsghdr*>(buf); NLMSG_OK(h, static_cast<size_t>(n));
         h = NLMSG_NEXT(h, n)) {
      if (h->nlmsg_seq != seq || h->nlmsg_type != NLMSG_ERROR) {
        continue;
      }
      const auto* e = static_cast<const nlmsgerr*>(NLMSG_DATA(h));
      if (e->error == 0) {
        return Ok{};
      }
      if (errnoOut) {
        *errnoOut = -e->error;
      }
      return unexpected(fmt::format("{}: {}", r.what, std::strerror(-e->error)));
    }
  }
}

Expected<Bytes, std::string> Netlink::dump(const NlRequest& r) {
  Bytes b = r.bytes;
  uint32_t seq = nextSeq();
  std::memcpy(b.data() + offsetof(nlmsghdr, nlmsg_seq), &seq, sizeof seq);
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (::sendto(fd_.get(), b.data(), b.size(), 0, reinterpret_cast<sockaddr*>(&kernel),
               sizeof kernel) < 0) {
    return unexpected(fmt::format("{}: {}", r.what, std::strerror(errno)));
  }
  constexpr size_t kMax = 4 << 20;
  Bytes out;
  alignas(nlmsghdr) static char buf[65536];  // the kernel fills up to 32 KiB per part
  for (;;) {
    pollfd p{fd_.get(), POLLIN, 0};
    if (::poll(&p, 1, 5000) <= 0) {
      return unexpected(fmt::format("{}: no answer from the kernel", r.what));
    }
    ssize_t n = ::recv(fd_.get(), buf, sizeof buf, 0);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return unexpected(fmt::format("{}: {}", r.what, std::strerror(errno)));
    }
    for (auto* h = reinterpret_cast<nlmsghdr*>(buf); NLMSG_OK(h, static_cast<size_t>(n));
         h = NLMSG_NEXT(h, n)) {
      if (h->nlmsg_seq != seq) {
        continue;
      }
      if (h->nlmsg_type == NLMSG_DONE) {
        return out;
      }
      if (h->nlmsg_type == NLMSG_ERROR) {
        const auto* e = static_cast<const nlmsgerr*>(NLMSG_DATA(h));
        return unexpected(fmt::format("{}: {}", r.what, std::strerror(-e->error)));
      }
      if (out.size() + NLMSG_ALIGN(h->nlmsg_len) > kMax) {
        return unexpected(fmt::format("{}: more than {} bytes", r.what, kMax));
      }
      const auto* c = reinterpret_cast<const uint8_t*>(h);
      out.insert(out.end(), c, c + h->nlmsg_len);
      out.resize(NLMSG_ALIGN(out.size()), 0);
    }
  }
}

}  // namespace xenia::net
