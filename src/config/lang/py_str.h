// Python 2 text conversions shared by the xm evaluator and the SXP writer:
// repr() of byte strings and str()/repr() of floats, byte-exact with
// CPython 2.7 (xm and xend ran on it; their output is what users parse).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace xenia::config {

// repr(str): '…', or "…" when the text has ' but no "; escapes \\, the
// quote, \t \n \r, and \xHH for bytes outside 0x20..0x7e.
std::string pyRepr(std::string_view s);
// repr(float): shortest round-trip digits; exponent form when the decimal
// exponent is < -4 or >= 16; integral values get ".0".
std::string pyFloatRepr(double v);
// str(float): 12 significant digits ("%.12g"), exponent form when the
// exponent is < -4 or >= 11; integral values get ".0".
std::string pyFloatStr(double v);

// int(str): optional surrounding whitespace and sign, decimal digits only;
// nullopt for anything else or a value outside int64.
std::optional<int64_t> pyInt(std::string_view s);

}  // namespace xenia::config
