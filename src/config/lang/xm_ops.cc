// Arithmetic and sequence operators with CPython 2.7 semantics (int
// classic division, floor division/modulo signs, float_divmod, float_pow
// errors) and its error messages. Ints are 64-bit: where Python would
// promote to long (which xm then ignores) we stop with an error.
#include "config/lang/xm_ops.h"

#include <cmath>

namespace xenia::config::xm {
namespace {

struct Num {
  bool isFloat;
  int64_t i;
  double f;
  double asDouble() const { return isFloat ? f : static_cast<double>(i); }
};

std::optional<Num> number(const Obj& o) {
  switch (o.kind) {
    case Obj::Kind::kBool:
      return Num{false, o.b ? 1 : 0, 0};
    case Obj::Kind::kInt:
      return Num{false, o.i, 0};
    case Obj::Kind::kFloat:
      return Num{true, 0, o.f};
    default:
      return std::nullopt;
  }
}

bool isSeq(const Obj& o) {
  return o.kind == Obj::Kind::kStr || o.kind == Obj::Kind::kList || o.kind == Obj::Kind::kTuple;
}
bool isIntLike(const Obj& o) { return o.kind == Obj::Kind::kInt || o.kind == Obj::Kind::kBool; }

RtError at(const OpSite& s, std::string msg, std::string hint = "") {
  return RtError{s.opLine, s.opCol, std::move(msg), std::move(hint)};
}

RtError overflow(const OpSite& s) {
  return at(s, "OverflowError: integer result does not fit in 64 bits",
            "Python would make it a long, which xm ignores");
}

RtError unsupported(const OpSite& s, const std::string& op, const Obj& a, const Obj& b) {
  return at(s, std::string("TypeError: unsupported operand type(s) for ") + op + ": '" +
                   typeName(a) + "' and '" + typeName(b) + "'");
}

// CPython 2.7 float_divmod / float_rem.
void floatDivmod(double vx, double wx, double& floordiv, double& mod) {
  mod = std::fmod(vx, wx);
  double div = (vx - mod) / wx;
  if (mod != 0) {
    if ((wx < 0) != (mod < 0)) {
      mod += wx;
      div -= 1.0;
    }
  } else {
    mod = std::copysign(0.0, wx);
  }
  if (div != 0) {
    floordiv = std::floor(div);
    if (div - floordiv > 0.5) {
      floordiv += 1.0;
    }
  } else {
    floordiv = std::copysign(0.0, vx / wx);
  }
}

Rt<ObjP> arith(Heap& h, const std::string& op, Num x, Num y, const OpSite& s) {
  if (!x.isFloat && !y.isFloat) {
    int64_t a = x.i;
    int64_t b = y.i;
    int64_t r = 0;
    if (op == "+" || op == "-" || op == "*") {
      bool overflowed = op == "+"   ? __builtin_add_overflow(a, b, &r)
                        : op == "-" ? __builtin_sub_overflow(a, b, &r)
                                    : __builtin_mul_overflow(a, b, &r);
      if (overflowed) {
        return unexpected(overflow(s));
      }
      return h.integer(r, s.line, s.col);
    }
    if (op == "/" || op == "//" || op == "%") {
      if (b == 0) {
        return unexpected(at(s, "ZeroDivisionError: integer division or modulo by zero"));
      }
      if (op == "%") {
        if (b == -1) {
          return h.integer(0, s.line, s.col);
        }
        r = a % b;
        if (r != 0 && ((r < 0) != (b < 0))) {
          r += b;
        }
        return h.integer(r, s.line, s.col);
      }
      if (a == INT64_MIN && b == -1) {
        return unexpected(overflow(s));
      }
      r = a / b;
      if (a % b != 0 && ((a < 0) != (b < 0))) {
        --r;
      }
      return h.integer(r, s.line, s.col);  // Python 2: int / int floors
    }
    // "**"
    if (b < 0) {
      if (a == 0) {
        return unexpected(at(s, "ZeroDivisionError: 0.0 cannot be raised to a negative power"));
      }
      return h.floating(std::pow(static_cast<double>(a), static_cast<double>(b)), s.line, s.col);
    }
    int64_t result = 1;
    int64_t base = a;
    while (b > 0) {
      if (b & 1) {
        if (__builtin_mul_overflow(result, base, &result)) {
          return unexpected(overflow(s));
        }
      }
      b >>= 1;
      if (b > 0 && __builtin_mul_overflow(base, base, &base)) {
        return unexpected(overflow(s));
      }
    }
    return h.integer(result, s.line, s.col);
  }
  double a = x.asDouble();
  double b = y.asDouble();
  if (op == "+") {
    return h.floating(a + b, s.line, s.col);
  }
  if (op == "-") {
    return h.floating(a - b, s.line, s.col);
  }
  if (op == "*") {
    return h.floating(a * b, s.line, s.col);
  }
  if (op == "/") {
    if (b == 0) {
      return unexpected(at(s, "ZeroDivisionError: float division by zero"));
    }
    return h.floating(a / b, s.line, s.col);
  }
  if (op == "//" || op == "%") {
    if (b == 0) {
      return unexpected(at(
          s, op == "%" ? "ZeroDivisionError: float modulo" : "ZeroDivisionError: float divmod()"));
    }
    double fd = 0;
    double md = 0;
    floatDivmod(a, b, fd, md);
    return h.floating(op == "%" ? md : fd, s.line, s.col);
  }
  // "**": CPython 2.7 float_pow
  if (b == 0) {
    return h.floating(1.0, s.line, s.col);
  }
  if (a == 0 && b < 0) {
    return unexpected(at(s, "ZeroDivisionError: 0.0 cannot be raised to a negative power"));
  }
  if (a < 0 && std::isfinite(b) && b != std::floor(b)) {
    return unexpected(at(s, "ValueError: negative number cannot be raised to a fractional power"));
  }
  double r = std::pow(a, b);
  if (std::isinf(r) && std::isfinite(a) && std::isfinite(b)) {
    return unexpected(at(s, "OverflowError: (34, 'Numerical result out of range')"));
  }
  return h.floating(r, s.line, s.col);
}

Rt<ObjP> concat(Heap& h, const Obj& a, const Obj& b, const OpSite& s) {
  if (a.kind == Obj::Kind::kStr) {
    if (auto e = h.reserveString(a.s.size() + b.s.size(), s.opLine, s.opCol)) {
      return unexpected(*e);
    }
    return h.str(a.s + b.s, s.line, s.col);
  }
  std::vector<ObjP> items = a.items;
  items.insert(items.end(), b.items.begin(), b.items.end());
  return h.seq(std::move(items), a.kind == Obj::Kind::kTuple, s.line, s.col);
}

Rt<ObjP> repeat(Heap& h, const Obj& seq, int64_t n, const OpSite& s) {
  size_t count = n > 0 ? static_cast<size_t>(n) : 0;
  if (seq.kind == Obj::Kind::kStr) {
    size_t total = 0;
    if (__builtin_mul_overflow(seq.s.size(), count, &total)) {
      total = SIZE_MAX;
    }
    if (auto e = h.reserveString(total, s.opLine, s.opCol)) {
      return unexpected(*e);
    }
    std::string out;
    out.reserve(total);
    for (size_t k = 0; k < count; ++k) {
      out += seq.s;
    }
    return h.str(std::move(out), s.line, s.col);
  }
  size_t total = 0;
  size_t weight = 0;
  if (__builtin_mul_overflow(seq.items.size(), count, &total) ||
      __builtin_mul_overflow(seq.weight, count, &weight) || weight > h.limits().maxWeight) {
    return unexpected(at(s, "list or tuple too large",
                         "xm config values are limited in size; this looks like a runaway "
                         "expression"));
  }
  std::vector<ObjP> items;
  items.reserve(total);
  for (size_t k = 0; k < count; ++k) {
    items.insert(items.end(), seq.items.begin(), seq.items.end());
  }
  return h.seq(std::move(items), seq.kind == Obj::Kind::kTuple, s.line, s.col);
}

}  // namespace

Rt<ObjP> binaryOp(Heap& h, const std::string& op, const ObjP& a, const ObjP& b, const OpSite& s) {
  std::optional<Num> x = number(*a);
  std::optional<Num> y = number(*b);
  if (op == "%" && a->kind == Obj::Kind::kStr) {
    auto text = formatPercent(h, a->s, b, s);
    if (!text) {
      return unexpected(text.error());
    }
    return h.str(std::move(*text), s.line, s.col);
  }
  if (x && y) {
    return arith(h, op, *x, *y, s);
  }
  if (op == "+") {
    if (a->kind == b->kind && isSeq(*a)) {
      return concat(h, *a, *b, s);
    }
    if (a->kind == Obj::Kind::kStr) {
      return unexpected(at(s, std::string("TypeError: cannot concatenate 'str' and '") +
                                  typeName(*b) + "' objects"));
    }
    if (a->kind == Obj::Kind::kList || a->kind == Obj::Kind::kTuple) {
      std::string t = typeName(*a);
      return unexpected(at(
          s, "TypeError: can only concatenate " + t + " (not \"" + typeName(*b) + "\") to " + t));
    }
    return unexpected(unsupported(s, op, *a, *b));
  }
  if (op == "*") {
    if (isSeq(*a) || isSeq(*b)) {
      const Obj& seq = isSeq(*a) ? *a : *b;
      const Obj& n = isSeq(*a) ? *b : *a;
      if (!isIntLike(n)) {
        return unexpected(at(s, std::string("TypeError: can't multiply sequence by non-int of "
                                            "type '") +
                                    typeName(n) + "'"));
      }
      return repeat(h, seq, n.kind == Obj::Kind::kBool ? (n.b ? 1 : 0) : n.i, s);
    }
    return unexpected(unsupported(s, op, *a, *b));
  }
  if (op == "**") {
    return unexpected(
        at(s, std::string("TypeError: unsupported operand type(s) for ** or pow(): '") +
                  typeName(*a) + "' and '" + typeName(*b) + "'"));
  }
  return unexpected(unsupported(s, op, *a, *b));
}

Rt<ObjP> unaryOp(Heap& h, const std::string& op, const ObjP& a, const OpSite& s) {
  std::optional<Num> x = number(*a);
  if (!x) {
    return unexpected(
        at(s, "TypeError: bad operand type for unary " + op + ": '" + typeName(*a) + "'"));
  }
  if (x->isFloat) {
    return h.floating(op == "-" ? -x->f : x->f, s.line, s.col);
  }
  if (op == "+") {
    return h.integer(x->i, s.line, s.col);
  }
  if (x->i == INT64_MIN) {
    return unexpected(overflow(s));
  }
  return h.integer(-x->i, s.line, s.col);
}

}  // namespace xenia::config::xm
