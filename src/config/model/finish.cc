// Completing and checking a DomainConfig: generated uuid and MACs, the
// canonical form that makes equal meanings compare equal, and validation.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <functional>
#include <set>
#include <variant>

#include "config/model/build.h"
#include "config/model/cpu_spec.h"
#include "config/model/device_spec.h"
#include "config/model/disk_spec.h"
#include "config/model/net_spec.h"
#include "config/model/names.h"
#include "config/model/text.h"

namespace xenia::config {
namespace {

std::string indexed(const char* key, size_t i) {
  return std::string(key) + "[" + std::to_string(i) + "]";
}

Unexpected<ModelError> fail(std::string field, std::string message) {
  return unexpected(ModelError{std::move(field), SourceLoc{}, std::move(message)});
}

void canonicalGraphics(DomainConfig& d) {
  Graphics& top = d.graphics;
  if (d.type == GuestType::kPv) {
    // PV: only a framebuffer device shows anything; top-level vnc/sdl create
    // one when there is none (as xl does), and the top-level keymap is the
    // default for framebuffers without their own (as xm does).
    if (d.vfbs.empty() && (top.vnc || top.sdl)) {
      d.vfbs.push_back(top);
    }
    for (Graphics& g : d.vfbs) {
      if (g.keymap.empty()) {
        g.keymap = top.keymap;
      }
    }
    top = Graphics{};
  } else {
    // HVM: one emulated display; a vfb entry describes it when the top-level
    // keys do not (xend likewise merges the two).
    if (!top.vnc && !top.sdl && !d.vfbs.empty()) {
      std::string keymap = top.keymap;
      top = d.vfbs.front();
      if (top.keymap.empty()) {
        top.keymap = keymap;
      }
    }
    d.vfbs.clear();
  }
}

void canonicalCpus(DomainConfig& d) {
  while (!d.vcpuCpus.empty() && d.vcpuCpus.back().cpus.empty()) {
    d.vcpuCpus.pop_back();
  }
  if (d.cpus && d.cpus->cpus.empty()) {
    d.cpus.reset();
  }
  if (!d.cpus && !d.vcpuCpus.empty() &&
      d.vcpuCpus.size() == static_cast<size_t>(d.maxvcpus) &&
      std::all_of(d.vcpuCpus.begin(), d.vcpuCpus.end(),
                  [&](const CpuSet& c) { return c == d.vcpuCpus.front(); })) {
    d.cpus = d.vcpuCpus.front();
    d.vcpuCpus.clear();
  }
}

bool validName(const std::string& n) {
  if (n.empty() || n.size() > 64) {
    return false;
  }
  for (char c : n) {
    if (!std::isalnum(static_cast<unsigned char>(c)) &&
        std::string_view("_.-+:").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

// Every string the model holds must be UTF-8: JSON cannot carry anything
// else, and the daemon stores models as JSON. Returns the first offender.
std::optional<std::string> nonUtf8Field(const DomainConfig& d) {
  std::optional<std::string> bad;
  auto check = [&](const std::string& field, const std::string& s) {
    if (!bad && !text::isValidUtf8(s)) {
      bad = field;
    }
  };
  std::function<void(const std::string&, const Value&)> value = [&](const std::string& field,
                                                                   const Value& v) {
    if (const std::string* s = std::get_if<std::string>(&v.v)) {
      check(field, *s);
    } else if (const List* l = std::get_if<List>(&v.v)) {
      for (const Value& item : *l) {
        value(field, item);
      }
    } else if (const Dict* dict = std::get_if<Dict>(&v.v)) {
      for (const auto& [k, item] : *dict) {
        check(field, k);
        value(field, item);
      }
    }
  };
  auto graphics = [&](const std::string& field, const Graphics& g) {
    for (const std::string* s : {&g.vnclisten, &g.keymap, &g.display, &g.xauthority}) {
      check(field, *s);
    }
    check(field, g.vncpasswd.value_or(""));
  };
  for (const auto& [field, s] : std::initializer_list<std::pair<const char*, const std::string*>>{
           {"name", &d.name}, {"description", &d.description}, {"kernel", &d.kernel},
           {"ramdisk", &d.ramdisk}, {"root", &d.root}, {"extra", &d.extra},
           {"ip", &d.ipArgs}, {"bootloader", &d.bootloader},
           {"bootloader_args", &d.bootloaderArgs}, {"loader", &d.loader},
           {"device_model", &d.deviceModel}, {"parallel", &d.parallel},
           {"monitor", &d.monitor}, {"soundhw", &d.soundhw}, {"fda", &d.fda},
           {"fdb", &d.fdb}, {"tsc_mode", &d.tscMode}}) {
    check(field, *s);
  }
  for (size_t i = 0; i < d.disks.size(); ++i) {
    const Disk& k = d.disks[i];
    for (const std::string* s : {&k.target, &k.vdev, &k.backendDomain, &k.script, &k.protocol}) {
      check(indexed("disk", i), *s);
    }
  }
  for (size_t i = 0; i < d.vifs.size(); ++i) {
    const Vif& v = d.vifs[i];
    for (const std::string* s : {&v.bridge, &v.script, &v.vifname, &v.model, &v.backendDomain,
                                 &v.gatewaydev, &v.accel}) {
      check(indexed("vif", i), *s);
    }
    for (const std::string& ip : v.ip) {
      check(indexed("vif", i), ip);
    }
  }
  for (size_t i = 0; i < d.vfbs.size(); ++i) {
    graphics(indexed("vfb", i), d.vfbs[i]);
  }
  graphics("vnc", d.graphics);
  for (const std::string& s : d.usbdevice) {
    check("usbdevice", s);
  }
  for (const std::string& s : d.serial) {
    check("serial", s);
  }
  for (const auto& [k, v] : d.cpuid.features) {
    check("cpuid", k);
    check("cpuid", v);
  }
  for (const auto& [k, v] : d.otherKeys) {
    check(k, k);
    value(k, v);
  }
  return bad;
}

}  // namespace

std::string assembleCmdline(const std::string& root, const std::string& ipArgs,
                            const std::string& extra) {
  std::string out;
  auto add = [&](const std::string& part) {
    if (part.empty()) {
      return;
    }
    if (!out.empty()) {
      out += ' ';
    }
    out += part;
  };
  if (!root.empty()) {
    add("root=" + root);
  }
  if (!ipArgs.empty()) {
    add("ip=" + ipArgs);
  }
  add(extra);
  return out;
}

Expected<std::string, std::string> parseUuid(std::string_view s) {
  std::string hex;
  for (char c : s) {
    if (c == '-') {
      continue;
    }
    if (!std::isxdigit(static_cast<unsigned char>(c))) {
      hex.clear();
      break;
    }
    hex += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (hex.size() != 32) {
    return unexpected("UUID '" + std::string(s) +
                      "' is invalid: expected 32 hex digits like "
                      "4a3d5b6c-0000-4000-8000-123456789abc.");
  }
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

std::string randomUuid(Random& rng) {
  uint64_t hi = rng.next();
  uint64_t lo = rng.next();
  hi = (hi & ~0xf000ULL) | 0x4000ULL;                         // version 4
  lo = (lo & ~(0xc000ULL << 48)) | (0x8000ULL << 48);         // RFC 4122 variant
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xffff), static_cast<unsigned>(hi & 0xffff),
                static_cast<unsigned>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return buf;
}

Expected<DomainConfig, ModelError> finishDomain(DomainConfig d, Random& rng) {
  if (d.uuid.empty()) {
    d.uuid = randomUuid(rng);
  }
  std::set<std::string> macs;
  for (const Vif& v : d.vifs) {
    if (!v.mac.empty()) {
      macs.insert(v.mac);
    }
  }
  for (Vif& v : d.vifs) {
    if (v.mac.empty()) {
      do {
        v.mac = randomMac(rng);
      } while (macs.count(v.mac));
      macs.insert(v.mac);
    }
  }
  if (d.type == GuestType::kHvm) {
    // Old xm HVM configs (and xend's SXP) name hvmloader as the kernel: it is
    // the firmware loader, not a kernel to boot directly.
    std::string_view k = d.kernel;
    if (k == "hvmloader" || (k.size() > 10 && k.substr(k.size() - 10) == "/hvmloader")) {
      if (d.loader.empty()) {
        d.loader = d.kernel;
      }
      d.kernel.clear();
    }
  }
  canonicalCpus(d);
  canonicalGraphics(d);
  d.cmdline = assembleCmdline(d.root, d.ipArgs, d.extra);
  auto ok = validateDomain(d);
  if (!ok) {
    return unexpected(ok.error());
  }
  return d;
}

Expected<Ok, ModelError> validateDomain(const DomainConfig& d) {
  if (auto field = nonUtf8Field(d)) {
    return fail(*field, "The text is not valid UTF-8.");
  }
  if (!validName(d.name)) {
    return fail("name", "Domain name '" + d.name +
                            "' is invalid: use 1-64 letters, digits and _ . - + :.");
  }
  if (auto u = parseUuid(d.uuid); !u || *u != d.uuid) {
    return fail("uuid", "UUID '" + d.uuid + "' is not in canonical 8-4-4-4-12 form.");
  }
  if (d.memory < 1) {
    return fail("memory", "A domain needs at least 1 MiB of memory.");
  }
  if (d.memory > d.maxmem) {
    return fail("memory", "memory (" + std::to_string(d.memory) + " MiB) exceeds maxmem (" +
                              std::to_string(d.maxmem) + " MiB).");
  }
  if (d.maxvcpus > kMaxVcpus) {
    return fail(d.maxvcpus == d.vcpus ? "vcpus" : "maxvcpus",
                "A domain may have at most " + std::to_string(kMaxVcpus) + " vCPUs, not " +
                    std::to_string(d.maxvcpus) + ".");
  }
  if (d.vcpus < 1) {
    return fail("vcpus", "A domain needs at least one vCPU.");
  }
  if (d.vcpus > d.maxvcpus) {
    return fail("vcpus", "vcpus (" + std::to_string(d.vcpus) + ") exceeds maxvcpus (" +
                             std::to_string(d.maxvcpus) + ").");
  }
  if (d.cpuWeight < 1 || d.cpuWeight > 65535) {
    return fail("cpu_weight", "cpu_weight must be between 1 and 65535.");
  }
  if (d.cpuCap < 0 || d.cpuCap > 100 * d.maxvcpus) {
    return fail("cpu_cap", "cpu_cap must be between 0 and 100 per vCPU (" +
                               std::to_string(100 * d.maxvcpus) + ").");
  }
  if (d.cpus && !d.vcpuCpus.empty()) {
    return fail("cpus", "Affinity is given both for all vCPUs and per vCPU.");
  }
  if (d.vcpuCpus.size() > static_cast<size_t>(d.maxvcpus)) {
    return fail("cpus", "cpus lists " + std::to_string(d.vcpuCpus.size()) +
                            " per-vCPU sets but the domain has " +
                            std::to_string(d.maxvcpus) + " vCPUs.");
  }

  std::set<std::string> vdevs;
  int pvDisks = 0;
  int ide = 0;
  for (size_t i = 0; i < d.disks.size(); ++i) {
    const Disk& k = d.disks[i];
    std::string field = indexed("disk", i);
    if (!isValidVdev(k.vdev)) {
      return fail(field, "Virtual device '" + k.vdev +
                             "' is not a valid disk name (use hdX, sdX or xvdX).");
    }
    if (!vdevs.insert(k.vdev).second) {
      return fail(field, "Virtual device '" + k.vdev + "' is used by more than one disk.");
    }
    if (k.empty() && k.devtype != DiskDevType::kCdrom) {
      return fail(field, "Disk '" + k.vdev + "' has no target; only a CD-ROM drive may be empty.");
    }
    // The fields must be what the disk's uname reads back as (SXP carries
    // only the uname): e.g. an absolute path for path backends, a blktap
    // driver exactly for tap, a CD-ROM for tap:cdrom.
    auto again = parseUname(formatUname(k));
    if (!again || again->backend != k.backend || again->tap != k.tap ||
        again->format != k.format || again->target != k.target ||
        (k.tap == TapDriver::kCdrom && k.devtype != DiskDevType::kCdrom)) {
      return fail(field, "Disk '" + k.vdev + "' has an inconsistent backend, driver, format "
                         "and target (" + formatUname(k) + ").");
    }
    if (k.vdev[0] == 'h') {
      ++ide;
      if (d.type == GuestType::kHvm && (k.vdev[2] > 'd' || k.vdev.size() > 3)) {
        return fail(field, "IDE device '" + k.vdev +
                               "' does not exist: an HVM guest has hda, hdb, hdc and hdd.");
      }
    } else {
      ++pvDisks;
    }
  }
  if (pvDisks > kMaxPvDisks) {
    return fail("disk", "A domain may have at most " + std::to_string(kMaxPvDisks) +
                            " PV disks, not " + std::to_string(pvDisks) + ".");
  }
  if (d.type == GuestType::kHvm && ide > kMaxIdeDevices) {
    return fail("disk", "An HVM guest has at most 4 IDE devices.");
  }

  if (d.vifs.size() > static_cast<size_t>(kMaxVifs)) {
    return fail("vif", "A domain may have at most " + std::to_string(kMaxVifs) +
                           " network interfaces, not " + std::to_string(d.vifs.size()) + ".");
  }
  std::set<std::string> macs;
  for (size_t i = 0; i < d.vifs.size(); ++i) {
    const Vif& v = d.vifs[i];
    auto mac = parseMac(v.mac);
    if (!mac) {
      return fail(indexed("vif", i), mac.error());
    }
    if (*mac != v.mac) {
      return fail(indexed("vif", i), "MAC address '" + v.mac + "' is not in canonical form.");
    }
    if (!macs.insert(v.mac).second) {
      return fail(indexed("vif", i), "MAC address " + v.mac +
                                         " is used by more than one interface of the domain.");
    }
    if (v.rate && (v.rate->bytesPerInterval == 0 || v.rate->intervalUsec == 0)) {
      return fail(indexed("vif", i), "Rate limit '" + v.rate->spec + "' allows no traffic.");
    }
  }
  if (d.vfbs.size() > 1) {
    return fail("vfb", "A domain may have at most one framebuffer.");
  }
  if (d.type == GuestType::kHvm && !d.vfbs.empty()) {
    return fail("vfb", "An HVM guest's display is set with the top-level vnc/sdl keys.");
  }
  for (size_t i = 0; i < d.pci.size(); ++i) {
    const PciDevice& p = d.pci[i];
    bool badVslot = p.vslot && (*p.vslot < 0 || *p.vslot > 0x1f);
    if (p.domain < 0 || p.domain > 0xffff || p.bus < 0 || p.bus > 0xff || p.slot < 0 ||
        p.slot > 0x1f || p.func < 0 || p.func > 7 || badVslot) {
      return fail(indexed("pci", i), "PCI address " + formatPciBdf(p) + " is out of range.");
    }
    for (size_t j = 0; j < i; ++j) {
      const PciDevice& a = d.pci[i];
      const PciDevice& b = d.pci[j];
      if (a.domain == b.domain && a.bus == b.bus && a.slot == b.slot && a.func == b.func) {
        return fail(indexed("pci", i), "PCI device " + formatPciBdf(a) + " is assigned twice.");
      }
    }
  }
  for (size_t i = 0; i < d.vifs.size(); ++i) {
    for (const std::string& ip : d.vifs[i].ip) {
      if (ip.empty() || ip.find_first_of(" \t\n") != std::string::npos) {
        return fail(indexed("vif", i), "IP address '" + ip + "' is empty or has blanks.");
      }
    }
  }
  for (const std::string* s : {&d.root, &d.ipArgs}) {
    if (s->rfind(s == &d.root ? "root=" : "ip=", 0) == 0) {
      return fail(s == &d.root ? "root" : "ip",
                  "The value must not repeat its 'root='/'ip=' prefix.");
    }
  }
  for (const auto& list : {&d.serial, &d.usbdevice}) {
    for (const std::string& s : *list) {
      if (s.empty()) {
        return fail(list == &d.serial ? "serial" : "usbdevice", "An entry is empty.");
      }
    }
  }
  if (!d.tscMode.empty() && d.tscMode != "always_emulate" && d.tscMode != "native" &&
      d.tscMode != "native_paravirt") {
    return fail("tsc_mode", "TSC mode '" + d.tscMode + "' is invalid (use default, "
                            "always_emulate, native or native_paravirt).");
  }
  if (d.timerMode && (*d.timerMode < 0 || *d.timerMode > 3)) {
    return fail("timer_mode", "timer_mode must be 0..3.");
  }
  if (d.shadowMemory < 0 || d.maxmem > (int64_t{16} << 20)) {
    return fail(d.shadowMemory < 0 ? "shadow_memory" : "maxmem", "The size is out of range.");
  }
  if (!d.cpuid.features.empty() || d.cpuid.host) {
    std::string spec = d.cpuid.host ? "host" : "";
    for (const auto& [k, v] : d.cpuid.features) {
      spec += (spec.empty() ? "" : ",") + k + "=" + v;
    }
    auto again = parseCpuidLibxl(spec);
    if (!again || again->host != d.cpuid.host || again->features != d.cpuid.features) {
      return fail("cpuid", "The cpuid features are invalid.");
    }
  }
  std::set<std::string> otherNames;
  std::function<bool(const Value&)> finite = [&](const Value& v) {
    if (const double* x = std::get_if<double>(&v.v)) {
      return std::isfinite(*x);
    }
    if (const List* l = std::get_if<List>(&v.v)) {
      return std::all_of(l->begin(), l->end(), finite);
    }
    if (const Dict* dict = std::get_if<Dict>(&v.v)) {
      return std::all_of(dict->begin(), dict->end(),
                         [&](const auto& kv) { return finite(kv.second); });
    }
    return true;
  };
  for (const auto& [k, v] : d.otherKeys) {
    if (!otherNames.insert(k).second) {
      return fail(k, "The key is given twice.");
    }
    if (!finite(v)) {
      return fail(k, "Numbers must be finite (JSON has no inf or nan).");
    }
  }
  if (auto b = parseBootOrder(d.boot); !b || *b != d.boot) {
    return fail("boot", "Boot order '" + d.boot + "' is invalid.");
  }
  if (d.type == GuestType::kPv && d.kernel.empty() && d.bootloader.empty()) {
    return fail("kernel", "A PV guest needs a kernel or a bootloader.");
  }
  return Ok{};
}

}  // namespace xenia::config
