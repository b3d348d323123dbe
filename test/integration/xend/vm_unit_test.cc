// Pure parts of src/xend/vm: the vm.json record, QMP event -> run state,
// /proc/<pid>/stat parsing and the credit scheduler -> cgroup values.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "xend/vm/affinity.h"
#include "xend/vm/cgroup.h"
#include "xend/vm/proc_stat.h"
#include "xend/vm/run_state.h"
#include "xend/vm/vm_record.h"

namespace xenia::xend {
namespace {

using nlohmann::json;

VmRecord sampleRecord() {
  VmRecord r;
  r.domid = 12;
  r.name = "web1";
  r.uuid = "6a1b6c2e-0f3d-4b5a-9c7e-2d4f6a8b0c1e";
  r.pid = 4242;
  r.pidStartTicks = 987654321;
  r.startTime = 1764182400.25;
  r.accel = "tcg";
  r.config = nlohmann::ordered_json{{"name", "web1"}, {"memory", 256}};
  r.managed = true;
  r.restartCount = 2;
  r.memoryMiB = 200;
  r.maxmemMiB = 256;
  r.onlineVcpus = 3;
  r.weight = 512;
  r.cap = 50;
  r.preserved = true;
  r.consolePty = "/dev/pts/7";
  r.consoleLog = "/var/log/xen/console/guest-web1.log";
  r.vncPort = 5901;
  r.startup = {3.5, 171.25, 180.75};
  return r;
}

// Records of xends that did not time start-ups have no "startup".
TEST(VmRecord, StartupTimesAreOptional) {
  auto j = vmRecordToJson(sampleRecord());
  EXPECT_EQ(j["startup"]["cont_ms"], 180.75);
  j.erase("startup");
  auto r = vmRecordFromJson(j);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->startup, StartupTimes{});
  j["startup"] = {{"exec_ms", 1}, {"ready_ms", "2"}, {"cont_ms", 3}};
  EXPECT_FALSE(vmRecordFromJson(j));
  j["startup"] = 7;
  EXPECT_FALSE(vmRecordFromJson(j));
}

// Records written before VNC ports were kept have no "vnc_port".
TEST(VmRecord, VncPortIsOptional) {
  auto j = vmRecordToJson(sampleRecord());
  j.erase("vnc_port");
  auto r = vmRecordFromJson(j);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->vncPort, 0);
  j["vnc_port"] = "5901";
  EXPECT_FALSE(vmRecordFromJson(j));
}

TEST(VmRecord, JsonRoundTrip) {
  VmRecord r = sampleRecord();
  auto back = vmRecordFromJson(vmRecordToJson(r));
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(*back, r);
  // Through text too, as on disk.
  auto parsed = nlohmann::ordered_json::parse(vmRecordToJson(r).dump(2));
  auto again = vmRecordFromJson(parsed);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, r);
}

TEST(VmRecord, RejectsMissingAndMistypedKeys) {
  auto j = vmRecordToJson(sampleRecord());
  auto missing = j;
  missing.erase("pid_start_ticks");
  auto r = vmRecordFromJson(missing);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("pid_start_ticks"), std::string::npos);

  auto wrong = j;
  wrong["domid"] = "12";
  r = vmRecordFromJson(wrong);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("domid"), std::string::npos);

  auto version = j;
  version["version"] = 99;
  EXPECT_FALSE(vmRecordFromJson(version));
  EXPECT_FALSE(vmRecordFromJson(nlohmann::ordered_json::array()));
}

TEST(VmRecord, FileWriteIsAtomicAndReadable) {
  char tmpl[] = "/tmp/xvr-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  std::string path = std::string(tmpl) + "/vm.json";
  ASSERT_TRUE(saveVmRecord(path, sampleRecord()));
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  auto r = loadVmRecord(path);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(*r, sampleRecord());
  EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  ASSERT_TRUE(writeFileAtomic(path, "{not json"));
  EXPECT_FALSE(loadVmRecord(path));
  EXPECT_FALSE(loadVmRecord(std::string(tmpl) + "/absent.json"));
  std::filesystem::remove_all(tmpl);
}

TEST(RunState, GuestShutdownRebootAndPanicEndTheGuest) {
  auto t = applyEvent(RunState::kRunning, "SHUTDOWN",
                      json{{"guest", true}, {"reason", "guest-shutdown"}});
  EXPECT_EQ(t.next, RunState::kShutdown);
  EXPECT_EQ(t.exit, GuestExit::kPoweroff);

  t = applyEvent(RunState::kRunning, "SHUTDOWN", json{{"guest", true}, {"reason", "guest-reset"}});
  EXPECT_EQ(t.next, RunState::kShutdown);
  EXPECT_EQ(t.exit, GuestExit::kReboot);

  t = applyEvent(RunState::kRunning, "GUEST_PANICKED", json{{"action", "pause"}});
  EXPECT_EQ(t.next, RunState::kCrashed);
  EXPECT_EQ(t.exit, GuestExit::kCrash);

  t = applyEvent(RunState::kPaused, "SHUTDOWN", json{{"guest", true}, {"reason", "guest-panic"}});
  EXPECT_EQ(t.next, RunState::kCrashed);
  EXPECT_EQ(t.exit, GuestExit::kCrash);
}

TEST(RunState, HostCausesAreNotGuestExits) {
  for (const char* reason : {"host-qmp-quit", "host-signal", "host-qmp-system-reset"}) {
    auto t = applyEvent(RunState::kRunning, "SHUTDOWN", json{{"guest", false}, {"reason", reason}});
    EXPECT_EQ(t.next, RunState::kRunning) << reason;
    EXPECT_FALSE(t.exit) << reason;
  }
  auto t = applyEvent(RunState::kRunning, "RESET",
                      json{{"guest", false}, {"reason", "host-qmp-system-reset"}});
  EXPECT_EQ(t.next, RunState::kRunning);
  EXPECT_FALSE(t.exit);
}

TEST(RunState, StopAndResume) {
  EXPECT_EQ(applyEvent(RunState::kRunning, "STOP", json::object()).next, RunState::kPaused);
  EXPECT_EQ(applyEvent(RunState::kStarting, "RESUME", json::object()).next, RunState::kRunning);
  EXPECT_EQ(applyEvent(RunState::kPaused, "RESUME", json::object()).next, RunState::kRunning);
  // QEMU stops the VM after a guest shutdown: the state stays "shut down".
  EXPECT_EQ(applyEvent(RunState::kShutdown, "STOP", json::object()).next, RunState::kShutdown);
  EXPECT_EQ(applyEvent(RunState::kCrashed, "STOP", json::object()).next, RunState::kCrashed);
  // A second SHUTDOWN does not report a second exit.
  auto t = applyEvent(RunState::kShutdown, "SHUTDOWN", json{{"reason", "guest-shutdown"}});
  EXPECT_FALSE(t.exit);
  // Nothing happens to a dead guest.
  EXPECT_EQ(applyEvent(RunState::kDead, "RESUME", json::object()).next, RunState::kDead);
  // Unknown events and malformed data change nothing.
  EXPECT_EQ(applyEvent(RunState::kRunning, "BALLOON_CHANGE", json{{"actual", 1}}).next,
            RunState::kRunning);
  EXPECT_FALSE(applyEvent(RunState::kRunning, "SHUTDOWN", json::array()).exit);
}

TEST(RunState, StatusAfterReconnect) {
  EXPECT_EQ(stateFromStatus("running").next, RunState::kRunning);
  EXPECT_EQ(stateFromStatus("paused").next, RunState::kPaused);
  EXPECT_EQ(stateFromStatus("prelaunch").next, RunState::kStarting);
  auto t = stateFromStatus("shutdown");
  EXPECT_EQ(t.next, RunState::kShutdown);
  EXPECT_EQ(t.exit, GuestExit::kPoweroff);
  t = stateFromStatus("guest-panicked");
  EXPECT_EQ(t.next, RunState::kCrashed);
  EXPECT_EQ(t.exit, GuestExit::kCrash);
}

TEST(RunState, ProcessExitOfALiveGuestIsACrash) {
  EXPECT_EQ(applyProcessExit(RunState::kRunning).exit, GuestExit::kCrash);
  EXPECT_EQ(applyProcessExit(RunState::kPaused).exit, GuestExit::kCrash);
  EXPECT_FALSE(applyProcessExit(RunState::kShutdown).exit);
  EXPECT_EQ(applyProcessExit(RunState::kShutdown).next, RunState::kDead);
}

TEST(ProcStat, ParsesNamesWithSpacesAndParens) {
  std::string line =
      "4242 (qemu (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 75 0 0 20 0 5 0 "
      "987654 123456789 4096 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0\n";
  auto s = parseProcStat(line);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->state, 'S');
  EXPECT_EQ(s->utimeTicks, 250u);
  EXPECT_EQ(s->stimeTicks, 75u);
  EXPECT_EQ(s->startTicks, 987654u);
  EXPECT_EQ(parseLastCpu(line), 1);
  EXPECT_FALSE(parseProcStat("4242 (qemu S 1"));
  EXPECT_FALSE(parseProcStat("4242 (q) S 1 2 3"));
  EXPECT_FALSE(parseProcStat(""));
}

TEST(ProcStat, OwnProcessMatchesItsStartTime) {
  auto s = readProcStat(::getpid());
  ASSERT_TRUE(s);
  EXPECT_TRUE(processMatches(::getpid(), s->startTicks));
  EXPECT_FALSE(processMatches(::getpid(), s->startTicks + 1));
  EXPECT_FALSE(processMatches(0, s->startTicks));
}

TEST(Cgroup, CreditSchedulerValues) {
  EXPECT_EQ(v1Shares(256), 1024);
  EXPECT_EQ(v1Shares(512), 2048);
  EXPECT_EQ(v1Shares(1), 4);
  EXPECT_EQ(v1QuotaUs(0), -1);
  EXPECT_EQ(v1QuotaUs(50), 50000);
  EXPECT_EQ(v1QuotaUs(200), 200000);
  EXPECT_EQ(v2Weight(256), 100);
  EXPECT_EQ(v2Weight(512), 200);
  EXPECT_EQ(v2Weight(1), 1);
  EXPECT_EQ(v2Weight(65535), 10000);
  EXPECT_EQ(v2Max(0), "max 100000");
  EXPECT_EQ(v2Max(25), "25000 100000");
}

TEST(Cgroup, DetectsV1AndV2Layouts) {
  char tmpl[] = "/tmp/xcg-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  std::string root = tmpl;
  EXPECT_EQ(detectCgroupRoot(root).version, CgroupVersion::kNone);
  std::filesystem::create_directories(root + "/cpu");
  { std::ofstream(root + "/cpu/cpu.shares") << "1024\n"; }
  auto v1 = detectCgroupRoot(root);
  EXPECT_EQ(v1.version, CgroupVersion::kV1);
  EXPECT_EQ(v1.path, root + "/cpu");
  std::filesystem::remove_all(root + "/cpu");
  { std::ofstream(root + "/cgroup.controllers") << "cpuset cpu io memory pids\n"; }
  auto v2 = detectCgroupRoot(root);
  EXPECT_EQ(v2.version, CgroupVersion::kV2);
  EXPECT_EQ(v2.path, root);

  // A fake v2 tree: the group is created and the files written.
  auto g = DomainCgroup::create(v2, "xenia", 5);
  ASSERT_TRUE(g) << g.error();
  { std::ofstream(g->path() + "/cpu.weight") << ""; }
  { std::ofstream(g->path() + "/cpu.max") << ""; }
  ASSERT_TRUE(g->apply(512, 30));
  std::ifstream w(g->path() + "/cpu.weight");
  std::string wv;
  std::getline(w, wv);
  EXPECT_EQ(wv, "200");
  std::ifstream m(g->path() + "/cpu.max");
  std::string mv;
  std::getline(m, mv);
  EXPECT_EQ(mv, "30000 100000");
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace xenia::xend
