// VNC policy (vnc.h): effective settings, display choice, key combinations.
#include "xend/model/vnc.h"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <string_view>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace xenia::xend {

namespace {

// xend-config.sxp writes Python's None for "unset".
bool unsetValue(const std::string& v) { return v.empty() || v == "None"; }

// QEMU's QKeyCode names (qapi/ui.json) that xm send-keys accepts as is.
constexpr std::string_view kNamedKeys[] = {
    "shift",     "shift_r",  "alt",        "alt_r",       "ctrl",        "ctrl_r",
    "menu",      "esc",      "minus",      "equal",       "backspace",   "tab",
    "ret",       "semicolon", "apostrophe", "grave_accent", "backslash", "comma",
    "dot",       "slash",    "asterisk",   "spc",         "caps_lock",   "num_lock",
    "scroll_lock", "sysrq",  "home",       "pgup",        "pgdn",        "end",
    "left",      "up",       "down",       "right",       "insert",      "delete",
    "meta_l",    "meta_r",   "pause",      "print",       "power",       "sleep",
    "wake",      "kp_enter", "kp_add",     "kp_subtract", "kp_multiply", "kp_divide",
    "kp_decimal", "kp_0",    "kp_1",       "kp_2",        "kp_3",        "kp_4",
    "kp_5",      "kp_6",     "kp_7",       "kp_8",        "kp_9",        "bracket_left",
    "bracket_right", "less",
};

struct Alias {
  std::string_view name;
  std::string_view qcode;
};
constexpr Alias kAliases[] = {
    {"control", "ctrl"},   {"lctrl", "ctrl"},     {"rctrl", "ctrl_r"},   {"lalt", "alt"},
    {"ralt", "alt_r"},     {"altgr", "alt_r"},    {"lshift", "shift"},   {"rshift", "shift_r"},
    {"del", "delete"},     {"ins", "insert"},     {"escape", "esc"},     {"enter", "ret"},
    {"return", "ret"},     {"space", "spc"},      {"bksp", "backspace"}, {"win", "meta_l"},
    {"super", "meta_l"},   {"meta", "meta_l"},    {"pageup", "pgup"},    {"pagedown", "pgdn"},
    {"prtsc", "print"},    {"printscreen", "print"}, {"break", "pause"},
};

std::optional<std::string> keyCode(std::string k) {
  std::transform(k.begin(), k.end(), k.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (k.size() == 1 && std::isalnum(static_cast<unsigned char>(k[0]))) {
    return k;  // QKeyCode "a".."z", "0".."9"
  }
  if (k.size() >= 2 && k.size() <= 3 && k[0] == 'f' &&
      k.find_first_not_of("0123456789", 1) == std::string::npos) {
    int n = std::stoi(k.substr(1));
    if (n >= 1 && n <= 12) {
      return k;
    }
    return std::nullopt;
  }
  for (const Alias& a : kAliases) {
    if (a.name == k) {
      return std::string(a.qcode);
    }
  }
  if (std::find(std::begin(kNamedKeys), std::end(kNamedKeys), k) != std::end(kNamedKeys)) {
    return k;
  }
  return std::nullopt;
}

}  // namespace

const config::Graphics* vncGraphics(const config::DomainConfig& d) {
  if (d.type == config::GuestType::kHvm) {
    return !d.nographic && d.graphics.vnc ? &d.graphics : nullptr;
  }
  if (!d.vfbs.empty()) {
    return d.vfbs[0].vnc ? &d.vfbs[0] : nullptr;
  }
  return d.graphics.vnc ? &d.graphics : nullptr;
}

config::Graphics* vncGraphics(config::DomainConfig& d) {
  return const_cast<config::Graphics*>(vncGraphics(std::as_const(d)));
}

config::DomainConfig withVncDefaults(const config::DomainConfig& d, const XendOptions& o) {
  config::DomainConfig out = d;
  config::Graphics* g = vncGraphics(out);
  if (!g) {
    return out;
  }
  if (g->vnclisten.empty()) {
    g->vnclisten = unsetValue(o.vncListen) ? "127.0.0.1" : o.vncListen;
  }
  if (!g->vncpasswd && o.vncpasswd && !unsetValue(*o.vncpasswd)) {
    g->vncpasswd = *o.vncpasswd;
  }
  if (g->keymap.empty()) {
    g->keymap = unsetValue(o.keymap) ? "en-us" : o.keymap;
  }
  return out;
}

Expected<int, std::string> chooseVncDisplay(const config::Graphics& g,
                                            const std::function<bool(int)>& portFree) {
  constexpr int kMaxDisplay = 65535 - kVncBasePort;
  if (g.vncdisplay) {
    int d = *g.vncdisplay;
    if (d < 0 || d > kMaxDisplay) {
      return unexpected(fmt::format("VNC display {} gives no valid TCP port.", d));
    }
    if (!portFree(kVncBasePort + d)) {
      return unexpected(fmt::format("VNC display {} (port {}) is in use on this host.", d,
                                    kVncBasePort + d));
    }
    return d;
  }
  if (!g.vncunused) {
    if (!portFree(kVncBasePort)) {
      return unexpected(fmt::format("VNC display 0 (port {}) is in use on this host; set "
                                    "vncunused=1 or another vncdisplay.",
                                    kVncBasePort));
    }
    return 0;
  }
  for (int d = 0; d <= kMaxDisplay; ++d) {
    if (portFree(kVncBasePort + d)) {
      return d;
    }
  }
  return unexpected(std::string("No free VNC display on this host."));
}

Expected<std::vector<std::string>, std::string> parseKeyCombo(const std::string& combo) {
  std::vector<std::string> keys;
  if (combo.empty()) {
    return unexpected(std::string("An empty key combination."));
  }
  // "-" itself is the minus key ("ctrl--" = ctrl and minus).
  size_t start = 0;
  while (start <= combo.size()) {
    size_t dash = combo.find('-', start == combo.size() ? start : start + 1);
    std::string k = combo.substr(start, dash == std::string::npos ? dash : dash - start);
    auto code = k == "-" ? std::optional<std::string>("minus") : keyCode(k);
    if (!code) {
      return unexpected(fmt::format("Unknown key '{}' in '{}'.", k, combo));
    }
    keys.push_back(*code);
    if (dash == std::string::npos) {
      break;
    }
    start = dash + 1;
    if (start == combo.size()) {
      return unexpected(fmt::format("'{}' ends with '-'.", combo));
    }
  }
  if (keys.size() > 16) {
    return unexpected(fmt::format("'{}' presses more than 16 keys at once.", combo));
  }
  return keys;
}

Expected<Ok, std::string> checkVncTls(const XendOptions& o,
                                      const std::function<bool(const std::string&)>& exists) {
  if (!o.vncTls) {
    return Ok{};
  }
  const std::string& dir = o.vncX509CertDir;
  if (!exists(dir)) {
    return unexpected(fmt::format("xend-config.sxp (vnc-tls 1): vnc-x509-cert-dir '{}' does "
                                  "not exist.",
                                  dir));
  }
  std::vector<std::string> missing;
  for (const char* f : kVncX509Files) {
    if (!exists(dir + "/" + f)) {
      missing.push_back(f);
    }
  }
  if (!missing.empty()) {
    return unexpected(fmt::format("xend-config.sxp (vnc-tls 1): vnc-x509-cert-dir '{}' lacks "
                                  "{} (VNC TLS needs {}).",
                                  dir, fmt::join(missing, ", "),
                                  fmt::join(kVncX509Files, ", ")));
  }
  return Ok{};
}

}  // namespace xenia::xend
