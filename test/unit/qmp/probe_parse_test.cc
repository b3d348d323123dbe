// The probe's pure parts against output recorded from Debian 12's QEMU 7.2
// (test/unit/qmp/data/qemu-7.2-*): help parsers, acceptance verdicts, the
// cache form, the stub guest's command line and run verdicts.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "qemu/probe/accel.h"
#include "qemu/probe/boot_stub.h"
#include "qemu/probe/caps.h"

namespace xenia::probe {
namespace {

std::string data(const std::string& name) {
  std::ifstream in("test/unit/qmp/data/" + name, std::ios::binary);
  EXPECT_TRUE(in) << name << " (tests run from the source tree)";
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

Expected<RunResult, std::string> runArgv(std::vector<std::string> argv) {
  RunOptions o;
  o.argv = std::move(argv);
  return runProgram(o);
}

size_t countLinesStartingWith(const std::string& text, const std::string& prefix) {
  std::istringstream in(text);
  std::string l;
  size_t n = 0;
  while (std::getline(in, l)) {
    n += l.rfind(prefix, 0) == 0;
  }
  return n;
}

TEST(ProbeParse, Version) {
  auto v = parseVersionOutput(data("qemu-7.2-version.txt"));
  ASSERT_TRUE(v) << v.error();
  EXPECT_EQ(v->str(), "7.2.22");
  EXPECT_EQ(v->package, "Debian 1:7.2+dfsg-7+deb12u18+b3");
  auto upstream = parseVersionOutput("QEMU emulator version 8.1.0\nCopyright");
  ASSERT_TRUE(upstream);
  EXPECT_EQ(upstream->str(), "8.1.0");
  EXPECT_EQ(upstream->package, "");
  EXPECT_FALSE(parseVersionOutput("qemu-img version 7.2.22"));
  EXPECT_FALSE(parseVersionOutput(""));
}

TEST(ProbeParse, DeviceHelp) {
  std::string text = data("qemu-7.2-device-help.txt");
  auto d = parseDeviceHelp(text);
  ASSERT_TRUE(d) << d.error();
  EXPECT_EQ(d->names.size(), countLinesStartingWith(text, "name \""));
  for (const char* n : {"virtio-net-pci", "e1000", "rtl8139", "isa-debug-exit", "virtio-blk-pci",
                        "ide-cd", "qemu-xhci", "usb-tablet", "virtio-balloon-pci", "cirrus-vga"}) {
    EXPECT_TRUE(d->names.count(n)) << n;
  }
  EXPECT_EQ(d->aliases.at("virtio-net"), "virtio-net-pci");
  EXPECT_EQ(d->aliases.at("ahci"), "ich9-ahci");
  EXPECT_EQ(d->names.count("virtio-net"), 0u);
  // Descriptions are not names.
  EXPECT_EQ(d->names.count("Standard"), 0u);
}

TEST(ProbeParse, DeviceHelpSkipsNoUserAndRefusesJunk) {
  auto d = parseDeviceHelp(
      "Misc devices:\n"
      "name \"a\", bus PCI, desc \"A, with a comma\"\n"
      "name \"b\", bus System, no-user\n"
      "name \"c\", alias \"cc\"\n");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->names, (std::set<std::string>{"a", "c"}));
  EXPECT_EQ(d->aliases.at("cc"), "c");
  EXPECT_FALSE(parseDeviceHelp(""));
  EXPECT_FALSE(parseDeviceHelp("qemu-system-x86_64: -device help: not supported\n"));
  EXPECT_FALSE(parseDeviceHelp("name \"\", bus PCI\n"));
}

TEST(ProbeParse, MachineHelp) {
  auto m = parseMachineHelp(data("qemu-7.2-machine-help.txt"));
  ASSERT_TRUE(m) << m.error();
  EXPECT_EQ(m->defaultMachine, "pc-i440fx-7.2");
  EXPECT_EQ(m->aliases.at("pc"), "pc-i440fx-7.2");
  EXPECT_EQ(m->aliases.at("q35"), "pc-q35-7.2");
  EXPECT_TRUE(m->names.count("none"));
  EXPECT_TRUE(m->names.count("microvm"));
  EXPECT_TRUE(m->names.count("isapc"));
  EXPECT_EQ(m->names.count("pc"), 0u);
  for (const auto& [alias, target] : m->aliases) {
    EXPECT_TRUE(m->names.count(target)) << alias << " -> " << target;
  }
  EXPECT_FALSE(parseMachineHelp("pc  Standard PC\n"));  // no heading
  EXPECT_FALSE(parseMachineHelp("Supported machines are:\n"));
}

TEST(ProbeParse, CpuHelp) {
  std::string text = data("qemu-7.2-cpu-help.txt");
  auto c = parseCpuHelp(text);
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->models.size(), countLinesStartingWith(text, "x86 "));
  for (const char* n : {"qemu64", "host", "max", "base", "Skylake-Client", "486"}) {
    EXPECT_TRUE(c->models.count(n)) << n;
  }
  for (const char* f : {"vmx", "svm", "sse4.1", "avx2", "x2apic", "hypervisor"}) {
    EXPECT_TRUE(c->flags.count(f)) << f;
  }
  EXPECT_EQ(c->flags.count("Recognized"), 0u);
  EXPECT_FALSE(parseCpuHelp("Available CPUs:\n\n"));
}

TEST(ProbeParse, SandboxVerdict) {
  std::string out = data("qemu-7.2-sandbox-on.stdout");
  EXPECT_TRUE(judgeSandboxRun(true, 0, out, "").available);
  // What a QEMU built without libseccomp prints (softmmu/vl.c, QEMU 7.2).
  auto no = judgeSandboxRun(
      true, 1, "", "qemu-system-x86_64: -sandbox support is not enabled in this QEMU binary\n");
  EXPECT_FALSE(no.available);
  EXPECT_NE(no.note.find("not enabled"), std::string::npos);
  EXPECT_FALSE(judgeSandboxRun(false, -1, "", "").available);  // killed
  EXPECT_FALSE(judgeSandboxRun(true, 0, "", "").available);    // never greeted
}

TEST(ProbeParse, IscsiVerdict) {
  EXPECT_TRUE(judgeIscsiRun(data("qemu-7.2-iscsi-loaded.stderr")).available);
  // Recorded with the module directory hidden (qemu-block-extra missing).
  auto missing = judgeIscsiRun(data("qemu-7.2-iscsi-missing.stderr"));
  EXPECT_FALSE(missing.available);
  EXPECT_NE(missing.note.find("no iscsi block driver"), std::string::npos);
  auto odd = judgeIscsiRun("something else entirely\n");
  EXPECT_FALSE(odd.available);
  EXPECT_NE(odd.note.find("something else"), std::string::npos);
}

TEST(ProbeParse, CapsJsonRoundTrip) {
  Capabilities c;
  c.version = *parseVersionOutput(data("qemu-7.2-version.txt"));
  c.devices = {"e1000", "virtio-net-pci"};
  c.deviceAliases = {{"virtio-net", "virtio-net-pci"}};
  c.machines = {"pc-i440fx-7.2"};
  c.machineAliases = {{"pc", "pc-i440fx-7.2"}};
  c.defaultMachine = "pc-i440fx-7.2";
  c.cpuModels = {"qemu64"};
  c.cpuFlags = {"vmx"};
  c.sandbox = true;
  c.notes = {"sandbox: ok"};
  auto back = capsFromJson(nlohmann::json::parse(capsToJson(c).dump()));
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(*back, c);
  EXPECT_TRUE(back->hasDevice("virtio-net"));
  EXPECT_TRUE(back->hasMachine("pc"));
  auto broken = capsToJson(c);
  broken["sandbox"] = "yes";
  EXPECT_FALSE(capsFromJson(broken));
  EXPECT_FALSE(capsFromJson(nlohmann::json::array()));
}

TEST(BootStub, ImageIsABootSector) {
  std::string_view img = bootStubImage();
  ASSERT_EQ(img.size(), 512u);
  EXPECT_EQ(static_cast<unsigned char>(img[510]), 0x55);
  EXPECT_EQ(static_cast<unsigned char>(img[511]), 0xaa);
  EXPECT_NE(bootStubExpectedOutput().find(fmt::format("{:08X}", bootStubChecksum())),
            std::string::npos);
}

// The embedded bytes must be what boot_stub.S assembles to.
TEST(BootStub, MatchesTheAssemblySource) {
  const char* src = "src/qemu/probe/boot_stub.S";
  ASSERT_EQ(::access(src, R_OK), 0) << src << " (tests run from the source tree)";
  char tmpl[] = "/tmp/xstub-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  std::string dir = tmpl;
  struct Cleanup {
    std::string d;
    ~Cleanup() {
      std::error_code ec;
      std::filesystem::remove_all(d, ec);
    }
  } cleanup{dir};
  std::string o = dir + "/s.o";
  std::string bin = dir + "/s.bin";
  auto as = runArgv({"as", "--32", "-o", o, src});
  if (!as) {
    GTEST_SKIP() << "GNU as is not available: " << as.error();
  }
  ASSERT_TRUE(as->exited && as->exitCode == 0) << as->err;
  auto ld =
      runArgv({"ld", "-m", "elf_i386", "-Ttext", "0x7c00", "--oformat", "binary", "-o", bin, o});
  ASSERT_TRUE(ld && ld->exited && ld->exitCode == 0) << (ld ? ld->err : ld.error());
  std::ifstream in(bin, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  EXPECT_EQ(s.str(), std::string(bootStubImage()))
      << "boot_stub.cc is stale: regenerate its array from boot_stub.S";
}

TEST(StubVerdict, ArgvRunsTheImageUnderTheAccelerator) {
  auto argv = stubGuestArgv("/usr/bin/qemu-system-x86_64", "kvm", "/tmp/img");
  std::string joined;
  for (const auto& a : argv) {
    joined += a + " ";
  }
  EXPECT_EQ(argv[0], "/usr/bin/qemu-system-x86_64");
  EXPECT_NE(joined.find("-accel kvm "), std::string::npos);
  EXPECT_NE(joined.find("isa-debug-exit,iobase=0xf4"), std::string::npos);
  EXPECT_NE(joined.find("file=/tmp/img,format=raw"), std::string::npos);
  EXPECT_NE(joined.find("-no-reboot"), std::string::npos);
}

RunResult exitedWith(int code, std::string out, std::string err = "") {
  RunResult r;
  r.exited = true;
  r.exitCode = code;
  r.out = std::move(out);
  r.err = std::move(err);
  return r;
}

TEST(StubVerdict, Judgements) {
  using std::chrono::milliseconds;
  auto good = judgeStubRun(exitedWith(kBootStubExitCode, bootStubExpectedOutput()), "kvm",
                           milliseconds(4000));
  EXPECT_TRUE(good.ok) << good.reason;
  EXPECT_NE(good.reason.find("kvm"), std::string::npos);

  // QEMU's KVM_EXIT_INTERNAL_ERROR report (accel/kvm/kvm-all.c); it then
  // pauses the guest, so the runner stops it.
  RunResult emu;
  emu.stoppedEarly = true;
  emu.out = "XENIA-STUB rm\n";
  emu.err = "KVM internal error. Suberror: 1\nemulation failure\nEAX=00000000 EBX=00000000\n";
  auto bad = judgeStubRun(emu, "kvm", milliseconds(4000));
  EXPECT_FALSE(bad.ok);
  EXPECT_NE(bad.reason.find("emulation failure"), std::string::npos);
  EXPECT_TRUE(stubFatalSeen(emu.err));
  EXPECT_FALSE(stubFatalSeen("qemu-system-x86_64: warning: host doesn't support x2apic\n"));

  RunResult hung;
  hung.timedOut = true;
  hung.out = "XENIA-STUB rm\n";
  auto slow = judgeStubRun(hung, "kvm", milliseconds(4000));
  EXPECT_FALSE(slow.ok);
  EXPECT_NE(slow.reason.find("4000 ms"), std::string::npos);
  EXPECT_NE(slow.reason.find("real mode"), std::string::npos);

  auto wrongSum = judgeStubRun(
      exitedWith(kBootStubExitCode, "XENIA-STUB rm\nXENIA-STUB pm 00000000\n"), "kvm",
      milliseconds(4000));
  EXPECT_FALSE(wrongSum.ok);
  EXPECT_NE(wrongSum.reason.find("wrong result"), std::string::npos);

  auto noKvm = judgeStubRun(
      exitedWith(1, "", "qemu-system-x86_64: -accel kvm: Could not access KVM kernel module: "
                        "No such file or directory\n"),
      "kvm", milliseconds(4000));
  EXPECT_FALSE(noKvm.ok);
  EXPECT_NE(noKvm.reason.find("Could not access KVM"), std::string::npos);
  EXPECT_NE(noKvm.reason.find("exit status 1"), std::string::npos);
}

}  // namespace
}  // namespace xenia::probe
