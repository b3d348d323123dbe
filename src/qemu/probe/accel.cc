// The accelerator probe: device check, stub guest run, verdict.
#include "qemu/probe/accel.h"

#include <fcntl.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "common/unique_fd.h"
#include "qemu/probe/boot_stub.h"
#include "qemu/probe/caps.h"

namespace xenia::probe {

namespace {

constexpr std::string_view kFatalPatterns[] = {
    "KVM internal error",    // KVM_EXIT_INTERNAL_ERROR, e.g. "Suberror: 1" emulation failure
    "emulation failure",     //
    "KVM: entry failed",     // KVM_EXIT_FAIL_ENTRY
    "kvm run failed",        // KVM_RUN returned an error
    "failed to initialize kvm",
    "failed to initialize KVM",
};

// The first few non-empty lines of QEMU's stderr, joined, for a reason string.
std::string firstLines(std::string_view text, size_t maxLines = 3) {
  std::string out;
  size_t lines = 0;
  size_t pos = 0;
  while (pos < text.size() && lines < maxLines) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) {
      line.remove_suffix(1);
    }
    if (line.empty()) {
      continue;
    }
    if (!out.empty()) {
      out += " / ";
    }
    out.append(line.substr(0, 200));
    ++lines;
  }
  return out;
}

}  // namespace

std::string kvmDeviceProblem(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CLOEXEC));
  if (!fd) {
    return fmt::format("{} cannot be opened: {}.", path, std::strerror(errno));
  }
  int v = ::ioctl(fd.get(), KVM_GET_API_VERSION, 0);
  if (v != KVM_API_VERSION) {
    return fmt::format("{} does not answer KVM_GET_API_VERSION with {} (got {}).", path,
                       KVM_API_VERSION, v);
  }
  return "";
}

std::vector<std::string> stubGuestArgv(const std::string& qemu, const std::string& accel,
                                       const std::string& imagePath) {
  return {qemu,
          "-accel", accel,
          "-machine", "pc",
          "-nodefaults", "-no-user-config",
          "-display", "none",
          "-m", "16",
          "-serial", "stdio",
          "-monitor", "none",
          "-no-reboot",  // a triple fault ends QEMU instead of looping
          "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
          "-drive", "file=" + imagePath + ",format=raw,if=ide,index=0",
          "-boot", "order=c"};
}

bool stubFatalSeen(std::string_view err) {
  for (auto p : kFatalPatterns) {
    if (err.find(p) != std::string_view::npos) {
      return true;
    }
  }
  return false;
}

StubVerdict judgeStubRun(const RunResult& run, const std::string& accel,
                         std::chrono::milliseconds timeout) {
  const std::string expected = bootStubExpectedOutput();
  bool markerOk = run.out.find(expected) != std::string::npos;
  bool realModeOnly = !markerOk && run.out.find("XENIA-STUB rm\n") != std::string::npos;
  std::string errText = firstLines(run.err);
  if (stubFatalSeen(run.err)) {
    return {false, fmt::format("QEMU reported an accelerator failure running the {} stub guest: {}",
                               accel, errText)};
  }
  if (run.timedOut) {
    return {false, fmt::format("The {} stub guest did not finish within {} ms ({}).", accel,
                               timeout.count(),
                               realModeOnly ? "it ran real mode but never finished protected mode"
                                            : "no output from the guest")};
  }
  if (!run.exited || run.exitCode != kBootStubExitCode) {
    return {false, fmt::format("QEMU running the {} stub guest ended with {} (wanted exit "
                               "status {} from isa-debug-exit){}{}",
                               accel, run.describe(), kBootStubExitCode,
                               errText.empty() ? "" : ": ", errText)};
  }
  if (!markerOk) {
    return {false, fmt::format("The {} stub guest exited but printed the wrong result ({}).",
                               accel, realModeOnly ? "real mode only" : "no valid marker")};
  }
  return {true, fmt::format("The stub guest ran real-mode and protected-mode code under {} and "
                            "printed the expected checksum {:08X}.",
                            accel, bootStubChecksum())};
}

StubVerdict runStubGuest(const std::string& qemu, const std::string& accel,
                         std::chrono::milliseconds timeout, const std::string& tmpDir) {
  std::string path = tmpDir + "/xenia-probe-XXXXXX";
  UniqueFd fd(::mkostemp(path.data(), O_CLOEXEC));
  if (!fd) {
    return {false, fmt::format("Cannot create the stub guest image in {}: {}.", tmpDir,
                               std::strerror(errno))};
  }
  std::string_view img = bootStubImage();
  bool written = ::write(fd.get(), img.data(), img.size()) == static_cast<ssize_t>(img.size());
  fd.reset();
  if (!written) {
    ::unlink(path.c_str());
    return {false, fmt::format("Cannot write the stub guest image {}.", path)};
  }
  RunOptions o;
  o.argv = stubGuestArgv(qemu, accel, path);
  o.timeout = timeout;
  o.maxOutput = 64 * 1024;
  o.stopWhen = [](const std::string&, const std::string& err) { return stubFatalSeen(err); };
  auto run = runProgram(o);
  ::unlink(path.c_str());
  if (!run) {
    return {false, run.error()};
  }
  return judgeStubRun(*run, accel, timeout);
}

AccelResult probeAccel(const AccelProbeOptions& opts) {
  AccelResult r;
  r.accel = "tcg";
  RunOptions v;
  v.argv = {opts.qemu, "--version"};
  v.timeout = std::chrono::milliseconds(2000);
  auto ver = runProgram(v);
  if (!ver) {
    r.reason = ver.error() + " Guests cannot run at all.";
    return r;
  }
  auto parsed = parseVersionOutput(ver->out);
  if (!parsed) {
    r.reason = fmt::format("{} --version gave no QEMU version ({}).", opts.qemu, ver->describe());
    return r;
  }
  r.qemuVersion = *parsed;
  if (std::string why = kvmDeviceProblem(opts.kvmDevice); !why.empty()) {
    r.reason = why + " Using TCG.";
    return r;
  }
  StubVerdict kvm = runStubGuest(opts.qemu, "kvm", opts.timeout, opts.tmpDir);
  if (!kvm.ok) {
    r.reason = kvm.reason + " Using TCG.";
    return r;
  }
  r.accel = "kvm";
  r.reason = kvm.reason;
  return r;
}

}  // namespace xenia::probe
