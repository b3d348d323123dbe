// Python 2.7 float/str formatting (Objects/floatobject.c, Python/pystrtod.c
// format_float_short) reimplemented on std::to_chars.
#include "config/lang/py_str.h"

#include <cctype>

#include <charconv>
#include <cmath>
#include <cstdio>

namespace xenia::config {

std::string pyRepr(std::string_view s) {
  char quote = '\'';
  if (s.find('\'') != std::string_view::npos && s.find('"') == std::string_view::npos) {
    quote = '"';
  }
  std::string out(1, quote);
  for (unsigned char c : s) {
    if (c == static_cast<unsigned char>(quote) || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c >= 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  out += quote;
  return out;
}

namespace {

// Decimal digits (no trailing zeros) and the position of the decimal point
// relative to them: value = 0.DIGITS * 10^decpt.
struct Digits {
  std::string digits;
  int decpt = 0;
};

// precision < 0: shortest round-trip; otherwise that many significant digits.
Digits toDigits(double v, int precision) {
  char buf[64];
  std::to_chars_result r =
      precision < 0
          ? std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific)
          : std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific, precision - 1);
  std::string_view text(buf, r.ptr - buf);
  Digits d;
  size_t e = text.find('e');
  for (char c : text.substr(0, e)) {
    if (c >= '0' && c <= '9') {
      d.digits += c;
    }
  }
  int exp = 0;
  std::from_chars(text.data() + e + 1 + (text[e + 1] == '+' ? 1 : 0), text.data() + text.size(),
                  exp);
  while (d.digits.size() > 1 && d.digits.back() == '0') {
    d.digits.pop_back();
  }
  d.decpt = exp + 1;
  if (d.digits == "0") {
    d.decpt = 1;
  }
  return d;
}

std::string layout(double v, const Digits& d, bool useExp) {
  std::string out = std::signbit(v) ? "-" : "";
  if (useExp) {
    out += d.digits[0];
    if (d.digits.size() > 1) {
      out += '.';
      out += d.digits.substr(1);
    }
    int exp = d.decpt - 1;
    char buf[16];
    std::snprintf(buf, sizeof buf, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
    out += buf;
    return out;
  }
  if (d.decpt <= 0) {
    out += "0.";
    out.append(static_cast<size_t>(-d.decpt), '0');
    out += d.digits;
  } else if (static_cast<size_t>(d.decpt) >= d.digits.size()) {
    out += d.digits;
    out.append(d.decpt - d.digits.size(), '0');
    out += ".0";
  } else {
    out += d.digits.substr(0, d.decpt);
    out += '.';
    out += d.digits.substr(d.decpt);
  }
  return out;
}

std::string special(double v) {
  if (std::isnan(v)) {
    return "nan";
  }
  return v < 0 ? "-inf" : "inf";
}

}  // namespace

std::string pyFloatRepr(double v) {
  if (!std::isfinite(v)) {
    return special(v);
  }
  Digits d = toDigits(v, -1);
  return layout(v, d, d.decpt <= -4 || d.decpt > 16);
}

std::string pyFloatStr(double v) {
  if (!std::isfinite(v)) {
    return special(v);
  }
  Digits d = toDigits(v, 12);
  return layout(v, d, d.decpt <= -4 || d.decpt > 11);
}

std::optional<int64_t> pyInt(std::string_view s) {
  size_t b = 0;
  size_t e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) {
    ++b;
  }
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) {
    --e;
  }
  s = s.substr(b, e - b);
  bool neg = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) {
    return std::nullopt;
  }
  uint64_t mag = 0;
  for (char c : s) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    if (mag > (UINT64_MAX - (c - '0')) / 10) {
      return std::nullopt;
    }
    mag = mag * 10 + (c - '0');
  }
  if (neg ? mag > (1ull << 63) : mag > static_cast<uint64_t>(INT64_MAX)) {
    return std::nullopt;
  }
  return neg ? static_cast<int64_t>(0 - mag) : static_cast<int64_t>(mag);
}


}  // namespace xenia::config
