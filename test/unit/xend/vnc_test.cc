// xend's VNC policy (src/xend/model/vnc.h): effective listen/password/keymap,
// display choice with an injected port probe, send-keys combinations.
#include "xend/model/vnc.h"

#include <set>

#include <gtest/gtest.h>

namespace xenia::xend {
namespace {

config::DomainConfig pvWithVfb(config::Graphics g) {
  config::DomainConfig d;
  d.type = config::GuestType::kPv;
  d.vfbs.push_back(g);
  return d;
}

config::Graphics vnc() {
  config::Graphics g;
  g.vnc = true;
  return g;
}

TEST(VncGraphics, HvmTopLevelPvFirstVfb) {
  config::DomainConfig hvm;
  hvm.type = config::GuestType::kHvm;
  EXPECT_EQ(vncGraphics(hvm), nullptr);
  hvm.graphics.vnc = true;
  EXPECT_EQ(vncGraphics(hvm), &hvm.graphics);
  hvm.nographic = true;
  EXPECT_EQ(vncGraphics(hvm), nullptr);

  config::Graphics sdl;
  sdl.sdl = true;
  auto pv = pvWithVfb(sdl);
  EXPECT_EQ(vncGraphics(pv), nullptr);
  pv.vfbs[0].vnc = true;
  EXPECT_EQ(vncGraphics(pv), &pv.vfbs[0]);
}

TEST(VncDefaults, DomainThenXendConfigThenXen) {
  XendOptions o = defaultXendOptions();
  auto eff = withVncDefaults(pvWithVfb(vnc()), o);
  EXPECT_EQ(eff.vfbs[0].vnclisten, "127.0.0.1");
  EXPECT_EQ(eff.vfbs[0].keymap, "en-us");
  EXPECT_FALSE(eff.vfbs[0].vncpasswd.has_value());

  o.vncListen = "0.0.0.0";
  o.keymap = "de";
  o.vncpasswd = "global";
  eff = withVncDefaults(pvWithVfb(vnc()), o);
  EXPECT_EQ(eff.vfbs[0].vnclisten, "0.0.0.0");
  EXPECT_EQ(eff.vfbs[0].keymap, "de");
  EXPECT_EQ(eff.vfbs[0].vncpasswd, "global");

  config::Graphics own = vnc();
  own.vnclisten = "10.0.0.1";
  own.keymap = "fr";
  own.vncpasswd = "";  // explicitly no password: xend-config's does not apply
  eff = withVncDefaults(pvWithVfb(own), o);
  EXPECT_EQ(eff.vfbs[0].vnclisten, "10.0.0.1");
  EXPECT_EQ(eff.vfbs[0].keymap, "fr");
  EXPECT_EQ(eff.vfbs[0].vncpasswd, "");
}

TEST(VncDefaults, PythonNoneIsUnset) {
  XendOptions o = defaultXendOptions();
  o.keymap = "None";
  o.vncpasswd = "None";
  auto eff = withVncDefaults(pvWithVfb(vnc()), o);
  EXPECT_EQ(eff.vfbs[0].keymap, "en-us");
  EXPECT_FALSE(eff.vfbs[0].vncpasswd.has_value());
}

TEST(VncDefaults, NoVncNoChange) {
  config::DomainConfig d;
  d.type = config::GuestType::kPv;
  EXPECT_EQ(withVncDefaults(d, defaultXendOptions()), d);
}

TEST(VncDisplay, UnusedTakesLowestFreeSkippingBusy) {
  std::set<int> busy = {5900, 5901, 5903};
  std::vector<int> probed;
  auto probe = [&](int port) {
    probed.push_back(port);
    return busy.count(port) == 0;
  };
  auto d = chooseVncDisplay(vnc(), probe);
  ASSERT_TRUE(d);
  EXPECT_EQ(*d, 2);
  EXPECT_EQ(probed, (std::vector<int>{5900, 5901, 5902}));
}

TEST(VncDisplay, PinnedIsExactOrAnError) {
  config::Graphics g = vnc();
  g.vncdisplay = 7;
  auto free = [](int) { return true; };
  auto busy = [](int port) { return port != 5907; };
  ASSERT_TRUE(chooseVncDisplay(g, free));
  EXPECT_EQ(*chooseVncDisplay(g, free), 7);
  auto r = chooseVncDisplay(g, busy);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), "VNC display 7 (port 5907) is in use on this host.");
  g.vncdisplay = 65535 - 5900 + 1;
  EXPECT_FALSE(chooseVncDisplay(g, free));
}

TEST(VncDisplay, NotUnusedMeansDisplayZero) {
  config::Graphics g = vnc();
  g.vncunused = false;
  EXPECT_EQ(*chooseVncDisplay(g, [](int) { return true; }), 0);
  EXPECT_FALSE(chooseVncDisplay(g, [](int port) { return port != 5900; }));
}

TEST(VncDisplay, NothingFree) {
  EXPECT_FALSE(chooseVncDisplay(vnc(), [](int) { return false; }));
}

TEST(KeyCombo, Parses) {
  using V = std::vector<std::string>;
  EXPECT_EQ(*parseKeyCombo("ctrl-alt-f2"), (V{"ctrl", "alt", "f2"}));
  EXPECT_EQ(*parseKeyCombo("Ctrl-Alt-Del"), (V{"ctrl", "alt", "delete"}));
  EXPECT_EQ(*parseKeyCombo("alt-sysrq-s"), (V{"alt", "sysrq", "s"}));
  EXPECT_EQ(*parseKeyCombo("shift-a"), (V{"shift", "a"}));
  EXPECT_EQ(*parseKeyCombo("ctrl--"), (V{"ctrl", "minus"}));
  EXPECT_EQ(*parseKeyCombo("-"), (V{"minus"}));
  EXPECT_EQ(*parseKeyCombo("enter"), (V{"ret"}));
  EXPECT_EQ(*parseKeyCombo("f12"), (V{"f12"}));
  EXPECT_EQ(*parseKeyCombo("kp_enter"), (V{"kp_enter"}));
}

TEST(KeyCombo, Rejects) {
  EXPECT_EQ(parseKeyCombo("ctrl-foo").error(), "Unknown key 'foo' in 'ctrl-foo'.");
  EXPECT_FALSE(parseKeyCombo(""));
  EXPECT_FALSE(parseKeyCombo("f13"));
  EXPECT_FALSE(parseKeyCombo("f0"));
  EXPECT_FALSE(parseKeyCombo("ctrl-"));
  EXPECT_FALSE(parseKeyCombo("a-b-c-d-e-f-g-h-i-j-k-l-m-n-o-p-q"));
}

}  // namespace
}  // namespace xenia::xend

namespace xenia::xend {
namespace {

Expected<XendOptions, std::string> loadText(const std::string& text) {
  auto cfg = config::parseXendConfig(text, "/etc/xen/xend-config.sxp");
  if (!cfg) {
    return unexpected(cfg.error().format());
  }
  return loadXendOptions(*cfg);
}

TEST(VncTls, XendConfigKeys) {
  auto o = loadText("(vnc-tls 1)\n(vnc-x509-cert-dir vnc-certs)\n(vnc-x509-verify yes)\n");
  ASSERT_TRUE(o.has_value()) << o.error();
  EXPECT_TRUE(o->vncTls);
  EXPECT_EQ(o->vncX509CertDir, "/etc/xen/vnc-certs");  // a bare name is under /etc/xen
  EXPECT_TRUE(o->vncX509Verify);
  o = loadText("(vnc-tls 0)\n(vnc-x509-cert-dir /srv/pki/vnc)\n");
  ASSERT_TRUE(o.has_value()) << o.error();
  EXPECT_FALSE(o->vncTls);  // xend's string test turned this on; Xenia does not
  EXPECT_EQ(o->vncX509CertDir, "/srv/pki/vnc");
  EXPECT_FALSE(o->vncX509Verify);
  auto d = defaultXendOptions();
  EXPECT_FALSE(d.vncTls);
  EXPECT_EQ(d.vncX509CertDir, "/etc/xen/vnc");
  auto bad = loadText("(vnc-tls maybe)\n");
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().find("vnc-tls"), std::string::npos) << bad.error();
}

TEST(VncTls, CertDirChecked) {
  XendOptions o = defaultXendOptions();
  o.vncX509CertDir = "/srv/vnc";
  std::set<std::string> files;
  auto exists = [&](const std::string& p) { return files.count(p) > 0; };
  EXPECT_TRUE(checkVncTls(o, exists).has_value());  // vnc-tls off: nothing is looked at
  o.vncTls = true;
  auto r = checkVncTls(o, exists);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error(), "xend-config.sxp (vnc-tls 1): vnc-x509-cert-dir '/srv/vnc' does not exist.");
  files = {"/srv/vnc", "/srv/vnc/ca-cert.pem"};
  r = checkVncTls(o, exists);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error(),
            "xend-config.sxp (vnc-tls 1): vnc-x509-cert-dir '/srv/vnc' lacks server-cert.pem, "
            "server-key.pem (VNC TLS needs ca-cert.pem, server-cert.pem, server-key.pem).");
  files.insert({"/srv/vnc/server-cert.pem", "/srv/vnc/server-key.pem"});
  EXPECT_TRUE(checkVncTls(o, exists).has_value());
}

}  // namespace
}  // namespace xenia::xend
