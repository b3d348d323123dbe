// vm.json: what xend needs to adopt a running QEMU again after a restart
// (or a kill -9): who the guest is, which process runs it (pid plus its
// /proc start time, so a re-used pid is never adopted), its canonical config
// and the runtime values xm shows that QEMU does not keep (balloon target,
// online vCPUs, scheduler parameters). Pure JSON mapping plus an atomic
// file write (temp file, fsync, rename) and a bounded read.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "common/expected.h"

namespace xenia::xend {

// When this incarnation's QEMU was started, ready for commands (its QMP
// answered) and let run (cont), in ms after startTime: xend's own share of a
// boot is exec + (cont - ready); the rest is QEMU's start-up. Zero when
// unknown (adopted records of older xends, paused starts have no cont).
struct StartupTimes {
  double execMs = 0;
  double readyMs = 0;
  double contMs = 0;
  bool operator==(const StartupTimes&) const = default;
};

struct VmRecord {
  static constexpr int kVersion = 1;

  int domid = 0;
  std::string name;
  std::string uuid;
  pid_t pid = 0;
  uint64_t pidStartTicks = 0;  // /proc/<pid>/stat field 22
  double startTime = 0;        // epoch seconds this incarnation started
  std::string accel;           // "kvm" / "tcg"
  nlohmann::ordered_json config;  // canonical domain JSON (domainToJson)
  bool managed = false;
  int restartCount = 0;       // incarnations before this one (on_* restart)
  int64_t memoryMiB = 0;      // balloon target
  int64_t maxmemMiB = 0;      // mem-max
  int onlineVcpus = 0;
  int weight = 256;           // sched-credit
  int cap = 0;
  bool preserved = false;     // on_* preserve already applied
  std::string consolePty;     // serial pty, if any
  std::string consoleLog;     // the file QEMU logs the console to (fixed at start)
  int vncPort = 0;            // TCP port of QEMU's VNC server, 0 = none
  std::string vncTls;         // "", "x509" or "x509verify": how that server was started
  StartupTimes startup;

  bool operator==(const VmRecord&) const = default;
};

nlohmann::ordered_json vmRecordToJson(const VmRecord& r);
// Errors name the missing or mistyped key.
Expected<VmRecord, std::string> vmRecordFromJson(const nlohmann::ordered_json& j);

// Writes path atomically (path.tmp, fsync, rename), mode 0600.
Expected<Ok, std::string> writeFileAtomic(const std::string& path, const std::string& data);
// Reads a whole file of at most maxBytes.
Expected<std::string, std::string> readSmallFile(const std::string& path,
                                                 size_t maxBytes = 4 << 20);

Expected<Ok, std::string> saveVmRecord(const std::string& path, const VmRecord& r);
Expected<VmRecord, std::string> loadVmRecord(const std::string& path);

}  // namespace xenia::xend
