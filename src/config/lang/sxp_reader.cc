// SXP reader following xen/xend/sxp.py's Parser state machine, iteratively
// (an explicit stack of open lists) so hostile nesting cannot exhaust the
// C++ stack. Deliberate differences from sxp.py, all on inputs where xend
// crashed or produced garbage: \x needs 1-2 hex digits and 'A'-'F' mean
// 10-15 (sxp.py raised NameError / computed 'A' as 0).
#include <string>

#include "config/lang/sexp.h"

namespace xenia::config {
namespace {

bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}
bool isSeparator(char c) {
  return c == '{' || c == '}' || c == '(' || c == ')' || c == '<' || c == '>' || c == '[' ||
         c == ']' || c == ';';
}
// Python 2 string.printable minus whitespace: the bytes that may start an atom.
bool startsAtom(char c) { return c >= 0x21 && c <= 0x7e; }

int hexValue(char c) {
  if (c >= '0' && c <= '9') {
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

class Reader {
 public:
  Reader(std::string_view text, std::string_view file, const SxpLimits& limits)
      : text_(text), file_(file), limits_(limits) {}

  Expected<std::vector<Sexp>, ParseError> run() {
    if (text_.size() > limits_.maxInputBytes) {
      return fail(1, 1,
                  "input too large (" + std::to_string(text_.size()) + " bytes, limit " +
                      std::to_string(limits_.maxInputBytes) + ")");
    }
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (isSpace(c)) {
        advance();
      } else if (c == '#') {
        while (pos_ < text_.size() && text_[pos_] != '\n') {
          advance();
        }
      } else if (c == '(') {
        if (static_cast<int>(stack_.size()) >= limits_.maxDepth) {
          return fail(line_, col_,
                      "lists nested deeper than " + std::to_string(limits_.maxDepth) + " levels");
        }
        Sexp list = Sexp::makeList();
        list.line = line_;
        list.col = col_;
        if (!count()) {
          return tooMany();
        }
        stack_.push_back(std::move(list));
        advance();
      } else if (c == ')') {
        if (stack_.empty()) {
          return fail(line_, col_, "syntax error: )");
        }
        advance();
        Sexp done = std::move(stack_.back());
        stack_.pop_back();
        emit(std::move(done));
      } else if (c == '"' || c == '\'') {
        auto r = readString();
        if (!r) {
          return unexpected(r.error());
        }
        emit(std::move(*r));
      } else if (startsAtom(c)) {
        if (!count()) {
          return tooMany();
        }
        Sexp atom;
        atom.line = line_;
        atom.col = col_;
        size_t start = pos_;
        while (pos_ < text_.size() && !isSpace(text_[pos_]) && !isSeparator(text_[pos_]) &&
               text_[pos_] != '#') {
          advance();
        }
        // The first character ends nothing: "[x" is one atom, as in sxp.py.
        if (pos_ == start) {
          advance();
          while (pos_ < text_.size() && !isSpace(text_[pos_]) && !isSeparator(text_[pos_]) &&
                 text_[pos_] != '#') {
            advance();
          }
        }
        atom.atom = std::string(text_.substr(start, pos_ - start));
        emit(std::move(atom));
      } else if (c == '\x04') {
        break;  // Ctrl-D: end of text
      } else {
        return fail(line_, col_,
                    "invalid character: code " + std::to_string(static_cast<unsigned char>(c)));
      }
    }
    if (!stack_.empty()) {
      const Sexp& open = stack_.back();
      return fail(line_, col_,
                  "unexpected EOF: list opened at " + std::to_string(open.line) + ":" +
                      std::to_string(open.col) + " is not closed");
    }
    return std::move(out_);
  }

 private:
  void advance() {
    if (text_[pos_] == '\n') {
      ++line_;
      col_ = 1;
    } else {
      ++col_;
    }
    ++pos_;
  }

  bool count() { return ++nodes_ <= limits_.maxNodes; }

  Unexpected<ParseError> tooMany() {
    return fail(line_, col_, "more than " + std::to_string(limits_.maxNodes) + " values");
  }

  void emit(Sexp v) {
    if (stack_.empty()) {
      out_.push_back(std::move(v));
    } else {
      stack_.back().items.push_back(std::move(v));
    }
  }

  Unexpected<ParseError> fail(int line, int col, std::string msg) {
    ParseError e;
    e.loc = SourceLoc{std::string(file_), line, col};
    e.message = std::move(msg);
    return unexpected(std::move(e));
  }

  Expected<Sexp, ParseError> readString() {
    if (!count()) {
      return tooMany();
    }
    Sexp s;
    s.line = line_;
    s.col = col_;
    char delim = text_[pos_];
    advance();
    while (true) {
      if (pos_ >= text_.size()) {
        return fail(line_, col_,
                    "unexpected EOF: string opened at " + std::to_string(s.line) + ":" +
                        std::to_string(s.col) + " is not closed");
      }
      char c = text_[pos_];
      if (c == delim) {
        advance();
        return s;
      }
      if (c != '\\') {
        s.atom += c;
        advance();
        continue;
      }
      int escLine = line_;
      int escCol = col_;
      advance();
      if (pos_ >= text_.size()) {
        return fail(escLine, escCol, "unexpected EOF in escape sequence");
      }
      char e = text_[pos_];
      advance();
      switch (e) {
        case 'a':
          s.atom += '\a';
          continue;
        case 'b':
          s.atom += '\b';
          continue;
        case 't':
          s.atom += '\t';
          continue;
        case 'n':
          s.atom += '\n';
          continue;
        case 'v':
          s.atom += '\v';
          continue;
        case 'f':
          s.atom += '\f';
          continue;
        case 'r':
          s.atom += '\r';
          continue;
        case '\\':
        case '\'':
        case '"':
          s.atom += e;
          continue;
        default:
          break;
      }
      if (e == 'x') {
        int val = 0;
        int n = 0;
        while (n < 2 && pos_ < text_.size() && hexValue(text_[pos_]) >= 0) {
          val = val * 16 + hexValue(text_[pos_]);
          advance();
          ++n;
        }
        if (n == 0) {
          return fail(escLine, escCol, "invalid \\x escape: no hex digits");
        }
        s.atom += static_cast<char>(val);
      } else if (e >= '0' && e <= '7') {
        int val = e - '0';
        int n = 1;
        while (n < 3 && pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '7') {
          val = val * 8 + (text_[pos_] - '0');
          advance();
          ++n;
        }
        if (val > 0xff) {
          return fail(escLine, escCol, "invalid octal escape: out of range");
        }
        s.atom += static_cast<char>(val);
      } else {
        // sxp.py keeps the backslash and drops the unknown character, so
        // '\.' reads as '\'; config files write '\\.' for a literal dot.
        s.atom += '\\';
      }
    }
  }

  std::string_view text_;
  std::string_view file_;
  SxpLimits limits_;
  size_t pos_ = 0;
  int line_ = 1;
  int col_ = 1;
  size_t nodes_ = 0;
  std::vector<Sexp> stack_;
  std::vector<Sexp> out_;
};

}  // namespace

Expected<std::vector<Sexp>, ParseError> readSxpAll(std::string_view text, std::string_view fileName,
                                                   const SxpLimits& limits) {
  return Reader(text, fileName, limits).run();
}

Expected<Sexp, ParseError> readSxp(std::string_view text, std::string_view fileName,
                                   const SxpLimits& limits) {
  auto all = readSxpAll(text, fileName, limits);
  if (!all) {
    return unexpected(all.error());
  }
  if (all->empty()) {
    return unexpected(ParseError{SourceLoc{std::string(fileName), 1, 1}, "no value in input", {}});
  }
  if (all->size() > 1) {
    const Sexp& extra = (*all)[1];
    return unexpected(ParseError{SourceLoc{std::string(fileName), extra.line, extra.col},
                                 "unexpected value after the first expression",
                                 {}});
  }
  return std::move((*all)[0]);
}

}  // namespace xenia::config
