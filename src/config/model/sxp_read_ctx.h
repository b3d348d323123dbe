// Internal to the SXP reader: typed access to (key value) children with
// errors that carry the SXP file's line and column.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/lang/sexp.h"
#include "config/model/domain.h"
#include "config/model/error.h"
#include "config/model/text.h"

namespace xenia::config::detail {

class SxpReader {
 public:
  explicit SxpReader(std::string_view file) : file_(file) {}

  bool ok() const { return !err_; }
  const ModelError& error() const { return *err_; }
  void fail(const std::string& field, const Sexp& at, std::string msg) {
    if (!err_) {
      err_ = ModelError{field, SourceLoc{file_, at.line, at.col}, std::move(msg)};
    }
  }

  // The atom after `key`; "" when the key is present with no value (xend
  // prints empty strings as nothing); nullopt when absent.
  std::optional<std::string> atom(const Sexp& s, std::string_view key) {
    const Sexp* c = s.child(key);
    if (!c) {
      return std::nullopt;
    }
    auto kids = c->children();
    if (kids.empty()) {
      return std::string();
    }
    if (kids[0].isList) {
      fail(std::string(key), kids[0], "Expected a single value, got a list.");
      return std::nullopt;
    }
    return kids[0].atom;
  }
  void str(const Sexp& s, std::string_view key, std::string& out) {
    if (auto v = atom(s, key)) {
      out = *v;
    }
  }
  template <class T>
  void integer(const Sexp& s, std::string_view key, T& out, int base = 10) {
    auto v = atom(s, key);
    if (!v) {
      return;
    }
    auto n = text::parseInt(*v, base, true);
    if (!n) {
      fail(std::string(key), *s.child(key), "Expected an integer, got '" + *v + "'.");
      return;
    }
    out = static_cast<T>(*n);
  }
  template <class T>
  void optInt(const Sexp& s, std::string_view key, std::optional<T>& out) {
    if (s.child(key)) {
      T v{};
      integer(s, key, v);
      out = v;
    }
  }
  void boolean(const Sexp& s, std::string_view key, bool& out) {
    auto v = atom(s, key);
    if (!v) {
      return;
    }
    auto b = text::parseBool(*v);
    if (!b) {
      fail(std::string(key), *s.child(key), "Expected 0 or 1, got '" + *v + "'.");
      return;
    }
    out = *b;
  }
  // A value that is one atom or a list of atoms.
  void strings(const Sexp& s, std::string_view key, std::vector<std::string>& out) {
    const Sexp* v = s.childValue(key);
    if (!v) {
      return;
    }
    if (!v->isList) {
      out = {v->atom};
      return;
    }
    out.clear();
    for (const Sexp& item : v->items) {
      out.push_back(item.atom);
    }
  }
  template <class E>
  void name(const Sexp& s, std::string_view key, E& out,
            std::optional<E> (*parse)(std::string_view)) {
    auto v = atom(s, key);
    if (!v) {
      return;
    }
    auto e = parse(*v);
    if (!e) {
      fail(std::string(key), *s.child(key), "'" + *v + "' is not a valid value.");
      return;
    }
    out = *e;
  }

 private:
  std::string file_;
  std::optional<ModelError> err_;
};

// Parts of a (domain ...) SXP (sxp_read_devices.cc).
void readImage(SxpReader& r, const Sexp& image, DomainConfig& d);
void readDisk(SxpReader& r, const Sexp& dev, DomainConfig& d);
void readVif(SxpReader& r, const Sexp& dev, DomainConfig& d);
void readVfb(SxpReader& r, const Sexp& dev, DomainConfig& d);
void readPci(SxpReader& r, const Sexp& dev, DomainConfig& d);
void readCpus(SxpReader& r, const Sexp& s, DomainConfig& d);
void readCpuid(SxpReader& r, const Sexp& s, DomainConfig& d);

}  // namespace xenia::config::detail
