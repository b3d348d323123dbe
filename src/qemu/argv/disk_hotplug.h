// The QMP arguments that change a running guest's disks (xm block-attach,
// cd-insert, block-configure): the same -blockdev nodes and device
// properties buildArgv() gives a disk at boot, as blockdev-add and
// device_add objects. Pure; xend issues the commands.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/expected.h"
#include "config/model/domain.h"
#include "qemu/argv/argv.h"
#include "qemu/argv/caps.h"

namespace xenia::qemu {

struct DiskHotplug {
  std::vector<nlohmann::ordered_json> blockdevs;  // blockdev-add arguments: protocol, format
  std::string driver;                             // device_add driver ("virtio-blk-pci")
  std::string id;                                 // the device's qdev id (= vdev)
  nlohmann::ordered_json props;                   // device_add properties but driver and id
  std::string formatNode;                         // node the device reads ("<vdev>-format")
};

// A disk plugged into a running guest of `cfg` (its other disks are not
// looked at). Only virtio-blk disks can be: IDE and AHCI slots of an HVM
// guest are fixed at boot (kUnsupported), and an empty drive is refused.
Expected<DiskHotplug, TranslateError> diskHotplug(const config::DomainConfig& cfg,
                                                  const config::Disk& disk,
                                                  const QemuCaps& caps);

// New media for the CD drive `disk.vdev` of a running HVM guest: only the
// blockdevs (and formatNode); the drive itself stays. The disk must be a
// cdrom with a target.
Expected<DiskHotplug, TranslateError> cdMedia(const config::DomainConfig& cfg,
                                              const config::Disk& disk, const QemuCaps& caps);

}  // namespace xenia::qemu
