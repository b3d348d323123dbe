// Tokenizer for xm config files: the part of Python 2's tokenizer that
// assignment-only files need (logical lines, implicit and backslash
// continuation, Python 2 string and number literals). Internal to the xm
// reader.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/lang/value.h"

namespace xenia::config::xm {

enum class TokKind { kName, kInt, kFloat, kString, kOp, kNewline, kEnd };

struct Token {
  TokKind kind = TokKind::kEnd;
  std::string text;  // name, operator, or literal source text
  std::string str;   // decoded string literal
  uint64_t mag = 0;  // integer literal magnitude (may be 2**63, see parser)
  double num = 0;    // float literal
  int line = 0;
  int col = 0;
  bool indented = false;  // first token of a logical line that starts indented
};

struct LexError {
  int line;
  int col;
  std::string message;
  std::string hint;
};

// Splits the whole file into tokens. Newlines inside brackets and after a
// backslash are dropped; blank and comment-only lines produce nothing; the
// first token of a logical line that starts indented is marked (the parser
// reports "unexpected indent" unless an earlier error comes first).
// "\r\n" counts as "\n".
std::optional<LexError> tokenize(std::string_view text, std::vector<Token>& out);

}  // namespace xenia::config::xm
