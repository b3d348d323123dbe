// Disks, CD-ROMs and floppies. Each image becomes two -blockdev nodes (the
// protocol node that reaches the bytes: file, host_device, host_cdrom, nbd,
// iscsi; and the format node: raw, qcow, qcow2, vmdk, vpc, qed) plus a guest
// device chosen from the vdev name: virtio-blk for PV guests, IDE (hd*, the
// first four xvd*) or AHCI (sd*) for HVM guests, as libxl places them.
#include <fmt/format.h>

#include <map>

#include "qemu/argv/builder.h"
#include "qemu/argv/disk_targets.h"

namespace xenia::qemu {

bool diskNeedsBlockScript(const config::Disk& d) {
  const std::string& s = d.script;
  bool native = s == "block-iscsi" || s == "iscsi" || s == "block-nbd" || s == "nbd";
  return d.backend == config::DiskBackend::kDrbd || (!s.empty() && !native);
}

namespace detail {
namespace {

using config::Disk;
using config::DiskBackend;
using config::DiskDevType;
using config::DiskFormat;
using config::DiskMode;
using config::TapDriver;

constexpr int kIdeSlots = 4;   // PIIX3: two buses, master and slave
constexpr int kAhciPorts = 6;  // ICH9 AHCI

struct Vdev {
  enum class Kind { kHd, kSd, kXvd } kind = Kind::kXvd;
  int index = 0;      // a = 0, z = 25, aa = 26
  bool partition = false;
};

std::optional<Vdev> parseVdev(std::string_view s) {
  Vdev v;
  if (s.substr(0, 2) == "hd") {
    v.kind = Vdev::Kind::kHd;
    s.remove_prefix(2);
  } else if (s.substr(0, 2) == "sd") {
    v.kind = Vdev::Kind::kSd;
    s.remove_prefix(2);
  } else if (s.substr(0, 3) == "xvd") {
    v.kind = Vdev::Kind::kXvd;
    s.remove_prefix(3);
  } else {
    return std::nullopt;
  }
  size_t letters = 0;
  int index = 0;
  while (letters < s.size() && s[letters] >= 'a' && s[letters] <= 'z' && letters < 3) {
    index = index * 26 + (s[letters] - 'a' + 1);
    ++letters;
  }
  if (letters == 0) {
    return std::nullopt;
  }
  v.index = index - 1;
  for (char ch : s.substr(letters)) {
    if (ch < '0' || ch > '9') {
      return std::nullopt;
    }
    v.partition = true;
  }
  return v;
}

const char* formatDriver(DiskFormat f) {
  switch (f) {
    case DiskFormat::kRaw:
      return "raw";
    case DiskFormat::kQcow:
      return "qcow";
    case DiskFormat::kQcow2:
      return "qcow2";
    case DiskFormat::kVmdk:
      return "vmdk";
    case DiskFormat::kVpc:
      return "vpc";
    case DiskFormat::kQed:
      return "qed";
  }
  return "raw";
}

bool startsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// The backend QEMU should use: xl's script=block-iscsi / block-nbd (what its
// deprecated iscsi: and nbd: prefixes mean) are QEMU's own initiators here.
DiskBackend effectiveBackend(const Disk& d) {
  const std::string& s = d.script;
  if (s == "block-iscsi" || s == "iscsi") {
    return DiskBackend::kIscsi;
  }
  if (s == "block-nbd" || s == "nbd") {
    return DiskBackend::kNbd;
  }
  if (s == "block-drbd" || s == "drbd") {
    return DiskBackend::kDrbd;
  }
  return d.backend;
}

class DiskBuilder {
 public:
  explicit DiskBuilder(Ctx& c) : c_(c) {}

  Status add(size_t i, const Disk& d);
  Status addFloppy(const std::string& path, int unit);

 private:
  Expected<Json, TranslateError> protocolNode(size_t i, const Disk& d, const std::string& field);
  Status addNodes(size_t i, const Disk& d, const std::string& field, const std::string& id,
                  bool readOnly);
  Status takeSlot(const std::string& slot, const std::string& vdev, const std::string& field);

  Ctx& c_;
  bool ahci_ = false;
  std::map<std::string, std::string> slots_;  // "ide.0.1" -> vdev
};

Status DiskBuilder::takeSlot(const std::string& slot, const std::string& vdev,
                             const std::string& field) {
  auto [it, inserted] = slots_.emplace(slot, vdev);
  if (!inserted) {
    return fail(TranslateErrc::kInvalidValue, field,
                fmt::format("{} and {} would occupy the same emulated slot.", it->second, vdev));
  }
  return Ok{};
}

Expected<Json, TranslateError> DiskBuilder::protocolNode(size_t i, const Disk& d,
                                                         const std::string& field) {
  const DiskFacts* df = i < c_.facts.disks.size() ? &c_.facts.disks[i] : nullptr;
  const bool cdrom = d.devtype == DiskDevType::kCdrom;
  const DiskBackend backend = effectiveBackend(d);
  auto bad = [&](TranslateErrc code, std::string msg) { return fail(code, field, std::move(msg)); };

  // Network block devices go through QEMU's own initiators.
  if (backend == DiskBackend::kNbd && !(df && !df->path.empty())) {
    auto server = nbdServer(d.target);
    if (!server) {
      return bad(TranslateErrc::kInvalidValue, server.error());
    }
    return Json{{"driver", "nbd"}, {"server", *server}};
  }
  if (backend == DiskBackend::kIscsi && !(df && !df->path.empty())) {
    auto node = iscsiNode(d.target);
    if (!node) {
      return bad(TranslateErrc::kInvalidValue, node.error());
    }
    return *node;
  }

  std::string path = d.target;
  if (df && !df->path.empty()) {
    path = df->path;  // what xend's block script (drbd:, script=) produced
  } else if (backend == DiskBackend::kDrbd) {
    return bad(TranslateErrc::kMissingHostFact,
               "A drbd: disk needs the device its block script attaches; none was prepared.");
  } else if (diskNeedsBlockScript(d)) {
    return bad(TranslateErrc::kMissingHostFact,
               fmt::format("A disk with script={} needs the device the script attaches; none "
                           "was prepared.",
                           d.script));
  }
  const bool device = startsWith(path, "/dev/") || d.backend == DiskBackend::kPhy;
  std::string driver = "file";
  if (device) {
    driver = cdrom && (d.backend == DiskBackend::kPhy || d.tap == TapDriver::kCdrom)
                 ? "host_cdrom"
                 : "host_device";
  }
  if (df && df->fd) {
    // One fd set per disk, numbered from 1 by disk index.
    int set = static_cast<int>(i) + 1;
    c_.add("-add-fd", Opts().add("fd", *df->fd).add("set", set).add("opaque", d.vdev).str());
    path = fmt::format("/dev/fdset/{}", set);
  }
  Json node{{"driver", driver}, {"filename", path}};
  if (d.mode == DiskMode::kWriteForce) {
    // w!: the administrator shares the image on purpose, so QEMU's image
    // locks (which would refuse the second writer) are not taken.
    node["locking"] = "off";
  }
  if (d.directIoSafe) {
    node["cache"] = Json{{"direct", true}};
  }
  return node;
}

Status DiskBuilder::addNodes(size_t i, const Disk& d, const std::string& field,
                             const std::string& id, bool readOnly) {
  auto proto = protocolNode(i, d, field);
  if (!proto) {
    return unexpected(proto.error());
  }
  Json node = std::move(*proto);
  std::string driver = node["driver"].get<std::string>();
  std::string format = formatDriver(d.format);
  for (const std::string& drv : {driver, format}) {
    if (!c_.facts.caps.hasBlockDriver(drv)) {
      return fail(TranslateErrc::kMissingCapability, field,
                  fmt::format("This QEMU has no '{}' block driver.", drv));
    }
  }
  // node-name first for readability: rebuild with a fixed key order.
  Json proto2{{"node-name", id + "-file"}};
  for (auto& [k, v] : node.items()) {
    proto2[k] = v;
  }
  proto2["read-only"] = readOnly;
  Json fmtNode{{"node-name", id + "-format"}, {"driver", format}, {"file", id + "-file"},
               {"read-only", readOnly}};
  if (d.discard.value_or(false)) {
    proto2["discard"] = "unmap";
    fmtNode["discard"] = "unmap";
  }
  c_.add("-blockdev", blockdevJson(proto2));
  c_.add("-blockdev", blockdevJson(fmtNode));
  return Ok{};
}

Status DiskBuilder::add(size_t i, const Disk& d) {
  const std::string field = fmt::format("disk[{}]", i);
  const bool cdrom = d.devtype == DiskDevType::kCdrom;
  // A CD is read-only media whatever the mode says.
  const bool readOnly = cdrom || d.mode == DiskMode::kRead;
  std::optional<Vdev> v = parseVdev(d.vdev);
  if (!v) {
    return fail(TranslateErrc::kInvalidValue, field,
                fmt::format("'{}' is not an hdX, sdX or xvdX device name.", d.vdev));
  }
  if (d.backendDomain != "0" && !d.backendDomain.empty()) {
    return fail(TranslateErrc::kUnsupported, field,
                "Disks served by a driver domain are unsupported; QEMU reads images itself.");
  }
  if (auto s = takeSlot("vdev:" + d.vdev, d.vdev, field); !s) {
    return s;
  }

  // Where the guest sees it.
  enum class Bus { kVirtio, kIde, kAhci } bus = Bus::kVirtio;
  int slot = 0;
  if (c_.hvm()) {
    if (v->partition) {
      return fail(TranslateErrc::kUnsupported, field,
                  fmt::format("HVM guests see whole disks; '{}' names a partition.", d.vdev));
    }
    if (v->kind == Vdev::Kind::kSd) {
      if (v->index >= kAhciPorts) {
        return fail(TranslateErrc::kLimitExceeded, field,
                    fmt::format("The AHCI controller has {} ports (sda-sdf).", kAhciPorts));
      }
      bus = Bus::kAhci;
    } else if (v->index < kIdeSlots) {
      bus = Bus::kIde;
    } else if (v->kind == Vdev::Kind::kHd) {
      return fail(TranslateErrc::kLimitExceeded, field,
                  fmt::format("IDE has {} slots (hda-hdd).", kIdeSlots));
    } else if (cdrom) {
      return fail(TranslateErrc::kLimitExceeded, field,
                  "Only the first four xvd devices are emulated; a CD-ROM must be one of them.");
    }
    slot = v->index;
  } else if (d.empty()) {
    return fail(TranslateErrc::kUnsupported, field,
                "A PV guest's CD drive needs media; empty drives exist only on HVM's IDE/AHCI.");
  }
  if ((bus == Bus::kIde || bus == Bus::kAhci) && !cdrom && d.mode == DiskMode::kRead) {
    return fail(TranslateErrc::kUnsupported, field,
                "Emulated IDE/AHCI hard disks cannot be read-only; use a CD-ROM or a PV guest.");
  }

  std::string device;
  Opts dev;
  switch (bus) {
    case Bus::kVirtio:
      device = "virtio-blk-pci";
      dev = Opts(device);
      break;
    case Bus::kIde:
      device = cdrom ? "ide-cd" : "ide-hd";
      dev = Opts(device);
      dev.add("bus", fmt::format("ide.{}", slot / 2)).add("unit", slot % 2);
      if (auto s = takeSlot(fmt::format("ide.{}.{}", slot / 2, slot % 2), d.vdev, field); !s) {
        return s;
      }
      break;
    case Bus::kAhci:
      device = cdrom ? "ide-cd" : "ide-hd";
      if (!ahci_) {
        if (auto s = c_.needDevice("ich9-ahci", field); !s) {
          return s;
        }
        c_.add("-device", Opts("ich9-ahci").add("id", "ahci0").str());
        ahci_ = true;
      }
      dev = Opts(device);
      dev.add("bus", fmt::format("ahci0.{}", slot));
      break;
  }
  if (auto s = c_.needDevice(device, field); !s) {
    return s;
  }
  if (!d.empty()) {
    if (auto s = addNodes(i, d, field, d.vdev, readOnly); !s) {
      return s;
    }
    dev.add("drive", d.vdev + "-format");
  }
  dev.add("id", d.vdev);
  if (bus == Bus::kVirtio) {
    // Lets the guest find the disk as /dev/disk/by-id/virtio-<vdev>.
    dev.add("serial", d.vdev);
  }
  if (d.mode == DiskMode::kWriteForce) {
    dev.onOff("share-rw", true);  // w!: other writers may use the image too
  }
  if (d.backend == DiskBackend::kTap && d.tap == TapDriver::kSync) {
    dev.onOff("write-cache", false);  // tap:sync: every write reaches the disk
  }
  c_.add("-device", dev.str());
  return Ok{};
}

Status DiskBuilder::addFloppy(const std::string& path, int unit) {
  const std::string key = unit == 0 ? "fda" : "fdb";
  if (path.empty()) {
    return Ok{};
  }
  if (!c_.hvm()) {
    return fail(TranslateErrc::kUnsupported, key, "Floppy drives exist only on HVM guests.");
  }
  if (auto s = c_.needDevice("floppy", key); !s) {
    return s;
  }
  Disk d;
  d.target = path;
  d.vdev = key;
  d.backend = DiskBackend::kUnspecified;
  if (auto s = addNodes(static_cast<size_t>(-1), d, key, key, false); !s) {
    return s;
  }
  c_.add("-device", Opts("floppy").add("unit", unit).add("drive", key + "-format")
                        .add("id", key).str());
  return Ok{};
}

}  // namespace

Status buildDisks(Ctx& c) {
  DiskBuilder b(c);
  for (size_t i = 0; i < c.cfg.disks.size(); ++i) {
    if (auto s = b.add(i, c.cfg.disks[i]); !s) {
      return s;
    }
  }
  if (auto s = b.addFloppy(c.cfg.fda, 0); !s) {
    return s;
  }
  return b.addFloppy(c.cfg.fdb, 1);
}

}  // namespace detail
}  // namespace xenia::qemu
