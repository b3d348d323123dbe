// The xm evaluator's internals, shared by xm_eval.cc (expressions and
// statements) and xm_load.cc (xm's command-line and result rules). Not part
// of the public API.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "config/lang/xm.h"
#include "config/lang/xm_ast.h"
#include "config/lang/xm_object.h"

namespace xenia::config::xm {

class Evaluator {
 public:
  Evaluator(std::string file, const XmLimits& limits) : file_(std::move(file)), heap_(limits) {}
  Expected<ConfigFile, ParseError> run(std::string_view text,
                                       const std::vector<XmOverride>& overrides);

 private:
  struct Binding {
    ObjP value;
    int line = 0;  // of the target in the last binding statement; 0: command line
    int col = 0;
  };
  Unexpected<ParseError> fail(int line, int col, std::string msg, std::string hint = "") {
    return unexpected(ParseError{SourceLoc{file_, line, col}, std::move(msg), std::move(hint)});
  }
  void bind(const std::string& name, ObjP v, int line, int col);
  std::optional<ParseError> applyOverrides(const std::vector<XmOverride>& overrides);
  Rt<ObjP> eval(const Expr& e);
  Rt<ObjP> lookup(const Expr& e);
  std::optional<RtError> exec(const xm::Stmt& st);
  // a OP= b. Lists change in place in Python (`+=` extends, `*=` repeats),
  // which other names holding the same list would see; we refuse that case
  // rather than silently differ.
  std::optional<RtError> execAug(const xm::Stmt& st);
  Expected<ConfigFile, ParseError> build();
  SourceLoc locOf(const Binding& b) const {
    return b.line > 0 ? SourceLoc{file_, b.line, b.col} : SourceLoc{};
  }
  std::string file_;
  Heap heap_;
  std::map<std::string, Binding> env_;
  std::vector<std::string> order_;
  std::map<std::string, Value> specified_;
  std::vector<std::string> specifiedOrder_;
};

}  // namespace xenia::config::xm
