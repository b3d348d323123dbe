// Rebuilding state from a journal before any connection exists: nodes (with
// missing parents) and introduced domains, without events, quotas or
// journal calls.
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

}  // namespace xenia::xs
