// Changing nodes: writing a value, creating a node with its missing
// ancestors, setting permissions and removing subtrees, with C xenstored's
// quota checks (node size, nodes per domain, memory) and accounting. Outside
// a transaction changes go straight to the tree (and the journal); inside
// one they go to the transaction's overlay.
#include <algorithm>

#include "xenstore/store/path.h"
#include "xenstore/store/state.h"

namespace xenia::xs::store {

namespace {

// Transactions store copies under "<generation>/<path>" in C; charge alike.
constexpr int64_t kTxKeyExtra = 21;

bool nodeTooBig(Req& r, uint32_t nperms, size_t valLen, size_t childLen) {
  if (!r.unpriv()) {
    return false;
  }
  uint32_t q = r.quota(QuotaKey::NodeSize);
  return q != 0 && recordSize(nperms, valLen, childLen) >= static_cast<int64_t>(q);
}

// Charges a transaction copy to the transaction's domain (C accounts
// transaction nodes to the connection). False: the memory quota is hit.
bool chargeTx(Req& r, TxEntry& e, int64_t newCharge) {
  int64_t delta = newCharge - e.charged;
  if (r.unpriv() && delta > 0 && r.s.memoryExceeds(r.c.domid, delta)) {
    return false;
  }
  r.s.addMemory(r.c.domid, delta);
  r.tx->charged += delta;
  e.charged = newCharge;
  return true;
}

int64_t txCharge(const TxEntry& e) {
  return recordSize(e.perms.size(), e.value.size(), e.childLen) +
         static_cast<int64_t>(e.path.size()) + kTxKeyExtra;
}

Status failTx(Req& r, Err e) {
  // C cannot undo a half-done change inside a transaction and dooms it.
  r.tx->fail = true;
  return e;
}

void appendChildPath(std::string& path, std::string_view name) {
  if (path.size() != 1) {
    path.push_back('/');
  }
  path.append(name);
}

}  // namespace

Status writeValue(Req& r, std::string_view path, NodeRef& n, std::string_view value) {
  Impl& s = r.s;
  if (!r.tx) {
    Node* node = n.base;
    if (nodeTooBig(r, node->perms().size(), value.size(), node->childLen())) {
      return Err::ENOSPC_;
    }
    int64_t oldCharge = Impl::chargeOf(node, path.size());
    int64_t newCharge =
        recordSize(node->perms().size(), value.size(), node->childLen()) + path.size();
    if (s.memoryExceeds(node->owner(), newCharge - oldCharge)) {
      return Err::ENOMEM_;
    }
    s.markStale(node->perms(), node->generation());
    s.tree.setValue(node, value);
    node->setGeneration(++s.generation);
    s.addMemory(node->owner(), newCharge - oldCharge);
    s.journalNode(path, value, node->perms());
    return kOk;
  }
  Status err;
  TxEntry* e = txEntry(r, path, err);
  if (!e) {
    return err;
  }
  txModify(r, *e);
  if (nodeTooBig(r, e->perms.size(), value.size(), e->childLen)) {
    return failTx(r, Err::ENOSPC_);
  }
  std::string old = std::move(e->value);
  e->value.assign(value);
  if (!chargeTx(r, *e, txCharge(*e))) {
    e->value = std::move(old);
    return failTx(r, Err::ENOMEM_);
  }
  e->gen = ++s.generation;
  n.entry = e;
  n.base = nullptr;
  return kOk;
}

Status createNode(Req& r, std::string_view path, std::string_view value) {
  Impl& s = r.s;
  // Find the nearest existing ancestor (C construct_node walks up).
  NodeRef anc;
  std::string_view ancPath = path;
  if (!r.tx) {
    size_t len = 0;
    s.tree.find(path, &anc.base, &len);
    ancPath = path.substr(0, len);
  } else {
    do {
      ancPath = parentPath(ancPath);
      Status st = readNode(r, ancPath, anc);
      if (!st) {
        break;
      }
      if (*st != Err::ENOENT_ || ancPath == "/") {
        return st;
      }
    } while (true);
  }

  // The names to create, each with the length of its full path.
  size_t start = ancPath.size() == 1 ? 1 : ancPath.size() + 1;
  struct Level {
    std::string_view name;
    size_t pathLen;
  };
  std::vector<Level> lv;
  for (size_t pos = start;;) {
    size_t slash = path.find('/', pos);
    size_t end = slash == std::string_view::npos ? path.size() : slash;
    lv.push_back({path.substr(pos, end - pos), end});
    if (end == path.size()) {
      break;
    }
    pos = end + 1;
  }
  auto levels = static_cast<uint32_t>(lv.size());

  if (r.unpriv()) {
    uint32_t q = r.quota(QuotaKey::Nodes);
    Domain* d = s.findDomain(r.c.domid);
    int64_t owned = d ? d->nodes : 0;
    if (q != 0 && owned + levels > q) {
      return Err::ENOSPC_;
    }
  }

  // New nodes copy the parent's permissions; unprivileged creators own them.
  PermList& ancPerms = anc.entry ? anc.entry->perms : anc.base->perms();
  s.markStale(ancPerms, anc.gen());
  PermList np = ancPerms;
  if (r.unpriv() && np.size()) {
    np.set(0, Perm{r.c.domid, np.get(0).bits});
  }

  // Node-size quota for the parent gaining a child and for each new node.
  // (In a transaction C has already written part of it: the failure dooms
  // the transaction.)
  auto refuse = [&r](Err e) { return r.tx ? failTx(r, e) : Status(e); };
  int64_t ancDelta = static_cast<int64_t>(lv[0].name.size()) + 1;
  if (nodeTooBig(r, ancPerms.size(), anc.value().size(), anc.childLen() + ancDelta)) {
    return refuse(Err::ENOSPC_);
  }
  int64_t newBytes = 0;
  for (uint32_t i = 0; i < levels; ++i) {
    bool leaf = i + 1 == levels;
    size_t valLen = leaf ? value.size() : 0;
    size_t childLen = leaf ? 0 : lv[i + 1].name.size() + 1;
    if (nodeTooBig(r, np.size(), valLen, childLen)) {
      return refuse(Err::ENOSPC_);
    }
    newBytes += recordSize(np.size(), valLen, childLen) + static_cast<int64_t>(lv[i].pathLen);
  }

  if (!r.tx) {
    Node* a = anc.base;
    DomId newOwner = np.size() ? np.get(0).id : kDom0;
    if (a->owner() == newOwner) {
      if (s.memoryExceeds(newOwner, newBytes + ancDelta)) {
        return Err::ENOMEM_;
      }
    } else if (s.memoryExceeds(newOwner, newBytes) || s.memoryExceeds(a->owner(), ancDelta)) {
      return Err::ENOMEM_;
    }
    s.addMemory(a->owner(), ancDelta);
    s.addMemory(newOwner, newBytes);
    s.addNodes(newOwner, levels);
    Node* node = a;
    for (uint32_t i = 0; i < levels; ++i) {
      bool leaf = i + 1 == levels;
      node = s.tree.addChild(node, lv[i].name);
      node->perms() = np;
      if (leaf) {
        s.tree.setValue(node, value);
      }
      node->setGeneration(++s.generation);
      s.journalNode(path.substr(0, lv[i].pathLen), leaf ? value : std::string_view(), np);
    }
    a->setGeneration(++s.generation);
    return kOk;
  }

  // Transaction: the ancestor and every new node become overlay copies.
  if (r.unpriv() && s.memoryExceeds(r.c.domid, newBytes + ancDelta + kTxKeyExtra * levels)) {
    return refuse(Err::ENOMEM_);
  }
  r.tx->nodeCreated = true;
  Status err;
  TxEntry* parent = txEntry(r, ancPath, err);
  if (!parent) {
    return err;
  }
  for (uint32_t i = 0; i < levels; ++i) {
    bool leaf = i + 1 == levels;
    std::string_view name = lv[i].name;
    txModify(r, *parent);
    parent->added.emplace_back(name);
    parent->childLen += name.size() + 1;
    parent->gen = ++s.generation;
    chargeTx(r, *parent, txCharge(*parent));
    TxEntry* child = txEntry(r, path.substr(0, lv[i].pathLen), err);
    if (!child) {
      return failTx(r, *err);
    }
    txModify(r, *child);
    child->exists = true;
    child->replaced = true;
    child->added.clear();
    child->removed.clear();
    child->childLen = 0;
    child->value.assign(leaf ? value : std::string_view());
    child->perms = np;
    child->gen = ++s.generation;
    chargeTx(r, *child, txCharge(*child));
    parent = child;
  }
  return kOk;
}

Status setNodePerms(Req& r, std::string_view path, NodeRef& n, const PermList& perms) {
  Impl& s = r.s;
  if (!r.tx) {
    Node* node = n.base;
    if (nodeTooBig(r, perms.size(), node->value().size(), node->childLen())) {
      return Err::ENOSPC_;
    }
    DomId oldOwner = node->owner();
    DomId newOwner = perms.get(0).id;
    int64_t oldCharge = Impl::chargeOf(node, path.size());
    int64_t newCharge =
        recordSize(perms.size(), node->value().size(), node->childLen()) + path.size();
    if (s.memoryExceeds(newOwner, oldOwner == newOwner ? newCharge - oldCharge : newCharge)) {
      return Err::ENOMEM_;
    }
    s.addMemory(oldOwner, -oldCharge);
    s.addMemory(newOwner, newCharge);
    s.addNodes(oldOwner, -1);
    s.addNodes(newOwner, 1);
    node->perms() = perms;
    node->setGeneration(++s.generation);
    s.journalNode(path, node->value(), perms);
    return kOk;
  }
  Status err;
  TxEntry* e = txEntry(r, path, err);
  if (!e) {
    return err;
  }
  txModify(r, *e);
  if (nodeTooBig(r, perms.size(), e->value.size(), e->childLen)) {
    return failTx(r, Err::ENOSPC_);
  }
  PermList old = e->perms;
  e->perms = perms;
  if (!chargeTx(r, *e, txCharge(*e))) {
    e->perms = old;
    return failTx(r, Err::ENOMEM_);
  }
  e->gen = ++s.generation;
  return kOk;
}

namespace {

// Marks the transaction view of path and everything below it as removed,
// post-order, queueing the watch events C queues.
Status txRemoveSubtree(Req& r, std::string& path, bool top) {
  NodeRef ref;
  if (Status st = readNode(r, path, ref)) {
    return st;
  }
  std::string kids;
  listChildren(r, path, ref, kids);
  size_t len = path.size();
  for (size_t pos = 0; pos < kids.size();) {
    size_t nul = kids.find('\0', pos);
    appendChildPath(path, std::string_view(kids).substr(pos, nul - pos));
    Status st = txRemoveSubtree(r, path, false);
    path.resize(len);
    if (st) {
      return st;
    }
    pos = nul + 1;
  }
  Status err;
  TxEntry* e = txEntry(r, path, err);
  if (!e) {
    return err;
  }
  txModify(r, *e);
  e->exists = false;
  e->replaced = true;
  e->added.clear();
  e->removed.clear();
  e->childLen = 0;
  e->value.clear();
  e->gen = ++r.s.generation;
  chargeTx(r, *e, 0);
  fireWatches(r, path, !top, nullptr, nullptr);
  return kOk;
}

}  // namespace

Status removeNode(Req& r, std::string_view path) {
  NodeRef parentRef;
  std::string_view parentName = parentPath(path);
  if (Status st = readNode(r, parentName, parentRef)) {
    return (*st == Err::ENOMEM_ || *st == Err::ENOSPC_) ? st : Status(Err::EINVAL_);
  }
  if (!r.tx) {
    r.s.removeTree(r.s.tree.find(path), path);
    return kOk;
  }
  std::string walk(path);
  if (Status st = txRemoveSubtree(r, walk, true)) {
    return failTx(r, *st);
  }
  Status err;
  TxEntry* parent = txEntry(r, parentName, err);
  if (!parent) {
    return failTx(r, *err);
  }
  txModify(r, *parent);
  std::string_view name = baseName(path);
  auto it = std::find(parent->added.begin(), parent->added.end(), name);
  if (it != parent->added.end()) {
    parent->added.erase(it);
  } else {
    parent->removed.emplace_back(name);
  }
  parent->childLen -= name.size() + 1;
  parent->gen = ++r.s.generation;
  chargeTx(r, *parent, txCharge(*parent));
  return kOk;
}

void fireWatches(Req& r, std::string_view path, bool exact, const Node* node,
                 const PermList* oldPerms) {
  if (!r.tx) {
    r.s.fireNow(path, exact, node, oldPerms);
    return;
  }
  auto it = r.tx->entries.find(path);
  if (it == r.tx->entries.end()) {
    r.tx->fail = true;
    return;
  }
  TxEntry& e = it->second;
  if (!e.fireWatch) {
    e.fireWatch = true;
    e.watchExact = exact;
  } else if (!exact) {
    e.watchExact = false;
  }
}

}  // namespace xenia::xs::store

namespace xenia::xs {

using namespace store;

void Engine::Impl::removeTree(Node* top, std::string_view topPath, bool events) {
  // Post-order walk keeping the current node's path in a buffer; events fire
  // while every node (and its parent) is still in place, as in C.
  struct Frame {
    Node* n;
    size_t pathLen;
    Node* next;  // next child to visit
  };
  std::string path(topPath);
  std::vector<Frame> stack{{top, path.size(), top->firstChild()}};
  while (!stack.empty()) {
    Frame& f = stack.back();
    if (f.next) {
      Node* c = f.next;
      f.next = c->nextSibling();
      path.resize(f.pathLen);
      appendChildPath(path, c->name());
      stack.push_back({c, path.size(), c->firstChild()});
      continue;
    }
    path.resize(f.pathLen);
    if (events) {
      fireNow(path, f.n != top, f.n, nullptr);
    }
    charge(f.n, path.size(), -1);
    addNodes(f.n->owner(), -1);
    stack.pop_back();
  }
  std::string_view parentName = parentPath(topPath);
  Node* parent = tree.find(parentName);
  charge(parent, parentName.size(), -1);
  tree.remove(parent, top);
  parent->setGeneration(++generation);
  charge(parent, parentName.size(), 1);
  journalRemove(topPath);
}

}  // namespace xenia::xs
