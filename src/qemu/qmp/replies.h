// Typed views of the QMP replies and events xend acts on. Pure decoders over
// the JSON QEMU sent: a missing or mistyped field is a kProtocol error, never
// an exception (the input is untrusted).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/expected.h"
#include "qemu/qmp/error.h"
#include "qemu/qmp/message.h"

namespace xenia::qmp {

struct StatusInfo {
  bool running = false;
  std::string status;  // "running", "paused", "prelaunch", "shutdown", "internal-error"...
};

struct CpuInfo {
  int64_t cpuIndex = 0;
  int64_t threadId = 0;  // host thread of the vCPU (for sched_setaffinity)
  std::string qomPath;
};

struct VncInfo {
  bool enabled = false;
  std::string host;     // empty when disabled
  std::string service;  // the port, as a string
  std::string family;   // "ipv4", "ipv6", "unix"
  std::string auth;     // "none", "vnc"...
};

struct MigrationInfo {
  std::string status;  // "none", "setup", "active", "completed", "failed", "cancelled"...
  int64_t ramTransferred = 0;
  int64_t ramRemaining = 0;
  int64_t ramTotal = 0;
  std::string errorDesc;  // set when status is "failed"
};

struct FdsetInfo {
  int64_t fdsetId = 0;
  int64_t fd = 0;
};

Expected<StatusInfo, Error> parseStatus(const nlohmann::json& ret);
Expected<std::vector<CpuInfo>, Error> parseCpusFast(const nlohmann::json& ret);
Expected<int64_t, Error> parseBalloon(const nlohmann::json& ret);  // "actual" bytes
Expected<VncInfo, Error> parseVnc(const nlohmann::json& ret);
Expected<MigrationInfo, Error> parseMigration(const nlohmann::json& ret);
Expected<FdsetInfo, Error> parseAddFd(const nlohmann::json& ret);
Expected<std::string, Error> parseHumanMonitor(const nlohmann::json& ret);

// Events. SHUTDOWN/RESET: guest is true when the guest asked for it; reason
// is QEMU's ShutdownCause ("guest-shutdown", "guest-reset", "host-qmp-quit",
// "host-signal", "guest-panic"...).
struct ShutdownEvent {
  bool guest = false;
  std::string reason;
};
struct GuestPanickedEvent {
  std::string action;  // "pause", "poweroff", "run"
  nlohmann::json info;  // hyper-v/s390 details when present, else null
};
struct DeviceDeletedEvent {
  std::string device;  // qdev id; empty for devices added without one
  std::string path;    // QOM path
};
struct BalloonChangeEvent {
  int64_t actual = 0;
};

Expected<ShutdownEvent, Error> parseShutdownEvent(const Event& e);  // SHUTDOWN or RESET
Expected<GuestPanickedEvent, Error> parseGuestPanickedEvent(const Event& e);
Expected<DeviceDeletedEvent, Error> parseDeviceDeletedEvent(const Event& e);
Expected<BalloonChangeEvent, Error> parseBalloonChangeEvent(const Event& e);

}  // namespace xenia::qmp
