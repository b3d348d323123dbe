// Runs a QEMU binary's help commands and acceptance checks (time-bounded) to
// fill Capabilities, and caches the result on disk keyed by the binary's
// resolved path, mtime and size (as libvirt's capabilities cache does), so
// xend probes once per QEMU upgrade rather than once per start.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "common/expected.h"
#include "qemu/probe/caps.h"

namespace xenia::probe {

// The raw help output, for callers with their own parser (qemu/argv's
// capsFromProbe takes the same fields) or for recording test data.
struct HelpOutputs {
  std::string version;          // --version
  std::string help;             // -help
  std::string deviceHelp;       // -device help
  std::string machineHelp;      // -machine help
  std::string cpuHelp;          // -cpu help
  std::string accelHelp;        // -accel help
  std::string driveFormatHelp;  // -drive format=help (lists modular drivers even if absent)
  std::string displayHelp;      // -display help
  bool hasModuleList = false;   // moduleDir existed
  std::vector<std::string> moduleFiles;  // its file names, sorted ("block-iscsi.so")
};

// Debian's QEMU module directory.
inline constexpr const char* kDefaultModuleDir = "/usr/lib/x86_64-linux-gnu/qemu";

struct BinaryKey {
  std::string path;  // resolved through PATH
  int64_t mtimeNs = 0;
  int64_t size = 0;
  bool operator==(const BinaryKey&) const = default;
};

// Resolves qemu (a path, or a name looked up in PATH) and stats it.
Expected<BinaryKey, std::string> binaryKey(const std::string& qemu);

// Runs the help commands and lists moduleDir; every run shares the deadline.
Expected<HelpOutputs, std::string> collectHelp(const std::string& qemu,
                                               std::chrono::milliseconds budget,
                                               const std::string& moduleDir = kDefaultModuleDir);

// Probes everything (help commands, -sandbox run, iscsi run) within budget.
Expected<Capabilities, std::string> probeCaps(const std::string& qemu,
                                              std::chrono::milliseconds budget =
                                                  std::chrono::milliseconds(5000));

struct CachedCaps {
  Capabilities caps;
  bool fromCache = false;
};

// probeCaps with a cache file per binary under cacheDir (created if missing).
// A stale, unreadable or malformed entry is re-probed and rewritten; a cache
// that cannot be written is not an error (the probe result is returned).
Expected<CachedCaps, std::string> probeCapsCached(const std::string& qemu,
                                                  const std::string& cacheDir,
                                                  std::chrono::milliseconds budget =
                                                      std::chrono::milliseconds(5000));

// The cache file used for a binary path (pure).
std::string cacheFileFor(const std::string& cacheDir, const std::string& resolvedPath);

}  // namespace xenia::probe
