// Syntax tree of the xm config subset and its parser. Everything outside
// the subset is refused here, before anything is evaluated (Python also
// compiles the whole file first). Internal to the xm reader.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/lang/xm_lexer.h"

namespace xenia::config::xm {

struct Expr {
  enum class Kind {
    kNone,
    kBool,
    kInt,
    kFloat,
    kStr,
    kName,
    kList,
    kTuple,
    kDict,
    kUnary,
    kBinary
  };
  Kind kind = Kind::kNone;
  int line = 0;
  int col = 0;
  int opLine = 0;  // kUnary/kBinary: where the operator is (runtime errors point there)
  int opCol = 0;
  int height = 1;  // of the subtree; bounded so evaluation can recurse
  bool b = false;
  int64_t i = 0;
  double f = 0;
  std::string s;                            // kStr value, kName name, kUnary/kBinary operator
  std::vector<std::unique_ptr<Expr>> kids;  // elements; kDict: key, value, key, value...
};

struct Target {
  std::string name;
  int line = 0;
  int col = 0;
};

struct Stmt {
  std::vector<Target> targets;  // a = b = value; empty for a bare expression
  std::string augOp;            // "+" for `+=`, etc.; empty for `=`
  std::unique_ptr<Expr> value;
  int line = 0;
  int col = 0;
};

struct SyntaxError {
  int line;
  int col;
  std::string message;
  std::string hint;
};

// At most this many nested brackets/unary operators in one expression, and
// at most this tall an expression tree (long `a + b + c ...` chains).
constexpr int kMaxExprDepth = 100;
constexpr int kMaxExprHeight = 400;

std::optional<SyntaxError> parse(const std::vector<Token>& tokens, std::vector<Stmt>& out);

}  // namespace xenia::config::xm
