// Host and emulated peripherals on buses the guest enumerates: the USB
// controller with usbdevice= devices (tablet, mouse, keyboard, host devices)
// and PCI passthrough with VFIO. Binding a PCI device to vfio-pci (xl's
// seize) and pciback's permissive/msitranslate/power_mgmt are host-side or
// have no VFIO counterpart; see docs/specs/qemu-translation.md.
#include <fmt/format.h>

#include <charconv>

#include "qemu/argv/builder.h"

namespace xenia::qemu::detail {
namespace {

bool parseNumber(std::string_view s, int base, size_t maxDigits, int* out) {
  if (s.empty() || s.size() > maxDigits) {
    return false;
  }
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out, base);
  return ec == std::errc() && p == s.data() + s.size();
}

// "host:VVVV:PPPP" (vendor:product, hex) or "host:BUS.ADDR" (decimal).
Expected<Opts, std::string> usbHostOpts(std::string_view spec) {
  std::string_view rest = spec.substr(5);
  int a = 0;
  int b = 0;
  size_t colon = rest.find(':');
  size_t dot = rest.find('.');
  if (colon != std::string_view::npos && parseNumber(rest.substr(0, colon), 16, 4, &a) &&
      parseNumber(rest.substr(colon + 1), 16, 4, &b)) {
    Opts o("usb-host");
    o.add("vendorid", fmt::format("{:#06x}", a)).add("productid", fmt::format("{:#06x}", b));
    return o;
  }
  if (dot != std::string_view::npos && parseNumber(rest.substr(0, dot), 10, 3, &a) &&
      parseNumber(rest.substr(dot + 1), 10, 3, &b)) {
    Opts o("usb-host");
    o.add("hostbus", a).add("hostaddr", b);
    return o;
  }
  return unexpected(fmt::format("'{}' is not host:VENDOR:PRODUCT or host:BUS.ADDR.", spec));
}

}  // namespace

Status buildUsb(Ctx& c) {
  if (!c.usbBus) {
    return Ok{};
  }
  // usb=1 in Xen means a PIIX3 UHCI controller (USB 1.1), as here.
  if (auto s = c.needDevice("piix3-usb-uhci", "usb"); !s) {
    return s;
  }
  c.add("-device", Opts("piix3-usb-uhci").add("id", "usb").str());
  const auto& devs = c.cfg.usbdevice;
  for (size_t i = 0; i < devs.size(); ++i) {
    const std::string field = fmt::format("usbdevice[{}]", i);
    const std::string& spec = devs[i];
    std::string device;
    Opts dev;
    if (spec == "tablet" || spec == "mouse" || spec == "keyboard") {
      device = spec == "tablet" ? "usb-tablet" : spec == "mouse" ? "usb-mouse" : "usb-kbd";
      dev = Opts(device);
    } else if (spec.substr(0, 5) == "host:") {
      device = "usb-host";
      auto o = usbHostOpts(spec);
      if (!o) {
        return fail(TranslateErrc::kInvalidValue, field, o.error());
      }
      dev = *o;
    } else {
      return fail(TranslateErrc::kUnsupported, field,
                  fmt::format("USB device '{}' is not tablet, mouse, keyboard or host:...", spec));
    }
    if (auto s = c.needDevice(device, field); !s) {
      return s;
    }
    dev.add("bus", "usb.0").add("id", fmt::format("usbdev{}", i));
    c.add("-device", dev.str());
  }
  return Ok{};
}

Status buildPci(Ctx& c) {
  const auto& pci = c.cfg.pci;
  for (size_t i = 0; i < pci.size(); ++i) {
    const auto& p = pci[i];
    const std::string field = fmt::format("pci[{}]", i);
    if (p.domain < 0 || p.domain > 0xffff || p.bus < 0 || p.bus > 0xff || p.slot < 0 ||
        p.slot > 0x1f || p.func < 0 || p.func > 7) {
      return fail(TranslateErrc::kInvalidValue, field,
                  "The PCI address is outside DDDD:BB:SS.F ranges.");
    }
    if (auto s = c.needDevice("vfio-pci", field); !s) {
      return s;
    }
    Opts dev("vfio-pci");
    dev.add("host", fmt::format("{:04x}:{:02x}:{:02x}.{:x}", p.domain, p.bus, p.slot, p.func));
    if (p.vslot) {
      // Slots 0-2 hold the host bridge, PIIX3 and the VGA on QEMU's pc.
      if (*p.vslot < 3 || *p.vslot > 0x1f) {
        return fail(TranslateErrc::kInvalidValue, field,
                    fmt::format("Guest slot {:#x} is not free on the pc machine (3-0x1f).",
                                *p.vslot));
      }
      dev.add("addr", fmt::format("{:#04x}.{:x}", *p.vslot, p.func));
    }
    dev.add("id", fmt::format("hostdev{}", i));
    c.add("-device", dev.str());
  }
  return Ok{};
}

}  // namespace xenia::qemu::detail
