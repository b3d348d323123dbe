// The smaller spec parsers: vif and rate, MAC, PCI, vfb, cpus, cpuid, boot
// order and memory sizes.
#include <gtest/gtest.h>

#include "config/model/cpu_spec.h"
#include "config/model/device_spec.h"
#include "config/model/net_spec.h"

namespace xenia::config {
namespace {

TEST(RateSpec, UnitsAndWindowsLikeXend) {
  struct Case {
    const char* spec;
    uint64_t bytes;
    uint64_t usec;
  } cases[] = {
      {"1MB/s@20ms", 20000, 20000},       // the research brief's example
      {"100Mb/s", 625000, 50000},         // 12.5 MB/s over the 50 ms default
      {"100Mb/s@20ms", 250000, 20000},
      {"10kb/s", 62, 50000},              // lower-case k accepted
      {"1GB/s@1s", 1000000000, 1000000},
      {"8b/s@1s", 1, 1000000},
      {"5KB/s@500us", 2, 500},
      {"1MB/s@2", 2000000, 2000000},      // xl: bare interval is seconds
  };
  for (const Case& c : cases) {
    auto r = parseRate(c.spec);
    ASSERT_TRUE(r) << c.spec << ": " << r.error();
    EXPECT_EQ(r->bytesPerInterval, c.bytes) << c.spec;
    EXPECT_EQ(r->intervalUsec, c.usec) << c.spec;
    EXPECT_EQ(r->spec, c.spec);
  }
}

TEST(RateSpec, Errors) {
  for (const char* bad : {"", "fast", "10Mb", "10Mb/m", "10XB/s", "0MB/s", "10MB/s@",
                          "10MB/s@5h", "1b/s@1us", "5000GB/s@4000s"}) {
    EXPECT_FALSE(parseRate(bad)) << bad;
  }
  EXPECT_EQ(parseRate("1b/s@1us").error(),
            "Rate '1b/s@1us' is invalid: it allows less than one byte per interval.");
}

TEST(MacSpec, CanonicalLowerCase) {
  EXPECT_EQ(*parseMac("00:16:3E:0A:0b:0C"), "00:16:3e:0a:0b:0c");
  EXPECT_EQ(*parseMac(" 00-16-3e-00-00-01 "), "00:16:3e:00:00:01");
  EXPECT_EQ(*parseMac("0:16:3e:0:0:1"), "00:16:3e:00:00:01");
  for (const char* bad : {"", "00:16:3e:00:00", "00:16:3e:00:00:00:00", "XX:XX:XX:XX:XX:XX",
                          "000:16:3e:00:00:01", "01:00:5e:00:00:01"}) {
    EXPECT_FALSE(parseMac(bad)) << bad;
  }
}

TEST(MacSpec, RandomMacUsesXenOui) {
  SeededRandom rng(3);
  for (int i = 0; i < 50; ++i) {
    std::string mac = randomMac(rng);
    ASSERT_TRUE(parseMac(mac)) << mac;
    EXPECT_EQ(mac.substr(0, 9), "00:16:3e:");
    EXPECT_LT(std::stoi(mac.substr(9, 2), nullptr, 16), 0x80);
  }
}

TEST(VifSpec, AllKeys) {
  auto v = parseVifSpec(
      "type=ioemu, mac=00:16:3E:00:00:44, bridge=xenbr10, ip=10.0.0.1, script=vif-bridge, "
      "vifname=web0, model=e1000, backend=netdom, rate=10Mb/s@20ms, accel=sfc");
  ASSERT_TRUE(v) << v.error();
  EXPECT_EQ(v->type, VifType::kIoemu);
  EXPECT_EQ(v->mac, "00:16:3e:00:00:44");
  EXPECT_EQ(v->bridge, "xenbr10");
  EXPECT_EQ(v->ip, std::vector<std::string>{"10.0.0.1"});
  EXPECT_EQ(v->script, "vif-bridge");
  EXPECT_EQ(v->vifname, "web0");
  EXPECT_EQ(v->model, "e1000");
  EXPECT_EQ(v->backendDomain, "netdom");
  ASSERT_TRUE(v->rate);
  EXPECT_EQ(v->rate->bytesPerInterval, 25000u);
  EXPECT_EQ(v->accel, "sfc");
  EXPECT_EQ(parseVifSpec("type=netfront")->type, VifType::kNetfront);
  EXPECT_EQ(parseVifSpec("type=vif")->type, VifType::kNetfront);
  EXPECT_EQ(*parseVifSpec(""), Vif{});
  EXPECT_EQ(parseVifSpec("mac = 00:16:3e:00:00:01")->mac, "00:16:3e:00:00:01");
}

TEST(VifSpec, Errors) {
  EXPECT_EQ(parseVifSpec("colour=red").error(), "Invalid vif option: colour.");
  EXPECT_EQ(parseVifSpec("bridge").error(),
            "vif option 'bridge' should be a pair, separated by an equals sign.");
  EXPECT_FALSE(parseVifSpec("type=e1000"));
  EXPECT_FALSE(parseVifSpec("rate=fast"));
}

TEST(PciSpec, XmAndXlForms) {
  auto a = parsePciSpec("00:1a.1");
  ASSERT_TRUE(a) << a.error();
  ASSERT_EQ(a->size(), 1u);
  EXPECT_EQ((*a)[0].bus, 0);
  EXPECT_EQ((*a)[0].slot, 0x1a);
  EXPECT_EQ((*a)[0].func, 1);
  EXPECT_EQ(formatPciBdf((*a)[0]), "0000:00:1a.1");

  auto b = parsePciSpec("0001:0c:1b.2@7,msitranslate=1,power_mgmt=0");
  ASSERT_TRUE(b) << b.error();
  EXPECT_EQ((*b)[0].domain, 1);
  EXPECT_EQ((*b)[0].vslot, std::optional<int>(7));
  EXPECT_EQ((*b)[0].msitranslate, std::optional<bool>(true));
  EXPECT_EQ((*b)[0].powerMgmt, std::optional<bool>(false));

  auto c = parsePciSpec("bdf=03:00.0,permissive=1,seize=1,vslot=0x4");
  ASSERT_TRUE(c) << c.error();
  EXPECT_TRUE((*c)[0].permissive);
  EXPECT_TRUE((*c)[0].seize);
  EXPECT_EQ((*c)[0].vslot, std::optional<int>(4));

  auto range = parsePciSpec("01:00.0-3");
  ASSERT_TRUE(range);
  ASSERT_EQ(range->size(), 4u);
  EXPECT_EQ((*range)[3].func, 3);
  auto list = parsePciSpec("01:00.0,2");
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[1].func, 2);
}

TEST(PciSpec, Errors) {
  for (const char* bad : {"", "00:1a", "00:1a.8", "000:00:00.0:0", "00:20.0", "1:00:00.0@20",
                          "00:1a.1,colour=red", "00:1a.1,msitranslate=maybe", "00:1a.*",
                          "00:1a.0=1", "01:00.0,0"}) {
    EXPECT_FALSE(parsePciSpec(bad)) << bad;
  }
}

TEST(VfbSpec, LegacyTypeAndKeys) {
  auto g = parseVfbSpec("type=vnc, vncunused=1");
  ASSERT_TRUE(g) << g.error();
  EXPECT_TRUE(g->vnc);
  EXPECT_FALSE(g->sdl);
  EXPECT_TRUE(g->vncunused);
  auto s = parseVfbSpec("type=sdl");
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->sdl);
  auto all = parseVfbSpec("vnc=1,sdl=1,vncunused=0,vncdisplay=3,vnclisten=0.0.0.0,"
                          "display=:0,xauthority=/root/.Xauthority,vncpasswd=pw,opengl=1,"
                          "keymap=de");
  ASSERT_TRUE(all) << all.error();
  EXPECT_EQ(all->vncdisplay, std::optional<int>(3));
  EXPECT_EQ(all->vncpasswd, std::optional<std::string>("pw"));
  EXPECT_EQ(all->keymap, "de");
  EXPECT_EQ(parseVfbSpec("type=rdp").error(), "vfb type 'rdp' is invalid (use vnc or sdl).");
  EXPECT_EQ(parseVfbSpec("colour=1").error(), "configuration option colour unknown to vfbs.");
  EXPECT_FALSE(parseVfbSpec("vnc=maybe"));
}

TEST(CpuSetSpec, RangesExclusionsAndOrder) {
  EXPECT_EQ(parseCpuSet("0-3,^1")->cpus, (std::vector<int>{0, 2, 3}));
  EXPECT_EQ(parseCpuSet("0-3,^1,1")->cpus, (std::vector<int>{0, 1, 2, 3}));
  EXPECT_EQ(parseCpuSet("3-8,^5")->cpus, (std::vector<int>{3, 4, 6, 7, 8}));
  EXPECT_EQ(parseCpuSet(" 2 ")->cpus, (std::vector<int>{2}));
  EXPECT_TRUE(parseCpuSet("all")->cpus.empty());
  EXPECT_EQ(formatCpuSet(*parseCpuSet("0-3,5,7-8,^2")), "0-1,3,5,7-8");
  for (const char* bad : {"", "^1", "1-0", "a", "0,,1", "nodes:0", "all,^1", "^all", "4096",
                          "1-2-3"}) {
    EXPECT_FALSE(parseCpuSet(bad)) << bad;
  }
}

TEST(CpuidSpec, LibxlForm) {
  auto c = parseCpuidLibxl("host,tm=0,sse3=0,family=6");
  ASSERT_TRUE(c) << c.error();
  EXPECT_TRUE(c->host);
  ASSERT_EQ(c->features.size(), 3u);
  EXPECT_EQ(c->features[0], (std::pair<std::string, std::string>{"tm", "0"}));
  EXPECT_FALSE(parseCpuidLibxl("tm=0,host"));
  EXPECT_FALSE(parseCpuidLibxl("tm=maybe"));
}

TEST(CpuidSpec, XendForm) {
  auto l = parseCpuidLeaf("0x80000001,0x2:edx=0x00000001,ecx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxk1");
  ASSERT_TRUE(l) << l.error();
  EXPECT_EQ(l->leaf, 0x80000001u);
  EXPECT_EQ(l->subleaf, std::optional<uint32_t>(2));
  ASSERT_EQ(l->regs.size(), 2u);
  EXPECT_EQ(l->regs[0].first, "ecx");  // sorted by register
  EXPECT_EQ(l->regs[1].second, std::string(31, '0') + "1");
  EXPECT_EQ(cpuidLeafKey(*l), "2147483649,2");
  EXPECT_FALSE(parseCpuidLeaf("1:eax=0101"));
  EXPECT_FALSE(parseCpuidLeaf("1:esi=0x0"));
  EXPECT_FALSE(parseCpuidLeaf("eax=0x0"));
  EXPECT_FALSE(parseCpuidLeaf("1:eax=0x0,eax=0x1"));
}

TEST(BootOrder, Letters) {
  EXPECT_EQ(*parseBootOrder("dc"), "dc");
  EXPECT_EQ(*parseBootOrder("cdn"), "cdn");
  EXPECT_FALSE(parseBootOrder("x"));
  EXPECT_FALSE(parseBootOrder("cc"));
  EXPECT_FALSE(parseBootOrder(""));
}

TEST(MemorySpec, Units) {
  EXPECT_EQ(*parseMemoryMiB("512"), 512);
  EXPECT_EQ(*parseMemoryMiB("512M"), 512);
  EXPECT_EQ(*parseMemoryMiB("2g"), 2048);
  EXPECT_EQ(*parseMemoryMiB("1GB"), 1024);
  EXPECT_EQ(*parseMemoryMiB("1T"), 1024 * 1024);
  EXPECT_EQ(*parseMemoryMiB("524288k"), 512);
  EXPECT_FALSE(parseMemoryMiB("1000k"));  // not whole MiB
  EXPECT_FALSE(parseMemoryMiB("lots"));
  EXPECT_FALSE(parseMemoryMiB("1P"));
}

}  // namespace
}  // namespace xenia::config
