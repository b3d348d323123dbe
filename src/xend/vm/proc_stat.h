// What xend reads about a QEMU process from /proc/<pid>/stat: its start time
// (field 22, to tell a re-used pid from our QEMU), CPU time (utime + stime of
// all its threads) and run state. Parsing is pure; reading is one file read.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string_view>

namespace xenia::xend {

struct ProcStat {
  char state = '?';         // R S D Z T ...
  uint64_t utimeTicks = 0;  // field 14
  uint64_t stimeTicks = 0;  // field 15
  uint64_t startTicks = 0;  // field 22: clock ticks after boot
};

// Parses one /proc/<pid>/stat line. The command name (field 2) may hold
// spaces and parentheses, so fields are counted from the LAST ')'.
std::optional<ProcStat> parseProcStat(std::string_view text);

// /proc/<pid>/stat, or /proc/<pid>/task/<tid>/stat when tid > 0.
std::optional<ProcStat> readProcStat(pid_t pid, pid_t tid = 0);

// utime + stime in seconds.
double cpuSeconds(const ProcStat& s);

// The process exists, is not a zombie, and started at startTicks.
bool processMatches(pid_t pid, uint64_t startTicks);

}  // namespace xenia::xend
