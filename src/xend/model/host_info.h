// The host as `xm info` shows it: a snapshot probed from uname and /proc
// (host_probe.cc, the only I/O here) and the pure formatting of xm info's
// keys in xend's order (X40 XendNode.info).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "xend/model/options.h"

namespace xenia::xend {

struct HostSnapshot {
  std::string system, host, release, version, machine;
  int nrCpus = 1, nrNodes = 1, coresPerSocket = 1, threadsPerCore = 1;
  int cpuMhz = 0;
  std::string hwCaps;
  int64_t totalMemKiB = 0, freeMemKiB = 0;
  std::string accel, accelReason, qemuVersion;
  // Additions: NUMA layout when the host has several nodes (empty = one node
  // holding every CPU), and each node's free memory from /sys.
  std::vector<std::vector<int>> nodeCpus;
  std::vector<int64_t> nodeFreeKiB;
};

// The Xen version Xenia reports (the last release that shipped xm/xend).
inline constexpr int kXenMajor = 4;
inline constexpr int kXenMinor = 4;
inline constexpr const char* kXenExtra = ".0-xenia";

// uname, /proc/cpuinfo, /proc/meminfo, sysconf. accel/qemuVersion are left
// empty: the daemon fills them from its accelerator probe.
HostSnapshot readHostSnapshot();

struct HostUsage {
  int64_t guestsMiB = 0;  // memory committed to running guests
};

// xm info's keys and values in xend's order.
std::vector<std::pair<std::string, std::string>> xmInfo(const HostSnapshot& h, const XendOptions& o,
                                                        const HostUsage& u);

// The virt_caps value: "hvm hvm_directio accel=<a>", plus " (kvm: <reason>)"
// when the accelerator is not KVM and the probe said why ("accel=unknown"
// before any probe).
std::string virtCaps(const HostSnapshot& h);

// Parsers used by readHostSnapshot, pure so they can be tested.
// /proc/cpuinfo: nrCpus, cpuMhz, coresPerSocket, threadsPerCore.
void parseCpuinfo(const std::string& text, HostSnapshot& h);
// /proc/meminfo: totalMemKiB (MemTotal), freeMemKiB (MemAvailable, else MemFree).
void parseMeminfo(const std::string& text, HostSnapshot& h);
// "0-3,8,10-11" (sysfs cpulist) -> {0,1,2,3,8,10,11}; empty on junk.
std::vector<int> parseCpuList(const std::string& text);
// xend's list_to_strrange: {0,1,2,3,5} -> "0-3,5"; {} -> "no cpus".
std::string cpuRanges(std::vector<int> cpus);

}  // namespace xenia::xend
