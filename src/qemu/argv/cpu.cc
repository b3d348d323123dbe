// -cpu: the CPU model for the accelerator, platform switches that live in
// CPUID (pae, apic, nestedhvm), cpuid= masks in both xl and xend forms, and
// viridian's Hyper-V enlightenments; plus the timekeeping keys QEMU cannot
// express. `enforce` makes QEMU refuse to start rather than silently drop a
// feature the accelerator cannot provide.
#include <fmt/format.h>

#include <charconv>
#include <map>
#include <vector>

#include "qemu/argv/builder.h"
#include "qemu/argv/cpuid_table.h"

namespace xenia::qemu::detail {
namespace {

// Ordered flag settings with conflict detection: two keys asking for
// opposite values of one flag is a config error, not "last one wins".
class CpuFlags {
 public:
  Status set(const std::string& flag, bool on, std::string_view field, std::string_view why) {
    auto it = index_.find(flag);
    if (it != index_.end()) {
      const Entry& e = entries_[it->second];
      if (e.on != on) {
        return fail(TranslateErrc::kInvalidValue, std::string(field),
                    fmt::format("{} turns CPU flag '{}' {}, but {} turns it {}.", why, flag,
                                on ? "on" : "off", e.why, e.on ? "on" : "off"));
      }
      return Ok{};
    }
    index_[flag] = entries_.size();
    entries_.push_back({flag, on, std::string(why)});
    return Ok{};
  }
  void prop(std::string key, std::string value) { props_.emplace_back(key, value); }

  Status check(const QemuCaps& caps) const {
    for (const Entry& e : entries_) {
      if (!caps.hasCpuFlag(e.flag)) {
        return fail(TranslateErrc::kMissingCapability, "cpuid",
                    fmt::format("This QEMU has no CPU flag '{}' (needed by {}).", e.flag, e.why));
      }
    }
    return Ok{};
  }
  void appendTo(Opts& o) const {
    for (const Entry& e : entries_) {
      o.onOff(e.flag, e.on);
    }
    for (const auto& [k, v] : props_) {
      o.add(k, v);
    }
  }

 private:
  struct Entry {
    std::string flag;
    bool on;
    std::string why;
  };
  std::vector<Entry> entries_;
  std::map<std::string, size_t> index_;
  std::vector<std::pair<std::string, std::string>> props_;
};

const char* regName(CpuReg r) {
  switch (r) {
    case CpuReg::kEax:
      return "eax";
    case CpuReg::kEbx:
      return "ebx";
    case CpuReg::kEcx:
      return "ecx";
    case CpuReg::kEdx:
      return "edx";
  }
  return "?";
}

// One bit's policy character: '1'/'0' force, 'x' default, 'k'/'s' host value.
Status applyBit(const CpuidBit& bit, char policy, bool hostModel, CpuFlags& flags,
                std::string_view why) {
  if (policy == 'x') {
    return Ok{};
  }
  if (policy == 'k' || policy == 's') {
    if (hostModel) {
      return Ok{};  // -cpu host already passes the host's value through
    }
    return fail(TranslateErrc::kUnsupported, "cpuid",
                fmt::format("{} asks for the host's value, which only the 'host' CPU model "
                            "(KVM) provides.",
                            why));
  }
  if (policy != '0' && policy != '1') {
    return fail(TranslateErrc::kInvalidValue, "cpuid",
                fmt::format("{} has policy '{}'; expected one of 1 0 x k s.", why, policy));
  }
  std::string_view name = qemuFlagFor(bit);
  if (name.empty() && policy == '0' && qemuKeepsBitClear(bit)) {
    return Ok{};  // a reserved or unnamed bit QEMU never sets
  }
  if (name.empty()) {
    return fail(TranslateErrc::kUnsupported, "cpuid",
                fmt::format("{} has no QEMU CPU flag, so it cannot be forced.", why));
  }
  return flags.set(std::string(name), policy == '1', "cpuid", why);
}

// xl's numeric fields that QEMU has as -cpu properties.
std::string_view qemuPropForField(std::string_view name) {
  if (name == "family" || name == "model" || name == "stepping") {
    return name;
  }
  if (name == "maxleaf") {
    return "level";
  }
  return {};
}

Status applyXlFeature(const std::string& name, const std::string& value, bool hostModel,
                      CpuFlags& flags) {
  std::string why = fmt::format("cpuid '{}={}'", name, value);
  if (auto prop = qemuPropForField(name); !prop.empty()) {
    uint32_t n = 0;
    auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (ec != std::errc() || p != value.data() + value.size()) {
      return fail(TranslateErrc::kInvalidValue, "cpuid",
                  fmt::format("{} needs a decimal number.", why));
    }
    flags.prop(std::string(prop), value);
    return Ok{};
  }
  std::optional<CpuidBit> bit = xenFeatureBit(name);
  if (!bit) {
    return fail(TranslateErrc::kUnsupported, "cpuid",
                fmt::format("{} names no feature bit QEMU can set.", why));
  }
  if (value.size() != 1) {
    return fail(TranslateErrc::kInvalidValue, "cpuid",
                fmt::format("{} needs one of 1 0 x k s.", why));
  }
  return applyBit(*bit, value[0], hostModel, flags, why);
}

// xend's "leaf[,subleaf]:reg=<32 chars>", most significant bit first.
Status applyXendLeaf(const config::CpuidLeaf& leaf, bool hostModel, CpuFlags& flags) {
  for (const auto& [regText, policy] : leaf.regs) {
    std::optional<CpuReg> reg = cpuRegFromName(regText);
    if (!reg || policy.size() != 32) {
      return fail(TranslateErrc::kInvalidValue, "cpuid",
                  fmt::format("cpuid leaf {:#x} register '{}' needs 32 policy characters.",
                              leaf.leaf, regText));
    }
    for (int b = 0; b < 32; ++b) {  // policy[0] is bit 31
      CpuidBit bit{leaf.leaf, leaf.subleaf.value_or(0), *reg, b};
      std::string why = fmt::format("cpuid leaf {:#x} {} bit {}", leaf.leaf, regName(*reg), b);
      if (auto s = applyBit(bit, policy[31 - b], hostModel, flags, why); !s) {
        return s;
      }
    }
  }
  return Ok{};
}

Status checkTimekeeping(const config::DomainConfig& cfg) {
  if (cfg.timerMode) {
    return fail(TranslateErrc::kUnsupported, "timer_mode",
                fmt::format("timer_mode={} has no QEMU equivalent; QEMU's timers always "
                            "behave as its defaults.",
                            *cfg.timerMode));
  }
  if (!cfg.tscMode.empty() && cfg.tscMode != "default") {
    return fail(TranslateErrc::kUnsupported, "tsc_mode",
                fmt::format("tsc_mode={} has no QEMU equivalent.", cfg.tscMode));
  }
  return Ok{};
}

}  // namespace

Status buildCpu(Ctx& c) {
  const auto& cfg = c.cfg;
  const bool kvm = c.facts.accel == Accel::kKvm;
  std::string model = c.facts.cpuModel.empty() ? (kvm ? "host" : "qemu64") : c.facts.cpuModel;
  if (model == "host" && !kvm) {
    return fail(TranslateErrc::kUnsupported, "", "The 'host' CPU model needs KVM.");
  }
  if (!c.facts.caps.hasCpuModel(model)) {
    return fail(TranslateErrc::kMissingCapability, "",
                fmt::format("This QEMU has no CPU model '{}'.", model));
  }
  const bool hostModel = model == "host";
  if (cfg.cpuid.host && !hostModel) {
    return fail(TranslateErrc::kUnsupported, "cpuid",
                "cpuid=\"host,...\" needs the 'host' CPU model, which needs KVM.");
  }
  if (auto s = checkTimekeeping(cfg); !s) {
    return s;
  }

  CpuFlags flags;
  // Xen hides VMX/SVM unless nested virtualization is asked for.
  if (!cfg.nestedhvm) {
    (void)flags.set("vmx", false, "nestedhvm", "nestedhvm=0");
    (void)flags.set("svm", false, "nestedhvm", "nestedhvm=0");
  }
  if (!cfg.pae) {
    // Long mode needs PAE, so a guest without PAE is a 32-bit non-PAE CPU.
    (void)flags.set("pae", false, "pae", "pae=0");
    (void)flags.set("lm", false, "pae", "pae=0");
  }
  if (!cfg.apic) {
    (void)flags.set("apic", false, "apic", "apic=0");
    (void)flags.set("x2apic", false, "apic", "apic=0");
  }
  for (const auto& [name, value] : cfg.cpuid.features) {
    if (auto s = applyXlFeature(name, value, hostModel, flags); !s) {
      return s;
    }
  }
  for (const auto& leaf : cfg.cpuid.leaves) {
    if (auto s = applyXendLeaf(leaf, hostModel, flags); !s) {
      return s;
    }
  }
  if (auto s = flags.check(c.facts.caps); !s) {
    return s;
  }

  Opts cpu(model);
  flags.appendTo(cpu);
  if (cfg.viridian) {
    // QEMU implements the Hyper-V enlightenments only with KVM; under TCG the
    // properties are accepted and ignored, which would silently drop viridian.
    if (!kvm) {
      return fail(TranslateErrc::kUnsupported, "viridian",
                  "viridian needs KVM; QEMU's Hyper-V enlightenments do nothing under TCG.");
    }
    // Xen's default viridian groups: base (hypercalls, APIC assist), freq,
    // time_ref_count.
    cpu.onOff("hv-relaxed", true)
        .onOff("hv-vapic", true)
        .add("hv-spinlocks", "0x1fff")
        .onOff("hv-time", true)
        .onOff("hv-frequencies", true);
  }
  cpu.add("enforce", "on");
  c.add("-cpu", cpu.str());
  return Ok{};
}

}  // namespace xenia::qemu::detail
