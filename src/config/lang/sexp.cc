// Sexp construction, equality and sxp.py-style lookups.
#include "config/lang/sexp.h"

#include "config/lang/py_str.h"

namespace xenia::config {

Sexp Sexp::makeAtom(std::string s) {
  Sexp out;
  out.atom = std::move(s);
  return out;
}

Sexp Sexp::makeList(std::vector<Sexp> items) {
  Sexp out;
  out.isList = true;
  out.items = std::move(items);
  return out;
}

Sexp Sexp::makePair(std::string key, std::string value) {
  return makePair(std::move(key), makeAtom(std::move(value)));
}

Sexp Sexp::makePair(std::string key, Sexp value) {
  std::vector<Sexp> items;
  items.push_back(makeAtom(std::move(key)));
  items.push_back(std::move(value));
  return makeList(std::move(items));
}

Sexp Sexp::makeInt(int64_t v) { return makeAtom(std::to_string(v)); }

Sexp Sexp::makeFloat(double v) { return makeAtom(pyFloatStr(v)); }

bool Sexp::operator==(const Sexp& o) const {
  if (isList != o.isList) {
    return false;
  }
  return isList ? items == o.items : atom == o.atom;
}

const std::string* Sexp::name() const {
  if (!isList) {
    return &atom;
  }
  if (!items.empty() && !items[0].isList) {
    return &items[0].atom;
  }
  return nullptr;
}

std::span<const Sexp> Sexp::children() const {
  if (!isList || items.size() < 2) {
    return {};
  }
  size_t first = 1;
  const Sexp& second = items[1];
  if (second.isList && !second.items.empty() && !second.items[0].isList &&
      second.items[0].atom == "@") {
    first = 2;
  }
  return std::span<const Sexp>(items).subspan(first);
}

namespace {
bool isElement(const Sexp& s, std::string_view name) {
  return s.isList && !s.items.empty() && !s.items[0].isList && s.items[0].atom == name;
}
}  // namespace

const Sexp* Sexp::child(std::string_view name) const {
  for (const Sexp& c : children()) {
    if (isElement(c, name)) {
      return &c;
    }
  }
  return nullptr;
}

std::vector<const Sexp*> Sexp::childrenNamed(std::string_view name) const {
  std::vector<const Sexp*> out;
  for (const Sexp& c : children()) {
    if (isElement(c, name)) {
      out.push_back(&c);
    }
  }
  return out;
}

const Sexp* Sexp::childValue(std::string_view name) const {
  const Sexp* c = child(name);
  if (c == nullptr) {
    return nullptr;
  }
  std::span<const Sexp> kids = c->children();
  return kids.empty() ? nullptr : &kids[0];
}

std::optional<std::string> Sexp::childAtom(std::string_view name) const {
  const Sexp* v = childValue(name);
  if (v == nullptr || v->isList) {
    return std::nullopt;
  }
  return v->atom;
}

Sexp& Sexp::add(Sexp item) {
  isList = true;
  items.push_back(std::move(item));
  return *this;
}

Sexp& Sexp::add(std::string key, std::string value) {
  return add(makePair(std::move(key), std::move(value)));
}

}  // namespace xenia::config
