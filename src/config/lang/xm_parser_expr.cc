// The expression half of the xm parser: Python 2 precedence (arith > term
// > factor > power > atom), literals and displays, and the refusal of every
// operator and trailer outside the subset.
#include <algorithm>

#include "config/lang/xm_parser_impl.h"

namespace xenia::config::xm {

// test: arithmetic expression; what Python allows around it is refused.
std::optional<SyntaxError> Parser::test(std::unique_ptr<Expr>& out) {
  if (auto e = arith(out)) {
    return e;
  }
  const Token& t = cur();
  if (t.kind == TokKind::kOp && (isComparison(t.text))) {
    return err(t, "comparisons (`" + t.text + "`) are not supported");
  }
  if (t.kind == TokKind::kOp && isBitwise(t.text)) {
    return err(t, "bitwise operators (`" + t.text + "`) are not supported");
  }
  if (t.kind == TokKind::kName) {
    if (t.text == "if") {
      return err(t, "conditional expressions (x if c else y) are not supported");
    }
    if (t.text == "for") {
      return err(t, "comprehensions and generator expressions are not supported");
    }
    if (t.text == "and" || t.text == "or" || t.text == "not" || t.text == "in" || t.text == "is") {
      return err(t, keywordMessage(t.text));
    }
  }
  return std::nullopt;
}

std::optional<SyntaxError> Parser::enter(const Token& at) {
  if (++depth_ > kMaxExprDepth) {
    return SyntaxError{
        at.line, at.col,
        "expression nested too deeply (more than " + std::to_string(kMaxExprDepth) + " levels)",
        ""};
  }
  return std::nullopt;
}

std::optional<SyntaxError> Parser::binaryChain(std::unique_ptr<Expr>& out, bool term) {
  const Token& first = cur();
  if (auto e = term ? factor(out) : binaryChain(out, true)) {
    return e;
  }
  while (cur().kind == TokKind::kOp) {
    const std::string& op = cur().text;
    bool match =
        term ? (op == "*" || op == "/" || op == "//" || op == "%") : (op == "+" || op == "-");
    if (!match) {
      break;
    }
    auto bin = node(Expr::Kind::kBinary, first);
    bin->s = op;
    bin->opLine = cur().line;
    bin->opCol = cur().col;
    ++pos_;
    std::unique_ptr<Expr> rhs;
    if (auto e = term ? factor(rhs) : binaryChain(rhs, true)) {
      return e;
    }
    bin->kids.push_back(std::move(out));
    bin->kids.push_back(std::move(rhs));
    if (auto e = seal(*bin)) {
      return e;
    }
    out = std::move(bin);
  }
  return std::nullopt;
}

std::optional<SyntaxError> Parser::factor(std::unique_ptr<Expr>& out) {
  const Token& t = cur();
  if (auto e = enter(t)) {
    return e;
  }
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
    bool bare = !(after.kind == TokKind::kOp && (after.text == "**" || after.text == "(" ||
                                                 after.text == "[" || after.text == "."));
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
    if (auto e = factor(operand)) {
      return e;
    }
    un->kids.push_back(std::move(operand));
    if (auto e = seal(*un)) {
      return e;
    }
    out = std::move(un);
    return std::nullopt;
  }
  return power(out);
}

std::optional<SyntaxError> Parser::power(std::unique_ptr<Expr>& out) {
  const Token& first = cur();
  if (auto e = atom(out)) {
    return e;
  }
  if (cur().kind == TokKind::kOp) {
    const Token& t = cur();
    if (t.text == "(") {
      std::string callee = out->kind == Expr::Kind::kName ? out->s + "(...)" : "f(...)";
      return err(t, "function calls (`" + callee + "`) are not supported");
    }
    if (t.text == "[") {
      return err(t, "subscripts and slices (`x[...]`) are not supported");
    }
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
      if (auto e = factor(rhs)) {
        return e;
      }
      bin->kids.push_back(std::move(out));
      bin->kids.push_back(std::move(rhs));
      if (auto e = seal(*bin)) {
        return e;
      }
      out = std::move(bin);
    }
  }
  return std::nullopt;
}

std::optional<SyntaxError> Parser::atom(std::unique_ptr<Expr>& out) {
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
        if (t.text == "not" || t.text == "lambda") {
          return err(t, keywordMessage(t.text));
        }
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
  if (t.text == "(") {
    return display(out, Expr::Kind::kTuple, ")");
  }
  if (t.text == "[") {
    return display(out, Expr::Kind::kList, "]");
  }
  if (t.text == "{") {
    return dict(out);
  }
  if (t.text == "`") {
    return err(t, "backquote repr (`x`) is not supported");
  }
  if (t.text == "@") {
    return err(t, "decorators are not supported");
  }
  return invalid();
}

// ( ... ) and [ ... ]: elements separated by commas, trailing comma
// allowed. A parenthesised single element without comma is just itself.
std::optional<SyntaxError> Parser::display(std::unique_ptr<Expr>& out, Expr::Kind kind,
                                           const char* close) {
  const Token& open = cur();
  ++pos_;
  auto seq = node(kind, open);
  bool comma = false;
  while (!isOp(close)) {
    if (!startsExpr()) {
      return invalid();
    }
    std::unique_ptr<Expr> item;
    if (auto e = test(item)) {
      return e;
    }
    seq->kids.push_back(std::move(item));
    if (isOp(",")) {
      comma = true;
      ++pos_;
    } else if (!isOp(close)) {
      return invalid();
    }
  }
  ++pos_;
  if (auto e = seal(*seq)) {
    return e;
  }
  if (kind == Expr::Kind::kTuple && seq->kids.size() == 1 && !comma) {
    out = std::move(seq->kids[0]);
  } else {
    out = std::move(seq);
  }
  return std::nullopt;
}

std::optional<SyntaxError> Parser::dict(std::unique_ptr<Expr>& out) {
  const Token& open = cur();
  ++pos_;
  auto d = node(Expr::Kind::kDict, open);
  while (!isOp("}")) {
    if (!startsExpr()) {
      return invalid();
    }
    std::unique_ptr<Expr> key;
    if (auto e = test(key)) {
      return e;
    }
    if (!isOp(":")) {
      if (isOp(",") || isOp("}")) {
        return err(cur(), "set literals are not supported");
      }
      return invalid();
    }
    ++pos_;
    std::unique_ptr<Expr> value;
    if (!startsExpr()) {
      return invalid();
    }
    if (auto e = test(value)) {
      return e;
    }
    d->kids.push_back(std::move(key));
    d->kids.push_back(std::move(value));
    if (isOp(",")) {
      ++pos_;
    } else if (!isOp("}")) {
      return invalid();
    }
  }
  ++pos_;
  if (auto e = seal(*d)) {
    return e;
  }
  out = std::move(d);
  return std::nullopt;
}

}  // namespace xenia::config::xm
