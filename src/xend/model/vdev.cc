// Disk naming in XenStore: Xen's virtual device numbers
// (docs/man/xen-vbd-interface.7, libxl__device_disk_dev_number) and the
// backend's type/params split of a uname (xend's blkif.getDeviceDetails).
#include <climits>
#include <cstdlib>

#include "config/model/disk_spec.h"
#include "config/model/names.h"
#include "xend/model/xs_layout.h"

namespace xenia::xend {
namespace {

// "<prefix><letters>[<partition>]": letters are bijective base 26 (a=0,
// z=25, aa=26 ...); the partition has no leading zero.
bool matchDisk(const std::string& v, const std::string& prefix, int maxDisk, int maxPart, int* disk,
               int* part) {
  if (v.compare(0, prefix.size(), prefix) != 0) {
    return false;
  }
  size_t i = prefix.size();
  long index = -1;
  while (i < v.size() && v[i] >= 'a' && v[i] <= 'z') {
    index = (index + 1) * 26 + (v[i] - 'a');
    if (index > maxDisk) {
      return false;
    }
    ++i;
  }
  if (index < 0) {
    return false;  // no drive letter
  }
  long p = 0;
  if (i < v.size()) {
    if (v[i] == '0' || v.size() - i > 4) {
      return false;
    }
    for (size_t j = i; j < v.size(); ++j) {
      if (v[j] < '0' || v[j] > '9') {
        return false;
      }
      p = p * 10 + (v[j] - '0');
    }
    if (p > maxPart) {
      return false;
    }
  }
  *disk = static_cast<int>(index);
  *part = static_cast<int>(p);
  return true;
}

bool allDigits(const std::string& s, size_t from, size_t to) {
  if (from >= to) {
    return false;
  }
  for (size_t i = from; i < to; ++i) {
    if (s[i] < '0' || s[i] > '9') {
      return false;
    }
  }
  return true;
}

}  // namespace

int vdevNumber(const std::string& v) {
  if (v.empty() || v.size() > 32) {
    return -1;
  }
  int disk = 0, part = 0;
  // d<disk>p<partition>
  size_t p = v.find('p');
  bool dForm = v[0] == 'd' && p != std::string::npos && allDigits(v, 1, p) &&
               allDigits(v, p + 1, v.size()) && p - 1 <= 7 && v.size() - p - 1 <= 3;
  if (dForm) {
    long dl = std::strtol(v.substr(1, p - 1).c_str(), nullptr, 10);
    long pl = std::strtol(v.substr(p + 1).c_str(), nullptr, 10);
    if (dl >= (1 << 20) || pl >= 256) {
      return -1;
    }
    disk = static_cast<int>(dl);
    part = static_cast<int>(pl);
  }
  if (dForm || matchDisk(v, "xvd", (1 << 20) - 1, 255, &disk, &part)) {
    if (disk <= 15 && part <= 15) {
      return (202 << 8) | (disk << 4) | part;
    }
    return (1 << 28) | (disk << 8) | part;
  }
  // A bare number is written as given (decimal, 0x hex or 0 octal).
  if (v[0] >= '0' && v[0] <= '9') {
    char* end = nullptr;
    unsigned long n = std::strtoul(v.c_str(), &end, 0);
    return (*end == '\0' && n <= INT_MAX) ? static_cast<int>(n) : -1;
  }
  if (matchDisk(v, "hd", 3, 63, &disk, &part)) {
    return ((disk < 2 ? 3 : 22) << 8) | ((disk & 1) << 6) | part;
  }
  if (matchDisk(v, "sd", 15, 15, &disk, &part)) {
    return (8 << 8) | (disk << 4) | part;
  }
  return -1;
}

std::string diskBackendType(const config::Disk& k) {
  if (k.empty()) {
    return "";
  }
  if (k.backend == config::DiskBackend::kUnspecified) {
    // libxl stats the target; pure code goes by where it lives.
    return k.target.compare(0, 5, "/dev/") == 0 ? "phy" : "file";
  }
  return std::string(config::diskBackendName(k.backend));
}

std::string diskParams(const config::Disk& k) {
  std::string uname = config::formatUname(k);
  std::string type = diskBackendType(k);
  if (!type.empty() && uname.compare(0, type.size() + 1, type + ":") == 0) {
    return uname.substr(type.size() + 1);
  }
  return uname;
}

}  // namespace xenia::xend
