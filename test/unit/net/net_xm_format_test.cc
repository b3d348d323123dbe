// xm network-list output (src/xm/format_network.cc): X40's table with -1 for
// the event channel and rings, the --long SXP records, malformed answers.
#include <gtest/gtest.h>

#include "xm/format.h"
#include "xm/format_network.h"

namespace xenia::xm {
namespace {

xend::Json vifs() {
  return xend::Json::parse(R"([
    {"idx": 0, "backend-id": 0, "mac": "00:16:3e:00:50:02", "handle": 0, "state": 4,
     "vifname": "vif3.0", "bridge": "xenbr0", "mode": "bridge", "script": "vif-bridge",
     "ip": [], "rate": "50MB/s", "be-path": "/local/domain/0/backend/vif/3/0"},
    {"idx": 1, "backend-id": 0, "mac": "00:16:3e:00:50:22", "handle": 1, "state": 4,
     "vifname": "web 1", "bridge": "", "mode": "route", "script": "vif-route",
     "ip": ["10.0.0.5", "10.0.0.6"], "rate": "", "be-path": "/local/domain/0/backend/vif/3/1"}
  ])");
}

TEST(NetworkList, Table) {
  auto t = formatNetworkList(vifs(), false);
  ASSERT_TRUE(t) << t.error();
  EXPECT_EQ(*t,
            "Idx BE     MAC Addr.     handle state evt-ch tx-/rx-ring-ref BE-path\n"
            "0   0  00:16:3e:00:50:02    0     4      -1    -1   /-1      "
            "/local/domain/0/backend/vif/3/0  \n"
            "1   0  00:16:3e:00:50:22    1     4      -1    -1   /-1      "
            "/local/domain/0/backend/vif/3/1  \n");
}

TEST(NetworkList, Long) {
  auto t = formatNetworkList(vifs(), true);
  ASSERT_TRUE(t) << t.error();
  EXPECT_EQ(*t,
            "(0 ((backend-id 0) (mac 00:16:3e:00:50:02) (handle 0) (state 4) "
            "(backend /local/domain/0/backend/vif/3/0) (vifname vif3.0) (bridge xenbr0) "
            "(script vif-bridge) (rate 50MB/s) (mode bridge)))\n"
            "(1 ((backend-id 0) (mac 00:16:3e:00:50:22) (handle 1) (state 4) "
            "(backend /local/domain/0/backend/vif/3/1) (vifname 'web 1') (script vif-route) "
            "(mode route) (ip '10.0.0.5 10.0.0.6')))\n");
}

TEST(NetworkList, Malformed) {
  EXPECT_FALSE(formatNetworkList(xend::Json::object(), false));
  EXPECT_FALSE(formatNetworkList(xend::Json::parse(R"([{"idx": "0"}])"), false));
  auto empty = formatNetworkList(xend::Json::array(), false);
  ASSERT_TRUE(empty);
  EXPECT_EQ(*empty, "Idx BE     MAC Addr.     handle state evt-ch tx-/rx-ring-ref BE-path\n");
}

// xend appends one pair per vif after xm info's own; they print in the
// same "%-23s: value" layout and leave the lines before them as they were.
TEST(XmInfo, VifLinesAfterTheHostLines) {
  auto info = xend::Json::parse(R"([["host", "xenia1"], ["xend_config_format", 4],
      ["vif3.0", "domain=web bridge=xenbr0 mac=00:16:3e:00:50:02 rate=50MB/s mode=bridge"],
      ["vif-web-long-name", "domain=web bridge=- mac=00:16:3e:00:50:22 rate=- mode=route"]])");
  auto got = formatInfo(info, kInfoWidth);
  ASSERT_TRUE(got) << got.error();
  EXPECT_EQ(*got,
            "host                   : xenia1\n"
            "xend_config_format     : 4\n"
            "vif3.0                 : domain=web bridge=xenbr0 mac=00:16:3e:00:50:02 "
            "rate=50MB/s mode=bridge\n"
            "vif-web-long-name      : domain=web bridge=- mac=00:16:3e:00:50:22 rate=- "
            "mode=route\n");
}

}  // namespace
}  // namespace xenia::xm
