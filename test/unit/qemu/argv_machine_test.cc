// qemu/argv: the whole command line of a minimal PV guest, and the machine
// part (machine type, accelerator, memory, vCPUs, RTC, boot order, kernel,
// firmware) with the platform devices, QMP and sandbox, and their errors.
#include "argv_test_util.h"

namespace xenia::qemu {
namespace {

using namespace test;

TEST(ArgvMachine, MinimalPvGuestWholeCommandLine) {
  Argv argv = build(basePv());
  const Argv want = {
      "/usr/bin/qemu-system-x86_64",
      "-name", "guest=pv1,debug-threads=on",
      "-uuid", "11111111-2222-3333-4444-555555555555",
      "-no-user-config",
      "-nodefaults",
      "-machine", "pc-i440fx-7.2,acpi=on,hpet=off,vmport=off",
      "-accel", "tcg",
      "-m", "size=256M",
      "-smp", "cpus=1,maxcpus=1",
      "-rtc", "base=utc",
      "-kernel", "/boot/vmlinuz",
      "-initrd", "/boot/initrd.img",
      "-append", "root=/dev/xvda1 ro",
      "-cpu", "qemu64,vmx=off,svm=off,enforce=on",
      "-chardev", "socket,id=charqmp,path=/run/xenia/domain/7/qmp.sock,server=on,wait=off",
      "-mon", "chardev=charqmp,mode=control",
      "-action", "reboot=shutdown,shutdown=pause,panic=pause",
      "-device", "virtio-serial-pci,id=vserial0",
      "-chardev", "socket,id=charconsole0,path=/run/xenia/domain/7/console.sock,server=on,wait=off",
      "-device", "virtconsole,bus=vserial0.0,nr=0,chardev=charconsole0,id=console0",
      "-chardev", "socket,id=charxenstore,path=/run/xenstored/domain/7/socket,reconnect=1",
      "-device",
      "virtserialport,bus=vserial0.0,nr=1,chardev=charxenstore,id=xenstore0,"
      "name=org.xenproject.xenstore",
      "-chardev", "pty,id=charserial0",
      "-device", "isa-serial,chardev=charserial0,id=serial0,index=0",
      "-display", "none",
      "-device", "virtio-balloon-pci,id=balloon0",
      "-device", "pvpanic,id=pvpanic0",
      "-sandbox", "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny",
  };
  EXPECT_EQ(argv, want) << formatArgs(argv);
}

TEST(ArgvMachine, SameInputsSameOutput) {
  auto c = baseHvm();
  c.disks.push_back(disk("/img/a.qcow2", "hda"));
  c.vifs.push_back(vif("00:16:3e:00:00:01"));
  c.graphics.vnc = true;
  EXPECT_EQ(build(c), build(c));
}

TEST(ArgvMachine, NameAndPathsAreEscapedForQemuOpts) {
  auto c = basePv();
  c.name = "a,b";
  auto f = facts(c);
  f.qmpSocket = "/tmp/x,y/qmp.sock";
  Argv argv = build(c, f);
  EXPECT_TRUE(has(values(argv, "-name"), "guest=a,,b,debug-threads=on"));
  EXPECT_TRUE(has(values(argv, "-chardev"),
                  "socket,id=charqmp,path=/tmp/x,,y/qmp.sock,server=on,wait=off"));
}

TEST(ArgvMachine, PlatformSwitches) {
  auto c = baseHvm();
  c.acpi = false;
  c.hpet = true;
  EXPECT_EQ(values(build(c), "-machine"),
            std::vector<std::string>{"pc-i440fx-7.2,acpi=off,hpet=on,vmport=off"});
}

TEST(ArgvMachine, MissingMachineOrAccelerator) {
  auto c = basePv();
  auto f = facts(c);
  f.caps.machineAliases.erase("pc");
  EXPECT_EQ(buildError(c, f).code, TranslateErrc::kMissingCapability);

  f = facts(c);
  f.accel = Accel::kKvm;
  f.caps.accels.erase("kvm");
  EXPECT_EQ(buildError(c, f).code, TranslateErrc::kMissingCapability);
}

TEST(ArgvMachine, MemoryIsMaxmemAndBalloonAlwaysPresent) {
  auto c = basePv();
  c.memory = 512;
  c.maxmem = 1024;
  Argv argv = build(c);
  EXPECT_EQ(values(argv, "-m"), std::vector<std::string>{"size=1024M"});
  EXPECT_TRUE(has(values(argv, "-device"), "virtio-balloon-pci,id=balloon0"));

  c.maxmem = 256;
  TranslateError e = buildError(c);
  EXPECT_EQ(e.code, TranslateErrc::kInvalidValue);
  EXPECT_EQ(e.field, "memory");
}

TEST(ArgvMachine, VcpusAndLimits) {
  auto c = basePv();
  c.vcpus = 2;
  c.maxvcpus = 4;
  EXPECT_EQ(values(build(c), "-smp"), std::vector<std::string>{"cpus=2,maxcpus=4"});
  c.maxvcpus = 256;
  EXPECT_EQ(buildError(c).code, TranslateErrc::kLimitExceeded);
  c.vcpus = 0;
  c.maxvcpus = 1;
  EXPECT_EQ(buildError(c).code, TranslateErrc::kInvalidValue);
}

TEST(ArgvMachine, RtcLocaltimeAndOffset) {
  auto c = baseHvm();
  c.localtime = true;
  EXPECT_EQ(values(build(c), "-rtc"), std::vector<std::string>{"base=localtime"});

  c.rtcTimeoffset = 3600;
  auto f = facts(c);
  f.rtcBase = "2010-05-06T07:08:09";
  EXPECT_EQ(values(build(c, f), "-rtc"), std::vector<std::string>{"base=2010-05-06T07:08:09"});
  f.rtcBase = "";
  EXPECT_EQ(buildError(c, f).code, TranslateErrc::kMissingHostFact);
  f.rtcBase = "2010-05-06 07:08:09";
  EXPECT_EQ(buildError(c, f).code, TranslateErrc::kInvalidValue);
  f.rtcBase = "2010-05-06";
  EXPECT_EQ(values(build(c, f), "-rtc"), std::vector<std::string>{"base=2010-05-06"});
}

TEST(ArgvMachine, BootOrder) {
  auto c = baseHvm();
  c.boot = "dc";
  EXPECT_EQ(values(build(c), "-boot"), std::vector<std::string>{"order=dc"});
  c.boot = "dxc";
  EXPECT_EQ(buildError(c).field, "boot");
  c.boot = "cdc";
  EXPECT_EQ(buildError(c).code, TranslateErrc::kInvalidValue);
  // boot= is an HVM key.
  EXPECT_TRUE(values(build(basePv()), "-boot").empty());
}

TEST(ArgvMachine, KernelAndBootloader) {
  auto c = basePv();
  c.kernel.clear();
  EXPECT_EQ(buildError(c).field, "kernel");

  c.bootloader = "/usr/bin/pygrub";
  auto f = facts(c);
  f.bootloader.reset();
  EXPECT_EQ(buildError(c, f).code, TranslateErrc::kMissingHostFact);
  f.bootloader = BootFiles{"/run/k", "", "console=hvc0"};
  Argv argv = build(c, f);
  EXPECT_EQ(values(argv, "-kernel"), std::vector<std::string>{"/run/k"});
  EXPECT_TRUE(values(argv, "-initrd").empty());
  EXPECT_EQ(values(argv, "-append"), std::vector<std::string>{"console=hvc0"});

  auto h = baseHvm();
  h.bootloader = "/usr/bin/pygrub";
  EXPECT_EQ(buildError(h).field, "bootloader");
  h.bootloader.clear();
  h.ramdisk = "/boot/initrd";
  EXPECT_EQ(buildError(h).field, "ramdisk");
  h.ramdisk.clear();
  h.cmdline = "root=/dev/sda1";
  EXPECT_EQ(buildError(h).field, "extra");
  h.kernel = "/boot/vmlinuz";  // HVM direct kernel boot
  EXPECT_EQ(values(build(h), "-append"), std::vector<std::string>{"root=/dev/sda1"});
}

TEST(ArgvMachine, Firmware) {
  auto c = baseHvm();
  c.firmware = config::Firmware::kOvmf;
  Argv argv = build(c);
  EXPECT_EQ(values(argv, "-blockdev"),
            (std::vector<std::string>{
                R"({"node-name":"fw-code","driver":"file",)"
                R"("filename":"/usr/share/OVMF/OVMF_CODE_4M.fd","read-only":true})",
                R"({"node-name":"fw-vars","driver":"file",)"
                R"("filename":"/run/xenia/domain/7/ovmf-vars.fd","read-only":false})"}));
  EXPECT_EQ(values(argv, "-machine"),
            std::vector<std::string>{
                "pc-i440fx-7.2,acpi=on,hpet=off,vmport=off,pflash0=fw-code,pflash1=fw-vars"});

  auto f = facts(c);
  f.firmware.ovmfCode.clear();
  EXPECT_EQ(buildError(c, f).code, TranslateErrc::kMissingHostFact);

  c.firmware = config::Firmware::kSeabios;
  f = facts(c);
  EXPECT_TRUE(values(build(c, f), "-bios").empty());  // QEMU's own SeaBIOS
  f.firmware.seabios = "/usr/share/seabios/bios-256k.bin";
  EXPECT_EQ(values(build(c, f), "-bios"),
            std::vector<std::string>{"/usr/share/seabios/bios-256k.bin"});

  auto p = basePv();
  p.firmware = config::Firmware::kOvmf;
  EXPECT_EQ(buildError(p).field, "firmware");
}

TEST(ArgvMachine, PausedStart) {
  auto c = basePv();
  auto f = facts(c);
  f.startPaused = true;
  Argv argv = build(c, f);
  EXPECT_EQ(std::count(argv.begin(), argv.end(), "-S"), 1);
  Argv running = build(c);
  EXPECT_EQ(std::count(running.begin(), running.end(), "-S"), 0);
}

TEST(ArgvMachine, SandboxPolicy) {
  auto c = basePv();
  auto f = facts(c);
  f.sandbox = SandboxPolicy::kOff;
  EXPECT_TRUE(values(build(c, f), "-sandbox").empty());
  f.sandbox = SandboxPolicy::kRequire;
  EXPECT_EQ(values(build(c, f), "-sandbox").size(), 1u);
  f.caps.options.erase("sandbox");  // QEMU built without libseccomp
  EXPECT_EQ(buildError(c, f).code, TranslateErrc::kMissingCapability);
  f.sandbox = SandboxPolicy::kIfAvailable;
  EXPECT_TRUE(values(build(c, f), "-sandbox").empty());
}

TEST(ArgvMachine, RequiredPlatformPieces) {
  auto c = basePv();
  auto f = facts(c);
  f.caps.devices.erase("pvpanic");
  EXPECT_EQ(buildError(c, f).field, "on_crash");
  f = facts(c);
  f.caps.options.erase("action");
  EXPECT_EQ(buildError(c, f).code, TranslateErrc::kMissingCapability);
  f = facts(c);
  f.qmpSocket.clear();
  EXPECT_EQ(buildError(c, f).code, TranslateErrc::kMissingHostFact);
  f.qmpSocket = "/" + std::string(107, 'q');
  EXPECT_EQ(buildError(c, f).code, TranslateErrc::kInvalidValue);
  f = facts(c);
  f.qemuBinary.clear();
  EXPECT_EQ(buildError(c, f).code, TranslateErrc::kMissingHostFact);
}

TEST(ArgvMachine, HostFactsLayoutAndTapNames) {
  HostFacts f = layoutHostFacts("/run/xenia/domain/12");
  EXPECT_EQ(f.qmpSocket, "/run/xenia/domain/12/qmp.sock");
  EXPECT_EQ(f.firmware.ovmfVars, "/run/xenia/domain/12/ovmf-vars.fd");
  EXPECT_EQ(f.console.kind, ChardevSpec::Kind::kPty);
  EXPECT_EQ(tapName(12, 3), "vif12.3");
  EXPECT_EQ(formatArgs({"a", "b c"}), "a\nb c\n");
}

}  // namespace
}  // namespace xenia::qemu
