// rtnetlink message layout (linux/netlink.h, linux/rtnetlink.h, if_link.h):
// nlmsghdr, the family header (ifinfomsg, ifaddrmsg, rtmsg), then attributes
// each padded to 4 bytes; IFLA_LINKINFO nests IFLA_INFO_KIND/IFLA_INFO_DATA.
#include "net/plan/rtnl.h"

#include <arpa/inet.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

#include <charconv>
#include <cstring>

#include <fmt/format.h>

namespace xenia::net {
namespace {

constexpr uint16_t kIflaVlanId = 1;  // IFLA_VLAN_ID (linux/if_link.h)

class Msg {
 public:
  Msg(uint16_t type, uint16_t flags, uint32_t seq) {
    nlmsghdr h{};
    h.nlmsg_type = type;
    h.nlmsg_flags = static_cast<uint16_t>(NLM_F_REQUEST | NLM_F_ACK | flags);
    h.nlmsg_seq = seq;
    append(&h, sizeof h);
  }
  template <class T>
  void header(const T& t) {
    append(&t, sizeof t);
  }
  void attr(uint16_t type, const void* data, size_t len) {
    rtattr a{};
    a.rta_type = type;
    a.rta_len = static_cast<uint16_t>(RTA_LENGTH(len));
    append(&a, sizeof a);
    append(data, len);
  }
  void attrStr(uint16_t type, std::string_view s) {
    std::string z(s);
    attr(type, z.c_str(), z.size() + 1);
  }
  template <class T>
  void attrVal(uint16_t type, T v) {
    attr(type, &v, sizeof v);
  }
  size_t begin(uint16_t type) {
    size_t at = b_.size();
    attr(type, nullptr, 0);
    return at;
  }
  void end(size_t at) {
    uint16_t len = static_cast<uint16_t>(b_.size() - at);
    std::memcpy(b_.data() + at, &len, sizeof len);
  }
  Bytes done() {
    uint32_t len = static_cast<uint32_t>(b_.size());
    std::memcpy(b_.data(), &len, sizeof len);
    return std::move(b_);
  }

 private:
  void append(const void* p, size_t n) {
    const auto* c = static_cast<const uint8_t*>(p);
    b_.insert(b_.end(), c, c + n);
    b_.resize((b_.size() + 3) & ~size_t{3}, 0);
  }
  Bytes b_;
};

Msg linkMsg(uint16_t type, uint16_t flags, uint32_t seq, uint32_t change = 0,
            uint32_t ifflags = 0) {
  Msg m(type, flags, seq);
  ifinfomsg i{};
  i.ifi_family = AF_UNSPEC;
  i.ifi_flags = ifflags;
  i.ifi_change = change;
  m.header(i);
  return m;
}

}  // namespace

NlRequest linkAddBridge(uint32_t seq, std::string_view name) {
  Msg m = linkMsg(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, seq);
  m.attrStr(IFLA_IFNAME, name);
  size_t li = m.begin(IFLA_LINKINFO);
  m.attrStr(IFLA_INFO_KIND, "bridge");
  m.end(li);
  return {fmt::format("link add {} type bridge", name), m.done()};
}

NlRequest linkAddVlan(uint32_t seq, std::string_view name, uint32_t parentIndex, uint16_t vlanId) {
  Msg m = linkMsg(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, seq);
  m.attrStr(IFLA_IFNAME, name);
  m.attrVal<uint32_t>(IFLA_LINK, parentIndex);
  size_t li = m.begin(IFLA_LINKINFO);
  m.attrStr(IFLA_INFO_KIND, "vlan");
  size_t data = m.begin(IFLA_INFO_DATA);
  m.attrVal<uint16_t>(kIflaVlanId, vlanId);
  m.end(data);
  m.end(li);
  return {fmt::format("link add link #{} name {} type vlan id {}", parentIndex, name, vlanId),
          m.done()};
}

NlRequest linkSetMaster(uint32_t seq, std::string_view name, uint32_t masterIndex) {
  Msg m = linkMsg(RTM_NEWLINK, 0, seq);
  m.attrStr(IFLA_IFNAME, name);
  m.attrVal<uint32_t>(IFLA_MASTER, masterIndex);
  return {masterIndex ? fmt::format("link set {} master #{}", name, masterIndex)
                      : fmt::format("link set {} nomaster", name),
          m.done()};
}

NlRequest linkSet(uint32_t seq, std::string_view name, bool up, std::optional<uint32_t> mtu,
                  std::optional<std::array<uint8_t, 6>> mac) {
  Msg m = linkMsg(RTM_NEWLINK, 0, seq, IFF_UP, up ? IFF_UP : 0);
  m.attrStr(IFLA_IFNAME, name);
  std::string what = fmt::format("link set {} {}", name, up ? "up" : "down");
  if (mtu) {
    m.attrVal<uint32_t>(IFLA_MTU, *mtu);
    what += fmt::format(" mtu {}", *mtu);
  }
  if (mac) {
    m.attr(IFLA_ADDRESS, mac->data(), mac->size());
    what += fmt::format(" address {:02x}", fmt::join(*mac, ":"));
  }
  return {what, m.done()};
}

NlRequest linkDel(uint32_t seq, std::string_view name) {
  Msg m = linkMsg(RTM_DELLINK, 0, seq);
  m.attrStr(IFLA_IFNAME, name);
  return {fmt::format("link del {}", name), m.done()};
}

NlRequest addrAdd(uint32_t seq, uint32_t ifindex, uint32_t addr, uint8_t prefix) {
  Msg m(RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE, seq);
  ifaddrmsg a{};
  a.ifa_family = AF_INET;
  a.ifa_prefixlen = prefix;
  a.ifa_index = ifindex;
  m.header(a);
  uint32_t be = htonl(addr);
  m.attrVal<uint32_t>(IFA_LOCAL, be);
  m.attrVal<uint32_t>(IFA_ADDRESS, be);
  return {fmt::format("addr add {}/{} dev #{}", formatIpv4(addr), prefix, ifindex), m.done()};
}

namespace {
Msg routeMsg(uint16_t type, uint16_t flags, uint32_t seq, uint32_t ifindex, uint32_t addr,
             uint8_t prefix) {
  Msg m(type, flags, seq);
  rtmsg r{};
  r.rtm_family = AF_INET;
  r.rtm_dst_len = prefix;
  r.rtm_table = RT_TABLE_MAIN;
  r.rtm_protocol = RTPROT_BOOT;
  r.rtm_scope = RT_SCOPE_LINK;
  r.rtm_type = RTN_UNICAST;
  m.header(r);
  m.attrVal<uint32_t>(RTA_DST, htonl(addr));
  m.attrVal<uint32_t>(RTA_OIF, ifindex);
  return m;
}
}  // namespace

NlRequest routeAdd(uint32_t seq, uint32_t ifindex, uint32_t addr, uint8_t prefix, uint32_t src) {
  Msg m = routeMsg(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, seq, ifindex, addr, prefix);
  std::string what = fmt::format("route add {}/{} dev #{}", formatIpv4(addr), prefix, ifindex);
  if (src) {
    m.attrVal<uint32_t>(RTA_PREFSRC, htonl(src));
    what += " src " + formatIpv4(src);
  }
  return {what, m.done()};
}

NlRequest routeDel(uint32_t seq, uint32_t ifindex, uint32_t addr, uint8_t prefix) {
  Msg m = routeMsg(RTM_DELROUTE, 0, seq, ifindex, addr, prefix);
  return {fmt::format("route del {}/{} dev #{}", formatIpv4(addr), prefix, ifindex), m.done()};
}

NlRequest addrDel(uint32_t seq, uint32_t ifindex, uint32_t addr, uint8_t prefix) {
  Msg m(RTM_DELADDR, 0, seq);
  ifaddrmsg a{};
  a.ifa_family = AF_INET;
  a.ifa_prefixlen = prefix;
  a.ifa_index = ifindex;
  m.header(a);
  m.attrVal<uint32_t>(IFA_LOCAL, htonl(addr));
  return {fmt::format("addr del {}/{} dev #{}", formatIpv4(addr), prefix, ifindex), m.done()};
}

namespace {
Msg fullRouteMsg(uint16_t type, uint16_t flags, uint32_t seq, uint32_t ifindex,
                 const Ipv4Route& rt, std::string& what) {
  Msg m(type, flags, seq);
  rtmsg r{};
  r.rtm_family = AF_INET;
  r.rtm_dst_len = rt.prefix;
  r.rtm_table = RT_TABLE_MAIN;
  r.rtm_protocol = rt.protocol;
  r.rtm_scope = rt.scope;
  r.rtm_type = RTN_UNICAST;
  m.header(r);
  what = rt.prefix ? fmt::format("{}/{}", formatIpv4(rt.dst), rt.prefix) : "default";
  if (rt.prefix) {
    m.attrVal<uint32_t>(RTA_DST, htonl(rt.dst));
  }
  if (rt.gateway) {
    m.attrVal<uint32_t>(RTA_GATEWAY, htonl(rt.gateway));
    what += " via " + formatIpv4(rt.gateway);
  }
  m.attrVal<uint32_t>(RTA_OIF, ifindex);
  what += fmt::format(" dev #{}", ifindex);
  if (rt.prefsrc) {
    m.attrVal<uint32_t>(RTA_PREFSRC, htonl(rt.prefsrc));
    what += " src " + formatIpv4(rt.prefsrc);
  }
  if (rt.metric) {
    m.attrVal<uint32_t>(RTA_PRIORITY, rt.metric);
    what += fmt::format(" metric {}", rt.metric);
  }
  return m;
}

NlRequest dumpMsg(uint16_t type, uint8_t family, size_t headerSize, uint32_t seq,
                      std::string what) {
  nlmsghdr h{};
  h.nlmsg_len = static_cast<uint32_t>(NLMSG_LENGTH(headerSize));
  h.nlmsg_type = type;
  h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  h.nlmsg_seq = seq;
  Bytes b(NLMSG_SPACE(headerSize), 0);
  std::memcpy(b.data(), &h, sizeof h);
  b[NLMSG_HDRLEN] = family;  // ifa_family / rtm_family: the first byte of both
  return {std::move(what), std::move(b)};
}
}  // namespace

NlRequest routeAddFull(uint32_t seq, uint32_t ifindex, const Ipv4Route& r) {
  std::string what;
  Msg m = fullRouteMsg(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, seq, ifindex, r, what);
  return {"route add " + what, m.done()};
}

NlRequest routeDelFull(uint32_t seq, uint32_t ifindex, const Ipv4Route& r) {
  std::string what;
  Msg m = fullRouteMsg(RTM_DELROUTE, 0, seq, ifindex, r, what);
  return {"route del " + what, m.done()};
}

NlRequest addrDump(uint32_t seq) {
  return dumpMsg(RTM_GETADDR, AF_INET, sizeof(ifaddrmsg), seq, "addr show");
}

NlRequest routeDump(uint32_t seq) {
  return dumpMsg(RTM_GETROUTE, AF_INET, sizeof(rtmsg), seq, "route show");
}

std::optional<uint32_t> parseIpv4(std::string_view s) {
  uint32_t out = 0;
  const char* p = s.data();
  const char* e = s.data() + s.size();
  for (int i = 0; i < 4; ++i) {
    if (i > 0) {
      if (p == e || *p != '.') {
        return std::nullopt;
      }
      ++p;
    }
    if (p == e || *p < '0' || *p > '9' || (*p == '0' && p + 1 != e && p[1] >= '0' && p[1] <= '9')) {
      return std::nullopt;  // empty or leading zero (octal in inet_aton)
    }
    unsigned v = 0;
    auto r = std::from_chars(p, e, v);
    if (r.ec != std::errc() || v > 255 || r.ptr - p > 3) {
      return std::nullopt;
    }
    p = r.ptr;
    out = (out << 8) | v;
  }
  if (p != e) {
    return std::nullopt;
  }
  return out;
}

std::string formatIpv4(uint32_t a) {
  return fmt::format("{}.{}.{}.{}", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
}

std::string dumpRequest(const NlRequest& r) {
  std::string out = "# " + r.what + "\n";
  nlmsghdr h{};
  if (r.bytes.size() >= sizeof h) {
    std::memcpy(&h, r.bytes.data(), sizeof h);
    out += fmt::format("len={} type={} flags={:#06x} seq={}\n", h.nlmsg_len, h.nlmsg_type,
                       h.nlmsg_flags, h.nlmsg_seq);
  }
  for (size_t i = 0; i < r.bytes.size(); i += 16) {
    std::string line;
    for (size_t j = i; j < i + 16 && j < r.bytes.size(); ++j) {
      line += fmt::format("{}{:02x}", j > i ? " " : "", r.bytes[j]);
    }
    out += fmt::format("{:04x}: {}\n", i, line);
  }
  return out;
}

}  // namespace xenia::net
