// Canonical JSON -> DomainConfig. Strict about names and types (a typo in a
// stored config should not silently become a default), lenient about absent
// keys (they take the model's defaults).
#include <functional>
#include <set>

#include "config/model/build.h"
#include "config/model/cpu_spec.h"
#include "config/model/device_spec.h"
#include "config/model/json.h"
#include "config/model/names.h"
#include "config/model/net_spec.h"

namespace xenia::config {
namespace {

using J = nlohmann::ordered_json;

// One JSON object being read: tracks consumed keys so leftovers are errors.
class Obj {
 public:
  Obj(const J& j, std::string path, std::optional<ModelError>& err)
      : j_(j), path_(std::move(path)), err_(err) {
    if (!j_.is_object()) {
      fail(path_, "Expected a JSON object.");
    }
  }

  bool ok() const { return !err_; }
  void fail(const std::string& field, std::string msg) {
    if (!err_) {
      err_ = ModelError{field, SourceLoc{}, std::move(msg)};
    }
  }
  std::string at(const char* key) const { return path_.empty() ? key : path_ + "." + key; }

  const J* get(const char* key) {
    seen_.insert(key);
    if (!ok() || !j_.is_object()) {
      return nullptr;
    }
    auto it = j_.find(key);
    return it == j_.end() ? nullptr : &*it;
  }

  void str(const char* key, std::string& out) {
    if (const J* v = get(key)) {
      if (!v->is_string()) {
        return fail(at(key), "Expected a string.");
      }
      out = v->get<std::string>();
    }
  }
  void boolean(const char* key, bool& out) {
    if (const J* v = get(key)) {
      if (!v->is_boolean()) {
        return fail(at(key), "Expected true or false.");
      }
      out = v->get<bool>();
    }
  }
  void optBool(const char* key, std::optional<bool>& out) {
    if (const J* v = get(key); v && !v->is_null()) {
      if (!v->is_boolean()) {
        return fail(at(key), "Expected true, false or null.");
      }
      out = v->get<bool>();
    }
  }
  template <class T>
  void integer(const char* key, T& out) {
    if (const J* v = get(key)) {
      if (!v->is_number_integer()) {
        return fail(at(key), "Expected an integer.");
      }
      out = v->get<T>();
    }
  }
  template <class T>
  void optInt(const char* key, std::optional<T>& out) {
    if (const J* v = get(key); v && !v->is_null()) {
      if (!v->is_number_integer()) {
        return fail(at(key), "Expected an integer or null.");
      }
      out = v->get<T>();
    }
  }
  void optStr(const char* key, std::optional<std::string>& out) {
    if (const J* v = get(key); v && !v->is_null()) {
      if (!v->is_string()) {
        return fail(at(key), "Expected a string or null.");
      }
      out = v->get<std::string>();
    }
  }
  template <class E>
  void name(const char* key, E& out, std::optional<E> (*parse)(std::string_view)) {
    std::string s;
    bool present = j_.is_object() && j_.contains(key);
    str(key, s);
    if (!present || !ok()) {
      return;
    }
    auto e = parse(s);
    if (!e) {
      return fail(at(key), "'" + s + "' is not a valid value.");
    }
    out = *e;
  }
  void strings(const char* key, std::vector<std::string>& out) {
    if (const J* v = get(key)) {
      if (!v->is_array()) {
        return fail(at(key), "Expected an array of strings.");
      }
      out.clear();
      for (const J& item : *v) {
        if (!item.is_string()) {
          return fail(at(key), "Expected an array of strings.");
        }
        out.push_back(item.get<std::string>());
      }
    }
  }
  // Calls fn(item, path) for each element of an array of objects.
  void each(const char* key, const std::function<void(const J&, const std::string&)>& fn) {
    if (const J* v = get(key)) {
      if (!v->is_array()) {
        return fail(at(key), "Expected an array.");
      }
      for (size_t i = 0; i < v->size() && ok(); ++i) {
        fn((*v)[i], at(key) + "[" + std::to_string(i) + "]");
      }
    }
  }
  // Call last: unknown keys are errors.
  void finish() {
    if (!ok() || !j_.is_object()) {
      return;
    }
    for (auto it = j_.begin(); it != j_.end(); ++it) {
      if (!seen_.count(it.key())) {
        return fail(at(it.key().c_str()), "Unknown key.");
      }
    }
  }

 private:
  const J& j_;
  std::string path_;
  std::optional<ModelError>& err_;
  std::set<std::string> seen_;
};

}  // namespace

Value valueFromJson(const nlohmann::ordered_json& j) {
  Value v;
  if (j.is_null()) {
    v.v = None{};
  } else if (j.is_boolean()) {
    v.v = j.get<bool>();
  } else if (j.is_number_integer()) {
    v.v = j.get<int64_t>();
  } else if (j.is_number()) {
    v.v = j.get<double>();
  } else if (j.is_string()) {
    v.v = j.get<std::string>();
  } else if (j.is_array()) {
    List l;
    for (const J& item : j) {
      l.push_back(valueFromJson(item));
    }
    v.v = std::move(l);
  } else if (j.size() == 1 && j.contains("$tuple") && j["$tuple"].is_array()) {
    v = valueFromJson(j["$tuple"]);
    v.isTuple = true;
  } else {
    Dict d;
    for (auto it = j.begin(); it != j.end(); ++it) {
      d.emplace_back(it.key(), valueFromJson(it.value()));
    }
    v.v = std::move(d);
  }
  return v;
}

namespace {

void readGraphics(const J& j, const std::string& path, Graphics& g,
                  std::optional<ModelError>& err) {
  Obj o(j, path, err);
  o.boolean("vnc", g.vnc);
  o.boolean("sdl", g.sdl);
  o.boolean("opengl", g.opengl);
  o.str("vnclisten", g.vnclisten);
  o.optInt("vncdisplay", g.vncdisplay);
  o.boolean("vncunused", g.vncunused);
  o.optStr("vncpasswd", g.vncpasswd);
  o.str("keymap", g.keymap);
  o.str("display", g.display);
  o.str("xauthority", g.xauthority);
  o.finish();
}

void readDisk(const J& j, const std::string& path, Disk& k, std::optional<ModelError>& err) {
  Obj o(j, path, err);
  o.str("vdev", k.vdev);
  o.name("devtype", k.devtype, diskDevTypeFromName);
  o.str("target", k.target);
  o.name("backend", k.backend, diskBackendFromName);
  o.name("tap", k.tap, tapDriverFromName);
  o.name("format", k.format, diskFormatFromName);
  o.name("mode", k.mode, diskModeFromName);
  o.str("backend_domain", k.backendDomain);
  o.str("script", k.script);
  o.str("protocol", k.protocol);
  o.boolean("direct_io_safe", k.directIoSafe);
  o.optBool("discard", k.discard);
  o.finish();
}

void readVif(const J& j, const std::string& path, Vif& v, std::optional<ModelError>& err) {
  Obj o(j, path, err);
  o.str("mac", v.mac);
  o.str("bridge", v.bridge);
  o.strings("ip", v.ip);
  o.str("script", v.script);
  o.str("vifname", v.vifname);
  o.str("model", v.model);
  o.name("type", v.type, vifTypeFromName);
  o.str("backend_domain", v.backendDomain);
  if (const J* r = o.get("rate"); r && !r->is_null()) {
    Rate rate;
    Obj ro(*r, o.at("rate"), err);
    ro.str("spec", rate.spec);
    ro.integer("bytes_per_interval", rate.bytesPerInterval);
    ro.integer("interval_usec", rate.intervalUsec);
    ro.finish();
    if (!err) {
      // The numbers are derived from the spec; they must agree.
      auto parsed = parseRate(rate.spec);
      if (!parsed) {
        o.fail(o.at("rate"), parsed.error());
      } else if (!(*parsed == rate)) {
        o.fail(o.at("rate"), "bytes_per_interval/interval_usec do not match spec '" +
                                 rate.spec + "'.");
      }
      v.rate = rate;
    }
  }
  o.str("gatewaydev", v.gatewaydev);
  o.str("accel", v.accel);
  o.optInt("mtu", v.mtu);
  o.finish();
}

void readPci(const J& j, const std::string& path, PciDevice& p, std::optional<ModelError>& err) {
  Obj o(j, path, err);
  std::string bdf;
  o.str("bdf", bdf);
  if (o.ok()) {
    auto parsed = parsePciSpec(bdf);
    if (!parsed || parsed->size() != 1) {
      o.fail(o.at("bdf"), parsed ? "Expected one PCI function." : parsed.error());
    } else {
      p = parsed->front();
    }
  }
  o.optInt("vslot", p.vslot);
  o.optBool("msitranslate", p.msitranslate);
  o.optBool("power_mgmt", p.powerMgmt);
  o.boolean("permissive", p.permissive);
  o.boolean("seize", p.seize);
  o.finish();
}

void readCpuid(const J& j, const std::string& path, Cpuid& c, std::optional<ModelError>& err) {
  Obj o(j, path, err);
  o.boolean("host", c.host);
  if (const J* f = o.get("features")) {
    if (!f->is_array()) {
      return o.fail(o.at("features"), "Expected an array of [name, value] pairs.");
    }
    for (const J& pair : *f) {
      if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string()) {
        return o.fail(o.at("features"), "Expected an array of [name, value] pairs.");
      }
      c.features.emplace_back(pair[0].get<std::string>(), pair[1].get<std::string>());
    }
  }
  o.each("leaves", [&](const J& item, const std::string& p) {
    CpuidLeaf l;
    Obj lo(item, p, err);
    lo.integer("leaf", l.leaf);
    lo.optInt("subleaf", l.subleaf);
    if (const J* regs = lo.get("regs")) {
      if (!regs->is_object()) {
        return lo.fail(lo.at("regs"), "Expected an object of registers.");
      }
      std::string spec = cpuidLeafKey(l) + ":";
      bool first = true;
      for (auto it = regs->begin(); it != regs->end(); ++it) {
        if (!it.value().is_string()) {
          return lo.fail(lo.at("regs"), "Register values are strings.");
        }
        spec += (first ? "" : ",") + it.key() + "=" + it.value().get<std::string>();
        first = false;
      }
      auto parsed = parseCpuidLeaf(spec);
      if (!parsed) {
        return lo.fail(lo.at("regs"), parsed.error());
      }
      l = *parsed;
    }
    lo.finish();
    c.leaves.push_back(l);
  });
  o.finish();
}

std::optional<CpuSet> cpuSet(Obj& o, const char* field, const std::string& s) {
  auto c = parseCpuSet(s);
  if (!c) {
    o.fail(field, c.error());
    return std::nullopt;
  }
  return *c;
}

}  // namespace

Expected<DomainConfig, ModelError> domainFromJson(const nlohmann::ordered_json& j,
                                                  Random& rng) {
  std::optional<ModelError> err;
  DomainConfig d;
  Obj o(j, "", err);
  o.str("name", d.name);
  o.str("uuid", d.uuid);
  o.name("type", d.type, guestTypeFromName);
  o.str("description", d.description);
  o.integer("memory", d.memory);
  o.integer("maxmem", d.maxmem);
  o.integer("shadow_memory", d.shadowMemory);
  o.integer("vcpus", d.vcpus);
  o.integer("maxvcpus", d.maxvcpus);
  std::optional<std::string> cpus;
  o.optStr("cpus", cpus);
  if (cpus && o.ok()) {
    d.cpus = cpuSet(o, "cpus", *cpus);
  }
  std::vector<std::string> vcpuCpus;
  o.strings("vcpu_cpus", vcpuCpus);
  for (const std::string& s : vcpuCpus) {
    if (s.empty()) {
      d.vcpuCpus.push_back(CpuSet{});
    } else if (auto c = cpuSet(o, "vcpu_cpus", s)) {
      d.vcpuCpus.push_back(*c);
    }
  }
  o.integer("cpu_weight", d.cpuWeight);
  o.integer("cpu_cap", d.cpuCap);
  o.str("kernel", d.kernel);
  o.str("ramdisk", d.ramdisk);
  o.str("root", d.root);
  o.str("extra", d.extra);
  o.str("ip_args", d.ipArgs);
  std::string cmdline;
  o.str("cmdline", cmdline);  // derived from root/ip_args/extra; recomputed
  o.str("bootloader", d.bootloader);
  o.str("bootloader_args", d.bootloaderArgs);
  o.name("firmware", d.firmware, firmwareFromName);
  o.str("loader", d.loader);
  o.str("device_model", d.deviceModel);
  o.each("disks", [&](const J& item, const std::string& p) {
    readDisk(item, p, d.disks.emplace_back(), err);
  });
  o.each("vifs", [&](const J& item, const std::string& p) {
    readVif(item, p, d.vifs.emplace_back(), err);
  });
  o.each("vfbs", [&](const J& item, const std::string& p) {
    readGraphics(item, p, d.vfbs.emplace_back(), err);
  });
  if (const J* g = o.get("graphics")) {
    readGraphics(*g, "graphics", d.graphics, err);
  }
  o.boolean("vncconsole", d.vncconsole);
  o.boolean("nographic", d.nographic);
  o.boolean("stdvga", d.stdvga);
  o.optInt("videoram", d.videoram);
  o.each("pci", [&](const J& item, const std::string& p) {
    readPci(item, p, d.pci.emplace_back(), err);
  });
  o.boolean("pci_msitranslate", d.pciMsitranslate);
  o.boolean("pci_power_mgmt", d.pciPowerMgmt);
  o.boolean("usb", d.usb);
  o.strings("usbdevice", d.usbdevice);
  o.strings("serial", d.serial);
  o.str("parallel", d.parallel);
  o.str("monitor", d.monitor);
  o.str("soundhw", d.soundhw);
  o.str("fda", d.fda);
  o.str("fdb", d.fdb);
  o.str("boot", d.boot);
  o.boolean("acpi", d.acpi);
  o.boolean("apic", d.apic);
  o.boolean("pae", d.pae);
  o.boolean("hpet", d.hpet);
  o.boolean("viridian", d.viridian);
  o.boolean("hap", d.hap);
  o.boolean("nestedhvm", d.nestedhvm);
  o.optInt("timer_mode", d.timerMode);
  o.str("tsc_mode", d.tscMode);
  o.boolean("localtime", d.localtime);
  o.integer("rtc_timeoffset", d.rtcTimeoffset);
  if (const J* c = o.get("cpuid")) {
    readCpuid(*c, "cpuid", d.cpuid, err);
  }
  o.name("on_poweroff", d.onPoweroff, actionFromName);
  o.name("on_reboot", d.onReboot, actionFromName);
  o.name("on_crash", d.onCrash, actionFromName);
  o.name("on_xend_start", d.onXendStart, xendStartFromName);
  o.name("on_xend_stop", d.onXendStop, xendStopFromName);
  o.boolean("nomigrate", d.nomigrate);
  if (const J* other = o.get("other_keys")) {
    if (!other->is_object()) {
      o.fail("other_keys", "Expected an object.");
    } else {
      for (auto it = other->begin(); it != other->end(); ++it) {
        d.otherKeys.emplace_back(it.key(), valueFromJson(it.value()));
      }
    }
  }
  o.finish();
  if (err) {
    return unexpected(*err);
  }
  return finishDomain(std::move(d), rng);
}

Expected<DomainConfig, ModelError> domainFromJsonText(std::string_view text, Random& rng) {
  J j = J::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    return unexpected(ModelError{"", SourceLoc{}, "The text is not valid JSON."});
  }
  return domainFromJson(j, rng);
}

}  // namespace xenia::config
