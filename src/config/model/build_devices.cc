// ConfigFile -> DomainConfig for devices: disks, vifs, framebuffers and VNC,
// PCI passthrough, USB, serial/parallel and the other QEMU passthroughs.
#include <variant>

#include "config/model/build_ctx.h"
#include "config/model/device_spec.h"
#include "config/model/disk_spec.h"
#include "config/model/net_spec.h"
#include "config/model/text.h"

namespace xenia::config::detail {
namespace {

std::string indexed(const char* key, size_t i) {
  return std::string(key) + "[" + std::to_string(i) + "]";
}

// "ADDR:DISPLAY" in vnclisten (xl) sets the display unless one is given.
void splitVncListen(Graphics& g) {
  size_t colon = g.vnclisten.find(':');
  if (colon == std::string::npos || g.vnclisten.find(':', colon + 1) != std::string::npos) {
    return;  // no display, or an IPv6 address
  }
  auto disp = text::parseInt(std::string_view(g.vnclisten).substr(colon + 1));
  if (!disp) {
    return;
  }
  if (!g.vncdisplay) {
    g.vncdisplay = static_cast<int>(*disp);
  }
  g.vnclisten.resize(colon);
}

}  // namespace

void buildDisks(BuildCtx& c, DomainConfig& d) {
  std::vector<const Value*> items;
  if (!c.getStringList("disk", items)) {
    return;
  }
  for (size_t i = 0; i < items.size(); ++i) {
    std::string field = indexed("disk", i);
    auto spec = c.asString(field, *items[i]);
    if (!spec) {
      return;
    }
    Expected<Disk, std::string> disk = unexpected(std::string("unparsed"));
    if (c.dialect() == Dialect::kXl) {
      disk = parseXlDisk(*spec);
    } else {
      disk = parseXmDisk(*spec);
      if (!disk && spec->find('=') != std::string::npos) {
        // An xl DISKSPEC in an xm file: accept it if it parses as one.
        if (auto xl = parseXlDisk(*spec)) {
          disk = std::move(xl);
        }
      }
    }
    if (!disk) {
      c.fail(field, *items[i], disk.error());
      return;
    }
    d.disks.push_back(std::move(*disk));
  }
}

void buildVifs(BuildCtx& c, DomainConfig& d) {
  std::vector<const Value*> items;
  if (!c.getStringList("vif", items)) {
    return;
  }
  for (size_t i = 0; i < items.size(); ++i) {
    std::string field = indexed("vif", i);
    auto spec = c.asString(field, *items[i]);
    if (!spec) {
      return;
    }
    auto vif = parseVifSpec(*spec);
    if (!vif) {
      c.fail(field, *items[i], vif.error());
      return;
    }
    d.vifs.push_back(std::move(*vif));
  }
  // xm's deprecated nics=N: pad with default vifs.
  int64_t nics = 0;
  if (c.getInt("nics", nics, 0, kMaxVifs)) {
    while (static_cast<int64_t>(d.vifs.size()) < nics) {
      d.vifs.push_back(Vif{});
    }
  }
}

void buildGraphics(BuildCtx& c, DomainConfig& d) {
  std::vector<const Value*> items;
  if (!c.getStringList("vfb", items)) {
    return;
  }
  for (size_t i = 0; i < items.size(); ++i) {
    std::string field = indexed("vfb", i);
    auto spec = c.asString(field, *items[i]);
    if (!spec) {
      return;
    }
    auto g = parseVfbSpec(*spec);
    if (!g) {
      c.fail(field, *items[i], g.error());
      return;
    }
    splitVncListen(*g);
    d.vfbs.push_back(std::move(*g));
  }

  Graphics& g = d.graphics;
  c.getBool("vnc", g.vnc);
  c.getBool("sdl", g.sdl);
  c.getBool("opengl", g.opengl);
  c.getBool("vncunused", g.vncunused);
  c.getString("vnclisten", g.vnclisten);
  c.getString("keymap", g.keymap);
  c.getString("display", g.display);
  c.getString("xauthority", g.xauthority);
  if (const Value* v = c.get("vncdisplay")) {
    if (auto n = c.asInt("vncdisplay", *v, 0, 65535 - 5900)) {
      g.vncdisplay = static_cast<int>(*n);
    }
  }
  if (const Value* v = c.get("vncpasswd")) {
    if (auto s = c.asString("vncpasswd", *v)) {
      g.vncpasswd = *s;
    }
  }
  splitVncListen(g);
  c.getBool("vncconsole", d.vncconsole);
  c.getBool("nographic", d.nographic);
  c.getBool("stdvga", d.stdvga);
  if (const Value* v = c.get("vga")) {  // xl: vga = "stdvga" | "cirrus"
    if (auto s = c.asString("vga", *v)) {
      if (*s == "stdvga") {
        d.stdvga = true;
      } else if (*s == "cirrus") {
        d.stdvga = false;
      } else {
        c.fail("vga", *v, "VGA '" + *s + "' is unsupported (use stdvga or cirrus).");
        return;
      }
    }
  }
  if (const Value* v = c.get("videoram")) {
    if (auto n = c.asInt("videoram", *v, 1, 1024)) {
      d.videoram = static_cast<int>(*n);
    }
  }
}

void buildPci(BuildCtx& c, DomainConfig& d) {
  std::vector<const Value*> items;
  if (!c.getStringList("pci", items)) {
    return;
  }
  for (size_t i = 0; i < items.size(); ++i) {
    std::string field = indexed("pci", i);
    auto spec = c.asString(field, *items[i]);
    if (!spec) {
      return;
    }
    auto devs = parsePciSpec(*spec);
    if (!devs) {
      c.fail(field, *items[i], devs.error());
      return;
    }
    for (const PciDevice& p : *devs) {
      for (const PciDevice& q : d.pci) {
        if (p.domain == q.domain && p.bus == q.bus && p.slot == q.slot && p.func == q.func) {
          c.fail(field, *items[i], "PCI device " + formatPciBdf(p) + " is assigned twice.");
          return;
        }
      }
      d.pci.push_back(p);
    }
  }
  c.getBool("pci_msitranslate", d.pciMsitranslate);
  c.getBool("pci_power_mgmt", d.pciPowerMgmt);
}

void buildMiscDevices(BuildCtx& c, DomainConfig& d) {
  c.getBool("usb", d.usb);
  std::vector<const Value*> items;
  if (!c.getStringList("usbdevice", items)) {
    return;
  }
  for (size_t i = 0; i < items.size(); ++i) {
    auto s = c.asString(indexed("usbdevice", i), *items[i]);
    if (!s) {
      return;
    }
    if (!s->empty()) {
      d.usbdevice.push_back(*s);
    }
  }
  if (!d.usbdevice.empty()) {
    d.usb = true;  // a USB device needs the controller
  }
  items.clear();
  if (!c.getStringList("serial", items)) {
    return;
  }
  for (size_t i = 0; i < items.size(); ++i) {
    auto s = c.asString(indexed("serial", i), *items[i]);
    if (!s) {
      return;
    }
    if (!s->empty()) {
      d.serial.push_back(*s);
    }
  }
  c.getString("parallel", d.parallel);
  if (const Value* v = c.get("monitor")) {
    if (auto s = c.asString("monitor", *v)) {
      d.monitor = *s;
      if (auto b = text::parseBool(*s)) {
        d.monitor = *b ? "1" : "";  // xm: monitor = 1 / 'yes' means "a monitor"
      }
    }
  }
  c.getString("monitor_path", d.monitor);
  c.getString("soundhw", d.soundhw);
  c.getString("fda", d.fda);
  c.getString("fdb", d.fdb);
}

}  // namespace xenia::config::detail
