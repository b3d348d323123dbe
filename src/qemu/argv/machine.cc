// The machine itself: machine type and platform switches (acpi, hpet),
// accelerator, memory and balloon, vCPU count, RTC, firmware, boot order,
// direct kernel boot, and the always-present platform devices (pvpanic,
// seccomp sandbox).
#include <fmt/format.h>

#include "qemu/argv/builder.h"

namespace xenia::qemu::detail {
namespace {

using config::Firmware;

// The i440FX machine type: Xen's HVM platform is a PIIX3 PC too, and PV guests
// get the same board so both kinds share one device layout.
constexpr std::string_view kMachine = "pc";
// QEMU's limit for the pc machine types.
constexpr int kMaxVcpus = 255;

bool isDigits(std::string_view s) {
  for (char ch : s) {
    if (ch < '0' || ch > '9') {
      return false;
    }
  }
  return !s.empty();
}

// "YYYY-MM-DDTHH:MM:SS" or "YYYY-MM-DD", the forms -rtc base= accepts.
bool isRtcDate(std::string_view s) {
  if (s.size() != 10 && s.size() != 19) {
    return false;
  }
  for (size_t i = 0; i < s.size(); ++i) {
    char want = i == 4 || i == 7 ? '-' : i == 10 ? 'T' : i == 13 || i == 16 ? ':' : '0';
    if (want == '0' ? !isDigits(s.substr(i, 1)) : s[i] != want) {
      return false;
    }
  }
  return true;
}

// HostFacts::earlyConsole: a PV guest whose serial port 0 is the logged pty
// and whose command line has no early console and no console on ttyS0.
bool wantsEarlyConsole(const Ctx& c, const std::string& cmdline) {
  if (c.hvm() || !c.facts.earlyConsole || c.facts.consoleLog.empty()) {
    return false;
  }
  const auto& serial = c.cfg.serial;
  if (!serial.empty() && serial.front() != "pty") {
    return false;
  }
  size_t pos = 0;
  while (pos < cmdline.size()) {
    size_t end = cmdline.find(' ', pos);
    std::string_view w = std::string_view(cmdline).substr(
        pos, end == std::string::npos ? std::string::npos : end - pos);
    if (w.starts_with("earlyprintk") || w.starts_with("earlycon") ||
        w.starts_with("console=ttyS0")) {
      return false;
    }
    if (end == std::string::npos) {
      break;
    }
    pos = end + 1;
  }
  return true;
}

Status addFirmware(Ctx& c, Opts& machine) {
  const auto& fw = c.facts.firmware;
  if (!c.hvm()) {
    if (c.cfg.firmware != Firmware::kDefault) {
      return fail(TranslateErrc::kUnsupported, "firmware",
                  "PV guests boot their kernel directly; firmware= applies to HVM guests.");
    }
    return Ok{};
  }
  if (c.cfg.firmware == Firmware::kOvmf) {
    if (fw.ovmfCode.empty() || fw.ovmfVars.empty()) {
      return fail(TranslateErrc::kMissingHostFact, "firmware",
                  "firmware=ovmf needs the OVMF code image and a per-domain variable store.");
    }
    if (!c.facts.caps.hasBlockDriver("file")) {
      return fail(TranslateErrc::kMissingCapability, "firmware",
                  "This QEMU has no 'file' block driver.");
    }
    // The code is shared and read-only; the variable store is the domain's own.
    c.add("-blockdev", blockdevJson({{"node-name", "fw-code"},
                                     {"driver", "file"},
                                     {"filename", fw.ovmfCode},
                                     {"read-only", true}}));
    c.add("-blockdev", blockdevJson({{"node-name", "fw-vars"},
                                     {"driver", "file"},
                                     {"filename", fw.ovmfVars},
                                     {"read-only", false}}));
    machine.add("pflash0", "fw-code").add("pflash1", "fw-vars");
    return Ok{};
  }
  if (!fw.seabios.empty()) {
    c.add("-bios", fw.seabios);
  }
  return Ok{};
}

Status addKernel(Ctx& c) {
  const auto& cfg = c.cfg;
  std::string kernel = cfg.kernel;
  std::string ramdisk = cfg.ramdisk;
  std::string cmdline = cfg.cmdline;
  if (!cfg.bootloader.empty()) {
    if (c.hvm()) {
      return fail(TranslateErrc::kUnsupported, "bootloader",
                  "bootloader= applies to PV guests; HVM guests boot from their firmware.");
    }
    if (!c.facts.bootloader) {
      return fail(TranslateErrc::kMissingHostFact, "bootloader",
                  "The bootloader has not been run; its kernel and ramdisk are unknown.");
    }
    kernel = c.facts.bootloader->kernel;
    ramdisk = c.facts.bootloader->ramdisk;
    cmdline = c.facts.bootloader->cmdline;
  }
  if (kernel.empty()) {
    if (!c.hvm()) {
      return fail(TranslateErrc::kInvalidValue, "kernel",
                  "A PV guest needs kernel= or bootloader=.");
    }
    if (!ramdisk.empty()) {
      return fail(TranslateErrc::kInvalidValue, "ramdisk", "ramdisk= needs kernel=.");
    }
    if (!cmdline.empty()) {
      return fail(TranslateErrc::kInvalidValue, "extra",
                  "A kernel command line (root=, extra=, cmdline=) needs kernel=.");
    }
    return Ok{};
  }
  c.add("-kernel", kernel);
  if (!ramdisk.empty()) {
    c.add("-initrd", ramdisk);
  }
  if (wantsEarlyConsole(c, cmdline)) {
    cmdline += cmdline.empty() ? "earlyprintk=ttyS0" : " earlyprintk=ttyS0";
  }
  if (!cmdline.empty()) {
    c.add("-append", cmdline);
  }
  return Ok{};
}

Status addBootOrder(Ctx& c) {
  if (!c.hvm()) {
    return Ok{};  // boot= is an HVM key; PV guests boot their kernel
  }
  const std::string& order = c.cfg.boot;
  std::string seen;
  for (char ch : order) {
    if (ch != 'a' && ch != 'c' && ch != 'd' && ch != 'n') {
      return fail(TranslateErrc::kInvalidValue, "boot",
                  fmt::format("Boot device '{}' is not one of a (floppy), c (disk), d (CD-ROM), "
                              "n (network).",
                              ch));
    }
    if (seen.find(ch) != std::string::npos) {
      return fail(TranslateErrc::kInvalidValue, "boot",
                  fmt::format("Boot device '{}' is listed twice.", ch));
    }
    seen += ch;
  }
  if (!order.empty()) {
    c.add("-boot", Opts().add("order", order).str());
  }
  return Ok{};
}

Status addRtc(Ctx& c) {
  const auto& cfg = c.cfg;
  Opts rtc;
  if (cfg.rtcTimeoffset != 0) {
    if (c.facts.rtcBase.empty()) {
      return fail(TranslateErrc::kMissingHostFact, "rtc_timeoffset",
                  "rtc_timeoffset needs the start date xend computes from the clock.");
    }
    if (!isRtcDate(c.facts.rtcBase)) {
      return fail(TranslateErrc::kInvalidValue, "rtc_timeoffset",
                  fmt::format("The RTC start date '{}' is not YYYY-MM-DDTHH:MM:SS.",
                              c.facts.rtcBase));
    }
    rtc.add("base", c.facts.rtcBase);
  } else {
    rtc.add("base", cfg.localtime ? "localtime" : "utc");
  }
  c.add("-rtc", rtc.str());
  return Ok{};
}

}  // namespace

Status buildMachine(Ctx& c) {
  const auto& cfg = c.cfg;
  const auto& caps = c.facts.caps;
  std::string type = caps.resolveMachine(kMachine);
  if (type.empty()) {
    return fail(TranslateErrc::kMissingCapability, "",
                "This QEMU has no 'pc' (i440FX) machine type.");
  }
  Opts machine(type);
  machine.onOff("acpi", cfg.acpi).onOff("hpet", cfg.hpet);
  // The VMware backdoor port is not part of Xen's platform.
  machine.onOff("vmport", false);
  if (auto s = addFirmware(c, machine); !s) {
    return s;
  }
  c.add("-machine", machine.str());

  const char* accel = c.facts.accel == Accel::kKvm ? "kvm" : "tcg";
  if (!caps.hasAccel(accel)) {
    return fail(TranslateErrc::kMissingCapability, "",
                fmt::format("This QEMU has no '{}' accelerator.", accel));
  }
  c.add("-accel", accel);

  if (cfg.memory <= 0 || cfg.maxmem < cfg.memory) {
    return fail(TranslateErrc::kInvalidValue, "memory",
                fmt::format("memory={} and maxmem={} do not satisfy 0 < memory <= maxmem.",
                            cfg.memory, cfg.maxmem));
  }
  // The guest owns maxmem; xend balloons it down to `memory` before it runs.
  c.add("-m", fmt::format("size={}M", cfg.maxmem));

  if (cfg.vcpus < 1 || cfg.maxvcpus < cfg.vcpus) {
    return fail(TranslateErrc::kInvalidValue, "vcpus",
                fmt::format("vcpus={} and maxvcpus={} do not satisfy 0 < vcpus <= maxvcpus.",
                            cfg.vcpus, cfg.maxvcpus));
  }
  if (cfg.maxvcpus > kMaxVcpus) {
    return fail(TranslateErrc::kLimitExceeded, "maxvcpus",
                fmt::format("The pc machine supports at most {} vCPUs.", kMaxVcpus));
  }
  c.add("-smp", Opts().add("cpus", cfg.vcpus).add("maxcpus", cfg.maxvcpus).str());

  if (auto s = addRtc(c); !s) {
    return s;
  }
  if (auto s = addBootOrder(c); !s) {
    return s;
  }
  return addKernel(c);
}

Status buildPlatform(Ctx& c) {
  const auto& caps = c.facts.caps;
  // Always present so `xm mem-set` works for every guest.
  if (auto s = c.needDevice("virtio-balloon-pci", "memory"); !s) {
    return s;
  }
  c.add("-device", Opts("virtio-balloon-pci").add("id", "balloon0").str());
  // Guest crash notification for on_crash.
  if (auto s = c.needDevice("pvpanic", "on_crash"); !s) {
    return s;
  }
  c.add("-device", Opts("pvpanic").add("id", "pvpanic0").str());

  switch (c.facts.sandbox) {
    case SandboxPolicy::kOff:
      break;
    case SandboxPolicy::kRequire:
    case SandboxPolicy::kIfAvailable:
      if (!caps.hasOption("sandbox")) {
        if (c.facts.sandbox == SandboxPolicy::kRequire) {
          return fail(TranslateErrc::kMissingCapability, "",
                      "The sandbox is required but this QEMU was built without seccomp.");
        }
        break;
      }
      // No obsolete syscalls, no setuid, no fork/exec, no scheduler or
      // affinity changes from inside QEMU (xend pins vCPU threads from outside).
      // -runas drops privileges with setuid() after the filter is installed,
      // so it needs set*id allowed; once it runs as the user there is nothing
      // left to elevate to.
      c.add("-sandbox", Opts("on")
                            .add("obsolete", "deny")
                            .add("elevateprivileges", c.facts.runAs.empty() ? "deny" : "allow")
                            .add("spawn", "deny")
                            .add("resourcecontrol", "deny")
                            .str());
      break;
  }
  if (!c.facts.runAs.empty()) {
    if (!caps.hasOption("runas")) {
      return fail(TranslateErrc::kMissingCapability, "",
                  "This QEMU has no -runas option to drop privileges.");
    }
    c.add("-runas", c.facts.runAs);
  }
  return Ok{};
}

}  // namespace xenia::qemu::detail
