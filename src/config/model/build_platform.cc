// ConfigFile -> DomainConfig for the HVM platform keys (boot order, acpi,
// timers, cpuid, ...) and the lifecycle actions (on_*, on_xend_*).
#include "config/model/build_ctx.h"
#include "config/model/cpu_spec.h"
#include "config/model/device_spec.h"
#include "config/model/names.h"
#include "config/model/text.h"

namespace xenia::config::detail {

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

}  // namespace xenia::config::detail
