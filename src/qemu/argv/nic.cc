// Network interfaces: one tap netdev per vif (xend opened it and attached it
// to the bridge, or QEMU opens it by name with no scripts) and one guest NIC:
// virtio-net for PV guests (which ignore model= and type=, as on Xen), the
// emulated model for HVM guests (rtl8139 unless model= says otherwise). Bridge, script, ip, rate and mtu are host-side and
// applied by xend to the tap; they do not appear on QEMU's command line.
#include <fmt/format.h>

#include "qemu/argv/builder.h"

namespace xenia::qemu::detail {
namespace {

using config::Vif;
using config::VifType;

struct NicModel {
  std::string_view xen;   // model= value
  std::string_view qemu;  // -device name
};

// Xen's documented models plus the other emulated NICs of QEMU 7.2's pc.
constexpr NicModel kModels[] = {
    {"rtl8139", "rtl8139"},       {"e1000", "e1000"},     {"e1000e", "e1000e"},
    {"pcnet", "pcnet"},           {"ne2k_pci", "ne2k_pci"}, {"ne2k_isa", "ne2k_isa"},
    {"i82551", "i82551"},         {"i82557b", "i82557b"}, {"i82559er", "i82559er"},
    {"vmxnet3", "vmxnet3"},       {"virtio", "virtio-net-pci"},
    {"virtio-net", "virtio-net-pci"}, {"virtio-net-pci", "virtio-net-pci"},
};

// ISA NE2000s need distinct I/O ports and IRQs; QEMU's legacy -net nic table.
constexpr int kNe2kIsaIo[] = {0x300, 0x320, 0x340, 0x360, 0x280, 0x380};
constexpr int kNe2kIsaIrq[] = {9, 10, 11, 3, 4, 5};

bool isMac(std::string_view mac) {
  if (mac.size() != 17) {
    return false;
  }
  for (size_t i = 0; i < mac.size(); ++i) {
    char ch = mac[i];
    bool hex = (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
    if (i % 3 == 2 ? ch != ':' : !hex) {
      return false;
    }
  }
  return true;
}

Expected<std::string, TranslateError> guestModel(const Ctx& c, const Vif& v,
                                                 const std::string& field) {
  if (!c.hvm()) {
    // As on Xen: model= and type= describe an emulated NIC, which PV guests
    // never have; their network device is always the PV one (virtio-net).
    return std::string("virtio-net-pci");
  }
  if (v.type == VifType::kNetfront) {
    // PV-only on Xen; our PV network device is virtio-net.
    return std::string("virtio-net-pci");
  }
  std::string_view want = v.model.empty() ? std::string_view("rtl8139") : v.model;
  for (const NicModel& m : kModels) {
    if (m.xen == want) {
      return std::string(m.qemu);
    }
  }
  return fail(TranslateErrc::kUnsupported, field,
              fmt::format("NIC model '{}' is not one QEMU emulates here.", want));
}

}  // namespace

Status buildNics(Ctx& c) {
  const auto& vifs = c.cfg.vifs;
  int ne2kIsa = 0;
  for (size_t i = 0; i < vifs.size(); ++i) {
    const Vif& v = vifs[i];
    const std::string field = fmt::format("vif[{}]", i);
    if (!v.backendDomain.empty() && v.backendDomain != "0") {
      return fail(TranslateErrc::kUnsupported, field,
                  "Network driver domains are unsupported; the host is the backend.");
    }
    if (!isMac(v.mac)) {
      return fail(TranslateErrc::kInvalidValue, field,
                  fmt::format("'{}' is not a MAC address xx:xx:xx:xx:xx:xx.", v.mac));
    }
    auto model = guestModel(c, v, field);
    if (!model) {
      return unexpected(model.error());
    }
    if (auto s = c.needDevice(*model, field); !s) {
      return s;
    }
    if (i >= c.facts.taps.size()) {
      return fail(TranslateErrc::kMissingHostFact, field, "No tap device was prepared.");
    }
    const TapFacts& tap = c.facts.taps[i];
    const std::string netdevId = fmt::format("net{}", i);
    Opts netdev("tap");
    netdev.add("id", netdevId);
    if (tap.fd) {
      netdev.add("fd", *tap.fd);
    } else if (!tap.ifname.empty()) {
      // QEMU opens the tap by name; xend has already configured it.
      netdev.add("ifname", tap.ifname).add("script", "no").add("downscript", "no");
    } else {
      return fail(TranslateErrc::kMissingHostFact, field, "The tap has neither an fd nor a name.");
    }
    if (tap.vhostFd) {
      if (c.facts.accel != Accel::kKvm) {
        return fail(TranslateErrc::kInvalidValue, field, "vhost-net needs KVM.");
      }
      netdev.onOff("vhost", true).add("vhostfd", *tap.vhostFd);
    }
    c.add("-netdev", netdev.str());

    Opts dev(*model);
    dev.add("netdev", netdevId).add("mac", v.mac).add("id", fmt::format("vif{}", i));
    if (*model == "ne2k_isa") {
      if (ne2kIsa >= static_cast<int>(std::size(kNe2kIsaIo))) {
        return fail(TranslateErrc::kLimitExceeded, field,
                    fmt::format("At most {} ISA NE2000 cards fit.", std::size(kNe2kIsaIo)));
      }
      dev.add("iobase", fmt::format("{:#x}", kNe2kIsaIo[ne2kIsa]))
          .add("irq", kNe2kIsaIrq[ne2kIsa]);
      ++ne2kIsa;
    }
    c.add("-device", dev.str());
  }
  return Ok{};
}

}  // namespace xenia::qemu::detail
