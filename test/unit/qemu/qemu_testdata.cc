// The fixed inputs of the qemu/argv tests; see qemu_testdata.h.
#include "qemu_testdata.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "qemu/argv/argv.h"

namespace xenia::qemu::testdata {

std::string capsDir() { return std::string(XENIA_SOURCE_DIR) + "/test/data/qemu-caps"; }

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

const QemuCaps& recordedCaps() {
  static const QemuCaps caps = [] {
    std::string path = capsDir() + "/7.2.caps";
    auto parsed = parseCaps(readFile(path));
    if (!parsed) {
      std::fprintf(stderr, "%s: %s\n", path.c_str(), parsed.error().format().c_str());
      std::abort();
    }
    return *parsed;
  }();
  return caps;
}

HostFacts goldenFacts(const config::DomainConfig& cfg) {
  HostFacts f = layoutHostFacts(kRunDir);
  f.accel = Accel::kTcg;
  f.caps = recordedCaps();
  f.xenstoreSocket = kXenstoreSocket;
  f.console = ChardevSpec{ChardevSpec::Kind::kUnixListen, std::string(kRunDir) + "/console.sock",
                          "", 0};
  f.firmware.ovmfCode = kOvmfCode;
  for (size_t i = 0; i < cfg.vifs.size(); ++i) {
    f.taps.push_back(TapFacts{tapName(kDomid, static_cast<int>(i)),
                              kFirstTapFd + static_cast<int>(i), std::nullopt});
  }
  for (const auto& d : cfg.disks) {
    DiskFacts df;
    if (diskNeedsBlockScript(d)) {
      df.path = "/dev/xenia-block/" + d.vdev;
    }
    f.disks.push_back(df);
  }
  if (!cfg.bootloader.empty()) {
    f.bootloader = BootFiles{std::string(kRunDir) + "/boot/vmlinuz",
                             std::string(kRunDir) + "/boot/initrd.img", "root=/dev/xvda1 ro"};
  }
  f.rtcBase = "2001-02-03T04:05:06";
  return f;
}

}  // namespace xenia::qemu::testdata
