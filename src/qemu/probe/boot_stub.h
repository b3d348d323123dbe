// The tiny guest the accelerator probe boots (see boot_stub.S): its 512-byte
// image and the exact serial output a correct execution produces.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace xenia::probe {

std::string_view bootStubImage();

// isa-debug-exit turns the stub's final "outb 0x10, 0xf4" into this exit status.
inline constexpr int kBootStubExitCode = (0x10 << 1) | 1;

// The protected-mode result the stub prints, computed here independently.
uint32_t bootStubChecksum();

// "XENIA-STUB rm\nXENIA-STUB pm 13EDE31C\n" (the value from bootStubChecksum()).
std::string bootStubExpectedOutput();

}  // namespace xenia::probe
