// Unit tests of the pure networking pieces: MAC parsing and duplicates, rate
// to tc/nft parameters, address helpers, table names, plan JSON round trip,
// network-script parsing, netlink message framing.
#include <gtest/gtest.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <cstring>

#include "config/model/net_spec.h"
#include "net/plan/host_plan.h"
#include "net/plan/mac.h"
#include "net/plan/rtnl.h"
#include "net/plan/vif_json.h"
#include "net/plan/vif_plan.h"

namespace xenia::net {
namespace {

TEST(Mac, Parse) {
  auto m = parseMacBytes("00:16:3E:0a:ff:01");
  ASSERT_TRUE(m);
  EXPECT_EQ((*m)[2], 0x3e);
  EXPECT_EQ((*m)[5], 0x01);
  EXPECT_FALSE(parseMacBytes("00:16:3e:0a:ff"));
  EXPECT_FALSE(parseMacBytes("00-16-3e-0a-ff-01"));
  EXPECT_FALSE(parseMacBytes("00:16:3e:0a:ff:0g"));
}

TEST(Mac, ConflictWithRunningDomain) {
  std::vector<MacUse> used{{"web", 1, "00:16:3e:aa:bb:cc"}};
  auto e = macConflict(used, {"00:16:3e:00:00:01", "00:16:3E:AA:BB:CC"}, "db");
  ASSERT_TRUE(e);
  EXPECT_EQ(*e, "MAC address 00:16:3e:aa:bb:cc of db's vif 1 is already used by vif 1 of "
                "domain web.");
  EXPECT_FALSE(macConflict(used, {"00:16:3e:00:00:01"}, "db"));
}

TEST(Mac, ConflictWithinDomain) {
  auto e = macConflict({}, {"00:16:3e:00:00:01", "00:16:3e:00:00:01"}, "db");
  ASSERT_TRUE(e);
  EXPECT_EQ(*e, "MAC address 00:16:3e:00:00:01 is given to vifs 0 and 1 of db.");
}

TEST(Rate, ShapeFollowsTheWindow) {
  auto r = config::parseRate("10MB/s@20ms");
  ASSERT_TRUE(r);
  TcShape s = shapeFor(*r);
  EXPECT_EQ(s.bitsPerSecond, 80000000u);
  EXPECT_EQ(s.burstBytes, 200000u);  // one 20 ms window of credit
  auto slow = config::parseRate("1Mb/s@8ms");  // 1000 bytes of credit per window
  ASSERT_TRUE(slow);
  EXPECT_EQ(shapeFor(*slow).bitsPerSecond, 1000000u);
  EXPECT_EQ(shapeFor(*slow).burstBytes, 3028u);  // never below two frames
}

TEST(Addr, Ipv4) {
  EXPECT_EQ(parseIpv4("10.0.3.1"), 0x0a000301u);
  EXPECT_FALSE(parseIpv4("10.0.3"));
  EXPECT_FALSE(parseIpv4("10.0.3.256"));
  EXPECT_FALSE(parseIpv4("10.0.03.1"));
  EXPECT_FALSE(parseIpv4("10.0.3.1 "));
  EXPECT_EQ(formatIpv4(0xc0a84d32), "192.168.77.50");
}

TEST(Nat, XenAddressRules) {
  EXPECT_EQ(natGuestIp(5, 2), "10.0.5.3");
  EXPECT_EQ(natGuestIp(300, 0), "10.1.44.1");
  EXPECT_EQ(*natRouterIp("10.0.5.3"), "10.0.5.130");
  EXPECT_FALSE(natRouterIp("10.0.5.200"));
}

TEST(Tables, NamesRoundTrip) {
  EXPECT_EQ(vifTableName(12, 3), "xenia_v12_3");
  EXPECT_EQ(domidOfTable("xenia_v12_3"), 12);
  EXPECT_FALSE(domidOfTable("xenia_nat_xennat0"));
  EXPECT_FALSE(domidOfTable("xenia_v12"));
  EXPECT_FALSE(domidOfTable("filter"));
}

TEST(VifPlan, JsonRoundTrip) {
  auto v = config::parseVifSpec("mac=00:16:3e:01:02:03,ip=10.0.0.9,rate=1MB/s,mtu=1400");
  ASSERT_TRUE(v);
  VifInput in;
  in.domid = 4;
  in.devid = 1;
  in.vif = *v;
  auto p = planVif(in);
  ASSERT_TRUE(p) << p.error();
  auto back = vifPlanFromJson(vifPlanToJson(*p));
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(vifPlanToJson(*back), vifPlanToJson(*p));
  EXPECT_EQ(back->mtu, 1400u);
  EXPECT_FALSE(vifPlanFromJson(nlohmann::json{{"domid", 1}}));
}

TEST(VifPlan, LimitsAndBackend) {
  VifInput in;
  in.vif.mac = "00:16:3e:01:02:03";
  in.devid = kMaxVifsPerDomain;
  EXPECT_FALSE(planVif(in));
  in.devid = 0;
  in.vif.backendDomain = "3";
  EXPECT_FALSE(planVif(in));
  in.vif.backendDomain = "0";
  in.vif.mac = "00:16:3e:01:02";
  EXPECT_FALSE(planVif(in));
}

TEST(NetworkScript, Parse) {
  auto p = parseNetworkScript("network-bridge netdev=eth0; network-route netdev=eth1");
  ASSERT_TRUE(p) << p.error();
  ASSERT_EQ(p->specs.size(), 2u);
  EXPECT_EQ(p->defaultBridge, "xenbr0");
  EXPECT_EQ(p->routeNetdev, "eth1");
  EXPECT_TRUE(parseNetworkScript("")->specs.empty());
  EXPECT_TRUE(parseNetworkScript("network-dummy")->specs.empty());
  EXPECT_FALSE(parseNetworkScript("network-bridge; network-bridge"));
  EXPECT_FALSE(parseNetworkScript("network-bridge vlan=3"));
  EXPECT_FALSE(parseNetworkScript("network-nat address=10.0.0.1/31"));
  EXPECT_FALSE(parseNetworkScript("network-nat bridge=a/b"));
}

TEST(NetworkScript, DnsmasqPool) {
  auto p = parseNetworkScript("network-nat bridge=natbr address=172.16.8.1/22 dhcp=yes");
  ASSERT_TRUE(p) << p.error();
  auto argv = dnsmasqArgv(p->specs[0], "/r");
  EXPECT_NE(std::find(argv.begin(), argv.end(),
                      "--dhcp-range=172.16.8.2,172.16.11.254,255.255.252.0,1h"),
            argv.end());
  EXPECT_NE(std::find(argv.begin(), argv.end(), "--interface=natbr"), argv.end());
}

TEST(Rtnl, Framing) {
  NlRequest r = linkAddBridge(7, "xenbr0");
  ASSERT_GE(r.bytes.size(), sizeof(nlmsghdr));
  nlmsghdr h;
  std::memcpy(&h, r.bytes.data(), sizeof h);
  EXPECT_EQ(h.nlmsg_len, r.bytes.size());
  EXPECT_EQ(h.nlmsg_len % 4, 0u);
  EXPECT_EQ(h.nlmsg_type, RTM_NEWLINK);
  EXPECT_EQ(h.nlmsg_seq, 7u);
  EXPECT_EQ(h.nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
}

}  // namespace
}  // namespace xenia::net
