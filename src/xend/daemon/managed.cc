// Managed domains (xm new/delete/start/suspend/resume), persisted as
// <xend-domains-path>/<uuid>/config.json; suspend saves the guest with QMP
// migrate to an fd into <uuid>/checkpoint.chk and resume restores it with
// -incoming. xend's own start and stop: start_stop.cc.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include "config/lang/xm.h"
#include "config/model/build.h"
#include "config/model/json.h"
#include "qemu/qmp/commands.h"
#include "xend/daemon/daemon.h"

namespace xenia::xend {

namespace fs = std::filesystem;

namespace {

std::string checkpointPath(const std::string& dir) { return dir + "/checkpoint.chk"; }

}  // namespace

std::string Daemon::managedDir(const config::DomainConfig& cfg) const {
  return opts_.domainsPath + "/" + cfg.uuid;
}

Expected<Ok, RpcError> Daemon::persistManaged(const Domain& d) {
  std::string dir = managedDir(d.cfg);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    return rpcError(kEIO, fmt::format("Cannot create {}: {}.", dir, ec.message()));
  }
  if (auto r = writeFileAtomic(dir + "/config.json", config::domainToJsonText(d.cfg)); !r) {
    return rpcError(kEIO, r.error());
  }
  return Ok{};
}

void Daemon::removeManaged(const config::DomainConfig& cfg) {
  std::error_code ec;
  fs::remove_all(managedDir(cfg), ec);
}

void Daemon::loadManaged() {
  std::error_code ec;
  std::vector<fs::path> dirs;
  for (const auto& e : fs::directory_iterator(opts_.domainsPath, ec)) {
    if (e.is_directory()) {
      dirs.push_back(e.path());
    }
  }
  std::sort(dirs.begin(), dirs.end());
  for (const auto& dir : dirs) {
    auto text = readSmallFile(dir.string() + "/config.json");
    if (!text) {
      continue;
    }
    auto cfg = config::domainFromJsonText(*text, *rng_);
    if (!cfg) {
      event(fmt::format("Ignoring managed domain in {}: {}", dir.string(), cfg.error().format()));
      continue;
    }
    Domain& d = addDomain(std::move(*cfg), true);
    d.suspended = fs::exists(checkpointPath(dir.string()));
  }
}

Result Daemon::mNew(const Json& p) {
  if (auto c = checkParams(p, {"config"}); !c) {
    return unexpected(c.error());
  }
  auto it = p.find("config");
  if (it == p.end()) {
    return rpcError(kEINVAL, "Missing parameter 'config'.");
  }
  auto cfg = parseConfig(*it);
  if (!cfg) {
    return unexpected(cfg.error());
  }
  // xm new of a managed domain's own UUID (a config with uuid=) replaces
  // its configuration; the same name with another UUID is refused, as
  // xend's _checkName did.
  Domain* existing = nullptr;
  for (auto& [k, d] : domains_) {
    if (d->managed && d->cfg.uuid == cfg->uuid) {
      existing = d.get();
    }
  }
  if (existing && existing->running()) {
    return rpcError(kEBUSY, fmt::format("Domain '{}' is running; it cannot be redefined.",
                                        existing->cfg.name));
  }
  if (auto u = checkUnique(*cfg, existing); !u) {
    return unexpected(u.error());
  }
  Domain* d = existing;
  if (d) {
    d->cfg = std::move(*cfg);
  } else {
    d = &addDomain(std::move(*cfg), true);
  }
  if (auto r = persistManaged(*d); !r) {
    if (!existing) {
      eraseDomain(d->key);
    }
    return unexpected(r.error());
  }
  event(fmt::format("Domain {} ({}) defined.", d->cfg.name, d->cfg.uuid));
  return Json{{"name", d->cfg.name}, {"uuid", d->cfg.uuid}};
}

Result Daemon::mDelete(const Json& p) {
  auto d = checkedLookup(p, {"dom"});
  if (!d) {
    return unexpected(d.error());
  }
  Domain& dom = **d;
  if (!dom.managed) {
    return rpcError(kEINVAL, fmt::format("Domain '{}' is not managed.", dom.cfg.name));
  }
  if (dom.running()) {
    return rpcError(kEBUSY, fmt::format("Domain '{}' must be halted to be deleted.", dom.cfg.name));
  }
  removeManaged(dom.cfg);
  event(fmt::format("Domain {} ({}) deleted.", dom.cfg.name, dom.cfg.uuid));
  eraseDomain(dom.key);
  return Json::object();
}

Result Daemon::mStart(const Json& p) {
  if (auto c = checkParams(p, {"dom", "paused"}); !c) {
    return unexpected(c.error());
  }
  auto paused = paramBool(p, "paused", false);
  if (!paused) {
    return unexpected(paused.error());
  }
  auto d = lookup(p);
  if (!d) {
    return unexpected(d.error());
  }
  Domain& dom = **d;
  if (!dom.managed) {
    return rpcError(kEINVAL, fmt::format("Domain '{}' is not managed.", dom.cfg.name));
  }
  if (dom.running()) {
    return rpcError(kEBUSY, fmt::format("Domain '{}' is already running.", dom.cfg.name));
  }
  if (dom.suspended) {
    return rpcError(kEINVAL,
                    fmt::format("Domain '{}' is suspended; use xm resume.", dom.cfg.name));
  }
  if (auto f = checkFits(dom.cfg, &dom); !f) {
    return unexpected(f.error());
  }
  auto id = startDomain(dom, *paused);
  if (!id) {
    return unexpected(id.error());
  }
  return Json{{"domid", *id}};
}

Expected<Ok, RpcError> Daemon::saveToFile(Domain& d, const std::string& path) {
  Vm& vm = *d.vm;
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (!fd) {
    return rpcError(kEIO, fmt::format("Cannot create {}: {}.", path, std::strerror(errno)));
  }
  auto fail = [&](const std::string& why) -> Expected<Ok, RpcError> {
    ::unlink(path.c_str());
    return rpcError(kEIO, fmt::format("Saving {} failed: {}", d.cfg.name, why));
  };
  // QEMU's default bandwidth limit (32 MiB/s) is for networks, not files.
  (void)vm.call(qmp::Command("migrate-set-parameters",
                             {{"max-bandwidth", int64_t{1} << 40}}));
  if (auto r = vm.call(qmp::cmd::getfd("xenia-save", std::move(fd))); !r) {
    return fail(r.error().message());
  }
  if (auto r = vm.call(qmp::cmd::migrate("fd:xenia-save")); !r) {
    return fail(r.error().message());
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(10);
  for (;;) {
    auto r = vm.call(qmp::cmd::queryMigrate());
    if (!r) {
      return fail(r.error().message());
    }
    std::string status = r->value("status", "");
    if (status == "completed") {
      return Ok{};
    }
    if (status == "failed" || status == "cancelled") {
      return fail(r->value("error-desc", status));
    }
    if (std::chrono::steady_clock::now() > deadline) {
      (void)vm.call(qmp::cmd::migrateCancel());
      return fail("it did not finish within 10 minutes.");
    }
    ::usleep(20000);
  }
}

Result Daemon::mSuspend(const Json& p) {
  auto d = checkedLookupRunning(p, {"dom"});
  if (!d) {
    return unexpected(d.error());
  }
  Domain& dom = **d;
  if (!dom.managed) {
    return rpcError(kEINVAL, fmt::format("Domain '{}' is not managed.", dom.cfg.name));
  }
  std::string dir = managedDir(dom.cfg);
  dom.cfg.memory = dom.rec.memoryMiB;  // the balloon target is restored too
  if (auto r = persistManaged(dom); !r) {
    return unexpected(r.error());
  }
  if (auto r = saveToFile(dom, checkpointPath(dir)); !r) {
    return unexpected(r.error());
  }
  releaseRunning(dom);
  dom.suspended = true;
  event(fmt::format("Domain {} suspended to {}.", dom.cfg.name, checkpointPath(dir)));
  return Json::object();
}

Result Daemon::mResume(const Json& p) {
  if (auto c = checkParams(p, {"dom", "paused"}); !c) {
    return unexpected(c.error());
  }
  auto paused = paramBool(p, "paused", false);
  if (!paused) {
    return unexpected(paused.error());
  }
  auto d = lookup(p);
  if (!d) {
    return unexpected(d.error());
  }
  Domain& dom = **d;
  if (dom.running() || !dom.suspended) {
    return rpcError(kEINVAL, fmt::format("Domain '{}' is not suspended.", dom.cfg.name));
  }
  if (auto f = checkFits(dom.cfg, &dom); !f) {
    return unexpected(f.error());
  }
  std::string image = checkpointPath(managedDir(dom.cfg));
  auto id = startDomain(dom, *paused, image);
  if (!id) {
    return unexpected(id.error());
  }
  ::unlink(image.c_str());
  dom.suspended = false;
  event(fmt::format("Domain {} resumed as domain {}.", dom.cfg.name, *id));
  return Json::object();
}

}  // namespace xenia::xend
