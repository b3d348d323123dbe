// xl's DISKSPEC parser (docs/man/xl-disk-configuration.5), mirroring
// libxlu_disk_l.l token by token: keys, flags, deprecated prefixes and the
// positional target/format/vdev/access slots, so the man page's equivalence
// vectors hold. On top of xl it accepts the xend blktap types (tap:vmdk:,
// tap:sync:, tap:cdrom:) that xl rejects.
#include <cctype>
#include <optional>

#include "config/model/disk_prefix.h"
#include "config/model/disk_spec.h"
#include "config/model/names.h"
#include "config/model/text.h"

namespace xenia::config {

using detail::applyNativeScript;
using detail::isIscsiTargetItem;
using detail::isKnownPrefix;
using detail::isWord;
using detail::normalizeTarget;
using detail::Prefixes;

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
        std::string target(tok);
        // Our extension: "iscsi:iqn=…,portal=…[,lun=n]" keeps block-iscsi's
        // commas (xl would call portal= an unknown parameter).
        std::string_view item;
        while (p.d.backend == DiskBackend::kIscsi && !s.empty()) {
          std::string_view ahead = s;
          takeUntilComma(ahead, item);
          item = text::trim(item);
          if (!isIscsiTargetItem(item)) {
            break;
          }
          target += ",";
          target += item;
          s = ahead;
        }
        p.positional(target);
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
  applyNativeScript(d);
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
