// Memory admission messages, every on_* action after each exit reason with
// xend's 60-second restart guard, state strings and rename-restart names.
#include <gtest/gtest.h>

#include "config/model/names.h"
#include "xend/model/lifecycle.h"
#include "xend/model/memory.h"

namespace xenia::xend {
namespace {

using config::Action;

TEST(Memory, Fits) {
  MemoryVerdict v = checkMemory("web", 512, 8192, 196, 1024);
  EXPECT_TRUE(v.ok);
  EXPECT_EQ(v.availableMiB, 8192 - 196 - 1024);
  EXPECT_EQ(v.missingMiB, 0);
  EXPECT_EQ(v.message, "");
  EXPECT_TRUE(checkMemory("exact", 100, 100, 0, 0).ok);
}

TEST(Memory, DoesNotFit) {
  MemoryVerdict v = checkMemory("x", 512, 1520, 196, 1024);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.availableMiB, 300);
  EXPECT_EQ(v.missingMiB, 212);
  EXPECT_EQ(v.message,
            "Not enough free memory to create domain 'x': it needs 512 MiB but only 300 MiB are "
            "available (212 MiB missing; dom0-min-mem reserves 196 MiB, running domains use "
            "1024 MiB).");
}

TEST(Memory, Wording) {
  EXPECT_EQ(checkMemory("a", 10, 9, 0, 0).message,
            "Not enough free memory to create domain 'a': it needs 10 MiB but only 9 MiB are "
            "available (1 MiB missing).");
  EXPECT_EQ(checkMemory("b", 10, 1, 0, 0).message,
            "Not enough free memory to create domain 'b': it needs 10 MiB but only 1 MiB is "
            "available (9 MiB missing).");
  // Over-committed hosts: nothing available, everything missing.
  MemoryVerdict v = checkMemory("c", 64, 1000, 500, 600);
  EXPECT_EQ(v.availableMiB, -100);
  EXPECT_EQ(v.missingMiB, 64);
  EXPECT_EQ(v.message,
            "Not enough free memory to create domain 'c': it needs 64 MiB but only 0 MiB are "
            "available (64 MiB missing; dom0-min-mem reserves 500 MiB, running domains use 600 "
            "MiB).");
}

config::DomainConfig dom(Action poweroff, Action reboot, Action crash) {
  config::DomainConfig d;
  d.name = "web";
  d.onPoweroff = poweroff;
  d.onReboot = reboot;
  d.onCrash = crash;
  return d;
}

struct PlanCase {
  Action configured;
  ExitReason why;
  double elapsed;
  bool enableDump;
  Action expected;
  bool refused;
  bool dump;
};

TEST(Lifecycle, EveryActionAndReason) {
  const PlanCase cases[] = {
      // Long-running guests: the configured action.
      {Action::kDestroy, ExitReason::kPoweroff, 600, false, Action::kDestroy, false, false},
      {Action::kRestart, ExitReason::kReboot, 600, false, Action::kRestart, false, false},
      {Action::kPreserve, ExitReason::kCrash, 600, false, Action::kPreserve, false, false},
      {Action::kRenameRestart, ExitReason::kReboot, 600, false, Action::kRenameRestart, false,
       false},
      {Action::kCoredumpDestroy, ExitReason::kCrash, 600, false, Action::kCoredumpDestroy, false,
       true},
      {Action::kCoredumpRestart, ExitReason::kCrash, 600, false, Action::kCoredumpRestart, false,
       true},
      {Action::kSoftReset, ExitReason::kReboot, 5, false, Action::kSoftReset, false, false},
      // Nothing crashed: coredump-* acts as its plain half (xend's _maybeRestart).
      {Action::kCoredumpDestroy, ExitReason::kPoweroff, 600, false, Action::kDestroy, false, false},
      {Action::kCoredumpRestart, ExitReason::kReboot, 600, false, Action::kRestart, false, false},
      // enable-dump: every crash dumps.
      {Action::kRestart, ExitReason::kCrash, 600, true, Action::kRestart, false, true},
      {Action::kRestart, ExitReason::kReboot, 600, true, Action::kRestart, false, false},
      // The 60 s guard.
      {Action::kRestart, ExitReason::kReboot, 59.5, false, Action::kDestroy, true, false},
      {Action::kRenameRestart, ExitReason::kCrash, 1, false, Action::kDestroy, true, false},
      {Action::kCoredumpRestart, ExitReason::kCrash, 10, false, Action::kCoredumpDestroy, true,
       true},
      {Action::kCoredumpRestart, ExitReason::kReboot, 10, false, Action::kDestroy, true, false},
      {Action::kRestart, ExitReason::kCrash, 10, true, Action::kDestroy, true, true},
      {Action::kRestart, ExitReason::kReboot, kMinimumRestartTime, false, Action::kRestart, false,
       false},
      // Not restarting: no guard.
      {Action::kPreserve, ExitReason::kCrash, 1, false, Action::kPreserve, false, false},
      {Action::kDestroy, ExitReason::kPoweroff, 1, false, Action::kDestroy, false, false},
  };
  for (const PlanCase& c : cases) {
    config::DomainConfig d = dom(Action::kDestroy, Action::kDestroy, Action::kDestroy);
    (c.why == ExitReason::kPoweroff ? d.onPoweroff
     : c.why == ExitReason::kReboot ? d.onReboot
                                    : d.onCrash) = c.configured;
    LifecyclePlan p = planAfterExit(d, c.why, c.elapsed, c.enableDump);
    SCOPED_TRACE(std::string(config::actionName(c.configured)) + " after " +
                 std::to_string(static_cast<int>(c.why)) + ", " + std::to_string(c.elapsed) + " s");
    EXPECT_EQ(p.action, c.expected);
    EXPECT_EQ(p.restartRefused, c.refused);
    EXPECT_EQ(p.dumpCore, c.dump);
    EXPECT_FALSE(p.message.empty());
  }
}

TEST(Lifecycle, ReasonPicksTheMatchingKey) {
  config::DomainConfig d = dom(Action::kPreserve, Action::kRenameRestart, Action::kCoredumpDestroy);
  EXPECT_EQ(planAfterExit(d, ExitReason::kPoweroff, 999).action, Action::kPreserve);
  EXPECT_EQ(planAfterExit(d, ExitReason::kReboot, 999).action, Action::kRenameRestart);
  EXPECT_EQ(planAfterExit(d, ExitReason::kCrash, 999).action, Action::kCoredumpDestroy);
  EXPECT_EQ(planAfterExit(d, ExitReason::kReboot, 999).message,
            "Domain web stopped (reason reboot); on_reboot=rename-restart");
}

TEST(Lifecycle, RestartingTooFastMessageIsXends) {
  config::DomainConfig d = dom(Action::kDestroy, Action::kRestart, Action::kRestart);
  LifecyclePlan p = planAfterExit(d, ExitReason::kReboot, 12.5);
  EXPECT_EQ(p.message,
            "VM web restarting too fast (Elapsed time: 12.500000 seconds). Refusing to restart "
            "to avoid loops.");
}

TEST(StateString, Flags) {
  EXPECT_EQ(stateString(false, false, false, false, false, false), "------");
  EXPECT_EQ(stateString(true, false, false, false, false, false), "r-----");
  EXPECT_EQ(stateString(false, true, false, false, false, false), "-b----");
  EXPECT_EQ(stateString(false, false, true, false, false, false), "--p---");
  EXPECT_EQ(stateString(false, false, false, true, false, false), "---s--");
  EXPECT_EQ(stateString(false, false, false, false, true, false), "----c-");
  EXPECT_EQ(stateString(false, false, false, false, false, true), "-----d");
  EXPECT_EQ(stateString(true, true, true, true, true, true), "rbpscd");
}

TEST(RenameRestart, NamedAfterTheNewUuid) {
  EXPECT_EQ(renameRestartName("web", "2b8c5b5e-8a4f-4c3e-9d1a-6f7e8d9c0b1a"),
            "Domain-2b8c5b5e-8a4f-4c3e-9d1a-6f7e8d9c0b1a");
}

}  // namespace
}  // namespace xenia::xend
