// The xm tokenizer's internals, shared by xm_lexer.cc (line structure,
// names, operators) and xm_literals.cc (numbers and strings). Not part of
// the public API.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "config/lang/xm_lexer.h"

namespace xenia::config::xm {

inline bool isIdentStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
inline bool isDigit(char c) { return c >= '0' && c <= '9'; }
inline bool isIdentChar(char c) { return isIdentStart(c) || isDigit(c); }
inline int hexValue(char c) {
  if (isDigit(c)) {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

class Lexer {
 public:
  Lexer(std::string_view text, std::vector<Token>& out) : text_(text), out_(out) {}
  std::optional<LexError> run();

 private:
  char peek(size_t k) const { return pos_ + k < text_.size() ? text_[pos_ + k] : '\0'; }
  void step();
  Token start(TokKind kind);
  void newline();
  std::optional<LexError> identOrString();
  std::optional<LexError> number();
  // A string literal whose prefix (r/b/br, `prefixLen` chars) was consumed
  // into the identifier scan: pos_ is at the opening quote.
  std::optional<LexError> string(size_t prefixLen, bool raw);
  std::optional<LexError> op();
  std::string_view text_;
  std::vector<Token>& out_;
  size_t pos_ = 0;
  int line_ = 1;
  int col_ = 1;
  int depth_ = 0;
  bool indentNext_ = false;
};

}  // namespace xenia::config::xm
