// xm network-list text; every field is checked for its type first so a
// malformed answer is an error, not a crash.
#include "xm/format_network.h"

#include <fmt/format.h>

namespace xenia::xm {
namespace {

bool sxpAtomNeedsQuotes(const std::string& s) {
  if (s.empty()) {
    return true;
  }
  for (char c : s) {
    if (c == ' ' || c == '(' || c == ')' || c == '\'' || c == '"' || c == '\\') {
      return true;
    }
  }
  return false;
}

std::string atom(const std::string& s) {
  if (!sxpAtomNeedsQuotes(s)) {
    return s;
  }
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') {
      out += '\\';
    }
    out += c;
  }
  return out + "'";
}

}  // namespace

Expected<std::string, std::string> formatNetworkList(const xend::Json& result, bool longForm) {
  if (!result.is_array()) {
    return unexpected(std::string("network list is not an array"));
  }
  std::string out;
  if (!longForm) {
    out += "Idx BE     MAC Addr.     handle state evt-ch tx-/rx-ring-ref BE-path\n";
  }
  for (const auto& v : result) {
    if (!v.is_object() || !v.contains("idx") || !v["idx"].is_number_integer() ||
        !v.contains("mac") || !v["mac"].is_string() || !v.contains("be-path") ||
        !v["be-path"].is_string()) {
      return unexpected(std::string("malformed vif entry"));
    }
    int idx = v["idx"].get<int>();
    int be = v.value("backend-id", 0);
    int handle = v.value("handle", idx);
    int state = v.value("state", 4);
    std::string mac = v["mac"].get<std::string>();
    std::string path = v["be-path"].get<std::string>();
    if (!longForm) {
      out += fmt::format("{:<3} {:<3}{:<17}    {:<3}   {:<3}    {:<3}   {:<5}/{:<5}   {:<30}  \n",
                         idx, be, mac, handle, state, -1, -1, -1, path);
      continue;
    }
    out += fmt::format("({} ((backend-id {}) (mac {}) (handle {}) (state {}) (backend {})", idx,
                       be, atom(mac), handle, state, atom(path));
    for (const char* key : {"vifname", "bridge", "script", "rate", "mode"}) {
      if (v.contains(key) && v[key].is_string() && !v[key].get<std::string>().empty()) {
        out += fmt::format(" ({} {})", key, atom(v[key].get<std::string>()));
      }
    }
    if (v.contains("ip") && v["ip"].is_array() && !v["ip"].empty()) {
      std::string ips;
      for (const auto& ip : v["ip"]) {
        if (ip.is_string()) {
          ips += (ips.empty() ? "" : " ") + ip.get<std::string>();
        }
      }
      out += fmt::format(" (ip {})", atom(ips));
    }
    out += "))\n";
  }
  return out;
}

}  // namespace xenia::xm
