// Python 2 operators on xm runtime objects: + - * / // % ** (including
// str % args formatting) and unary + -. Internal to the xm reader.
#pragma once

#include <string>

#include "config/lang/xm_object.h"

namespace xenia::config::xm {

// Where an operation happens: the expression start (given to the result)
// and the operator (where errors point).
struct OpSite {
  int line;
  int col;
  int opLine;
  int opCol;
};

Rt<ObjP> binaryOp(Heap& heap, const std::string& op, const ObjP& a, const ObjP& b,
                  const OpSite& at);
Rt<ObjP> unaryOp(Heap& heap, const std::string& op, const ObjP& a, const OpSite& at);
// fmt % args (PyString_Format of CPython 2.7).
Rt<std::string> formatPercent(Heap& heap, const std::string& fmt, const ObjP& args,
                              const OpSite& at);

}  // namespace xenia::config::xm
