// Internal to qemu/argv: the state shared by the per-device translation files
// (the argv under construction, the inputs, what earlier parts decided) and
// the small helpers they all use. Not part of the library's interface.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "qemu/argv/argv.h"

namespace xenia::qemu::detail {

using Status = Expected<Ok, TranslateError>;

inline Unexpected<TranslateError> fail(TranslateErrc code, std::string field,
                                       std::string message) {
  return unexpected(TranslateError{code, std::move(field), std::move(message)});
}

// QemuOpts value escaping: a ',' inside a value is written ",,".
std::string escapeOpt(std::string_view value);

// "head,key=value,key=value" with every value escaped.
class Opts {
 public:
  explicit Opts(std::string_view head = {}) : s_(escapeOpt(head)) {}
  Opts& add(std::string_view key, std::string_view value);
  Opts& add(std::string_view key, const char* value) { return add(key, std::string_view(value)); }
  Opts& add(std::string_view key, const std::string& value) {
    return add(key, std::string_view(value));
  }
  Opts& add(std::string_view key, int64_t value);
  Opts& add(std::string_view key, int value) { return add(key, int64_t{value}); }
  Opts& onOff(std::string_view key, bool on) { return add(key, on ? "on" : "off"); }
  const std::string& str() const { return s_; }

 private:
  std::string s_;
};

// -blockdev takes JSON: no comma escaping, and keys keep the order given.
using Json = nlohmann::ordered_json;
inline std::string blockdevJson(const Json& j) { return j.dump(); }

struct Ctx {
  const config::DomainConfig& cfg;
  const HostFacts& facts;
  Argv args;

  // Decided before the device parts run, read by several of them.
  bool graphics = false;   // a VNC or SDL display exists
  bool sound = false;      // an audiodev "audio0" exists
  bool usbBus = false;     // a USB controller "usb" exists

  bool hvm() const { return cfg.type == config::GuestType::kHvm; }
  void add(std::string a) { args.push_back(std::move(a)); }
  void add(std::string flag, std::string value) {
    args.push_back(std::move(flag));
    args.push_back(std::move(value));
  }
  // kMissingCapability unless the binary has -device `name`.
  Status needDevice(std::string_view name, std::string_view field) const;
  // kInvalidValue unless `path` fits a unix socket address.
  Status needSocketPath(std::string_view path, std::string_view field) const;
  // Appends "-chardev <spec>,id=<id>".
  Status addChardev(const ChardevSpec& spec, std::string_view id, std::string_view field);
};

// The display the guest has (HVM: the emulated VGA's keys unless nographic;
// PV: its vfb, or top-level vnc/sdl keys), nullptr for none. display.cc.
const config::Graphics* displayOf(const config::DomainConfig& cfg);

// The parts, in the order buildArgv() runs them. Each appends its arguments.
Status buildMachine(Ctx& c);    // machine.cc: -machine -accel -m -smp -rtc firmware boot kernel
Status buildCpu(Ctx& c);        // cpu.cc: -cpu with cpuid, viridian, pae/apic/nestedhvm
Status buildMonitor(Ctx& c);    // console.cc: QMP socket, -action, extra monitor
Status buildDisks(Ctx& c);      // disk.cc
Status buildNics(Ctx& c);       // nic.cc
Status buildConsoles(Ctx& c);   // console.cc: virtio-serial, hvc0, xenstore port, serial, parallel
Status buildSound(Ctx& c);      // display.cc: soundhw (before -vnc, which may carry its audio)
Status buildDisplay(Ctx& c);    // display.cc: VGA, VNC, SDL, keymap
Status buildUsb(Ctx& c);        // usb.cc: controller, tablet/mouse, usb-host
Status buildPci(Ctx& c);        // usb.cc: vfio-pci passthrough
Status buildPlatform(Ctx& c);   // machine.cc: balloon, pvpanic, sandbox

}  // namespace xenia::qemu::detail
