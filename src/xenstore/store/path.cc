// Path validation and canonicalisation, as C xenstored 4.17 does it.
#include "xenstore/store/path.h"

#include "xenstore/wire/wire.h"

namespace xenia::xs::store {

bool canonicalize(std::string_view home, std::string_view path, std::string& out) {
  out.clear();
  if (!path.empty() && (path[0] == '/' || path[0] == '@')) {
    out.append(path);
    return false;
  }
  out.reserve(home.size() + 1 + path.size());
  out.append(home);
  out.push_back('/');
  out.append(path);
  return true;
}

static bool validChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         c == '-' || c == '/' || c == '_' || c == '@';
}

size_t domainPrefixLength(std::string_view path) {
  constexpr std::string_view kPrefix = "/local/domain/";
  if (path.substr(0, kPrefix.size()) != kPrefix) {
    return 0;
  }
  // sscanf("%5u/%n"): optional sign, at most 5 characters for the number
  // including the sign, at least one digit, then "/".
  size_t i = kPrefix.size();
  size_t start = i;
  if (i < path.size() && (path[i] == '-' || path[i] == '+')) {
    ++i;
  }
  size_t digits = 0;
  while (i < path.size() && i - start < 5 && path[i] >= '0' && path[i] <= '9') {
    ++i;
    ++digits;
  }
  if (digits == 0 || i >= path.size() || path[i] != '/') {
    return 0;
  }
  return i + 1;
}

bool isValidNodePath(std::string_view path, uint32_t pathMax) {
  if (path.empty() || path[0] != '/') {
    return false;
  }
  if (path.size() > 1 && path.back() == '/') {
    return false;
  }
  if (path.size() > kAbsPathMax) {
    return false;
  }
  char prev = 0;
  for (char c : path) {
    if (!validChar(c) || (c == '/' && prev == '/')) {
      return false;
    }
    prev = c;
  }
  if (pathMax != 0 && path.size() > domainPrefixLength(path) + pathMax) {
    return false;
  }
  return true;
}

std::string_view parentPath(std::string_view path) {
  size_t slash = path.rfind('/');
  if (slash == 0 || slash == std::string_view::npos) {
    return "/";
  }
  return path.substr(0, slash);
}

std::string_view baseName(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

bool isChildPath(std::string_view path, std::string_view watch) {
  if (watch == "/") {
    return true;
  }
  if (path.size() < watch.size() || path.compare(0, watch.size(), watch) != 0) {
    return false;
  }
  return path.size() == watch.size() || path[watch.size()] == '/';
}

}  // namespace xenia::xs::store
