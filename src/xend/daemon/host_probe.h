// The QEMU facts xend probes once at start: the accelerator (boot a stub
// under KVM, else TCG with the reason; or what (xend-accel ...) forces) and
// the binary's QemuCaps for the argv builder, cached in the state dir by
// binary path, mtime and size, with the probe's -sandbox/iscsi verdicts
// applied.
#pragma once

#include <string>

#include "common/expected.h"
#include "qemu/argv/caps.h"

namespace xenia::xend {

struct AccelChoice {
  std::string accel;   // "kvm" / "tcg"
  std::string reason;  // why
};

// setting: "auto", "kvm" or "tcg".
AccelChoice chooseAccel(const std::string& setting, const std::string& qemu,
                        const std::string& tmpDir);

// cacheDir is created if missing; a cache that cannot be written is no error.
Expected<qemu::QemuCaps, std::string> probeQemuCaps(const std::string& qemu,
                                                    const std::string& cacheDir);

}  // namespace xenia::xend
