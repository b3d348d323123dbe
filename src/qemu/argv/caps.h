// What one QEMU binary can do, as a plain value: version, accelerators, machine
// types, devices, CPU models and flags, block drivers, displays, options. xend
// runs the binary's help commands (I/O) and hands the text to capsFromProbe();
// the argv builder only ever reads a QemuCaps. formatCaps/parseCaps give a
// canonical text form for caching and for checked-in test data.
#pragma once

#include <compare>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.h"

namespace xenia::qemu {

struct QemuVersion {
  int major = 0;
  int minor = 0;
  int micro = 0;
  auto operator<=>(const QemuVersion&) const = default;
  std::string str() const;  // "7.2.22"
};

struct QemuCaps {
  QemuVersion version;
  std::set<std::string> accels;        // "kvm", "tcg"
  std::set<std::string> machines;      // concrete types ("pc-i440fx-7.2"), not aliases
  std::map<std::string, std::string> machineAliases;  // "pc" -> "pc-i440fx-7.2"
  std::string defaultMachine;
  std::set<std::string> devices;       // -device names, aliases included
  std::set<std::string> cpuModels;     // "qemu64", "host", "max", ...
  std::set<std::string> cpuFlags;      // "Recognized CPUID flags" ("pni", "sse4.1")
  std::set<std::string> blockDrivers;  // usable -blockdev drivers ("qcow2", "iscsi")
  std::set<std::string> displays;      // -display backends ("none", "sdl")
  std::set<std::string> options;       // command-line options without '-' ("sandbox")

  bool hasAccel(std::string_view n) const { return accels.count(std::string(n)) > 0; }
  bool hasDevice(std::string_view n) const { return devices.count(std::string(n)) > 0; }
  bool hasCpuModel(std::string_view n) const { return cpuModels.count(std::string(n)) > 0; }
  bool hasCpuFlag(std::string_view n) const { return cpuFlags.count(std::string(n)) > 0; }
  bool hasBlockDriver(std::string_view n) const { return blockDrivers.count(std::string(n)) > 0; }
  bool hasDisplay(std::string_view n) const { return displays.count(std::string(n)) > 0; }
  bool hasOption(std::string_view n) const { return options.count(std::string(n)) > 0; }
  // A concrete machine type for `name` (resolving aliases); empty if unknown.
  std::string resolveMachine(std::string_view name) const;

  bool operator==(const QemuCaps&) const = default;
};

struct CapsError {
  std::string source;   // which probe output or "caps:<line>"
  std::string message;  // a whole sentence
  std::string format() const { return source + ": " + message; }
};

// The raw standard output of each probe command, exactly as QEMU printed it.
struct ProbeOutputs {
  std::string version;          // qemu-system-x86_64 --version
  std::string help;             // -help
  std::string machineHelp;      // -machine help
  std::string deviceHelp;       // -device help
  std::string cpuHelp;          // -cpu help
  std::string accelHelp;        // -accel help
  std::string driveFormatHelp;  // -drive format=help
  std::string displayHelp;      // -display help
  // File names in QEMU's module directory (/usr/lib/x86_64-linux-gnu/qemu).
  // `-drive format=help` lists modular block drivers (iscsi, curl, ...) even
  // when their module is not installed; with this list such drivers are
  // dropped. Leave hasModuleList false for a QEMU built without modules.
  bool hasModuleList = false;
  std::vector<std::string> moduleFiles;
};

Expected<QemuCaps, CapsError> capsFromProbe(const ProbeOutputs& out);

// Canonical text: "# comment" lines, then "<kind> <name>[ <extra>]" lines
// sorted by kind then name, e.g. "version 7.2.22", "machine pc-i440fx-7.2",
// "machine-alias pc pc-i440fx-7.2", "default-machine pc-i440fx-7.2".
std::string formatCaps(const QemuCaps& caps);
Expected<QemuCaps, CapsError> parseCaps(std::string_view text);

}  // namespace xenia::qemu
