// Dump parsing and the transfer plan (see uplink.h). Attribute walks are
// bounded by each message's own length; a truncated message ends the walk.
#include "net/plan/uplink.h"

#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <cstring>
#include <functional>

namespace xenia::net {

namespace {

// Calls f(header, payload, payloadLen) for each message of `type`.
void eachMessage(const Bytes& dump, uint16_t type,
                 const std::function<void(const uint8_t*, size_t)>& f) {
  size_t off = 0;
  while (off + sizeof(nlmsghdr) <= dump.size()) {
    nlmsghdr h{};
    std::memcpy(&h, dump.data() + off, sizeof h);
    if (h.nlmsg_len < sizeof h || h.nlmsg_len > dump.size() - off) {
      return;
    }
    if (h.nlmsg_type == type) {
      f(dump.data() + off + NLMSG_HDRLEN, h.nlmsg_len - NLMSG_HDRLEN);
    }
    off += NLMSG_ALIGN(h.nlmsg_len);
  }
}

// Calls f(type, data, len) for each attribute after a fixed header.
void eachAttr(const uint8_t* p, size_t len, size_t header,
              const std::function<void(uint16_t, const uint8_t*, size_t)>& f) {
  size_t off = NLMSG_ALIGN(header);
  while (off + sizeof(rtattr) <= len) {
    rtattr a{};
    std::memcpy(&a, p + off, sizeof a);
    if (a.rta_len < sizeof a || a.rta_len > len - off) {
      return;
    }
    f(a.rta_type, p + off + RTA_LENGTH(0), a.rta_len - RTA_LENGTH(0));
    off += RTA_ALIGN(a.rta_len);
  }
}

uint32_t u32(const uint8_t* d, size_t n) {
  uint32_t v = 0;
  if (n >= sizeof v) {
    std::memcpy(&v, d, sizeof v);
  }
  return v;
}

}  // namespace

std::vector<Ipv4Addr> addrsOf(const Bytes& dump, uint32_t ifindex) {
  std::vector<Ipv4Addr> out;
  eachMessage(dump, RTM_NEWADDR, [&](const uint8_t* p, size_t len) {
    ifaddrmsg m{};
    if (len < sizeof m) {
      return;
    }
    std::memcpy(&m, p, sizeof m);
    if (m.ifa_family != AF_INET || m.ifa_index != ifindex) {
      return;
    }
    uint32_t local = 0;
    bool have = false;
    eachAttr(p, len, sizeof m, [&](uint16_t t, const uint8_t* d, size_t n) {
      if ((t == IFA_LOCAL || (t == IFA_ADDRESS && !have)) && n >= 4) {
        local = ntohl(u32(d, n));
        have = true;
      }
    });
    if (have) {
      out.push_back({local, m.ifa_prefixlen});
    }
  });
  return out;
}

std::vector<Ipv4Route> routesOf(const Bytes& dump, uint32_t ifindex) {
  std::vector<Ipv4Route> out;
  eachMessage(dump, RTM_NEWROUTE, [&](const uint8_t* p, size_t len) {
    rtmsg m{};
    if (len < sizeof m) {
      return;
    }
    std::memcpy(&m, p, sizeof m);
    if (m.rtm_family != AF_INET || m.rtm_type != RTN_UNICAST ||
        m.rtm_protocol == RTPROT_KERNEL) {
      return;
    }
    Ipv4Route r;
    r.prefix = m.rtm_dst_len;
    r.protocol = m.rtm_protocol;
    r.scope = m.rtm_scope;
    uint32_t table = m.rtm_table;
    uint32_t oif = 0;
    bool multipath = false;
    eachAttr(p, len, sizeof m, [&](uint16_t t, const uint8_t* d, size_t n) {
      switch (t) {
        case RTA_DST: r.dst = ntohl(u32(d, n)); break;
        case RTA_GATEWAY: r.gateway = ntohl(u32(d, n)); break;
        case RTA_PREFSRC: r.prefsrc = ntohl(u32(d, n)); break;
        case RTA_PRIORITY: r.metric = u32(d, n); break;
        case RTA_OIF: oif = u32(d, n); break;
        case RTA_TABLE: table = u32(d, n); break;
        case RTA_MULTIPATH: multipath = true; break;
        default: break;
      }
    });
    if (oif == ifindex && table == RT_TABLE_MAIN && !multipath) {
      out.push_back(r);
    }
  });
  return out;
}

std::vector<NlRequest> transferRequests(uint32_t uplink, uint32_t bridge,
                                        const std::vector<Ipv4Addr>& uplinkAddrs,
                                        const std::vector<Ipv4Route>& uplinkRoutes,
                                        bool bridgeHasAddrs) {
  std::vector<NlRequest> out;
  if (bridgeHasAddrs || uplinkAddrs.empty()) {
    return out;
  }
  for (const Ipv4Addr& a : uplinkAddrs) {
    out.push_back(addrAdd(0, bridge, a.addr, a.prefix));
  }
  // Deleted first: the same route twice (same destination and metric) is
  // refused, and routes through the uplink would stop working anyway.
  for (const Ipv4Route& r : uplinkRoutes) {
    out.push_back(routeDelFull(0, uplink, r));
    out.push_back(routeAddFull(0, bridge, r));
  }
  for (const Ipv4Addr& a : uplinkAddrs) {
    out.push_back(addrDel(0, uplink, a.addr, a.prefix));
  }
  return out;
}

}  // namespace xenia::net
