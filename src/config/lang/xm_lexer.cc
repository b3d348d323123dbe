// Python 2 tokenizer subset for xm config files (CPython 2.7
// Parser/tokenizer.c for line structure and numbers, Python/ast.c
// parsestr for string escapes).
#include "config/lang/xm_lexer.h"

#include <cstdio>
#include <cstdlib>

namespace xenia::config::xm {
namespace {

bool isIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isIdentChar(char c) { return isIdentStart(c) || isDigit(c); }
int hexValue(char c) {
  if (isDigit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

constexpr const char* kOps3[] = {"**=", "//=", ">>=", "<<="};
constexpr const char* kOps2[] = {"**", "//", "<<", ">>", "<=", ">=", "==", "!=", "<>", "+=", "-=",
                                 "*=", "/=", "%=", "&=", "|=", "^="};
constexpr std::string_view kOps1 = "+-*/%&|^~<>()[]{},:.;@=`";

class Lexer {
 public:
  Lexer(std::string_view text, std::vector<Token>& out) : text_(text), out_(out) {}

  std::optional<LexError> run() {
    bool lineStart = true;  // at the start of a logical line
    while (true) {
      if (lineStart && depth_ == 0) {
        // Indentation and blank/comment-only lines.
        size_t p = pos_;
        while (p < text_.size() && (text_[p] == ' ' || text_[p] == '\t' || text_[p] == '\f')) ++p;
        bool blank = p >= text_.size() || text_[p] == '\n' || text_[p] == '#' ||
                     (text_[p] == '\r' && p + 1 < text_.size() && text_[p + 1] == '\n');
        if (!blank && p != pos_) {
          while (pos_ < p) step();
          indentNext_ = true;
        }
        lineStart = false;
      }
      if (pos_ >= text_.size()) break;
      char c = text_[pos_];
      if (c == ' ' || c == '\t' || c == '\f') {
        step();
      } else if (c == '#') {
        while (pos_ < text_.size() && text_[pos_] != '\n') step();
      } else if (c == '\n' || (c == '\r' && peek(1) == '\n')) {
        if (c == '\r') step();
        if (depth_ == 0) {
          newline();
          lineStart = true;
        }
        step();
      } else if (c == '\\') {
        size_t n = peek(1) == '\n' ? 1 : (peek(1) == '\r' && peek(2) == '\n') ? 2 : 0;
        if (n == 0) {
          return LexError{line_, col_, "unexpected character after line continuation character",
                          ""};
        }
        step();
        for (size_t i = 0; i < n; ++i) step();
        if (pos_ >= text_.size()) {
          return LexError{line_, col_, "unexpected EOF while parsing", ""};
        }
      } else if (isIdentStart(c)) {
        if (auto e = identOrString()) return e;
      } else if (isDigit(c) || (c == '.' && isDigit(peek(1)))) {
        if (auto e = number()) return e;
      } else if (c == '\'' || c == '"') {
        if (auto e = string(0, false)) return e;
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

 private:
  char peek(size_t k) const { return pos_ + k < text_.size() ? text_[pos_ + k] : '\0'; }

  void step() {
    if (text_[pos_] == '\n') {
      ++line_;
      col_ = 1;
    } else {
      ++col_;
    }
    ++pos_;
  }

  Token start(TokKind kind) {
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

  void newline() {
    if (!out_.empty() && out_.back().kind != TokKind::kNewline) {
      Token t = start(TokKind::kNewline);
      out_.push_back(t);
    }
  }

  std::optional<LexError> identOrString() {
    Token t = start(TokKind::kName);
    size_t begin = pos_;
    while (pos_ < text_.size() && isIdentChar(text_[pos_])) step();
    t.text = std::string(text_.substr(begin, pos_ - begin));
    char q = pos_ < text_.size() ? text_[pos_] : '\0';
    if ((q == '\'' || q == '"') && t.text.size() <= 2) {
      std::string p;
      for (char ch : t.text) p += static_cast<char>(ch | 0x20);
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

  std::optional<LexError> number() {
    Token t = start(TokKind::kInt);
    size_t begin = pos_;
    auto invalid = [&]() {
      return LexError{t.line, t.col, "invalid token", ""};
    };
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
      while (pos_ < text_.size() && isDigit(text_[pos_])) step();
      if (pos_ < text_.size() && text_[pos_] == '.') {
        isFloat = true;
        step();
        while (pos_ < text_.size() && isDigit(text_[pos_])) step();
      }
      char e = pos_ < text_.size() ? text_[pos_] : '\0';
      if (e == 'e' || e == 'E') {
        size_t k = 1;
        if (peek(1) == '+' || peek(1) == '-') k = 2;
        if (isDigit(peek(k))) {
          isFloat = true;
          for (size_t i = 0; i < k; ++i) step();
          while (pos_ < text_.size() && isDigit(text_[pos_])) step();
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
        if (d > '7') return invalid();
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
  std::optional<LexError> string(size_t prefixLen, bool raw) {
    Token t = start(TokKind::kString);
    t.col -= static_cast<int>(prefixLen);
    size_t begin = pos_ - prefixLen;
    char q = text_[pos_];
    bool triple = peek(1) == q && peek(2) == q;
    for (int i = 0; i < (triple ? 3 : 1); ++i) step();
    while (true) {
      if (pos_ >= text_.size()) {
        return LexError{t.line, t.col,
                        triple ? "EOF while scanning triple-quoted string literal"
                               : "EOL while scanning string literal",
                        ""};
      }
      char c = text_[pos_];
      if (c == q && (!triple || (peek(1) == q && peek(2) == q))) {
        for (int i = 0; i < (triple ? 3 : 1); ++i) step();
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
        case '\n': continue;  // line continuation inside the string
        case '\\': t.str += '\\'; continue;
        case '\'': t.str += '\''; continue;
        case '"': t.str += '"'; continue;
        case 'a': t.str += '\a'; continue;
        case 'b': t.str += '\b'; continue;
        case 'f': t.str += '\f'; continue;
        case 'n': t.str += '\n'; continue;
        case 'r': t.str += '\r'; continue;
        case 't': t.str += '\t'; continue;
        case 'v': t.str += '\v'; continue;
        default: break;
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

  std::optional<LexError> op() {
    Token t = start(TokKind::kOp);
    std::string_view rest = text_.substr(pos_);
    size_t len = 0;
    for (const char* o : kOps3) {
      if (rest.substr(0, 3) == o) len = 3;
    }
    if (len == 0) {
      for (const char* o : kOps2) {
        if (rest.substr(0, 2) == o) len = 2;
      }
    }
    if (len == 0 && kOps1.find(rest[0]) != std::string_view::npos) len = 1;
    if (len == 0) {
      unsigned char c = static_cast<unsigned char>(rest[0]);
      std::string what = c >= 0x80 ? "non-ASCII character" : c < 0x20 || c == 0x7f
                                                                 ? "control character"
                                                                 : std::string("'") + rest[0] + "'";
      char buf[8];
      std::snprintf(buf, sizeof buf, "0x%02x", c);
      return LexError{line_, col_, "invalid syntax: unexpected " + what + " (" + buf + ")",
                      c >= 0x80 ? "non-ASCII text is only allowed in strings and comments" : ""};
    }
    t.text = std::string(rest.substr(0, len));
    if (len == 1) {
      char c = rest[0];
      if (c == '(' || c == '[' || c == '{') ++depth_;
      if ((c == ')' || c == ']' || c == '}') && depth_ > 0) --depth_;
    }
    for (size_t i = 0; i < len; ++i) step();
    out_.push_back(std::move(t));
    return std::nullopt;
  }

  std::string_view text_;
  std::vector<Token>& out_;
  size_t pos_ = 0;
  int line_ = 1;
  int col_ = 1;
  int depth_ = 0;
  bool indentNext_ = false;
};

}  // namespace

std::optional<LexError> tokenize(std::string_view text, std::vector<Token>& out) {
  return Lexer(text, out).run();
}

}  // namespace xenia::config::xm
