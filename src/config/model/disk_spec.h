// Disk specification strings: xm's "uname,vdev[:cdrom],mode[,backend[,protocol]]",
// xl's DISKSPEC grammar (docs/man/xl-disk-configuration.5), and the uname
// ("phy:/dev/x", "tap:qcow2:/img") shared by both and by xend's SXP.
#pragma once

#include <string>
#include <string_view>

#include "common/expected.h"
#include "config/model/domain.h"

namespace xenia::config {

// Parses "[prefix:]...target" into backend, tap driver, format and target.
// Unsupported backends (npiv:, anything unknown) are errors.
Expected<Disk, std::string> parseUname(std::string_view uname);

// The uname that parseUname() reads back as the same disk fields.
std::string formatUname(const Disk& d);

// xm/xend legacy form, exactly 3-5 comma-separated fields.
Expected<Disk, std::string> parseXmDisk(std::string_view spec);

// xl DISKSPEC, including its deprecated prefixed form.
Expected<Disk, std::string> parseXlDisk(std::string_view spec);

// hdX, sdX, xvdX (optionally with a partition number).
bool isValidVdev(std::string_view vdev);

}  // namespace xenia::config
