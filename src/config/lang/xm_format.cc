// str % args, following CPython 2.7 PyString_Format/formatint/formatfloat:
// argument consumption (tuple, single value, mapping), %(key) lookups,
// flags "-+ #0", width/precision with '*', the h/l/L length modifiers,
// conversions s r c d i u o x X e E f F g G %, sign and zero-fill
// placement, and the TypeError/ValueError messages.
#include <cmath>
#include <cstdio>

#include "config/lang/py_str.h"
#include "config/lang/xm_format_field.h"
#include "config/lang/xm_ops.h"

namespace xenia::config::xm {
namespace {

class Formatter {
 public:
  Formatter(Heap& heap, const std::string& fmt, const ObjP& args, const OpSite& site)
      : heap_(heap), fmt_(fmt), args_(args), site_(site) {
    if (args->kind == Obj::Kind::kTuple) {
      arglen_ = static_cast<long>(args->items.size());
      argidx_ = 0;
    }
    // Python 2 treats any non-tuple, non-string object with __getitem__ as
    // the mapping for %(key)s: dicts, and lists too.
    if (args->kind == Obj::Kind::kDict || args->kind == Obj::Kind::kList) {
      dict_ = args.get();
    }
  }

  Rt<std::string> run() {
    size_t i = 0;
    const size_t n = fmt_.size();
    while (i < n) {
      if (fmt_[i] != '%') {
        out_ += fmt_[i++];
        continue;
      }
      ++i;
      int flags = 0;
      long width = -1;
      long prec = -1;
      if (i < n && fmt_[i] == '(') {
        if (!dict_) {
          return fail("TypeError: format requires a mapping");
        }
        size_t keyStart = i + 1;
        int depth = 1;
        size_t j = keyStart;
        while (j < n && depth > 0) {
          if (fmt_[j] == ')') {
            --depth;
          } else if (fmt_[j] == '(') {
            ++depth;
          }
          ++j;
        }
        if (depth > 0) {
          return fail("ValueError: incomplete format key");
        }
        std::string key = fmt_.substr(keyStart, j - 1 - keyStart);
        i = j;
        if (dict_->kind == Obj::Kind::kList) {
          return fail("TypeError: list indices must be integers, not str");
        }
        const ObjP* found = nullptr;
        for (const auto& [k, v] : dict_->dict) {
          if (k == key) {
            found = &v;
          }
        }
        if (!found) {
          return fail("KeyError: " + config::pyRepr(key));
        }
        cur_ = *found;
        arglen_ = -1;
        argidx_ = -2;
      }
      while (i < n) {
        char c = fmt_[i];
        if (c == '-') {
          flags |= kLjust;
        } else if (c == '+') {
          flags |= kSign;
        } else if (c == ' ') {
          flags |= kBlank;
        } else if (c == '#') {
          flags |= kAlt;
        } else if (c == '0') {
          flags |= kZero;
        } else {
          break;
        }
        ++i;
      }
      if (i < n && fmt_[i] == '*') {
        ++i;
        auto v = nextArg();
        if (!v) {
          return unexpected(v.error());
        }
        if (!isInt(**v)) {
          return fail("TypeError: * wants int");
        }
        width = intOf(**v);
        if (width < 0) {
          flags |= kLjust;
          width = -width;
        }
      } else {
        if (auto e = digits(i, width, "ValueError: width too big")) {
          return unexpected(*e);
        }
      }
      if (i < n && fmt_[i] == '.') {
        ++i;
        if (i < n && fmt_[i] == '*') {
          ++i;
          auto v = nextArg();
          if (!v) {
            return unexpected(v.error());
          }
          if (!isInt(**v)) {
            return fail("TypeError: * wants int");
          }
          prec = std::max<long>(0, intOf(**v));
        } else {
          prec = 0;
          if (auto e = digits(i, prec, "ValueError: prec too big")) {
            return unexpected(*e);
          }
          prec = std::max<long>(prec, 0);
        }
      }
      if (i < n && (fmt_[i] == 'h' || fmt_[i] == 'l' || fmt_[i] == 'L')) {
        ++i;
      }
      if (i >= n) {
        return fail("ValueError: incomplete format");
      }
      size_t convAt = i;
      char c = fmt_[i++];
      if (width > static_cast<long>(heap_.limits().maxStringBytes) ||
          prec > static_cast<long>(heap_.limits().maxStringBytes)) {
        return fail("formatted value too long (width or precision too large)");
      }
      if (auto e = convert(c, convAt, flags, width, prec)) {
        return unexpected(*e);
      }
      if (out_.size() > heap_.limits().maxStringBytes) {
        return fail("formatted string too long");
      }
    }
    if (argidx_ < arglen_ && !dict_) {
      return fail("TypeError: not all arguments converted during string formatting");
    }
    return std::move(out_);
  }

 private:
  Unexpected<RtError> fail(std::string msg) {
    return unexpected(RtError{site_.opLine, site_.opCol, std::move(msg), ""});
  }

  static bool isInt(const Obj& o) {
    return o.kind == Obj::Kind::kInt || o.kind == Obj::Kind::kBool;
  }
  static long intOf(const Obj& o) { return o.kind == Obj::Kind::kBool ? (o.b ? 1 : 0) : o.i; }

  std::optional<RtError> digits(size_t& i, long& value, const char* tooBig) {
    if (i >= fmt_.size() || fmt_[i] < '0' || fmt_[i] > '9') {
      return std::nullopt;
    }
    value = 0;
    while (i < fmt_.size() && fmt_[i] >= '0' && fmt_[i] <= '9') {
      if (value > (INT32_MAX - (fmt_[i] - '0')) / 10) {
        return RtError{site_.opLine, site_.opCol, tooBig, ""};
      }
      value = value * 10 + (fmt_[i] - '0');
      ++i;
    }
    return std::nullopt;
  }

  // getnextarg
  Rt<ObjP> nextArg() {
    const ObjP& args = cur_ ? cur_ : args_;
    if (argidx_ < arglen_) {
      ++argidx_;
      if (arglen_ < 0) {
        return args;
      }
      return args->items[argidx_ - 1];
    }
    return fail("TypeError: not enough arguments for format string");
  }

  std::optional<RtError> convert(char c, size_t convAt, int flags, long width, long prec) {
    std::string buf;
    bool numeric = false;
    char fill = ' ';
    if (c == '%') {
      buf = "%";
    } else {
      auto argOr = nextArg();
      if (!argOr) {
        return argOr.error();
      }
      const Obj& v = **argOr;
      switch (c) {
        case 's':
        case 'r': {
          auto t = c == 's' ? pyStr(v, heap_.limits()) : pyRepr(v, heap_.limits());
          if (!t) {
            return t.error();
          }
          buf = std::move(*t);
          if (prec >= 0 && static_cast<long>(buf.size()) > prec) {
            buf.resize(prec);
          }
          break;
        }
        case 'i':
        case 'd':
        case 'u':
        case 'o':
        case 'x':
        case 'X': {
          if (c == 'i') {
            c = 'd';
          }
          int64_t x = 0;
          bool ok = v.kind == Obj::Kind::kInt || v.kind == Obj::Kind::kBool;
          if (ok) {
            x = intOf(v);
          } else if (v.kind == Obj::Kind::kFloat && std::isfinite(v.f)) {
            double t = std::trunc(v.f);
            if (t < -9223372036854775808.0 || t >= 9223372036854775808.0) {
              return RtError{site_.opLine, site_.opCol,
                             "OverflowError: integer result does not fit in 64 bits",
                             "Python would make it a long, which xm ignores"};
            }
            x = static_cast<int64_t>(t);
            ok = true;
          }
          if (!ok) {
            return RtError{site_.opLine, site_.opCol,
                           std::string("TypeError: %") + c + " format: a number is required, not " +
                               typeName(v),
                           ""};
          }
          buf = formatInt(x, c, flags, prec);
          numeric = true;
          if (flags & kZero) {
            fill = '0';
          }
          break;
        }
        case 'e':
        case 'E':
        case 'f':
        case 'F':
        case 'g':
        case 'G': {
          if (c == 'F') {
            c = 'f';
          }
          double x = 0;
          if (v.kind == Obj::Kind::kFloat) {
            x = v.f;
          } else if (v.kind == Obj::Kind::kInt || v.kind == Obj::Kind::kBool) {
            x = intOf(v);
          } else {
            return RtError{site_.opLine, site_.opCol,
                           std::string("TypeError: float argument required, not ") + typeName(v),
                           ""};
          }
          std::string spec = "%";
          if (flags & kAlt) {
            spec += '#';
          }
          spec += "." + std::to_string(prec < 0 ? 6 : prec) + c;
          int len = std::snprintf(nullptr, 0, spec.c_str(), x);
          if (len < 0 || static_cast<size_t>(len) > heap_.limits().maxStringBytes) {
            return RtError{site_.opLine, site_.opCol, "formatted value too long", ""};
          }
          buf.resize(static_cast<size_t>(len) + 1);
          std::snprintf(buf.data(), buf.size(), spec.c_str(), x);
          buf.resize(static_cast<size_t>(len));
          numeric = true;
          if (flags & kZero) {
            fill = '0';
          }
          break;
        }
        case 'c':
          if (v.kind == Obj::Kind::kStr) {
            if (v.s.size() != 1) {
              return RtError{site_.opLine, site_.opCol, "TypeError: %c requires int or char", ""};
            }
            buf = v.s;
          } else if (isInt(v)) {
            long x = intOf(v);
            if (x < 0) {
              return RtError{site_.opLine, site_.opCol,
                             "OverflowError: unsigned byte integer is less than minimum", ""};
            }
            if (x > 255) {
              return RtError{site_.opLine, site_.opCol,
                             "OverflowError: unsigned byte integer is greater than maximum", ""};
            }
            buf = std::string(1, static_cast<char>(x));
          } else if (v.kind == Obj::Kind::kFloat) {
            return RtError{site_.opLine, site_.opCol,
                           "TypeError: integer argument expected, got float", ""};
          } else {
            return RtError{site_.opLine, site_.opCol, "TypeError: %c requires int or char", ""};
          }
          break;
        default: {
          char hex[8];
          std::snprintf(hex, sizeof hex, "0x%x", static_cast<unsigned char>(c));
          return RtError{site_.opLine, site_.opCol,
                         std::string("ValueError: unsupported format character '") + c + "' (" +
                             hex + ") at index " + std::to_string(convAt),
                         ""};
        }
      }
    }
    padField(out_, buf, numeric, fill, flags, width, c);
    return std::nullopt;
  }

  Heap& heap_;
  const std::string& fmt_;
  ObjP args_;
  ObjP cur_;  // the value of the last %(key) lookup, which replaces args
  const Obj* dict_ = nullptr;
  long arglen_ = -1;
  long argidx_ = -2;
  OpSite site_;
  std::string out_;
};

}  // namespace

Rt<std::string> formatPercent(Heap& heap, const std::string& fmt, const ObjP& args,
                              const OpSite& at) {
  return Formatter(heap, fmt, args, at).run();
}

}  // namespace xenia::config::xm
