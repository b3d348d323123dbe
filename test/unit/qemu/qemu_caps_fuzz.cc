// Fuzz target for the caps parsers: the input is taken as every probe output
// at once (capsFromProbe) and as caps text (parseCaps); caps text that parses
// must survive formatCaps -> parseCaps unchanged. The seed corpus is QEMU
// 7.2's recorded probe output plus the caps text made from it.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "qemu/argv/caps.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace xenia::qemu;
  std::string text(reinterpret_cast<const char*>(data), size);
  ProbeOutputs o;
  o.version = o.help = o.machineHelp = o.deviceHelp = o.cpuHelp = o.accelHelp =
      o.driveFormatHelp = o.displayHelp = text;
  o.hasModuleList = true;
  o.moduleFiles = {text};
  (void)capsFromProbe(o);
  auto caps = parseCaps(text);
  if (caps) {
    auto again = parseCaps(formatCaps(*caps));
    if (!again || !(*again == *caps)) {
      std::abort();
    }
  }
  return 0;
}
