// Disk hotplug and CD media as QMP objects: the same nodes and device
// properties as at boot (blockdev-add / device_add arguments), the refusals
// (emulated slots, empty drives), and w!'s unlocked nodes at boot and hotplug.
#include "argv_test_util.h"
#include "qemu/argv/disk_hotplug.h"

namespace xenia::qemu {
namespace {

using namespace test;
using config::DiskDevType;
using config::DiskFormat;
using config::DiskMode;

const QemuCaps& caps() { return testdata::recordedCaps(); }

TEST(DiskHotplug, VirtioDiskAsQmpObjects) {
  auto d = disk("/img/data.qcow2", "xvdb");
  d.format = DiskFormat::kQcow2;
  d.mode = DiskMode::kRead;
  auto h = diskHotplug(basePv(), d, caps());
  ASSERT_TRUE(h) << h.error().format();
  ASSERT_EQ(h->blockdevs.size(), 2u);
  EXPECT_EQ(h->blockdevs[0].dump(),
            R"({"node-name":"xvdb-file","driver":"file","filename":"/img/data.qcow2",)"
            R"("read-only":true})");
  EXPECT_EQ(h->blockdevs[1].dump(),
            R"({"node-name":"xvdb-format","driver":"qcow2","file":"xvdb-file",)"
            R"("read-only":true})");
  EXPECT_EQ(h->driver, "virtio-blk-pci");
  EXPECT_EQ(h->id, "xvdb");
  EXPECT_EQ(h->props.dump(), R"({"drive":"xvdb-format","serial":"xvdb"})");
  EXPECT_EQ(h->formatNode, "xvdb-format");
}

TEST(DiskHotplug, SharedWriterIsUnlockedAndShareRwIsABool) {
  auto d = disk("/img/shared.raw", "xvdc");
  d.mode = DiskMode::kWriteForce;
  auto h = diskHotplug(basePv(), d, caps());
  ASSERT_TRUE(h) << h.error().format();
  EXPECT_EQ(h->blockdevs[0].value("locking", ""), "off");
  EXPECT_EQ(h->props.dump(), R"({"drive":"xvdc-format","serial":"xvdc","share-rw":true})");
  // The boot-time argv says the same.
  auto c = basePv();
  c.disks = {d};
  Argv argv = build(c);
  EXPECT_TRUE(has(values(argv, "-blockdev"),
                  R"({"node-name":"xvdc-file","driver":"file","filename":"/img/shared.raw",)"
                  R"("locking":"off","read-only":false})"));
}

TEST(DiskHotplug, TapSyncAndNbd) {
  auto d = disk("/img/s.raw", "xvdd");
  d.backend = config::DiskBackend::kTap;
  d.tap = config::TapDriver::kSync;
  auto h = diskHotplug(basePv(), d, caps());
  ASSERT_TRUE(h) << h.error().format();
  EXPECT_EQ(h->props.value("write-cache", ""), "off");
  auto n = disk("localhost 10809", "xvde");
  n.backend = config::DiskBackend::kNbd;
  auto hn = diskHotplug(basePv(), n, caps());
  ASSERT_TRUE(hn) << hn.error().format();
  EXPECT_EQ(hn->blockdevs[0].dump(),
            R"({"node-name":"xvde-file","driver":"nbd","server":{"type":"inet",)"
            R"("host":"localhost","port":"10809"},"read-only":false})");
}

TEST(DiskHotplug, EmulatedSlotsAndEmptyDrivesAreRefused) {
  auto h = diskHotplug(baseHvm(), disk("/img/a.raw", "hdb"), caps());
  ASSERT_FALSE(h);
  EXPECT_EQ(h.error().code, TranslateErrc::kUnsupported);
  EXPECT_NE(h.error().message.find("only PV (virtio) disks"), std::string::npos);
  config::Disk empty = disk("", "xvdb");
  EXPECT_FALSE(diskHotplug(basePv(), empty, caps()));
  // An invalid vdev is the boot-time translation's error.
  auto bad = diskHotplug(basePv(), disk("/img/a.raw", "vda"), caps());
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, TranslateErrc::kInvalidValue);
}

TEST(DiskHotplug, CdMediaAreReadOnlyNodes) {
  auto d = disk("/iso/install.iso", "hdc");
  d.devtype = DiskDevType::kCdrom;
  d.mode = DiskMode::kRead;
  auto h = cdMedia(baseHvm(), d, caps());
  ASSERT_TRUE(h) << h.error().format();
  ASSERT_EQ(h->blockdevs.size(), 2u);
  EXPECT_EQ(h->blockdevs[0].dump(),
            R"({"node-name":"hdc-file","driver":"file","filename":"/iso/install.iso",)"
            R"("read-only":true})");
  EXPECT_EQ(h->formatNode, "hdc-format");
  EXPECT_EQ(h->driver, "ide-cd");
  // A CD of a physical drive reads through host_cdrom.
  auto p = d;
  p.backend = config::DiskBackend::kPhy;
  p.target = "/dev/sr0";
  auto hp = cdMedia(baseHvm(), p, caps());
  ASSERT_TRUE(hp) << hp.error().format();
  EXPECT_EQ(hp->blockdevs[0].value("driver", ""), "host_cdrom");
  // Not a CD, or no media: refused.
  EXPECT_FALSE(cdMedia(baseHvm(), disk("/img/a.raw", "hdb"), caps()));
  auto empty = d;
  empty.target.clear();
  EXPECT_FALSE(cdMedia(baseHvm(), empty, caps()));
}

}  // namespace
}  // namespace xenia::qemu
