// TUNSETIFF without TUNSETPERSIST; getifaddrs for addresses.
#include "net/io/tap.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <sys/ioctl.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace xenia::net {

Expected<UniqueFd, std::string> openTap(const std::string& name) {
  if (name.size() >= IFNAMSIZ) {
    return unexpected(fmt::format("interface name {} is too long", name));
  }
  if (linkIndex(name) != 0) {
    return unexpected(fmt::format("interface {} already exists", name));
  }
  UniqueFd fd(::open("/dev/net/tun", O_RDWR | O_CLOEXEC));
  if (!fd) {
    return unexpected(fmt::format("/dev/net/tun: {}", std::strerror(errno)));
  }
  ifreq ifr{};
  std::memcpy(ifr.ifr_name, name.c_str(), name.size());
  ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
  if (::ioctl(fd.get(), TUNSETIFF, &ifr) != 0) {
    return unexpected(fmt::format("creating tap {}: {}", name, std::strerror(errno)));
  }
  return fd;
}

uint32_t linkIndex(const std::string& name) { return ::if_nametoindex(name.c_str()); }

std::optional<std::pair<uint32_t, uint8_t>> ipv4Of(const std::string& ifname) {
  ifaddrs* all = nullptr;
  if (::getifaddrs(&all) != 0) {
    return std::nullopt;
  }
  std::optional<std::pair<uint32_t, uint8_t>> out;
  for (ifaddrs* a = all; a && !out; a = a->ifa_next) {
    if (a->ifa_addr && a->ifa_addr->sa_family == AF_INET && ifname == a->ifa_name) {
      uint32_t addr = ntohl(reinterpret_cast<sockaddr_in*>(a->ifa_addr)->sin_addr.s_addr);
      uint32_t mask = a->ifa_netmask
                          ? ntohl(reinterpret_cast<sockaddr_in*>(a->ifa_netmask)->sin_addr.s_addr)
                          : 0xffffffff;
      out = std::make_pair(addr, static_cast<uint8_t>(__builtin_popcount(mask)));
    }
  }
  ::freeifaddrs(all);
  return out;
}

Expected<Ok, std::string> writeSysctl(const std::string& rel, const std::string& value) {
  std::string path = "/proc/sys/net/ipv4/" + rel;
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd || ::write(fd.get(), value.data(), value.size()) < 0) {
    return unexpected(fmt::format("{}: {}", path, std::strerror(errno)));
  }
  return Ok{};
}

}  // namespace xenia::net
