// Fuzzes the domain model's readers. The first byte picks the input kind:
// a disk/vif/pci/vfb/cpus/cpuid/rate spec string, an xm or xl config file,
// an SXP or a JSON config. Whatever builds a model must survive both round
// trips exactly (model -> JSON -> model, model -> SXP -> model) and dump to
// the same text again; a difference traps.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "config/lang/xl.h"
#include "config/lang/xm.h"
#include "config/model/build.h"
#include "config/model/cpu_spec.h"
#include "config/model/device_spec.h"
#include "config/model/disk_spec.h"
#include "config/model/json.h"
#include "config/model/net_spec.h"
#include "config/model/sxp.h"

using namespace xenia::config;

namespace {

void checkRoundTrips(const DomainConfig& d) {
  SeededRandom rng(5);
  std::string json = domainToJsonText(d);
  auto fromJson = domainFromJsonText(json, rng);
  if (!fromJson || !(*fromJson == d) || domainToJsonText(*fromJson) != json) {
    __builtin_trap();
  }
  std::string sxp = domainToSxpText(d);
  auto fromSxp = domainFromSxpText(sxp, "fuzz.sxp", rng);
  if (!fromSxp || !(*fromSxp == d) || domainToSxpText(*fromSxp) != sxp) {
    __builtin_trap();
  }
}

void spec(std::string_view s) {
  if (auto d = parseXmDisk(s)) {
    // A disk's uname must read back as the same disk fields.
    auto again = parseUname(formatUname(*d));
    if (!again || again->target != d->target || again->format != d->format ||
        again->backend != d->backend || again->tap != d->tap) {
      __builtin_trap();
    }
  }
  (void)parseXlDisk(s);
  (void)parseVifSpec(s);
  (void)parseRate(s);
  (void)parsePciSpec(s);
  (void)parseVfbSpec(s);
  if (auto c = parseCpuSet(s); c && !c->cpus.empty()) {
    auto again = parseCpuSet(formatCpuSet(*c));
    if (!again || !(*again == *c)) {
      __builtin_trap();
    }
  }
  (void)parseCpuidLibxl(s);
  (void)parseCpuidLeaf(s);
  (void)parseMemoryMiB(s);
  (void)parseBootOrder(s);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0 || size > 64 * 1024) {
    return 0;
  }
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  SeededRandom rng(1);
  switch (data[0] % 5) {
    case 0:
      spec(text);
      break;
    case 1:
      if (auto f = parseXm(text, "fuzz.cfg")) {
        if (auto d = buildDomain(*f, Dialect::kXm, rng)) {
          checkRoundTrips(*d);
        }
      }
      break;
    case 2:
      if (auto f = parseXl(text, "fuzz.xl.cfg")) {
        if (auto d = buildDomain(*f, Dialect::kXl, rng)) {
          checkRoundTrips(*d);
        }
      }
      break;
    case 3:
      if (auto d = domainFromSxpText(text, "fuzz.sxp", rng)) {
        checkRoundTrips(*d);
      }
      break;
    default:
      if (auto d = domainFromJsonText(text, rng)) {
        checkRoundTrips(*d);
      }
      break;
  }
  return 0;
}
