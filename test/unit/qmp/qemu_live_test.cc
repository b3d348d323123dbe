// Tests against the real qemu-system-x86_64 (skipped when it is absent): the
// QMP client on a live monitor (status, stop/cont, vCPU threads, fd passing,
// quit), the stub guest under TCG, the accelerator probe's self-consistency
// on this host, and the capability probe and its cache.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include <fmt/format.h>
#include <fstream>

#include "qemu/probe/accel.h"
#include "qemu/probe/caps_probe.h"
#include "qemu/probe/process.h"
#include "qemu/qmp/calls.h"

namespace xenia {
namespace {

using std::chrono::milliseconds;
namespace fs = std::filesystem;

const char* kQemu = "qemu-system-x86_64";

bool haveQemu() { return probe::binaryKey(kQemu).has_value(); }

// A private temp dir, removed with everything in it.
struct TempDir {
  std::string path;
  TempDir() {
    char t[] = "/tmp/xqlive-XXXXXX";
    path = ::mkdtemp(t) ? t : "";
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

TEST(QemuLive, QmpStatusStopContVcpusFdsAndQuit) {
  if (!haveQemu()) {
    GTEST_SKIP() << "qemu-system-x86_64 is not installed";
  }
  TempDir dir;
  std::string sock = dir.path + "/qmp.sock";
  auto child = probe::Child::spawn({kQemu, "-machine", "pc", "-accel", "tcg", "-m", "16",
                                    "-nodefaults", "-no-user-config", "-display", "none", "-S",
                                    "-qmp", "unix:" + sock + ",server=on,wait=off"},
                                   dir.path + "/qemu.log");
  ASSERT_TRUE(child) << child.error();

  std::vector<qmp::Event> events;
  qmp::ClientHandlers h;
  h.onEvent = [&](const qmp::Event& e) { events.push_back(e); };
  auto c = qmp::Client::connect(sock, milliseconds(10000), h);
  ASSERT_TRUE(c) << c.error().message();
  qmp::Client& q = **c;
  probe::RunOptions vo;
  vo.argv = {kQemu, "--version"};
  auto vr = probe::runProgram(vo);
  ASSERT_TRUE(vr);
  auto ver = probe::parseVersionOutput(vr->out);
  ASSERT_TRUE(ver);
  EXPECT_EQ(q.qemuVersion().str(), ver->str());

  auto st = qmp::queryStatus(q);
  ASSERT_TRUE(st) << st.error().message();
  EXPECT_EQ(st->status, "prelaunch");
  EXPECT_FALSE(st->running);

  // The vCPU thread ids are threads of this QEMU.
  auto cpus = qmp::queryCpusFast(q);
  ASSERT_TRUE(cpus) << cpus.error().message();
  ASSERT_EQ(cpus->size(), 1u);
  EXPECT_TRUE(fs::exists(fmt::format("/proc/{}/task/{}", child->pid(), (*cpus)[0].threadId)));

  ASSERT_TRUE(qmp::cont(q));
  st = qmp::queryStatus(q);
  ASSERT_TRUE(st);
  EXPECT_TRUE(st->running);
  ASSERT_TRUE(qmp::stop(q));
  st = qmp::queryStatus(q);
  ASSERT_TRUE(st);
  EXPECT_EQ(st->status, "paused");

  // A real SCM_RIGHTS round trip: QEMU only accepts getfd with an fd attached.
  int p[2];
  ASSERT_EQ(::pipe2(p, O_CLOEXEC), 0);
  UniqueFd keep(p[0]);
  ASSERT_TRUE(qmp::getfd(q, "probe-fd", UniqueFd(p[1])));
  ASSERT_TRUE(qmp::closefd(q, "probe-fd"));
  auto noFd = q.call(qmp::cmd::getfd("missing", UniqueFd()), milliseconds(5000));
  ASSERT_FALSE(noFd);
  EXPECT_EQ(noFd.error().kind, qmp::ErrorKind::kCommand);

  auto err = qmp::deviceDel(q, "no-such-device");
  ASSERT_FALSE(err);
  EXPECT_EQ(err.error().cls, "DeviceNotFound");

  ASSERT_TRUE(qmp::quit(q));
  int status = 0;
  ASSERT_TRUE(child->wait(milliseconds(10000), &status));
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

  std::vector<std::string> names;
  for (const auto& e : events) {
    names.push_back(e.name);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"RESUME", "STOP", "SHUTDOWN"}));
  auto sd = qmp::parseShutdownEvent(events.back());
  ASSERT_TRUE(sd);
  EXPECT_FALSE(sd->guest);
  EXPECT_EQ(sd->reason, "host-qmp-quit");
}

TEST(QemuLive, StubGuestRunsUnderTcg) {
  if (!haveQemu()) {
    GTEST_SKIP() << "qemu-system-x86_64 is not installed";
  }
  TempDir dir;
  auto v = probe::runStubGuest(kQemu, "tcg", milliseconds(20000), dir.path);
  EXPECT_TRUE(v.ok) << v.reason;
  EXPECT_TRUE(fs::is_empty(dir.path));  // the image was removed
}

// A stand-in QEMU that reports a KVM emulation failure and then hangs, as a
// real one does on a KVM that cannot run the guest: the probe must stop it
// at once and say why.
TEST(QemuLive, StubGuestStopsAtAKvmInternalError) {
  TempDir dir;
  std::string fake = dir.path + "/fake-qemu";
  {
    std::ofstream f(fake);
    f << "#!/bin/sh\n"
         "printf 'KVM internal error. Suberror: 1\\nemulation failure\\n' >&2\n"
         "exec sleep 60\n";
  }
  ::chmod(fake.c_str(), 0755);
  auto v = probe::runStubGuest(fake, "kvm", milliseconds(20000), dir.path);
  EXPECT_FALSE(v.ok);
  EXPECT_NE(v.reason.find("emulation failure"), std::string::npos) << v.reason;
}

TEST(QemuLive, AccelProbeIsSelfConsistent) {
  if (!haveQemu()) {
    GTEST_SKIP() << "qemu-system-x86_64 is not installed";
  }
  TempDir dir;
  probe::AccelProbeOptions o;
  o.tmpDir = dir.path;
  auto r = probe::probeAccel(o);
  ASSERT_FALSE(r.reason.empty());
  EXPECT_GT(r.qemuVersion.major, 0);
  if (r.accel == "kvm") {
    // KVM is claimed only when the stub really ran under it.
    EXPECT_NE(r.reason.find("under kvm"), std::string::npos) << r.reason;
    EXPECT_TRUE(probe::kvmDeviceProblem("/dev/kvm").empty());
  } else {
    ASSERT_EQ(r.accel, "tcg");
    // Either the device is unusable or the stub failed under KVM; both say so.
    std::string dev = probe::kvmDeviceProblem("/dev/kvm");
    if (!dev.empty()) {
      EXPECT_NE(r.reason.find("/dev/kvm"), std::string::npos) << r.reason;
    } else {
      EXPECT_NE(r.reason.find("kvm"), std::string::npos) << r.reason;
    }
  }
  std::cout << "accel probe: " << r.accel << " (" << r.reason << ")\n";

  o.kvmDevice = dir.path + "/no-kvm";
  auto missing = probe::probeAccel(o);
  EXPECT_EQ(missing.accel, "tcg");
  EXPECT_NE(missing.reason.find("no-kvm"), std::string::npos);
}

TEST(QemuLive, CapsProbeAndCache) {
  if (!haveQemu()) {
    GTEST_SKIP() << "qemu-system-x86_64 is not installed";
  }
  TempDir dir;
  // A wrapper script stands for the binary so the test can change its mtime.
  std::string wrapper = dir.path + "/qemu";
  {
    std::ofstream f(wrapper);
    f << "#!/bin/sh\nexec " << kQemu << " \"$@\"\n";
  }
  ::chmod(wrapper.c_str(), 0755);
  std::string cache = dir.path + "/cache";

  auto first = probe::probeCapsCached(wrapper, cache, milliseconds(20000));
  ASSERT_TRUE(first) << first.error();
  EXPECT_FALSE(first->fromCache);
  const auto& caps = first->caps;
  EXPECT_TRUE(caps.hasDevice("isa-debug-exit"));  // the accel probe relies on it
  EXPECT_TRUE(caps.hasMachine("pc"));
  EXPECT_TRUE(caps.machines.count(caps.defaultMachine));
  EXPECT_TRUE(caps.hasCpuModel("qemu64"));
  ASSERT_EQ(caps.notes.size(), 2u);
  std::cout << "sandbox=" << caps.sandbox << " iscsi=" << caps.iscsi << "\n";
  for (const auto& n : caps.notes) {
    std::cout << "  " << n << "\n";
  }

  auto second = probe::probeCapsCached(wrapper, cache, milliseconds(20000));
  ASSERT_TRUE(second);
  EXPECT_TRUE(second->fromCache);
  EXPECT_EQ(second->caps, caps);

  // A changed binary (mtime) is probed again.
  timespec times[2] = {{0, UTIME_OMIT}, {1000000000, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, wrapper.c_str(), times, 0), 0);
  auto third = probe::probeCapsCached(wrapper, cache, milliseconds(20000));
  ASSERT_TRUE(third);
  EXPECT_FALSE(third->fromCache);

  // A corrupt cache entry is re-probed, not trusted.
  auto key = probe::binaryKey(wrapper);
  ASSERT_TRUE(key);
  { std::ofstream(probe::cacheFileFor(cache, key->path)) << "{\"format\": 1, \"key\": "; }
  auto fourth = probe::probeCapsCached(wrapper, cache, milliseconds(20000));
  ASSERT_TRUE(fourth);
  EXPECT_FALSE(fourth->fromCache);
  EXPECT_EQ(fourth->caps, caps);
}

TEST(QemuLive, CollectHelpGathersTheRawTexts) {
  if (!haveQemu()) {
    GTEST_SKIP() << "qemu-system-x86_64 is not installed";
  }
  TempDir dir;
  std::ofstream(dir.path + "/block-example.so") << "";
  auto h = probe::collectHelp(kQemu, milliseconds(20000), dir.path);
  ASSERT_TRUE(h) << h.error();
  EXPECT_TRUE(probe::parseVersionOutput(h->version));
  EXPECT_TRUE(probe::parseDeviceHelp(h->deviceHelp));
  EXPECT_TRUE(probe::parseMachineHelp(h->machineHelp));
  EXPECT_TRUE(probe::parseCpuHelp(h->cpuHelp));
  for (const std::string* t : {&h->help, &h->accelHelp, &h->driveFormatHelp, &h->displayHelp}) {
    EXPECT_FALSE(t->empty());
  }
  EXPECT_NE(h->accelHelp.find("tcg"), std::string::npos);
  EXPECT_TRUE(h->hasModuleList);
  EXPECT_EQ(h->moduleFiles, std::vector<std::string>{"block-example.so"});
  auto none = probe::collectHelp(kQemu, milliseconds(20000), dir.path + "/absent");
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->hasModuleList);
}

}  // namespace
}  // namespace xenia
