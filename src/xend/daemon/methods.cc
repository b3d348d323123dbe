// The RPC method table and the run-control methods (pause, unpause,
// shutdown, reset, rename, console).
#include <fmt/format.h>

#include "common/log.h"
#include "config/model/json.h"
#include "xend/daemon/daemon.h"

namespace xenia::xend {

Result Daemon::handle(const std::string& method, const Json& params) {
  using M = Result (Daemon::*)(const Json&);
  static const std::map<std::string, M> kMethods = {
      {"xend.ping", &Daemon::mPing},
      {"host.info", &Daemon::mHostInfo},
      {"host.config", &Daemon::mHostConfig},
      {"host.log", &Daemon::mHostLog},
      {"host.dmesg", &Daemon::mHostDmesg},
      {"domain.list", &Daemon::mList},
      {"domain.sxp", &Daemon::mSxp},
      {"domain.create", &Daemon::mCreate},
      {"domain.new", &Daemon::mNew},
      {"domain.delete", &Daemon::mDelete},
      {"domain.start", &Daemon::mStart},
      {"domain.suspend", &Daemon::mSuspend},
      {"domain.resume", &Daemon::mResume},
      {"domain.destroy", &Daemon::mDestroy},
      {"domain.shutdown", &Daemon::mShutdown},
      {"domain.reset", &Daemon::mReset},
      {"domain.pause", &Daemon::mPause},
      {"domain.unpause", &Daemon::mUnpause},
      {"domain.rename", &Daemon::mRename},
      {"domain.console", &Daemon::mConsole},
      {"domain.mem_set", &Daemon::mMemSet},
      {"domain.mem_max", &Daemon::mMemMax},
      {"domain.vcpu_set", &Daemon::mVcpuSet},
      {"domain.vcpu_list", &Daemon::mVcpuList},
      {"domain.vcpu_pin", &Daemon::mVcpuPin},
      {"domain.sched_credit", &Daemon::mSchedCredit},
      {"domain.sysrq", &Daemon::mSysrq},
      {"domain.trigger", &Daemon::mTrigger},
      {"domain.dump_core", &Daemon::mDumpCore},
      {"domain.block_attach", &Daemon::mBlockAttach},
      {"domain.block_detach", &Daemon::mBlockDetach},
      {"domain.block_list", &Daemon::mBlockList},
      {"domain.block_configure", &Daemon::mBlockConfigure},
      {"domain.block_resize", &Daemon::mBlockResize},
      {"host.image_users", &Daemon::mImageUsers},
      {"domain.vnc", &Daemon::mVnc},
      {"domain.send_keys", &Daemon::mSendKeys},
      {"domain.network_attach", &Daemon::mNetworkAttach},
      {"domain.network_detach", &Daemon::mNetworkDetach},
      {"domain.network_list", &Daemon::mNetworkList},
  };
  auto it = kMethods.find(method);
  if (it == kMethods.end()) {
    return rpcError(kENOSYS, fmt::format("Unknown method '{}'.", method));
  }
  if (!params.is_object()) {
    return rpcError(kEINVAL, "params must be an object.");
  }
  // Polls (xm list, xm shutdown -w) would drown the log.
  if (method != "domain.list" && method != "xend.ping") {
    log::get("xend")->debug("request {} {}", method, params.dump());
  }
  Result r = (this->*(it->second))(params);
  if (!r) {
    log::get("xend")->info("{} failed: {} {}", method, r.error().code, r.error().message);
  }
  return r;
}

Result Daemon::mPing(const Json& p) {
  if (auto c = checkParams(p, {}); !c) {
    return unexpected(c.error());
  }
  return Json{{"version", fmt::format("{}.{}{}", kXenMajor, kXenMinor, kXenExtra)}};
}

Result Daemon::mPause(const Json& p) {
  auto d = checkedLookupRunning(p, {"dom"});
  if (!d) {
    return unexpected(d.error());
  }
  if (auto r = (*d)->vm->stop(); !r) {
    return rpcError(kEIO, r.error());
  }
  return Json::object();
}

Result Daemon::mUnpause(const Json& p) {
  auto d = checkedLookupRunning(p, {"dom"});
  if (!d) {
    return unexpected(d.error());
  }
  RunState s = (*d)->vm->state();
  if (s == RunState::kShutdown || s == RunState::kCrashed) {
    return rpcError(kEINVAL, fmt::format("Domain '{}' has {}; it cannot be unpaused.",
                                         (*d)->cfg.name,
                                         s == RunState::kShutdown ? "shut down" : "crashed"));
  }
  if (auto r = (*d)->vm->cont(); !r) {
    return rpcError(kEIO, r.error());
  }
  return Json::object();
}

Result Daemon::mShutdown(const Json& p) {
  if (auto c = checkParams(p, {"dom", "reason"}); !c) {
    return unexpected(c.error());
  }
  auto reason = paramString(p, "reason", "poweroff");
  if (!reason) {
    return unexpected(reason.error());
  }
  if (*reason != "poweroff" && *reason != "reboot" && *reason != "halt") {
    return rpcError(kEINVAL, fmt::format("Invalid shutdown reason '{}'.", *reason));
  }
  auto d = lookupRunning(p);
  if (!d) {
    return unexpected(d.error());
  }
  Domain& dom = **d;
  RunState s = dom.vm->state();
  if (s == RunState::kShutdown || s == RunState::kCrashed) {
    return rpcError(kEINVAL, fmt::format("Domain '{}' is already shut down.", dom.cfg.name));
  }
  if (xs_ && xs_->connected()) {
    (void)xs_->write(fmt::format("/local/domain/{}/control/shutdown", *dom.domid), *reason);
  }
  dom.shutdownRequested = true;
  dom.requestedExit = *reason == "reboot" ? GuestExit::kReboot : GuestExit::kPoweroff;
  // A paused guest cannot see the button.
  if (s == RunState::kPaused || s == RunState::kStarting) {
    (void)dom.vm->cont();
  }
  if (auto r = dom.vm->powerdown(); !r) {
    return rpcError(kEIO, r.error());
  }
  event(fmt::format("Domain {} ({}): {} requested.", dom.cfg.name, *dom.domid, *reason));
  return Json::object();
}

Result Daemon::mReset(const Json& p) {
  auto d = checkedLookupRunning(p, {"dom"});
  if (!d) {
    return unexpected(d.error());
  }
  Domain& dom = **d;
  if (auto r = dom.vm->reset(); !r) {
    return rpcError(kEIO, r.error());
  }
  // A preserved (shut down / crashed) guest runs again after a reset.
  RunState s = dom.vm->state();
  if (s == RunState::kShutdown || s == RunState::kCrashed) {
    dom.rec.preserved = false;
    saveRecord(dom);
    if (auto r = dom.vm->cont(); !r) {
      return rpcError(kEIO, r.error());
    }
  }
  return Json::object();
}

Result Daemon::mRename(const Json& p) {
  if (auto c = checkParams(p, {"dom", "name"}); !c) {
    return unexpected(c.error());
  }
  auto name = paramString(p, "name");
  if (!name) {
    return unexpected(name.error());
  }
  auto d = lookup(p);
  if (!d) {
    return unexpected(d.error());
  }
  Domain& dom = **d;
  config::DomainConfig renamed = dom.cfg;
  renamed.name = *name;
  auto valid = config::domainFromJson(config::domainToJson(renamed), *rng_);
  if (!valid) {
    return rpcError(kEINVAL, valid.error().format());
  }
  if (auto u = checkUnique(renamed, &dom); !u) {
    return unexpected(u.error());
  }
  std::string old = dom.cfg.name;
  dom.cfg.name = *name;
  if (dom.managed) {
    if (auto r = persistManaged(dom); !r) {
      dom.cfg.name = old;
      return unexpected(r.error());
    }
  }
  if (dom.running()) {
    if (xs_ && xs_->connected()) {
      (void)xs_->write(fmt::format("/local/domain/{}/name", *dom.domid), *name);
      (void)xs_->write(fmt::format("/vm/{}/name", dom.cfg.uuid), *name);
    }
    saveRecord(dom);
  }
  event(fmt::format("Domain {} renamed to {}.", old, *name));
  return Json::object();
}

Result Daemon::mConsole(const Json& p) {
  auto d = checkedLookupRunning(p, {"dom"});
  if (!d) {
    return unexpected(d.error());
  }
  Domain& dom = **d;
  if (!dom.vm->console()) {
    return rpcError(kENOENT, fmt::format("Domain '{}' has no PV console.", dom.cfg.name));
  }
  return Json{{"socket", dom.vm->console()->path()},
              {"pty", dom.rec.consolePty},
              {"log", dom.rec.consoleLog}};
}

}  // namespace xenia::xend
