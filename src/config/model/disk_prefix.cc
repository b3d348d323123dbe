// Disk uname prefixes ("phy:", "tap:qcow2:", "nbd:", ...): which backend,
// blktap driver and format each selects.
#include "config/model/disk_prefix.h"

#include <cctype>

#include "config/model/names.h"

namespace xenia::config::detail {
namespace {

bool usesPath(DiskBackend b) {
  return b != DiskBackend::kNbd && b != DiskBackend::kIscsi && b != DiskBackend::kDrbd;
}

}  // namespace

bool isWord(std::string_view w) {
  if (w.empty() || !std::islower(static_cast<unsigned char>(w[0]))) {
    return false;
  }
  for (char c : w) {
    if (!std::islower(static_cast<unsigned char>(c)) &&
        !std::isdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return true;
}

DiskFormat formatOfTap(TapDriver t) {
  switch (t) {
    case TapDriver::kQcow:
      return DiskFormat::kQcow;
    case TapDriver::kQcow2:
      return DiskFormat::kQcow2;
    case TapDriver::kVmdk:
      return DiskFormat::kVmdk;
    case TapDriver::kVhd:
      return DiskFormat::kVpc;
    default:
      return DiskFormat::kRaw;
  }
}

bool isKnownPrefix(std::string_view w) {
  for (std::string_view k : {"phy", "file", "tap", "tap2", "tapdisk", "aio", "ioemu", "raw", "qcow",
                             "qcow2", "vhd", "qed", "vmdk", "nbd", "enbd", "iscsi", "drbd",
                             "npiv", "sync", "cdrom"}) {
    if (w == k) {
      return true;
    }
  }
  return false;
}

void applyNativeScript(Disk& d) {
  std::string_view s = d.script;
  if (s.starts_with("block-")) {
    s.remove_prefix(6);
  }
  if (s == "iscsi") {
    d.backend = DiskBackend::kIscsi;
  } else if (s == "nbd" || s == "enbd") {
    d.backend = DiskBackend::kNbd;
  } else if (s == "drbd") {
    d.backend = DiskBackend::kDrbd;
  } else {
    return;
  }
  d.tap = TapDriver::kNone;
  d.script.clear();
}

bool isIscsiTargetItem(std::string_view item) {
  for (std::string_view key : {"iqn=", "portal=", "lun=", "multipath="}) {
    if (item.starts_with(key)) {
      return true;
    }
  }
  return false;
}

void normalizeTarget(Disk& d) {
  if (d.target.empty()) {
    // An empty CD drive: nothing behind it, so no backend either.
    d.backend = DiskBackend::kUnspecified;
    d.tap = TapDriver::kNone;
    d.format = DiskFormat::kRaw;
    return;
  }
  if (usesPath(d.backend) && d.script.empty() && d.target[0] != '/') {
    d.target = "/dev/" + d.target;
  }
}

bool Prefixes::apply(std::string_view word, std::string* error) {
  bool wasAfterTap = afterTap;
  afterTap = false;
  auto leaveTap = [&] {
    // A later backend prefix replaces blktap, and the format its driver implied.
    if (d.backend == DiskBackend::kTap && !formatSet) {
      d.format = DiskFormat::kRaw;
    }
    d.tap = TapDriver::kNone;
  };
  if (word == "phy") {
    leaveTap();
    d.backend = DiskBackend::kPhy;
  } else if (word == "file") {
    leaveTap();
    d.backend = DiskBackend::kFile;
  } else if (word == "tap" || word == "tap2" || word == "tapdisk") {
    d.backend = DiskBackend::kTap;
    d.tap = TapDriver::kAio;
    afterTap = true;
  } else if (wasAfterTap && tapDriverFromName(word) && !word.empty()) {
    d.tap = *tapDriverFromName(word);
    if (d.tap == TapDriver::kCdrom) {
      d.devtype = DiskDevType::kCdrom;  // a host CD reader, media changes allowed
    }
    if (!formatSet) {
      d.format = formatOfTap(d.tap);
    }
  } else if (word == "aio" || word == "ioemu") {
    // xl's deprecated prefixes: stripped and ignored.
  } else if (word == "raw" || word == "qcow" || word == "qcow2" || word == "vhd" ||
             word == "qed" || word == "vmdk") {
    d.format = *diskFormatFromName(word);
    formatSet = true;
  } else if (word == "nbd" || word == "enbd") {
    leaveTap();
    d.backend = DiskBackend::kNbd;
    return false;
  } else if (word == "iscsi") {
    leaveTap();
    d.backend = DiskBackend::kIscsi;
    return false;
  } else if (word == "drbd") {
    leaveTap();
    d.backend = DiskBackend::kDrbd;
    return false;
  } else if (word == "npiv") {
    *error = "Disk backend 'npiv:' (Fibre Channel NPIV) is unsupported.";
  } else {
    *error = "Disk backend '" + std::string(word) + ":' is unsupported.";
  }
  return true;
}

}  // namespace xenia::config::detail
