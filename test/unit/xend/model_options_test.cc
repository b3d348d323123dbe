// xend-config.sxp -> XendOptions: xend's defaults, overrides, Xenia's keys,
// unknown keys listed, and errors naming file:line and the key.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "xend/model/options.h"

namespace xenia::xend {
namespace {

Expected<XendOptions, std::string> load(const std::string& text) {
  auto cfg = config::parseXendConfig(text, "/etc/xen/xend-config.sxp");
  EXPECT_TRUE(cfg.has_value()) << (cfg ? "" : cfg.error().format());
  return loadXendOptions(*cfg);
}

std::string shown(const XendOptions& o, const std::string& key) {
  for (const auto& [k, v] : o.all) {
    if (k == key) {
      return v;
    }
  }
  return "<absent>";
}

TEST(XendOptions, DefaultsAreXends) {
  XendOptions o = defaultXendOptions();
  EXPECT_EQ(o.configPath, "");
  EXPECT_EQ(o.logfile, "/var/log/xen/xend.log");
  EXPECT_EQ(o.loglevel, "DEBUG");
  EXPECT_EQ(o.runPath, "/var/run/xend");
  EXPECT_EQ(o.domainsPath, "/var/lib/xend/domains");
  EXPECT_EQ(o.statePath, "/var/lib/xend");
  EXPECT_EQ(o.dom0MinMem, 0);
  EXPECT_FALSE(o.enableDom0Ballooning);
  EXPECT_FALSE(o.enableDump);
  EXPECT_EQ(o.vncListen, "127.0.0.1");
  EXPECT_FALSE(o.vncpasswd.has_value());
  EXPECT_EQ(o.accel, "auto");
  EXPECT_EQ(o.qemuUser, "nobody");
  EXPECT_TRUE(o.startXenstored);
  EXPECT_EQ(o.vifScript, "vif-bridge");
  EXPECT_EQ(o.networkScript, "");
  EXPECT_EQ(o.consoleLimitKiB, 1024);

  // xm info -c: every option, sorted, xend's spelling of its defaults.
  ASSERT_TRUE(std::is_sorted(o.all.begin(), o.all.end()));
  EXPECT_EQ(shown(o, "xend-port"), "8000");
  EXPECT_EQ(shown(o, "xend-relocation-server"), "no");
  EXPECT_EQ(shown(o, "xend-unix-xmlrpc-server"), "yes");
  EXPECT_EQ(shown(o, "xen-api-server"), "((unix))");
  EXPECT_EQ(shown(o, "vncpasswd"), "None");
  EXPECT_EQ(shown(o, "pci-passthrough-strict-check"), "True");
  EXPECT_EQ(shown(o, "enable-dom0-ballooning"), "no");
  EXPECT_EQ(shown(o, "xend-state-path"), "/var/lib/xend/state");
  EXPECT_EQ(shown(o, "xend-accel"), "auto");
  EXPECT_EQ(shown(o, "xenstored-start"), "yes");
  // Every option of research §4 / XendOptions.py is listed.
  for (const char* key : {"logfile",
                          "loglevel",
                          "xen-api-server",
                          "xend-http-server",
                          "xend-port",
                          "xend-address",
                          "xend-unix-server",
                          "xend-unix-path",
                          "xend-tcp-xmlrpc-server",
                          "xend-tcp-xmlrpc-server-address",
                          "xend-tcp-xmlrpc-server-port",
                          "xend-tcp-xmlrpc-server-ssl-key-file",
                          "xend-tcp-xmlrpc-server-ssl-cert-file",
                          "xend-unix-xmlrpc-server",
                          "xend-relocation-server",
                          "xend-relocation-port",
                          "xend-relocation-address",
                          "xend-relocation-hosts-allow",
                          "xend-relocation-ssl-server",
                          "xend-relocation-ssl-port",
                          "xend-relocation-server-ssl-key-file",
                          "xend-relocation-server-ssl-cert-file",
                          "xend-relocation-ssl",
                          "xend-udev-event-server",
                          "network-script",
                          "vif-script",
                          "dom0-min-mem",
                          "enable-dom0-ballooning",
                          "total_available_memory",
                          "dom0-cpus",
                          "enable-dump",
                          "external-migration-tool",
                          "vnc-listen",
                          "vncpasswd",
                          "vnc-tls",
                          "vnc-x509-cert-dir",
                          "vnc-x509-verify",
                          "keymap",
                          "console-limit",
                          "xend-domains-path",
                          "xend-state-path",
                          "xend-storage-path",
                          "xend-security-path",
                          "device-create-timeout",
                          "device-destroy-timeout",
                          "qemu-dm-logrotate-count",
                          "pci-passthrough-strict-check",
                          "resource-label-change-script",
                          "xsm_module_name",
                          "pscsi-device-mask",
                          "xend-run-path",
                          "xend-log-dir",
                          "xend-dump-path",
                          "xend-auto-path",
                          "xend-accel",
                          "qemu-binary",
                          "qemu-user",
                          "xenstored-socket",
                          "xenstored-start"}) {
    EXPECT_NE(shown(o, key), "<absent>") << key;
  }
}

TEST(XendOptions, ShippedExampleConfig) {
  auto o = loadXendOptionsFile(std::string(XENIA_SOURCE_DIR) +
                               "/test/unit/config/data/sxp/xend-config-4.0.sxp");
  ASSERT_TRUE(o.has_value()) << o.error();
  EXPECT_EQ(o->dom0MinMem, 196);
  EXPECT_TRUE(o->enableDom0Ballooning);
  EXPECT_EQ(o->networkScript, "network-bridge");
  ASSERT_TRUE(o->vncpasswd.has_value());
  EXPECT_EQ(*o->vncpasswd, "");
  EXPECT_EQ(shown(*o, "xend-relocation-server"), "yes");
  EXPECT_EQ(shown(*o, "xend-relocation-hosts-allow"), "^localhost$ ^localhost\\.localdomain$");
  EXPECT_EQ(shown(*o, "dom0-min-mem"), "196");
}

TEST(XendOptions, Overrides) {
  auto o = load(
      "(logfile /tmp/x/xend.log)\n(loglevel INFO)\n(xend-run-path /run/xend)\n"
      "(xend-domains-path /srv/xend/domains)\n(xend-state-path /srv/xend/state/)\n"
      "(xend-log-dir /srv/log)\n(xend-dump-path /srv/dump)\n(xend-auto-path /srv/auto)\n"
      "(dom0-cpus 2)\n(enable-dump on)\n(vnc-listen 0.0.0.0)\n(vncpasswd secret)\n"
      "(keymap de)\n(xend-accel tcg)\n(qemu-binary /opt/qemu/bin/qemu)\n(qemu-user '')\n"
      "(xenstored-socket /run/xs.sock)\n(xenstored-start no)\n(vif-script vif-route)\n"
      "(console-limit 64)\n(xen-api-server ((9363 pam) (unix none)))\n");
  ASSERT_TRUE(o.has_value()) << o.error();
  EXPECT_EQ(o->configPath, "/etc/xen/xend-config.sxp");
  EXPECT_EQ(o->logfile, "/tmp/x/xend.log");
  EXPECT_EQ(o->loglevel, "INFO");
  EXPECT_EQ(o->runPath, "/run/xend");
  EXPECT_EQ(o->domainsPath, "/srv/xend/domains");
  EXPECT_EQ(o->statePath, "/srv/xend");  // the parent of xend-state-path
  EXPECT_EQ(o->logDir, "/srv/log");
  EXPECT_EQ(o->dumpDir, "/srv/dump");
  EXPECT_EQ(o->autoDir, "/srv/auto");
  EXPECT_EQ(o->dom0Cpus, 2);
  EXPECT_TRUE(o->enableDump);
  EXPECT_EQ(o->vncListen, "0.0.0.0");
  EXPECT_EQ(o->vncpasswd, std::optional<std::string>("secret"));
  EXPECT_EQ(o->keymap, "de");
  EXPECT_EQ(o->accel, "tcg");
  EXPECT_EQ(o->qemuBinary, "/opt/qemu/bin/qemu");
  EXPECT_EQ(o->qemuUser, "");
  EXPECT_EQ(o->xenstoredSocket, "/run/xs.sock");
  EXPECT_FALSE(o->startXenstored);
  EXPECT_EQ(o->vifScript, "vif-route");
  EXPECT_EQ(o->consoleLimitKiB, 64);
  EXPECT_EQ(shown(*o, "xen-api-server"), "((9363 pam) (unix none))");
  EXPECT_EQ(shown(*o, "enable-dump"), "on");  // printed as written
}

TEST(XendOptions, BallooningFollowsDom0MinMemUnlessSet) {
  auto on = load("(dom0-min-mem 512)");
  ASSERT_TRUE(on.has_value());
  EXPECT_TRUE(on->enableDom0Ballooning);
  EXPECT_EQ(shown(*on, "enable-dom0-ballooning"), "yes");
  auto off = load("(dom0-min-mem 512)\n(enable-dom0-ballooning no)");
  ASSERT_TRUE(off.has_value());
  EXPECT_FALSE(off->enableDom0Ballooning);
}

TEST(XendOptions, LogLevelInAnyCase) {
  auto o = load("(loglevel warning)");
  ASSERT_TRUE(o.has_value()) << o.error();
  EXPECT_EQ(o->loglevel, "WARNING");
}

TEST(XendOptions, FirstFormWinsAsInXend) {
  auto o = load("(dom0-min-mem 100)\n(dom0-min-mem 200)");
  ASSERT_TRUE(o.has_value());
  EXPECT_EQ(o->dom0MinMem, 100);
}

TEST(XendOptions, UnknownKeysAreListed) {
  auto o = load("(xend-domain-lock yes)\n(my-typo 3)\n(empty-one)\n(listy (a b))");
  ASSERT_TRUE(o.has_value()) << o.error();
  EXPECT_EQ(shown(*o, "xend-domain-lock"), "yes");
  EXPECT_EQ(shown(*o, "my-typo"), "3");
  EXPECT_EQ(shown(*o, "empty-one"), "(none)");
  EXPECT_EQ(shown(*o, "listy"), "(a b)");
  EXPECT_TRUE(std::is_sorted(o->all.begin(), o->all.end()));
}

TEST(XendOptions, KeyWithoutValueKeepsDefault) {
  auto o = load("(dom0-min-mem)\n(logfile)");
  ASSERT_TRUE(o.has_value()) << o.error();
  EXPECT_EQ(o->dom0MinMem, 0);
  EXPECT_EQ(o->logfile, "/var/log/xen/xend.log");
}

struct BadCase {
  const char* text;
  const char* error;
};

TEST(XendOptions, BadValuesNameFileLineAndKey) {
  const BadCase cases[] = {
      {"(logfile /x)\n(xend-relocation-server maybe)",
       "/etc/xen/xend-config.sxp:2: xend-relocation-server: expected a boolean (yes/no, on/off, "
       "true/false, 1/0), got 'maybe'"},
      {"\n\n(dom0-min-mem 196M)",
       "/etc/xen/xend-config.sxp:3: dom0-min-mem: expected an integer, got '196M'"},
      {"(xend-port 80x)", "/etc/xen/xend-config.sxp:1: xend-port: expected an integer, got '80x'"},
      {"(xend-port 70000)",
       "/etc/xen/xend-config.sxp:1: xend-port: expected a TCP port (0-65535), got 70000"},
      {"(dom0-min-mem -5)",
       "/etc/xen/xend-config.sxp:1: dom0-min-mem: must not be negative, got -5"},
      {"(console-limit 0)",
       "/etc/xen/xend-config.sxp:1: console-limit: must be a positive number of KiB, got 0"},
      {"(xend-accel hax)",
       "/etc/xen/xend-config.sxp:1: xend-accel: expected one of auto, kvm, tcg, got 'hax'"},
      {"(loglevel chatty)",
       "/etc/xen/xend-config.sxp:1: loglevel: expected one of DEBUG, INFO, WARNING, ERROR, "
       "CRITICAL, got 'chatty'"},
      {"(logfile (a b))",
       "/etc/xen/xend-config.sxp:1: logfile: expected a single value, got (a b)"},
      {"(xend-run-path run/xend)",
       "/etc/xen/xend-config.sxp:1: xend-run-path: expected an absolute path, got 'run/xend'"},
      {"(xenstored-start perhaps)",
       "/etc/xen/xend-config.sxp:1: xenstored-start: expected a boolean (yes/no, on/off, "
       "true/false, 1/0), got 'perhaps'"},
  };
  for (const BadCase& c : cases) {
    auto o = load(c.text);
    ASSERT_FALSE(o.has_value()) << c.text;
    EXPECT_EQ(o.error(), c.error);
  }
}

TEST(XendOptions, IntegersAsPythonIntReadsThem) {
  auto o = load("(dom0-min-mem ' 196 ')\n(dom0-cpus +1)");
  ASSERT_TRUE(o.has_value()) << o.error();
  EXPECT_EQ(o->dom0MinMem, 196);
  EXPECT_EQ(o->dom0Cpus, 1);
}

TEST(XendOptions, FileErrors) {
  auto missing = loadXendOptionsFile("/nonexistent/xenia/xend-config.sxp");
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().find("/nonexistent/xenia/xend-config.sxp"), std::string::npos);

  EXPECT_FALSE(loadXendOptionsFile("/").has_value());  // a directory

  char dir[] = "/tmp/xend-opt-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  std::string path = std::string(dir) + "/xend-config.sxp";
  {
    std::ofstream out(path);
    out << "(dom0-min-mem 64)\n(logfile /x\n";
  }
  auto syntax = loadXendOptionsFile(path);
  std::filesystem::remove_all(dir);
  ASSERT_FALSE(syntax.has_value());
  EXPECT_EQ(syntax.error().rfind(path + ":", 0), 0u) << syntax.error();
}

}  // namespace
}  // namespace xenia::xend
