// Vm against a real QEMU (TCG): spawn with -S, QMP, console multiplexer and
// QEMU's own console log, exit notification with the wait status, run
// control events, vCPU hotplug and pinning, balloon, memory dump, and
// adopting a running QEMU again (as after an xend restart). The guest is
// the accelerator probe's boot stub: it prints on COM1 and exits through
// isa-debug-exit. Skipped when QEMU is not installed.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "qemu/probe/boot_stub.h"
#include "xend/vm/affinity.h"
#include "xend/vm/console_mux.h"
#include "xend/vm/proc_stat.h"
#include "xend/vm/vm.h"

namespace xenia::xend {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr const char* kQemu = "/usr/bin/qemu-system-x86_64";

class VmQemuTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::access(kQemu, X_OK) != 0) {
      GTEST_SKIP() << "qemu-system-x86_64 is not installed";
    }
    char tmpl[] = "/tmp/xvm-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    std::ofstream(dir_ + "/stub.img", std::ios::binary) << probe::bootStubImage();
    paths_.qmpSocket = dir_ + "/qmp.sock";
    paths_.consoleSocket = dir_ + "/console.sock";
    paths_.muxSocket = dir_ + "/mux.sock";
    paths_.qemuLog = dir_ + "/qemu.log";
  }
  void TearDown() override {
    vm_.reset();
    if (!dir_.empty()) {
      fs::remove_all(dir_);
    }
  }

  // bootable: the stub exits by itself after printing; otherwise SeaBIOS
  // finds nothing to boot and the guest idles.
  std::vector<std::string> argv(bool bootable) {
    std::vector<std::string> a = {
        kQemu, "-S", "-accel", "tcg", "-machine", "pc", "-nodefaults", "-no-user-config",
        "-display", "none", "-m", "32", "-smp", "cpus=1,maxcpus=2",
        "-chardev", "socket,id=charqmp,path=" + paths_.qmpSocket + ",server=on,wait=off",
        "-mon", "chardev=charqmp,mode=control",
        "-action", "reboot=shutdown,shutdown=pause,panic=pause",
        "-chardev", "socket,id=con0,path=" + paths_.consoleSocket +
                        ",server=on,wait=off,logfile=" + dir_ + "/console.log,logappend=on",
        "-device", "isa-serial,chardev=con0",
        "-device", "virtio-balloon-pci,id=balloon0",
        "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"};
    if (bootable) {
      a.insert(a.end(), {"-drive", "file=" + dir_ + "/stub.img,format=raw,if=ide,index=0",
                         "-boot", "order=c"});
    }
    return a;
  }

  VmCallbacks recorder() {
    VmCallbacks cb;
    cb.onState = [this](RunState s) { states_.push_back(s); };
    cb.onGuestExit = [this](GuestExit e) { exits_.push_back(e); };
    cb.onProcessExit = [this](int status) {
      exitStatus_ = status;
      processExited_ = true;
    };
    return cb;
  }

  bool runUntil(const std::function<bool()>& done, std::chrono::seconds limit = 60s) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) {
        return false;
      }
      loop_.runOnce(50ms);
    }
    return true;
  }

  std::string dir_;
  VmPaths paths_;
  EventLoop loop_;
  std::unique_ptr<Vm> vm_;
  std::vector<RunState> states_;
  std::vector<GuestExit> exits_;
  bool processExited_ = false;
  int exitStatus_ = -2;
};

int connectViewer(const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::snprintf(a.sun_path, sizeof a.sun_path, "%s", path.c_str());
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

TEST_F(VmQemuTest, BootsPrintsToEveryViewerAndReportsItsExit) {
  auto vm = Vm::spawn(loop_, argv(true), paths_, recorder());
  ASSERT_TRUE(vm) << vm.error();
  vm_ = std::move(*vm);
  EXPECT_EQ(vm_->state(), RunState::kStarting);
  EXPECT_GT(vm_->startTicks(), 0u);
  EXPECT_TRUE(processMatches(vm_->pid(), vm_->startTicks()));

  // Two viewers, both connected before the guest runs.
  int v1 = connectViewer(paths_.muxSocket);
  int v2 = connectViewer(paths_.muxSocket);
  ASSERT_GE(v1, 0);
  ASSERT_GE(v2, 0);
  ASSERT_TRUE(runUntil([&] { return vm_->console()->viewers() == 2; }));
  EXPECT_EQ(fs::status(paths_.muxSocket).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);

  ASSERT_TRUE(vm_->cont());
  EXPECT_EQ(vm_->state(), RunState::kRunning);
  ASSERT_TRUE(runUntil([&] { return processExited_; }));
  // isa-debug-exit: status (0x10 << 1) | 1.
  ASSERT_TRUE(WIFEXITED(exitStatus_));
  EXPECT_EQ(WEXITSTATUS(exitStatus_), probe::kBootStubExitCode);
  EXPECT_EQ(vm_->state(), RunState::kDead);
  EXPECT_TRUE(vm_->exited());

  for (int fd : {v1, v2}) {
    std::string got;
    char buf[256];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0) {
      got.append(buf, static_cast<size_t>(n));
    }
    EXPECT_EQ(got, probe::bootStubExpectedOutput());
    ::close(fd);
  }
  // QEMU logged the same bytes itself.
  std::ifstream log(dir_ + "/console.log");
  std::string logged((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  EXPECT_EQ(logged, probe::bootStubExpectedOutput());
  EXPECT_FALSE(fs::exists(paths_.muxSocket));  // the mux went with QEMU
}

TEST_F(VmQemuTest, RunControlHotplugPinningBalloonAndDump) {
  auto vm = Vm::spawn(loop_, argv(false), paths_, recorder());
  ASSERT_TRUE(vm) << vm.error();
  vm_ = std::move(*vm);
  ASSERT_TRUE(vm_->cont());
  ASSERT_TRUE(vm_->stop());
  EXPECT_EQ(vm_->state(), RunState::kPaused);
  ASSERT_TRUE(vm_->cont());
  EXPECT_EQ(vm_->state(), RunState::kRunning);
  ASSERT_TRUE(runUntil([&] { return states_.size() >= 3; }));
  EXPECT_EQ(states_.back(), RunState::kRunning);
  EXPECT_TRUE(exits_.empty());

  auto threads = vm_->vcpuThreads(true);
  ASSERT_TRUE(threads) << threads.error();
  ASSERT_EQ(threads->size(), 1u);
  auto n = vm_->setVcpuCount(2);
  ASSERT_TRUE(n) << n.error();
  EXPECT_EQ(*n, 2);
  threads = vm_->vcpuThreads(true);
  ASSERT_TRUE(threads);
  ASSERT_EQ(threads->size(), 2u);
  EXPECT_NE((*threads)[0].tid, (*threads)[1].tid);
  EXPECT_FALSE(vm_->setVcpuCount(3));

  ASSERT_TRUE(vm_->pinVcpu(1, {0}));
  auto aff = threadAffinity((*threads)[1].tid);
  ASSERT_TRUE(aff);
  EXPECT_EQ(*aff, std::vector<int>{0});
  ASSERT_TRUE(vm_->pinVcpu(1, {}));
  EXPECT_EQ(*threadAffinity((*threads)[1].tid), hostCpus());
  EXPECT_FALSE(vm_->pinVcpu(7, {0}));

  EXPECT_TRUE(vm_->balloon(16));
  EXPECT_FALSE(vm_->balloon(0));
  EXPECT_TRUE(vm_->sysrq('s'));
  EXPECT_FALSE(vm_->sysrq('#'));

  std::string core = dir_ + "/guest.core";
  ASSERT_TRUE(vm_->dumpCore(core));
  std::ifstream f(core, std::ios::binary);
  char magic[4] = {};
  f.read(magic, 4);
  EXPECT_EQ(std::string(magic, 4), "\x7f" "ELF");
  EXPECT_GT(fs::file_size(core), 32u << 20);
  EXPECT_EQ(vm_->state(), RunState::kRunning);  // dump resumes the guest
  EXPECT_GE(vm_->cpuSeconds(), 0.0);
  // Last: an NMI may well make SeaBIOS triple-fault (a guest reset).
  EXPECT_TRUE(vm_->injectNmi());

  vm_->terminate();
  EXPECT_TRUE(vm_->exited());
  EXPECT_FALSE(processMatches(vm_->pid(), vm_->startTicks()));
}

TEST_F(VmQemuTest, AdoptsARunningQemuAgain) {
  auto vm = Vm::spawn(loop_, argv(false), paths_, recorder());
  ASSERT_TRUE(vm) << vm.error();
  ASSERT_TRUE((*vm)->cont());
  ASSERT_TRUE((*vm)->stop());
  pid_t pid = (*vm)->pid();
  uint64_t ticks = (*vm)->startTicks();
  vm->reset();  // xend goes away; QEMU stays
  ASSERT_TRUE(processMatches(pid, ticks));

  EXPECT_FALSE(Vm::attach(loop_, pid, ticks + 1, paths_, recorder()));
  auto again = Vm::attach(loop_, pid, ticks, paths_, recorder());
  ASSERT_TRUE(again) << again.error();
  vm_ = std::move(*again);
  EXPECT_EQ(vm_->state(), RunState::kPaused);
  EXPECT_FALSE(vm_->pendingExit());
  int viewer = connectViewer(paths_.muxSocket);
  EXPECT_GE(viewer, 0);
  ::close(viewer);
  ASSERT_TRUE(vm_->cont());
  EXPECT_EQ(vm_->state(), RunState::kRunning);

  // A QEMU killed behind our back: not our child any more after the
  // re-attach in real life, but the pidfd still reports it.
  ::kill(pid, SIGKILL);
  ASSERT_TRUE(runUntil([&] { return processExited_; }));
  EXPECT_EQ(vm_->state(), RunState::kDead);
}

TEST_F(VmQemuTest, ABadCommandLineFailsWithQemusWords) {
  auto a = argv(false);
  a.push_back("-device");
  a.push_back("no-such-device");
  auto vm = Vm::spawn(loop_, a, paths_, recorder());
  ASSERT_FALSE(vm);
  EXPECT_NE(vm.error().find("no-such-device"), std::string::npos) << vm.error();
  auto missing = Vm::spawn(loop_, {"/nonexistent/qemu", "-S"}, paths_, recorder());
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().find("/nonexistent/qemu"), std::string::npos);
}

}  // namespace
}  // namespace xenia::xend
