// Recursive-descent parser for the xm subset, statement half: logical
// lines, assignments and their targets, keyword statements (all refused but
// `pass`), and the refusal messages. Expressions: xm_parser_expr.cc.
#include <algorithm>
#include <set>

#include "config/lang/xm_parser_impl.h"

namespace xenia::config::xm {

const std::set<std::string> kKeywords = {
    "and",   "as",     "assert", "break", "class",   "continue", "def",  "del",
    "elif",  "else",   "except", "exec",  "finally", "for",      "from", "global",
    "if",    "import", "in",     "is",    "lambda",  "not",      "or",   "pass",
    "print", "raise",  "return", "try",   "while",   "with",     "yield"};

std::string keywordMessage(const std::string& kw) {
  if (kw == "import" || kw == "from") {
    return "`import` is not supported";
  }
  if (kw == "def") {
    return "function definitions (`def`) are not supported";
  }
  if (kw == "class") {
    return "class definitions are not supported";
  }
  if (kw == "lambda") {
    return "`lambda` is not supported";
  }
  if (kw == "if" || kw == "elif" || kw == "else") {
    return "`if` statements are not supported";
  }
  if (kw == "for" || kw == "while") {
    return "loops (`" + kw + "`) are not supported";
  }
  if (kw == "try" || kw == "except" || kw == "finally") {
    return "`try` is not supported";
  }
  if (kw == "and" || kw == "or" || kw == "not") {
    return "boolean operators (`" + kw + "`) are not supported";
  }
  if (kw == "in" || kw == "is") {
    return "comparisons (`" + kw + "`) are not supported";
  }
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

std::optional<SyntaxError> Parser::run(std::vector<Stmt>& out) {
  while (cur().kind != TokKind::kEnd) {
    if (cur().kind == TokKind::kNewline) {
      ++pos_;
      continue;
    }
    // simple_stmt: small_stmt (';' small_stmt)* [';'] NEWLINE
    while (true) {
      if (auto e = statement(out)) {
        return e;
      }
      if (!isOp(";")) {
        break;
      }
      ++pos_;
      if (cur().kind == TokKind::kNewline || cur().kind == TokKind::kEnd) {
        break;
      }
    }
    if (cur().kind != TokKind::kNewline && cur().kind != TokKind::kEnd) {
      return invalid();
    }
  }
  return std::nullopt;
}

SyntaxError Parser::err(const Token& t, std::string msg, std::string hint) const {
  if (hint.empty()) {
    hint =
        "xm config files are evaluated as a Python subset: assignments of literals, names, "
        "arithmetic, + and %";
  }
  return SyntaxError{t.line, t.col, std::move(msg), std::move(hint)};
}

SyntaxError Parser::invalid() const {
  const Token& t = cur();
  if (t.kind == TokKind::kEnd) {
    return SyntaxError{t.line, t.col, "unexpected EOF while parsing", ""};
  }
  return SyntaxError{t.line, t.col, "invalid syntax", ""};
}

std::optional<SyntaxError> Parser::statement(std::vector<Stmt>& out) {
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
  if (auto e = testlist(lhs)) {
    return e;
  }
  if (cur().kind == TokKind::kOp && isAugOp(cur().text)) {
    const Token& op = cur();
    if (isBitwise(op.text.substr(0, op.text.size() - 1))) {
      return err(op, "bitwise operators (`" + op.text + "`) are not supported");
    }
    if (auto e = checkTarget(*lhs, first, true)) {
      return e;
    }
    st.targets.push_back(Target{lhs->s, lhs->line, lhs->col});
    st.augOp = op.text.substr(0, op.text.size() - 1);
    ++pos_;
    if (auto e = testlist(st.value)) {
      return e;
    }
  } else if (isOp("=")) {
    std::vector<std::unique_ptr<Expr>> chain;
    chain.push_back(std::move(lhs));
    while (isOp("=")) {
      ++pos_;
      std::unique_ptr<Expr> next;
      if (auto e = testlist(next)) {
        return e;
      }
      chain.push_back(std::move(next));
    }
    for (size_t k = 0; k + 1 < chain.size(); ++k) {
      if (auto e = checkTarget(*chain[k], first, false)) {
        return e;
      }
      st.targets.push_back(Target{chain[k]->s, chain[k]->line, chain[k]->col});
    }
    st.value = std::move(chain.back());
  } else {
    st.value = std::move(lhs);
  }
  out.push_back(std::move(st));
  return std::nullopt;
}

std::optional<SyntaxError> Parser::checkTarget(const Expr& e, const Token& at, bool aug) {
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
                                                        : e.b                       ? "True"
                                                                                    : "False"));
    case Expr::Kind::kInt:
    case Expr::Kind::kFloat:
    case Expr::Kind::kStr:
      return err(t, "can't assign to literal");
    default:
      return err(t, "can't assign to operator");
  }
}

bool Parser::startsExpr() const {
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
std::optional<SyntaxError> Parser::testlist(std::unique_ptr<Expr>& out) {
  const Token& first = cur();
  std::unique_ptr<Expr> e;
  if (auto er = test(e)) {
    return er;
  }
  if (!isOp(",")) {
    out = std::move(e);
    return std::nullopt;
  }
  auto tup = node(Expr::Kind::kTuple, first);
  tup->kids.push_back(std::move(e));
  while (isOp(",")) {
    ++pos_;
    if (!startsExpr()) {
      break;
    }
    std::unique_ptr<Expr> item;
    if (auto er = test(item)) {
      return er;
    }
    tup->kids.push_back(std::move(item));
  }
  if (auto er = seal(*tup)) {
    return er;
  }
  out = std::move(tup);
  return std::nullopt;
}

// Sets e's height from its children; refuses trees too tall to walk.
std::optional<SyntaxError> Parser::seal(Expr& e) {
  int h = 0;
  for (const auto& k : e.kids) {
    h = std::max(h, k->height);
  }
  e.height = h + 1;
  if (e.height > kMaxExprHeight) {
    return SyntaxError{e.line, e.col,
                       "expression too long or nested too deeply (more than " +
                           std::to_string(kMaxExprHeight) + " levels)",
                       ""};
  }
  return std::nullopt;
}

std::unique_ptr<Expr> Parser::node(Expr::Kind k, const Token& at) {
  auto e = std::make_unique<Expr>();
  e->kind = k;
  e->line = at.line;
  e->col = at.col;
  return e;
}

std::optional<SyntaxError> parse(const std::vector<Token>& tokens, std::vector<Stmt>& out) {
  return Parser(tokens).run(out);
}

}  // namespace xenia::config::xm
