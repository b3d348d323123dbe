// DomainConfig -> canonical JSON. Key order is the order written here; keep
// json_read.cc in step when adding a field.
#include <variant>

#include "config/model/cpu_spec.h"
#include "config/model/device_spec.h"
#include "config/model/json.h"
#include "config/model/names.h"

namespace xenia::config {
namespace {

using J = nlohmann::ordered_json;

}  // namespace

nlohmann::ordered_json valueToJson(const Value& v) {
  if (std::holds_alternative<None>(v.v)) {
    return nullptr;
  }
  if (const bool* b = std::get_if<bool>(&v.v)) {
    return *b;
  }
  if (const int64_t* i = std::get_if<int64_t>(&v.v)) {
    return *i;
  }
  if (const double* d = std::get_if<double>(&v.v)) {
    return *d;
  }
  if (const std::string* s = std::get_if<std::string>(&v.v)) {
    return *s;
  }
  if (const List* l = std::get_if<List>(&v.v)) {
    J arr = J::array();
    for (const Value& item : *l) {
      arr.push_back(valueToJson(item));
    }
    if (v.isTuple) {
      return J{{"$tuple", arr}};  // JSON has no tuples; keep Python's distinction
    }
    return arr;
  }
  J obj = J::object();
  for (const auto& [k, item] : std::get<Dict>(v.v)) {
    obj[k] = valueToJson(item);
  }
  return obj;
}

namespace {

template <class T>
J opt(const std::optional<T>& o) {
  return o ? J(*o) : J(nullptr);
}

J graphicsToJson(const Graphics& g) {
  return J{{"vnc", g.vnc},
           {"sdl", g.sdl},
           {"opengl", g.opengl},
           {"vnclisten", g.vnclisten},
           {"vncdisplay", opt(g.vncdisplay)},
           {"vncunused", g.vncunused},
           {"vncpasswd", opt(g.vncpasswd)},
           {"keymap", g.keymap},
           {"display", g.display},
           {"xauthority", g.xauthority}};
}

J diskToJson(const Disk& k) {
  return J{{"vdev", k.vdev},
           {"devtype", diskDevTypeName(k.devtype)},
           {"target", k.target},
           {"backend", diskBackendName(k.backend)},
           {"tap", tapDriverName(k.tap)},
           {"format", diskFormatName(k.format)},
           {"mode", diskModeName(k.mode)},
           {"backend_domain", k.backendDomain},
           {"script", k.script},
           {"protocol", k.protocol},
           {"direct_io_safe", k.directIoSafe},
           {"discard", opt(k.discard)}};
}

J vifToJson(const Vif& v) {
  J rate = nullptr;
  if (v.rate) {
    rate = J{{"spec", v.rate->spec},
             {"bytes_per_interval", v.rate->bytesPerInterval},
             {"interval_usec", v.rate->intervalUsec}};
  }
  return J{{"mac", v.mac},
           {"bridge", v.bridge},
           {"ip", v.ip},
           {"script", v.script},
           {"vifname", v.vifname},
           {"model", v.model},
           {"type", vifTypeName(v.type)},
           {"backend_domain", v.backendDomain},
           {"rate", rate},
           {"gatewaydev", v.gatewaydev},
           {"accel", v.accel},
           {"mtu", opt(v.mtu)}};
}

J pciToJson(const PciDevice& p) {
  return J{{"bdf", formatPciBdf(p)},
           {"vslot", opt(p.vslot)},
           {"msitranslate", opt(p.msitranslate)},
           {"power_mgmt", opt(p.powerMgmt)},
           {"permissive", p.permissive},
           {"seize", p.seize}};
}

J cpuidToJson(const Cpuid& c) {
  J features = J::array();
  for (const auto& [name, value] : c.features) {
    features.push_back(J::array({name, value}));
  }
  J leaves = J::array();
  for (const CpuidLeaf& l : c.leaves) {
    J regs = J::object();
    for (const auto& [reg, bits] : l.regs) {
      regs[reg] = bits;
    }
    leaves.push_back(J{{"leaf", l.leaf}, {"subleaf", opt(l.subleaf)}, {"regs", regs}});
  }
  return J{{"host", c.host}, {"features", features}, {"leaves", leaves}};
}

}  // namespace

nlohmann::ordered_json domainToJson(const DomainConfig& d) {
  J j = J::object();
  j["name"] = d.name;
  j["uuid"] = d.uuid;
  j["type"] = guestTypeName(d.type);
  j["description"] = d.description;
  j["memory"] = d.memory;
  j["maxmem"] = d.maxmem;
  j["shadow_memory"] = d.shadowMemory;
  j["vcpus"] = d.vcpus;
  j["maxvcpus"] = d.maxvcpus;
  j["cpus"] = d.cpus ? J(formatCpuSet(*d.cpus)) : J(nullptr);
  J vcpuCpus = J::array();
  for (const CpuSet& c : d.vcpuCpus) {
    vcpuCpus.push_back(formatCpuSet(c));
  }
  j["vcpu_cpus"] = vcpuCpus;
  j["cpu_weight"] = d.cpuWeight;
  j["cpu_cap"] = d.cpuCap;
  j["kernel"] = d.kernel;
  j["ramdisk"] = d.ramdisk;
  j["root"] = d.root;
  j["extra"] = d.extra;
  j["ip_args"] = d.ipArgs;
  j["cmdline"] = d.cmdline;
  j["bootloader"] = d.bootloader;
  j["bootloader_args"] = d.bootloaderArgs;
  j["firmware"] = firmwareName(d.firmware);
  j["loader"] = d.loader;
  j["device_model"] = d.deviceModel;
  J disks = J::array();
  for (const Disk& k : d.disks) {
    disks.push_back(diskToJson(k));
  }
  j["disks"] = disks;
  J vifs = J::array();
  for (const Vif& v : d.vifs) {
    vifs.push_back(vifToJson(v));
  }
  j["vifs"] = vifs;
  J vfbs = J::array();
  for (const Graphics& g : d.vfbs) {
    vfbs.push_back(graphicsToJson(g));
  }
  j["vfbs"] = vfbs;
  j["graphics"] = graphicsToJson(d.graphics);
  j["vncconsole"] = d.vncconsole;
  j["nographic"] = d.nographic;
  j["stdvga"] = d.stdvga;
  j["videoram"] = opt(d.videoram);
  J pci = J::array();
  for (const PciDevice& p : d.pci) {
    pci.push_back(pciToJson(p));
  }
  j["pci"] = pci;
  j["pci_msitranslate"] = d.pciMsitranslate;
  j["pci_power_mgmt"] = d.pciPowerMgmt;
  j["usb"] = d.usb;
  j["usbdevice"] = d.usbdevice;
  j["serial"] = d.serial;
  j["parallel"] = d.parallel;
  j["monitor"] = d.monitor;
  j["soundhw"] = d.soundhw;
  j["fda"] = d.fda;
  j["fdb"] = d.fdb;
  j["boot"] = d.boot;
  j["acpi"] = d.acpi;
  j["apic"] = d.apic;
  j["pae"] = d.pae;
  j["hpet"] = d.hpet;
  j["viridian"] = d.viridian;
  j["hap"] = d.hap;
  j["nestedhvm"] = d.nestedhvm;
  j["timer_mode"] = opt(d.timerMode);
  j["tsc_mode"] = d.tscMode;
  j["localtime"] = d.localtime;
  j["rtc_timeoffset"] = d.rtcTimeoffset;
  j["cpuid"] = cpuidToJson(d.cpuid);
  j["on_poweroff"] = actionName(d.onPoweroff);
  j["on_reboot"] = actionName(d.onReboot);
  j["on_crash"] = actionName(d.onCrash);
  j["on_xend_start"] = xendStartName(d.onXendStart);
  j["on_xend_stop"] = xendStopName(d.onXendStop);
  j["nomigrate"] = d.nomigrate;
  J other = J::object();
  for (const auto& [k, v] : d.otherKeys) {
    other[k] = valueToJson(v);
  }
  j["other_keys"] = other;
  return j;
}

std::string domainToJsonText(const DomainConfig& d) {
  // Validated models hold only UTF-8; replacing keeps dump() from throwing
  // on a model built in code without validation.
  return domainToJson(d).dump(2, ' ', false, J::error_handler_t::replace) + "\n";
}

}  // namespace xenia::config
