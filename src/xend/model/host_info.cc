// xm info's values from a HostSnapshot, in X40 XendNode.info's order
// (nodeinfo + physinfo + xeninfo + xendinfo), and the parsers of the /proc
// files the snapshot is read from. The xen_* fields say plainly that this is
// Xenia running guests in QEMU, not a Xen hypervisor.
#include "xend/model/host_info.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <set>
#include <sstream>

namespace xenia::xend {
namespace {

constexpr const char* kXenCaps = "xen-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64";

std::string compilerName() {
#if defined(__clang__)
  return "clang version " __clang_version__;
#elif defined(__GNUC__)
  return "gcc version " __VERSION__;
#else
  return "unknown compiler";
#endif
}

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) {
    return "";
  }
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// "key<tab>: value" lines (/proc/cpuinfo) or "Key:   value kB" (/proc/meminfo).
bool splitField(const std::string& line, std::string* key, std::string* value) {
  size_t colon = line.find(':');
  if (colon == std::string::npos) {
    return false;
  }
  *key = trim(line.substr(0, colon));
  *value = trim(line.substr(colon + 1));
  return true;
}

std::optional<int64_t> leadingInt(const std::string& s) {
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr == s.data()) {
    return std::nullopt;
  }
  return v;
}

// xend's format_node_to_*: one "node<i>:<v>" per node, continuation lines
// indented 25 columns so they line up under xm info's values.
std::string perNode(const std::vector<std::string>& values) {
  std::string out;
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) {
      out += "\n" + std::string(25, ' ');
    }
    out += fmt::format("node{}:{}", i, values[i]);
  }
  return out;
}

}  // namespace

std::vector<int> parseCpuList(const std::string& text) {
  auto number = [](const std::string& s) -> std::optional<int> {
    // Bounded: no host has more than 64Ki CPUs.
    if (s.empty() || s.size() > 5 || !std::all_of(s.begin(), s.end(), ::isdigit)) {
      return std::nullopt;
    }
    int v = std::stoi(s);
    return v < 65536 ? std::optional<int>(v) : std::nullopt;
  };
  std::set<int> cpus;
  std::string t = trim(text);
  if (t.empty()) {
    return {};
  }
  std::stringstream ss(t);
  std::string part;
  while (std::getline(ss, part, ',')) {
    size_t dash = part.find('-');
    auto lo = number(part.substr(0, dash));
    auto hi = dash == std::string::npos ? lo : number(part.substr(dash + 1));
    if (!lo || !hi || *hi < *lo) {
      return {};
    }
    for (int c = *lo; c <= *hi; ++c) {
      cpus.insert(c);
    }
  }
  return {cpus.begin(), cpus.end()};
}

std::string cpuRanges(std::vector<int> cpus) {
  std::sort(cpus.begin(), cpus.end());
  cpus.erase(std::unique(cpus.begin(), cpus.end()), cpus.end());
  if (cpus.empty()) {
    return "no cpus";
  }
  std::string out;
  for (size_t i = 0; i < cpus.size();) {
    size_t j = i;
    while (j + 1 < cpus.size() && cpus[j + 1] == cpus[j] + 1) {
      ++j;
    }
    out += out.empty() ? "" : ",";
    out += i == j ? std::to_string(cpus[i]) : fmt::format("{}-{}", cpus[i], cpus[j]);
    i = j + 1;
  }
  return out;
}

void parseCpuinfo(const std::string& text, HostSnapshot& h) {
  std::stringstream ss(text);
  std::string line, key, value;
  int processors = 0;
  int siblings = 0, cores = 0;
  bool mhzSeen = false;
  while (std::getline(ss, line)) {
    if (!splitField(line, &key, &value)) {
      continue;
    }
    if (key == "processor") {
      ++processors;
    } else if (key == "cpu MHz" && !mhzSeen) {
      // "2893.204": xend printed cpu_khz / 1000, i.e. whole MHz.
      if (auto v = leadingInt(value)) {
        h.cpuMhz = static_cast<int>(*v);
        mhzSeen = true;
      }
    } else if (key == "siblings" && siblings == 0) {
      siblings = static_cast<int>(leadingInt(value).value_or(0));
    } else if (key == "cpu cores" && cores == 0) {
      cores = static_cast<int>(leadingInt(value).value_or(0));
    }
  }
  if (processors > 0) {
    h.nrCpus = processors;
  }
  if (cores > 0) {
    h.coresPerSocket = cores;
    h.threadsPerCore = siblings >= cores ? std::max(1, siblings / cores) : 1;
  }
}

void parseMeminfo(const std::string& text, HostSnapshot& h) {
  std::stringstream ss(text);
  std::string line, key, value;
  std::optional<int64_t> available, free;
  while (std::getline(ss, line)) {
    if (!splitField(line, &key, &value)) {
      continue;
    }
    if (key == "MemTotal") {
      h.totalMemKiB = leadingInt(value).value_or(0);
    } else if (key == "MemAvailable") {
      available = leadingInt(value);
    } else if (key == "MemFree") {
      free = leadingInt(value);
    }
  }
  h.freeMemKiB = available ? *available : free.value_or(0);
}

std::string virtCaps(const HostSnapshot& h) {
  std::string accel = h.accel.empty() ? "unknown" : h.accel;
  std::string out = "hvm hvm_directio accel=" + accel;
  if (accel != "kvm" && !h.accelReason.empty()) {
    out += " (kvm: " + h.accelReason + ")";
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> xmInfo(const HostSnapshot& h, const XendOptions& o,
                                                        const HostUsage& u) {
  int64_t totalMiB = h.totalMemKiB / 1024;
  int64_t freeMiB = std::max<int64_t>(0, totalMiB - o.dom0MinMem - u.guestsMiB);
  int nodes = std::max(1, h.nrNodes);

  std::vector<std::string> nodeCpu, nodeMem;
  if (h.nodeCpus.empty() || nodes == 1) {
    std::vector<int> all(static_cast<size_t>(std::max(1, h.nrCpus)));
    for (size_t i = 0; i < all.size(); ++i) {
      all[i] = static_cast<int>(i);
    }
    nodeCpu.push_back(cpuRanges(all));
  } else {
    for (const auto& cpus : h.nodeCpus) {
      nodeCpu.push_back(cpuRanges(cpus));
    }
  }
  if (nodes == 1) {
    nodeMem.push_back(std::to_string(freeMiB));
  } else if (h.nodeFreeKiB.size() == static_cast<size_t>(nodes)) {
    for (int64_t kib : h.nodeFreeKiB) {
      nodeMem.push_back(std::to_string(kib / 1024));
    }
  }

  std::string qemu = h.qemuVersion.empty() ? "QEMU (version unknown)" : "QEMU " + h.qemuVersion;
  std::vector<std::pair<std::string, std::string>> out = {
      {"system", h.system},
      {"host", h.host},
      {"release", h.release},
      {"version", h.version},
      {"machine", h.machine},
      {"nr_cpus", std::to_string(h.nrCpus)},
      {"nr_nodes", std::to_string(nodes)},
      {"cores_per_socket", std::to_string(h.coresPerSocket)},
      {"threads_per_core", std::to_string(h.threadsPerCore)},
      {"cpu_mhz", std::to_string(h.cpuMhz)},
      {"hw_caps", h.hwCaps},
      {"virt_caps", virtCaps(h)},
      {"total_memory", std::to_string(totalMiB)},
      {"free_memory", std::to_string(freeMiB)},
      {"node_to_cpu", perNode(nodeCpu)},
      // xend printed "none" when it had no per-node figures.
      {"node_to_memory", nodeMem.empty() ? "none" : perNode(nodeMem)},
      {"node_to_dma32_mem", "none"},
      {"max_node_id", std::to_string(nodes - 1)},
      {"xen_major", std::to_string(kXenMajor)},
      {"xen_minor", std::to_string(kXenMinor)},
      {"xen_extra", kXenExtra},
      {"xen_caps", kXenCaps},
      {"xen_scheduler", "credit"},
      {"xen_pagesize", "4096"},
      {"platform_params", "virt_start=0xffff800000000000"},
      {"xen_changeset", "Xenia: no hypervisor, guests run in " + qemu},
      {"xen_commandline", ""},
      {"cc_compiler", compilerName()},
      {"cc_compile_by", "xenia"},
      {"cc_compile_domain", ""},
      {"cc_compile_date", __DATE__ " " __TIME__},
      {"xend_config_format", "4"},
  };
  return out;
}

}  // namespace xenia::xend
