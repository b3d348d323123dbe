// Ending a running domain: QEMU, XenStore nodes (and RELEASE), cgroup, run
// dir. A managed domain stays as a halted entry; others are forgotten.
#include <filesystem>

#include <fmt/format.h>

#include "xend/daemon/daemon.h"

namespace xenia::xend {

namespace fs = std::filesystem;

void Daemon::releaseRunning(Domain& d) {
  if (!d.running()) {
    return;
  }
  int id = *d.domid;
  d.dying = true;
  if (d.vm) {
    d.vm->terminate(std::chrono::milliseconds(2000));
    d.vm.reset();
  }
  unplugVifs(id, d.runDir);
  removeXsNodes(d.cfg, id);
  d.cgroup.remove();
  d.cgroup = DomainCgroup{};
  std::error_code ec;
  fs::remove_all(d.runDir, ec);
  d.runDir.clear();
  d.domid.reset();
  d.rec = VmRecord{};
  d.dying = false;
  d.shutdownRequested = false;
  d.requestedExit.reset();
  d.handlingExit = false;
  // Domain-0's share grows back.
  writeDom0Nodes();
}

void Daemon::teardown(Domain& d, bool keepManaged) {
  std::string name = d.cfg.name;
  std::optional<int> id = d.domid;
  releaseRunning(d);
  if (id) {
    event(fmt::format("Domain {} ({}) destroyed.", name, *id));
  }
  if (!d.managed || !keepManaged) {
    eraseDomain(d.key);
  }
}

Result Daemon::mDestroy(const Json& p) {
  auto d = checkedLookup(p, {"dom"});
  if (!d) {
    return unexpected(d.error());
  }
  if (!(*d)->running()) {
    return rpcError(kEINVAL, fmt::format("Domain '{}' is not running.", (*d)->cfg.name));
  }
  teardown(**d);
  return Json::object();
}

}  // namespace xenia::xend
