// Shared by the qemu/argv unit tests, the cfg->argv golden suite and the QEMU
// acceptance test: the recorded QEMU 7.2 capabilities and the fixed HostFacts
// every golden .args file is built with (TCG, taps vif7.<n> with fds 40+n,
// sockets under a fake run dir).
#pragma once

#include <string>

#include "config/model/domain.h"
#include "qemu/argv/host_facts.h"

namespace xenia::qemu::testdata {

// The golden domain id and its fake run directory; the acceptance test maps
// this prefix to a real temporary directory.
constexpr int kDomid = 7;
constexpr const char* kRunDir = "/run/xenia/domain/7";
constexpr const char* kXenstoreSocket = "/run/xenstored/domain/7/socket";
constexpr const char* kOvmfCode = "/usr/share/OVMF/OVMF_CODE_4M.fd";
constexpr int kFirstTapFd = 40;

// test/data/qemu-caps, from XENIA_SOURCE_DIR.
std::string capsDir();
std::string readFile(const std::string& path);

// Parsed test/data/qemu-caps/7.2.caps; aborts the test binary if unreadable.
const QemuCaps& recordedCaps();

// The fixed host facts for `cfg` (one tap per vif, resolved block-script
// disks, bootloader output when a bootloader is named).
HostFacts goldenFacts(const config::DomainConfig& cfg);

}  // namespace xenia::qemu::testdata
