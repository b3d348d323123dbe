// Small text helpers shared by xm's formatters: Python %-Ns / %Ns padding,
// which count bytes as Python 2 str did.
#pragma once

#include <string>
#include <string_view>

namespace xenia::xm {

// "%-Ns": s followed by spaces up to width bytes (never truncates).
std::string padRight(std::string_view s, size_t width);
// "%Ns": spaces then s.
std::string padLeft(std::string_view s, size_t width);

}  // namespace xenia::xm
