// Parsing of nbd: and iscsi: disk targets; see disk_targets.h.
#include "qemu/argv/disk_targets.h"

#include <fmt/format.h>

namespace xenia::qemu::detail {
namespace {

bool startsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

}  // namespace

// nbd: targets: "host port" (Xen's block-nbd), "host:port", "[v6addr]:port",
// "unix:/path".
Expected<Json, std::string> nbdServer(const std::string& target) {
  if (startsWith(target, "unix:")) {
    std::string path = target.substr(5);
    if (path.empty() || path.size() > 107) {
      return unexpected(std::string("The nbd unix socket path is empty or too long."));
    }
    return Json{{"type", "unix"}, {"path", path}};
  }
  std::string host;
  std::string port;
  size_t sp = target.find(' ');
  size_t colon = target.rfind(':');
  if (sp != std::string::npos) {
    host = target.substr(0, sp);
    port = target.substr(sp + 1);
  } else if (colon != std::string::npos) {
    host = target.substr(0, colon);
    port = target.substr(colon + 1);
  }
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  bool digits = !port.empty() && port.size() <= 5;
  for (char ch : port) {
    digits = digits && ch >= '0' && ch <= '9';
  }
  if (host.empty() || !digits || std::stoi(port) == 0 || std::stoi(port) > 65535) {
    return unexpected(fmt::format(
        "The nbd target '{}' is not 'host port', 'host:port' or 'unix:/path'.", target));
  }
  return Json{{"type", "inet"}, {"host", host}, {"port", port}};
}

// iscsi: targets in block-iscsi's form, "iqn=<iqn>,portal=<host[:port]>"
// plus our optional "lun=<n>" (block-iscsi always uses LUN 0).
Expected<Json, std::string> iscsiNode(const std::string& target) {
  std::string iqn;
  std::string portal;
  int lun = 0;
  size_t start = 0;
  while (start <= target.size()) {
    size_t comma = target.find(',', start);
    std::string item = target.substr(start, comma == std::string::npos ? std::string::npos
                                                                        : comma - start);
    size_t eq = item.find('=');
    std::string key = item.substr(0, eq);
    std::string value = eq == std::string::npos ? "" : item.substr(eq + 1);
    if (key == "iqn") {
      iqn = value;
    } else if (key == "portal") {
      portal = value;
    } else if (key == "lun" && !value.empty() && value.size() < 6 &&
               value.find_first_not_of("0123456789") == std::string::npos) {
      lun = std::stoi(value);
    } else if (key == "multipath" && value == "n") {
      // QEMU's initiator uses one path, which is what multipath=n means.
    } else {
      return unexpected(fmt::format("The iscsi target item '{}' is not understood; expected "
                                    "iqn=, portal=, lun= (and multipath=n).",
                                    item));
    }
    if (comma == std::string::npos) {
      break;
    }
    start = comma + 1;
  }
  if (iqn.empty() || portal.empty()) {
    return unexpected(std::string("An iscsi target needs iqn= and portal=."));
  }
  return Json{{"driver", "iscsi"}, {"transport", "tcp"}, {"portal", portal},
              {"target", iqn},     {"lun", lun}};
}

}  // namespace xenia::qemu::detail
