// What one QEMU binary offers, decoded from its own help output (pure
// parsers, tested against recorded output in test/unit/qmp/data/): -device,
// -machine and -cpu names, the version, and the verdicts of the -sandbox and
// iscsi acceptance runs. caps_probe.h runs the binary and caches the result.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.h"
#include "qemu/qmp/message.h"

namespace xenia::probe {

struct Capabilities {
  qmp::Version version;
  std::set<std::string> devices;                      // -device names (user-creatable)
  std::map<std::string, std::string> deviceAliases;   // "virtio-net" -> "virtio-net-pci"
  std::set<std::string> machines;                     // concrete machine types
  std::map<std::string, std::string> machineAliases;  // "pc" -> "pc-i440fx-7.2"
  std::string defaultMachine;
  std::set<std::string> cpuModels;  // "qemu64", "host", "max", "Skylake-Client-v4"...
  std::set<std::string> cpuFlags;   // "Recognized CPUID flags"
  bool sandbox = false;  // "-sandbox on" accepted: built with libseccomp
  bool iscsi = false;    // the iscsi block driver loads (libiscsi, module installed)
  std::vector<std::string> notes;  // how the sandbox and iscsi verdicts were reached

  bool hasDevice(const std::string& n) const {
    return devices.count(n) > 0 || deviceAliases.count(n) > 0;
  }
  bool hasMachine(const std::string& n) const {
    return machines.count(n) > 0 || machineAliases.count(n) > 0;
  }
  bool hasCpuModel(const std::string& n) const { return cpuModels.count(n) > 0; }
  bool operator==(const Capabilities&) const = default;
};

// "QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)".
Expected<qmp::Version, std::string> parseVersionOutput(std::string_view text);

struct DeviceList {
  std::set<std::string> names;
  std::map<std::string, std::string> aliases;
};
// `-device help`: category headings, then `name "X", bus Y, alias "Z", desc "..."`.
Expected<DeviceList, std::string> parseDeviceHelp(std::string_view text);

struct MachineList {
  std::set<std::string> names;
  std::map<std::string, std::string> aliases;
  std::string defaultMachine;
};
// `-machine help`: "Supported machines are:" then "NAME  DESC[ (alias of X)][ (default)]".
Expected<MachineList, std::string> parseMachineHelp(std::string_view text);

struct CpuList {
  std::set<std::string> models;
  std::set<std::string> flags;
};
// `-cpu help`: "Available CPUs:" then "x86 NAME  DESC", then "Recognized CPUID flags:".
Expected<CpuList, std::string> parseCpuHelp(std::string_view text);

struct FeatureVerdict {
  bool available = false;
  std::string note;
};
// QEMU run as `-sandbox on ... -qmp stdio` and told to quit.
FeatureVerdict judgeSandboxRun(bool exited, int exitCode, std::string_view out,
                               std::string_view err);
// QEMU run with `-drive driver=iscsi,transport=<invalid>`: a loaded driver
// rejects the transport; a missing one is an "Unknown driver".
FeatureVerdict judgeIscsiRun(std::string_view err);

// Cache form. capsFromJson checks every field's type.
nlohmann::json capsToJson(const Capabilities& c);
Expected<Capabilities, std::string> capsFromJson(const nlohmann::json& j);

}  // namespace xenia::probe
