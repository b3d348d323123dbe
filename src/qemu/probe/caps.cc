// Parsers for QEMU 7.2's help output (formats from qdev-monitor.c
// qdev_print_devinfo, vl.c machine_help_func, target/i386/cpu.c
// x86_cpu_list) and the acceptance-run verdicts.
#include "qemu/probe/caps.h"

#include <fmt/format.h>

#include <regex>

namespace xenia::probe {

using nlohmann::json;

namespace {

std::vector<std::string_view> splitLines(std::string_view text) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view l = text.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
    if (!l.empty() && l.back() == '\r') {
      l.remove_suffix(1);
    }
    out.push_back(l);
    if (nl == std::string_view::npos) {
      break;
    }
    pos = nl + 1;
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

bool startsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool endsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

// One `key "quoted"` or `key bare` field list of a -device help line.
std::map<std::string, std::string> deviceFields(std::string_view line, bool& noUser) {
  std::map<std::string, std::string> f;
  noUser = false;
  size_t i = 0;
  while (i < line.size()) {
    size_t keyEnd = line.find_first_of(" ,", i);
    std::string key(line.substr(i, keyEnd == std::string_view::npos ? keyEnd : keyEnd - i));
    i = keyEnd == std::string_view::npos ? line.size() : keyEnd;
    std::string value;
    if (i < line.size() && line[i] == ' ') {
      ++i;
      if (i < line.size() && line[i] == '"') {
        size_t close = line.find('"', i + 1);
        if (close == std::string_view::npos) {
          close = line.size();
        }
        value = std::string(line.substr(i + 1, close - i - 1));
        i = close + 1;
      } else {
        size_t end = line.find(',', i);
        value = std::string(line.substr(i, end == std::string_view::npos ? end : end - i));
        i = end == std::string_view::npos ? line.size() : end;
      }
    }
    if (key == "no-user") {
      noUser = true;
    } else if (!key.empty()) {
      f.emplace(key, value);
    }
    while (i < line.size() && (line[i] == ',' || line[i] == ' ')) {
      ++i;
    }
  }
  return f;
}

bool validName(std::string_view n) {
  if (n.empty() || n.size() > 128) {
    return false;
  }
  for (char c : n) {
    if (c <= ' ' || c == '"' || c == ',' || static_cast<unsigned char>(c) >= 0x7f) {
      return false;
    }
  }
  return true;
}

}  // namespace

Expected<qmp::Version, std::string> parseVersionOutput(std::string_view text) {
  static const std::regex re(R"(QEMU emulator version (\d+)\.(\d+)\.(\d+)(?: \(([^)\n]*)\))?)");
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_search(text.begin(), text.end(), m, re)) {
    return unexpected(std::string("The --version output names no QEMU emulator version."));
  }
  qmp::Version v;
  try {
    v.major = std::stoi(m[1].str());
    v.minor = std::stoi(m[2].str());
    v.micro = std::stoi(m[3].str());
  } catch (const std::exception&) {
    return unexpected(std::string("The --version output has an out-of-range version number."));
  }
  v.package = m[4].matched ? m[4].str() : "";
  return v;
}

Expected<DeviceList, std::string> parseDeviceHelp(std::string_view text) {
  DeviceList d;
  for (std::string_view line : splitLines(text)) {
    if (!startsWith(line, "name \"")) {
      continue;  // category headings and blank lines
    }
    bool noUser;
    auto f = deviceFields(line, noUser);
    const std::string& name = f["name"];
    if (!validName(name)) {
      return unexpected(fmt::format("-device help has a line without a valid name: {}", line));
    }
    if (noUser) {
      continue;
    }
    d.names.insert(name);
    if (auto it = f.find("alias"); it != f.end() && validName(it->second)) {
      d.aliases[it->second] = name;
    }
  }
  if (d.names.empty()) {
    return unexpected(std::string("-device help listed no devices."));
  }
  return d;
}

Expected<MachineList, std::string> parseMachineHelp(std::string_view text) {
  MachineList ml;
  bool header = false;
  static const std::regex aliasRe(R"(\(alias of ([^)\s]+)\))");
  for (std::string_view line : splitLines(text)) {
    if (!header) {
      header = startsWith(line, "Supported machines are:");
      continue;
    }
    line = trim(line);
    if (line.empty()) {
      continue;
    }
    size_t sp = line.find(' ');
    std::string name(line.substr(0, sp));
    std::string_view rest = sp == std::string_view::npos ? "" : line.substr(sp);
    if (!validName(name)) {
      return unexpected(fmt::format("-machine help has a line without a valid name: {}", line));
    }
    std::match_results<std::string_view::const_iterator> m;
    if (std::regex_search(rest.begin(), rest.end(), m, aliasRe)) {
      ml.aliases[name] = m[1].str();
      continue;
    }
    ml.names.insert(name);
    std::string_view flags = rest;
    if (endsWith(flags, " (deprecated)")) {
      flags.remove_suffix(13);
    }
    if (endsWith(flags, " (default)")) {
      ml.defaultMachine = name;
    }
  }
  if (!header) {
    return unexpected(std::string("-machine help lacks its \"Supported machines are:\" heading."));
  }
  if (ml.names.empty()) {
    return unexpected(std::string("-machine help listed no machines."));
  }
  return ml;
}

Expected<CpuList, std::string> parseCpuHelp(std::string_view text) {
  CpuList c;
  enum { kBefore, kModels, kFlags } part = kBefore;
  for (std::string_view line : splitLines(text)) {
    if (startsWith(line, "Available CPUs:")) {
      part = kModels;
      continue;
    }
    if (startsWith(line, "Recognized CPUID flags:")) {
      part = kFlags;
      continue;
    }
    if (part == kModels && startsWith(line, "x86 ")) {
      std::string_view rest = trim(line.substr(4));
      std::string name(rest.substr(0, rest.find(' ')));
      if (!validName(name)) {
        return unexpected(fmt::format("-cpu help has a line without a valid model: {}", line));
      }
      c.models.insert(name);
    } else if (part == kFlags) {
      std::string_view rest = trim(line);
      while (!rest.empty()) {
        size_t sp = rest.find(' ');
        std::string flag(rest.substr(0, sp));
        if (validName(flag)) {
          c.flags.insert(flag);
        }
        rest = sp == std::string_view::npos ? "" : trim(rest.substr(sp));
      }
    }
  }
  if (c.models.empty()) {
    return unexpected(std::string("-cpu help listed no x86 CPU models."));
  }
  return c;
}

FeatureVerdict judgeSandboxRun(bool exited, int exitCode, std::string_view out,
                               std::string_view err) {
  bool greeted = out.find("\"QMP\"") != std::string_view::npos;
  if (exited && exitCode == 0 && greeted) {
    return {true, "QEMU started and quit with -sandbox on."};
  }
  std::string firstErr(err.substr(0, std::min(err.find('\n'), size_t(200))));
  if (err.find("sandbox") != std::string_view::npos ||
      err.find("seccomp") != std::string_view::npos) {
    return {false, "QEMU refused -sandbox on: " + firstErr};
  }
  return {false, fmt::format("QEMU with -sandbox on did not start and quit cleanly ({}{}).",
                             exited ? fmt::format("exit status {}", exitCode) : "no clean exit",
                             firstErr.empty() ? "" : ": " + firstErr)};
}

FeatureVerdict judgeIscsiRun(std::string_view err) {
  if (err.find("Unknown transport") != std::string_view::npos) {
    return {true, "The iscsi block driver loaded (it rejected the probe's invalid transport)."};
  }
  if (err.find("Unknown driver") != std::string_view::npos ||
      err.find("does not accept value") != std::string_view::npos) {
    return {false, "QEMU has no iscsi block driver (not built with libiscsi, or the "
                   "qemu-block-extra module is missing)."};
  }
  std::string firstErr(err.substr(0, std::min(err.find('\n'), size_t(200))));
  return {false, "The iscsi probe gave an unrecognised answer: " + firstErr};
}

json capsToJson(const Capabilities& c) {
  return json{{"version",
               {{"major", c.version.major},
                {"minor", c.version.minor},
                {"micro", c.version.micro},
                {"package", c.version.package}}},
              {"devices", c.devices},
              {"deviceAliases", c.deviceAliases},
              {"machines", c.machines},
              {"machineAliases", c.machineAliases},
              {"defaultMachine", c.defaultMachine},
              {"cpuModels", c.cpuModels},
              {"cpuFlags", c.cpuFlags},
              {"sandbox", c.sandbox},
              {"iscsi", c.iscsi},
              {"notes", c.notes}};
}

Expected<Capabilities, std::string> capsFromJson(const json& j) {
  // The cache is ours, but a truncated or hand-edited file must not throw.
  try {
    Capabilities c;
    const json& v = j.at("version");
    c.version.major = v.at("major").get<int>();
    c.version.minor = v.at("minor").get<int>();
    c.version.micro = v.at("micro").get<int>();
    c.version.package = v.at("package").get<std::string>();
    c.devices = j.at("devices").get<std::set<std::string>>();
    c.deviceAliases = j.at("deviceAliases").get<std::map<std::string, std::string>>();
    c.machines = j.at("machines").get<std::set<std::string>>();
    c.machineAliases = j.at("machineAliases").get<std::map<std::string, std::string>>();
    c.defaultMachine = j.at("defaultMachine").get<std::string>();
    c.cpuModels = j.at("cpuModels").get<std::set<std::string>>();
    c.cpuFlags = j.at("cpuFlags").get<std::set<std::string>>();
    c.sandbox = j.at("sandbox").get<bool>();
    c.iscsi = j.at("iscsi").get<bool>();
    c.notes = j.at("notes").get<std::vector<std::string>>();
    return c;
  } catch (const json::exception& e) {
    return unexpected(fmt::format("The capabilities cache entry is malformed: {}", e.what()));
  }
}

}  // namespace xenia::probe
