// xl config reader: a hand-written lexer equal to libxlu_cfg_l.l (flex,
// longest match) and a parser that follows the LALR automaton bison builds
// from libxlu_cfg_y.y, default reductions included, so the first error and
// its "expecting ..." list are the ones xl prints.
#include "config/lang/xl.h"

#include <cerrno>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>

namespace xenia::config {
namespace {

constexpr int kMaxListDepth = 64;  // libxlu: bison's 10000-entry stack

enum class Tok { kEnd, kIdent, kString, kNumber, kNewline, kOpAdd, kEq, kSemi, kLBracket,
                 kRBracket, kComma };

const char* tokName(Tok t) {
  switch (t) {
    case Tok::kEnd: return "$end";
    case Tok::kIdent: return "IDENT";
    case Tok::kString: return "STRING";
    case Tok::kNumber: return "NUMBER";
    case Tok::kNewline: return "NEWLINE";
    case Tok::kOpAdd: return "+=";
    case Tok::kEq: return "'='";
    case Tok::kSemi: return "';'";
    case Tok::kLBracket: return "'['";
    case Tok::kRBracket: return "']'";
    case Tok::kComma: return "','";
  }
  return "?";
}

struct Token {
  Tok kind = Tok::kEnd;
  std::string_view text;  // as matched, for "near `...'"
  int line = 1;
  int col = 1;
  std::string str;  // dequoted STRING
};

struct Problem {
  int line;
  int col;
  std::string near;  // text for "near `...'" (already stripped)
  bool newline;      // print "near <newline>"
  std::string message;
  std::string hint;
};

// libxlu_cfg.c xlu__cfg_yyerror: drop one trailing newline, then spaces/tabs.
std::pair<std::string, bool> nearText(std::string_view text, bool atEnd) {
  if (atEnd) {
    return {"", false};
  }
  bool nl = false;
  if (!text.empty() && text.back() == '\n') {
    text.remove_suffix(1);
    nl = text.empty();
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return {std::string(text), nl};
}

bool isLower(char c) { return c >= 'a' && c <= 'z'; }
bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isIdentChar(char c) { return isLower(c) || isDigit(c) || c == '.' || c == '_'; }
bool isNumberChar(char c) { return isDigit(c) || (c >= 'a' && c <= 'f') || c == 'x'; }

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  bool likelyPython() const { return likelyPython_; }

  // Next token, or the lexical error that libxlu reports at this point.
  std::optional<Problem> next(Token& tok) {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) {
      step();
    }
    tok = Token{};
    tok.line = line_;
    tok.col = col_;
    size_t start = pos_;
    if (pos_ >= text_.size()) {
      tok.kind = Tok::kEnd;
      return std::nullopt;
    }
    char c = text_[pos_];
    auto finish = [&](Tok kind) {
      tok.kind = kind;
      tok.text = text_.substr(start, pos_ - start);
    };
    if (isLower(c)) {
      while (pos_ < text_.size() && isIdentChar(text_[pos_])) step();
      finish(Tok::kIdent);
      return std::nullopt;
    }
    if (isDigit(c)) {
      while (pos_ < text_.size() && isNumberChar(text_[pos_])) step();
      finish(Tok::kNumber);
      return std::nullopt;
    }
    switch (c) {
      case ',': step(); finish(Tok::kComma); return std::nullopt;
      case '[': step(); finish(Tok::kLBracket); return std::nullopt;
      case ']': step(); finish(Tok::kRBracket); return std::nullopt;
      case ';': step(); finish(Tok::kSemi); return std::nullopt;
      case '=': step(); finish(Tok::kEq); return std::nullopt;
      case '\n': step(); finish(Tok::kNewline); return std::nullopt;
      default: break;
    }
    if (c == '+' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '=') {
      step();
      step();
      finish(Tok::kOpAdd);
      return std::nullopt;
    }
    if (c == '#') {
      size_t nl = text_.find('\n', pos_);
      if (nl != std::string_view::npos) {
        while (pos_ <= nl) step();
        finish(Tok::kNewline);
        return std::nullopt;
      }
      return lexError(start, "a comment must end with a newline, even on the last line");
    }
    if (c == '\'' || c == '"') {
      size_t end = matchString(pos_);
      if (end != std::string_view::npos) {
        while (pos_ < end) step();
        finish(Tok::kString);
        return dequote(tok);
      }
      return lexError(start, "strings must be closed on the line where they start");
    }
    if (c == '+' || c == '-' || c == '.' || c == '(' || c == ')' || c == ':') {
      likelyPython_ = true;
      return lexError(start, "");
    }
    std::string hint;
    if ((c >= 'A' && c <= 'Z') || c == '_') {
      hint = "setting names are lower case: [a-z][._0-9a-z]*";
    } else if (c == '\r') {
      hint = "the file has DOS (CRLF) line endings; xl accepts only \\n";
    }
    return lexError(start, hint);
  }

 private:
  void step() {
    if (text_[pos_] == '\n') {
      ++line_;
      col_ = 1;
    } else {
      ++col_;
    }
    ++pos_;
  }

  // End (exclusive) of a quoted string starting at `from`, or npos when the
  // STRING rule does not match (no closing quote before newline/EOF).
  size_t matchString(size_t from) const {
    char q = text_[from];
    for (size_t i = from + 1; i < text_.size(); ++i) {
      char c = text_[i];
      if (c == q) return i + 1;
      if (c == '\n') return std::string_view::npos;
      if (c == '\\') {
        if (i + 1 >= text_.size() || text_[i + 1] == '\n') return std::string_view::npos;
        ++i;
      }
    }
    return std::string_view::npos;
  }

  // The lexerr start condition: the bad character plus the following run of
  // non-blanks (or one blank, or the newline) is reported as one token.
  Problem lexError(size_t start, std::string hint) {
    int line = line_;
    int col = col_;
    step();
    while (pos_ < text_.size() && text_[pos_] != ' ' && text_[pos_] != '\t' &&
           text_[pos_] != '\n') {
      step();
    }
    if (pos_ == start + 1 && pos_ < text_.size()) {
      step();  // "[ \t]" or "\n" alternative: one more character
    }
    auto [near, nl] = nearText(text_.substr(start, pos_ - start), false);
    return Problem{line, col, near, nl, "lexical error", std::move(hint)};
  }

  // libxlu_cfg.c xlu__cfgl_dequote.
  std::optional<Problem> dequote(Token& tok) {
    std::string_view body = tok.text.substr(1, tok.text.size() - 2);
    auto err = [&](std::string msg, std::string hint = "") {
      auto [near, nl] = nearText(tok.text, false);
      return Problem{tok.line, tok.col, near, nl, std::move(msg), std::move(hint)};
    };
    for (size_t i = 0; i < body.size(); ++i) {
      char c = body[i];
      if (c == '\0') {
        return err("NUL byte in quoted string");
      }
      if (c != '\\') {
        tok.str += c;
        continue;
      }
      char nc = body[++i];  // the STRING rule guarantees a character here
      switch (nc) {
        case '"': case '\'': case '\\': tok.str += nc; continue;
        case 'a': tok.str += '\a'; continue;
        case 'b': tok.str += '\b'; continue;
        case 'f': tok.str += '\f'; continue;
        case 'n': tok.str += '\n'; continue;
        case 'r': tok.str += '\r'; continue;
        case 't': tok.str += '\t'; continue;
        case 'v': tok.str += '\v'; continue;
        default: break;
      }
      if (nc == 'x') {
        // libxlu skips the first hex digit before parsing, so every \x
        // escape fails there.
        return err("invalid digit after backslash hexnumerical character escape in quoted string",
                   "xl cannot read \\x escapes; write the character itself");
      }
      if (nc >= '0' && nc <= '7') {
        // libxlu parses up to 3 following characters with strtoul(base 10)
        // and, when that reads at least 2 of them, deletes them without
        // storing anything.
        std::string_view rest = tok.text.substr(1 + i + 1, 3);
        size_t k = 0;
        while (k < rest.size() && (rest[k] == ' ' || (rest[k] >= '\t' && rest[k] <= '\r'))) ++k;
        if (k < rest.size() && (rest[k] == '+' || rest[k] == '-')) ++k;
        size_t digits = k;
        while (k < rest.size() && isDigit(rest[k])) ++k;
        if (k == digits || k <= 1) {
          return err("invalid digit after backslash octalnumerical character escape in quoted "
                     "string");
        }
        return err("octal escape in quoted string: xl would silently delete it and the " +
                       std::to_string(k) + " characters after it",
                   "write the character itself");
      }
      return err("invalid character after backlash in quoted string",
                 "xl understands \\\\ \\' \\\" \\a \\b \\f \\n \\r \\t \\v");
    }
    return std::nullopt;
  }

  std::string_view text_;
  size_t pos_ = 0;
  int line_ = 1;
  int col_ = 1;
  bool likelyPython_ = false;
};

class Parser {
 public:
  Parser(std::string_view text, std::string_view file) : lex_(text), file_(file) {}

  Expected<ConfigFile, ParseError> run() {
    std::optional<Problem> p = parseFile();
    if (!p) {
      ConfigFile cfg;
      cfg.path = std::string(file_);
      cfg.entries = std::move(entries_);
      return cfg;
    }
    // xl keeps scanning after an error; the Python warning depends on the
    // whole file.
    Token t;
    while (true) {
      lex_.next(t);
      if (t.kind == Tok::kEnd) break;
    }
    ParseError e;
    e.loc = SourceLoc{std::string(file_), p->line, p->col};
    e.message = "config parsing error near " +
                (p->newline ? std::string("<newline>") : "`" + p->near + "'") + ": " + p->message;
    e.hint = p->hint;
    if (lex_.likelyPython()) {
      e.hint = "Config file looks like it contains Python code. Arbitrary Python is no longer "
               "supported. See https://wiki.xen.org/wiki/PythonInXlConfig";
    }
    return unexpected(std::move(e));
  }

 private:
  std::optional<Problem> advance(Token& t) { return lex_.next(t); }

  Problem syntax(const Token& t, const char* expecting) {
    auto [near, nl] = nearText(t.text, t.kind == Tok::kEnd);
    return Problem{t.line, t.col, near, nl,
                   std::string("syntax error, unexpected ") + tokName(t.kind) + ", expecting " +
                       expecting,
                   ""};
  }

  // States 0/2/9 of the automaton.
  std::optional<Problem> parseFile() {
    Token t;
    while (true) {
      if (auto p = advance(t)) return p;
      if (t.kind == Tok::kEnd) return std::nullopt;
      if (t.kind == Tok::kNewline || t.kind == Tok::kSemi) continue;
      if (t.kind != Tok::kIdent) return syntax(t, "$end or IDENT or NEWLINE or ';'");
      if (auto p = parseAssignment(t)) return p;
      if (auto p = advance(t)) return p;
      if (t.kind == Tok::kEnd) return std::nullopt;
      if (t.kind == Tok::kNewline || t.kind == Tok::kSemi) continue;
      return syntax(t, "$end");  // default reduction to `file`, then state 1
    }
  }

  std::optional<Problem> parseAssignment(const Token& ident) {
    Token op;
    if (auto p = advance(op)) return p;
    if (op.kind != Tok::kEq && op.kind != Tok::kOpAdd) return syntax(op, "+= or '='");
    Token t;
    if (auto p = advance(t)) return p;
    Value v;
    Token last;
    if (auto p = parseValue(t, v, last, 0)) return p;
    // libxlu keeps atoms as text; `+=` concatenates that text.
    std::string text = t.kind == Tok::kNumber ? std::string(t.text) : t.str;
    return store(ident, op.kind == Tok::kOpAdd, std::move(v), std::move(text), last);
  }

  bool startsValue(const Token& t) {
    return t.kind == Tok::kString || t.kind == Tok::kNumber || t.kind == Tok::kLBracket;
  }

  // States 12/13 (t is the first token of the value). `last` receives the
  // value's final token, where libxlu reports errors found on reduction.
  std::optional<Problem> parseValue(const Token& t, Value& v, Token& last, int depth) {
    v.loc = SourceLoc{std::string(file_), t.line, t.col};
    if (t.kind == Tok::kString) {
      v.v = t.str;
      last = t;
      return std::nullopt;
    }
    if (t.kind == Tok::kNumber) {
      v.v = numberValue(t.text);
      last = t;
      return std::nullopt;
    }
    if (t.kind != Tok::kLBracket) return syntax(t, "STRING or NUMBER or '['");
    if (depth >= kMaxListDepth) {
      return Problem{t.line, t.col, std::string(t.text), false,
                     "lists nested deeper than " + std::to_string(kMaxListDepth) + " levels", ""};
    }
    List items;
    Token u;
    // State 21: nlok, then a value or (default) the empty valuelist.
    do {
      if (auto p = advance(u)) return p;
    } while (u.kind == Tok::kNewline);
    while (startsValue(u)) {
      Value item;
      Token itemLast;
      if (auto p = parseValue(u, item, itemLast, depth + 1)) return p;
      items.push_back(std::move(item));
      // States 23/26 and 30/31: nlok after the value.
      do {
        if (auto p = advance(u)) return p;
      } while (u.kind == Tok::kNewline);
      if (u.kind != Tok::kComma) break;  // default reductions down to state 24
      // States 28/29: ',' nlok, then another value or the end of the list.
      do {
        if (auto p = advance(u)) return p;
      } while (u.kind == Tok::kNewline);
    }
    if (u.kind != Tok::kRBracket) return syntax(u, "']'");
    v.v = std::move(items);
    last = u;
    return std::nullopt;
  }

  // strtol(text, &end, 0) reading all of text; otherwise libxlu's text.
  static std::variant<None, bool, int64_t, double, std::string, List, Dict> numberValue(
      std::string_view text) {
    std::string s(text);
    errno = 0;
    char* end = nullptr;
    long long n = std::strtoll(s.c_str(), &end, 0);
    if (errno == 0 && end != s.c_str() && *end == '\0') {
      return static_cast<int64_t>(n);
    }
    return s;
  }

  std::optional<Problem> store(const Token& ident, bool append, Value v, std::string text,
                               const Token& last) {
    SourceLoc loc{std::string(file_), ident.line, ident.col};
    std::string name(ident.text);
    Assignment* prev = nullptr;
    for (auto& e : entries_) {
      if (e.name == name) prev = &e;
    }
    if (append) {
      bool isList = std::holds_alternative<List>(v.v);
      if (!isList) {
        v.v = text;
      }
      if (prev) {
        bool prevList = std::holds_alternative<List>(prev->value.v);
        if (prevList != isList) {
          auto [near, nl] = nearText(last.text, false);
          return Problem{last.line, last.col, near, nl,
                         "can't add [list] to \"string\" or vice versa", ""};
        }
        if (isList) {
          List merged = std::get<List>(prev->value.v);
          for (auto& x : std::get<List>(v.v)) merged.push_back(std::move(x));
          v.v = std::move(merged);
        } else {
          text = atomText_[name] + text;
          v.v = text;
        }
      }
    }
    atomText_[name] = std::move(text);
    if (prev) {
      prev->value = std::move(v);
      prev->loc = loc;
    } else {
      entries_.push_back(Assignment{name, std::move(v), loc});
    }
    return std::nullopt;
  }

  Lexer lex_;
  std::string_view file_;
  std::vector<Assignment> entries_;
  std::map<std::string, std::string> atomText_;  // per name, for +=
};

}  // namespace

Expected<ConfigFile, ParseError> parseXl(std::string_view text, std::string_view fileName) {
  return Parser(text, fileName).run();
}

}  // namespace xenia::config
