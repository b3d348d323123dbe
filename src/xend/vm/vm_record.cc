// vm.json mapping and atomic file I/O.
#include "xend/vm/vm_record.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "common/unique_fd.h"

namespace xenia::xend {

using OJson = nlohmann::ordered_json;

OJson vmRecordToJson(const VmRecord& r) {
  OJson j;
  j["version"] = VmRecord::kVersion;
  j["domid"] = r.domid;
  j["name"] = r.name;
  j["uuid"] = r.uuid;
  j["pid"] = r.pid;
  j["pid_start_ticks"] = r.pidStartTicks;
  j["start_time"] = r.startTime;
  j["accel"] = r.accel;
  j["managed"] = r.managed;
  j["restart_count"] = r.restartCount;
  j["memory"] = r.memoryMiB;
  j["maxmem"] = r.maxmemMiB;
  j["online_vcpus"] = r.onlineVcpus;
  j["weight"] = r.weight;
  j["cap"] = r.cap;
  j["preserved"] = r.preserved;
  j["console_pty"] = r.consolePty;
  j["console_log"] = r.consoleLog;
  j["vnc_port"] = r.vncPort;
  if (!r.vncTls.empty()) {
    j["vnc_tls"] = r.vncTls;
  }
  j["startup"] = {{"exec_ms", r.startup.execMs},
                  {"ready_ms", r.startup.readyMs},
                  {"cont_ms", r.startup.contMs}};
  j["config"] = r.config;
  return j;
}

namespace {

template <class T>
bool take(const OJson& j, const char* key, T* out, std::string* err) {
  auto it = j.find(key);
  if (it == j.end()) {
    *err = fmt::format("vm.json: missing '{}'.", key);
    return false;
  }
  bool ok;
  if constexpr (std::is_same_v<T, bool>) {
    ok = it->is_boolean();
  } else if constexpr (std::is_same_v<T, std::string>) {
    ok = it->is_string();
  } else if constexpr (std::is_floating_point_v<T>) {
    ok = it->is_number();
  } else if constexpr (std::is_unsigned_v<T>) {
    ok = it->is_number_unsigned() || (it->is_number_integer() && it->template get<int64_t>() >= 0);
  } else {
    ok = it->is_number_integer();
  }
  if (!ok) {
    *err = fmt::format("vm.json: '{}' has the wrong type.", key);
    return false;
  }
  *out = it->template get<T>();
  return true;
}

}  // namespace

Expected<VmRecord, std::string> vmRecordFromJson(const OJson& j) {
  std::string err;
  if (!j.is_object()) {
    return unexpected(std::string("vm.json: not an object."));
  }
  int version = 0;
  if (!take(j, "version", &version, &err)) {
    return unexpected(err);
  }
  if (version != VmRecord::kVersion) {
    return unexpected(fmt::format("vm.json: unknown version {}.", version));
  }
  VmRecord r;
  int64_t pid = 0;
  if (!take(j, "domid", &r.domid, &err) || !take(j, "name", &r.name, &err) ||
      !take(j, "uuid", &r.uuid, &err) || !take(j, "pid", &pid, &err) ||
      !take(j, "pid_start_ticks", &r.pidStartTicks, &err) ||
      !take(j, "start_time", &r.startTime, &err) || !take(j, "accel", &r.accel, &err) ||
      !take(j, "managed", &r.managed, &err) ||
      !take(j, "restart_count", &r.restartCount, &err) ||
      !take(j, "memory", &r.memoryMiB, &err) || !take(j, "maxmem", &r.maxmemMiB, &err) ||
      !take(j, "online_vcpus", &r.onlineVcpus, &err) || !take(j, "weight", &r.weight, &err) ||
      !take(j, "cap", &r.cap, &err) || !take(j, "preserved", &r.preserved, &err) ||
      !take(j, "console_pty", &r.consolePty, &err) ||
      !take(j, "console_log", &r.consoleLog, &err)) {
    return unexpected(err);
  }
  r.pid = static_cast<pid_t>(pid);
  if (j.contains("vnc_port") && !take(j, "vnc_port", &r.vncPort, &err)) {
    return unexpected(err);  // absent in records of older xends: no VNC known
  }
  if (j.contains("vnc_tls") && !take(j, "vnc_tls", &r.vncTls, &err)) {
    return unexpected(err);  // absent: plain VNC
  }
  if (auto st = j.find("startup"); st != j.end()) {  // informational; absent in older records
    if (!st->is_object() || !take(*st, "exec_ms", &r.startup.execMs, &err) ||
        !take(*st, "ready_ms", &r.startup.readyMs, &err) ||
        !take(*st, "cont_ms", &r.startup.contMs, &err)) {
      return unexpected(err.empty() ? std::string("vm.json: 'startup' is not an object.") : err);
    }
  }
  auto cfg = j.find("config");
  if (cfg == j.end() || !cfg->is_object()) {
    return unexpected(std::string("vm.json: missing 'config'."));
  }
  r.config = *cfg;
  return r;
}

Expected<Ok, std::string> writeFileAtomic(const std::string& path, const std::string& data) {
  std::string tmp = path + ".tmp";
  UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (!fd) {
    return unexpected(fmt::format("Cannot create {}: {}.", tmp, std::strerror(errno)));
  }
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd.get(), data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      int e = errno;
      ::unlink(tmp.c_str());
      return unexpected(fmt::format("Cannot write {}: {}.", tmp, std::strerror(e)));
    }
    off += static_cast<size_t>(n);
  }
  if (::fsync(fd.get()) != 0 || ::rename(tmp.c_str(), path.c_str()) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    return unexpected(fmt::format("Cannot write {}: {}.", path, std::strerror(e)));
  }
  return Ok{};
}

Expected<std::string, std::string> readSmallFile(const std::string& path, size_t maxBytes) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    return unexpected(fmt::format("Cannot open {}: {}.", path, std::strerror(errno)));
  }
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return unexpected(fmt::format("Cannot read {}: {}.", path, std::strerror(errno)));
    }
    if (n == 0) {
      return out;
    }
    if (out.size() + static_cast<size_t>(n) > maxBytes) {
      return unexpected(fmt::format("{} is larger than {} bytes.", path, maxBytes));
    }
    out.append(buf, static_cast<size_t>(n));
  }
}

Expected<Ok, std::string> saveVmRecord(const std::string& path, const VmRecord& r) {
  return writeFileAtomic(path, vmRecordToJson(r).dump(2) + "\n");
}

Expected<VmRecord, std::string> loadVmRecord(const std::string& path) {
  auto text = readSmallFile(path);
  if (!text) {
    return unexpected(text.error());
  }
  OJson j = OJson::parse(*text, nullptr, false);
  if (j.is_discarded()) {
    return unexpected(fmt::format("{}: not valid JSON.", path));
  }
  auto r = vmRecordFromJson(j);
  if (!r) {
    return unexpected(path + ": " + r.error());
  }
  return r;
}

}  // namespace xenia::xend
