// sanitiseValue/unsanitiseValue (see escape.h).
#include "xenstore/tools/escape.h"

#include <cstdio>

namespace xenia::xs::tools {

std::string sanitiseValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (unsigned char c : value) {
    if (c >= ' ' && c <= '~' && c != '\\') {
      out.push_back(static_cast<char>(c));
      continue;
    }
    out.push_back('\\');
    switch (c) {
      case '\t':
        out.push_back('t');
        break;
      case '\n':
        out.push_back('n');
        break;
      case '\r':
        out.push_back('r');
        break;
      case '\\':
        out.push_back('\\');
        break;
      default: {
        char buf[8];
        std::snprintf(buf, sizeof(buf), c < 010 ? "%03o" : "x%02x", c);
        out += buf;
      }
    }
  }
  return out;
}

std::string unsanitiseValue(std::string_view text) {
  // sscanf needs a terminated string; the same conversions as xs_lib.c keep
  // its corner cases (whitespace or a sign after \x) identical.
  std::string in(text);
  std::string out;
  const char* ip = in.c_str();
  for (;;) {
    unsigned c = static_cast<unsigned char>(*ip++);
    if (c == 0) {
      break;
    }
    if (c == '\\') {
      c = static_cast<unsigned char>(*ip++);
      int n = 0;
      switch (c) {
        case 't':
          c = '\t';
          break;
        case 'n':
          c = '\n';
          break;
        case 'r':
          c = '\r';
          break;
        case '\\':
          c = '\\';
          break;
        case 'x':
          std::sscanf(ip, "%2x%n", &c, &n);
          ip += n;
          break;
        case '0':
        case '1':
        case '2':
        case '3':
        case '4':
        case '5':
        case '6':
        case '7':
          --ip;
          std::sscanf(ip, "%3o%n", &c, &n);
          ip += n;
          break;
        case 0:
          --ip;  // a trailing backslash: c stays 0 and is stored
          break;
        default:
          break;
      }
    }
    out.push_back(static_cast<char>(c));
  }
  return out;
}

}  // namespace xenia::xs::tools
