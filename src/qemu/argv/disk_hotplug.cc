// Disk hotplug and CD media as QMP objects (disk_hotplug.h): the boot-time
// translation (buildDisks) runs for the one disk, and its -blockdev and
// -device arguments are read back, so both paths always agree.
#include "qemu/argv/disk_hotplug.h"

#include <fmt/format.h>

#include "qemu/argv/builder.h"

namespace xenia::qemu {
namespace {

using detail::Json;

// "driver,key=value,..." as QemuOpts writes it (",," is an escaped comma).
std::vector<std::string> splitOpts(const std::string& s) {
  std::vector<std::string> parts(1);
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == ',' && i + 1 < s.size() && s[i + 1] == ',') {
      parts.back() += ',';
      ++i;
    } else if (s[i] == ',') {
      parts.emplace_back();
    } else {
      parts.back() += s[i];
    }
  }
  return parts;
}

Expected<DiskHotplug, TranslateError> translate(const config::DomainConfig& cfg,
                                                const config::Disk& disk,
                                                const QemuCaps& caps) {
  config::DomainConfig one = cfg;
  one.disks = {disk};
  one.fda.clear();
  one.fdb.clear();
  HostFacts facts;
  facts.caps = caps;
  detail::Ctx c{one, facts, {}};
  if (auto s = detail::buildDisks(c); !s) {
    return unexpected(s.error());
  }
  DiskHotplug h;
  for (size_t i = 0; i + 1 < c.args.size(); i += 2) {
    const std::string& flag = c.args[i];
    const std::string& value = c.args[i + 1];
    if (flag == "-blockdev") {
      h.blockdevs.push_back(Json::parse(value));
    } else if (flag == "-device") {
      auto parts = splitOpts(value);
      if (parts[0] == "ich9-ahci") {
        continue;  // the controller exists already when an sd* drive does
      }
      h.driver = parts[0];
      h.props = Json::object();
      for (size_t k = 1; k < parts.size(); ++k) {
        size_t eq = parts[k].find('=');
        std::string key = parts[k].substr(0, eq);
        std::string val = eq == std::string::npos ? "" : parts[k].substr(eq + 1);
        if (key == "id") {
          h.id = val;
        } else if (key == "unit") {
          h.props[key] = std::stoi(val);
        } else if (key == "share-rw") {
          h.props[key] = val == "on";  // a bool property: JSON true/false over QMP
        } else {
          h.props[key] = val;
        }
      }
    } else {
      return unexpected(TranslateError{TranslateErrc::kUnsupported, "disk",
                                       fmt::format("Cannot hot-plug a disk needing {}.", flag)});
    }
  }
  if (!h.blockdevs.empty()) {
    h.formatNode = h.blockdevs.back().value("node-name", "");
  }
  return h;
}

}  // namespace

Expected<DiskHotplug, TranslateError> diskHotplug(const config::DomainConfig& cfg,
                                                  const config::Disk& disk,
                                                  const QemuCaps& caps) {
  if (disk.empty()) {
    return unexpected(TranslateError{TranslateErrc::kUnsupported, "disk",
                                     "An empty drive cannot be hot-plugged."});
  }
  auto h = translate(cfg, disk, caps);
  if (h && h->driver != "virtio-blk-pci") {
    return unexpected(TranslateError{
        TranslateErrc::kUnsupported, "disk",
        fmt::format("{} would be an emulated {} device, whose slots are fixed at boot; only "
                    "PV (virtio) disks can be hot-plugged.",
                    disk.vdev, h->driver)});
  }
  return h;
}

Expected<DiskHotplug, TranslateError> cdMedia(const config::DomainConfig& cfg,
                                              const config::Disk& disk, const QemuCaps& caps) {
  if (disk.devtype != config::DiskDevType::kCdrom || disk.empty()) {
    return unexpected(TranslateError{TranslateErrc::kInvalidValue, "disk",
                                     "CD media needs a cdrom drive and an image."});
  }
  return translate(cfg, disk, caps);
}

}  // namespace xenia::qemu
