// Defensive decoders for QMP replies and events.
#include "qemu/qmp/replies.h"

#include <fmt/format.h>

#include "qemu/qmp/json_fields.h"

namespace xenia::qmp {

using nlohmann::json;
using detail::getBool;
using detail::getInt;
using detail::getString;
using detail::member;

namespace {

Unexpected<Error> bad(std::string why) { return unexpected(localError(ErrorKind::kProtocol, why)); }

Unexpected<Error> missing(const char* what, const char* field) {
  return bad(fmt::format("The {} reply has no valid \"{}\".", what, field));
}

}  // namespace

Expected<StatusInfo, Error> parseStatus(const json& ret) {
  StatusInfo s;
  if (!getBool(ret, "running", s.running)) {
    return missing("query-status", "running");
  }
  if (!getString(ret, "status", s.status)) {
    return missing("query-status", "status");
  }
  return s;
}

Expected<std::vector<CpuInfo>, Error> parseCpusFast(const json& ret) {
  if (!ret.is_array()) {
    return bad("The query-cpus-fast reply is not an array.");
  }
  std::vector<CpuInfo> cpus;
  for (const json& c : ret) {
    CpuInfo i;
    if (!getInt(c, "cpu-index", i.cpuIndex)) {
      return missing("query-cpus-fast", "cpu-index");
    }
    if (!getInt(c, "thread-id", i.threadId)) {
      return missing("query-cpus-fast", "thread-id");
    }
    getString(c, "qom-path", i.qomPath);
    cpus.push_back(std::move(i));
  }
  return cpus;
}

Expected<int64_t, Error> parseBalloon(const json& ret) {
  int64_t actual;
  if (!getInt(ret, "actual", actual)) {
    return missing("query-balloon", "actual");
  }
  return actual;
}

Expected<VncInfo, Error> parseVnc(const json& ret) {
  VncInfo v;
  if (!getBool(ret, "enabled", v.enabled)) {
    return missing("query-vnc", "enabled");
  }
  getString(ret, "host", v.host);
  getString(ret, "service", v.service);
  getString(ret, "family", v.family);
  getString(ret, "auth", v.auth);
  return v;
}

Expected<MigrationInfo, Error> parseMigration(const json& ret) {
  MigrationInfo m;
  if (!ret.is_object()) {
    return bad("The query-migrate reply is not an object.");
  }
  // Before any migration QEMU 7.2 answers {} (status absent means "none").
  if (!getString(ret, "status", m.status)) {
    if (ret.contains("status")) {
      return missing("query-migrate", "status");
    }
    m.status = "none";
  }
  if (const json* ram = member(ret, "ram")) {
    getInt(*ram, "transferred", m.ramTransferred);
    getInt(*ram, "remaining", m.ramRemaining);
    getInt(*ram, "total", m.ramTotal);
  }
  getString(ret, "error-desc", m.errorDesc);
  return m;
}

Expected<FdsetInfo, Error> parseAddFd(const json& ret) {
  FdsetInfo f;
  if (!getInt(ret, "fdset-id", f.fdsetId)) {
    return missing("add-fd", "fdset-id");
  }
  if (!getInt(ret, "fd", f.fd)) {
    return missing("add-fd", "fd");
  }
  return f;
}

Expected<std::string, Error> parseHumanMonitor(const json& ret) {
  if (!ret.is_string()) {
    return bad("The human-monitor-command reply is not a string.");
  }
  return ret.get<std::string>();
}

Expected<ShutdownEvent, Error> parseShutdownEvent(const Event& e) {
  ShutdownEvent s;
  if (!getBool(e.data, "guest", s.guest)) {
    return bad(fmt::format("The {} event has no boolean \"guest\".", e.name));
  }
  if (!getString(e.data, "reason", s.reason)) {
    return bad(fmt::format("The {} event has no string \"reason\".", e.name));
  }
  return s;
}

Expected<GuestPanickedEvent, Error> parseGuestPanickedEvent(const Event& e) {
  GuestPanickedEvent p;
  if (!getString(e.data, "action", p.action)) {
    return bad("The GUEST_PANICKED event has no string \"action\".");
  }
  if (const json* info = member(e.data, "info")) {
    p.info = *info;
  }
  return p;
}

Expected<DeviceDeletedEvent, Error> parseDeviceDeletedEvent(const Event& e) {
  DeviceDeletedEvent d;
  if (!getString(e.data, "path", d.path)) {
    return bad("The DEVICE_DELETED event has no string \"path\".");
  }
  getString(e.data, "device", d.device);
  return d;
}

Expected<BalloonChangeEvent, Error> parseBalloonChangeEvent(const Event& e) {
  BalloonChangeEvent b;
  if (!getInt(e.data, "actual", b.actual)) {
    return bad("The BALLOON_CHANGE event has no integer \"actual\".");
  }
  return b;
}

}  // namespace xenia::qmp
