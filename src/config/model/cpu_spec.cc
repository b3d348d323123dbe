// CPU affinity and cpuid parsing.
#include "config/model/cpu_spec.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "config/model/text.h"

namespace xenia::config {

Expected<CpuSet, std::string> parseCpuSet(std::string_view spec) {
  std::string s(text::trim(spec));
  auto bad = [&](const std::string& why) {
    return unexpected("CPU set '" + s + "' is invalid: " + why);
  };
  std::set<int> cpus;
  bool all = false;
  bool any = false;
  for (const std::string& raw : text::split(s, ',')) {
    std::string_view item = text::trim(raw);
    if (item.empty()) {
      return bad("an item is empty.");
    }
    bool exclude = false;
    if (item[0] == '^') {
      exclude = true;
      item.remove_prefix(1);
    }
    if (text::startsWith(item, "node:") || text::startsWith(item, "nodes:")) {
      return bad("NUMA node sets are unsupported; list the CPUs.");
    }
    if (item == "all") {
      if (exclude) {
        return bad("\"^\" and \"all\" cannot be combined.");
      }
      all = true;
      continue;
    }
    std::vector<std::string> r = text::split(item, '-');
    if (r.size() > 2) {
      return bad("'" + std::string(item) + "' is not a CPU or range.");
    }
    auto a = text::parseInt(text::trim(r[0]));
    auto b = r.size() == 2 ? text::parseInt(text::trim(r[1])) : a;
    if (!a || !b || *b < *a) {
      return bad("'" + std::string(item) + "' is not a CPU or an ascending range.");
    }
    if (*b >= kMaxHostCpus) {
      return bad("CPU numbers must be below " + std::to_string(kMaxHostCpus) + ".");
    }
    for (int64_t c = *a; c <= *b; ++c) {
      if (exclude) {
        cpus.erase(static_cast<int>(c));
      } else {
        cpus.insert(static_cast<int>(c));
        any = true;
      }
    }
    if (all && exclude) {
      return bad("exclusions from \"all\" need the host's CPU count; list the CPUs.");
    }
  }
  if (all) {
    if (any) {
      return bad("\"all\" already includes every CPU.");
    }
    return CpuSet{};
  }
  if (cpus.empty()) {
    return bad("it selects no CPU.");
  }
  return CpuSet{std::vector<int>(cpus.begin(), cpus.end())};
}

std::string formatCpuSet(const CpuSet& c) {
  std::string out;
  size_t i = 0;
  while (i < c.cpus.size()) {
    size_t j = i;
    while (j + 1 < c.cpus.size() && c.cpus[j + 1] == c.cpus[j] + 1) {
      ++j;
    }
    if (!out.empty()) {
      out += ',';
    }
    out += std::to_string(c.cpus[i]);
    if (j > i) {
      out += '-' + std::to_string(c.cpus[j]);
    }
    i = j + 1;
  }
  return out;
}

Expected<Cpuid, std::string> parseCpuidLibxl(std::string_view spec) {
  Cpuid c;
  std::string s(text::trim(spec));
  bool first = true;
  for (const std::string& raw : text::split(s, ',')) {
    std::string_view item = text::trim(raw);
    if (first && item == "host") {
      c.host = true;
      first = false;
      continue;
    }
    first = false;
    size_t eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      return unexpected("cpuid item '" + std::string(item) +
                        "' is invalid: expected name=value (\"host\" may only come first).");
    }
    std::string name(item.substr(0, eq));
    std::string val(item.substr(eq + 1));
    for (char ch : name) {
      if (!std::islower(static_cast<unsigned char>(ch)) &&
          !std::isdigit(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_' &&
          ch != '.') {
        return unexpected("cpuid feature name '" + name + "' is invalid.");
      }
    }
    bool numeric = !val.empty() && text::parseUnsigned(val, 0).has_value();
    if (!numeric && val != "x" && val != "k" && val != "s") {
      return unexpected("cpuid value '" + val + "' for " + name +
                        " is invalid: use 0, 1, x, k, s or a number.");
    }
    c.features.emplace_back(name, val);
  }
  return c;
}

Expected<CpuidLeaf, std::string> parseCpuidLeaf(std::string_view spec) {
  std::string s(text::trim(spec));
  auto bad = [&](const std::string& why) {
    return unexpected("cpuid leaf '" + s + "' is invalid: " + why);
  };
  size_t colon = s.find(':');
  if (colon == std::string::npos) {
    return bad("expected IN[,SUBIN]:eax=...,ebx=...");
  }
  auto num = [](std::string_view t) -> std::optional<uint64_t> {
    t = text::trim(t);
    if (text::startsWith(t, "0x") || text::startsWith(t, "0X")) {
      return text::parseUnsigned(t.substr(2), 16);
    }
    if (auto d = text::parseUnsigned(t, 10)) {
      return d;
    }
    return text::parseUnsigned(t, 16);  // xend's regex allows bare hex
  };
  CpuidLeaf leaf;
  std::vector<std::string> in = text::split(std::string_view(s).substr(0, colon), ',');
  if (in.size() > 2) {
    return bad("at most a leaf and a subleaf may precede ':'.");
  }
  auto l = num(in[0]);
  if (!l || *l > 0xffffffffULL) {
    return bad("the leaf must be a 32-bit number.");
  }
  leaf.leaf = static_cast<uint32_t>(*l);
  if (in.size() == 2) {
    auto sl = num(in[1]);
    if (!sl || *sl > 0xffffffffULL) {
      return bad("the subleaf must be a 32-bit number.");
    }
    leaf.subleaf = static_cast<uint32_t>(*sl);
  }
  for (const std::string& raw : text::split(std::string_view(s).substr(colon + 1), ',')) {
    std::string_view item = text::trim(raw);
    size_t eq = item.find('=');
    std::string reg(eq == std::string_view::npos ? item : item.substr(0, eq));
    if (eq == std::string_view::npos ||
        (reg != "eax" && reg != "ebx" && reg != "ecx" && reg != "edx")) {
      return bad("cpuid's syntax is (eax|ebx|ecx|edx)=value.");
    }
    std::string val(item.substr(eq + 1));
    bool bits = val.size() == 32 && val.find_first_not_of("10xks") == std::string::npos;
    if (!bits && text::startsWith(val, "0x")) {
      auto v = text::parseUnsigned(std::string_view(val).substr(2), 16);
      if (!v || *v > 0xffffffffULL) {
        return bad("register " + reg + " value '" + val + "' is not a 32-bit hex number.");
      }
      std::string bits;
      for (int b = 31; b >= 0; --b) {
        bits += ((*v >> b) & 1) ? '1' : '0';
      }
      val = bits;
    } else if (!bits) {
      return bad("register " + reg + " needs all 32 bits, each one of 1 0 x k s.");
    }
    for (const auto& [r, v] : leaf.regs) {
      if (r == reg) {
        return bad("register " + reg + " is given twice.");
      }
    }
    leaf.regs.emplace_back(reg, val);
  }
  std::sort(leaf.regs.begin(), leaf.regs.end());
  return leaf;
}

std::string cpuidLeafKey(const CpuidLeaf& l) {
  std::string k = std::to_string(l.leaf);
  if (l.subleaf) {
    k += "," + std::to_string(*l.subleaf);
  }
  return k;
}

}  // namespace xenia::config
