// Rebuilding state from a journal before any connection exists: nodes (with
// missing parents) and introduced domains, without events, quotas or
// journal calls; and the reverse, a snapshot of the state as journal calls.
#include <algorithm>

#include "xenstore/store/path.h"
#include "xenstore/store/state.h"

namespace xenia::xs {

using namespace store;

void Engine::restoreNode(std::string_view path, std::string_view value,
                         const std::vector<std::string>& permStrs) {
  Impl& s = *impl_;
  PermList perms;
  for (const std::string& ps : permStrs) {
    if (auto p = parsePerm(ps)) {
      perms.push(*p);
    }
  }
  if (!path.empty() && path[0] == '@') {
    PermList* special = path == "@introduceDomain" ? &s.introducePerms
                        : path == "@releaseDomain" ? &s.releasePerms
                                                   : nullptr;
    if (special && !perms.empty()) {
      *special = perms;
    }
    return;
  }
  if (!isValidNodePath(path, 0)) {
    return;
  }
  Node* node = s.tree.root();
  size_t pos = 1;
  while (pos < path.size()) {
    size_t slash = path.find('/', pos);
    size_t end = slash == std::string_view::npos ? path.size() : slash;
    Node* child = s.tree.child(node, path.substr(pos, end - pos));
    if (!child) {
      std::string_view parentName = path.substr(0, pos == 1 ? 1 : pos - 1);
      s.charge(node, parentName.size(), -1);
      child = s.tree.addChild(node, path.substr(pos, end - pos));
      s.charge(node, parentName.size(), 1);
      node->setGeneration(++s.generation);
      child->perms() = node->perms();
      child->setGeneration(++s.generation);
      s.charge(child, end, 1);
      s.addNodes(child->owner(), 1);
    }
    node = child;
    pos = end + 1;
  }
  s.charge(node, path.size(), -1);
  s.addNodes(node->owner(), -1);
  s.tree.setValue(node, value);
  if (!perms.empty()) {
    node->perms() = perms;
  }
  node->setGeneration(++s.generation);
  s.charge(node, path.size(), 1);
  s.addNodes(node->owner(), 1);
}

void Engine::restoreDomain(DomId domid) { impl_->domainRecord(domid).introduced = true; }

void Engine::snapshot(Journal& out) const {
  const Impl& s = *impl_;
  std::vector<DomId> doms;
  for (const auto& [id, d] : s.domains) {
    if (d.introduced && id != kDom0) {
      doms.push_back(id);
    }
  }
  std::sort(doms.begin(), doms.end());
  for (DomId id : doms) {
    out.domainIntroduced(id);
  }
  std::vector<std::string> perms;
  auto permStrings = [&perms](const PermList& l) -> const std::vector<std::string>& {
    perms.clear();
    for (uint32_t i = 0; i < l.size(); ++i) {
      formatPerm(l.get(i), perms.emplace_back());
    }
    return perms;
  };
  out.nodeWritten("@introduceDomain", {}, permStrings(s.introducePerms));
  out.nodeWritten("@releaseDomain", {}, permStrings(s.releasePerms));
  // Pre-order with one path buffer: every node visited between a node and
  // its next sibling lies below it, so the buffer still starts with the
  // parent's path when a sibling is popped.
  std::string path;
  std::vector<std::pair<const Node*, size_t>> stack{{s.tree.root(), 0}};
  std::vector<const Node*> kids;
  while (!stack.empty()) {
    auto [n, parentLen] = stack.back();
    stack.pop_back();
    path.resize(parentLen);
    if (parentLen != 1) {
      path.push_back('/');
    }
    path.append(n->name());
    out.nodeWritten(path, n->value(), permStrings(n->perms()));
    kids.clear();
    for (const Node* c = n->firstChild(); c; c = c->nextSibling()) {
      kids.push_back(c);
    }
    for (auto it = kids.rbegin(); it != kids.rend(); ++it) {
      stack.emplace_back(*it, path.size());
    }
  }
}

}  // namespace xenia::xs
