// Reading nodes as one request sees them: C xenstored's read_node(),
// get_node() and errno_from_parents(), over the committed tree or through a
// transaction's overlay (recording every access for conflict checks).
#include <algorithm>

#include "xenstore/store/path.h"
#include "xenstore/store/state.h"

namespace xenia::xs::store {

Status readNode(Req& r, std::string_view path, NodeRef& out) {
  out = NodeRef{};
  if (!r.tx) {
    out.base = r.s.tree.find(path);
    return out.base ? kOk : Status(Err::ENOENT_);
  }
  Status err;
  TxEntry* e = txEntry(r, path, err);
  if (!e) {
    return err;
  }
  if (e->modified) {
    if (!e->exists) {
      return Err::ENOENT_;
    }
    out.entry = e;
    return kOk;
  }
  out.base = r.s.tree.find(path);
  return out.base ? kOk : Status(Err::ENOENT_);
}

uint8_t permForRef(Req& r, NodeRef& n) {
  if (n.entry) {
    return r.s.permFor(r.c, n.entry->perms, n.entry->gen);
  }
  return r.s.permFor(r.c, n.base->perms(), n.base->generation());
}

namespace {

bool propagates(Err e) { return e == Err::ENOMEM_ || e == Err::ENOSPC_; }

// C errno_from_parents(): a failure is only reported as is when the nearest
// existing ancestor grants the access asked for; otherwise EACCES, so that
// unreadable parts of the tree do not reveal what exists.
Err errnoFromParents(Req& r, std::string_view path, Err errnum, uint8_t perm) {
  if (errnum == Err::ENOMEM_) {
    return errnum;
  }
  NodeRef parent;
  bool found = false;
  if (!r.tx) {
    // The nearest existing ancestor (for an existing node: its parent).
    Node* deepest = nullptr;
    r.s.tree.find(parentPath(path), &deepest);
    parent.base = deepest;
    found = true;
  } else {
    std::string_view name = path;
    do {
      name = parentPath(name);
      Status st = readNode(r, name, parent);
      if (!st) {
        found = true;
        break;
      }
      if (propagates(*st)) {
        return *st;
      }
    } while (name != "/");
  }
  uint8_t parentPerm = found ? permForRef(r, parent) : kPermNone;
  return (parentPerm & perm) ? errnum : Err::EACCES_;
}

}  // namespace

Status getNode(Req& r, std::string_view path, uint8_t perm, NodeRef& out) {
  Status st = readNode(r, path, out);
  if (!st) {
    if ((permForRef(r, out) & perm) == perm) {
      return kOk;
    }
    st = Err::EACCES_;
  }
  if (propagates(*st)) {
    return st;
  }
  return errnoFromParents(r, path, *st, perm);
}

void listChildren(Req& r, std::string_view path, const NodeRef& n, std::string& out) {
  const TxEntry* e = n.entry;
  Node* base = n.base;
  if (e) {
    base = e->replaced ? nullptr : r.s.tree.find(path);
  }
  if (base) {
    for (Node* c = base->firstChild(); c; c = c->nextSibling()) {
      if (e && !e->removed.empty() &&
          std::find(e->removed.begin(), e->removed.end(), c->name()) != e->removed.end()) {
        continue;
      }
      out.append(c->name());
      out.push_back('\0');
    }
  }
  if (e) {
    for (const std::string& a : e->added) {
      out.append(a);
      out.push_back('\0');
    }
  }
}

}  // namespace xenia::xs::store
