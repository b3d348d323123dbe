// Pure disk policy for xend's block commands: who may open an image in which
// mode (Xen's block script check_sharing) and device names or numbers.
// The I/O around it (stat, QMP, XenStore) is in block_*.cc.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/expected.h"
#include "config/model/domain.h"

namespace xenia::xend {

// One running domain's use of an image. `image` identifies the bytes: the
// device and inode numbers of a file or block device ("dev:ino"), or the
// network target ("nbd:host port").
struct ImageUse {
  std::string domain;  // name
  std::string vdev;
  std::string image;
  config::DiskMode mode = config::DiskMode::kWrite;
};

// Xen's check_sharing: a writer (w) needs the image unused by any other
// domain; a reader (r) needs it unwritten by others; w! skips the check.
// Returns the refusal, in the block script's words, naming `path`.
std::optional<std::string> sharingConflict(const std::string& path, const std::string& image,
                                           config::DiskMode want, const std::string& self,
                                           const std::vector<ImageUse>& uses);

// A disk from xm's separate block-attach fields (X40 sent ['vbd', ['uname',
// u], ['dev', d], ['mode', m], ['backend', b]]): the uname may hold commas
// (iscsi:iqn=...,portal=...), which the one-string config form cannot.
Expected<config::Disk, std::string> diskFromParts(const std::string& uname,
                                                  const std::string& dev,
                                                  const std::string& mode,
                                                  const std::string& backend);

// The disk of `disks` named by `dev`: a vdev ("xvdb", "hdc") or its Xen
// device number ("51728"). -1 if none.
int findDisk(const std::vector<config::Disk>& disks, const std::string& dev);

}  // namespace xenia::xend
