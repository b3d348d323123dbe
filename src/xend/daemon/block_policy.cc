// Pure disk policy (block_policy.h): sharing checks, device lookup.
#include "xend/daemon/block_policy.h"

#include <fmt/format.h>

#include "config/model/disk_spec.h"
#include "xend/model/xs_layout.h"

namespace xenia::xend {

std::optional<std::string> sharingConflict(const std::string& path, const std::string& image,
                                           config::DiskMode want, const std::string& self,
                                           const std::vector<ImageUse>& uses) {
  if (want == config::DiskMode::kWriteForce || image.empty()) {
    return std::nullopt;
  }
  for (const ImageUse& u : uses) {
    if (u.domain == self || u.image != image) {
      continue;
    }
    bool otherWrites = u.mode != config::DiskMode::kRead;
    if (want == config::DiskMode::kWrite || otherWrites) {
      return fmt::format(
          "{} is mounted {}in a guest domain ({} as {}), and so cannot be mounted now{}.", path,
          otherWrites ? "read-write " : "", u.domain, u.vdev,
          want == config::DiskMode::kWrite ? " (use mode w! to share it on purpose)" : "");
    }
  }
  return std::nullopt;
}

Expected<config::Disk, std::string> diskFromParts(const std::string& uname,
                                                  const std::string& dev,
                                                  const std::string& mode,
                                                  const std::string& backend) {
  for (const std::string* f : {&dev, &mode, &backend}) {
    if (f->find(',') != std::string::npos) {
      return unexpected(fmt::format("Invalid disk field '{}'.", *f));
    }
  }
  // The device and mode fields as the config form reads them.
  auto shape = config::parseXmDisk("phy:/dev/null," + dev + "," + mode +
                                   (backend.empty() ? "" : "," + backend));
  if (!shape) {
    return unexpected(shape.error());
  }
  config::Disk d;
  if (!uname.empty()) {
    auto u = config::parseUname(uname);
    if (!u) {
      return unexpected(u.error());
    }
    d = *u;
  }
  d.vdev = shape->vdev;
  d.devtype = shape->devtype;
  d.mode = shape->mode;
  d.backendDomain = shape->backendDomain;
  return d;
}

int findDisk(const std::vector<config::Disk>& disks, const std::string& dev) {
  for (size_t i = 0; i < disks.size(); ++i) {
    if (disks[i].vdev == dev || std::to_string(vdevNumber(disks[i].vdev)) == dev) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

}  // namespace xenia::xend
