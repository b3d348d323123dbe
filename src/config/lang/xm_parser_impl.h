// The xm parser's internals, shared by xm_parser.cc (statements) and
// xm_parser_expr.cc (expressions). Not part of the public API.
#pragma once

#include <algorithm>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "config/lang/xm_ast.h"

namespace xenia::config::xm {

extern const std::set<std::string> kKeywords;
std::string keywordMessage(const std::string& kw);
bool isAugOp(const std::string& op);
bool isComparison(const std::string& op);
bool isBitwise(const std::string& op);

class Parser {
 public:
  explicit Parser(const std::vector<Token>& toks) : toks_(toks) {}
  std::optional<SyntaxError> run(std::vector<Stmt>& out);

 private:
  const Token& cur() const { return toks_[pos_]; }
  const Token& ahead(size_t k) const { return toks_[std::min(pos_ + k, toks_.size() - 1)]; }
  bool isOp(const char* op) const { return cur().kind == TokKind::kOp && cur().text == op; }
  bool isName(const char* n) const { return cur().kind == TokKind::kName && cur().text == n; }
  SyntaxError err(const Token& t, std::string msg, std::string hint = "") const;
  SyntaxError invalid() const;
  std::optional<SyntaxError> statement(std::vector<Stmt>& out);
  std::optional<SyntaxError> checkTarget(const Expr& e, const Token& at, bool aug);
  bool startsExpr() const;
  // testlist: test (',' test)* [','] — a tuple when there is a comma.
  std::optional<SyntaxError> testlist(std::unique_ptr<Expr>& out);
  // Sets e's height from its children; refuses trees too tall to walk.
  std::optional<SyntaxError> seal(Expr& e);
  std::unique_ptr<Expr> node(Expr::Kind k, const Token& at);
  // test: arithmetic expression; what Python allows around it is refused.
  std::optional<SyntaxError> test(std::unique_ptr<Expr>& out);
  std::optional<SyntaxError> enter(const Token& at);
  std::optional<SyntaxError> binaryChain(std::unique_ptr<Expr>& out, bool term);
  std::optional<SyntaxError> arith(std::unique_ptr<Expr>& out) { return binaryChain(out, false); }
  std::optional<SyntaxError> factor(std::unique_ptr<Expr>& out);
  std::optional<SyntaxError> power(std::unique_ptr<Expr>& out);
  std::optional<SyntaxError> atom(std::unique_ptr<Expr>& out);
  // ( ... ) and [ ... ]: elements separated by commas, trailing comma
  // allowed. A parenthesised single element without comma is just itself.
  std::optional<SyntaxError> display(std::unique_ptr<Expr>& out, Expr::Kind kind,
                                     const char* close);
  std::optional<SyntaxError> dict(std::unique_ptr<Expr>& out);

  const std::vector<Token>& toks_;
  size_t pos_ = 0;
  int depth_ = 0;
};

}  // namespace xenia::config::xm
