// Python 2 tokenizer subset for xm config files, line structure part
// (CPython 2.7 Parser/tokenizer.c): logical lines, indentation, comments,
// continuations, names and operators. Literals: xm_literals.cc.
#include <cstdio>

#include "config/lang/xm_lexer_impl.h"

namespace xenia::config::xm {
namespace {

constexpr const char* kOps3[] = {"**=", "//=", ">>=", "<<="};
constexpr const char* kOps2[] = {"**", "//", "<<", ">>", "<=", ">=", "==", "!=", "<>",
                                 "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^="};
constexpr std::string_view kOps1 = "+-*/%&|^~<>()[]{},:.;@=`";

}  // namespace

std::optional<LexError> Lexer::run() {
  bool lineStart = true;  // at the start of a logical line
  while (true) {
    if (lineStart && depth_ == 0) {
      // Indentation and blank/comment-only lines.
      size_t p = pos_;
      while (p < text_.size() && (text_[p] == ' ' || text_[p] == '\t' || text_[p] == '\f')) {
        ++p;
      }
      bool blank = p >= text_.size() || text_[p] == '\n' || text_[p] == '#' ||
                   (text_[p] == '\r' && p + 1 < text_.size() && text_[p + 1] == '\n');
      if (!blank && p != pos_) {
        while (pos_ < p) {
          step();
        }
        indentNext_ = true;
      }
      lineStart = false;
    }
    if (pos_ >= text_.size()) {
      break;
    }
    char c = text_[pos_];
    if (c == ' ' || c == '\t' || c == '\f') {
      step();
    } else if (c == '#') {
      while (pos_ < text_.size() && text_[pos_] != '\n') {
        step();
      }
    } else if (c == '\n' || (c == '\r' && peek(1) == '\n')) {
      if (c == '\r') {
        step();
      }
      if (depth_ == 0) {
        newline();
        lineStart = true;
      }
      step();
    } else if (c == '\\') {
      size_t n = peek(1) == '\n' ? 1 : (peek(1) == '\r' && peek(2) == '\n') ? 2 : 0;
      if (n == 0) {
        return LexError{line_, col_, "unexpected character after line continuation character", ""};
      }
      step();
      for (size_t i = 0; i < n; ++i) {
        step();
      }
      if (pos_ >= text_.size()) {
        return LexError{line_, col_, "unexpected EOF while parsing", ""};
      }
    } else if (isIdentStart(c)) {
      if (auto e = identOrString()) {
        return e;
      }
    } else if (isDigit(c) || (c == '.' && isDigit(peek(1)))) {
      if (auto e = number()) {
        return e;
      }
    } else if (c == '\'' || c == '"') {
      if (auto e = string(0, false)) {
        return e;
      }
    } else if (auto e = op()) {
      return e;
    }
  }
  if (depth_ > 0) {
    return LexError{line_, col_, "unexpected EOF while parsing",
                    "a bracket opened earlier is never closed"};
  }
  newline();
  Token end;
  end.kind = TokKind::kEnd;
  end.line = line_;
  end.col = col_;
  out_.push_back(end);
  return std::nullopt;
}

void Lexer::step() {
  if (text_[pos_] == '\n') {
    ++line_;
    col_ = 1;
  } else {
    ++col_;
  }
  ++pos_;
}

Token Lexer::start(TokKind kind) {
  Token t;
  t.kind = kind;
  t.line = line_;
  t.col = col_;
  if (kind != TokKind::kNewline && kind != TokKind::kEnd) {
    t.indented = indentNext_;
    indentNext_ = false;
  }
  return t;
}

void Lexer::newline() {
  if (!out_.empty() && out_.back().kind != TokKind::kNewline) {
    Token t = start(TokKind::kNewline);
    out_.push_back(t);
  }
}

std::optional<LexError> Lexer::identOrString() {
  Token t = start(TokKind::kName);
  size_t begin = pos_;
  while (pos_ < text_.size() && isIdentChar(text_[pos_])) {
    step();
  }
  t.text = std::string(text_.substr(begin, pos_ - begin));
  char q = pos_ < text_.size() ? text_[pos_] : '\0';
  if ((q == '\'' || q == '"') && t.text.size() <= 2) {
    std::string p;
    for (char ch : t.text) {
      p += static_cast<char>(ch | 0x20);
    }
    if (p == "r" || p == "b" || p == "br") {
      indentNext_ = t.indented;
      return string(t.text.size(), p != "b");
    }
    if (p == "u" || p == "ur") {
      return LexError{t.line, t.col, "unicode string literals are not supported",
                      "xm ignores settings whose value is a unicode string; drop the u prefix"};
    }
  }
  out_.push_back(std::move(t));
  return std::nullopt;
}

std::optional<LexError> Lexer::op() {
  Token t = start(TokKind::kOp);
  std::string_view rest = text_.substr(pos_);
  size_t len = 0;
  for (const char* o : kOps3) {
    if (rest.substr(0, 3) == o) {
      len = 3;
    }
  }
  if (len == 0) {
    for (const char* o : kOps2) {
      if (rest.substr(0, 2) == o) {
        len = 2;
      }
    }
  }
  if (len == 0 && kOps1.find(rest[0]) != std::string_view::npos) {
    len = 1;
  }
  if (len == 0) {
    unsigned char c = static_cast<unsigned char>(rest[0]);
    std::string what = c >= 0x80               ? "non-ASCII character"
                       : c < 0x20 || c == 0x7f ? "control character"
                                               : std::string("'") + rest[0] + "'";
    char buf[8];
    std::snprintf(buf, sizeof buf, "0x%02x", c);
    return LexError{line_, col_, "invalid syntax: unexpected " + what + " (" + buf + ")",
                    c >= 0x80 ? "non-ASCII text is only allowed in strings and comments" : ""};
  }
  t.text = std::string(rest.substr(0, len));
  if (len == 1) {
    char c = rest[0];
    if (c == '(' || c == '[' || c == '{') {
      ++depth_;
    }
    if ((c == ')' || c == ']' || c == '}') && depth_ > 0) {
      --depth_;
    }
  }
  for (size_t i = 0; i < len; ++i) {
    step();
  }
  out_.push_back(std::move(t));
  return std::nullopt;
}

std::optional<LexError> tokenize(std::string_view text, std::vector<Token>& out) {
  return Lexer(text, out).run();
}

}  // namespace xenia::config::xm
