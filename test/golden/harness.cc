// Golden-file harness: case registry, comparison, regeneration and the check
// for expected files nobody used.
#include "test/golden/harness.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace xenia::golden {
namespace fs = std::filesystem;
namespace {

std::optional<std::string> readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return std::nullopt;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool writeFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  return static_cast<bool>(out);
}

// First differing line, for a readable failure message.
std::string firstDifference(const std::string& expected, const std::string& actual) {
  std::istringstream e(expected), a(actual);
  std::string el, al;
  for (int line = 1;; ++line) {
    bool he = static_cast<bool>(std::getline(e, el));
    bool ha = static_cast<bool>(std::getline(a, al));
    if (!he && !ha) {
      return "texts differ only in their final newline";
    }
    if (he != ha || el != al) {
      return "line " + std::to_string(line) + ":\n  expected: " + (he ? el : "<end>") +
             "\n  actual:   " + (ha ? al : "<end>");
    }
  }
}

std::string withNewline(std::string s) {
  if (s.empty() || s.back() != '\n') {
    s += '\n';
  }
  return s;
}

}  // namespace

Golden::Golden(std::string casesDir, std::string errExt)
    : dir_(std::move(casesDir)), errExt_(std::move(errExt)) {}

bool Golden::regenerating() {
  const char* v = std::getenv("XENIA_REGENERATE");
  return v != nullptr && std::string(v) == "1";
}

void Golden::addSuite(std::string ext, Convert fn) {
  suites_.push_back(Suite{std::move(ext), std::move(fn)});
}

void Golden::ok(const std::string& name) { cases_.push_back(Case{name, false}); }
void Golden::fail(const std::string& name) { cases_.push_back(Case{name, true}); }

void Golden::compare(const std::string& path, const std::string& actual, const std::string& what,
                     std::vector<std::string>& problems) {
  usedFiles_.insert(fs::path(path).filename().string());
  if (regenerating()) {
    if (!writeFile(path, actual)) {
      problems.push_back(what + ": cannot write " + path);
    }
    return;
  }
  auto expected = readFile(path);
  if (!expected) {
    problems.push_back(what + ": expected file " + path +
                       " is missing (run with XENIA_REGENERATE=1 to create it)");
    return;
  }
  if (*expected != actual) {
    problems.push_back(what + ": output differs from " + path + ", " +
                       firstDifference(*expected, actual));
  }
}

void Golden::runCase(const Case& c, std::vector<std::string>& problems) {
  CaseInput in;
  in.name = c.name;
  std::string xm = dir_ + "/" + c.name + ".cfg";
  std::string xl = dir_ + "/" + c.name + ".xl.cfg";
  auto xmText = readFile(xm);
  auto xlText = readFile(xl);
  if (xmText && xlText) {
    problems.push_back(c.name + ": both " + xm + " and " + xl + " exist");
    return;
  }
  if (!xmText && !xlText) {
    problems.push_back(c.name + ": no input " + xm + " or " + xl);
    return;
  }
  in.xl = xlText.has_value();
  in.inputPath = in.xl ? xl : xm;
  in.text = in.xl ? *xlText : *xmText;

  for (const Suite& s : suites_) {
    std::string what = c.name + " [" + s.ext + "]";
    auto out = s.fn(in);
    if (c.shouldFail) {
      if (out) {
        problems.push_back(what + ": expected an error, but the conversion succeeded");
        continue;
      }
      compare(dir_ + "/" + c.name + "." + errExt_, withNewline(out.error()), what, problems);
    } else {
      if (!out) {
        problems.push_back(what + ": unexpected error: " + out.error());
        continue;
      }
      compare(dir_ + "/" + c.name + "." + s.ext, *out, what, problems);
    }
  }
}

std::vector<std::string> Golden::run() {
  std::vector<std::string> problems;
  std::set<std::string> names;
  for (const Case& c : cases_) {
    if (c.name.empty() || c.name.find('.') != std::string::npos ||
        c.name.find('/') != std::string::npos) {
      problems.push_back("case name '" + c.name + "' must be non-empty, without '.' or '/'");
      continue;
    }
    if (!names.insert(c.name).second) {
      problems.push_back(c.name + ": case registered twice");
      continue;
    }
    runCase(c, problems);
  }
  // Expected files of our extensions that no case used. A file's extension is
  // everything after the first '.', so "x.args.err" is not an "err" file.
  std::set<std::string> exts{errExt_};
  for (const Suite& s : suites_) {
    exts.insert(s.ext);
  }
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    std::string file = entry.path().filename().string();
    size_t dot = file.find('.');
    if (dot == std::string::npos || !exts.count(file.substr(dot + 1))) {
      continue;
    }
    if (!usedFiles_.count(file)) {
      problems.push_back("expected file " + dir_ + "/" + file + " is used by no case");
    }
  }
  if (ec) {
    problems.push_back("cannot list " + dir_ + ": " + ec.message());
  }
  return problems;
}

void expectGolden(Golden& g) {
  for (const std::string& p : g.run()) {
    ADD_FAILURE() << p;
  }
}

}  // namespace xenia::golden
