// Parsing the kernel's address and route dumps (src/net/plan/uplink.cc) from
// hand-built messages: the uplink's own entries only, kernel routes and
// other tables skipped, truncated messages never read past their end.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <cstring>

#include "net/plan/uplink.h"

namespace xenia::net {
namespace {

class Builder {
 public:
  template <class T>
  void begin(uint16_t type, const T& header) {
    start_ = out_.size();
    nlmsghdr h{};
    h.nlmsg_type = type;
    put(&h, sizeof h);
    put(&header, sizeof header);
  }
  void attr(uint16_t type, uint32_t v) {
    rtattr a{};
    a.rta_type = type;
    a.rta_len = RTA_LENGTH(sizeof v);
    put(&a, sizeof a);
    put(&v, sizeof v);
  }
  void end() {
    uint32_t len = static_cast<uint32_t>(out_.size() - start_);
    std::memcpy(out_.data() + start_, &len, sizeof len);
  }
  Bytes bytes() const { return out_; }

 private:
  void put(const void* p, size_t n) {
    const auto* c = static_cast<const uint8_t*>(p);
    out_.insert(out_.end(), c, c + n);
    out_.resize(NLMSG_ALIGN(out_.size()), 0);
  }
  Bytes out_;
  size_t start_ = 0;
};

void addAddr(Builder& b, uint32_t ifindex, const char* ip, uint8_t prefix) {
  ifaddrmsg m{};
  m.ifa_family = AF_INET;
  m.ifa_prefixlen = prefix;
  m.ifa_index = ifindex;
  b.begin(RTM_NEWADDR, m);
  b.attr(IFA_ADDRESS, inet_addr(ip));
  b.attr(IFA_LOCAL, inet_addr(ip));
  b.end();
}

void addRoute(Builder& b, uint32_t oif, uint8_t proto, uint8_t table, const char* dst,
              uint8_t prefix, const char* gw) {
  rtmsg m{};
  m.rtm_family = AF_INET;
  m.rtm_dst_len = prefix;
  m.rtm_table = table;
  m.rtm_protocol = proto;
  m.rtm_type = RTN_UNICAST;
  b.begin(RTM_NEWROUTE, m);
  b.attr(RTA_TABLE, table);
  if (prefix) {
    b.attr(RTA_DST, inet_addr(dst));
  }
  if (gw) {
    b.attr(RTA_GATEWAY, inet_addr(gw));
  }
  b.attr(RTA_OIF, oif);
  b.attr(RTA_PRIORITY, 100);
  b.end();
}

TEST(Uplink, AddressesOfOneLink) {
  Builder b;
  addAddr(b, 2, "192.168.1.10", 24);
  addAddr(b, 3, "10.0.0.1", 8);
  addAddr(b, 2, "192.168.1.11", 24);
  auto got = addrsOf(b.bytes(), 2);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0], (Ipv4Addr{*parseIpv4("192.168.1.10"), 24}));
  EXPECT_EQ(got[1], (Ipv4Addr{*parseIpv4("192.168.1.11"), 24}));
  EXPECT_TRUE(addrsOf(b.bytes(), 9).empty());
}

TEST(Uplink, RoutesOfOneLinkWithoutKernelOrOtherTables) {
  Builder b;
  addRoute(b, 2, RTPROT_BOOT, RT_TABLE_MAIN, nullptr, 0, "192.168.1.1");
  addRoute(b, 2, RTPROT_KERNEL, RT_TABLE_MAIN, "192.168.1.0", 24, nullptr);
  addRoute(b, 2, RTPROT_STATIC, RT_TABLE_LOCAL, "192.168.1.10", 32, nullptr);
  addRoute(b, 3, RTPROT_BOOT, RT_TABLE_MAIN, "10.0.0.0", 8, nullptr);
  addRoute(b, 2, RTPROT_DHCP, RT_TABLE_MAIN, "10.8.0.0", 16, "192.168.1.254");
  auto got = routesOf(b.bytes(), 2);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].prefix, 0);
  EXPECT_EQ(got[0].gateway, *parseIpv4("192.168.1.1"));
  EXPECT_EQ(got[0].metric, 100u);
  EXPECT_EQ(got[0].protocol, RTPROT_BOOT);
  EXPECT_EQ(got[1].dst, *parseIpv4("10.8.0.0"));
  EXPECT_EQ(got[1].prefix, 16);
  EXPECT_EQ(got[1].protocol, RTPROT_DHCP);
}

TEST(Uplink, TruncatedDumpsEndTheWalk) {
  Builder b;
  addAddr(b, 2, "192.168.1.10", 24);
  addAddr(b, 2, "192.168.1.11", 24);
  Bytes all = b.bytes();
  for (size_t cut = 0; cut < all.size(); ++cut) {
    Bytes part(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(cut));
    EXPECT_LE(addrsOf(part, 2).size(), 1u) << cut;
    (void)routesOf(part, 2);
  }
  // A header announcing more than the dump holds is not read.
  uint32_t huge = 1 << 20;
  std::memcpy(all.data(), &huge, sizeof huge);
  EXPECT_TRUE(addrsOf(all, 2).empty());
}

TEST(Uplink, TransferOrderAndIdempotence) {
  std::vector<Ipv4Addr> addrs = {{*parseIpv4("192.168.1.10"), 24}};
  Ipv4Route def;
  def.gateway = *parseIpv4("192.168.1.1");
  auto reqs = transferRequests(2, 5, addrs, {def}, false);
  ASSERT_EQ(reqs.size(), 4u);
  EXPECT_EQ(reqs[0].what, "addr add 192.168.1.10/24 dev #5");
  EXPECT_EQ(reqs[1].what, "route del default via 192.168.1.1 dev #2");
  EXPECT_EQ(reqs[2].what, "route add default via 192.168.1.1 dev #5");
  EXPECT_EQ(reqs[3].what, "addr del 192.168.1.10/24 dev #2");
  EXPECT_TRUE(transferRequests(2, 5, addrs, {def}, true).empty());
  EXPECT_TRUE(transferRequests(2, 5, {}, {def}, false).empty());
}

}  // namespace
}  // namespace xenia::net
