// Unames and xm's legacy disk form "uname,vdev[:cdrom],mode[,backend]"
// (xend's preprocess_disk and blkif). xl's DISKSPEC is in disk_xl.cc.
#include "config/model/disk_spec.h"

#include <cctype>
#include <optional>

#include "config/model/disk_prefix.h"
#include "config/model/names.h"
#include "config/model/text.h"

namespace xenia::config {
namespace {

using detail::Prefixes;
using detail::isIscsiTargetItem;
using detail::isWord;
using detail::formatOfTap;
using detail::normalizeTarget;

using Err = Unexpected<std::string>;

Err fail(std::string msg) { return unexpected(std::move(msg)); }

// Splits "hdc:cdrom" -> ("hdc", cdrom). nullopt type = no ":type" suffix.
struct VdevParts {
  std::string vdev;
  std::optional<DiskDevType> type;
  bool badType = false;
};
VdevParts splitVdev(std::string_view s) {
  VdevParts p;
  size_t colon = s.rfind(':');
  if (colon == std::string_view::npos) {
    p.vdev = std::string(s);
    return p;
  }
  p.vdev = std::string(s.substr(0, colon));
  p.type = diskDevTypeFromName(s.substr(colon + 1));
  p.badType = !p.type;
  return p;
}

}  // namespace

bool isValidVdev(std::string_view v) {
  size_t letters;
  if (text::startsWith(v, "xvd")) {
    letters = 3;
  } else if (text::startsWith(v, "hd") || text::startsWith(v, "sd")) {
    letters = 2;
  } else {
    return false;
  }
  size_t i = letters;
  size_t maxLetters = letters == 3 ? 4 : (v[0] == 'h' ? 1 : 2);
  size_t n = 0;
  while (i < v.size() && std::islower(static_cast<unsigned char>(v[i]))) {
    ++i;
    ++n;
  }
  if (n == 0 || n > maxLetters) {
    return false;
  }
  size_t digits = 0;
  while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) {
    ++i;
    ++digits;
  }
  return i == v.size() && digits <= 3;
}

Expected<Disk, std::string> parseUname(std::string_view uname) {
  Disk d;
  Prefixes px{d};
  std::string_view rest = uname;
  while (true) {
    size_t colon = rest.find(':');
    if (colon == std::string_view::npos || !isWord(rest.substr(0, colon))) {
      break;
    }
    std::string error;
    bool more = px.apply(rest.substr(0, colon), &error);
    if (!error.empty()) {
      return fail(error);
    }
    rest.remove_prefix(colon + 1);
    if (!more) {
      if (rest.empty()) {
        return fail("Disk '" + std::string(uname) + "' names no " +
                    std::string(diskBackendName(d.backend)) + " target.");
      }
      break;
    }
  }
  d.target = std::string(rest);
  normalizeTarget(d);
  return d;
}

std::string formatUname(const Disk& d) {
  if (d.target.empty()) {
    return "";
  }
  std::string prefix;
  switch (d.backend) {
    case DiskBackend::kUnspecified:
      if (d.format != DiskFormat::kRaw) {
        prefix = std::string(d.format == DiskFormat::kVpc ? "vhd"
                                                          : diskFormatName(d.format)) + ":";
      }
      break;
    case DiskBackend::kPhy:
    case DiskBackend::kFile:
      prefix = std::string(diskBackendName(d.backend)) + ":";
      if (d.format != DiskFormat::kRaw) {
        prefix += std::string(d.format == DiskFormat::kVpc ? "vhd"
                                                           : diskFormatName(d.format)) + ":";
      }
      break;
    case DiskBackend::kTap:
      prefix = "tap:" + std::string(tapDriverName(d.tap)) + ":";
      if (d.format != formatOfTap(d.tap)) {
        prefix += std::string(d.format == DiskFormat::kVpc ? "vhd"
                                                           : diskFormatName(d.format)) + ":";
      }
      break;
    case DiskBackend::kNbd:
    case DiskBackend::kIscsi:
    case DiskBackend::kDrbd:
      prefix = std::string(diskBackendName(d.backend)) + ":";
      break;
  }
  return prefix + d.target;
}

Expected<Disk, std::string> parseXmDisk(std::string_view spec) {
  std::vector<std::string> f = text::split(spec, ',');
  // Our extension: an iscsi: uname in block-iscsi's form keeps its commas
  // ("iscsi:iqn=…,portal=…,lun=1,xvdb,w"); xend had no such target form.
  if (text::startsWith(text::trim(f[0]), "iscsi:")) {
    while (f.size() > 1 && isIscsiTargetItem(text::trim(f[1]))) {
      f[0] += "," + std::string(text::trim(f[1]));
      f.erase(f.begin() + 1);
    }
  }
  if (f.size() < 3 || f.size() > 5) {
    return fail("Invalid disk specifier '" + std::string(spec) +
                "': expected 'uname,vdev[:cdrom],mode[,backend]'.");
  }
  auto disk = parseUname(text::trim(f[0]));
  if (!disk) {
    return disk;
  }
  Disk d = std::move(*disk);
  std::string_view vdev = text::trim(f[1]);
  if (text::startsWith(vdev, "ioemu:")) {
    vdev.remove_prefix(6);  // old HVM configs: 'file:/img,ioemu:hda,w'
  }
  VdevParts vp = splitVdev(vdev);
  if (vp.badType) {
    return fail("Disk '" + std::string(spec) + "' has an unknown device type in '" +
                std::string(vdev) + "' (use :cdrom or :disk).");
  }
  if (vp.type) {
    d.devtype = *vp.type;
  }
  d.vdev = vp.vdev;
  std::string_view mode = text::trim(f[2]);
  if (mode == "r") {
    d.mode = DiskMode::kRead;
  } else if (mode == "w") {
    d.mode = DiskMode::kWrite;
  } else if (mode == "w!") {
    d.mode = DiskMode::kWriteForce;
  } else {
    return fail("Disk '" + std::string(spec) + "' has invalid mode '" + std::string(mode) +
                "' (use r, w or w!).");
  }
  if (f.size() >= 4 && !text::trim(f[3]).empty()) {
    d.backendDomain = std::string(text::trim(f[3]));
  }
  if (f.size() == 5) {
    d.protocol = std::string(text::trim(f[4]));
  }
  return d;
}
}  // namespace xenia::config
