// The per-conversion field layout of CPython 2.7's PyString_Format:
// formatint's digits and prefixes, then sign, zero fill, "0x" and padding.
#include "config/lang/xm_format_field.h"

namespace xenia::config::xm {

std::string formatInt(int64_t x, char type, int flags, long prec) {
  bool neg = x < 0;
  uint64_t ux = neg ? 0 - static_cast<uint64_t>(x) : static_cast<uint64_t>(x);
  int base = type == 'o' ? 8 : (type == 'x' || type == 'X') ? 16 : 10;
  const char* dig = type == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string d;
  while (ux > 0) {
    d.insert(d.begin(), dig[ux % base]);
    ux /= base;
  }
  long p = prec < 0 ? 1 : prec;
  if (static_cast<long>(d.size()) < p) {
    d.insert(0, p - d.size(), '0');
  }
  if ((flags & kAlt) && type == 'o' && (d.empty() || d[0] != '0')) {
    d.insert(d.begin(), '0');
  }
  std::string out = neg ? "-" : "";
  if ((flags & kAlt) && (type == 'x' || type == 'X')) {
    out += '0';
    out += type;
  }
  return out + d;
}

void padField(std::string& out, const std::string& buf, bool numeric, char fill, int flags,
              long width, char conv) {
  size_t p = 0;
  long len = static_cast<long>(buf.size());
  char sign = 0;
  if (numeric) {
    if (len > 0 && (buf[0] == '-' || buf[0] == '+')) {
      sign = buf[0];
      ++p;
      --len;
    } else if (flags & kSign) {
      sign = '+';
    } else if (flags & kBlank) {
      sign = ' ';
    }
  }
  if (width < len) {
    width = len;
  }
  if (sign) {
    if (fill != ' ') {
      out += sign;
    }
    if (width > len) {
      --width;
    }
  }
  bool altHex = (flags & kAlt) && (conv == 'x' || conv == 'X');
  if (altHex) {
    if (fill != ' ') {
      out += buf.substr(p, 2);
      p += 2;
    }
    width -= 2;
    if (width < 0) {
      width = 0;
    }
    len -= 2;
  }
  if (width > len && !(flags & kLjust)) {
    out.append(static_cast<size_t>(width - len), fill);
    width = len;
  }
  if (fill == ' ') {
    if (sign) {
      out += sign;
    }
    if (altHex) {
      out += buf.substr(p, 2);
      p += 2;
    }
  }
  out.append(buf, p, static_cast<size_t>(len));
  if (width > len) {
    out.append(static_cast<size_t>(width - len), ' ');
  }
}

}  // namespace xenia::config::xm
