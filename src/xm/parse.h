// Pure parsing of xm's command-line values: Python int(), memory sizes
// (main.py int_unit) and CPU lists (vcpu-pin's cpu_make_map).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.h"
#include "config/lang/py_str.h"

namespace xenia::xm {

// Python int(str) is config::pyInt (config/lang/py_str.h).
using config::pyInt;

// A memory size in MiB: plain numbers are MiB; a final b/k/m/g (either
// case) gives the unit, converted with integer division as xm did ("2048k"
// -> 2, "1g" -> 1024). Negative or unknown units -> nullopt.
std::optional<int64_t> parseMemMiB(std::string_view s);

// "0-3,5,^2" -> {0,1,3,5}: ranges and single CPUs, '^n' removes n from what
// came before. Sorted; duplicates kept out. "all" is the caller's business.
Expected<std::vector<int64_t>, std::string> parseCpuList(std::string_view s);
// {0,1,2,3,5} -> "0-3,5".
std::string cpuRangeString(const std::vector<int64_t>& cpus);

// os.path.abspath: `p` made absolute against `cwd` and normalised
// ("a/../b" -> "b", no "." parts, no doubled or trailing '/').
std::string absPath(std::string_view cwd, std::string_view p);

}  // namespace xenia::xm
