// QMP command builders (argument names from QEMU 7.2's qapi/*.json).
#include "qemu/qmp/commands.h"

namespace xenia::qmp::cmd {

using nlohmann::json;

namespace {
Command make(std::string name, json args = json::object()) {
  Command c;
  c.name = std::move(name);
  c.args = std::move(args);
  return c;
}

// props may not override the keys the builder owns.
json merged(json props, const char* k1, const std::string& v1, const char* k2,
            const std::string& v2) {
  json out = props.is_object() ? std::move(props) : json::object();
  out[k1] = v1;
  out[k2] = v2;
  return out;
}
}  // namespace

Command queryStatus() { return make("query-status"); }
Command cont() { return make("cont"); }
Command stop() { return make("stop"); }
Command systemPowerdown() { return make("system_powerdown"); }
Command systemReset() { return make("system_reset"); }
Command quit() { return make("quit"); }
Command injectNmi() { return make("inject-nmi"); }
Command queryCpusFast() { return make("query-cpus-fast"); }

Command balloon(int64_t bytes) { return make("balloon", {{"value", bytes}}); }
Command queryBalloon() { return make("query-balloon"); }

Command deviceAdd(const std::string& driver, const std::string& id, const json& props) {
  return make("device_add", merged(props, "driver", driver, "id", id));
}
Command deviceDel(const std::string& id) { return make("device_del", {{"id", id}}); }

Command netdevAdd(const std::string& type, const std::string& id, const json& props) {
  return make("netdev_add", merged(props, "type", type, "id", id));
}
Command netdevDel(const std::string& id) { return make("netdev_del", {{"id", id}}); }

Command blockdevAdd(const json& options) { return make("blockdev-add", options); }
Command blockdevDel(const std::string& nodeName) {
  return make("blockdev-del", {{"node-name", nodeName}});
}

Command blockdevChangeMedium(const std::string& id, const std::string& filename,
                             const std::optional<std::string>& format, bool readOnly) {
  json a = {{"id", id}, {"filename", filename}};
  if (format) {
    a["format"] = *format;
  }
  if (readOnly) {
    a["read-only-mode"] = "read-only";
  }
  return make("blockdev-change-medium", std::move(a));
}

Command eject(const std::string& id, bool force) {
  json a = {{"id", id}};
  if (force) {
    a["force"] = true;
  }
  return make("eject", std::move(a));
}

Command blockResize(const std::string& nodeName, int64_t bytes) {
  return make("block_resize", {{"node-name", nodeName}, {"size", bytes}});
}

Command sendKey(const std::vector<std::string>& keys, std::optional<int64_t> holdTimeMs) {
  json list = json::array();
  for (const auto& k : keys) {
    list.push_back({{"type", "qcode"}, {"data", k}});
  }
  json a = {{"keys", std::move(list)}};
  if (holdTimeMs) {
    a["hold-time"] = *holdTimeMs;
  }
  return make("send-key", std::move(a));
}

Command humanMonitorCommand(const std::string& commandLine) {
  return make("human-monitor-command", {{"command-line", commandLine}});
}

Command queryVnc() { return make("query-vnc"); }

Command dumpGuestMemory(const std::string& protocol, bool paging, bool detach,
                        const std::optional<std::string>& format) {
  json a = {{"paging", paging}, {"protocol", protocol}};
  if (detach) {
    a["detach"] = true;
  }
  if (format) {
    a["format"] = *format;
  }
  return make("dump-guest-memory", std::move(a));
}

Command migrate(const std::string& uri) { return make("migrate", {{"uri", uri}}); }
Command queryMigrate() { return make("query-migrate"); }
Command migrateCancel() { return make("migrate_cancel"); }

Command getfd(const std::string& name, UniqueFd fd) {
  Command c = make("getfd", {{"fdname", name}});
  c.fd = std::move(fd);
  return c;
}

Command closefd(const std::string& name) { return make("closefd", {{"fdname", name}}); }

Command addFd(UniqueFd fd, std::optional<int64_t> fdsetId,
              const std::optional<std::string>& opaque) {
  json a = json::object();
  if (fdsetId) {
    a["fdset-id"] = *fdsetId;
  }
  if (opaque) {
    a["opaque"] = *opaque;
  }
  Command c = make("add-fd", std::move(a));
  c.fd = std::move(fd);
  return c;
}

}  // namespace xenia::qmp::cmd
