// Recursive-descent parser for the xm subset, following Python 2's grammar
// precedence (arith > term > factor > power > atom) and refusing every
// construct outside the subset with a message naming it.
#include <algorithm>
#include <set>

#include "config/lang/xm_ast.h"

namespace xenia::config::xm {
namespace {

const std::set<std::string> kKeywords = {
    "and",   "as",   "assert", "break",  "class", "continue", "def",    "del",   "elif",
    "else",  "except", "exec", "finally", "for",  "from",     "global", "if",    "import",
    "in",    "is",   "lambda", "not",    "or",    "pass",     "print",  "raise", "return",
    "try",   "while", "with",  "yield"};

std::string keywordMessage(const std::string& kw) {
  if (kw == "import" || kw == "from") return "`import` is not supported";
  if (kw == "def") return "function definitions (`def`) are not supported";
  if (kw == "class") return "class definitions are not supported";
  if (kw == "lambda") return "`lambda` is not supported";
  if (kw == "if" || kw == "elif" || kw == "else") return "`if` statements are not supported";
  if (kw == "for" || kw == "while") return "loops (`" + kw + "`) are not supported";
  if (kw == "try" || kw == "except" || kw == "finally") return "`try` is not supported";
  if (kw == "and" || kw == "or" || kw == "not") {
    return "boolean operators (`" + kw + "`) are not supported";
  }
  if (kw == "in" || kw == "is") return "comparisons (`" + kw + "`) are not supported";
  return "`" + kw + "` is not supported";
}

bool isAugOp(const std::string& op) {
  return op == "+=" || op == "-=" || op == "*=" || op == "/=" || op == "//=" || op == "%=" ||
         op == "**=" || op == "&=" || op == "|=" || op == "^=" || op == "<<=" || op == ">>=";
}

bool isComparison(const std::string& op) {
  return op == "<" || op == ">" || op == "==" || op == ">=" || op == "<=" || op == "!=" ||
         op == "<>";
}

bool isBitwise(const std::string& op) {
  return op == "|" || op == "^" || op == "&" || op == "<<" || op == ">>" || op == "~";
}

class Parser {
 public:
  explicit Parser(const std::vector<Token>& toks) : toks_(toks) {}

  std::optional<SyntaxError> run(std::vector<Stmt>& out) {
    while (cur().kind != TokKind::kEnd) {
      if (cur().kind == TokKind::kNewline) {
        ++pos_;
        continue;
      }
      // simple_stmt: small_stmt (';' small_stmt)* [';'] NEWLINE
      while (true) {
        if (auto e = statement(out)) return e;
        if (!isOp(";")) break;
        ++pos_;
        if (cur().kind == TokKind::kNewline || cur().kind == TokKind::kEnd) break;
      }
      if (cur().kind != TokKind::kNewline && cur().kind != TokKind::kEnd) return invalid();
    }
    return std::nullopt;
  }

 private:
  const Token& cur() const { return toks_[pos_]; }
  const Token& ahead(size_t k) const {
    return toks_[std::min(pos_ + k, toks_.size() - 1)];
  }
  bool isOp(const char* op) const { return cur().kind == TokKind::kOp && cur().text == op; }
  bool isName(const char* n) const { return cur().kind == TokKind::kName && cur().text == n; }

  SyntaxError err(const Token& t, std::string msg, std::string hint = "") const {
    if (hint.empty()) {
      hint = "xm config files are evaluated as a Python subset: assignments of literals, names, "
             "arithmetic, + and %";
    }
    return SyntaxError{t.line, t.col, std::move(msg), std::move(hint)};
  }
  SyntaxError invalid() const {
    const Token& t = cur();
    if (t.kind == TokKind::kEnd) return SyntaxError{t.line, t.col, "unexpected EOF while parsing", ""};
    return SyntaxError{t.line, t.col, "invalid syntax", ""};
  }

  std::optional<SyntaxError> statement(std::vector<Stmt>& out) {
    const Token& first = cur();
    if (first.indented) {
      return SyntaxError{first.line, first.col, "unexpected indent",
                         "xm config files are Python: top-level lines must start in column 1"};
    }
    if (first.kind == TokKind::kName && kKeywords.count(first.text)) {
      if (first.text == "pass") {
        ++pos_;
        return std::nullopt;
      }
      return err(first, keywordMessage(first.text));
    }
    Stmt st;
    st.line = first.line;
    st.col = first.col;
    std::unique_ptr<Expr> lhs;
    if (auto e = testlist(lhs)) return e;
    if (cur().kind == TokKind::kOp && isAugOp(cur().text)) {
      const Token& op = cur();
      if (isBitwise(op.text.substr(0, op.text.size() - 1))) {
        return err(op, "bitwise operators (`" + op.text + "`) are not supported");
      }
      if (auto e = checkTarget(*lhs, first, true)) return e;
      st.targets.push_back(Target{lhs->s, lhs->line, lhs->col});
      st.augOp = op.text.substr(0, op.text.size() - 1);
      ++pos_;
      if (auto e = testlist(st.value)) return e;
    } else if (isOp("=")) {
      std::vector<std::unique_ptr<Expr>> chain;
      chain.push_back(std::move(lhs));
      while (isOp("=")) {
        ++pos_;
        std::unique_ptr<Expr> next;
        if (auto e = testlist(next)) return e;
        chain.push_back(std::move(next));
      }
      for (size_t k = 0; k + 1 < chain.size(); ++k) {
        if (auto e = checkTarget(*chain[k], first, false)) return e;
        st.targets.push_back(Target{chain[k]->s, chain[k]->line, chain[k]->col});
      }
      st.value = std::move(chain.back());
    } else {
      st.value = std::move(lhs);
    }
    out.push_back(std::move(st));
    return std::nullopt;
  }

  std::optional<SyntaxError> checkTarget(const Expr& e, const Token& at, bool aug) {
    Token t = at;
    t.line = e.line;
    t.col = e.col;
    switch (e.kind) {
      case Expr::Kind::kName:
        return std::nullopt;
      case Expr::Kind::kTuple:
      case Expr::Kind::kList:
        return err(t, aug ? "illegal expression for augmented assignment"
                          : "unpacking assignments (a, b = ...) are not supported");
      case Expr::Kind::kNone:
      case Expr::Kind::kBool:
        return err(t, std::string("cannot assign to ") + (e.kind == Expr::Kind::kNone ? "None"
                                                          : e.b ? "True" : "False"));
      case Expr::Kind::kInt:
      case Expr::Kind::kFloat:
      case Expr::Kind::kStr:
        return err(t, "can't assign to literal");
      default:
        return err(t, "can't assign to operator");
    }
  }

  bool startsExpr() const {
    const Token& t = cur();
    switch (t.kind) {
      case TokKind::kName:
      case TokKind::kInt:
      case TokKind::kFloat:
      case TokKind::kString:
        return true;
      case TokKind::kOp:
        return t.text == "(" || t.text == "[" || t.text == "{" || t.text == "-" || t.text == "+" ||
               t.text == "~" || t.text == "`";
      default:
        return false;
    }
  }

  // testlist: test (',' test)* [','] — a tuple when there is a comma.
  std::optional<SyntaxError> testlist(std::unique_ptr<Expr>& out) {
    const Token& first = cur();
    std::unique_ptr<Expr> e;
    if (auto er = test(e)) return er;
    if (!isOp(",")) {
      out = std::move(e);
      return std::nullopt;
    }
    auto tup = node(Expr::Kind::kTuple, first);
    tup->kids.push_back(std::move(e));
    while (isOp(",")) {
      ++pos_;
      if (!startsExpr()) break;
      std::unique_ptr<Expr> item;
      if (auto er = test(item)) return er;
      tup->kids.push_back(std::move(item));
    }
    if (auto er = seal(*tup)) return er;
    out = std::move(tup);
    return std::nullopt;
  }

  // Sets e's height from its children; refuses trees too tall to walk.
  std::optional<SyntaxError> seal(Expr& e) {
    int h = 0;
    for (const auto& k : e.kids) h = std::max(h, k->height);
    e.height = h + 1;
    if (e.height > kMaxExprHeight) {
      return SyntaxError{e.line, e.col,
                         "expression too long or nested too deeply (more than " +
                             std::to_string(kMaxExprHeight) + " levels)",
                         ""};
    }
    return std::nullopt;
  }

  std::unique_ptr<Expr> node(Expr::Kind k, const Token& at) {
    auto e = std::make_unique<Expr>();
    e->kind = k;
    e->line = at.line;
    e->col = at.col;
    return e;
  }

  // test: arithmetic expression; what Python allows around it is refused.
  std::optional<SyntaxError> test(std::unique_ptr<Expr>& out) {
    if (auto e = arith(out)) return e;
    const Token& t = cur();
    if (t.kind == TokKind::kOp && (isComparison(t.text))) {
      return err(t, "comparisons (`" + t.text + "`) are not supported");
    }
    if (t.kind == TokKind::kOp && isBitwise(t.text)) {
      return err(t, "bitwise operators (`" + t.text + "`) are not supported");
    }
    if (t.kind == TokKind::kName) {
      if (t.text == "if") return err(t, "conditional expressions (x if c else y) are not supported");
      if (t.text == "for") return err(t, "comprehensions and generator expressions are not supported");
      if (t.text == "and" || t.text == "or" || t.text == "not" || t.text == "in" ||
          t.text == "is") {
        return err(t, keywordMessage(t.text));
      }
    }
    return std::nullopt;
  }

  std::optional<SyntaxError> enter(const Token& at) {
    if (++depth_ > kMaxExprDepth) {
      return SyntaxError{at.line, at.col,
                         "expression nested too deeply (more than " +
                             std::to_string(kMaxExprDepth) + " levels)",
                         ""};
    }
    return std::nullopt;
  }

  std::optional<SyntaxError> binaryChain(std::unique_ptr<Expr>& out, bool term) {
    const Token& first = cur();
    if (auto e = term ? factor(out) : binaryChain(out, true)) return e;
    while (cur().kind == TokKind::kOp) {
      const std::string& op = cur().text;
      bool match = term ? (op == "*" || op == "/" || op == "//" || op == "%")
                        : (op == "+" || op == "-");
      if (!match) break;
      auto bin = node(Expr::Kind::kBinary, first);
      bin->s = op;
      bin->opLine = cur().line;
      bin->opCol = cur().col;
      ++pos_;
      std::unique_ptr<Expr> rhs;
      if (auto e = term ? factor(rhs) : binaryChain(rhs, true)) return e;
      bin->kids.push_back(std::move(out));
      bin->kids.push_back(std::move(rhs));
      if (auto e = seal(*bin)) return e;
      out = std::move(bin);
    }
    return std::nullopt;
  }

  std::optional<SyntaxError> arith(std::unique_ptr<Expr>& out) { return binaryChain(out, false); }

  std::optional<SyntaxError> factor(std::unique_ptr<Expr>& out) {
    const Token& t = cur();
    if (auto e = enter(t)) return e;
    struct Leave {
      int& d;
      ~Leave() { --d; }
    } leave{depth_};
    if (t.kind == TokKind::kOp && t.text == "~") {
      return err(t, "bitwise operators (`~`) are not supported");
    }
    if (t.kind == TokKind::kOp && (t.text == "-" || t.text == "+")) {
      // Python folds '-' directly before a plain integer literal, which is
      // how -9223372036854775808 stays an int.
      const Token& num = ahead(1);
      const Token& after = ahead(2);
      bool bare = !(after.kind == TokKind::kOp &&
                    (after.text == "**" || after.text == "(" || after.text == "[" ||
                     after.text == "."));
      if (t.text == "-" && num.kind == TokKind::kInt && bare && num.mag <= (1ull << 63)) {
        out = node(Expr::Kind::kInt, t);
        out->i = static_cast<int64_t>(0 - num.mag);
        pos_ += 2;
        return std::nullopt;
      }
      auto un = node(Expr::Kind::kUnary, t);
      un->s = t.text;
      un->opLine = t.line;
      un->opCol = t.col;
      ++pos_;
      std::unique_ptr<Expr> operand;
      if (auto e = factor(operand)) return e;
      un->kids.push_back(std::move(operand));
      if (auto e = seal(*un)) return e;
      out = std::move(un);
      return std::nullopt;
    }
    return power(out);
  }

  std::optional<SyntaxError> power(std::unique_ptr<Expr>& out) {
    const Token& first = cur();
    if (auto e = atom(out)) return e;
    if (cur().kind == TokKind::kOp) {
      const Token& t = cur();
      if (t.text == "(") {
        std::string callee = out->kind == Expr::Kind::kName ? out->s + "(...)" : "f(...)";
        return err(t, "function calls (`" + callee + "`) are not supported");
      }
      if (t.text == "[") return err(t, "subscripts and slices (`x[...]`) are not supported");
      if (t.text == ".") {
        std::string what = out->kind == Expr::Kind::kName && ahead(1).kind == TokKind::kName
                               ? out->s + "." + ahead(1).text
                               : "x.attr";
        return err(t, "attribute access (`" + what + "`) is not supported");
      }
      if (t.text == "**") {
        auto bin = node(Expr::Kind::kBinary, first);
        bin->s = "**";
        bin->opLine = t.line;
        bin->opCol = t.col;
        ++pos_;
        std::unique_ptr<Expr> rhs;
        if (auto e = factor(rhs)) return e;
        bin->kids.push_back(std::move(out));
        bin->kids.push_back(std::move(rhs));
        if (auto e = seal(*bin)) return e;
        out = std::move(bin);
      }
    }
    return std::nullopt;
  }

  std::optional<SyntaxError> atom(std::unique_ptr<Expr>& out) {
    const Token& t = cur();
    switch (t.kind) {
      case TokKind::kName: {
        if (t.text == "None" || t.text == "True" || t.text == "False") {
          out = node(t.text == "None" ? Expr::Kind::kNone : Expr::Kind::kBool, t);
          out->b = t.text == "True";
          ++pos_;
          return std::nullopt;
        }
        if (kKeywords.count(t.text)) {
          if (t.text == "not" || t.text == "lambda") return err(t, keywordMessage(t.text));
          return invalid();
        }
        out = node(Expr::Kind::kName, t);
        out->s = t.text;
        ++pos_;
        return std::nullopt;
      }
      case TokKind::kInt:
        if (t.mag > static_cast<uint64_t>(INT64_MAX)) {
          return SyntaxError{t.line, t.col, "integer literal " + t.text + " does not fit in 64 bits",
                             "Python would make it a long, which xm ignores"};
        }
        out = node(Expr::Kind::kInt, t);
        out->i = static_cast<int64_t>(t.mag);
        ++pos_;
        return std::nullopt;
      case TokKind::kFloat:
        out = node(Expr::Kind::kFloat, t);
        out->f = t.num;
        ++pos_;
        return std::nullopt;
      case TokKind::kString:
        // Adjacent literals concatenate at compile time.
        out = node(Expr::Kind::kStr, t);
        while (cur().kind == TokKind::kString) {
          out->s += cur().str;
          ++pos_;
        }
        return std::nullopt;
      case TokKind::kOp:
        break;
      default:
        return invalid();
    }
    if (t.text == "(") return display(out, Expr::Kind::kTuple, ")");
    if (t.text == "[") return display(out, Expr::Kind::kList, "]");
    if (t.text == "{") return dict(out);
    if (t.text == "`") return err(t, "backquote repr (`x`) is not supported");
    if (t.text == "@") return err(t, "decorators are not supported");
    return invalid();
  }

  // ( ... ) and [ ... ]: elements separated by commas, trailing comma
  // allowed. A parenthesised single element without comma is just itself.
  std::optional<SyntaxError> display(std::unique_ptr<Expr>& out, Expr::Kind kind,
                                     const char* close) {
    const Token& open = cur();
    ++pos_;
    auto seq = node(kind, open);
    bool comma = false;
    while (!isOp(close)) {
      if (!startsExpr()) return invalid();
      std::unique_ptr<Expr> item;
      if (auto e = test(item)) return e;
      seq->kids.push_back(std::move(item));
      if (isOp(",")) {
        comma = true;
        ++pos_;
      } else if (!isOp(close)) {
        return invalid();
      }
    }
    ++pos_;
    if (auto e = seal(*seq)) return e;
    if (kind == Expr::Kind::kTuple && seq->kids.size() == 1 && !comma) {
      out = std::move(seq->kids[0]);
    } else {
      out = std::move(seq);
    }
    return std::nullopt;
  }

  std::optional<SyntaxError> dict(std::unique_ptr<Expr>& out) {
    const Token& open = cur();
    ++pos_;
    auto d = node(Expr::Kind::kDict, open);
    while (!isOp("}")) {
      if (!startsExpr()) return invalid();
      std::unique_ptr<Expr> key;
      if (auto e = test(key)) return e;
      if (!isOp(":")) {
        if (isOp(",") || isOp("}")) return err(cur(), "set literals are not supported");
        return invalid();
      }
      ++pos_;
      std::unique_ptr<Expr> value;
      if (!startsExpr()) return invalid();
      if (auto e = test(value)) return e;
      d->kids.push_back(std::move(key));
      d->kids.push_back(std::move(value));
      if (isOp(",")) {
        ++pos_;
      } else if (!isOp("}")) {
        return invalid();
      }
    }
    ++pos_;
    if (auto e = seal(*d)) return e;
    out = std::move(d);
    return std::nullopt;
  }

  const std::vector<Token>& toks_;
  size_t pos_ = 0;
  int depth_ = 0;
};

}  // namespace

std::optional<SyntaxError> parse(const std::vector<Token>& tokens, std::vector<Stmt>& out) {
  return Parser(tokens).run(out);
}

}  // namespace xenia::config::xm
