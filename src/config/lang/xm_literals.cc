// Python 2 number and string literals for the xm tokenizer (CPython 2.7
// Parser/tokenizer.c for numbers, Python/ast.c parsestr for str escapes).
#include <cstdlib>

#include "config/lang/xm_lexer_impl.h"

namespace xenia::config::xm {

std::optional<LexError> Lexer::number() {
  Token t = start(TokKind::kInt);
  size_t begin = pos_;
  auto invalid = [&]() { return LexError{t.line, t.col, "invalid token", ""}; };
  bool isFloat = false;
  int base = 10;
  char n1 = peek(1) | 0x20;
  if (text_[pos_] == '0' && (n1 == 'x' || n1 == 'o' || n1 == 'b')) {
    base = n1 == 'x' ? 16 : n1 == 'o' ? 8 : 2;
    step();
    step();
    size_t digits = pos_;
    while (pos_ < text_.size() && hexValue(text_[pos_]) >= 0 && hexValue(text_[pos_]) < base) {
      step();
    }
    if (pos_ == digits) {
      return invalid();
    }
  } else {
    while (pos_ < text_.size() && isDigit(text_[pos_])) {
      step();
    }
    if (pos_ < text_.size() && text_[pos_] == '.') {
      isFloat = true;
      step();
      while (pos_ < text_.size() && isDigit(text_[pos_])) {
        step();
      }
    }
    char e = pos_ < text_.size() ? text_[pos_] : '\0';
    if (e == 'e' || e == 'E') {
      size_t k = 1;
      if (peek(1) == '+' || peek(1) == '-') {
        k = 2;
      }
      if (isDigit(peek(k))) {
        isFloat = true;
        for (size_t i = 0; i < k; ++i) {
          step();
        }
        while (pos_ < text_.size() && isDigit(text_[pos_])) {
          step();
        }
      }
    }
  }
  t.text = std::string(text_.substr(begin, pos_ - begin));
  char suffix = pos_ < text_.size() ? text_[pos_] : '\0';
  if (suffix == 'l' || suffix == 'L') {
    return LexError{t.line, t.col, "long integer literals (" + t.text + "L) are not supported",
                    "xm ignores settings whose value is a Python long; drop the L"};
  }
  if (suffix == 'j' || suffix == 'J') {
    return LexError{t.line, t.col, "complex number literals are not supported", ""};
  }
  if (isFloat) {
    t.kind = TokKind::kFloat;
    t.num = std::strtod(t.text.c_str(), nullptr);
    out_.push_back(std::move(t));
    return std::nullopt;
  }
  std::string_view digits = t.text;
  if (base != 10) {
    digits.remove_prefix(2);
  } else if (digits.size() > 1 && digits[0] == '0') {
    // Python 2 legacy octal: 0777.
    base = 8;
    for (char d : digits) {
      if (d > '7') {
        return invalid();
      }
    }
  }
  uint64_t mag = 0;
  for (char d : digits) {
    uint64_t v = static_cast<uint64_t>(hexValue(d));
    if (mag > (UINT64_MAX - v) / static_cast<uint64_t>(base)) {
      return LexError{t.line, t.col, "integer literal " + t.text + " does not fit in 64 bits",
                      "Python would make it a long, which xm ignores"};
    }
    mag = mag * base + v;
  }
  t.mag = mag;
  out_.push_back(std::move(t));
  return std::nullopt;
}

// A string literal whose prefix (r/b/br, `prefixLen` chars) was consumed
// into the identifier scan: pos_ is at the opening quote.
std::optional<LexError> Lexer::string(size_t prefixLen, bool raw) {
  Token t = start(TokKind::kString);
  t.col -= static_cast<int>(prefixLen);
  size_t begin = pos_ - prefixLen;
  char q = text_[pos_];
  bool triple = peek(1) == q && peek(2) == q;
  for (int i = 0; i < (triple ? 3 : 1); ++i) {
    step();
  }
  while (true) {
    if (pos_ >= text_.size()) {
      return LexError{t.line, t.col,
                      triple ? "EOF while scanning triple-quoted string literal"
                             : "EOL while scanning string literal",
                      ""};
    }
    char c = text_[pos_];
    if (c == q && (!triple || (peek(1) == q && peek(2) == q))) {
      for (int i = 0; i < (triple ? 3 : 1); ++i) {
        step();
      }
      break;
    }
    if (c == '\n' && !triple) {
      return LexError{t.line, t.col, "EOL while scanning string literal", ""};
    }
    if (c == '\r' && peek(1) == '\n') {
      step();
      continue;  // universal newlines: "\r\n" reads as "\n"
    }
    if (c != '\\') {
      t.str += c;
      step();
      continue;
    }
    int escLine = line_;
    int escCol = col_;
    step();
    if (pos_ >= text_.size()) {
      continue;  // reported as unterminated above
    }
    char e = text_[pos_];
    if (e == '\r' && peek(1) == '\n') {
      step();
      e = '\n';
    }
    if (raw) {
      // A backslash keeps the next character, which therefore cannot
      // close the string.
      t.str += '\\';
      t.str += e;
      step();
      continue;
    }
    step();
    switch (e) {
      case '\n':
        continue;  // line continuation inside the string
      case '\\':
        t.str += '\\';
        continue;
      case '\'':
        t.str += '\'';
        continue;
      case '"':
        t.str += '"';
        continue;
      case 'a':
        t.str += '\a';
        continue;
      case 'b':
        t.str += '\b';
        continue;
      case 'f':
        t.str += '\f';
        continue;
      case 'n':
        t.str += '\n';
        continue;
      case 'r':
        t.str += '\r';
        continue;
      case 't':
        t.str += '\t';
        continue;
      case 'v':
        t.str += '\v';
        continue;
      default:
        break;
    }
    if (e >= '0' && e <= '7') {
      int v = e - '0';
      for (int i = 0; i < 2 && pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '7';
           ++i) {
        v = v * 8 + (text_[pos_] - '0');
        step();
      }
      t.str += static_cast<char>(v & 0xff);
    } else if (e == 'x') {
      int hi = hexValue(peek(0));
      int lo = hi >= 0 ? hexValue(peek(1)) : -1;
      if (lo < 0) {
        return LexError{escLine, escCol, "invalid \\x escape",
                        "\\x must be followed by two hex digits"};
      }
      step();
      step();
      t.str += static_cast<char>(hi * 16 + lo);
    } else {
      t.str += '\\';  // unknown escapes are kept, as in Python
      t.str += e;
    }
  }
  t.text = std::string(text_.substr(begin, pos_ - begin));
  out_.push_back(std::move(t));
  return std::nullopt;
}

}  // namespace xenia::config::xm
