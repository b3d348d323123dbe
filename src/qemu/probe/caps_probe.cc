// Capability probe I/O: help runs, acceptance runs, on-disk cache.
#include "qemu/probe/caps_probe.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "qemu/probe/process.h"

namespace xenia::probe {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

constexpr int kCacheFormat = 1;

milliseconds left(Clock::time_point deadline) {
  auto l = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
  return l.count() > 0 ? l : milliseconds(1);
}

Expected<RunResult, std::string> run(std::vector<std::string> argv, Clock::time_point deadline,
                                     std::string input = "") {
  RunOptions o;
  o.argv = std::move(argv);
  o.input = std::move(input);
  o.timeout = left(deadline);
  return runProgram(o);
}

Expected<std::string, std::string> helpText(const std::string& qemu, const char* opt,
                                            const char* arg, Clock::time_point deadline) {
  std::vector<std::string> argv{qemu};
  argv.emplace_back(opt);
  if (arg != nullptr) {
    argv.emplace_back(arg);
  }
  auto r = run(argv, deadline);
  if (!r) {
    return unexpected(r.error());
  }
  if (!r->exited || r->exitCode != 0) {
    return unexpected(fmt::format("{} {}{}{} ended with {}.", qemu, opt, arg ? " " : "",
                                  arg ? arg : "", r->describe()));
  }
  return std::move(r->out);
}

std::string hexHash(const std::string& s) {
  uint64_t h = 1469598103934665603ULL;  // FNV-1a: a stable file name, not security
  for (unsigned char c : s) {
    h = (h ^ c) * 1099511628211ULL;
  }
  return fmt::format("{:016x}", h);
}

}  // namespace

Expected<BinaryKey, std::string> binaryKey(const std::string& qemu) {
  std::string path = qemu;
  if (qemu.find('/') == std::string::npos) {
    const char* env = std::getenv("PATH");
    std::string dirs = env ? env : "/usr/bin:/bin";
    path.clear();
    std::stringstream ss(dirs);
    std::string dir;
    while (std::getline(ss, dir, ':')) {
      std::string cand = (dir.empty() ? "." : dir) + "/" + qemu;
      if (::access(cand.c_str(), X_OK) == 0) {
        path = cand;
        break;
      }
    }
    if (path.empty()) {
      return unexpected(fmt::format("{} is not in PATH.", qemu));
    }
  }
  char real[PATH_MAX];
  if (::realpath(path.c_str(), real) != nullptr) {
    path = real;
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return unexpected(fmt::format("Cannot stat {}: {}.", path, std::strerror(errno)));
  }
  BinaryKey k;
  k.path = path;
  k.mtimeNs = int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  k.size = st.st_size;
  return k;
}

Expected<HelpOutputs, std::string> collectHelp(const std::string& qemu, milliseconds budget,
                                               const std::string& moduleDir) {
  auto deadline = Clock::now() + budget;
  HelpOutputs h;
  struct Item {
    const char* opt;
    const char* arg;
    std::string* into;
  } items[] = {
      {"--version", nullptr, &h.version},     {"-help", nullptr, &h.help},
      {"-device", "help", &h.deviceHelp},     {"-machine", "help", &h.machineHelp},
      {"-cpu", "help", &h.cpuHelp},           {"-accel", "help", &h.accelHelp},
      {"-drive", "format=help", &h.driveFormatHelp}, {"-display", "help", &h.displayHelp},
  };
  for (auto& it : items) {
    auto text = helpText(qemu, it.opt, it.arg, deadline);
    if (!text) {
      return unexpected(text.error());
    }
    *it.into = std::move(*text);
  }
  std::error_code ec;
  if (std::filesystem::is_directory(moduleDir, ec)) {
    h.hasModuleList = true;
    for (const auto& e : std::filesystem::directory_iterator(moduleDir, ec)) {
      h.moduleFiles.push_back(e.path().filename().string());
    }
    std::sort(h.moduleFiles.begin(), h.moduleFiles.end());
  }
  return h;
}

Expected<Capabilities, std::string> probeCaps(const std::string& qemu, milliseconds budget) {
  auto deadline = Clock::now() + budget;
  auto version = helpText(qemu, "--version", nullptr, deadline);
  auto device = version ? helpText(qemu, "-device", "help", deadline) : version;
  auto machine = device ? helpText(qemu, "-machine", "help", deadline) : device;
  auto cpuText = machine ? helpText(qemu, "-cpu", "help", deadline) : machine;
  if (!cpuText) {
    return unexpected(cpuText.error());
  }
  Capabilities caps;
  auto ver = parseVersionOutput(*version);
  auto dev = parseDeviceHelp(*device);
  auto mach = parseMachineHelp(*machine);
  auto cpu = parseCpuHelp(*cpuText);
  if (!ver || !dev || !mach || !cpu) {
    return unexpected(!ver ? ver.error() : !dev ? dev.error() : !mach ? mach.error() : cpu.error());
  }
  caps.version = *ver;
  caps.devices = std::move(dev->names);
  caps.deviceAliases = std::move(dev->aliases);
  caps.machines = std::move(mach->names);
  caps.machineAliases = std::move(mach->aliases);
  caps.defaultMachine = std::move(mach->defaultMachine);
  caps.cpuModels = std::move(cpu->models);
  caps.cpuFlags = std::move(cpu->flags);

  // -sandbox is parsed on any build but only a libseccomp build installs the
  // filter; start a machine-less QEMU with it for real and tell it to quit.
  auto sb = run({qemu, "-sandbox", "on", "-machine", "none", "-nodefaults", "-no-user-config",
                 "-display", "none", "-S", "-qmp", "stdio"},
                deadline,
                "{\"execute\":\"qmp_capabilities\"}\n{\"execute\":\"quit\"}\n");
  FeatureVerdict sv = sb ? judgeSandboxRun(sb->exited, sb->exitCode, sb->out, sb->err)
                         : FeatureVerdict{false, sb.error()};
  caps.sandbox = sv.available;
  caps.notes.push_back("sandbox: " + sv.note);

  // The iscsi driver is a loadable module in Debian; make QEMU load it by
  // naming it, with a transport it must reject before any network I/O.
  auto is = run({qemu, "-machine", "none", "-nodefaults", "-no-user-config", "-display", "none",
                 "-S", "-drive",
                 "if=none,id=probe,driver=iscsi,transport=xenia-probe,portal=none,target=none"},
                deadline);
  FeatureVerdict iv = is ? judgeIscsiRun(is->err) : FeatureVerdict{false, is.error()};
  caps.iscsi = iv.available;
  caps.notes.push_back("iscsi: " + iv.note);
  return caps;
}

std::string cacheFileFor(const std::string& cacheDir, const std::string& resolvedPath) {
  return cacheDir + "/qemu-caps-" + hexHash(resolvedPath) + ".json";
}

Expected<CachedCaps, std::string> probeCapsCached(const std::string& qemu,
                                                  const std::string& cacheDir,
                                                  milliseconds budget) {
  auto key = binaryKey(qemu);
  if (!key) {
    return unexpected(key.error());
  }
  std::string file = cacheFileFor(cacheDir, key->path);
  {
    std::ifstream in(file);
    if (in) {
      json j = json::parse(in, nullptr, false);
      if (!j.is_discarded() && j.is_object() && j.value("format", 0) == kCacheFormat &&
          j.contains("key") && j["key"].is_object() &&
          j["key"].value("path", "") == key->path &&
          j["key"].value("mtimeNs", int64_t(-1)) == key->mtimeNs &&
          j["key"].value("size", int64_t(-1)) == key->size && j.contains("caps")) {
        auto caps = capsFromJson(j["caps"]);
        if (caps) {
          return CachedCaps{std::move(*caps), true};
        }
      }
    }
  }
  auto caps = probeCaps(key->path, budget);
  if (!caps) {
    return unexpected(caps.error());
  }
  json j = {{"format", kCacheFormat},
            {"key", {{"path", key->path}, {"mtimeNs", key->mtimeNs}, {"size", key->size}}},
            {"caps", capsToJson(*caps)}};
  ::mkdir(cacheDir.c_str(), 0755);
  // Write-then-rename so a concurrent reader never sees half a file.
  std::string tmp = file + fmt::format(".tmp{}", ::getpid());
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << j.dump(1) << "\n";
  }
  if (::rename(tmp.c_str(), file.c_str()) != 0) {
    ::unlink(tmp.c_str());
  }
  return CachedCaps{std::move(*caps), false};
}

}  // namespace xenia::probe
