// Parsers for QEMU's human-readable help output (the formats of QEMU 7.x) and
// the canonical caps text. Help text is QEMU's, not a user's, but it is still
// parsed defensively: unknown lines are skipped, malformed key lines rejected.
#include "qemu/argv/caps.h"

#include <fmt/format.h>

#include <charconv>

namespace xenia::qemu {
namespace {

std::vector<std::string_view> splitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) {
      nl = text.size();
    }
    std::string_view line = text.substr(start, nl - start);
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    lines.push_back(line);
    start = nl + 1;
  }
  return lines;
}

std::vector<std::string_view> splitWords(std::string_view s) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) {
      ++i;
    }
    size_t j = i;
    while (j < s.size() && s[j] != ' ' && s[j] != '\t') {
      ++j;
    }
    if (j > i) {
      words.push_back(s.substr(i, j - i));
    }
    i = j;
  }
  return words;
}

bool startsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

bool parseInt(std::string_view s, int* out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

// "7.2.22" (micro optional).
bool parseVersionNumber(std::string_view s, QemuVersion* v) {
  std::vector<int> parts;
  size_t start = 0;
  while (start <= s.size()) {
    size_t dot = s.find('.', start);
    std::string_view part = s.substr(start, dot == std::string_view::npos ? s.npos : dot - start);
    int n = 0;
    if (!parseInt(part, &n) || parts.size() == 3) {
      return false;
    }
    parts.push_back(n);
    if (dot == std::string_view::npos) {
      break;
    }
    start = dot + 1;
  }
  if (parts.size() < 2) {
    return false;
  }
  v->major = parts[0];
  v->minor = parts[1];
  v->micro = parts.size() > 2 ? parts[2] : 0;
  return true;
}

// "QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7)".
Expected<QemuVersion, CapsError> parseVersionOutput(std::string_view text) {
  constexpr std::string_view kPrefix = "QEMU emulator version ";
  for (std::string_view line : splitLines(text)) {
    size_t at = line.find(kPrefix);
    if (at == std::string_view::npos) {
      continue;
    }
    std::string_view rest = line.substr(at + kPrefix.size());
    std::vector<std::string_view> w = splitWords(rest);
    QemuVersion v;
    if (!w.empty() && parseVersionNumber(w[0], &v)) {
      return v;
    }
  }
  return unexpected(CapsError{"--version", "No 'QEMU emulator version X.Y.Z' line was found."});
}

// Option lines start in column 0 with '-name'; continuation lines are indented.
void parseHelp(std::string_view text, QemuCaps& caps) {
  for (std::string_view line : splitLines(text)) {
    if (line.size() < 2 || line[0] != '-' || line[1] == '-' || line[1] == ' ') {
      continue;
    }
    size_t end = 1;
    while (end < line.size() && line[end] != ' ' && line[end] != '[' && line[end] != '\t') {
      ++end;
    }
    caps.options.insert(std::string(line.substr(1, end - 1)));
  }
}

// "pc    Standard PC (i440FX + PIIX, 1996) (alias of pc-i440fx-7.2)"
// "pc-i440fx-7.2   Standard PC (i440FX + PIIX, 1996) (default)"
void parseMachineHelp(std::string_view text, QemuCaps& caps) {
  constexpr std::string_view kAlias = "(alias of ";
  for (std::string_view line : splitLines(text)) {
    if (line.empty() || line[0] == ' ' || startsWith(line, "Supported machines")) {
      continue;
    }
    std::vector<std::string_view> w = splitWords(line);
    if (w.empty()) {
      continue;
    }
    std::string name(w[0]);
    size_t a = line.find(kAlias);
    if (a != std::string_view::npos) {
      size_t close = line.find(')', a);
      if (close != std::string_view::npos) {
        std::string target(line.substr(a + kAlias.size(), close - a - kAlias.size()));
        caps.machineAliases[name] = target;
        caps.machines.insert(target);
        if (line.find("(default)") != std::string_view::npos) {
          caps.defaultMachine = target;
        }
        continue;
      }
    }
    caps.machines.insert(name);
    if (line.find("(default)") != std::string_view::npos) {
      caps.defaultMachine = name;
    }
  }
}

// name "virtio-blk-pci", bus PCI, alias "virtio-blk"
std::string_view quotedAfter(std::string_view line, std::string_view key) {
  size_t k = line.find(key);
  if (k == std::string_view::npos) {
    return {};
  }
  size_t open = k + key.size();
  size_t close = line.find('"', open);
  if (close == std::string_view::npos) {
    return {};
  }
  return line.substr(open, close - open);
}

void parseDeviceHelp(std::string_view text, QemuCaps& caps) {
  for (std::string_view line : splitLines(text)) {
    if (!startsWith(line, "name \"")) {
      continue;
    }
    std::string_view name = quotedAfter(line, "name \"");
    if (!name.empty()) {
      caps.devices.insert(std::string(name));
    }
    std::string_view alias = quotedAfter(line, "alias \"");
    if (!alias.empty()) {
      caps.devices.insert(std::string(alias));
    }
  }
}

// "x86 qemu64   QEMU Virtual CPU version 2.5+", then "Recognized CPUID flags:"
// followed by indented word lists.
void parseCpuHelp(std::string_view text, QemuCaps& caps) {
  bool inFlags = false;
  for (std::string_view line : splitLines(text)) {
    if (startsWith(line, "Recognized CPUID flags")) {
      inFlags = true;
      continue;
    }
    if (inFlags) {
      if (line.empty() || line[0] != ' ') {
        inFlags = false;
        continue;
      }
      for (std::string_view w : splitWords(line)) {
        caps.cpuFlags.insert(std::string(w));
      }
      continue;
    }
    if (startsWith(line, "x86 ")) {
      std::vector<std::string_view> w = splitWords(line);
      if (w.size() >= 2) {
        caps.cpuModels.insert(std::string(w[1]));
      }
    }
  }
}

// "Accelerators supported in QEMU binary:" then one name per line.
void parseListAfterHeader(std::string_view text, std::set<std::string>& out) {
  for (std::string_view line : splitLines(text)) {
    std::vector<std::string_view> w = splitWords(line);
    // The header ends in ':'; module-loader complaints contain spaces.
    if (w.size() == 1 && line[0] != ' ' && line.find(':') == std::string_view::npos) {
      out.insert(std::string(w[0]));
    }
  }
}

// Modular block drivers and the module that provides them (QEMU 7.2's
// block_driver_modules table, restricted to drivers that matter to us).
struct ModularDriver {
  std::string_view driver;
  std::string_view module;
};
constexpr ModularDriver kModularDrivers[] = {
    {"iscsi", "block-iscsi.so"},  {"iser", "block-iscsi.so"},   {"http", "block-curl.so"},
    {"https", "block-curl.so"},   {"ftp", "block-curl.so"},     {"ftps", "block-curl.so"},
    {"gluster", "block-gluster.so"}, {"nfs", "block-nfs.so"},   {"rbd", "block-rbd.so"},
    {"ssh", "block-ssh.so"},      {"dmg", "block-dmg-bz2.so"},
};

// "Supported formats: a b c" (the read-write list; the read-only one follows).
void parseDriveFormats(std::string_view text, const ProbeOutputs& out, QemuCaps& caps) {
  constexpr std::string_view kPrefix = "Supported formats:";
  for (std::string_view line : splitLines(text)) {
    if (!startsWith(line, kPrefix)) {
      continue;
    }
    for (std::string_view w : splitWords(line.substr(kPrefix.size()))) {
      caps.blockDrivers.insert(std::string(w));
    }
    break;
  }
  if (!out.hasModuleList) {
    return;
  }
  for (const ModularDriver& m : kModularDrivers) {
    bool present = false;
    for (const std::string& f : out.moduleFiles) {
      present = present || f == m.module;
    }
    if (!present) {
      caps.blockDrivers.erase(std::string(m.driver));
    }
  }
}

}  // namespace

std::string QemuVersion::str() const { return fmt::format("{}.{}.{}", major, minor, micro); }

std::string QemuCaps::resolveMachine(std::string_view name) const {
  auto alias = machineAliases.find(std::string(name));
  if (alias != machineAliases.end()) {
    return alias->second;
  }
  return machines.count(std::string(name)) ? std::string(name) : std::string();
}

Expected<QemuCaps, CapsError> capsFromProbe(const ProbeOutputs& out) {
  QemuCaps caps;
  auto version = parseVersionOutput(out.version);
  if (!version) {
    return unexpected(version.error());
  }
  caps.version = *version;
  parseHelp(out.help, caps);
  parseMachineHelp(out.machineHelp, caps);
  parseDeviceHelp(out.deviceHelp, caps);
  parseCpuHelp(out.cpuHelp, caps);
  parseListAfterHeader(out.accelHelp, caps.accels);
  parseDriveFormats(out.driveFormatHelp, out, caps);
  parseListAfterHeader(out.displayHelp, caps.displays);
  // Every probe must have produced something: an empty section means the
  // command failed or its format changed, and guessing would hide that.
  const std::pair<const char*, bool> required[] = {
      {"-help", caps.options.empty()},         {"-machine help", caps.machines.empty()},
      {"-device help", caps.devices.empty()},  {"-cpu help", caps.cpuModels.empty()},
      {"-accel help", caps.accels.empty()},    {"-drive format=help", caps.blockDrivers.empty()},
      {"-display help", caps.displays.empty()},
  };
  for (const auto& [source, empty] : required) {
    if (empty) {
      return unexpected(CapsError{source, "The probe output lists nothing; its format may have "
                                          "changed or the command failed."});
    }
  }
  return caps;
}

std::string formatCaps(const QemuCaps& caps) {
  std::string s = "# QEMU capabilities (xenia caps text, version 1)\n";
  s += fmt::format("version {}\n", caps.version.str());
  auto list = [&s](std::string_view kind, const std::set<std::string>& names) {
    for (const std::string& n : names) {
      s += fmt::format("{} {}\n", kind, n);
    }
  };
  list("accel", caps.accels);
  list("block-driver", caps.blockDrivers);
  list("cpu-flag", caps.cpuFlags);
  list("cpu-model", caps.cpuModels);
  if (!caps.defaultMachine.empty()) {
    s += fmt::format("default-machine {}\n", caps.defaultMachine);
  }
  list("device", caps.devices);
  list("display", caps.displays);
  list("machine", caps.machines);
  for (const auto& [alias, target] : caps.machineAliases) {
    s += fmt::format("machine-alias {} {}\n", alias, target);
  }
  list("option", caps.options);
  return s;
}

Expected<QemuCaps, CapsError> parseCaps(std::string_view text) {
  QemuCaps caps;
  bool haveVersion = false;
  int lineNo = 0;
  for (std::string_view line : splitLines(text)) {
    ++lineNo;
    if (line.empty() || line[0] == '#') {
      continue;
    }
    std::vector<std::string_view> w = splitWords(line);
    if (w.empty()) {
      continue;  // a blank line
    }
    auto bad = [&](std::string_view why) {
      return unexpected(CapsError{fmt::format("caps:{}", lineNo), std::string(why)});
    };
    std::string_view kind = w[0];
    size_t want = kind == "machine-alias" ? 3 : 2;
    if (w.size() != want) {
      return bad("A caps line has the wrong number of words.");
    }
    std::string name(w[1]);
    if (kind == "version") {
      if (!parseVersionNumber(name, &caps.version)) {
        return bad("The version is not X.Y.Z.");
      }
      haveVersion = true;
    } else if (kind == "accel") {
      caps.accels.insert(name);
    } else if (kind == "block-driver") {
      caps.blockDrivers.insert(name);
    } else if (kind == "cpu-flag") {
      caps.cpuFlags.insert(name);
    } else if (kind == "cpu-model") {
      caps.cpuModels.insert(name);
    } else if (kind == "default-machine") {
      caps.defaultMachine = name;
    } else if (kind == "device") {
      caps.devices.insert(name);
    } else if (kind == "display") {
      caps.displays.insert(name);
    } else if (kind == "machine") {
      caps.machines.insert(name);
    } else if (kind == "machine-alias") {
      caps.machineAliases[name] = std::string(w[2]);
    } else if (kind == "option") {
      caps.options.insert(name);
    } else {
      return bad("Unknown caps line kind.");
    }
  }
  if (!haveVersion) {
    return unexpected(CapsError{"caps", "The caps text has no version line."});
  }
  return caps;
}

}  // namespace xenia::qemu
