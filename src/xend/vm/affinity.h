// vCPU pinning from outside QEMU: sched_setaffinity/sched_getaffinity on the
// host threads that query-cpus-fast names (QEMU's own sandbox forbids it to
// change affinity itself), and which host CPUs a thread last ran on.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "common/expected.h"

namespace xenia::xend {

// Host CPUs usable by xend (sched_getaffinity of pid 0), sorted.
std::vector<int> hostCpus();

// cpus empty = every host CPU.
Expected<Ok, std::string> setThreadAffinity(pid_t tid, const std::vector<int>& cpus);
Expected<std::vector<int>, std::string> threadAffinity(pid_t tid);

// The CPU the thread last ran on (/proc/<pid>/task/<tid>/stat field 39), -1
// if unknown.
int lastCpu(pid_t pid, pid_t tid);

// Pure: field 39 of a stat line.
int parseLastCpu(const std::string& statLine);

}  // namespace xenia::xend
