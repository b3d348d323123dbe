// Disk spec parsers. The xl parser mirrors libxlu_disk_l.l token by token
// (keys, flags, deprecated prefixes, positional target/format/vdev/access) so
// its man-page equivalence vectors hold; on top of xl it accepts the xend
// blktap types (tap:vmdk:, tap:sync:, tap:cdrom:) that xl rejects.
#include "config/model/disk_spec.h"

#include <cctype>
#include <optional>

#include "config/model/names.h"
#include "config/model/text.h"

namespace xenia::config {
namespace {

using Err = Unexpected<std::string>;

Err fail(std::string msg) { return unexpected(std::move(msg)); }

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

bool usesPath(DiskBackend b) {
  return b != DiskBackend::kNbd && b != DiskBackend::kIscsi && b != DiskBackend::kDrbd;
}

// Prefix state while reading "tap:aio:qcow2:/img"-style unames.
struct Prefixes {
  Disk& d;
  bool formatSet = false;
  bool afterTap = false;  // the previous word was tap:, so a driver may follow

  // Applies one "word:". Returns false when prefix processing must stop
  // (network/script backends own the rest, colons included). Unsupported
  // prefixes set *error.
  bool apply(std::string_view word, std::string* error) {
    bool wasAfterTap = afterTap;
    afterTap = false;
    if (word == "phy") {
      d.backend = DiskBackend::kPhy;
    } else if (word == "file") {
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
      d.backend = DiskBackend::kNbd;
      return false;
    } else if (word == "iscsi") {
      d.backend = DiskBackend::kIscsi;
      return false;
    } else if (word == "drbd") {
      d.backend = DiskBackend::kDrbd;
      return false;
    } else if (word == "npiv") {
      *error = "Disk backend 'npiv:' (Fibre Channel NPIV) is unsupported.";
    } else {
      *error = "Disk backend '" + std::string(word) + ":' is unsupported.";
    }
    return true;
  }
};

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

void normalizeTarget(Disk& d) {
  if (d.target.empty()) {
    // An empty CD drive: nothing behind it, so no backend either.
    d.backend = DiskBackend::kUnspecified;
    d.tap = TapDriver::kNone;
    d.format = DiskFormat::kRaw;
    return;
  }
  if (usesPath(d.backend) && d.target[0] != '/') {
    d.target = "/dev/" + d.target;
  }
}

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

namespace {

// State of one xl DISKSPEC parse (libxlu's DiskParseContext).
struct XlDisk {
  Disk d;
  Prefixes px{d};
  std::optional<std::string> target;
  std::optional<std::string> vdev;
  bool& formatSet = px.formatSet;
  bool formatEmpty = false;
  bool hadDeprPrefix = false;
  bool accessSet = false;
  bool cdrom = false;
  bool readOnly = false;
  bool forceWrite = false;
  std::string error;

  void err(const std::string& what, std::string_view text) {
    if (error.empty()) {
      error = "Disk spec: " + what + " in '" + std::string(text) + "'.";
    }
  }
  void setString(std::optional<std::string>& slot, const char* what, std::string_view v) {
    if (slot && !slot->empty()) {
      err(std::string(what) + " respecified", v);
      return;
    }
    slot = std::string(v);
  }
  void setFormat(std::string_view v) {
    if (v.empty()) {
      d.format = DiskFormat::kRaw;
    } else if (v == "empty") {
      formatEmpty = true;
    } else if (auto f = diskFormatFromName(v); f && v != "vpc") {
      d.format = *f;
    } else {
      err("unknown value for format", v);
      return;
    }
    formatSet = true;
  }
  void setAccess(std::string_view v) {
    if (v == "r" || v == "ro") {
      readOnly = true;
    } else if (v == "w" || v == "rw" || v.empty()) {
      readOnly = false;
    } else if (v == "w!") {
      readOnly = false;
      forceWrite = true;
    } else {
      err("unknown value for access", v);
    }
  }
  // "hdc:cdrom" in a positional slot: returns false if there is no colon.
  bool vdevAndDevtype(std::string_view v) {
    size_t colon = v.rfind(':');
    if (colon == std::string_view::npos) {
      return false;
    }
    setString(vdev, "vdev", v.substr(0, colon));
    std::string_view t = v.substr(colon + 1);
    if (t == "cdrom") {
      cdrom = true;
    } else if (t == "disk") {
      cdrom = false;
    } else {
      err("unknown deprecated type", t);
    }
    return true;
  }
  void positional(std::string_view v) {
    if (!target) {
      target = std::string(v);
    } else if (!hadDeprPrefix && !formatSet) {
      if (target->empty() && vdevAndDevtype(v)) {
        formatEmpty = true;
        formatSet = true;
      } else {
        setFormat(v);
      }
    } else if (!vdev) {
      if (!vdevAndDevtype(v)) {
        setString(vdev, "vdev", v);
      }
    } else if (!accessSet) {
      accessSet = true;
      setAccess(v);
    } else {
      err("too many positional parameters", v);
    }
  }
};

// Splits "key=value" (value up to the next comma) off the front of s.
bool takeUntilComma(std::string_view& s, std::string_view& tok) {
  size_t comma = s.find(',');
  if (comma == std::string_view::npos) {
    tok = s;
    s = {};
  } else {
    tok = s.substr(0, comma);
    s.remove_prefix(comma + 1);
  }
  return true;
}

}  // namespace

Expected<Disk, std::string> parseXlDisk(std::string_view spec) {
  XlDisk p;
  std::string_view s = spec;
  while (!s.empty() && p.error.empty()) {
    // Whitespace before a parameter is ignored (not trailing whitespace).
    size_t ws = 0;
    while (ws < s.size() && (s[ws] == ' ' || s[ws] == '\t' || s[ws] == '\n')) {
      ++ws;
    }
    if (ws == s.size()) {
      break;
    }
    s.remove_prefix(ws);

    if (text::startsWith(s, "target=")) {
      std::string_view v = s.substr(7);
      if (!v.empty() && v.back() == ',') {
        v.remove_suffix(1);
      }
      p.setString(p.target, "target", v);
      break;
    }

    // A deprecated "word:" prefix at the start of a token.
    size_t colon = s.find(':');
    size_t comma = s.find(',');
    size_t eq = s.find('=');
    if (colon != std::string_view::npos && colon < comma && (eq == std::string_view::npos ||
                                                              colon < eq) &&
        isWord(s.substr(0, colon)) &&
        (isKnownPrefix(s.substr(0, colon)) || colon + 1 == s.size() ||
         !std::isalnum(static_cast<unsigned char>(s[colon + 1])))) {
      std::string_view word = s.substr(0, colon);
      std::string error;
      bool more = p.px.apply(word, &error);
      if (!error.empty()) {
        return unexpected(error);
      }
      p.hadDeprPrefix = true;
      s.remove_prefix(colon + 1);
      if (!more) {
        // nbd:/iscsi:/drbd: take the rest of the positional token verbatim.
        std::string_view tok;
        takeUntilComma(s, tok);
        p.positional(tok);
      }
      continue;
    }

    std::string_view tok;
    takeUntilComma(s, tok);
    size_t teq = tok.find('=');
    if (teq == std::string_view::npos) {
      if (tok == "cdrom") {
        p.cdrom = true;
      } else if (tok == "direct-io-safe") {
        p.d.directIoSafe = true;
      } else if (tok == "discard") {
        p.d.discard = true;
      } else if (tok == "no-discard") {
        p.d.discard = false;
      } else if (tok == "trusted" || tok == "untrusted" || tok == "colo" || tok == "no-colo") {
        // Accepted and ignored: no meaning without a Xen driver domain / COLO.
      } else {
        p.positional(tok);
      }
      continue;
    }
    std::string_view key = tok.substr(0, teq);
    std::string_view val = tok.substr(teq + 1);
    if (key == "format") {
      p.setFormat(val);
    } else if (key == "devtype") {
      if (val == "cdrom") {
        p.cdrom = true;
      } else if (val == "disk") {
        p.cdrom = false;
      } else {
        p.err("unknown value for type", tok);
      }
    } else if (key == "access") {
      p.setAccess(val);
    } else if (key == "backend") {
      p.d.backendDomain = std::string(val);
    } else if (key == "backendtype") {
      if (val == "phy") {
        p.d.backend = DiskBackend::kPhy;
      } else if (val == "tap") {
        p.d.backend = DiskBackend::kTap;
        p.d.tap = TapDriver::kAio;
      } else if (val == "qdisk" || val == "standalone") {
        p.d.backend = DiskBackend::kFile;
      } else {
        p.err("unknown value for backendtype", val);
      }
    } else if (key == "specification") {
      if (val != "xen" && val != "virtio") {
        p.err("unknown value for specification", val);
      }
    } else if (key == "vdev") {
      p.setString(p.vdev, "vdev", val);
    } else if (key == "script") {
      p.d.script = std::string(val);
    } else if (key == "grant_usage" || key == "colo-host" || key == "colo-port" ||
               key == "colo-export" || key == "active-disk" || key == "hidden-disk") {
      // Xen-only knobs: accepted, no effect.
    } else {
      p.err("unknown parameter", tok);
    }
  }
  if (!p.error.empty()) {
    return unexpected(p.error);
  }

  Disk d = p.d;
  if (p.forceWrite) {
    d.mode = DiskMode::kWriteForce;
  } else {
    d.mode = p.readOnly ? DiskMode::kRead : DiskMode::kWrite;
  }
  if (p.cdrom || d.devtype == DiskDevType::kCdrom) {
    d.devtype = DiskDevType::kCdrom;  // xl: CD-ROMs are always read-only
    d.mode = DiskMode::kRead;
  }
  if (!p.vdev || p.vdev->empty()) {
    return unexpected(std::string("Disk spec '") + std::string(spec) +
                      "' names no virtual device (vdev).");
  }
  d.vdev = *p.vdev;
  d.target = p.target.value_or("");
  if (p.formatEmpty) {
    d.target.clear();
  }
  if (d.target.empty() && d.devtype != DiskDevType::kCdrom) {
    return unexpected(std::string("Disk spec '") + std::string(spec) +
                      "' names no target (and the device is not a removable CD-ROM).");
  }
  normalizeTarget(d);
  return d;
}

}  // namespace xenia::config
