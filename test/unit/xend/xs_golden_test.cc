// XenStore layout golden files: every test/unit/xend/golden/<name>.cfg (xm)
// or <name>.xl.cfg (xl) is built into the domain model and laid out with
// domainXsNodes; <name>.xs lists the nodes sorted by path as
//   path = "value" (perms)
// with each node's effective permissions (its own, else its parent's, as
// xenstored assigns them; dom0-only above the domain's subtrees), then the
// subtrees a destroy removes. Facts come from a "# xs-facts:" line (domid,
// vnc-port, vnc-listen, tty, pid); default domid 7, tty /dev/pts/7; taps are
// the configured vifname or vif<domid>.<n>.
// XENIA_REGENERATE=1 rewrites the .xs files; review the diff.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "test/golden/harness.h"
#include "test/golden/model_case.h"
#include "xend/model/xs_layout.h"

namespace xenia::xend {
namespace {

namespace fs = std::filesystem;

const std::string kCasesDir = std::string(XENIA_SOURCE_DIR) + "/test/unit/xend/golden";

DomainXsFacts factsFor(const std::string& text) {
  DomainXsFacts f;
  f.domid = 7;
  f.startTime = 1764182400.25;
  std::map<std::string, std::string> kv;
  std::istringstream lines(text);
  std::string line;
  const std::string tag = "# xs-facts:";
  while (std::getline(lines, line)) {
    if (line.rfind(tag, 0) == 0) {
      std::istringstream words(line.substr(tag.size()));
      std::string word;
      while (words >> word) {
        size_t eq = word.find('=');
        if (eq != std::string::npos) {
          kv[word.substr(0, eq)] = word.substr(eq + 1);
        }
      }
    }
  }
  if (kv.count("domid")) {
    f.domid = std::stoi(kv["domid"]);
  }
  f.consoleTty = kv.count("tty") ? kv["tty"] : "/dev/pts/" + std::to_string(f.domid);
  if (kv.count("vnc-port")) {
    f.vncPort = std::stoi(kv["vnc-port"]);
  }
  f.vncListen = kv.count("vnc-listen") ? kv["vnc-listen"] : "";
  if (kv.count("pid")) {
    f.deviceModelPid = std::stoi(kv["pid"]);
  }
  return f;
}

std::string quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) {
    out += (out.empty() ? "" : ",") + s;
  }
  return out;
}

// The listing, plus checks the format cannot show: parents precede children
// and no path is written twice.
Expected<std::string, std::string> toXs(const golden::CaseInput& in) {
  auto dom = golden::caseToModel(in);
  if (!dom) {
    return unexpected(dom.error());
  }
  DomainXsFacts f = factsFor(in.text);
  // The daemon's tap names: the configured vifname, else vif<domid>.<n>.
  for (size_t i = 0; i < dom->vifs.size(); ++i) {
    f.vifNames.push_back(!dom->vifs[i].vifname.empty()
                             ? dom->vifs[i].vifname
                             : "vif" + std::to_string(f.domid) + "." + std::to_string(i));
  }
  std::vector<XsNode> nodes = domainXsNodes(*dom, f);
  std::map<std::string, std::vector<std::string>> effective;
  for (const XsNode& n : nodes) {
    if (effective.count(n.path)) {
      return unexpected("written twice: " + n.path);
    }
    std::string parent = n.path.substr(0, n.path.rfind('/'));
    auto p = effective.find(parent);
    std::vector<std::string> perms = n.perms;
    if (perms.empty()) {
      perms = p != effective.end() ? p->second : std::vector<std::string>{"n0"};
    }
    effective[n.path] = perms;
  }
  std::set<std::string> written;
  for (const XsNode& n : nodes) {
    std::string parent = n.path.substr(0, n.path.rfind('/'));
    bool rootOfSubtree =
        std::any_of(nodes.begin(), nodes.end(), [&](const XsNode& o) { return o.path == parent; });
    if (rootOfSubtree && !written.count(parent)) {
      return unexpected("child before its parent: " + n.path);
    }
    written.insert(n.path);
  }
  std::vector<const XsNode*> sorted;
  for (const XsNode& n : nodes) {
    sorted.push_back(&n);
  }
  std::sort(sorted.begin(), sorted.end(),
            [](const XsNode* a, const XsNode* b) { return a->path < b->path; });
  std::string out;
  for (const XsNode* n : sorted) {
    out += n->path + " = " + quote(n->value) + " (" + join(effective[n->path]) + ")\n";
  }
  out += "\n";
  for (const std::string& r : domainXsRemovals(*dom, f.domid)) {
    out += "rm " + r + "\n";
  }
  return out;
}

std::set<std::string> caseNames() {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(kCasesDir)) {
    std::string file = entry.path().filename().string();
    for (std::string_view ext : {".xl.cfg", ".cfg"}) {
      if (file.size() > ext.size() && file.ends_with(ext) &&
          file.find('.') == file.size() - ext.size()) {
        names.insert(file.substr(0, file.size() - ext.size()));
        break;
      }
    }
  }
  return names;
}

TEST(XsLayoutGolden, EveryCase) {
  golden::Golden g(kCasesDir);
  g.addSuite("xs", toXs);
  for (const std::string& name : caseNames()) {
    g.ok(name);
  }
  EXPECT_GE(caseNames().size(), 2u) << "no cases in " << kCasesDir;
  golden::expectGolden(g);
}

}  // namespace
}  // namespace xenia::xend
