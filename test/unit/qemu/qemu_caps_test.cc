// qemu/argv caps: parsing the recorded QEMU 7.2 help output, the module
// filter for block drivers, the canonical caps text and its error paths.
// test/data/qemu-caps/7.2.caps is the golden output of capsFromProbe() on the
// recorded outputs in 7.2/ (XENIA_REGENERATE=1 rewrites it).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "qemu/argv/caps.h"
#include "qemu_testdata.h"

namespace xenia::qemu {
namespace {

using testdata::capsDir;
using testdata::readFile;

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    out.push_back(text.substr(start, nl - start));
    if (nl == std::string::npos) {
      break;
    }
    start = nl + 1;
  }
  return out;
}

ProbeOutputs recorded() {
  const std::string d = capsDir() + "/7.2/";
  ProbeOutputs o;
  o.version = readFile(d + "version.txt");
  o.help = readFile(d + "help.txt");
  o.machineHelp = readFile(d + "machine.txt");
  o.deviceHelp = readFile(d + "device.txt");
  o.cpuHelp = readFile(d + "cpu.txt");
  o.accelHelp = readFile(d + "accel.txt");
  o.driveFormatHelp = readFile(d + "drive-format.txt");
  o.displayHelp = readFile(d + "display.txt");
  o.hasModuleList = true;
  o.moduleFiles = lines(readFile(d + "modules.txt"));
  return o;
}

TEST(QemuCaps, RecordedProbeMatchesCheckedInCaps) {
  auto caps = capsFromProbe(recorded());
  ASSERT_TRUE(caps) << caps.error().format();
  const std::string path = capsDir() + "/7.2.caps";
  const std::string text = formatCaps(*caps);
  const char* regen = std::getenv("XENIA_REGENERATE");
  if (regen && std::string(regen) == "1") {
    std::ofstream(path, std::ios::binary) << text;
  }
  EXPECT_EQ(readFile(path), text) << "regenerate with XENIA_REGENERATE=1 and review the diff";
}

TEST(QemuCaps, RecordedProbeHasWhatTheBuilderUses) {
  auto caps = capsFromProbe(recorded());
  ASSERT_TRUE(caps);
  EXPECT_EQ(caps->version, (QemuVersion{7, 2, 22}));
  EXPECT_EQ(caps->resolveMachine("pc"), "pc-i440fx-7.2");
  EXPECT_EQ(caps->resolveMachine("pc-i440fx-7.1"), "pc-i440fx-7.1");
  EXPECT_EQ(caps->resolveMachine("no-such"), "");
  EXPECT_EQ(caps->defaultMachine, "pc-i440fx-7.2");
  EXPECT_FALSE(caps->machines.count("pc"));  // aliases are kept apart
  for (const char* d : {"virtio-blk-pci", "virtio-blk", "ide-cd", "rtl8139", "ne2k_isa",
                        "virtconsole", "isa-serial", "pvpanic", "vfio-pci", "usb-host"}) {
    EXPECT_TRUE(caps->hasDevice(d)) << d;
  }
  EXPECT_FALSE(caps->hasDevice("x86"));
  EXPECT_TRUE(caps->hasCpuModel("qemu64"));
  EXPECT_TRUE(caps->hasCpuModel("host"));
  EXPECT_TRUE(caps->hasCpuFlag("pni"));
  EXPECT_TRUE(caps->hasCpuFlag("sse4.1"));
  EXPECT_FALSE(caps->hasCpuFlag("sse3"));  // QEMU's name is pni
  EXPECT_TRUE(caps->hasAccel("tcg"));
  EXPECT_TRUE(caps->hasBlockDriver("qcow2"));
  EXPECT_TRUE(caps->hasBlockDriver("iscsi"));
  EXPECT_TRUE(caps->hasDisplay("none"));
  EXPECT_TRUE(caps->hasOption("sandbox"));
  EXPECT_TRUE(caps->hasOption("action"));
  EXPECT_TRUE(caps->hasOption("add-fd"));
  EXPECT_FALSE(caps->hasOption("help"));  // "-h or -help" is listed as "h"
}

TEST(QemuCaps, MissingModuleRemovesItsBlockDrivers) {
  ProbeOutputs o = recorded();
  std::erase(o.moduleFiles, "block-iscsi.so");
  auto caps = capsFromProbe(o);
  ASSERT_TRUE(caps);
  EXPECT_FALSE(caps->hasBlockDriver("iscsi"));
  EXPECT_FALSE(caps->hasBlockDriver("iser"));
  EXPECT_TRUE(caps->hasBlockDriver("nbd"));  // built in

  o.hasModuleList = false;  // a build without modules: trust the list
  caps = capsFromProbe(o);
  ASSERT_TRUE(caps);
  EXPECT_TRUE(caps->hasBlockDriver("iscsi"));
}

TEST(QemuCaps, TextRoundTrips) {
  auto caps = capsFromProbe(recorded());
  ASSERT_TRUE(caps);
  auto back = parseCaps(formatCaps(*caps));
  ASSERT_TRUE(back) << back.error().format();
  EXPECT_EQ(*back, *caps);
}

TEST(QemuCaps, ProbeErrors) {
  ProbeOutputs o = recorded();
  o.version = "qemu-kvm something else\n";
  auto caps = capsFromProbe(o);
  ASSERT_FALSE(caps);
  EXPECT_EQ(caps.error().source, "--version");

  o = recorded();
  o.deviceHelp = "qemu-system-x86_64: -device help: unexpected\n";
  caps = capsFromProbe(o);
  ASSERT_FALSE(caps);
  EXPECT_EQ(caps.error().source, "-device help");
}

TEST(QemuCaps, ParseErrors) {
  auto bad = parseCaps("version 7.2.22\nmachine\n");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().source, "caps:2");
  bad = parseCaps("version 7.2.22\ngadget foo\n");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().source, "caps:2");
  bad = parseCaps("version seven\n");
  ASSERT_FALSE(bad);
  bad = parseCaps("# nothing\ndevice e1000\n");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().source, "caps");
  auto ok = parseCaps("version 7.2\n   \ndevice e1000\n");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->version, (QemuVersion{7, 2, 0}));
}

}  // namespace
}  // namespace xenia::qemu
