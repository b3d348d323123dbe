// xend SXP -> DomainConfig for the image (kernel, args, platform keys), the
// devices (vbd/tap/tap2, vif, vfb, pci), cpus and cpuid.
#include <algorithm>

#include "config/model/cpu_spec.h"
#include "config/model/disk_spec.h"
#include "config/model/names.h"
#include "config/model/net_spec.h"
#include "config/model/sxp_read_ctx.h"

namespace xenia::config::detail {

void readImage(SxpReader& r, const Sexp& image, DomainConfig& d) {
  const std::string* kind = image.name();
  if (!kind || (*kind != "linux" && *kind != "hvm")) {
    r.fail("image", image, "Image type must be linux or hvm.");
    return;
  }
  d.type = *kind == "hvm" ? GuestType::kHvm : GuestType::kPv;
  r.str(image, "kernel", d.kernel);
  r.str(image, "ramdisk", d.ramdisk);
  r.str(image, "root", d.root);
  r.str(image, "ip", d.ipArgs);
  std::string args;
  r.str(image, "args", args);
  if (text::startsWith(d.root, "root=")) {
    d.root = d.root.substr(5);
  }
  // xend builds the command line as "root=R ip=I args" unless args already
  // has them; the model keeps the parts, so take them back off args.
  std::string_view rest = args;
  auto strip = [&](const std::string& part) {
    if (!part.empty() && text::startsWith(rest, part) &&
        (rest.size() == part.size() || rest[part.size()] == ' ')) {
      rest.remove_prefix(std::min(rest.size(), part.size() + 1));
    }
  };
  if (!d.root.empty()) {
    strip("root=" + d.root);
  }
  if (!d.ipArgs.empty()) {
    strip("ip=" + d.ipArgs);
  }
  d.extra = std::string(rest);

  r.boolean(image, "acpi", d.acpi);
  r.boolean(image, "apic", d.apic);
  r.boolean(image, "pae", d.pae);
  r.boolean(image, "hpet", d.hpet);
  r.boolean(image, "viridian", d.viridian);
  r.boolean(image, "hap", d.hap);
  r.str(image, "boot", d.boot);
  r.str(image, "loader", d.loader);
  r.str(image, "device_model", d.deviceModel);
  r.boolean(image, "localtime", d.localtime);
  r.integer(image, "rtc_timeoffset", d.rtcTimeoffset);
  r.boolean(image, "nomigrate", d.nomigrate);
  r.optInt(image, "timer_mode", d.timerMode);
  if (image.child("tsc_mode")) {
    int mode = 0;
    r.integer(image, "tsc_mode", mode);
    static const char* kNames[] = {"", "always_emulate", "native", "native_paravirt"};
    d.tscMode = (mode >= 0 && mode < 4) ? kNames[mode] : "";
  }
  r.boolean(image, "usb", d.usb);
  r.strings(image, "usbdevice", d.usbdevice);
  r.strings(image, "serial", d.serial);
  r.str(image, "parallel", d.parallel);
  r.str(image, "monitor", d.monitor);
  r.str(image, "soundhw", d.soundhw);
  r.str(image, "fda", d.fda);
  r.str(image, "fdb", d.fdb);
  r.boolean(image, "stdvga", d.stdvga);
  r.optInt(image, "videoram", d.videoram);
  r.boolean(image, "nographic", d.nographic);
  r.boolean(image, "vncconsole", d.vncconsole);
  Graphics& g = d.graphics;
  r.boolean(image, "vnc", g.vnc);
  r.boolean(image, "sdl", g.sdl);
  r.boolean(image, "opengl", g.opengl);
  r.boolean(image, "vncunused", g.vncunused);
  r.str(image, "vnclisten", g.vnclisten);
  r.optInt(image, "vncdisplay", g.vncdisplay);
  if (auto p = r.atom(image, "vncpasswd")) {
    g.vncpasswd = *p;
  }
  r.str(image, "keymap", g.keymap);
  r.str(image, "display", g.display);
  r.str(image, "xauthority", g.xauthority);
  r.boolean(image, "pci_msitranslate", d.pciMsitranslate);
  r.boolean(image, "pci_power_mgmt", d.pciPowerMgmt);
  r.name(image, "firmware", d.firmware, firmwareFromName);
  r.boolean(image, "nestedhvm", d.nestedhvm);
}


void readDisk(SxpReader& r, const Sexp& dev, DomainConfig& d) {
  std::string uname, vdev, mode = "w";
  r.str(dev, "uname", uname);
  r.str(dev, "dev", vdev);
  r.str(dev, "mode", mode);
  auto disk = parseUname(uname);
  if (!disk) {
    r.fail("disk[" + std::to_string(d.disks.size()) + "]", dev, disk.error());
    return;
  }
  Disk k = std::move(*disk);
  if (text::startsWith(vdev, "ioemu:")) {
    vdev = vdev.substr(6);
  }
  if (size_t colon = vdev.rfind(':'); colon != std::string::npos) {
    auto t = diskDevTypeFromName(std::string_view(vdev).substr(colon + 1));
    if (!t) {
      r.fail("disk[" + std::to_string(d.disks.size()) + "]", dev,
             "Device '" + vdev + "' has an unknown type (use :cdrom or :disk).");
      return;
    }
    k.devtype = *t;
    vdev.resize(colon);
  }
  k.vdev = vdev;
  auto m = diskModeFromName(mode);
  if (!m) {
    r.fail("disk[" + std::to_string(d.disks.size()) + "]", dev,
           "Mode '" + mode + "' is invalid (use r, w or w!).");
    return;
  }
  k.mode = *m;
  r.str(dev, "backend", k.backendDomain);
  r.str(dev, "protocol", k.protocol);
  r.str(dev, "script", k.script);
  r.boolean(dev, "direct_io_safe", k.directIoSafe);
  if (dev.child("discard")) {
    bool b = false;
    r.boolean(dev, "discard", b);
    k.discard = b;
  }
  d.disks.push_back(std::move(k));
}

void readVif(SxpReader& r, const Sexp& dev, DomainConfig& d) {
  std::string field = "vif[" + std::to_string(d.vifs.size()) + "]";
  Vif v;
  std::string mac, ip, rate, type;
  r.str(dev, "mac", mac);
  if (!mac.empty()) {
    auto m = parseMac(mac);
    if (!m) {
      r.fail(field, dev, m.error());
      return;
    }
    v.mac = *m;
  }
  r.str(dev, "bridge", v.bridge);
  r.str(dev, "ip", ip);
  for (const std::string& a : text::split(ip, ' ')) {
    if (!a.empty()) {
      v.ip.push_back(a);
    }
  }
  r.str(dev, "script", v.script);
  // xend stores the script with its directory; the model keeps the name.
  if (text::startsWith(v.script, "/etc/xen/scripts/")) {
    v.script = v.script.substr(17);
  }
  r.str(dev, "vifname", v.vifname);
  r.str(dev, "rate", rate);
  if (!rate.empty()) {
    auto parsed = parseRate(rate);
    if (!parsed) {
      r.fail(field, dev, parsed.error());
      return;
    }
    v.rate = *parsed;
  }
  r.str(dev, "model", v.model);
  r.str(dev, "type", type);
  if (!type.empty()) {
    auto t = vifTypeFromName(type);
    if (!t) {
      r.fail(field, dev, "vif type '" + type + "' is invalid.");
      return;
    }
    v.type = *t;
  }
  r.str(dev, "backend", v.backendDomain);
  r.str(dev, "accel", v.accel);
  r.str(dev, "gatewaydev", v.gatewaydev);
  r.optInt(dev, "mtu", v.mtu);
  d.vifs.push_back(std::move(v));
}

void readVfb(SxpReader& r, const Sexp& dev, DomainConfig& d) {
  Graphics g;
  std::string type;
  r.str(dev, "type", type);  // legacy (type vnc)
  if (type == "vnc") {
    g.vnc = true;
  } else if (type == "sdl") {
    g.sdl = true;
  }
  r.boolean(dev, "vnc", g.vnc);
  r.boolean(dev, "sdl", g.sdl);
  r.boolean(dev, "opengl", g.opengl);
  r.boolean(dev, "vncunused", g.vncunused);
  r.str(dev, "vnclisten", g.vnclisten);
  r.optInt(dev, "vncdisplay", g.vncdisplay);
  if (auto p = r.atom(dev, "vncpasswd")) {
    g.vncpasswd = *p;
  }
  r.str(dev, "keymap", g.keymap);
  r.str(dev, "display", g.display);
  r.str(dev, "xauthority", g.xauthority);
  d.vfbs.push_back(std::move(g));
}

void readPci(SxpReader& r, const Sexp& dev, DomainConfig& d) {
  for (const Sexp* one : dev.childrenNamed("dev")) {
    PciDevice p;
    r.integer(*one, "domain", p.domain, 0);
    r.integer(*one, "bus", p.bus, 0);
    r.integer(*one, "slot", p.slot, 0);
    r.integer(*one, "func", p.func, 0);
    if (one->child("vdevfn")) {
      int vdevfn = 0x100;
      r.integer(*one, "vdevfn", vdevfn, 0);
      if (vdevfn < 0x100) {
        p.vslot = vdevfn >> 3;
      }
    }
    for (const Sexp* o : one->childrenNamed("opts")) {
      auto kids = o->children();
      if (kids.empty() || !kids[0].isList) {
        continue;
      }
      const Sexp& kv = kids[0];
      auto key = kv.name();
      auto val = kv.children().empty() ? std::nullopt
                                       : text::parseBool(kv.children()[0].atom);
      if (!key || !val) {
        r.fail("pci", kv, "PCI option must be (name 0|1).");
        return;
      }
      if (*key == "msitranslate") {
        p.msitranslate = *val;
      } else if (*key == "power_mgmt") {
        p.powerMgmt = *val;
      } else if (*key == "permissive") {
        p.permissive = *val;
      } else if (*key == "seize") {
        p.seize = *val;
      }
    }
    if (p.domain < 0 || p.domain > 0xffff || p.bus < 0 || p.bus > 0xff || p.slot < 0 ||
        p.slot > 0x1f || p.func < 0 || p.func > 7) {
      r.fail("pci", *one, "PCI address out of range.");
      return;
    }
    d.pci.push_back(p);
  }
}

void readCpus(SxpReader& r, const Sexp& s, DomainConfig& d) {
  const Sexp* v = s.childValue("cpus");
  if (!v) {
    return;
  }
  if (!v->isList) {
    if (v->atom.empty()) {
      return;
    }
    auto c = parseCpuSet(v->atom);
    if (!c) {
      r.fail("cpus", *v, c.error());
      return;
    }
    d.cpus = *c;
    return;
  }
  for (const Sexp& perVcpu : v->items) {
    CpuSet set;
    if (!perVcpu.isList) {
      auto c = parseCpuSet(perVcpu.atom);
      if (!c) {
        r.fail("cpus", perVcpu, c.error());
        return;
      }
      set = *c;
    } else {
      for (const Sexp& cpu : perVcpu.items) {
        auto n = text::parseInt(cpu.atom);
        if (cpu.isList || !n || *n >= kMaxHostCpus) {
          r.fail("cpus", cpu, "Expected a CPU number.");
          return;
        }
        set.cpus.push_back(static_cast<int>(*n));
      }
      std::sort(set.cpus.begin(), set.cpus.end());
      set.cpus.erase(std::unique(set.cpus.begin(), set.cpus.end()), set.cpus.end());
    }
    d.vcpuCpus.push_back(set);
  }
}

void readCpuid(SxpReader& r, const Sexp& s, DomainConfig& d) {
  if (const Sexp* v = s.childValue("cpuid"); v && v->isList) {
    for (const Sexp& leaf : v->items) {
      // (IN ((reg bits) ...))
      if (!leaf.isList || leaf.items.size() != 2 || leaf.items[0].isList ||
          !leaf.items[1].isList) {
        r.fail("cpuid", leaf, "Expected (LEAF ((reg bits) ...)).");
        return;
      }
      std::string spec = leaf.items[0].atom + ":";
      bool first = true;
      for (const Sexp& reg : leaf.items[1].items) {
        if (!reg.isList || reg.items.size() != 2) {
          r.fail("cpuid", reg, "Expected (reg bits).");
          return;
        }
        spec += (first ? "" : ",") + reg.items[0].atom + "=" + reg.items[1].atom;
        first = false;
      }
      auto parsed = parseCpuidLeaf(spec);
      if (!parsed) {
        r.fail("cpuid", leaf, parsed.error());
        return;
      }
      d.cpuid.leaves.push_back(*parsed);
    }
  }
  if (auto lx = r.atom(s, "cpuid_libxl"); lx && !lx->empty()) {
    auto parsed = parseCpuidLibxl(*lx);
    if (!parsed) {
      r.fail("cpuid_libxl", *s.child("cpuid_libxl"), parsed.error());
      return;
    }
    d.cpuid.host = parsed->host;
    d.cpuid.features = parsed->features;
  }
}


}  // namespace xenia::config::detail
