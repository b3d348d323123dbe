// The host's reports about vifs (src/net/plan/vif_report.cc): xm info's
// per-vif pairs, dnsmasq lease-file lookups and the dhcp_release argv.
#include <gtest/gtest.h>

#include "net/plan/vif_report.h"

namespace xenia::net {
namespace {

VifPlan plan(int domid, int devid, std::string ifname, VifMode mode, std::string bridge,
             std::string mac) {
  VifPlan p;
  p.domid = domid;
  p.devid = devid;
  p.ifname = std::move(ifname);
  p.mode = mode;
  p.bridge = std::move(bridge);
  p.mac = std::move(mac);
  return p;
}

TEST(VifInfo, OnePairPerVifOrderedByDomidAndDevid) {
  std::vector<VifInfoRow> rows = {
      {"db", plan(7, 1, "vif7.1", VifMode::kRoute, "", "00:16:3e:00:00:72"), ""},
      {"web", plan(3, 0, "web0", VifMode::kBridge, "xenbr0", "00:16:3e:00:00:30"), "50MB/s"},
      {"db", plan(7, 0, "vif7.0", VifMode::kBridge, "xennat0", "00:16:3e:00:00:70"), ""},
  };
  auto got = vifInfoPairs(rows);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].first, "web0");
  EXPECT_EQ(got[0].second, "domain=web bridge=xenbr0 mac=00:16:3e:00:00:30 rate=50MB/s mode=bridge");
  EXPECT_EQ(got[1].first, "vif7.0");
  EXPECT_EQ(got[1].second, "domain=db bridge=xennat0 mac=00:16:3e:00:00:70 rate=- mode=bridge");
  EXPECT_EQ(got[2].first, "vif7.1");
  EXPECT_EQ(got[2].second, "domain=db bridge=- mac=00:16:3e:00:00:72 rate=- mode=route");
  EXPECT_TRUE(vifInfoPairs({}).empty());
}

constexpr const char* kLeases =
    "1764210000 00:16:3e:00:60:01 10.0.3.57 nat1 01:00:16:3e:00:60:01\n"
    "1764210100 00:16:3e:00:60:09 10.0.3.99 * *\n"
    "garbage\n"
    "1764210200 00:16:3E:00:60:01 10.0.3.58 nat1 *\n"
    "duid 00:01:00:01:2c:aa:bb:cc:00:16:3e:00:00:01\n"
    "1764210300 1234 fd00::5 nat1 00:01:00:01\n";

TEST(Leases, FindsEveryLeaseOfTheMacInAnyCase) {
  auto got = leasesOf(kLeases, "00:16:3e:00:60:01");
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].ip, "10.0.3.57");
  EXPECT_EQ(got[0].clientId, "01:00:16:3e:00:60:01");
  EXPECT_EQ(got[1].ip, "10.0.3.58");
  EXPECT_EQ(got[1].clientId, "");
  EXPECT_EQ(leasesOf(kLeases, "00:16:3e:00:60:09").size(), 1u);
  EXPECT_TRUE(leasesOf(kLeases, "00:16:3e:00:60:02").empty());
  EXPECT_TRUE(leasesOf("", "00:16:3e:00:60:01").empty());
}

TEST(Leases, DhcpReleaseArgv) {
  auto got = leasesOf(kLeases, "00:16:3e:00:60:01");
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(dhcpReleaseArgv("xennat0", got[0]),
            (std::vector<std::string>{"dhcp_release", "xennat0", "10.0.3.57",
                                      "00:16:3e:00:60:01", "01:00:16:3e:00:60:01"}));
  EXPECT_EQ(dhcpReleaseArgv("xennat0", got[1]),
            (std::vector<std::string>{"dhcp_release", "xennat0", "10.0.3.58",
                                      "00:16:3E:00:60:01"}));
}

}  // namespace
}  // namespace xenia::net
