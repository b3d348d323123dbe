// xm's VNC records and the vnc-list table (src/xm/vnc_format.h).
#include "xm/vnc_format.h"

#include <gtest/gtest.h>

namespace xenia::xm {
namespace {

TEST(VncFormat, RowsAndTable) {
  auto j = xend::Json::parse(R"({"domains": [
    {"name": "web1", "domid": 3, "host": "127.0.0.1", "port": 5901, "display": 1,
     "keymap": "en-us", "password_set": false},
    {"name": "db", "domid": 4, "port": null},
    {"name": "v6", "domid": 12, "host": "::1", "port": 5910, "display": 10,
     "keymap": "de", "password_set": true, "password": "pw"}]})");
  auto rows = vncRowsFromResult(j);
  ASSERT_TRUE(rows) << rows.error();
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ(vncAddress((*rows)[0]), "127.0.0.1:5901");
  EXPECT_EQ(vncAddress((*rows)[1]), "");
  EXPECT_EQ(vncAddress((*rows)[2]), "[::1]:5910");
  EXPECT_EQ((*rows)[2].password, "pw");
  EXPECT_EQ(formatVncList(*rows),
            "Name                                        ID Display Address               Auth\n"
            "web1                                         3      :1 127.0.0.1:5901        none\n"
            "db                                           4       - -                     -\n"
            "v6                                          12     :10 [::1]:5910            vnc\n");
}

TEST(VncFormat, TlsInAuth) {
  auto j = xend::Json::parse(R"({"domains": [
    {"name": "a", "domid": 1, "host": "0.0.0.0", "port": 5900, "password_set": false,
     "tls": "x509"},
    {"name": "b", "domid": 2, "host": "0.0.0.0", "port": 5901, "password_set": true,
     "tls": "x509verify"}]})");
  auto rows = vncRowsFromResult(j);
  ASSERT_TRUE(rows) << rows.error();
  EXPECT_EQ(formatVncList(*rows),
            "Name                                        ID Display Address               Auth\n"
            "a                                            1      :0 0.0.0.0:5900          none+tls\n"
            "b                                            2      :1 0.0.0.0:5901          "
            "vnc+tls-verify\n");
}

TEST(VncFormat, BadAnswers) {
  EXPECT_FALSE(vncRowsFromResult(xend::Json::object()));
  EXPECT_FALSE(vncRowsFromResult(xend::Json::parse(R"({"domains": [{"domid": 1}]})")));
  EXPECT_FALSE(
      vncRowsFromResult(xend::Json::parse(R"({"domains": [{"name": "x", "port": 5900}]})")));
}

}  // namespace
}  // namespace xenia::xm
