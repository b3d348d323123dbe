// Disk spec parsers: xm's legacy form, xl's DISKSPEC (with the man page's
// equivalence vectors) and unames.
#include <gtest/gtest.h>

#include "config/model/disk_spec.h"

namespace xenia::config {
namespace {

Disk xl(const char* spec) {
  auto d = parseXlDisk(spec);
  EXPECT_TRUE(d.has_value()) << spec << ": " << (d ? "" : d.error());
  return d ? *d : Disk{};
}

Disk xm(const char* spec) {
  auto d = parseXmDisk(spec);
  EXPECT_TRUE(d.has_value()) << spec << ": " << (d ? "" : d.error());
  return d ? *d : Disk{};
}

TEST(XlDiskSpec, ManPageVolumeVectorsAreEquivalent) {
  Disk a = xl("/dev/vg/guest-volume,,hda");
  EXPECT_EQ(a.target, "/dev/vg/guest-volume");
  EXPECT_EQ(a.vdev, "hda");
  EXPECT_EQ(a.format, DiskFormat::kRaw);
  EXPECT_EQ(a.mode, DiskMode::kWrite);
  EXPECT_EQ(a.devtype, DiskDevType::kDisk);
  EXPECT_EQ(a, xl("/dev/vg/guest-volume,raw,hda,rw"));
  EXPECT_EQ(a, xl("format=raw, vdev=hda, access=rw, target=/dev/vg/guest-volume"));
  EXPECT_EQ(a, xl("raw:/dev/vg/guest-volume,hda,w"));
}

TEST(XlDiskSpec, ManPageCdromVectorsAreEquivalent) {
  Disk a = xl("/root/image.iso,,hdc,cdrom");
  EXPECT_EQ(a.target, "/root/image.iso");
  EXPECT_EQ(a.vdev, "hdc");
  EXPECT_EQ(a.devtype, DiskDevType::kCdrom);
  EXPECT_EQ(a.mode, DiskMode::kRead);
  EXPECT_EQ(a, xl("/root/image.iso,,hdc,,cdrom"));
  EXPECT_EQ(a, xl("/root/image.iso,raw,hdc,devtype=cdrom"));
  EXPECT_EQ(a, xl("format=raw, vdev=hdc, access=ro, devtype=cdrom, target=/root/image.iso"));
  EXPECT_EQ(a, xl("raw:/root/image.iso,hdc:cdrom,ro"));
}

TEST(XlDiskSpec, EmptyCdromInXendSyntax) {
  Disk a = xl(",hdc:cdrom,r");
  EXPECT_TRUE(a.empty());
  EXPECT_EQ(a.vdev, "hdc");
  EXPECT_EQ(a.devtype, DiskDevType::kCdrom);
  EXPECT_EQ(a.mode, DiskMode::kRead);
}

TEST(XlDiskSpec, TargetKeyConsumesTheRestIncludingCommas) {
  Disk a = xl("vdev=xvda, target=/images/a,b.img");
  EXPECT_EQ(a.target, "/images/a,b.img");
}

TEST(XlDiskSpec, FormatsAndRelativeTargets) {
  EXPECT_EQ(xl("/img/a.qcow2,qcow2,xvda,w").format, DiskFormat::kQcow2);
  EXPECT_EQ(xl("/img/a.vhd,vhd,xvda").format, DiskFormat::kVpc);
  EXPECT_EQ(xl("/img/a.qed,qed,xvda").format, DiskFormat::kQed);
  EXPECT_EQ(xl("vg/lv,,xvda").target, "/dev/vg/lv");
  EXPECT_EQ(xl("tap:aio:qcow2:/p.img,xvda,w").format, DiskFormat::kQcow2);
  Disk vmdk = xl("tap:vmdk:/p.vmdk,xvdb,w");  // xl rejects this; we accept it
  EXPECT_EQ(vmdk.backend, DiskBackend::kTap);
  EXPECT_EQ(vmdk.tap, TapDriver::kVmdk);
  EXPECT_EQ(vmdk.format, DiskFormat::kVmdk);
}

TEST(XlDiskSpec, ScriptPrefixesAndFlags) {
  Disk n = xl("nbd:192.168.0.1 20004,xvda,w");
  EXPECT_EQ(n.backend, DiskBackend::kNbd);
  EXPECT_EQ(n.target, "192.168.0.1 20004");
  Disk i = xl("iscsi:iqn.2001-04.com.example:storage.disk1,xvdb,w");
  EXPECT_EQ(i.backend, DiskBackend::kIscsi);
  EXPECT_EQ(i.target, "iqn.2001-04.com.example:storage.disk1");
  Disk f = xl("/p.img,raw,xvdc,rw,direct-io-safe,no-discard,backend=storage");
  EXPECT_TRUE(f.directIoSafe);
  EXPECT_EQ(f.discard, std::optional<bool>(false));
  EXPECT_EQ(f.backendDomain, "storage");
}

// The iscsi spec forms: block-iscsi's documented xl form (target= keeps the
// commas), the deprecated iscsi: prefix, and an xm uname. All name the same
// disk, and the target is block-iscsi's parameter, never a /dev/ path.
TEST(IscsiDiskSpec, EveryFormIsTheSameDisk) {
  const char* kTarget = "iqn=iqn.2026-11.org.xenia:t1,portal=127.0.0.1:3260,lun=1";
  Disk a = xl("vdev=xvdb, access=w, script=block-iscsi, "
              "target=iqn=iqn.2026-11.org.xenia:t1,portal=127.0.0.1:3260,lun=1");
  EXPECT_EQ(a.backend, DiskBackend::kIscsi);
  EXPECT_EQ(a.target, kTarget);
  EXPECT_EQ(a.script, "");
  EXPECT_EQ(a.vdev, "xvdb");
  EXPECT_EQ(a.mode, DiskMode::kWrite);
  EXPECT_EQ(a, xl("script=iscsi,vdev=xvdb,target=iqn=iqn.2026-11.org.xenia:t1,"
                  "portal=127.0.0.1:3260,lun=1"));
  EXPECT_EQ(a, xl("iscsi:iqn=iqn.2026-11.org.xenia:t1,portal=127.0.0.1:3260,lun=1,xvdb,w"));
  EXPECT_EQ(a, xl("iscsi:iqn=iqn.2026-11.org.xenia:t1, portal=127.0.0.1:3260, lun=1,xvdb,w"));
  Disk m = xm("iscsi:iqn=iqn.2026-11.org.xenia:t1,portal=127.0.0.1:3260,lun=1,xvdb,w");
  EXPECT_EQ(m.backend, DiskBackend::kIscsi);
  EXPECT_EQ(m.target, kTarget);
  EXPECT_EQ(m.vdev, "xvdb");
  EXPECT_EQ(m.mode, DiskMode::kWrite);
  auto u = parseUname(std::string("iscsi:") + kTarget);
  ASSERT_TRUE(u);
  EXPECT_EQ(u->target, kTarget);
  EXPECT_EQ(formatUname(m), std::string("iscsi:") + kTarget);
  // Read-only, and the xm form with a backend domain after the mode.
  EXPECT_EQ(xl("vdev=xvdc,access=r,script=block-iscsi,target=iqn=x,portal=h").mode,
            DiskMode::kRead);
  EXPECT_EQ(xm("iscsi:iqn=x,portal=h,xvdc,r,0").backendDomain, "0");
}

TEST(IscsiDiskSpec, ScriptTargetsAreKeptVerbatim) {
  // nbd/drbd scripts map to their backends too; another script's parameter
  // is not a path either.
  Disk n = xl("vdev=xvdb,script=block-nbd,target=localhost 10809");
  EXPECT_EQ(n.backend, DiskBackend::kNbd);
  EXPECT_EQ(n.target, "localhost 10809");
  Disk d = xl("vdev=xvdb,script=block-drbd,target=r0");
  EXPECT_EQ(d.backend, DiskBackend::kDrbd);
  EXPECT_EQ(d.target, "r0");
  Disk s = xl("vdev=xvdb,script=block-custom,target=pool/vol");
  EXPECT_EQ(s.script, "block-custom");
  EXPECT_EQ(s.target, "pool/vol");
  // Without a script a relative target is still a device under /dev/.
  EXPECT_EQ(xl("vdev=xvdb,target=vg/lv").target, "/dev/vg/lv");
  // Items that are not block-iscsi's stay separate fields (and fail as xm's do).
  EXPECT_FALSE(parseXmDisk("iscsi:iqn=x,colour=red,xvdb,w"));
}

TEST(XlDiskSpec, Errors) {
  auto noVdev = parseXlDisk("/dev/sda");
  ASSERT_FALSE(noVdev);
  EXPECT_NE(noVdev.error().find("no virtual device"), std::string::npos);
  auto badFormat = parseXlDisk("/dev/sda,hda,w");  // prefix-less legacy form: hda is a format
  ASSERT_FALSE(badFormat);
  EXPECT_NE(badFormat.error().find("unknown value for format"), std::string::npos);
  auto unknown = parseXlDisk("/p,,xvda,colour=red");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().find("unknown parameter"), std::string::npos);
  auto many = parseXlDisk("/p,raw,xvda,rw,extra");
  ASSERT_FALSE(many);
  EXPECT_NE(many.error().find("too many positional"), std::string::npos);
  auto npiv = parseXlDisk("npiv:210400e08b80c40f,xvda,w");
  ASSERT_FALSE(npiv);
  EXPECT_NE(npiv.error().find("unsupported"), std::string::npos);
  auto noTarget = parseXlDisk("vdev=xvda");
  ASSERT_FALSE(noTarget);
  EXPECT_NE(noTarget.error().find("no target"), std::string::npos);
}

TEST(XmDiskSpec, NetBsdPhyDisk) {
  Disk d = xm("phy:/dev/xen/netbsd,hda,w");
  EXPECT_EQ(d.backend, DiskBackend::kPhy);
  EXPECT_EQ(d.target, "/dev/xen/netbsd");
  EXPECT_EQ(d.vdev, "hda");
  EXPECT_EQ(d.mode, DiskMode::kWrite);
  EXPECT_EQ(d.backendDomain, "0");
}

TEST(XmDiskSpec, PrefixesMapToBackendAndFormat) {
  struct Case {
    const char* uname;
    DiskBackend backend;
    TapDriver tap;
    DiskFormat format;
  } cases[] = {
      {"phy:/dev/vg/a", DiskBackend::kPhy, TapDriver::kNone, DiskFormat::kRaw},
      {"file:/x.img", DiskBackend::kFile, TapDriver::kNone, DiskFormat::kRaw},
      {"tap:aio:/x.img", DiskBackend::kTap, TapDriver::kAio, DiskFormat::kRaw},
      {"tap:sync:/x.img", DiskBackend::kTap, TapDriver::kSync, DiskFormat::kRaw},
      {"tap:qcow:/x.qcow", DiskBackend::kTap, TapDriver::kQcow, DiskFormat::kQcow},
      {"tap:qcow2:/x.qcow2", DiskBackend::kTap, TapDriver::kQcow2, DiskFormat::kQcow2},
      {"tap:vmdk:/x.vmdk", DiskBackend::kTap, TapDriver::kVmdk, DiskFormat::kVmdk},
      {"tap:vhd:/x.vhd", DiskBackend::kTap, TapDriver::kVhd, DiskFormat::kVpc},
      {"tap:cdrom:/dev/sr0", DiskBackend::kTap, TapDriver::kCdrom, DiskFormat::kRaw},
      {"nbd:10.0.0.1 2000", DiskBackend::kNbd, TapDriver::kNone, DiskFormat::kRaw},
      {"iscsi:iqn.2001-04.com.acme@0ac47ee2", DiskBackend::kIscsi, TapDriver::kNone,
       DiskFormat::kRaw},
      {"drbd:r0", DiskBackend::kDrbd, TapDriver::kNone, DiskFormat::kRaw},
  };
  for (const Case& c : cases) {
    auto d = parseUname(c.uname);
    ASSERT_TRUE(d) << c.uname << ": " << d.error();
    EXPECT_EQ(d->backend, c.backend) << c.uname;
    EXPECT_EQ(d->tap, c.tap) << c.uname;
    EXPECT_EQ(d->format, c.format) << c.uname;
    EXPECT_EQ(formatUname(*d), c.uname);  // the uname round-trips
  }
}

TEST(XmDiskSpec, TapCdromIsAReadOnlyCdDrive) {
  Disk d = xm("tap:cdrom:/dev/sr0,xvdc,r");
  EXPECT_EQ(d.devtype, DiskDevType::kCdrom);
  EXPECT_EQ(d.target, "/dev/sr0");
}

TEST(XmDiskSpec, IsoAsHvmCdromAndEmptyDrive) {
  Disk iso = xm("file:/path/x.iso,hdc:cdrom,r");
  EXPECT_EQ(iso.devtype, DiskDevType::kCdrom);
  EXPECT_EQ(iso.mode, DiskMode::kRead);
  EXPECT_EQ(iso.vdev, "hdc");
  Disk empty = xm(",hdc:cdrom,r");
  EXPECT_TRUE(empty.empty());
  EXPECT_EQ(empty.backend, DiskBackend::kUnspecified);
  EXPECT_EQ(empty.devtype, DiskDevType::kCdrom);
}

TEST(XmDiskSpec, ModesBackendAndIoemuVdev) {
  EXPECT_EQ(xm("phy:sda1,sda1,r").mode, DiskMode::kRead);
  EXPECT_EQ(xm("phy:sda1,sda1,r").target, "/dev/sda1");
  EXPECT_EQ(xm("phy:/dev/a,xvda,w!").mode, DiskMode::kWriteForce);
  Disk b = xm("phy:/dev/a,xvda,w,driverdom");
  EXPECT_EQ(b.backendDomain, "driverdom");
  EXPECT_EQ(xm("file:/img,ioemu:hda,w").vdev, "hda");
}

TEST(XmDiskSpec, Errors) {
  auto fields = parseXmDisk("phy:/dev/a,xvda");
  ASSERT_FALSE(fields);
  EXPECT_NE(fields.error().find("Invalid disk specifier"), std::string::npos);
  auto mode = parseXmDisk("phy:/dev/a,xvda,rw");
  ASSERT_FALSE(mode);
  EXPECT_NE(mode.error().find("invalid mode 'rw'"), std::string::npos);
  auto npiv = parseXmDisk("npiv:210400e08b80c40f,xvda,w");
  ASSERT_FALSE(npiv);
  EXPECT_EQ(npiv.error(), "Disk backend 'npiv:' (Fibre Channel NPIV) is unsupported.");
  auto other = parseXmDisk("vbd3:/x,xvda,w");
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error(), "Disk backend 'vbd3:' is unsupported.");
  auto devtype = parseXmDisk("file:/x,hdc:floppy,r");
  ASSERT_FALSE(devtype);
  EXPECT_NE(devtype.error().find("unknown device type"), std::string::npos);
}

TEST(Vdev, Names) {
  for (const char* ok : {"hda", "hdd", "sda", "sdaa", "xvda", "xvdzz", "xvda1", "hda3"}) {
    EXPECT_TRUE(isValidVdev(ok)) << ok;
  }
  for (const char* bad : {"", "hd", "xvd", "vda", "hdaa", "xvda:cdrom", "sda1234", "HDA"}) {
    EXPECT_FALSE(isValidVdev(bad)) << bad;
  }
}

}  // namespace
}  // namespace xenia::config
