// xend-config.sxp -> XendOptions. One table lists every option xend 4.0-4.4
// knew (XendOptions.py) and Xenia's own, with its kind and xend's default as
// `xm info -c` printed it; values are checked the way xend's get_config_bool /
// get_config_int would, but at load time and naming file:line.
#include "xend/model/options.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>

namespace xenia::xend {
namespace {

enum class Kind { kString, kBool, kInt, kAny };

struct Spec {
  const char* key;
  Kind kind;
  const char* shown;  // xend's default as printed; nullptr = computed
  std::function<void(XendOptions&, const std::string&)> set;  // may be empty
};

bool parseInt64(const std::string& s, int64_t* out) {
  // Python's int(): surrounding whitespace and a sign are fine, nothing else.
  size_t b = s.find_first_not_of(" \t\n\r\f\v");
  size_t e = s.find_last_not_of(" \t\n\r\f\v");
  if (b == std::string::npos) {
    return false;
  }
  std::string t = s.substr(b, e - b + 1);
  size_t digits = (t[0] == '-' || t[0] == '+') ? 1 : 0;
  if (digits == t.size() || !std::all_of(t.begin() + static_cast<long>(digits), t.end(),
                                         [](char c) { return c >= '0' && c <= '9'; })) {
    return false;
  }
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(t.c_str(), &end, 10);
  if (errno == ERANGE || *end != '\0') {
    return false;
  }
  *out = v;
  return true;
}

// The setters convert already-validated text.
int64_t toInt(const std::string& s) {
  int64_t v = 0;
  parseInt64(s, &v);
  return v;
}
bool toBool(const std::string& s) { return config::xendBool(s).value_or(false); }
std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

const std::vector<Spec>& specs() {
  static const std::vector<Spec> kSpecs = {
      // xend's own options (X40/X44 XendOptions.py), defaults as xend had them.
      {"console-limit", Kind::kInt, "1024",
       [](XendOptions& o, const std::string& v) { o.consoleLimitKiB = toInt(v); }},
      {"device-create-timeout", Kind::kInt, "100", {}},
      {"device-destroy-timeout", Kind::kInt, "100", {}},
      {"dom0-cpus", Kind::kInt, "0",
       [](XendOptions& o, const std::string& v) { o.dom0Cpus = static_cast<int>(toInt(v)); }},
      {"dom0-min-mem", Kind::kInt, "0",
       [](XendOptions& o, const std::string& v) { o.dom0MinMem = toInt(v); }},
      {"enable-dom0-ballooning", Kind::kBool, nullptr,
       [](XendOptions& o, const std::string& v) { o.enableDom0Ballooning = toBool(v); }},
      {"enable-dump", Kind::kBool, "no",
       [](XendOptions& o, const std::string& v) { o.enableDump = toBool(v); }},
      {"external-migration-tool", Kind::kString, "", {}},
      {"keymap", Kind::kString, "None", [](XendOptions& o, const std::string& v) { o.keymap = v; }},
      {"logfile", Kind::kString, "/var/log/xen/xend.log",
       [](XendOptions& o, const std::string& v) { o.logfile = v; }},
      {"loglevel", Kind::kString, "DEBUG",
       [](XendOptions& o, const std::string& v) { o.loglevel = upper(v); }},
      {"network-script", Kind::kString, "None",
       [](XendOptions& o, const std::string& v) { o.networkScript = v; }},
      {"pci-passthrough-strict-check", Kind::kBool, "True", {}},
      {"pscsi-device-mask", Kind::kAny, "(*)", {}},
      {"qemu-dm-logrotate-count", Kind::kInt, "10", {}},
      {"resource-label-change-script", Kind::kString, "None", {}},
      {"total_available_memory", Kind::kInt, "0", {}},
      {"vif-script", Kind::kString, "vif-bridge",
       [](XendOptions& o, const std::string& v) { o.vifScript = v; }},
      {"vnc-listen", Kind::kString, "127.0.0.1",
       [](XendOptions& o, const std::string& v) { o.vncListen = v; }},
      // xend tested these as Python strings, so "(vnc-tls 0)" turned TLS on;
      // Xenia reads them as booleans and refuses anything else.
      {"vnc-tls", Kind::kBool, "0",
       [](XendOptions& o, const std::string& v) { o.vncTls = toBool(v); }},
      {"vnc-x509-cert-dir", Kind::kString, "/etc/xen/vnc",
       [](XendOptions& o, const std::string& v) {
         o.vncX509CertDir = v.find('/') == std::string::npos ? "/etc/xen/" + v : v;
       }},
      {"vnc-x509-verify", Kind::kBool, "0",
       [](XendOptions& o, const std::string& v) { o.vncX509Verify = toBool(v); }},
      {"vncpasswd", Kind::kString, "None",
       [](XendOptions& o, const std::string& v) { o.vncpasswd = v; }},
      {"xen-api-server", Kind::kAny, "((unix))", {}},
      {"xend-address", Kind::kString, "", {}},
      {"xend-domains-path", Kind::kString, "/var/lib/xend/domains",
       [](XendOptions& o, const std::string& v) { o.domainsPath = v; }},
      {"xend-http-server", Kind::kBool, "no", {}},
      {"xend-port", Kind::kInt, "8000", {}},
      {"xend-relocation-address", Kind::kString, "", {}},
      {"xend-relocation-hosts-allow", Kind::kString, "", {}},
      {"xend-relocation-port", Kind::kInt, "8002", {}},
      {"xend-relocation-server", Kind::kBool, "no", {}},
      {"xend-relocation-server-ssl-cert-file", Kind::kString, "None", {}},
      {"xend-relocation-server-ssl-key-file", Kind::kString, "None", {}},
      {"xend-relocation-ssl", Kind::kBool, "no", {}},
      {"xend-relocation-ssl-port", Kind::kInt, "8003", {}},
      {"xend-relocation-ssl-server", Kind::kBool, "no", {}},
      {"xend-security-path", Kind::kString, "/var/lib/xend/security", {}},
      {"xend-state-path", Kind::kString, "/var/lib/xend/state",
       [](XendOptions& o, const std::string& v) {
         // We keep our state (next-domid) in its parent, beside domains/.
         std::string p = v;
         while (p.size() > 1 && p.back() == '/') {
           p.pop_back();
         }
         size_t slash = p.rfind('/');
         o.statePath = slash == std::string::npos ? "." : slash == 0 ? "/" : p.substr(0, slash);
       }},
      {"xend-storage-path", Kind::kString, "/var/lib/xend/storage", {}},
      {"xend-tcp-xmlrpc-server", Kind::kBool, "no", {}},
      {"xend-tcp-xmlrpc-server-address", Kind::kString, "localhost", {}},
      {"xend-tcp-xmlrpc-server-port", Kind::kInt, "8006", {}},
      {"xend-tcp-xmlrpc-server-ssl-cert-file", Kind::kString, "None", {}},
      {"xend-tcp-xmlrpc-server-ssl-key-file", Kind::kString, "None", {}},
      {"xend-udev-event-server", Kind::kBool, "no", {}},
      {"xend-unix-path", Kind::kString, "/var/lib/xend/xend-socket", {}},
      {"xend-unix-server", Kind::kBool, "no", {}},
      {"xend-unix-xmlrpc-server", Kind::kBool, "yes", {}},
      {"xsm_module_name", Kind::kString, "dummy", {}},
      // Xenia's own options.
      {"qemu-binary", Kind::kString, "/usr/bin/qemu-system-x86_64",
       [](XendOptions& o, const std::string& v) { o.qemuBinary = v; }},
      {"qemu-user", Kind::kString, "nobody",
       [](XendOptions& o, const std::string& v) { o.qemuUser = v; }},
      {"xenia-early-console", Kind::kBool, "yes",
       [](XendOptions& o, const std::string& v) { o.earlyConsole = toBool(v); }},
      {"xend-accel", Kind::kString, "auto",
       [](XendOptions& o, const std::string& v) { o.accel = v; }},
      {"xend-auto-path", Kind::kString, "/etc/xen/auto",
       [](XendOptions& o, const std::string& v) { o.autoDir = v; }},
      {"xend-dump-path", Kind::kString, "/var/lib/xen/dump",
       [](XendOptions& o, const std::string& v) { o.dumpDir = v; }},
      {"xend-log-dir", Kind::kString, "/var/log/xen",
       [](XendOptions& o, const std::string& v) { o.logDir = v; }},
      {"xend-run-path", Kind::kString, "/var/run/xend",
       [](XendOptions& o, const std::string& v) { o.runPath = v; }},
      {"xenstored-socket", Kind::kString, "",
       [](XendOptions& o, const std::string& v) { o.xenstoredSocket = v; }},
      {"xenstored-start", Kind::kBool, "yes",
       [](XendOptions& o, const std::string& v) { o.startXenstored = toBool(v); }},
  };
  return kSpecs;
}

const Spec* findSpec(const std::string& key) {
  for (const Spec& s : specs()) {
    if (key == s.key) {
      return &s;
    }
  }
  return nullptr;
}

std::string where(const config::XendConfig& cfg, const config::XendConfigEntry& e) {
  return (cfg.path.empty() ? std::string("xend-config.sxp") : cfg.path) + ":" +
         std::to_string(e.line);
}

std::string quoted(const std::string& s) { return "'" + s + "'"; }

// The checks xend made lazily (or never) on values it understood.
std::optional<std::string> checkValue(const std::string& key, const std::string& v) {
  auto oneOf = [&](std::initializer_list<const char*> allowed) -> std::optional<std::string> {
    std::string list;
    for (const char* a : allowed) {
      if (v == a) {
        return std::nullopt;
      }
      list += list.empty() ? a : std::string(", ") + a;
    }
    return "expected one of " + list + ", got " + quoted(v);
  };
  if (key == "loglevel") {
    // Python's logging level names; accepted in any case.
    for (const char* level : {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}) {
      if (upper(v) == level) {
        return std::nullopt;
      }
    }
    return oneOf({"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"});
  }
  if (key == "xend-accel") {
    return oneOf({"auto", "kvm", "tcg"});
  }
  if (key == "dom0-min-mem" || key == "dom0-cpus" || key == "total_available_memory") {
    if (toInt(v) < 0) {
      return "must not be negative, got " + v;
    }
  }
  if (key == "console-limit" && toInt(v) <= 0) {
    return "must be a positive number of KiB, got " + v;
  }
  if ((key == "dom0-cpus" && toInt(v) > 4096) || (key == "console-limit" && toInt(v) > (1 << 30))) {
    return "is out of range: " + v;
  }
  if ((key == "xend-port" || key == "xend-relocation-port" || key == "xend-relocation-ssl-port" ||
       key == "xend-tcp-xmlrpc-server-port") &&
      (toInt(v) < 0 || toInt(v) > 65535)) {
    return "expected a TCP port (0-65535), got " + v;
  }
  if ((key == "xend-run-path" || key == "xend-log-dir" || key == "xend-domains-path" ||
       key == "xend-state-path" || key == "xend-dump-path" || key == "xend-auto-path" ||
       key == "qemu-binary") &&
      (v.empty() || v[0] != '/')) {
    return "expected an absolute path, got " + quoted(v);
  }
  return std::nullopt;
}

}  // namespace

XendOptions defaultXendOptions() {
  auto opts = loadXendOptions(config::XendConfig{});
  return std::move(opts).value();  // defaults always load
}

Expected<XendOptions, std::string> loadXendOptions(const config::XendConfig& cfg) {
  XendOptions o;
  o.configPath = cfg.path;
  std::map<std::string, std::string> shown;
  for (const Spec& s : specs()) {
    const config::XendConfigEntry* e = cfg.find(s.key);
    const config::Sexp* value = e ? e->value() : nullptr;
    if (value == nullptr) {
      // Absent, or "(key)" with no value: xend's child_value gives the default.
      if (s.shown != nullptr) {
        shown[s.key] = s.shown;
      }
      continue;
    }
    std::string text;
    if (value->isList) {
      if (s.kind != Kind::kAny) {
        return unexpected(where(cfg, *e) + ": " + s.key + ": expected a single value, got " +
                          config::writeSxp(*value));
      }
      text = config::writeSxp(*value);
    } else {
      text = value->atom;
    }
    if (s.kind == Kind::kBool && !config::xendBool(text)) {
      return unexpected(where(cfg, *e) + ": " + s.key +
                        ": expected a boolean (yes/no, on/off, true/false, 1/0), got " +
                        quoted(text));
    }
    int64_t n = 0;
    if (s.kind == Kind::kInt && !parseInt64(text, &n)) {
      return unexpected(where(cfg, *e) + ": " + s.key + ": expected an integer, got " +
                        quoted(text));
    }
    if (auto bad = checkValue(s.key, text)) {
      return unexpected(where(cfg, *e) + ": " + s.key + ": " + *bad);
    }
    if (s.set) {
      s.set(o, text);
    }
    shown[s.key] = text;
  }
  // xend: ballooning defaults to on exactly when dom0-min-mem is set.
  if (cfg.find("enable-dom0-ballooning") == nullptr ||
      cfg.find("enable-dom0-ballooning")->value() == nullptr) {
    o.enableDom0Ballooning = o.dom0MinMem != 0;
    shown["enable-dom0-ballooning"] = o.enableDom0Ballooning ? "yes" : "no";
  }
  // Unknown keys: xend ignored them; we list them so typos are visible.
  for (const config::XendConfigEntry& e : cfg.entries) {
    if (findSpec(e.key) != nullptr || shown.count(e.key) != 0) {
      continue;
    }
    const config::Sexp* value = e.value();
    shown[e.key] = value == nullptr ? "(none)"
                   : value->isList  ? config::writeSxp(*value)
                                    : value->atom;
  }
  o.all.assign(shown.begin(), shown.end());
  return o;
}

Expected<XendOptions, std::string> loadXendOptionsFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return unexpected("cannot read xend config file " + path + ": " + std::strerror(errno));
  }
  // Bounded: xend-config.sxp is a few KiB; refuse anything absurd.
  constexpr size_t kMaxBytes = 4u << 20;
  std::string text;
  char buf[8192];
  while (text.size() <= kMaxBytes && in.read(buf, sizeof buf).gcount() > 0) {
    text.append(buf, static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) {
    return unexpected("cannot read xend config file " + path + ": " + std::strerror(errno));
  }
  if (text.size() > kMaxBytes) {
    return unexpected("xend config file " + path + " is larger than 4 MiB");
  }
  auto cfg = config::parseXendConfig(text, path);
  if (!cfg) {
    return unexpected(cfg.error().format());
  }
  return loadXendOptions(*cfg);
}

}  // namespace xenia::xend
