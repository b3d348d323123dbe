// ConfigFile -> DomainConfig: identity, memory, vCPUs and boot keys, and the
// driver running every part. Platform and lifecycle keys are in
// build_platform.cc, devices in build_devices.cc; generated ids, canonical
// form and validation in finish.cc.
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

}  // namespace

Expected<DomainConfig, ModelError> buildDomain(const ConfigFile& file, Dialect dialect,
                                               Random& rng) {
  BuildCtx c(file, dialect);
  DomainConfig d;
  using Step = void (*)(BuildCtx&, DomainConfig&);
  const Step steps[] = {buildIdentity,          buildMemoryAndCpus,     buildBoot,
                        detail::buildPlatform,  detail::buildLifecycle, detail::buildDisks,
                        detail::buildVifs,      detail::buildGraphics,  detail::buildPci,
                        detail::buildMiscDevices};
  for (Step step : steps) {
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
