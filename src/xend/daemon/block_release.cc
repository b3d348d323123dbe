// Disks of a domain kept by rename-restart (docs/design/disks.md
// "Rename-restart"). Xen's xend releases the preserved domain's devices
// (XendDomainInfo._preserveForRestart calls _releaseDevices), so the domain
// restarted under the old name can open the same writable disks. Here the
// preserved QEMU keeps its memory (xm dump-core still works) but lets go of
// its images: an outgoing migration into /dev/null ends with QEMU
// inactivating every block node, which drops its write access and its image
// locks; the disks then leave the preserved domain's config and XenStore.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include <fmt/format.h>

#include "qemu/qmp/commands.h"
#include "xend/daemon/daemon.h"

namespace xenia::xend {

namespace {

// Migrates the paused QEMU into /dev/null; returns why not.
Expected<Ok, std::string> inactivateImages(Vm& vm) {
  UniqueFd null(::open("/dev/null", O_WRONLY | O_CLOEXEC));
  if (!null) {
    return unexpected(fmt::format("cannot open /dev/null: {}", std::strerror(errno)));
  }
  // QEMU's default bandwidth limit (32 MiB/s) is for networks.
  (void)vm.call(qmp::Command("migrate-set-parameters", {{"max-bandwidth", int64_t{1} << 40}}));
  if (auto r = vm.call(qmp::cmd::getfd("xenia-release", std::move(null))); !r) {
    return unexpected(r.error().message());
  }
  if (auto r = vm.call(qmp::cmd::migrate("fd:xenia-release")); !r) {
    return unexpected(r.error().message());
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (;;) {
    auto r = vm.call(qmp::cmd::queryMigrate());
    if (!r) {
      return unexpected(r.error().message());
    }
    std::string status = r->value("status", "");
    if (status == "completed") {
      return Ok{};
    }
    if (status == "failed" || status == "cancelled") {
      return unexpected(r->value("error-desc", status));
    }
    if (std::chrono::steady_clock::now() > deadline) {
      (void)vm.call(qmp::cmd::migrateCancel());
      return unexpected(std::string("the migration into /dev/null took over 60 s"));
    }
    ::usleep(20000);
  }
}

}  // namespace

Expected<Ok, std::string> Daemon::releasePreservedDisks(Domain& d) {
  if (d.cfg.disks.empty()) {
    return Ok{};
  }
  if (d.vm && !d.vm->exited()) {
    if (auto r = inactivateImages(*d.vm); !r) {
      return r;  // the disks stay with the preserved domain (and in the table)
    }
  }
  std::vector<config::Disk> released = std::move(d.cfg.disks);
  d.cfg.disks.clear();
  for (const auto& disk : released) {
    writeVbdNodes(d, disk.vdev);
  }
  saveRecord(d);
  return Ok{};
}

}  // namespace xenia::xend
