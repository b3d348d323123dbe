// CD media and disk sizes of running guests (docs/design/disks.md): xm
// cd-insert / cd-eject / block-configure open the drive's tray, remove and
// delete the old media nodes, add the new ones and close the tray, so the
// guest sees a media change; block-resize grows a disk with QMP block_resize
// (never shrinks), which a virtio guest sees at once.
#include <fmt/format.h>

#include "config/model/disk_spec.h"
#include "qemu/argv/disk_hotplug.h"
#include "qemu/qmp/commands.h"
#include "xend/daemon/block_policy.h"
#include "xend/daemon/block_qmp.h"
#include "xend/daemon/daemon.h"

namespace xenia::xend {

namespace {

Expected<Ok, std::string> qmpOk(qmp::Reply r) {
  if (!r) {
    return unexpected(r.error().cls == "GenericError" ? r.error().desc : r.error().message());
  }
  return Ok{};
}

// Empties the drive: tray open (forced: the guest may have locked it),
// medium out, its nodes deleted, tray closed again.
Expected<Ok, std::string> ejectMedia(Vm& vm, const std::string& vdev) {
  if (auto r = qmpOk(vm.call(qmp::Command("blockdev-open-tray", {{"id", vdev}, {"force", true}})));
      !r) {
    return r;
  }
  if (auto r = qmpOk(vm.call(qmp::Command("blockdev-remove-medium", {{"id", vdev}}))); !r) {
    return r;
  }
  deleteNodes(vm, vdev);
  return qmpOk(vm.call(qmp::Command("blockdev-close-tray", {{"id", vdev}})));
}

// The virtual size QEMU sees for a node, or -1.
int64_t nodeSize(Vm& vm, const std::string& node) {
  auto r = vm.call(qmp::Command("query-named-block-nodes", {{"flat", true}}));
  if (!r || !r->is_array()) {
    return -1;
  }
  for (const auto& n : *r) {
    if (n.value("node-name", "") == node && n.contains("image")) {
      return n["image"].value("virtual-size", int64_t{-1});
    }
  }
  return -1;
}

}  // namespace

Result Daemon::mBlockConfigure(const Json& p) {
  auto req = diskRequest(p);
  if (!req) {
    return unexpected(req.error());
  }
  Domain& d = *req->first;
  config::Disk& disk = req->second;
  int idx = findDisk(d.cfg.disks, disk.vdev);
  if (idx < 0) {
    return rpcError(kENOENT, fmt::format("Device {} not connected", disk.vdev));
  }
  config::Disk& cur = d.cfg.disks[static_cast<size_t>(idx)];
  if (cur.devtype != config::DiskDevType::kCdrom) {
    return rpcError(kEINVAL, fmt::format("{} is not a CD-ROM drive; only removable media can "
                                         "be changed.",
                                         cur.vdev));
  }
  disk.devtype = config::DiskDevType::kCdrom;
  disk.mode = config::DiskMode::kRead;  // CD media are read-only
  if (d.running()) {
    if (!d.vm) {
      return rpcError(kEIO, "The domain's QEMU is not connected.");
    }
    if (d.cfg.type != config::GuestType::kHvm) {
      return rpcError(kEINVAL, fmt::format("{} is a PV disk (virtio), which has no removable "
                                           "media; detach and attach it instead.",
                                           cur.vdev));
    }
    std::optional<qemu::DiskHotplug> media;
    if (!disk.empty()) {
      if (auto r = checkDiskSharing(d, disk); !r) {
        return unexpected(r.error());
      }
      auto h = qemu::cdMedia(d.cfg, disk, caps_);
      if (!h) {
        return rpcError(kEINVAL, h.error().message);
      }
      media = std::move(*h);
    }
    if (auto r = ejectMedia(*d.vm, cur.vdev); !r) {
      return rpcError(kEIO, fmt::format("Cannot eject {}: {}", cur.vdev, r.error()));
    }
    if (media) {
      if (auto r = addNodes(*d.vm, *media); !r) {
        cur.target.clear();  // the old media is out already
        saveDiskChange(d);
        return rpcError(kEIO, fmt::format("Cannot open {}: {}", disk.target, r.error()));
      }
      for (const char* step : {"blockdev-open-tray", "blockdev-insert-medium",
                               "blockdev-close-tray"}) {
        nlohmann::json args{{"id", cur.vdev}};
        if (std::string(step) == "blockdev-insert-medium") {
          args["node-name"] = media->formatNode;
        }
        if (auto r = qmpOk(d.vm->call(qmp::Command(step, args))); !r) {
          return rpcError(kEIO, fmt::format("Cannot insert {}: {}", disk.target, r.error()));
        }
      }
    }
  }
  cur = disk;
  writeVbdNodes(d);
  saveDiskChange(d);
  event(fmt::format("Domain {}: {} {}.", d.cfg.name, cur.vdev,
                    cur.empty() ? std::string("ejected") : "now holds " + cur.target));
  return Json::object();
}

Result Daemon::mBlockResize(const Json& p) {
  if (auto c = checkParams(p, {"dom", "dev", "bytes"}); !c) {
    return unexpected(c.error());
  }
  auto dev = paramString(p, "dev");
  auto bytes = paramInt(p, "bytes");
  if (!dev || !bytes) {
    return unexpected(!dev ? dev.error() : bytes.error());
  }
  auto dp = lookupRunning(p);
  if (!dp) {
    return unexpected(dp.error());
  }
  Domain& d = **dp;
  int idx = findDisk(d.cfg.disks, *dev);
  if (idx < 0) {
    return rpcError(kENOENT, fmt::format("Device {} not connected", *dev));
  }
  const config::Disk& k = d.cfg.disks[static_cast<size_t>(idx)];
  if (k.empty() || k.devtype == config::DiskDevType::kCdrom || k.mode == config::DiskMode::kRead) {
    return rpcError(kEINVAL, fmt::format("{} is read-only or removable media; it cannot be "
                                         "resized.",
                                         k.vdev));
  }
  std::string node = k.vdev + "-format";
  int64_t now = nodeSize(*d.vm, node);
  if (now < 0) {
    return rpcError(kEIO, fmt::format("QEMU does not report the size of {}.", k.vdev));
  }
  if (*bytes < now) {
    return rpcError(kEINVAL, fmt::format("{} has {} bytes; shrinking to {} is refused (it "
                                         "would cut the guest's file systems).",
                                         k.vdev, now, *bytes));
  }
  if (*bytes == now) {
    return Json{{"bytes", now}};
  }
  if (auto r = qmpOk(d.vm->call(qmp::cmd::blockResize(node, *bytes))); !r) {
    return rpcError(kEIO, fmt::format("Cannot resize {}: {}", k.vdev, r.error()));
  }
  event(fmt::format("Domain {}: {} grown from {} to {} bytes.", d.cfg.name, k.vdev, now, *bytes));
  return Json{{"bytes", nodeSize(*d.vm, node)}};
}

}  // namespace xenia::xend
