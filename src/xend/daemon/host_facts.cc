// What a new domain's QEMU is built from besides its config: the domid
// (monotonic, persisted in <state>/next-domid, never one in use) and the
// HostFacts (accelerator, caps, sockets in its run dir, console log, the
// xenstored guest socket, taps, OVMF store copy, RTC date, -runas user).
#include <unistd.h>

#include <charconv>
#include <ctime>
#include <filesystem>

#include <fmt/format.h>

#include "xend/daemon/daemon.h"
#include "xend/vm/vm_record.h"

namespace xenia::xend {

namespace fs = std::filesystem;

namespace {

constexpr int kMaxDomid = 32752;  // DOMID_FIRST_RESERVED

std::string rtcDate(int64_t offset, bool localtime) {
  std::time_t t = std::time(nullptr) + offset;
  std::tm tm{};
  if (localtime) {
    ::localtime_r(&t, &tm);
  } else {
    ::gmtime_r(&t, &tm);
  }
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return buf;
}

}  // namespace

std::string Daemon::xsGuestSocket(int domid) const {
  return fs::path(xsSocket_).parent_path().string() + "/domain/" + std::to_string(domid) +
         "/socket";
}

Expected<int, RpcError> Daemon::allocateDomid() {
  std::string file = opts_.statePath + "/next-domid";
  int next = 1;
  if (auto t = readSmallFile(file, 64)) {
    auto r = std::from_chars(t->data(), t->data() + t->size(), next);
    if (r.ec != std::errc()) {
      next = 1;
    }
  }
  if (next < 1 || next >= kMaxDomid) {
    next = 1;
  }
  for (int tries = 0; tries < kMaxDomid; ++tries, next = next + 1 >= kMaxDomid ? 1 : next + 1) {
    bool used = fs::exists(opts_.runPath + "/domains/" + std::to_string(next));
    for (const auto& [k, d] : domains_) {
      used = used || d->domid == next;
    }
    if (used) {
      continue;
    }
    int following = next + 1 >= kMaxDomid ? 1 : next + 1;
    if (auto w = writeFileAtomic(file, std::to_string(following) + "\n"); !w) {
      return rpcError(kEIO, w.error());
    }
    return next;
  }
  return rpcError(kEBUSY, "No free domain id.");
}

Expected<qemu::HostFacts, RpcError> Daemon::hostFacts(const Domain& d, int domid,
                                                      const std::string& runDir) {
  if (!capsOk_) {
    return rpcError(kEIO, fmt::format("QEMU ({}) could not be probed: {}", opts_.qemuBinary,
                                      capsError_));
  }
  qemu::HostFacts f = qemu::layoutHostFacts(runDir);
  f.qemuBinary = opts_.qemuBinary;
  f.accel = accel_ == "kvm" ? qemu::Accel::kKvm : qemu::Accel::kTcg;
  f.caps = caps_;
  f.xenstoreSocket = xsGuestSocket(domid);
  f.xenstorePorts = 4;  // four guest tools at once (e.g. xenstore-watch and others)
  f.console.kind = qemu::ChardevSpec::Kind::kUnixListen;
  f.console.path = runDir + "/console.sock";
  f.consoleLog = d.rec.consoleLog;
  f.earlyConsole = opts_.earlyConsole;
  for (size_t i = 0; i < d.cfg.vifs.size(); ++i) {
    qemu::TapFacts t;
    t.ifname = d.cfg.vifs[i].vifname.empty() ? qemu::tapName(domid, static_cast<int>(i))
                                             : d.cfg.vifs[i].vifname;
    f.taps.push_back(t);
  }
  if (d.cfg.firmware == config::Firmware::kOvmf) {
    f.firmware.ovmfCode = "/usr/share/OVMF/OVMF_CODE_4M.fd";
    std::error_code ec;
    fs::copy_file("/usr/share/OVMF/OVMF_VARS_4M.fd", f.firmware.ovmfVars,
                  fs::copy_options::overwrite_existing, ec);
    if (ec) {
      return rpcError(kEIO, fmt::format("Cannot copy the OVMF variable store: {}.", ec.message()));
    }
  }
  if (d.cfg.rtcTimeoffset != 0) {
    f.rtcBase = rtcDate(d.cfg.rtcTimeoffset, d.cfg.localtime);
  }
  if (d.rec.vncPort) {
    f.vncDisplay = d.rec.vncPort - 5900;  // prepareVnc's choice
  }
  f.vncTls = vncTls(d);
  f.startPaused = true;
  f.runAs = runAs_;
  return f;
}

}  // namespace xenia::xend
