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
};

// uname, /proc/cpuinfo, /proc/meminfo, sysconf. accel/qemuVersion are left
// empty: the daemon fills them from its accelerator probe.
HostSnapshot readHostSnapshot();

struct HostUsage {
  int64_t guestsMiB = 0;  // memory committed to running guests
};

// xm info's keys and values in xend's order.
std::vector<std::pair<std::string, std::string>> xmInfo(const HostSnapshot& h,
                                                        const XendOptions& o,
                                                        const HostUsage& u);

// The virt_caps value: "hvm hvm_directio accel=<a>" plus " (kvm: <reason>)"
// when a reason is known (why KVM is not used).
std::string virtCaps(const HostSnapshot& h);

// Parsers used by readHostSnapshot, pure so they can be tested.
void parseCpuinfo(const std::string& text, HostSnapshot& h);
void parseMeminfo(const std::string& text, HostSnapshot& h);

}  // namespace xenia::xend
