// xend's pure disk policy: Xen's check_sharing rules between running
// domains (w needs the image unused, r needs it unwritten, w! skips), and
// finding a disk by vdev or device number.
#include <gtest/gtest.h>

#include "xend/daemon/block_policy.h"

namespace xenia::xend {
namespace {

using config::DiskMode;

std::vector<ImageUse> uses() {
  return {{"web", "xvdb", "8:12", DiskMode::kWrite},
          {"db", "xvdc", "8:13", DiskMode::kRead},
          {"cl", "xvdd", "8:14", DiskMode::kWriteForce}};
}

TEST(BlockSharing, WriterNeedsTheImageUnused) {
  auto c = sharingConflict("/img/a", "8:12", DiskMode::kWrite, "other", uses());
  ASSERT_TRUE(c);
  EXPECT_NE(c->find("/img/a is mounted read-write in a guest domain (web as xvdb)"),
            std::string::npos)
      << *c;
  EXPECT_NE(c->find("w!"), std::string::npos) << *c;
  // A reader elsewhere blocks a writer too.
  EXPECT_TRUE(sharingConflict("/img/b", "8:13", DiskMode::kWrite, "other", uses()));
  // A w! user elsewhere blocks a plain writer.
  EXPECT_TRUE(sharingConflict("/img/c", "8:14", DiskMode::kWrite, "other", uses()));
}

TEST(BlockSharing, ReaderNeedsNoOtherWriter) {
  EXPECT_TRUE(sharingConflict("/img/a", "8:12", DiskMode::kRead, "other", uses()));
  EXPECT_FALSE(sharingConflict("/img/b", "8:13", DiskMode::kRead, "other", uses()));
  EXPECT_TRUE(sharingConflict("/img/c", "8:14", DiskMode::kRead, "other", uses()));
}

TEST(BlockSharing, ForcedWriterAndOwnDisksAndUnusedImagesPass) {
  EXPECT_FALSE(sharingConflict("/img/a", "8:12", DiskMode::kWriteForce, "other", uses()));
  EXPECT_FALSE(sharingConflict("/img/a", "8:12", DiskMode::kWrite, "web", uses()));
  EXPECT_FALSE(sharingConflict("/img/z", "8:99", DiskMode::kWrite, "other", uses()));
  EXPECT_FALSE(sharingConflict("", "", DiskMode::kWrite, "other", uses()));  // empty CD
}

TEST(BlockSharing, FindDiskByVdevOrNumber) {
  std::vector<config::Disk> disks(2);
  disks[0].vdev = "xvda";
  disks[1].vdev = "hdc";
  EXPECT_EQ(findDisk(disks, "xvda"), 0);
  EXPECT_EQ(findDisk(disks, "51712"), 0);
  EXPECT_EQ(findDisk(disks, "hdc"), 1);
  EXPECT_EQ(findDisk(disks, "5632"), 1);
  EXPECT_EQ(findDisk(disks, "xvdb"), -1);
  EXPECT_EQ(findDisk(disks, "51728"), -1);
}

TEST(BlockSharing, DiskFromXmFields) {
  auto d = diskFromParts("iscsi:iqn=iqn.2026-11.org.x:t,portal=127.0.0.1:3260,lun=1", "xvdk", "w",
                         "");
  ASSERT_TRUE(d) << d.error();
  EXPECT_EQ(d->backend, config::DiskBackend::kIscsi);
  EXPECT_EQ(d->target, "iqn=iqn.2026-11.org.x:t,portal=127.0.0.1:3260,lun=1");
  EXPECT_EQ(d->vdev, "xvdk");
  EXPECT_EQ(d->mode, DiskMode::kWrite);
  auto cd = diskFromParts("", "hdc:cdrom", "r", "");
  ASSERT_TRUE(cd) << cd.error();
  EXPECT_TRUE(cd->empty());
  EXPECT_EQ(cd->devtype, config::DiskDevType::kCdrom);
  auto forced = diskFromParts("tap:qcow2:/i.qcow2", "xvdb", "w!", "0");
  ASSERT_TRUE(forced) << forced.error();
  EXPECT_EQ(forced->mode, DiskMode::kWriteForce);
  EXPECT_EQ(forced->format, config::DiskFormat::kQcow2);
  EXPECT_FALSE(diskFromParts("file:/i", "xvdb", "rw", ""));
  EXPECT_FALSE(diskFromParts("file:/i", "xvdb,w", "w", ""));
  EXPECT_FALSE(diskFromParts("npiv:x", "xvdb", "w", ""));
}

}  // namespace
}  // namespace xenia::xend
