// DomainConfig -> xend SXP. Order and spellings follow X40's
// XendConfig.to_sxp/image_sxpr and the device controllers' configurations.
#include <cstdio>

#include "config/model/cpu_spec.h"
#include "config/model/device_spec.h"
#include "config/model/disk_spec.h"
#include "config/model/json.h"
#include "config/model/names.h"
#include "config/model/sxp.h"
#include "config/model/text.h"

namespace xenia::config {
namespace {

Sexp pair(std::string key, std::string value) { return Sexp::makePair(key, value); }
Sexp pairInt(std::string key, int64_t value) { return Sexp::makePair(key, Sexp::makeInt(value)); }

std::string hex(const char* fmt, int v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

// vcpu_avail for vcpus online out of more: (1 << vcpus) - 1, up to 128 bits.
std::string availMask(int vcpus) {
  unsigned __int128 m = (vcpus >= 128) ? ~static_cast<unsigned __int128>(0)
                                       : ((static_cast<unsigned __int128>(1) << vcpus) - 1);
  std::string out;
  do {
    out.insert(out.begin(), static_cast<char>('0' + static_cast<int>(m % 10)));
    m /= 10;
  } while (m != 0);
  return out;
}

// The platform keys of image_sxpr. HVM gets all of them (xend filled in its
// defaults); PV only those that differ from the model's defaults.
void addPlatform(Sexp& image, const DomainConfig& d) {
  const DomainConfig def;
  bool hvm = d.type == GuestType::kHvm;
  auto flag = [&](const char* key, bool v, bool dv) {
    if (hvm || v != dv) {
      image.add(pairInt(key, v ? 1 : 0));
    }
  };
  auto str = [&](const char* key, const std::string& v) {
    if (!v.empty()) {
      image.add(pair(key, v));
    }
  };
  flag("acpi", d.acpi, def.acpi);
  flag("apic", d.apic, def.apic);
  flag("pae", d.pae, def.pae);
  flag("hpet", d.hpet, def.hpet);
  flag("viridian", d.viridian, def.viridian);
  flag("hap", d.hap, def.hap);
  if (hvm || d.boot != def.boot) {
    image.add(pair("boot", d.boot));
  }
  str("loader", d.loader);
  str("device_model", d.deviceModel);
  flag("localtime", d.localtime, def.localtime);
  if (hvm || d.rtcTimeoffset != 0) {
    image.add(pairInt("rtc_timeoffset", d.rtcTimeoffset));
  }
  flag("nomigrate", d.nomigrate, def.nomigrate);
  if (d.timerMode) {
    image.add(pairInt("timer_mode", *d.timerMode));
  }
  if (!d.tscMode.empty()) {
    static const char* kNames[] = {"default", "always_emulate", "native", "native_paravirt"};
    for (int i = 1; i < 4; ++i) {
      if (d.tscMode == kNames[i]) {
        image.add(pairInt("tsc_mode", i));
      }
    }
  }
  flag("usb", d.usb, def.usb);
  if (d.usbdevice.size() == 1) {
    image.add(pair("usbdevice", d.usbdevice[0]));
  } else if (d.usbdevice.size() > 1) {
    Sexp l = Sexp::makeList();
    for (const std::string& u : d.usbdevice) {
      l.add(Sexp::makeAtom(u));
    }
    image.add(Sexp::makePair("usbdevice", l));
  }
  if (d.serial.size() == 1) {
    image.add(pair("serial", d.serial[0]));
  } else if (d.serial.size() > 1) {
    Sexp l = Sexp::makeList();
    for (const std::string& s : d.serial) {
      l.add(Sexp::makeAtom(s));
    }
    image.add(Sexp::makePair("serial", l));
  }
  str("parallel", d.parallel);
  str("monitor", d.monitor);
  str("soundhw", d.soundhw);
  str("fda", d.fda);
  str("fdb", d.fdb);
  flag("stdvga", d.stdvga, def.stdvga);
  if (d.videoram) {
    image.add(pairInt("videoram", *d.videoram));
  }
  flag("nographic", d.nographic, def.nographic);
  flag("vncconsole", d.vncconsole, def.vncconsole);
  const Graphics& g = d.graphics;
  const Graphics dg;
  flag("vnc", g.vnc, dg.vnc);
  flag("sdl", g.sdl, dg.sdl);
  flag("opengl", g.opengl, dg.opengl);
  flag("vncunused", g.vncunused, dg.vncunused);
  str("vnclisten", g.vnclisten);
  if (g.vncdisplay) {
    image.add(pairInt("vncdisplay", *g.vncdisplay));
  }
  if (g.vncpasswd) {
    image.add(pair("vncpasswd", *g.vncpasswd));
  }
  str("keymap", g.keymap);
  str("display", g.display);
  str("xauthority", g.xauthority);
  flag("pci_msitranslate", d.pciMsitranslate, def.pciMsitranslate);
  flag("pci_power_mgmt", d.pciPowerMgmt, def.pciPowerMgmt);
  // Not in xend: xl's firmware choice and nested HVM.
  if (d.firmware != Firmware::kDefault) {
    image.add(pair("firmware", std::string(firmwareName(d.firmware))));
  }
  flag("nestedhvm", d.nestedhvm, def.nestedhvm);
}

Sexp imageSxp(const DomainConfig& d) {
  Sexp image = Sexp::makeList({Sexp::makeAtom(d.type == GuestType::kHvm ? "hvm" : "linux")});
  if (!d.kernel.empty()) {
    image.add(pair("kernel", d.kernel));
  }
  if (!d.ramdisk.empty()) {
    image.add(pair("ramdisk", d.ramdisk));
  }
  if (!d.cmdline.empty()) {
    image.add(pair("args", d.cmdline));
  }
  // xm's separate parts; xend rebuilds the same args from them.
  if (!d.root.empty()) {
    image.add(pair("root", d.root));
  }
  if (!d.ipArgs.empty()) {
    image.add(pair("ip", d.ipArgs));
  }
  addPlatform(image, d);
  return image;
}

Sexp diskSxp(const Disk& k) {
  Sexp dev = Sexp::makeList({Sexp::makeAtom(k.backend == DiskBackend::kTap ? "tap2" : "vbd")});
  dev.add(pair("uname", formatUname(k)));
  dev.add(pair("dev", k.devtype == DiskDevType::kCdrom ? k.vdev + ":cdrom" : k.vdev));
  dev.add(pair("mode", std::string(diskModeName(k.mode))));
  dev.add(pair("backend", k.backendDomain));
  if (!k.protocol.empty()) {
    dev.add(pair("protocol", k.protocol));
  }
  if (!k.script.empty()) {
    dev.add(pair("script", k.script));
  }
  if (k.directIoSafe) {
    dev.add(pairInt("direct_io_safe", 1));
  }
  if (k.discard) {
    dev.add(pairInt("discard", *k.discard ? 1 : 0));
  }
  return Sexp::makePair("device", dev);
}

Sexp vifSxp(const Vif& v) {
  Sexp dev = Sexp::makeList({Sexp::makeAtom("vif")});
  dev.add(pair("mac", v.mac));
  auto str = [&](const char* key, const std::string& s) {
    if (!s.empty()) {
      dev.add(pair(key, s));
    }
  };
  str("bridge", v.bridge);
  str("ip", text::join(v.ip, " "));
  str("script", v.script);
  str("vifname", v.vifname);
  if (v.rate) {
    dev.add(pair("rate", v.rate->spec));
  }
  str("model", v.model);
  if (v.type != VifType::kDefault) {
    dev.add(pair("type", std::string(vifTypeName(v.type))));
  }
  dev.add(pair("backend", v.backendDomain));
  str("accel", v.accel);
  str("gatewaydev", v.gatewaydev);
  if (v.mtu) {
    dev.add(pairInt("mtu", *v.mtu));
  }
  return Sexp::makePair("device", dev);
}

Sexp vfbSxp(const Graphics& g) {
  Sexp dev = Sexp::makeList({Sexp::makeAtom("vfb")});
  dev.add(pairInt("vnc", g.vnc ? 1 : 0));
  dev.add(pairInt("sdl", g.sdl ? 1 : 0));
  if (g.opengl) {
    dev.add(pairInt("opengl", 1));
  }
  dev.add(pairInt("vncunused", g.vncunused ? 1 : 0));
  if (!g.vnclisten.empty()) {
    dev.add(pair("vnclisten", g.vnclisten));
  }
  if (g.vncdisplay) {
    dev.add(pairInt("vncdisplay", *g.vncdisplay));
  }
  if (g.vncpasswd) {
    dev.add(pair("vncpasswd", *g.vncpasswd));
  }
  if (!g.keymap.empty()) {
    dev.add(pair("keymap", g.keymap));
  }
  if (!g.display.empty()) {
    dev.add(pair("display", g.display));
  }
  if (!g.xauthority.empty()) {
    dev.add(pair("xauthority", g.xauthority));
  }
  return Sexp::makePair("device", dev);
}

Sexp pciSxp(const std::vector<PciDevice>& pci) {
  Sexp dev = Sexp::makeList({Sexp::makeAtom("pci")});
  for (const PciDevice& p : pci) {
    Sexp d = Sexp::makeList({Sexp::makeAtom("dev")});
    d.add(pair("domain", hex("0x%04x", p.domain)));
    d.add(pair("bus", hex("0x%02x", p.bus)));
    d.add(pair("slot", hex("0x%02x", p.slot)));
    d.add(pair("func", hex("0x%x", p.func)));
    // xend's AUTO_PHP_SLOT (0x100) means "any guest slot".
    d.add(pair("vdevfn", hex("0x%02x", p.vslot ? ((*p.vslot << 3) | p.func) : 0x100)));
    char key[16];
    std::snprintf(key, sizeof key, "%02x:%02x.%x", p.bus, p.slot, p.func);
    d.add(pair("key", p.domain ? formatPciBdf(p) : key));
    auto opt = [&](const char* k, int v) {
      d.add(Sexp::makePair("opts", Sexp::makePair(k, std::to_string(v))));
    };
    if (p.msitranslate) {
      opt("msitranslate", *p.msitranslate ? 1 : 0);
    }
    if (p.powerMgmt) {
      opt("power_mgmt", *p.powerMgmt ? 1 : 0);
    }
    if (p.permissive) {
      opt("permissive", 1);
    }
    if (p.seize) {
      opt("seize", 1);
    }
    dev.add(d);
  }
  return Sexp::makePair("device", dev);
}

}  // namespace

Sexp domainToSxp(const DomainConfig& d, const SxpRuntime& rt) {
  Sexp s = Sexp::makeList({Sexp::makeAtom("domain")});
  if (rt.domid) {
    s.add(pairInt("domid", *rt.domid));
  }
  s.add(pairInt("cpu_weight", d.cpuWeight));
  s.add(pairInt("cpu_cap", d.cpuCap));
  s.add(pair("uuid", d.uuid));
  s.add(pairInt("vcpus", d.maxvcpus));
  // Per-vCPU lists of pCPUs, () = any (xend's form).
  Sexp cpus = Sexp::makeList();
  for (int v = 0; v < d.maxvcpus; ++v) {
    const CpuSet* set = d.cpus ? &*d.cpus
                        : static_cast<size_t>(v) < d.vcpuCpus.size() ? &d.vcpuCpus[v]
                                                                     : nullptr;
    Sexp one = Sexp::makeList();
    if (set) {
      for (int c : set->cpus) {
        one.add(Sexp::makeInt(c));
      }
    }
    cpus.add(one);
  }
  s.add(Sexp::makePair("cpus", cpus));
  s.add(pair("name", d.name));
  s.add(pair("on_poweroff", std::string(actionName(d.onPoweroff))));
  s.add(pair("on_reboot", std::string(actionName(d.onReboot))));
  s.add(pair("on_crash", std::string(actionName(d.onCrash))));
  if (!d.bootloader.empty()) {
    s.add(pair("bootloader", d.bootloader));
  }
  if (!d.bootloader.empty() || !d.bootloaderArgs.empty()) {
    s.add(pair("bootloader_args", d.bootloaderArgs));
  }
  if (!d.description.empty()) {
    s.add(pair("description", d.description));
  }
  s.add(pairInt("maxmem", d.maxmem));
  s.add(pairInt("memory", d.memory));
  s.add(pairInt("shadow_memory", d.shadowMemory));
  if (d.vcpus < d.maxvcpus) {
    s.add(pair("vcpu_avail", availMask(d.vcpus)));
  }
  s.add(pair("on_xend_start", std::string(xendStartName(d.onXendStart))));
  s.add(pair("on_xend_stop", std::string(xendStopName(d.onXendStop))));
  if (rt.startTime) {
    s.add(Sexp::makePair("start_time", Sexp::makeFloat(*rt.startTime)));
  }
  if (rt.cpuTime) {
    s.add(Sexp::makePair("cpu_time", Sexp::makeFloat(*rt.cpuTime)));
  }
  if (rt.onlineVcpus) {
    s.add(pairInt("online_vcpus", *rt.onlineVcpus));
  }
  s.add(Sexp::makePair("image", imageSxp(d)));
  if (rt.status) {
    s.add(pairInt("status", *rt.status));
  }
  if (!rt.state.empty()) {
    s.add(pair("state", rt.state));
  }
  for (const Disk& k : d.disks) {
    s.add(diskSxp(k));
  }
  for (const Vif& v : d.vifs) {
    s.add(vifSxp(v));
  }
  if (!d.pci.empty()) {
    s.add(pciSxp(d.pci));
  }
  for (const Graphics& g : d.vfbs) {
    s.add(vfbSxp(g));
  }
  if (!d.cpuid.leaves.empty()) {
    // cpuid_to_sxp: (cpuid ((IN ((reg bits) ...)) ...))
    Sexp leaves = Sexp::makeList();
    for (const CpuidLeaf& l : d.cpuid.leaves) {
      Sexp regs = Sexp::makeList();
      for (const auto& [reg, bits] : l.regs) {
        regs.add(Sexp::makePair(reg, bits));
      }
      leaves.add(Sexp::makeList({Sexp::makeAtom(cpuidLeafKey(l)), regs}));
    }
    s.add(Sexp::makePair("cpuid", leaves));
  }
  // Not in xend's layout: xl's libxl cpuid form and unmodelled config keys.
  if (d.cpuid.host || !d.cpuid.features.empty()) {
    std::vector<std::string> parts;
    if (d.cpuid.host) {
      parts.push_back("host");
    }
    for (const auto& [k, v] : d.cpuid.features) {
      parts.push_back(k + "=" + v);
    }
    s.add(pair("cpuid_libxl", text::join(parts, ",")));
  }
  if (!d.otherKeys.empty()) {
    nlohmann::ordered_json other = nlohmann::ordered_json::object();
    for (const auto& [k, v] : d.otherKeys) {
      other[k] = valueToJson(v);
    }
    s.add(pair("xenia_other_keys",
               other.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace)));
  }
  return s;
}

std::string domainToSxpText(const DomainConfig& d, const SxpRuntime& rt) {
  return prettySxp(domainToSxp(d, rt));
}

}  // namespace xenia::config
