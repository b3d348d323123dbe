// One CPU cgroup per domain (xenia/<domid>) for xm sched-credit: Xen's credit
// weight and cap mapped onto the host's CPU controller, cgroup v1
// (cpu.shares = weight * 4, cpu.cfs_quota_us from the cap) or v2 (cpu.weight,
// cpu.max). The value mapping is pure; the rest writes cgroupfs files.
#pragma once

#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

#include "common/expected.h"

namespace xenia::xend {

enum class CgroupVersion { kNone, kV1, kV2 };

struct CgroupRoot {
  CgroupVersion version = CgroupVersion::kNone;
  std::string path;  // the cpu controller's mount (v1) or the unified root (v2)
};

// /sys/fs/cgroup/cpu (v1 with the cpu controller) or /sys/fs/cgroup when it
// is a cgroup2 mount with "cpu" in cgroup.controllers; kNone otherwise.
CgroupRoot detectCgroupRoot(const std::string& sysfsCgroup = "/sys/fs/cgroup");

inline constexpr int64_t kCfsPeriodUs = 100000;

// Pure mappings. weight 1..65535 (Xen default 256); cap in percent of one
// CPU, 0 = uncapped.
int64_t v1Shares(int weight);                     // weight * 4 (256 -> 1024, v1's default)
int64_t v1QuotaUs(int cap);                       // -1 when uncapped
int64_t v2Weight(int weight);                     // 256 -> 100, within 1..10000
std::string v2Max(int cap);                       // "max 100000" or "<quota> 100000"

class DomainCgroup {
 public:
  DomainCgroup() = default;
  // Creates <root>/<parent>/<domid> (and <parent>, normally "xenia"); v2
  // enables +cpu in the parents' subtree_control. An existing group (after a
  // re-attach) is reused.
  static Expected<DomainCgroup, std::string> create(const CgroupRoot& root,
                                                    const std::string& parent, int domid);

  bool valid() const { return root_.version != CgroupVersion::kNone; }
  const std::string& path() const { return path_; }

  // Moves every thread of pid (cgroup.procs) into the group.
  Expected<Ok, std::string> addProcess(pid_t pid) const;
  Expected<Ok, std::string> apply(int weight, int cap) const;
  // Removes the directory (the process must be gone), and the parent if
  // that was its last group.
  void remove() const;

 private:
  CgroupRoot root_;
  std::string path_;
};

// Removes <root>/<parent>/<domid> groups left by domains that are gone
// (xend was killed, QEMU died meanwhile) except `keep`, and the parent when
// nothing is kept. Groups with live tasks stay (the kernel refuses).
void removeStaleCgroups(const CgroupRoot& root, const std::string& parent,
                        const std::vector<int>& keep);

}  // namespace xenia::xend
