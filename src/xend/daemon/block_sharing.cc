// Image sharing between domains (docs/design/disks.md "Locking"): which
// image a disk reaches (stat: device and inode, so two paths to one file are
// one image), xend's own table of running domains' disks checked before
// QEMU opens anything (QEMU's image locks are the second line), the
// host.image_users query xenia-image asks, and the bookkeeping after a disk
// change (vbd nodes in XenStore, vm.json, config.json).
#include <sys/stat.h>

#include <fmt/format.h>

#include "config/model/names.h"
#include "xend/daemon/block_policy.h"
#include "xend/daemon/block_qmp.h"
#include "xend/daemon/daemon.h"
#include "xend/model/xs_layout.h"

namespace xenia::xend {

namespace {

// "" for an empty drive; "dev:ino" (files) or "blk:rdev" (block devices)
// when the path exists; the target text otherwise (network disks, or a
// missing path that QEMU will refuse anyway).
std::string imageIdentity(const config::Disk& k) {
  if (k.empty()) {
    return "";
  }
  if (k.backend == config::DiskBackend::kNbd || k.backend == config::DiskBackend::kIscsi ||
      !k.script.empty()) {
    return std::string(config::diskBackendName(k.backend)) + ":" + k.target;
  }
  struct stat st {};
  if (::stat(k.target.c_str(), &st) != 0) {
    return "path:" + k.target;
  }
  if (S_ISBLK(st.st_mode)) {
    return fmt::format("blk:{}", static_cast<uint64_t>(st.st_rdev));
  }
  return fmt::format("{}:{}", static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino));
}

std::vector<ImageUse> runningUses(const std::map<uint64_t, std::unique_ptr<Domain>>& domains) {
  std::vector<ImageUse> uses;
  for (const auto& [k, d] : domains) {
    if (!d->running()) {
      continue;
    }
    for (const auto& disk : d->cfg.disks) {
      if (!disk.empty()) {
        uses.push_back({d->cfg.name, disk.vdev, imageIdentity(disk), disk.mode});
      }
    }
  }
  return uses;
}

}  // namespace

Expected<Ok, RpcError> Daemon::checkDiskSharing(const Domain& d, const config::Disk& disk) {
  auto conflict = sharingConflict(disk.target, imageIdentity(disk), disk.mode, d.cfg.name,
                                  runningUses(domains_));
  if (conflict) {
    return rpcError(kEBUSY, *conflict);
  }
  return Ok{};
}

Expected<Ok, RpcError> Daemon::checkDisksSharing(const Domain& d) {
  for (const auto& disk : d.cfg.disks) {
    if (auto r = checkDiskSharing(d, disk); !r) {
      return r;
    }
  }
  return Ok{};
}

// {"users": running domains' disks on the image} and, with managed=true,
// {"managed": halted managed domains whose config names it} (what xm delete
// --remove-images must not remove).
Result Daemon::mImageUsers(const Json& p) {
  if (auto c = checkParams(p, {"path", "managed"}); !c) {
    return unexpected(c.error());
  }
  auto path = paramString(p, "path");
  if (!path) {
    return unexpected(path.error());
  }
  auto managed = paramBool(p, "managed", false);
  if (!managed) {
    return unexpected(managed.error());
  }
  config::Disk probe;
  probe.backend = config::DiskBackend::kFile;
  probe.target = *path;
  std::string id = imageIdentity(probe);
  auto entry = [](const std::string& dom, const config::Disk& k) {
    return Json{{"domain", dom}, {"vdev", k.vdev},
                {"mode", std::string(config::diskModeName(k.mode))}};
  };
  Json users = Json::array();
  Json halted = Json::array();
  for (const auto& [key, d] : domains_) {
    if (!d->running() && !(*managed && d->managed)) {
      continue;
    }
    for (const auto& disk : d->cfg.disks) {
      if (!disk.empty() && imageIdentity(disk) == id) {
        (d->running() ? users : halted).push_back(entry(d->cfg.name, disk));
      }
    }
  }
  Json r{{"users", users}};
  if (*managed) {
    r["managed"] = halted;
  }
  return r;
}

Expected<config::Disk, RpcError> diskFromParams(const Json& p) {
  auto uname = paramString(p, "uname");
  auto dev = paramString(p, "dev");
  auto mode = paramString(p, "mode");
  auto backend = paramString(p, "backend", "");
  for (auto* f : {&uname, &dev, &mode, &backend}) {
    if (!*f) {
      return unexpected(f->error());
    }
  }
  auto d = diskFromParts(*uname, *dev, *mode, *backend);
  if (!d) {
    return unexpected(RpcError{kEINVAL, d.error()});
  }
  return *d;
}

Expected<std::pair<Domain*, config::Disk>, RpcError> Daemon::diskRequest(const Json& p) {
  if (auto c = checkParams(p, {"dom", "uname", "dev", "mode", "backend"}); !c) {
    return unexpected(c.error());
  }
  auto disk = diskFromParams(p);
  if (!disk) {
    return unexpected(disk.error());
  }
  auto d = lookup(p);
  if (!d) {
    return unexpected(d.error());
  }
  return std::pair{*d, std::move(*disk)};
}

void Daemon::writeVbdNodes(const Domain& d, const std::string& removedVdev) {
  if (!d.running() || !xs_ || !xs_->connected()) {
    return;
  }
  int id = *d.domid;
  std::string front = fmt::format("/local/domain/{}/device/vbd", id);
  std::string back = fmt::format("/local/domain/0/backend/vbd/{}", id);
  std::string rec = fmt::format("/libxl/{}/device/vbd", id);
  if (!removedVdev.empty()) {
    int devid = vdevNumber(removedVdev);
    for (const std::string& base : {front, back, rec}) {
      (void)xs_->rm(fmt::format("{}/{}", base, devid));
    }
    if (d.cfg.disks.empty()) {
      (void)xs_->rm(back);  // domainXsRemovals no longer names backend/vbd
    }
    return;
  }
  DomainXsFacts f;
  f.domid = id;
  f.startTime = d.rec.startTime;
  auto under = [](const std::string& path, const std::string& base) {
    return path.compare(0, base.size(), base) == 0 &&
           (path.size() == base.size() || path[base.size()] == '/');
  };
  std::vector<XsNode> nodes;
  for (auto& n : domainXsNodes(d.cfg, f)) {
    if (under(n.path, front) || under(n.path, back) || under(n.path, rec)) {
      nodes.push_back(std::move(n));
    }
  }
  auto r = xs_->transact([&](xs::TxId tx) -> xs::Result<Ok> {
    for (const auto& n : nodes) {
      if (auto w = xs_->write(n.path, n.value, tx); !w) {
        return unexpected(w.error());
      }
      if (n.perms.empty()) {
        continue;
      }
      xs::Perms perms;
      for (const auto& s : n.perms) {
        if (auto perm = xs::Perm::parse(s)) {
          perms.push_back(*perm);
        }
      }
      if (auto w = xs_->setPerms(n.path, perms, tx); !w) {
        return unexpected(w.error());
      }
    }
    return Ok{};
  });
  if (!r) {
    event(fmt::format("Domain {}: vbd nodes not written: {}.", id, xs::errName(r.error())));
  }
}

void Daemon::saveDiskChange(Domain& d) {
  if (d.running()) {
    saveRecord(d);
  }
  if (d.managed) {
    if (auto r = persistManaged(d); !r) {
      event(fmt::format("Domain {}: {}", d.cfg.name, r.error().message));
    }
  }
}

}  // namespace xenia::xend
