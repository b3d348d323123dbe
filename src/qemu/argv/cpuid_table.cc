// The feature-bit tables. QEMU names are QEMU 7.2's feature_word_info
// (target/i386/cpu.c); Xen names are xen/include/public/arch-x86/
// cpufeatureset.h lower-cased with '_' -> '-' (what xl accepts today) plus the
// older spellings of libxl_cpuid.c's own table.
#include "qemu/argv/cpuid_table.h"

namespace xenia::qemu::detail {
namespace {

struct Word {
  uint32_t leaf;
  uint32_t subleaf;
  CpuReg reg;
  const char* qemu[32];  // nullptr = QEMU has no name for the bit
};

constexpr uint32_t kExt = 0x80000000;

// clang-format off
const Word kWords[] = {
    {1, 0, CpuReg::kEdx, {
        "fpu", "vme", "de", "pse", "tsc", "msr", "pae", "mce",
        "cx8", "apic", nullptr, "sep", "mtrr", "pge", "mca", "cmov",
        "pat", "pse36", "pn", "clflush", nullptr, "ds", "acpi", "mmx",
        "fxsr", "sse", "sse2", "ss", "ht", "tm", "ia64", "pbe"}},
    {1, 0, CpuReg::kEcx, {
        "pni", "pclmulqdq", "dtes64", "monitor", "ds-cpl", "vmx", "smx", "est",
        "tm2", "ssse3", "cid", nullptr, "fma", "cx16", "xtpr", "pdcm",
        nullptr, "pcid", "dca", "sse4.1", "sse4.2", "x2apic", "movbe", "popcnt",
        "tsc-deadline", "aes", "xsave", nullptr, "avx", "f16c", "rdrand", "hypervisor"}},
    {6, 0, CpuReg::kEax, {
        nullptr, nullptr, "arat", nullptr, nullptr, nullptr, nullptr, nullptr,
        nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr,
        nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr,
        nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr}},
    {7, 0, CpuReg::kEbx, {
        "fsgsbase", "tsc-adjust", "sgx", "bmi1", "hle", "avx2", nullptr, "smep",
        "bmi2", "erms", "invpcid", "rtm", nullptr, nullptr, "mpx", nullptr,
        "avx512f", "avx512dq", "rdseed", "adx", "smap", "avx512ifma", "pcommit", "clflushopt",
        "clwb", "intel-pt", "avx512pf", "avx512er", "avx512cd", "sha-ni", "avx512bw", "avx512vl"}},
    {7, 0, CpuReg::kEcx, {
        nullptr, "avx512vbmi", "umip", "pku", nullptr, "waitpkg", "avx512vbmi2", nullptr,
        "gfni", "vaes", "vpclmulqdq", "avx512vnni", "avx512bitalg", nullptr, "avx512-vpopcntdq",
        nullptr, "la57", nullptr, nullptr, nullptr, nullptr, nullptr, "rdpid", nullptr,
        "bus-lock-detect", "cldemote", nullptr, "movdiri", "movdir64b", nullptr, "sgxlc", "pks"}},
    {7, 0, CpuReg::kEdx, {
        nullptr, nullptr, "avx512-4vnniw", "avx512-4fmaps", "fsrm", nullptr, nullptr, nullptr,
        "avx512-vp2intersect", nullptr, "md-clear", nullptr, nullptr, nullptr, "serialize",
        nullptr, "tsx-ldtrk", nullptr, nullptr, "arch-lbr", nullptr, nullptr, "amx-bf16",
        "avx512-fp16", "amx-tile", "amx-int8", "spec-ctrl", "stibp", nullptr,
        "arch-capabilities", "core-capability", "ssbd"}},
    {kExt | 1, 0, CpuReg::kEdx, {
        nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr,
        nullptr, nullptr, nullptr, "syscall", nullptr, nullptr, nullptr, nullptr,
        nullptr, nullptr, nullptr, nullptr, "nx", nullptr, "mmxext", nullptr,
        nullptr, "fxsr-opt", "pdpe1gb", "rdtscp", nullptr, "lm", "3dnowext", "3dnow"}},
    {kExt | 1, 0, CpuReg::kEcx, {
        "lahf-lm", "cmp-legacy", "svm", "extapic", "cr8legacy", "abm", "sse4a", "misalignsse",
        "3dnowprefetch", "osvw", "ibs", "xop", "skinit", "wdt", nullptr, "lwp",
        "fma4", "tce", nullptr, "nodeid-msr", nullptr, "tbm", "topoext", "perfctr-core",
        "perfctr-nb", nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr}},
    {kExt | 7, 0, CpuReg::kEdx, {
        nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr,
        "invtsc", nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr,
        nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr,
        nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr}},
};

struct XenName {
  const char* name;
  uint32_t leaf;
  uint32_t subleaf;
  CpuReg reg;
  int bit;
};

constexpr CpuReg A = CpuReg::kEax, B = CpuReg::kEbx, C = CpuReg::kEcx, D = CpuReg::kEdx;
constexpr uint32_t E1 = kExt | 1, E7 = kExt | 7;

const XenName kXenNames[] = {
    // leaf 1 EDX
    {"fpu", 1, 0, D, 0}, {"vme", 1, 0, D, 1}, {"de", 1, 0, D, 2}, {"pse", 1, 0, D, 3},
    {"tsc", 1, 0, D, 4}, {"msr", 1, 0, D, 5}, {"pae", 1, 0, D, 6}, {"mce", 1, 0, D, 7},
    {"cx8", 1, 0, D, 8}, {"cmpxchg8", 1, 0, D, 8}, {"apic", 1, 0, D, 9},
    {"sep", 1, 0, D, 11}, {"sysenter", 1, 0, D, 11}, {"mtrr", 1, 0, D, 12},
    {"pge", 1, 0, D, 13}, {"mca", 1, 0, D, 14}, {"cmov", 1, 0, D, 15}, {"pat", 1, 0, D, 16},
    {"pse36", 1, 0, D, 17}, {"psn", 1, 0, D, 18}, {"clfsh", 1, 0, D, 19},
    {"ds", 1, 0, D, 21}, {"acpi", 1, 0, D, 22}, {"mmx", 1, 0, D, 23}, {"fxsr", 1, 0, D, 24},
    {"sse", 1, 0, D, 25}, {"sse2", 1, 0, D, 26}, {"ss", 1, 0, D, 27}, {"htt", 1, 0, D, 28},
    {"tm1", 1, 0, D, 29}, {"tm", 1, 0, D, 29}, {"ia64", 1, 0, D, 30}, {"pbe", 1, 0, D, 31},
    // leaf 1 ECX
    {"sse3", 1, 0, C, 0}, {"pclmulqdq", 1, 0, C, 1}, {"dtes64", 1, 0, C, 2},
    {"monitor", 1, 0, C, 3}, {"dscpl", 1, 0, C, 4}, {"vmx", 1, 0, C, 5}, {"smx", 1, 0, C, 6},
    {"eist", 1, 0, C, 7}, {"est", 1, 0, C, 7}, {"tm2", 1, 0, C, 8}, {"ssse3", 1, 0, C, 9},
    {"cntxid", 1, 0, C, 10}, {"sdbg", 1, 0, C, 11}, {"fma", 1, 0, C, 12},
    {"cx16", 1, 0, C, 13}, {"cmpxchg16", 1, 0, C, 13}, {"xtpr", 1, 0, C, 14},
    {"pdcm", 1, 0, C, 15}, {"pcid", 1, 0, C, 17}, {"dca", 1, 0, C, 18},
    {"sse4-1", 1, 0, C, 19}, {"sse4_1", 1, 0, C, 19}, {"sse4.1", 1, 0, C, 19},
    {"sse4-2", 1, 0, C, 20}, {"sse4_2", 1, 0, C, 20}, {"sse4.2", 1, 0, C, 20},
    {"x2apic", 1, 0, C, 21}, {"movbe", 1, 0, C, 22}, {"popcnt", 1, 0, C, 23},
    {"tsc-deadline", 1, 0, C, 24}, {"aesni", 1, 0, C, 25}, {"aes", 1, 0, C, 25},
    {"xsave", 1, 0, C, 26}, {"osxsave", 1, 0, C, 27}, {"avx", 1, 0, C, 28},
    {"f16c", 1, 0, C, 29}, {"rdrand", 1, 0, C, 30}, {"hypervisor", 1, 0, C, 31},
    // leaf 6 EAX
    {"arat", 6, 0, A, 2},
    // leaf 7.0 EBX
    {"fsgsbase", 7, 0, B, 0}, {"tsc-adjust", 7, 0, B, 1}, {"tsc_adjust", 7, 0, B, 1},
    {"sgx", 7, 0, B, 2}, {"bmi1", 7, 0, B, 3}, {"hle", 7, 0, B, 4}, {"avx2", 7, 0, B, 5},
    {"fdp-excp-only", 7, 0, B, 6}, {"smep", 7, 0, B, 7}, {"bmi2", 7, 0, B, 8},
    {"erms", 7, 0, B, 9}, {"invpcid", 7, 0, B, 10}, {"rtm", 7, 0, B, 11},
    {"pqm", 7, 0, B, 12}, {"cmt", 7, 0, B, 12}, {"no-fpu-sel", 7, 0, B, 13},
    {"mpx", 7, 0, B, 14}, {"pqe", 7, 0, B, 15}, {"avx512f", 7, 0, B, 16},
    {"avx512dq", 7, 0, B, 17}, {"rdseed", 7, 0, B, 18}, {"adx", 7, 0, B, 19},
    {"smap", 7, 0, B, 20}, {"avx512-ifma", 7, 0, B, 21}, {"clflushopt", 7, 0, B, 23},
    {"clwb", 7, 0, B, 24}, {"proc-trace", 7, 0, B, 25}, {"avx512pf", 7, 0, B, 26},
    {"avx512er", 7, 0, B, 27}, {"avx512cd", 7, 0, B, 28}, {"sha", 7, 0, B, 29},
    {"avx512bw", 7, 0, B, 30}, {"avx512vl", 7, 0, B, 31},
    // leaf 7.0 ECX
    {"prefetchwt1", 7, 0, C, 0}, {"avx512-vbmi", 7, 0, C, 1}, {"umip", 7, 0, C, 2},
    {"pku", 7, 0, C, 3}, {"ospke", 7, 0, C, 4}, {"waitpkg", 7, 0, C, 5},
    {"avx512-vbmi2", 7, 0, C, 6}, {"cet-ss", 7, 0, C, 7}, {"gfni", 7, 0, C, 8},
    {"vaes", 7, 0, C, 9}, {"vpclmulqdq", 7, 0, C, 10}, {"avx512-vnni", 7, 0, C, 11},
    {"avx512-bitalg", 7, 0, C, 12}, {"tme", 7, 0, C, 13}, {"avx512-vpopcntdq", 7, 0, C, 14},
    {"la57", 7, 0, C, 16}, {"rdpid", 7, 0, C, 22}, {"bld", 7, 0, C, 24},
    {"cldemote", 7, 0, C, 25}, {"movdiri", 7, 0, C, 27}, {"movdir64b", 7, 0, C, 28},
    {"enqcmd", 7, 0, C, 29}, {"sgx-lc", 7, 0, C, 30}, {"pks", 7, 0, C, 31},
    // leaf 7.0 EDX
    {"avx512-4vnniw", 7, 0, D, 2}, {"avx512-4fmaps", 7, 0, D, 3}, {"fsrm", 7, 0, D, 4},
    {"uintr", 7, 0, D, 5}, {"avx512-vp2intersect", 7, 0, D, 8}, {"srbds-ctrl", 7, 0, D, 9},
    {"md-clear", 7, 0, D, 10}, {"rtm-always-abort", 7, 0, D, 11},
    {"tsx-force-abort", 7, 0, D, 13}, {"serialize", 7, 0, D, 14}, {"hybrid", 7, 0, D, 15},
    {"tsxldtrk", 7, 0, D, 16}, {"pconfig", 7, 0, D, 18}, {"arch-lbr", 7, 0, D, 19},
    {"cet-ibt", 7, 0, D, 20}, {"amx-bf16", 7, 0, D, 22}, {"avx512-fp16", 7, 0, D, 23},
    {"amx-tile", 7, 0, D, 24}, {"amx-int8", 7, 0, D, 25}, {"ibrsb", 7, 0, D, 26},
    {"stibp", 7, 0, D, 27}, {"l1d-flush", 7, 0, D, 28}, {"arch-caps", 7, 0, D, 29},
    {"core-caps", 7, 0, D, 30}, {"ssbd", 7, 0, D, 31},
    // leaf 0x80000001 EDX
    {"syscall", E1, 0, D, 11}, {"nx", E1, 0, D, 20}, {"mmxext", E1, 0, D, 22},
    {"ffxsr", E1, 0, D, 25}, {"page1gb", E1, 0, D, 26}, {"rdtscp", E1, 0, D, 27},
    {"lm", E1, 0, D, 29}, {"3dnowext", E1, 0, D, 30}, {"3dnow", E1, 0, D, 31},
    // leaf 0x80000001 ECX
    {"lahf-lm", E1, 0, C, 0}, {"lahfsahf", E1, 0, C, 0}, {"cmp-legacy", E1, 0, C, 1},
    {"cmplegacy", E1, 0, C, 1}, {"svm", E1, 0, C, 2}, {"extapic", E1, 0, C, 3},
    {"cr8-legacy", E1, 0, C, 4}, {"altmovcr8", E1, 0, C, 4}, {"abm", E1, 0, C, 5},
    {"sse4a", E1, 0, C, 6}, {"misalignsse", E1, 0, C, 7}, {"3dnowprefetch", E1, 0, C, 8},
    {"osvw", E1, 0, C, 9}, {"ibs", E1, 0, C, 10}, {"xop", E1, 0, C, 11},
    {"skinit", E1, 0, C, 12}, {"wdt", E1, 0, C, 13}, {"lwp", E1, 0, C, 15},
    {"fma4", E1, 0, C, 16}, {"nodeid-msr", E1, 0, C, 19}, {"nodeid", E1, 0, C, 19},
    {"tbm", E1, 0, C, 21}, {"topoext", E1, 0, C, 22}, {"perfctr_core", E1, 0, C, 23},
    {"perfctr_nb", E1, 0, C, 24}, {"dbext", E1, 0, C, 26}, {"monitorx", E1, 0, C, 29},
    {"addr-msk-ext", E1, 0, C, 30},
    // leaf 0x80000007 EDX
    {"itsc", E7, 0, D, 8}, {"invtsc", E7, 0, D, 8},
};
// clang-format on

}  // namespace

std::string_view qemuFlagFor(const CpuidBit& b) {
  if (b.bit < 0 || b.bit > 31) {
    return {};
  }
  for (const Word& w : kWords) {
    if (w.leaf == b.leaf && w.subleaf == b.subleaf && w.reg == b.reg) {
      const char* name = w.qemu[b.bit];
      return name ? std::string_view(name) : std::string_view();
    }
  }
  return {};
}

bool qemuKeepsBitClear(const CpuidBit& b) {
  if (b.bit < 0 || b.bit > 31) {
    return false;
  }
  // 0x80000001 EDX bits QEMU copies from leaf 1 EDX on AMD CPU models.
  constexpr uint32_t kAmdMirror = 0x0183f3ff;
  if (b.leaf == (kExt | 1) && b.reg == CpuReg::kEdx && ((kAmdMirror >> b.bit) & 1)) {
    return false;
  }
  for (const Word& w : kWords) {
    if (w.leaf == b.leaf && w.subleaf == b.subleaf && w.reg == b.reg) {
      return w.qemu[b.bit] == nullptr;
    }
  }
  return false;
}

std::optional<CpuidBit> xenFeatureBit(std::string_view name) {
  for (const XenName& x : kXenNames) {
    if (name == x.name) {
      return CpuidBit{x.leaf, x.subleaf, x.reg, x.bit};
    }
  }
  return std::nullopt;
}

std::optional<CpuReg> cpuRegFromName(std::string_view name) {
  if (name == "eax") {
    return CpuReg::kEax;
  }
  if (name == "ebx") {
    return CpuReg::kEbx;
  }
  if (name == "ecx") {
    return CpuReg::kEcx;
  }
  if (name == "edx") {
    return CpuReg::kEdx;
  }
  return std::nullopt;
}

}  // namespace xenia::qemu::detail
