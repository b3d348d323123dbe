// ConfigFile -> DomainConfig: the scalar keys (identity, memory, vCPUs, boot,
// platform, lifecycle). Devices are in build_devices.cc; generation of
// missing ids, canonical form and validation in finish.cc.
#include "config/model/build.h"

#include <bit>

#include "config/model/build_ctx.h"
#include "config/model/cpu_spec.h"
#include "config/model/device_spec.h"
#include "config/model/names.h"
#include "config/model/text.h"

namespace xenia::config {
namespace {

using detail::BuildCtx;

constexpr int64_t kMaxMemMiB = int64_t{16} << 20;  // 16 TiB

void buildIdentity(BuildCtx& c, DomainConfig& d) {
  if (!c.getString("name", d.name)) {
    return;
  }
  if (!c.has("name")) {
    c.fail("name", SourceLoc{}, "The domain has no name; set name = \"...\".");
    return;
  }
  std::string uuid;
  c.getString("uuid", uuid);
  if (!uuid.empty()) {
    auto u = parseUuid(uuid);
    if (!u) {
      c.fail("uuid", *c.get("uuid"), u.error());
      return;
    }
    d.uuid = *u;
  }
  c.getString("description", d.description);

  // Guest type: xl's type=, or builder= (xm's way, deprecated in xl).
  std::string type, builder;
  c.getString("type", type);
  c.getString("builder", builder);
  std::optional<GuestType> fromType, fromBuilder;
  if (!type.empty()) {
    if (type == "pv" || type == "pvh") {
      fromType = GuestType::kPv;  // pvh boots a kernel directly too
    } else if (type == "hvm") {
      fromType = GuestType::kHvm;
    } else {
      c.fail("type", *c.get("type"), "Guest type '" + type + "' is invalid (use pv, pvh or hvm).");
      return;
    }
  }
  if (!builder.empty()) {
    if (builder == "linux" || builder == "generic") {
      fromBuilder = GuestType::kPv;
    } else if (builder == "hvm") {
      fromBuilder = GuestType::kHvm;
    } else {
      c.fail("builder", *c.get("builder"),
             "Builder '" + builder + "' is invalid (use linux or hvm).");
      return;
    }
  }
  if (fromType && fromBuilder && *fromType != *fromBuilder) {
    c.fail("builder", *c.get("builder"),
           "builder = '" + builder + "' contradicts type = '" + type + "'.");
    return;
  }
  d.type = fromType.value_or(fromBuilder.value_or(GuestType::kPv));
}

void buildMemoryAndCpus(BuildCtx& c, DomainConfig& d) {
  auto memory = [&](const char* key, int64_t& out) {
    const Value* v = c.get(key);
    if (!v) {
      return;
    }
    if (const std::string* s = std::get_if<std::string>(&v->v)) {
      auto m = parseMemoryMiB(*s);
      if (!m) {
        c.fail(key, *v, m.error());
        return;
      }
      out = *m;
    } else if (auto n = c.asInt(key, *v, 0, kMaxMemMiB)) {
      out = *n;
    }
  };
  memory("memory", d.memory);
  d.maxmem = d.memory;
  memory("maxmem", d.maxmem);
  memory("shadow_memory", d.shadowMemory);
  if (c.failed()) {
    return;
  }
  if (d.memory < 1) {
    c.fail("memory", *c.get("memory"), "A domain needs at least 1 MiB of memory.");
    return;
  }

  c.getInt("vcpus", d.vcpus, 1, 1 << 20);
  d.maxvcpus = d.vcpus;
  c.getInt("maxvcpus", d.maxvcpus, 1, 1 << 20);
  if (const Value* avail = c.get("vcpu_avail")) {
    // xm: vcpus = how many exist, vcpu_avail = bitmask of those online.
    auto mask = c.asInt("vcpu_avail", *avail, 1, INT64_MAX);
    if (!mask) {
      return;
    }
    uint64_t m = static_cast<uint64_t>(*mask);
    if ((m & (m + 1)) != 0) {
      c.fail("vcpu_avail", *avail,
             "vcpu_avail must be a contiguous mask starting at vCPU 0 (1, 3, 7, ...).");
      return;
    }
    d.maxvcpus = std::max(d.maxvcpus, d.vcpus);
    d.vcpus = std::popcount(m);
  }
  if (c.failed()) {
    return;
  }

  if (const Value* cpus = c.get("cpus")) {
    auto one = [&](const std::string& field, const Value& v) -> std::optional<CpuSet> {
      auto s = c.asString(field, v);
      if (!s) {
        return std::nullopt;
      }
      auto set = parseCpuSet(*s);
      if (!set) {
        c.fail(field, v, set.error());
        return std::nullopt;
      }
      return *set;
    };
    if (const List* l = std::get_if<List>(&cpus->v)) {
      for (size_t i = 0; i < l->size(); ++i) {
        const std::string* item = std::get_if<std::string>(&(*l)[i].v);
        if (item && item->empty()) {
          d.vcpuCpus.push_back(CpuSet{});  // this vCPU is unrestricted
          continue;
        }
        auto set = one("cpus[" + std::to_string(i) + "]", (*l)[i]);
        if (!set) {
          return;
        }
        d.vcpuCpus.push_back(*set);
      }
    } else if (auto set = one("cpus", *cpus)) {
      if (!set->cpus.empty()) {
        d.cpus = *set;
      }
    }
  }
  c.getInt("cpu_weight", d.cpuWeight, 1, 65535);
  c.getInt("cpu_cap", d.cpuCap, 0, 100 * kMaxVcpus);
}

void buildBoot(BuildCtx& c, DomainConfig& d) {
  c.getString("kernel", d.kernel);
  c.getString("ramdisk", d.ramdisk);
  c.getString("bootloader", d.bootloader);
  c.getString("bootargs", d.bootloaderArgs);          // xm
  c.getString("bootloader_args", d.bootloaderArgs);   // xl, xend SXP
  c.getString("loader", d.loader);
  c.getString("device_model", d.deviceModel);
  c.getString("device_model_override", d.deviceModel);

  std::string firmware;
  c.getString("firmware", firmware);
  c.getString("bios", firmware);
  if (!firmware.empty()) {
    auto f = firmwareFromName(firmware);
    if (!f) {
      const Value* at = c.has("firmware") ? c.get("firmware") : c.get("bios");
      c.fail(c.has("firmware") ? "firmware" : "bios", *at,
             "Firmware '" + firmware + "' is unsupported (use seabios/bios or ovmf/uefi).");
      return;
    }
    d.firmware = *f;
  }

  // Kernel command line: xl's cmdline= wins; else xm's root= ip= extra.
  std::string root, extra, cmdline;
  c.getString("root", root);
  c.getString("extra", extra);
  c.getString("cmdline", cmdline);
  if (text::startsWith(root, "root=")) {
    root = root.substr(5);
  }
  std::string ip, gateway, netmask, hostname, interface, dhcp = "off", nfsServer, nfsRoot;
  c.getString("ip", ip);
  c.getString("gateway", gateway);
  c.getString("netmask", netmask);
  c.getString("hostname", hostname);
  c.getString("interface", interface);
  c.getString("dhcp", dhcp);
  c.getString("nfs_server", nfsServer);
  c.getString("nfs_root", nfsRoot);
  if (!nfsRoot.empty()) {
    if (nfsServer.empty()) {
      c.fail("nfs_root", *c.get("nfs_root"), "Must set nfs root and nfs server.");
      return;
    }
    extra = "nfsroot=" + nfsServer + ":" + nfsRoot + (extra.empty() ? "" : " " + extra);
  }
  if (!ip.empty() || dhcp != "off") {
    if (text::startsWith(ip, "ip=")) {
      ip = ip.substr(3);
    }
    d.ipArgs = ip + ":" + (nfsServer.empty() ? "127.0.255.255" : nfsServer) + ":" + gateway +
               ":" + netmask + ":" + hostname + ":" + interface + ":" + dhcp;
  }
  if (!cmdline.empty()) {
    // The whole line is given; root/extra are ignored (xl warns about them).
    d.root.clear();
    d.ipArgs.clear();
    d.extra = cmdline;
  } else {
    d.root = root;
    d.extra = extra;
  }
  d.cmdline = assembleCmdline(d.root, d.ipArgs, d.extra);
}

void buildPlatform(BuildCtx& c, DomainConfig& d) {
  if (c.dialect() == Dialect::kXm && d.type == GuestType::kHvm) {
    d.boot = "c";  // xm's default; xl's is "cd" (PV guests do not use it)
  }
  if (const Value* b = c.get("boot")) {
    if (auto s = c.asString("boot", *b)) {
      auto order = parseBootOrder(*s);
      if (!order) {
        c.fail("boot", *b, order.error());
        return;
      }
      d.boot = *order;
    }
  }
  c.getBool("acpi", d.acpi);
  c.getBool("apic", d.apic);
  c.getBool("pae", d.pae);
  c.getBool("hpet", d.hpet);
  c.getBool("hap", d.hap);
  c.getBool("nestedhvm", d.nestedhvm);
  if (const Value* v = c.get("viridian")) {
    if (std::holds_alternative<List>(v->v)) {
      d.viridian = !std::get<List>(v->v).empty();  // xl enlightenment groups
    } else if (auto b = c.asBool("viridian", *v)) {
      d.viridian = *b;
    }
  }
  if (const Value* v = c.get("timer_mode")) {
    static const char* kNames[] = {"delay_for_missed_ticks", "no_delay_for_missed_ticks",
                                   "no_missed_ticks_pending", "one_missed_tick_pending"};
    if (const std::string* s = std::get_if<std::string>(&v->v)) {
      for (int i = 0; i < 4; ++i) {
        if (*s == kNames[i]) {
          d.timerMode = i;
        }
      }
    }
    if (!d.timerMode) {
      if (auto n = c.asInt("timer_mode", *v, 0, 3)) {
        d.timerMode = static_cast<int>(*n);
      }
    }
  }
  if (const Value* v = c.get("tsc_mode")) {
    static const char* kNames[] = {"default", "always_emulate", "native", "native_paravirt"};
    std::optional<int> mode;
    if (const std::string* s = std::get_if<std::string>(&v->v)) {
      for (int i = 0; i < 4; ++i) {
        if (*s == kNames[i]) {
          mode = i;
        }
      }
    }
    if (!mode) {
      if (auto n = c.asInt("tsc_mode", *v, 0, 3)) {
        mode = static_cast<int>(*n);
      }
    }
    if (mode) {
      d.tscMode = *mode == 0 ? "" : kNames[*mode];
    }
  }
  if (const Value* v = c.get("localtime")) {
    if (auto b = c.asBool("localtime", *v)) {
      d.localtime = *b;
    }
  }
  c.getInt("rtc_timeoffset", d.rtcTimeoffset, -(int64_t{1} << 40), int64_t{1} << 40);
  c.getBool("nomigrate", d.nomigrate);

  if (const Value* v = c.get("cpuid")) {
    if (const std::string* s = std::get_if<std::string>(&v->v)) {
      // A string is libxl form, unless it is a single xend-style leaf.
      std::string_view t = text::trim(*s);
      size_t colon = t.find(':'), eq = t.find('=');
      if (colon != std::string_view::npos && (eq == std::string_view::npos || colon < eq)) {
        auto leaf = parseCpuidLeaf(t);
        if (!leaf) {
          c.fail("cpuid", *v, leaf.error());
          return;
        }
        d.cpuid.leaves.push_back(*leaf);
      } else {
        auto p = parseCpuidLibxl(t);
        if (!p) {
          c.fail("cpuid", *v, p.error());
          return;
        }
        d.cpuid = *p;
      }
    } else if (const List* l = std::get_if<List>(&v->v)) {
      for (size_t i = 0; i < l->size(); ++i) {
        std::string field = "cpuid[" + std::to_string(i) + "]";
        auto s = c.asString(field, (*l)[i]);
        if (!s) {
          return;
        }
        auto leaf = parseCpuidLeaf(*s);
        if (!leaf) {
          c.fail(field, (*l)[i], leaf.error());
          return;
        }
        for (const CpuidLeaf& prev : d.cpuid.leaves) {
          if (prev.leaf == leaf->leaf && prev.subleaf == leaf->subleaf) {
            c.fail(field, (*l)[i], "cpuid leaf " + cpuidLeafKey(*leaf) + " is given twice.");
            return;
          }
        }
        d.cpuid.leaves.push_back(*leaf);
      }
    } else {
      c.fail("cpuid", *v, "Expected a string or a list of strings, got " + detail::describe(*v) +
                              ".");
    }
  }
}

void buildLifecycle(BuildCtx& c, DomainConfig& d) {
  if (c.dialect() == Dialect::kXl) {
    d.onCrash = Action::kDestroy;
  }
  auto action = [&](const char* key, Action& out, bool crash) {
    std::string s;
    if (!c.getString(key, s) || !c.has(key)) {
      return;
    }
    auto a = actionFromName(s);
    bool allowed = a.has_value();
    if (a && c.dialect() == Dialect::kXm && !crash &&
        (*a == Action::kCoredumpDestroy || *a == Action::kCoredumpRestart)) {
      allowed = false;  // xm: coredump-* only for on_crash
    }
    if (a && *a == Action::kSoftReset && c.dialect() == Dialect::kXm) {
      allowed = false;
    }
    if (!allowed) {
      c.fail(key, *c.get(key),
             "Action '" + s + "' is invalid for " + key +
                 (crash ? " (use destroy, restart, preserve, rename-restart, coredump-destroy "
                          "or coredump-restart)."
                        : " (use destroy, restart, preserve or rename-restart)."));
      return;
    }
    out = *a;
  };
  action("on_poweroff", d.onPoweroff, false);
  action("on_reboot", d.onReboot, false);
  action("on_crash", d.onCrash, true);
  std::string s;
  if (c.getString("on_xend_start", s) && !s.empty()) {
    auto a = xendStartFromName(s);
    if (!a) {
      c.fail("on_xend_start", *c.get("on_xend_start"),
             "Action '" + s + "' is invalid for on_xend_start (use ignore or start).");
      return;
    }
    d.onXendStart = *a;
  }
  s.clear();
  if (c.getString("on_xend_stop", s) && !s.empty()) {
    auto a = xendStopFromName(s);
    if (!a) {
      c.fail("on_xend_stop", *c.get("on_xend_stop"),
             "Action '" + s + "' is invalid for on_xend_stop (use ignore, shutdown or suspend).");
      return;
    }
    d.onXendStop = *a;
  }
}

}  // namespace

Expected<DomainConfig, ModelError> buildDomain(const ConfigFile& file, Dialect dialect,
                                               Random& rng) {
  BuildCtx c(file, dialect);
  DomainConfig d;
  using Step = void (*)(BuildCtx&, DomainConfig&);
  for (Step step : {Step(buildIdentity), Step(buildMemoryAndCpus), Step(buildBoot),
                    Step(buildPlatform), Step(buildLifecycle), Step(detail::buildDisks),
                    Step(detail::buildVifs), Step(detail::buildGraphics), Step(detail::buildPci),
                    Step(detail::buildMiscDevices)}) {
    step(c, d);
    if (c.failed()) {
      ModelError e = c.error();
      if (e.loc.file.empty()) {
        e.loc.file = file.path;
      }
      return unexpected(e);
    }
  }
  // Helper names of xm's Python (vmid, imports' results...) land here too;
  // they are kept so nothing the file said is lost.
  d.otherKeys = c.unusedKeys();
  auto done = finishDomain(std::move(d), rng);
  if (!done) {
    ModelError e = done.error();
    // Point at the key's assignment when validation names a top-level key.
    std::string key = e.field.substr(0, e.field.find('['));
    if (const Assignment* a = file.find(key); a && e.loc.line == 0) {
      e.loc = a->loc;
      if (auto bracket = e.field.find('['); bracket != std::string::npos) {
        // Field "disk[2]": use the list item's own location.
        size_t idx = std::stoul(e.field.substr(bracket + 1));
        if (const List* l = std::get_if<List>(&a->value.v); l && idx < l->size()) {
          e.loc = (*l)[idx].loc;
        }
      }
    }
    if (e.loc.file.empty()) {
      e.loc.file = file.path;
    }
    return unexpected(e);
  }
  return done;
}

}  // namespace xenia::config
