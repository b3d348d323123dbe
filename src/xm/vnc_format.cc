// xm's VNC records and the vnc-list table (vnc_format.h).
#include "xm/vnc_format.h"

#include <fmt/format.h>

namespace xenia::xm {

Expected<std::vector<VncRow>, std::string> vncRowsFromResult(const xend::Json& result) {
  auto it = result.find("domains");
  if (it == result.end() || !it->is_array()) {
    return unexpected(std::string("no 'domains' list"));
  }
  std::vector<VncRow> rows;
  for (const auto& j : *it) {
    if (!j.is_object() || !j.contains("name") || !j["name"].is_string()) {
      return unexpected(std::string("a record without a name"));
    }
    VncRow r;
    r.name = j["name"].get<std::string>();
    if (j.contains("domid") && j["domid"].is_number_integer()) {
      r.domid = j["domid"].get<int64_t>();
    }
    if (j.contains("port") && j["port"].is_number_integer()) {
      r.port = j["port"].get<int64_t>();
      if (!j.contains("host") || !j["host"].is_string()) {
        return unexpected("no host for " + r.name);
      }
      r.host = j["host"].get<std::string>();
    }
    if (j.contains("keymap") && j["keymap"].is_string()) {
      r.keymap = j["keymap"].get<std::string>();
    }
    r.passwordSet = j.value("password_set", false);
    if (j.contains("tls") && j["tls"].is_string()) {
      r.tls = j["tls"].get<std::string>();
    }
    if (j.contains("password") && j["password"].is_string()) {
      r.password = j["password"].get<std::string>();
    }
    rows.push_back(std::move(r));
  }
  return rows;
}

std::string vncAddress(const VncRow& r) {
  if (!r.port) {
    return "";
  }
  bool v6 = r.host.find(':') != std::string::npos && r.host.front() != '[';
  return v6 ? fmt::format("[{}]:{}", r.host, *r.port) : fmt::format("{}:{}", r.host, *r.port);
}

std::string formatVncList(const std::vector<VncRow>& rows) {
  std::string out = fmt::format("{:<40} {:>5} {:>7} {:<21} {}\n", "Name", "ID", "Display",
                                "Address", "Auth");
  for (const VncRow& r : rows) {
    std::string id = r.domid ? std::to_string(*r.domid) : "";
    if (!r.port) {
      out += fmt::format("{:<40} {:>5} {:>7} {:<21} {}\n", r.name, id, "-", "-", "-");
      continue;
    }
    std::string auth = r.passwordSet ? "vnc" : "none";
    if (!r.tls.empty()) {
      auth += r.tls == "x509verify" ? "+tls-verify" : "+tls";
    }
    out += fmt::format("{:<40} {:>5} {:>7} {:<21} {}\n", r.name, id,
                       fmt::format(":{}", *r.port - 5900), vncAddress(r), auth);
  }
  return out;
}

}  // namespace xenia::xm
