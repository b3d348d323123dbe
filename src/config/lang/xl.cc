// xl config parser: follows the LALR automaton bison builds from
// libxlu_cfg_y.y (default reductions included, so the "expecting ..." lists
// match) and its error recovery (`stmt: error NEWLINE`: skip to the next
// newline; an error after a complete final assignment aborts), because
// whether xl prints its Python warning depends on how far it reads.
#include "config/lang/xl.h"

#include <cerrno>
#include <cstdlib>
#include <map>

#include "config/lang/xl_lexer.h"

namespace xenia::config {
namespace {

using xl::Problem;
using xl::Tok;
using xl::Token;

constexpr int kMaxListDepth = 64;  // libxlu: bison's 10000-entry stack

constexpr const char* kPythonHint =
    "Config file looks like it contains Python code. Arbitrary Python is no longer supported. "
    "See https://wiki.xen.org/wiki/PythonInXlConfig";

// How a statement ended.
enum class Flow { kOk, kRecover, kAbort };

class Parser {
 public:
  Parser(std::string_view text, std::string_view file) : lex_(text, problems_), file_(file) {}

  Expected<ConfigFile, ParseError> run() {
    parseFile();
    if (problems_.empty()) {
      ConfigFile cfg;
      cfg.path = std::string(file_);
      cfg.entries = std::move(entries_);
      return cfg;
    }
    const Problem& p = problems_.front();
    ParseError e;
    e.loc = SourceLoc{std::string(file_), p.line, p.col};
    e.message = "config parsing error near " +
                (p.newline ? std::string("<newline>") : "`" + p.near + "'") + ": " + p.message;
    e.hint = lex_.likelyPython() ? kPythonHint : p.hint;
    return unexpected(std::move(e));
  }

 private:
  Flow syntax(const Token& t, const char* expecting) {
    problems_.push_back(xl::problemAt(t, std::string("syntax error, unexpected ") +
                                             xl::tokName(t.kind) + ", expecting " + expecting));
    bad_ = t;
    return Flow::kRecover;
  }

  // States 0, 2 and 9 of the automaton; recovery shifts `error` in state 2
  // and discards tokens up to a NEWLINE (aborting at the end of input).
  void parseFile() {
    while (true) {
      Token t = lex_.next();
      if (t.kind == Tok::kEnd) {
        return;
      }
      if (t.kind == Tok::kNewline || t.kind == Tok::kSemi) {
        continue;
      }
      Flow f =
          t.kind == Tok::kIdent ? parseAssignment(t) : syntax(t, "$end or IDENT or NEWLINE or ';'");
      if (f == Flow::kOk) {
        Token after = lex_.next();
        if (after.kind == Tok::kEnd) {
          return;
        }
        if (after.kind == Tok::kNewline || after.kind == Tok::kSemi) {
          continue;
        }
        // Default reduction to `file`, then state 1 wants $end; popping
        // finds no state that shifts `error`, so bison aborts.
        syntax(after, "$end");
        return;
      }
      if (f == Flow::kAbort) {
        return;
      }
      Token skip = bad_;
      while (skip.kind != Tok::kNewline) {
        if (skip.kind == Tok::kEnd) {
          return;
        }
        skip = lex_.next();
      }
    }
  }

  Flow parseAssignment(const Token& ident) {
    Token op = lex_.next();
    if (op.kind != Tok::kEq && op.kind != Tok::kOpAdd) {
      return syntax(op, "+= or '='");
    }
    Token t = lex_.next();
    Value v;
    Token last;
    Flow f = parseValue(t, v, last, 0);
    if (f != Flow::kOk) {
      return f;
    }
    // libxlu keeps atoms as text; `+=` concatenates that text.
    std::string text = t.kind == Tok::kNumber ? std::string(t.text) : t.str;
    store(ident, op.kind == Tok::kOpAdd, std::move(v), std::move(text), last);
    return Flow::kOk;
  }

  static bool startsValue(const Token& t) {
    return t.kind == Tok::kString || t.kind == Tok::kNumber || t.kind == Tok::kLBracket;
  }

  Token skipNewlines() {
    Token u = lex_.next();
    while (u.kind == Tok::kNewline) {
      u = lex_.next();
    }
    return u;
  }

  // States 12/13 (t is the first token of the value). `last` receives the
  // value's final token, where libxlu reports errors found on reduction.
  Flow parseValue(const Token& t, Value& v, Token& last, int depth) {
    v.loc = SourceLoc{std::string(file_), t.line, t.col};
    if (t.kind == Tok::kString) {
      v.v = t.str;
      last = t;
      return Flow::kOk;
    }
    if (t.kind == Tok::kNumber) {
      v.v = numberValue(t.text);
      last = t;
      return Flow::kOk;
    }
    if (t.kind != Tok::kLBracket) {
      return syntax(t, "STRING or NUMBER or '['");
    }
    if (depth >= kMaxListDepth) {
      problems_.push_back(xl::problemAt(
          t, "lists nested deeper than " + std::to_string(kMaxListDepth) + " levels"));
      return Flow::kAbort;
    }
    List items;
    // State 21: nlok, then a value or (default) the empty valuelist.
    Token u = skipNewlines();
    while (startsValue(u)) {
      Value item;
      Token itemLast;
      Flow f = parseValue(u, item, itemLast, depth + 1);
      if (f != Flow::kOk) {
        return f;
      }
      items.push_back(std::move(item));
      u = skipNewlines();  // states 23/26 and 30/31
      if (u.kind != Tok::kComma) {
        break;  // default reductions down to state 24
      }
      u = skipNewlines();  // states 28/29: another value or the end of the list
    }
    if (u.kind != Tok::kRBracket) {
      return syntax(u, "']'");
    }
    v.v = std::move(items);
    last = u;
    return Flow::kOk;
  }

  // strtol(text, &end, 0) reading all of text; otherwise libxlu's text.
  static decltype(Value::v) numberValue(std::string_view text) {
    std::string s(text);
    errno = 0;
    char* end = nullptr;
    long long n = std::strtoll(s.c_str(), &end, 0);
    if (errno == 0 && end != s.c_str() && *end == '\0') {
      return static_cast<int64_t>(n);
    }
    return s;
  }

  // xlu__cfg_set_store: does nothing once an error has been seen.
  void store(const Token& ident, bool append, Value v, std::string text, const Token& last) {
    if (!problems_.empty()) {
      return;
    }
    SourceLoc loc{std::string(file_), ident.line, ident.col};
    std::string name(ident.text);
    Assignment* prev = nullptr;
    for (auto& e : entries_) {
      if (e.name == name) {
        prev = &e;
      }
    }
    if (append) {
      bool isList = std::holds_alternative<List>(v.v);
      if (!isList) {
        v.v = text;
      }
      if (prev) {
        if (std::holds_alternative<List>(prev->value.v) != isList) {
          problems_.push_back(xl::problemAt(last, "can't add [list] to \"string\" or vice versa"));
          return;
        }
        if (isList) {
          List merged = std::get<List>(prev->value.v);
          for (auto& x : std::get<List>(v.v)) {
            merged.push_back(std::move(x));
          }
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
  }

  std::vector<Problem> problems_;
  xl::Lexer lex_;
  std::string_view file_;
  Token bad_;  // the token a syntax error was found at, where recovery starts
  std::vector<Assignment> entries_;
  std::map<std::string, std::string> atomText_;  // per name, for +=
};

}  // namespace

Expected<ConfigFile, ParseError> parseXl(std::string_view text, std::string_view fileName) {
  return Parser(text, fileName).run();
}

}  // namespace xenia::config
