// xm block-attach / block-detach / block-list (docs/design/disks.md): a disk
// plugged into a running guest gets the same blockdev nodes and virtio-blk
// device it would have had at boot (qemu/argv diskHotplug), through QMP
// blockdev-add and device_add; detaching waits until the guest released the
// device, then deletes the nodes. The domain's config, vm.json, config.json
// (managed) and vbd nodes follow every change.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include <fmt/format.h>

#include "config/model/disk_spec.h"
#include "config/model/names.h"
#include "qemu/argv/disk_hotplug.h"
#include "qemu/qmp/commands.h"
#include "xend/daemon/block_policy.h"
#include "xend/daemon/block_qmp.h"
#include "xend/daemon/daemon.h"
#include "xend/model/xs_layout.h"

namespace xenia::xend {

namespace {

constexpr auto kUnplugWait = std::chrono::seconds(15);

bool deviceExists(Vm& vm, const std::string& id) {
  auto r = vm.call(qmp::Command("qom-list", {{"path", "/machine/peripheral"}}));
  if (!r || !r->is_array()) {
    return true;  // unknown: assume still there
  }
  for (const auto& e : *r) {
    if (e.value("name", "") == id) {
      return true;
    }
  }
  return false;
}

}  // namespace

// Deletes blockdev nodes; missing ones are fine (an empty drive has none).
void deleteNodes(Vm& vm, const std::string& vdev) {
  for (const char* suffix : {"-format", "-file"}) {
    // A device just unplugged lets go of its node a moment after it left
    // the device tree ("Node ... is in use"): retry that for a while.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    for (;;) {
      auto r = vm.call(qmp::cmd::blockdevDel(vdev + suffix));
      if (r || r.error().desc.find("in use") == std::string::npos ||
          std::chrono::steady_clock::now() > deadline) {
        break;
      }
      ::usleep(50000);
    }
  }
}

namespace {

// QEMU dropped root (-runas) after opening its boot disks, so a hot-plugged
// image is opened here and handed over as an fd set (/dev/fdset/N): one
// read-only fd, and a read-write one for a writable node (QEMU picks the fd
// whose access mode matches each open).
Expected<std::string, std::string> passImage(Vm& vm, const std::string& path, bool readOnly) {
  int64_t set = 1000;
  if (auto r = vm.call(qmp::Command("query-fdsets")); r && r->is_array()) {
    for (const auto& s : *r) {
      set = std::max<int64_t>(set, s.value("fdset-id", int64_t{0}) + 1);
    }
  }
  for (int mode : {O_RDONLY, O_RDWR}) {
    if (mode == O_RDWR && readOnly) {
      continue;
    }
    UniqueFd fd(::open(path.c_str(), mode | O_CLOEXEC));
    if (!fd) {
      return unexpected(fmt::format("Could not open '{}': {}", path, std::strerror(errno)));
    }
    auto r = vm.call(qmp::cmd::addFd(std::move(fd), set));
    if (!r) {
      return unexpected(r.error().message());
    }
  }
  return fmt::format("/dev/fdset/{}", set);
}

}  // namespace

// Adds the nodes in order; on a failure removes those already added.
Expected<Ok, std::string> addNodes(Vm& vm, const qemu::DiskHotplug& h) {
  for (size_t i = 0; i < h.blockdevs.size(); ++i) {
    nlohmann::json node = nlohmann::json::parse(h.blockdevs[i].dump());
    std::string driver = node.value("driver", "");
    std::string file = node.value("filename", "");
    if ((driver == "file" || driver == "host_device" || driver == "host_cdrom") &&
        file.rfind('/', 0) == 0 && file.rfind("/dev/fdset/", 0) != 0) {
      auto fdset = passImage(vm, file, node.value("read-only", false));
      if (!fdset) {
        for (size_t k = i; k-- > 0;) {
          (void)vm.call(qmp::cmd::blockdevDel(h.blockdevs[k].value("node-name", "")));
        }
        return unexpected(fdset.error());
      }
      node["filename"] = *fdset;
    }
    auto r = vm.call(qmp::cmd::blockdevAdd(node));
    if (!r) {
      for (size_t k = i; k-- > 0;) {
        (void)vm.call(qmp::cmd::blockdevDel(h.blockdevs[k].value("node-name", "")));
      }
      return unexpected(r.error().cls == "GenericError" ? r.error().desc : r.error().message());
    }
  }
  return Ok{};
}

Result Daemon::mBlockAttach(const Json& p) {
  auto req = diskRequest(p);
  if (!req) {
    return unexpected(req.error());
  }
  Domain& d = *req->first;
  const config::Disk& disk = req->second;
  if (findDisk(d.cfg.disks, disk.vdev) >= 0) {
    return rpcError(kEEXIST, fmt::format("Device {} is already connected.", disk.vdev));
  }
  if (!d.running()) {
    if (!d.managed) {
      return rpcError(kEINVAL, fmt::format("Domain '{}' is not running.", d.cfg.name));
    }
    d.cfg.disks.push_back(disk);  // used at the next start
    saveDiskChange(d);
    return Json::object();
  }
  if (!d.vm) {
    return rpcError(kEIO, "The domain's QEMU is not connected.");
  }
  if (auto r = checkDiskSharing(d, disk); !r) {
    return unexpected(r.error());
  }
  auto h = qemu::diskHotplug(d.cfg, disk, caps_);
  if (!h) {
    return rpcError(kEINVAL, h.error().message);
  }
  if (auto r = addNodes(*d.vm, *h); !r) {
    return rpcError(kEIO, fmt::format("Cannot open {}: {}", disk.target, r.error()));
  }
  auto r = d.vm->call(qmp::cmd::deviceAdd(h->driver, h->id, nlohmann::json::parse(h->props.dump())));
  if (!r) {
    deleteNodes(*d.vm, disk.vdev);
    return rpcError(kEIO, fmt::format("Cannot plug {}: {}", disk.vdev, r.error().message()));
  }
  d.cfg.disks.push_back(disk);
  writeVbdNodes(d);
  saveDiskChange(d);
  event(fmt::format("Domain {}: attached {} as {} ({}).", d.cfg.name, config::formatUname(disk),
                    disk.vdev, config::diskModeName(disk.mode)));
  return Json::object();
}

Result Daemon::mBlockDetach(const Json& p) {
  if (auto c = checkParams(p, {"dom", "dev", "force"}); !c) {
    return unexpected(c.error());
  }
  auto dev = paramString(p, "dev");
  if (!dev) {
    return unexpected(dev.error());
  }
  auto force = paramBool(p, "force", false);
  if (!force) {
    return unexpected(force.error());
  }
  auto dp = lookup(p);
  if (!dp) {
    return unexpected(dp.error());
  }
  Domain& d = **dp;
  int idx = findDisk(d.cfg.disks, *dev);
  if (idx < 0) {
    return rpcError(kENOENT, fmt::format("Device {} not connected", *dev));
  }
  config::Disk disk = d.cfg.disks[static_cast<size_t>(idx)];
  if (d.running()) {
    if (!d.vm) {
      return rpcError(kEIO, "The domain's QEMU is not connected.");
    }
    auto h = qemu::diskHotplug(d.cfg, disk, caps_);
    if (!h && !disk.empty()) {
      return rpcError(kEINVAL, fmt::format("{} cannot be unplugged: {}", disk.vdev,
                                           h.error().message));
    }
    if (auto r = d.vm->call(qmp::cmd::deviceDel(disk.vdev)); !r) {
      return rpcError(kEIO, fmt::format("Cannot unplug {}: {}", disk.vdev, r.error().message()));
    }
    // The guest acknowledges the unplug (ACPI eject) in its own time.
    auto deadline = std::chrono::steady_clock::now() + kUnplugWait;
    while (deviceExists(*d.vm, disk.vdev)) {
      if (std::chrono::steady_clock::now() > deadline) {
        return rpcError(kEBUSY, fmt::format("The guest did not release {} within {} s.",
                                            disk.vdev, kUnplugWait.count()));
      }
      ::usleep(50000);
    }
    deleteNodes(*d.vm, disk.vdev);
  }
  d.cfg.disks.erase(d.cfg.disks.begin() + idx);
  writeVbdNodes(d, disk.vdev);
  saveDiskChange(d);
  event(fmt::format("Domain {}: detached {}.", d.cfg.name, disk.vdev));
  return Json::object();
}

Result Daemon::mBlockList(const Json& p) {
  auto dp = checkedLookup(p, {"dom"});
  if (!dp) {
    return unexpected(dp.error());
  }
  Domain& d = **dp;
  Json devs = Json::array();
  for (const auto& k : d.cfg.disks) {
    int devid = vdevNumber(k.vdev);
    Json e{{"devid", devid},
           {"vdev", k.vdev},
           {"uname", k.empty() ? "" : config::formatUname(k)},
           {"mode", std::string(config::diskModeName(k.mode))},
           {"device-type", std::string(config::diskDevTypeName(k.devtype))},
           {"backend-id", 0},
           {"state", d.running() ? 4 : 1}};
    if (d.running()) {
      e["backend"] = fmt::format("/local/domain/0/backend/vbd/{}/{}", *d.domid, devid);
    }
    devs.push_back(std::move(e));
  }
  return Json{{"devices", devs}};
}

}  // namespace xenia::xend
