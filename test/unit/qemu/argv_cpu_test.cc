// qemu/argv -cpu: model per accelerator, pae/apic/nestedhvm, cpuid in xl and
// xend forms (names, numeric fields, policies, conflicts), viridian, and the
// timekeeping keys that cannot be honoured.
#include "argv_test_util.h"

namespace xenia::qemu {
namespace {

using namespace test;

std::string cpuOf(const config::DomainConfig& c, const HostFacts& f) {
  auto v = values(build(c, f), "-cpu");
  return v.size() == 1 ? v[0] : "";
}
std::string cpuOf(const config::DomainConfig& c) { return cpuOf(c, facts(c)); }

HostFacts kvmFacts(const config::DomainConfig& c) {
  HostFacts f = facts(c);
  f.accel = Accel::kKvm;
  return f;
}

// xend's 32-character register policy with `bit` set to `ch`, the rest 'x'.
std::string policy(int bit, char ch) {
  std::string s(32, 'x');
  s[31 - bit] = ch;
  return s;
}

TEST(ArgvCpu, ModelFollowsAccelerator) {
  auto c = baseHvm();
  EXPECT_EQ(cpuOf(c), "qemu64,vmx=off,svm=off,enforce=on");
  EXPECT_EQ(cpuOf(c, kvmFacts(c)), "host,vmx=off,svm=off,enforce=on");
  auto f = facts(c);
  f.cpuModel = "Haswell";
  EXPECT_EQ(cpuOf(c, f), "Haswell,vmx=off,svm=off,enforce=on");
  f.cpuModel = "host";  // needs KVM
  EXPECT_EQ(buildError(c, f).code, TranslateErrc::kUnsupported);
  f.cpuModel = "Nonexistent";
  EXPECT_EQ(buildError(c, f).code, TranslateErrc::kMissingCapability);
}

TEST(ArgvCpu, PlatformKeys) {
  auto c = baseHvm();
  c.nestedhvm = true;
  EXPECT_EQ(cpuOf(c), "qemu64,enforce=on");
  c.pae = false;
  c.apic = false;
  EXPECT_EQ(cpuOf(c), "qemu64,pae=off,lm=off,apic=off,x2apic=off,enforce=on");
}

TEST(ArgvCpu, XlFeatureNames) {
  auto c = baseHvm();
  c.nestedhvm = true;
  c.cpuid.features = {{"sse3", "0"}, {"tm", "0"}, {"sse4_1", "1"}, {"aesni", "x"},
                      {"family", "6"}, {"maxleaf", "13"}};
  EXPECT_EQ(cpuOf(c), "qemu64,pni=off,tm=off,sse4.1=on,family=6,level=13,enforce=on");

  c.cpuid.features = {{"family", "six"}};
  EXPECT_EQ(buildError(c).code, TranslateErrc::kInvalidValue);
  c.cpuid.features = {{"brandid", "3"}};  // a numeric field QEMU cannot set
  EXPECT_EQ(buildError(c).code, TranslateErrc::kUnsupported);
  c.cpuid.features = {{"nosuchflag", "0"}};
  EXPECT_EQ(buildError(c).field, "cpuid");
  c.cpuid.features = {{"osxsave", "1"}};  // a bit QEMU has no flag for
  EXPECT_EQ(buildError(c).code, TranslateErrc::kUnsupported);
  c.cpuid.features = {{"sse3", "2"}};
  EXPECT_EQ(buildError(c).code, TranslateErrc::kInvalidValue);
}

TEST(ArgvCpu, HostValuesNeedTheHostModel) {
  auto c = baseHvm();
  c.cpuid.features = {{"sse3", "k"}};
  EXPECT_EQ(buildError(c).code, TranslateErrc::kUnsupported);
  EXPECT_EQ(cpuOf(c, kvmFacts(c)), "host,vmx=off,svm=off,enforce=on");

  c.cpuid.features = {};
  c.cpuid.host = true;
  EXPECT_EQ(buildError(c).field, "cpuid");
  EXPECT_EQ(cpuOf(c, kvmFacts(c)), "host,vmx=off,svm=off,enforce=on");
}

TEST(ArgvCpu, ConflictsAreErrors) {
  auto c = baseHvm();
  c.pae = false;
  c.cpuid.features = {{"pae", "1"}};
  TranslateError e = buildError(c);
  EXPECT_EQ(e.code, TranslateErrc::kInvalidValue);
  EXPECT_NE(e.message.find("pae=0"), std::string::npos) << e.message;

  c.pae = true;
  c.cpuid.features = {{"sse3", "0"}, {"sse3", "0"}};  // same value twice is fine
  EXPECT_EQ(cpuOf(c), "qemu64,vmx=off,svm=off,pni=off,enforce=on");
}

TEST(ArgvCpu, XendLeafStrings) {
  auto c = baseHvm();
  config::CpuidLeaf leaf1;
  leaf1.leaf = 1;
  leaf1.regs = {{"ecx", policy(0, '0')}, {"edx", policy(29, '1')}};
  config::CpuidLeaf leafExt;
  leafExt.leaf = 0x80000001;
  leafExt.regs = {{"edx", policy(20, '0')}};
  config::CpuidLeaf leaf7;
  leaf7.leaf = 7;
  leaf7.subleaf = 0;
  leaf7.regs = {{"ebx", policy(3, '1')}};
  c.cpuid.leaves = {leaf1, leafExt, leaf7};
  EXPECT_EQ(cpuOf(c), "qemu64,vmx=off,svm=off,pni=off,tm=on,nx=off,bmi1=on,enforce=on");

  // Bits QEMU has no name for and never sets may be forced to 0 (xend's
  // hex form writes every bit); AMD mirror bits of 0x80000001 EDX may not.
  leafExt.regs = {{"ecx", std::string(32, '0')}};
  c.cpuid.leaves = {leafExt};
  c.nestedhvm = true;
  EXPECT_EQ(cpuOf(c),
            "qemu64,lahf-lm=off,cmp-legacy=off,svm=off,extapic=off,cr8legacy=off,abm=off,"
            "sse4a=off,misalignsse=off,3dnowprefetch=off,osvw=off,ibs=off,xop=off,skinit=off,"
            "wdt=off,lwp=off,fma4=off,tce=off,nodeid-msr=off,tbm=off,topoext=off,"
            "perfctr-core=off,perfctr-nb=off,enforce=on");
  leafExt.regs = {{"edx", policy(0, '0')}};  // FPU's AMD mirror
  c.cpuid.leaves = {leafExt};
  EXPECT_EQ(buildError(c).code, TranslateErrc::kUnsupported);
  c.nestedhvm = false;

  // All-'x' strings change nothing.
  leaf1.regs = {{"ecx", std::string(32, 'x')}};
  c.cpuid.leaves = {leaf1};
  EXPECT_EQ(cpuOf(c), "qemu64,vmx=off,svm=off,enforce=on");
}

TEST(ArgvCpu, XendLeafErrors) {
  auto c = baseHvm();
  config::CpuidLeaf l;
  l.leaf = 1;
  l.regs = {{"ecx", policy(27, '1')}};  // OSXSAVE: no QEMU flag
  c.cpuid.leaves = {l};
  TranslateError e = buildError(c);
  EXPECT_EQ(e.code, TranslateErrc::kUnsupported);
  EXPECT_NE(e.message.find("bit 27"), std::string::npos) << e.message;

  l.leaf = 0x40000000;  // a hypervisor leaf
  l.regs = {{"eax", policy(0, '1')}};
  c.cpuid.leaves = {l};
  EXPECT_EQ(buildError(c).code, TranslateErrc::kUnsupported);

  l.leaf = 1;
  l.regs = {{"ecx", "xx"}};
  c.cpuid.leaves = {l};
  EXPECT_EQ(buildError(c).code, TranslateErrc::kInvalidValue);
  l.regs = {{"esi", std::string(32, 'x')}};
  c.cpuid.leaves = {l};
  EXPECT_EQ(buildError(c).code, TranslateErrc::kInvalidValue);
  l.regs = {{"ecx", policy(0, 's')}};
  c.cpuid.leaves = {l};
  EXPECT_EQ(buildError(c).code, TranslateErrc::kUnsupported);
}

TEST(ArgvCpu, FlagsMustExistInThisQemu) {
  auto c = baseHvm();
  c.cpuid.features = {{"sse3", "0"}};
  auto f = facts(c);
  f.caps.cpuFlags.erase("pni");
  EXPECT_EQ(buildError(c, f).code, TranslateErrc::kMissingCapability);
}

TEST(ArgvCpu, Viridian) {
  auto c = baseHvm();
  c.viridian = true;
  EXPECT_EQ(buildError(c).field, "viridian");
  EXPECT_EQ(cpuOf(c, kvmFacts(c)),
            "host,vmx=off,svm=off,hv-relaxed=on,hv-vapic=on,hv-spinlocks=0x1fff,hv-time=on,"
            "hv-frequencies=on,enforce=on");
}

TEST(ArgvCpu, TimekeepingKeys) {
  auto c = baseHvm();
  c.timerMode = 1;
  EXPECT_EQ(buildError(c).field, "timer_mode");
  c.timerMode.reset();
  c.tscMode = "native";
  EXPECT_EQ(buildError(c).field, "tsc_mode");
  c.tscMode = "default";
  EXPECT_EQ(cpuOf(c), "qemu64,vmx=off,svm=off,enforce=on");
}

}  // namespace
}  // namespace xenia::qemu
