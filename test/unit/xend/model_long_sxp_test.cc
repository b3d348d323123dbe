// xm list -l: the config SXP with runtime keys and Xenia's extra children.
#include <gtest/gtest.h>

#include "config/model/json.h"
#include "config/model/sxp.h"
#include "xend/model/long_sxp.h"

namespace xenia::xend {
namespace {

config::DomainConfig web() {
  config::DomainConfig d;
  d.name = "web";
  d.uuid = "6a1b6c2e-0f3d-4b5a-9c7e-2d4f6a8b0c1e";
  d.kernel = "/boot/vmlinuz";
  config::Vif v;
  v.mac = "00:16:3e:00:00:01";
  d.vifs.push_back(v);
  config::Graphics g;
  g.vnc = true;
  d.vfbs.push_back(g);
  return d;
}

LongListFacts facts() {
  LongListFacts f;
  f.rt.domid = 3;
  f.rt.status = 2;
  f.rt.state = "-b----";
  f.rt.startTime = 1764182400.25;
  f.rt.cpuTime = 12.5;
  f.rt.onlineVcpus = 1;
  f.accel = "tcg";
  f.consolePty = "/dev/pts/4";
  f.consoleSocket = "/var/run/xend/domains/3/console-mux.sock";
  f.consoleLog = "/var/log/xen/console/guest-web.log";
  f.vncPort = 5901;
  f.vifNames = {"vif3.0"};
  return f;
}

// The (device (KIND ...)) bodies of one kind, in order.
std::vector<const config::Sexp*> devices(const config::Sexp& s, const std::string& kind) {
  std::vector<const config::Sexp*> out;
  for (const config::Sexp* dev : s.childrenNamed("device")) {
    const config::Sexp& body = dev->items[1];
    if (body.name() && *body.name() == kind) {
      out.push_back(&body);
    }
  }
  return out;
}

const config::Sexp* console(const config::Sexp& s, const std::string& protocol) {
  for (const config::Sexp* c : devices(s, "console")) {
    if (c->childAtom("protocol") == protocol) {
      return c;
    }
  }
  return nullptr;
}

TEST(LongList, RuntimeKeysAndExtras) {
  config::Sexp s = longListSexp(web(), facts());
  EXPECT_EQ(s.childAtom("domid"), "3");
  EXPECT_EQ(s.childAtom("state"), "-b----");
  EXPECT_EQ(s.childAtom("status"), "2");
  EXPECT_EQ(s.childAtom("start_time"), "1764182400.25");
  EXPECT_EQ(s.childAtom("cpu_time"), "12.5");
  EXPECT_EQ(s.childAtom("online_vcpus"), "1");
  EXPECT_EQ(s.childAtom("accel"), "tcg");
  // (accel ..) sits with the scalars, before the first device.
  size_t accelAt = 0, firstDeviceAt = 0;
  for (size_t i = 0; i < s.items.size(); ++i) {
    const std::string* n = s.items[i].name();
    if (n && *n == "accel") {
      accelAt = i;
    } else if (n && *n == "device" && firstDeviceAt == 0) {
      firstDeviceAt = i;
    }
  }
  EXPECT_LT(accelAt, firstDeviceAt);

  ASSERT_EQ(devices(s, "vif").size(), 1u);
  EXPECT_EQ(devices(s, "vif")[0]->childAtom("tap_name"), "vif3.0");
  EXPECT_FALSE(devices(s, "vif")[0]->child("vifname"));
  ASSERT_EQ(devices(s, "vfb").size(), 1u);
  EXPECT_EQ(devices(s, "vfb")[0]->childAtom("location"), "127.0.0.1:5901");
  const config::Sexp* rfb = console(s, "rfb");
  ASSERT_NE(rfb, nullptr);
  EXPECT_EQ(rfb->childAtom("location"), "127.0.0.1:5901");
  const config::Sexp* text = console(s, "vt100");
  ASSERT_NE(text, nullptr);
  EXPECT_EQ(text->childAtom("location"), "/dev/pts/4");
  EXPECT_EQ(text->childAtom("pty"), "/dev/pts/4");
  EXPECT_EQ(text->childAtom("socket"), "/var/run/xend/domains/3/console-mux.sock");
  EXPECT_EQ(text->childAtom("log"), "/var/log/xen/console/guest-web.log");
}

TEST(LongList, TextIsThePrettyPrintedTree) {
  std::string text = longListSxp(web(), facts());
  EXPECT_EQ(text, config::prettySxp(longListSexp(web(), facts())));
  EXPECT_EQ(text.rfind("(domain\n    (domid 3)\n", 0), 0u) << text;
  EXPECT_NE(text.find("(accel tcg)"), std::string::npos);
}

TEST(LongList, ReadsBackAsTheSameDomain) {
  // xm create -F of a saved `xm list -l` must still work: the extras are
  // ignored by the reader.
  config::SeededRandom rng(1);
  auto back = config::domainFromSxpText(longListSxp(web(), facts()), "list.sxp", rng);
  ASSERT_TRUE(back.has_value()) << back.error().format();
  EXPECT_EQ(config::domainToJsonText(*back), config::domainToJsonText(web()));
}

config::DomainConfig hvm() {
  config::DomainConfig d = web();
  d.type = config::GuestType::kHvm;
  d.kernel.clear();
  d.vfbs.clear();
  d.graphics.vnc = true;
  d.graphics.vnclisten = "0.0.0.0";
  return d;
}

TEST(LongList, SocketWhenNoPtyAndHvmVnc) {
  LongListFacts f = facts();
  f.consolePty = "";
  f.vifNames.clear();
  config::Sexp s = longListSexp(hvm(), f);
  EXPECT_TRUE(devices(s, "vfb").empty());
  ASSERT_NE(console(s, "rfb"), nullptr);
  EXPECT_EQ(console(s, "rfb")->childAtom("location"), "0.0.0.0:5901");
  ASSERT_NE(console(s, "vt100"), nullptr);
  EXPECT_EQ(console(s, "vt100")->childAtom("location"), "/var/run/xend/domains/3/console-mux.sock");
  EXPECT_FALSE(console(s, "vt100")->childAtom("pty").has_value());
  EXPECT_FALSE(devices(s, "vif")[0]->child("tap_name"));
}

TEST(LongList, HvmReadsBackAsTheSameDomain) {
  config::SeededRandom rng(1);
  config::DomainConfig d = hvm();
  auto canon = config::domainFromSxp(config::domainToSxp(d), "canon.sxp", rng);
  ASSERT_TRUE(canon.has_value()) << canon.error().format();
  auto back = config::domainFromSxpText(longListSxp(*canon, facts()), "list.sxp", rng);
  ASSERT_TRUE(back.has_value()) << back.error().format();
  EXPECT_EQ(config::domainToJsonText(*back), config::domainToJsonText(*canon));
}

TEST(LongList, HaltedDomainHasNoRuntimeExtras) {
  LongListFacts f;
  config::Sexp s = longListSexp(web(), f);
  EXPECT_FALSE(s.child("domid"));
  EXPECT_FALSE(s.child("accel"));
  EXPECT_TRUE(devices(s, "console").empty());
}

}  // namespace
}  // namespace xenia::xend
