// Value parsers for xm's arguments; no I/O.
#include "xm/parse.h"

#include <algorithm>
#include <cctype>

namespace xenia::xm {
namespace {

constexpr int64_t kMaxCpu = 4095;

}  // namespace

std::optional<int64_t> parseMemMiB(std::string_view s) {
  if (s.empty()) {
    return std::nullopt;
  }
  char last = static_cast<char>(std::tolower(static_cast<unsigned char>(s.back())));
  if (!std::isalpha(static_cast<unsigned char>(last))) {
    auto v = pyInt(s);
    if (!v || *v < 0) {
      return std::nullopt;
    }
    return v;
  }
  auto v = pyInt(s.substr(0, s.size() - 1));
  if (!v || *v < 0) {
    return std::nullopt;
  }
  switch (last) {
    case 'b':
      return *v / (int64_t{1} << 20);
    case 'k':
      return *v / 1024;
    case 'm':
      return *v;
    case 'g':
      if (*v > (INT64_MAX >> 10)) {
        return std::nullopt;
      }
      return *v * 1024;
    default:
      return std::nullopt;
  }
}

Expected<std::vector<int64_t>, std::string> parseCpuList(std::string_view s) {
  std::vector<int64_t> cpus;
  auto bad = [&] { return unexpected("invalid CPU list '" + std::string(s) + "'"); };
  size_t pos = 0;
  while (pos <= s.size()) {
    size_t comma = s.find(',', pos);
    std::string_view item = s.substr(pos, comma == std::string_view::npos ? s.npos : comma - pos);
    pos = comma == std::string_view::npos ? s.size() + 1 : comma + 1;
    if (auto dash = item.find('-'); dash != std::string_view::npos) {
      auto lo = pyInt(item.substr(0, dash));
      auto hi = pyInt(item.substr(dash + 1));
      if (!lo || !hi || *lo < 0 || *hi > kMaxCpu) {
        return bad();
      }
      for (int64_t i = *lo; i <= *hi; ++i) {
        cpus.push_back(i);
      }
    } else if (!item.empty() && item[0] == '^') {
      auto n = pyInt(item.substr(1));
      if (!n) {
        return bad();
      }
      cpus.erase(std::remove(cpus.begin(), cpus.end(), *n), cpus.end());
    } else {
      auto n = pyInt(item);
      if (!n || *n < 0 || *n > kMaxCpu) {
        return bad();
      }
      cpus.push_back(*n);
    }
  }
  std::sort(cpus.begin(), cpus.end());
  cpus.erase(std::unique(cpus.begin(), cpus.end()), cpus.end());
  return cpus;
}

std::string cpuRangeString(const std::vector<int64_t>& cpus) {
  std::string out;
  for (size_t i = 0; i < cpus.size();) {
    size_t j = i;
    while (j + 1 < cpus.size() && cpus[j + 1] == cpus[j] + 1) {
      ++j;
    }
    if (!out.empty()) {
      out += ',';
    }
    out += std::to_string(cpus[i]);
    if (j > i) {
      out += '-' + std::to_string(cpus[j]);
    }
    i = j + 1;
  }
  return out;
}

std::string absPath(std::string_view cwd, std::string_view p) {
  std::string joined =
      (!p.empty() && p[0] == '/') ? std::string(p) : std::string(cwd) + "/" + std::string(p);
  std::vector<std::string> parts;
  size_t pos = 0;
  while (pos <= joined.size()) {
    size_t slash = joined.find('/', pos);
    if (slash == std::string::npos) {
      slash = joined.size();
    }
    std::string part = joined.substr(pos, slash - pos);
    pos = slash + 1;
    if (part.empty() || part == ".") {
      continue;
    }
    if (part == "..") {
      if (!parts.empty()) {
        parts.pop_back();
      }
      continue;
    }
    parts.push_back(std::move(part));
  }
  std::string out;
  for (const auto& part : parts) {
    out += "/" + part;
  }
  return out.empty() ? "/" : out;
}

}  // namespace xenia::xm
