// CPU-related specs: affinity sets ("0-3,^1", "all") and cpuid policies in
// libxl form ("host,tm=0,sse3=0") and xend form ("1:ecx=xxxx...,edx=...").
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/expected.h"
#include "config/model/domain.h"

namespace xenia::config {

constexpr int kMaxHostCpus = 4096;

// Items applied left to right, as xend and xl do: "0-3,^1" = {0,2,3},
// "0-3,^1,1" = {0..3}. "all" alone = unrestricted (empty set); NUMA "nodes:"
// is unsupported (no host topology in the model).
Expected<CpuSet, std::string> parseCpuSet(std::string_view s);

// "0-3,5" (ranges collapsed); "" for the empty (unrestricted) set.
std::string formatCpuSet(const CpuSet& c);

// libxl form: "host" and/or comma-separated key=value.
Expected<Cpuid, std::string> parseCpuidLibxl(std::string_view s);

// One xend-form leaf: "IN[,SUBIN]:reg=VALUE,..." where VALUE is 32 chars of
// 1 0 x k s, or a 0x-prefixed hex number (expanded to 32 bits, as xend does).
Expected<CpuidLeaf, std::string> parseCpuidLeaf(std::string_view s);

// "IN[,SUBIN]" with IN in decimal, as xend's SXP keys leaves.
std::string cpuidLeafKey(const CpuidLeaf& l);

}  // namespace xenia::config
