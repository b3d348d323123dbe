// Accelerator choice and the cached QemuCaps probe.
#include "xend/daemon/host_probe.h"

#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "qemu/probe/accel.h"
#include "qemu/probe/caps_probe.h"
#include "xend/vm/vm_record.h"

namespace xenia::xend {

AccelChoice chooseAccel(const std::string& setting, const std::string& qemu,
                        const std::string& tmpDir) {
  if (setting == "kvm" || setting == "tcg") {
    return {setting, fmt::format("forced by (xend-accel {}) in the xend configuration", setting)};
  }
  probe::AccelProbeOptions o;
  o.qemu = qemu;
  o.tmpDir = tmpDir;
  auto r = probe::probeAccel(o);
  return {r.accel, r.reason};
}

namespace {

std::string cacheKeyLine(const probe::BinaryKey& k) {
  return fmt::format("# xend caps cache: {} {} {}", k.path, k.mtimeNs, k.size);
}

}  // namespace

Expected<qemu::QemuCaps, std::string> probeQemuCaps(const std::string& qemu,
                                                    const std::string& cacheDir) {
  auto key = probe::binaryKey(qemu);
  if (!key) {
    return unexpected(key.error());
  }
  ::mkdir(cacheDir.c_str(), 0755);
  std::string file = cacheDir + "/argv-caps-" +
                     std::to_string(std::hash<std::string>{}(key->path)) + ".caps";
  if (auto text = readSmallFile(file)) {
    std::string first = text->substr(0, text->find('\n'));
    if (first == cacheKeyLine(*key)) {
      if (auto caps = qemu::parseCaps(*text)) {
        return *caps;
      }
    }
  }
  auto help = probe::collectHelp(key->path, std::chrono::milliseconds(20000));
  if (!help) {
    return unexpected(help.error());
  }
  qemu::ProbeOutputs out;
  out.version = help->version;
  out.help = help->help;
  out.machineHelp = help->machineHelp;
  out.deviceHelp = help->deviceHelp;
  out.cpuHelp = help->cpuHelp;
  out.accelHelp = help->accelHelp;
  out.driveFormatHelp = help->driveFormatHelp;
  out.displayHelp = help->displayHelp;
  out.hasModuleList = help->hasModuleList;
  out.moduleFiles = help->moduleFiles;
  auto caps = qemu::capsFromProbe(out);
  if (!caps) {
    return unexpected(caps.error().format());
  }
  // -help lists -sandbox even in builds without seccomp, and -drive
  // format=help lists iscsi even when its module cannot load: the probe's
  // acceptance runs decide.
  // Generous: a few short QEMU runs, but on a loaded 2-CPU host they have
  // taken over 20 s, and a failed probe makes xend refuse to start.
  auto verdicts = probe::probeCapsCached(key->path, cacheDir, std::chrono::milliseconds(60000));
  if (verdicts) {
    if (!verdicts->caps.sandbox) {
      caps->options.erase("sandbox");
    }
    if (!verdicts->caps.iscsi) {
      caps->blockDrivers.erase("iscsi");
    }
  }
  (void)writeFileAtomic(file, cacheKeyLine(*key) + "\n" + qemu::formatCaps(*caps));
  return *caps;
}

}  // namespace xenia::xend
