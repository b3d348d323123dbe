// xend-config.sxp reader: Xen 4.0's shipped example, first-wins lookup,
// line numbers and refusals of malformed top-level forms.
#include <gtest/gtest.h>

#include "config/lang/xend_config.h"
#include "lang_test_util.h"

namespace xenia::config {
namespace {

TEST(XendConfig, ShippedExample) {
  std::string text = testing::readData("sxp/xend-config-4.0.sxp");
  ASSERT_FALSE(text.empty());
  auto cfg = parseXendConfig(text, "/etc/xen/xend-config.sxp");
  ASSERT_TRUE(cfg.has_value()) << cfg.error().format();
  EXPECT_EQ(cfg->path, "/etc/xen/xend-config.sxp");
  std::vector<std::string> keys;
  for (const auto& e : cfg->entries) {
    keys.push_back(e.key);
  }
  EXPECT_EQ(keys, (std::vector<std::string>{"xend-relocation-server", "xend-relocation-hosts-allow",
                                            "network-script", "vif-script", "dom0-min-mem",
                                            "enable-dom0-ballooning", "total_available_memory",
                                            "dom0-cpus", "vncpasswd"}));
  const XendConfigEntry* allow = cfg->find("xend-relocation-hosts-allow");
  ASSERT_NE(allow, nullptr);
  EXPECT_EQ(allow->line, 127);
  ASSERT_NE(allow->value(), nullptr);
  EXPECT_EQ(allow->value()->atom, "^localhost$ ^localhost\\.localdomain$");
  const XendConfigEntry* mem = cfg->find("dom0-min-mem");
  ASSERT_NE(mem, nullptr);
  EXPECT_EQ(mem->line, 189);
  EXPECT_EQ(mem->value()->atom, "196");
  EXPECT_EQ(cfg->find("vncpasswd")->value()->atom, "");
  EXPECT_EQ(cfg->find("xend-http-server"), nullptr);
}

TEST(XendConfig, StructuredValuesAndDuplicates) {
  auto cfg = parseXendConfig(
      "(xen-api-server ((9363 pam '^localhost$ example\\\\.com$') (unix none)))\n"
      "(flag)\n"
      "(loglevel DEBUG) (loglevel INFO)\n",
      "x.sxp");
  ASSERT_TRUE(cfg.has_value());
  const XendConfigEntry* api = cfg->find("xen-api-server");
  ASSERT_NE(api, nullptr);
  ASSERT_TRUE(api->value()->isList);
  ASSERT_EQ(api->value()->items.size(), 2u);
  EXPECT_EQ(api->value()->items[0].items[2].atom, "^localhost$ example\\.com$");
  EXPECT_EQ(cfg->find("flag")->value(), nullptr);
  // xend reads the first occurrence; both are kept for diagnostics.
  EXPECT_EQ(cfg->find("loglevel")->value()->atom, "DEBUG");
  auto all = cfg->findAll("loglevel");
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1]->line, 3);
}

TEST(XendConfig, Errors) {
  auto r = parseXendConfig("(a 1)\nxend-http-server yes\n", "c.sxp");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().loc.line, 2);
  EXPECT_EQ(r.error().format().rfind("c.sxp:2:1: expected a (key value) form, found the bare word "
                                     "xend-http-server",
                                     0),
            0u);
  EXPECT_FALSE(r.error().hint.empty());

  r = parseXendConfig("\n\n  ((a) b)", "c.sxp");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().format().substr(0, 10), "c.sxp:3:3:");

  r = parseXendConfig("()", "c.sxp");
  ASSERT_FALSE(r.has_value());

  r = parseXendConfig("(logfile /var/log/xen/xend.log\n(loglevel DEBUG)\n", "c.sxp");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().loc.file, "c.sxp");
  EXPECT_EQ(r.error().loc.line, 3);
}

TEST(XendConfig, Bools) {
  for (const char* t : {"yes", "Y", "1", "on", "TRUE", "t"}) {
    EXPECT_EQ(xendBool(t), true) << t;
  }
  for (const char* f : {"no", "N", "0", "Off", "false", "f"}) {
    EXPECT_EQ(xendBool(f), false) << f;
  }
  EXPECT_EQ(xendBool("maybe"), std::nullopt);
  EXPECT_EQ(xendBool(""), std::nullopt);
}

}  // namespace
}  // namespace xenia::config
