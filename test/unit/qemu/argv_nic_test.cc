// qemu/argv NICs: tap netdevs from host facts, guest models for PV and HVM,
// ISA NE2000 resources, and the refusals.
#include "argv_test_util.h"

namespace xenia::qemu {
namespace {

using namespace test;

TEST(ArgvNic, PvGetsVirtioOnAPreparedTap) {
  auto c = basePv();
  c.vifs = {vif("00:16:3e:12:34:56"), vif("00:16:3e:12:34:57")};
  Argv argv = build(c);
  EXPECT_EQ(values(argv, "-netdev"),
            (std::vector<std::string>{"tap,id=net0,fd=40", "tap,id=net1,fd=41"}));
  auto devs = values(argv, "-device");
  EXPECT_TRUE(has(devs, "virtio-net-pci,netdev=net0,mac=00:16:3e:12:34:56,id=vif0"));
  EXPECT_TRUE(has(devs, "virtio-net-pci,netdev=net1,mac=00:16:3e:12:34:57,id=vif1"));
}

TEST(ArgvNic, TapByNameAndVhost) {
  auto c = basePv();
  c.vifs = {vif("00:16:3e:12:34:56")};
  auto f = facts(c);
  f.taps[0].fd.reset();
  EXPECT_EQ(values(build(c, f), "-netdev"),
            std::vector<std::string>{"tap,id=net0,ifname=vif7.0,script=no,downscript=no"});
  f.taps[0].ifname.clear();
  EXPECT_EQ(buildError(c, f).code, TranslateErrc::kMissingHostFact);

  f = facts(c);
  f.taps[0].vhostFd = 50;
  EXPECT_EQ(buildError(c, f).code, TranslateErrc::kInvalidValue);  // TCG
  f.accel = Accel::kKvm;
  EXPECT_EQ(values(build(c, f), "-netdev"),
            std::vector<std::string>{"tap,id=net0,fd=40,vhost=on,vhostfd=50"});

  f = facts(c);
  f.taps.clear();
  EXPECT_EQ(buildError(c, f).field, "vif[0]");
}

TEST(ArgvNic, HvmModels) {
  auto c = baseHvm();
  auto e1000 = vif("00:16:3e:00:00:02");
  e1000.model = "e1000";
  auto pv = vif("00:16:3e:00:00:03");
  pv.type = config::VifType::kNetfront;
  auto isa1 = vif("00:16:3e:00:00:04");
  isa1.model = "ne2k_isa";
  auto isa2 = isa1;
  isa2.mac = "00:16:3e:00:00:05";
  c.vifs = {vif("00:16:3e:00:00:01"), e1000, pv, isa1, isa2};
  auto devs = values(build(c), "-device");
  EXPECT_TRUE(has(devs, "rtl8139,netdev=net0,mac=00:16:3e:00:00:01,id=vif0"));
  EXPECT_TRUE(has(devs, "e1000,netdev=net1,mac=00:16:3e:00:00:02,id=vif1"));
  EXPECT_TRUE(has(devs, "virtio-net-pci,netdev=net2,mac=00:16:3e:00:00:03,id=vif2"));
  EXPECT_TRUE(has(devs, "ne2k_isa,netdev=net3,mac=00:16:3e:00:00:04,id=vif3,iobase=0x300,irq=9"));
  EXPECT_TRUE(has(devs, "ne2k_isa,netdev=net4,mac=00:16:3e:00:00:05,id=vif4,iobase=0x320,irq=10"));
}

TEST(ArgvNic, Refusals) {
  auto c = baseHvm();
  auto bad = vif("00:16:3e:00:00:01");
  bad.model = "3c509";
  c.vifs = {bad};
  EXPECT_EQ(buildError(c).code, TranslateErrc::kUnsupported);

  auto isa = vif("00:16:3e:00:00:01");
  isa.model = "ne2k_isa";
  c.vifs.assign(7, isa);
  EXPECT_EQ(buildError(c).code, TranslateErrc::kLimitExceeded);

  c.vifs = {vif("00:16:3e:00:00")};
  EXPECT_EQ(buildError(c).code, TranslateErrc::kInvalidValue);
  c.vifs = {vif("")};
  EXPECT_EQ(buildError(c).code, TranslateErrc::kInvalidValue);

  auto remote = vif("00:16:3e:00:00:01");
  remote.backendDomain = "netdom";
  c.vifs = {remote};
  EXPECT_EQ(buildError(c).code, TranslateErrc::kUnsupported);

  // PV guests ignore model= and type=, as on Xen: they have no emulated NIC.
  auto p = basePv();
  auto emulated = vif("00:16:3e:00:00:01");
  emulated.model = "e1000";
  emulated.type = config::VifType::kIoemu;
  p.vifs = {emulated};
  EXPECT_TRUE(has(values(build(p), "-device"),
                  "virtio-net-pci,netdev=net0,mac=00:16:3e:00:00:01,id=vif0"));

  c.vifs = {vif("00:16:3e:00:00:01")};
  auto f = facts(c);
  f.caps.devices.erase("rtl8139");
  EXPECT_EQ(buildError(c, f).code, TranslateErrc::kMissingCapability);
}

}  // namespace
}  // namespace xenia::qemu
