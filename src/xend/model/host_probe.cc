// readHostSnapshot: the only I/O of this library besides reading the config
// file. uname(2), /proc/cpuinfo, /proc/meminfo, sysfs NUMA nodes, and the
// CPU's feature words for hw_caps. Missing files leave the defaults.
#include <dirent.h>
#include <fmt/format.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "xend/model/host_info.h"

namespace xenia::xend {
namespace {

// Small kernel files only; bounded so a strange /proc cannot blow up.
std::string readSmallFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return "";
  }
  std::string text;
  char buf[8192];
  while (text.size() < (1u << 20) && in.read(buf, sizeof buf).gcount() > 0) {
    text.append(buf, static_cast<size_t>(in.gcount()));
  }
  return text;
}

// Xen's hw_caps: eight 32-bit feature words, "%08x:" joined (Xen's
// x86_capability: 1.edx, 0x80000001.edx, 0, 0, 1.ecx, 0, 0x80000001.ecx, 7.ebx).
std::string featureWords() {
  unsigned w[8] = {0, 0, 0, 0, 0, 0, 0, 0};
#if defined(__x86_64__) || defined(__i386__)
  unsigned a, b, c, d;
  if (__get_cpuid(1, &a, &b, &c, &d)) {
    w[0] = d;
    w[4] = c;
  }
  if (__get_cpuid(0x80000001, &a, &b, &c, &d)) {
    w[1] = d;
    w[6] = c;
  }
  if (__get_cpuid_max(0, nullptr) >= 7) {
    __cpuid_count(7, 0, a, b, c, d);
    w[7] = b;
  }
#endif
  return fmt::format("{:08x}:{:08x}:{:08x}:{:08x}:{:08x}:{:08x}:{:08x}:{:08x}", w[0], w[1], w[2],
                     w[3], w[4], w[5], w[6], w[7]);
}

// Online NUMA nodes from /sys/devices/system/node/node<N>.
void readNodes(HostSnapshot& h) {
  DIR* dir = opendir("/sys/devices/system/node");
  if (dir == nullptr) {
    return;
  }
  std::vector<int> ids;
  while (dirent* e = readdir(dir)) {
    std::string name = e->d_name;
    if (name.size() > 4 && name.compare(0, 4, "node") == 0 &&
        std::all_of(name.begin() + 4, name.end(), ::isdigit) && name.size() < 10) {
      ids.push_back(std::stoi(name.substr(4)));
    }
  }
  closedir(dir);
  std::sort(ids.begin(), ids.end());
  if (ids.size() <= 1) {
    return;
  }
  h.nrNodes = static_cast<int>(ids.size());
  for (int id : ids) {
    std::string base = "/sys/devices/system/node/node" + std::to_string(id);
    h.nodeCpus.push_back(parseCpuList(readSmallFile(base + "/cpulist")));
    // "Node 0 MemFree:  123456 kB"
    std::stringstream ss(readSmallFile(base + "/meminfo"));
    std::string line;
    int64_t freeKiB = 0;
    while (std::getline(ss, line)) {
      size_t at = line.find("MemFree:");
      if (at != std::string::npos) {
        freeKiB = std::atoll(line.c_str() + at + 8);
      }
    }
    h.nodeFreeKiB.push_back(freeKiB);
  }
}

}  // namespace

HostSnapshot readHostSnapshot() {
  HostSnapshot h;
  utsname u{};
  if (uname(&u) == 0) {
    h.system = u.sysname;
    h.host = u.nodename;
    h.release = u.release;
    h.version = u.version;
    h.machine = u.machine;
  }
  parseCpuinfo(readSmallFile("/proc/cpuinfo"), h);
  long online = sysconf(_SC_NPROCESSORS_ONLN);
  if (online > 0) {
    h.nrCpus = static_cast<int>(online);
  }
  parseMeminfo(readSmallFile("/proc/meminfo"), h);
  h.hwCaps = featureWords();
  readNodes(h);
  return h;
}

}  // namespace xenia::xend
