// Where each named x86 feature bit lives (CPUID leaf, subleaf, register, bit),
// what Xen calls it (xl's cpuid="host,sse3=0" names, old and new) and what
// QEMU's -cpu calls it. Covers the feature words both tools name: leaf 1
// ECX/EDX, 6 EAX, 7.0 EBX/ECX/EDX, 0x80000001 ECX/EDX, 0x80000007 EDX.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace xenia::qemu::detail {

enum class CpuReg { kEax, kEbx, kEcx, kEdx };

struct CpuidBit {
  uint32_t leaf = 0;
  uint32_t subleaf = 0;  // 0 for leaves without subleaves
  CpuReg reg = CpuReg::kEax;
  int bit = 0;
};

// QEMU's -cpu flag name for a bit; empty when QEMU has none.
std::string_view qemuFlagFor(const CpuidBit& b);

// True when QEMU manages the bit's register (its feature word is in the
// table) but has no name for the bit: QEMU never sets such a bit, so forcing
// it to 0 is already honoured. The AMD mirror bits of 0x80000001 EDX (copies
// of leaf 1 EDX on AMD models) are not: QEMU may set them.
bool qemuKeepsBitClear(const CpuidBit& b);

// The bit an xl feature name denotes ("sse3", "sse4_1", "aesni", "lahfsahf").
std::optional<CpuidBit> xenFeatureBit(std::string_view name);

// Register from "eax".."edx".
std::optional<CpuReg> cpuRegFromName(std::string_view name);

}  // namespace xenia::qemu::detail
