// qemu/argv disks: blockdev nodes per backend and format, device placement
// per vdev (virtio-blk, IDE, AHCI), CD-ROMs, floppies, nbd/iscsi, host facts
// (fds, block-script devices) and every refusal.
#include "argv_test_util.h"

namespace xenia::qemu {
namespace {

using namespace test;
using config::DiskBackend;
using config::DiskDevType;
using config::DiskFormat;
using config::DiskMode;

config::Disk cdrom(std::string target, std::string vdev) {
  config::Disk d = disk(std::move(target), std::move(vdev));
  d.devtype = DiskDevType::kCdrom;
  d.mode = DiskMode::kRead;
  if (d.target.empty()) {
    d.backend = DiskBackend::kUnspecified;
  }
  return d;
}

TEST(ArgvDisk, PvGuestGetsVirtioBlk) {
  auto c = basePv();
  auto d = disk("/img/root.qcow2", "xvda");
  d.format = DiskFormat::kQcow2;
  c.disks = {d};
  Argv argv = build(c);
  EXPECT_EQ(values(argv, "-blockdev"),
            (std::vector<std::string>{
                R"({"node-name":"xvda-file","driver":"file","filename":"/img/root.qcow2",)"
                R"("read-only":false})",
                R"({"node-name":"xvda-format","driver":"qcow2","file":"xvda-file",)"
                R"("read-only":false})"}));
  EXPECT_TRUE(has(values(argv, "-device"),
                  "virtio-blk-pci,drive=xvda-format,id=xvda,serial=xvda"));
}

TEST(ArgvDisk, ProtocolDriversAndOptions) {
  auto c = basePv();
  auto phy = disk("/dev/vg/lv", "xvda");
  phy.backend = DiskBackend::kPhy;
  auto bare = disk("/dev/sdb", "xvdb");
  bare.backend = DiskBackend::kUnspecified;
  auto ro = disk("/img/data.vhd", "xvdc");
  ro.format = DiskFormat::kVpc;
  ro.mode = DiskMode::kRead;
  ro.discard = true;
  ro.directIoSafe = true;
  auto shared = disk("/img/shared.raw", "xvdd");
  shared.mode = DiskMode::kWriteForce;
  auto sync = disk("/img/sync.raw", "xvde");
  sync.backend = DiskBackend::kTap;
  sync.tap = config::TapDriver::kSync;
  c.disks = {phy, bare, ro, shared, sync};
  Argv argv = build(c);
  auto nodes = values(argv, "-blockdev");
  ASSERT_EQ(nodes.size(), 10u);
  EXPECT_EQ(nodes[0], R"({"node-name":"xvda-file","driver":"host_device",)"
                      R"("filename":"/dev/vg/lv","read-only":false})");
  EXPECT_EQ(nodes[2], R"({"node-name":"xvdb-file","driver":"host_device",)"
                      R"("filename":"/dev/sdb","read-only":false})");
  EXPECT_EQ(nodes[4], R"({"node-name":"xvdc-file","driver":"file","filename":"/img/data.vhd",)"
                      R"("cache":{"direct":true},"read-only":true,"discard":"unmap"})");
  EXPECT_EQ(nodes[5], R"({"node-name":"xvdc-format","driver":"vpc","file":"xvdc-file",)"
                      R"("read-only":true,"discard":"unmap"})");
  auto devs = values(argv, "-device");
  EXPECT_TRUE(has(devs, "virtio-blk-pci,drive=xvdd-format,id=xvdd,serial=xvdd,share-rw=on"));
  EXPECT_TRUE(has(devs, "virtio-blk-pci,drive=xvde-format,id=xvde,serial=xvde,write-cache=off"));
}

TEST(ArgvDisk, HvmPlacement) {
  auto c = baseHvm();
  c.disks = {disk("/img/a.raw", "hda"), disk("/img/b.raw", "hdb"),
             cdrom("/iso/x.iso", "hdc"), cdrom("", "hdd"),
             disk("/img/e.raw", "sda"), disk("/img/f.raw", "xvde")};
  Argv argv = build(c);
  auto devs = values(argv, "-device");
  EXPECT_TRUE(has(devs, "ide-hd,bus=ide.0,unit=0,drive=hda-format,id=hda"));
  EXPECT_TRUE(has(devs, "ide-hd,bus=ide.0,unit=1,drive=hdb-format,id=hdb"));
  EXPECT_TRUE(has(devs, "ide-cd,bus=ide.1,unit=0,drive=hdc-format,id=hdc"));
  EXPECT_TRUE(has(devs, "ide-cd,bus=ide.1,unit=1,id=hdd"));  // empty drive, no medium
  EXPECT_TRUE(has(devs, "ich9-ahci,id=ahci0"));
  EXPECT_TRUE(has(devs, "ide-hd,bus=ahci0.0,drive=sda-format,id=sda"));
  EXPECT_TRUE(has(devs, "virtio-blk-pci,drive=xvde-format,id=xvde,serial=xvde"));
  // CD media is read-only whatever the mode says.
  EXPECT_TRUE(has(values(argv, "-blockdev"),
                  R"({"node-name":"hdc-format","driver":"raw","file":"hdc-file",)"
                  R"("read-only":true})"));
  EXPECT_EQ(withPrefix(argv, "-blockdev", R"({"node-name":"hdd)").size(), 0u);
}

TEST(ArgvDisk, XvdMapsToIdeLikeLibxl) {
  auto c = baseHvm();
  c.disks = {disk("/img/a.raw", "xvda")};
  EXPECT_TRUE(has(values(build(c), "-device"), "ide-hd,bus=ide.0,unit=0,drive=xvda-format,id=xvda"));
  c.disks.push_back(disk("/img/b.raw", "hda"));
  TranslateError e = buildError(c);
  EXPECT_EQ(e.field, "disk[1]");
  EXPECT_NE(e.message.find("xvda"), std::string::npos);
}

TEST(ArgvDisk, HvmRefusals) {
  auto c = baseHvm();
  c.disks = {disk("/img/a.raw", "hde")};
  EXPECT_EQ(buildError(c).code, TranslateErrc::kLimitExceeded);
  c.disks = {disk("/img/a.raw", "sdg")};
  EXPECT_EQ(buildError(c).code, TranslateErrc::kLimitExceeded);
  c.disks = {cdrom("/iso/a.iso", "xvde")};
  EXPECT_EQ(buildError(c).code, TranslateErrc::kLimitExceeded);
  auto ro = disk("/img/a.raw", "hda");
  ro.mode = DiskMode::kRead;
  c.disks = {ro};
  EXPECT_EQ(buildError(c).code, TranslateErrc::kUnsupported);
  c.disks = {disk("/img/a.raw", "hda1")};
  EXPECT_EQ(buildError(c).code, TranslateErrc::kUnsupported);
  c.disks = {disk("/img/a.raw", "vda")};
  EXPECT_EQ(buildError(c).code, TranslateErrc::kInvalidValue);
  c.disks = {disk("/img/a.raw", "hda"), disk("/img/b.raw", "hda")};
  EXPECT_EQ(buildError(c).field, "disk[1]");
}

TEST(ArgvDisk, PvRefusalsAndPartitions) {
  auto c = basePv();
  c.disks = {cdrom("", "xvdc")};
  EXPECT_EQ(buildError(c).code, TranslateErrc::kUnsupported);
  c.disks = {disk("/dev/vg/root", "sda1")};  // old PV configs name partitions
  EXPECT_TRUE(has(values(build(c), "-device"), "virtio-blk-pci,drive=sda1-format,id=sda1,serial=sda1"));
  auto remote = disk("/img/a.raw", "xvda");
  remote.backendDomain = "driverdom";
  c.disks = {remote};
  EXPECT_EQ(buildError(c).code, TranslateErrc::kUnsupported);
}

TEST(ArgvDisk, PhysicalCdromUsesHostCdrom) {
  auto c = baseHvm();
  auto d = cdrom("/dev/sr0", "hdc");
  d.backend = DiskBackend::kPhy;
  c.disks = {d};
  EXPECT_TRUE(has(values(build(c), "-blockdev"),
                  R"({"node-name":"hdc-file","driver":"host_cdrom","filename":"/dev/sr0",)"
                  R"("read-only":true})"));
}

TEST(ArgvDisk, Nbd) {
  auto c = basePv();
  auto d = disk("10.0.0.1 10809", "xvda");
  d.backend = DiskBackend::kNbd;
  c.disks = {d};
  EXPECT_EQ(values(build(c), "-blockdev")[0],
            R"({"node-name":"xvda-file","driver":"nbd","server":{"type":"inet",)"
            R"("host":"10.0.0.1","port":"10809"},"read-only":false})");
  c.disks[0].target = "[fe80::1]:10809";
  EXPECT_NE(values(build(c), "-blockdev")[0].find(R"("host":"fe80::1")"), std::string::npos);
  c.disks[0].target = "unix:/run/nbd.sock";
  EXPECT_NE(values(build(c), "-blockdev")[0].find(R"({"type":"unix","path":"/run/nbd.sock"})"),
            std::string::npos);
  c.disks[0].target = "10.0.0.1";
  EXPECT_EQ(buildError(c).code, TranslateErrc::kInvalidValue);
  c.disks[0].target = "host:70000";
  EXPECT_EQ(buildError(c).code, TranslateErrc::kInvalidValue);
}

TEST(ArgvDisk, Iscsi) {
  auto c = basePv();
  auto d = disk("iqn=iqn.2020-01.org.example:disk1,portal=10.0.0.2:3260", "xvda");
  d.backend = DiskBackend::kIscsi;
  c.disks = {d};
  EXPECT_EQ(values(build(c), "-blockdev")[0],
            R"({"node-name":"xvda-file","driver":"iscsi","transport":"tcp",)"
            R"("portal":"10.0.0.2:3260","target":"iqn.2020-01.org.example:disk1","lun":0,)"
            R"("read-only":false})");
  c.disks[0].target += ",lun=3";
  EXPECT_NE(values(build(c), "-blockdev")[0].find(R"("lun":3)"), std::string::npos);

  auto f = facts(c);
  f.caps.blockDrivers.erase("iscsi");  // qemu-block-extra not installed
  TranslateError e = buildError(c, f);
  EXPECT_EQ(e.code, TranslateErrc::kMissingCapability);
  EXPECT_EQ(e.field, "disk[0]");

  // xl's script=block-iscsi means the same; QEMU is the initiator.
  c.disks[0].backend = DiskBackend::kUnspecified;
  c.disks[0].script = "block-iscsi";
  c.disks[0].target = "iqn=iqn.2020-01.org.example:disk1,portal=10.0.0.2";
  EXPECT_FALSE(diskNeedsBlockScript(c.disks[0]));
  EXPECT_NE(values(build(c), "-blockdev")[0].find(R"("driver":"iscsi")"), std::string::npos);

  c.disks[0].target = "portal=10.0.0.2";
  EXPECT_EQ(buildError(c).code, TranslateErrc::kInvalidValue);
  c.disks[0].target = "iqn=x,portal=y,multipath=y";
  EXPECT_EQ(buildError(c).code, TranslateErrc::kInvalidValue);
}

TEST(ArgvDisk, BlockScriptDisksNeedPreparedDevices) {
  auto c = basePv();
  auto drbd = disk("r0", "xvda");
  drbd.backend = DiskBackend::kDrbd;
  c.disks = {drbd};
  auto f = facts(c);
  EXPECT_TRUE(has(values(build(c, f), "-blockdev"),
                  R"({"node-name":"xvda-file","driver":"host_device",)"
                  R"("filename":"/dev/xenia-block/xvda","read-only":false})"));
  f.disks.clear();
  EXPECT_EQ(buildError(c, f).code, TranslateErrc::kMissingHostFact);

  EXPECT_TRUE(diskNeedsBlockScript(drbd));
  auto scripted = disk("/srv/thing", "xvdb");
  scripted.script = "block-custom";
  EXPECT_TRUE(diskNeedsBlockScript(scripted));
  EXPECT_FALSE(diskNeedsBlockScript(disk("/srv/plain", "xvdc")));
  c.disks = {scripted};
  f = facts(c);
  f.disks[0].path.clear();
  EXPECT_EQ(buildError(c, f).code, TranslateErrc::kMissingHostFact);
}

TEST(ArgvDisk, PreopenedFdsUseFdSets) {
  auto c = basePv();
  c.disks = {disk("/img/a.raw", "xvda"), disk("/img/b.raw", "xvdb")};
  auto f = facts(c);
  f.disks[1].fd = 23;
  Argv argv = build(c, f);
  EXPECT_EQ(values(argv, "-add-fd"), std::vector<std::string>{"fd=23,set=2,opaque=xvdb"});
  EXPECT_TRUE(has(values(argv, "-blockdev"),
                  R"({"node-name":"xvdb-file","driver":"file","filename":"/dev/fdset/2",)"
                  R"("read-only":false})"));
}

TEST(ArgvDisk, DriversMustExist) {
  auto c = basePv();
  auto d = disk("/img/a.vmdk", "xvda");
  d.format = DiskFormat::kVmdk;
  c.disks = {d};
  auto f = facts(c);
  f.caps.blockDrivers.erase("vmdk");
  EXPECT_EQ(buildError(c, f).code, TranslateErrc::kMissingCapability);
  f = facts(c);
  f.caps.devices.erase("virtio-blk-pci");
  EXPECT_EQ(buildError(c, f).code, TranslateErrc::kMissingCapability);
  auto h = baseHvm();
  h.disks = {disk("/img/a.raw", "sda")};
  f = facts(h);
  f.caps.devices.erase("ich9-ahci");
  EXPECT_EQ(buildError(h, f).code, TranslateErrc::kMissingCapability);
}

TEST(ArgvDisk, Floppies) {
  auto c = baseHvm();
  c.fda = "/img/floppy.img";
  Argv argv = build(c);
  EXPECT_TRUE(has(values(argv, "-device"), "floppy,unit=0,drive=fda-format,id=fda"));
  EXPECT_TRUE(has(values(argv, "-blockdev"),
                  R"({"node-name":"fda-file","driver":"file","filename":"/img/floppy.img",)"
                  R"("read-only":false})"));
  auto p = basePv();
  p.fdb = "/img/floppy.img";
  EXPECT_EQ(buildError(p).field, "fdb");
}

}  // namespace
}  // namespace xenia::qemu
