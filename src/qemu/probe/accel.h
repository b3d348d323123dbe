// Which accelerator guests get: KVM only if /dev/kvm opens AND a real guest
// (boot_stub.S, via SeaBIOS) runs correctly under it within a timeout; TCG
// otherwise, with the reason. A nested KVM that fails ordinary guests with
// "emulation failure" is caught by actually running one, not by guessing.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "qemu/probe/process.h"
#include "qemu/qmp/message.h"

namespace xenia::probe {

struct AccelResult {
  std::string accel;  // "kvm" or "tcg"
  std::string reason;  // why (never empty)
  qmp::Version qemuVersion;  // zero when QEMU could not be run
};

struct AccelProbeOptions {
  std::string qemu = "qemu-system-x86_64";
  std::string kvmDevice = "/dev/kvm";
  std::chrono::milliseconds timeout{4000};  // for the stub guest
  std::string tmpDir = "/tmp";
};

// Opens the device read-write and checks KVM_GET_API_VERSION == 12.
// Empty string when usable, else the reason.
std::string kvmDeviceProblem(const std::string& path);

// Pure: the stub guest's QEMU command line.
std::vector<std::string> stubGuestArgv(const std::string& qemu, const std::string& accel,
                                       const std::string& imagePath);

// Pure: QEMU printed a fatal accelerator error (it then pauses the VM rather
// than exiting, so the runner stops it at once).
bool stubFatalSeen(std::string_view err);

struct StubVerdict {
  bool ok = false;
  std::string reason;
};

// Pure: did this run of the stub guest prove the accelerator works?
StubVerdict judgeStubRun(const RunResult& run, const std::string& accel,
                         std::chrono::milliseconds timeout);

// I/O: writes the stub image to a temp file in tmpDir, boots it, judges.
StubVerdict runStubGuest(const std::string& qemu, const std::string& accel,
                         std::chrono::milliseconds timeout, const std::string& tmpDir = "/tmp");

// The whole probe (≤ timeout + ~1 s).
AccelResult probeAccel(const AccelProbeOptions& opts = {});

}  // namespace xenia::probe
