// Transactions: C xenstored's generation-count conflict rule over an overlay.
// Every node a transaction reads or writes records the generation it had
// (kNoGeneration if absent); a commit fails with EAGAIN if any of them
// changed meanwhile, else the overlay is applied to the tree in one go and
// the queued watch events fire. See docs/design/xenstore-transactions.md.
#include <algorithm>

#include <fmt/format.h>

#include "xenstore/store/path.h"
#include "xenstore/store/state.h"

namespace xenia::xs::store {

TxEntry* txEntry(Req& r, std::string_view path, Status& err) {
  Tx& tx = *r.tx;
  auto it = tx.entries.find(path);
  if (it != tx.entries.end()) {
    return &it->second;
  }
  if (r.unpriv()) {
    uint32_t q = r.quota(QuotaKey::TransactionNodes);
    if (q != 0 && tx.entries.size() >= q) {
      tx.fail = true;
      err = Err::ENOSPC_;
      return nullptr;
    }
  }
  auto [ins, _] = tx.entries.try_emplace(std::string(path));
  TxEntry& e = ins->second;
  e.path = ins->first;
  e.checkGen = true;
  if (Node* base = r.s.tree.find(path)) {
    e.readGen = base->generation();
    r.s.markStale(base->perms(), base->generation());
    e.basePerms = base->perms();
    e.hadBase = true;
  }
  tx.order.push_back(&e);
  return &e;
}

TxEntry& txModify(Req& r, TxEntry& e) {
  if (e.modified) {
    return e;
  }
  e.modified = true;
  Node* base = r.s.tree.find(e.path);
  if (base) {
    e.exists = true;
    e.replaced = false;
    e.value.assign(base->value());
    e.perms = base->perms();
    e.childLen = base->childLen();
    e.gen = base->generation();
  } else {
    e.exists = false;
    e.replaced = true;
  }
  return e;
}

namespace {

size_t depthOf(std::string_view path) {
  return path.size() == 1 ? 0 : static_cast<size_t>(std::count(path.begin(), path.end(), '/'));
}

}  // namespace

void releaseTxMemory(Impl& s, Conn& c, Tx& tx) {
  s.addMemory(c.domid, -tx.charged);
  tx.charged = 0;
}

Status commitTransaction(Impl& s, Conn& c, Tx& tx) {
  if (tx.fail) {
    return Err::ENOMEM_;
  }
  for (TxEntry* e : tx.order) {
    if (e->checkGen) {
      Node* cur = s.tree.find(e->path);
      if ((cur ? cur->generation() : kNoGeneration) != e->readGen) {
        return Err::EAGAIN_;
      }
    }
  }

  // Net change of nodes owned per domain; C checks it only for unprivileged
  // connections that created nodes.
  std::vector<std::pair<DomId, int64_t>> owners;
  auto bump = [&owners](DomId d, int64_t by) {
    for (auto& o : owners) {
      if (o.first == d) {
        o.second += by;
        return;
      }
    }
    owners.emplace_back(d, by);
  };
  std::vector<TxEntry*> changed;
  for (TxEntry* e : tx.order) {
    if (!e->modified) {
      continue;
    }
    changed.push_back(e);
    if (e->hadBase) {
      bump(e->basePerms.size() ? e->basePerms.get(0).id : kDom0, -1);
    }
    if (e->exists) {
      bump(e->perms.size() ? e->perms.get(0).id : kDom0, 1);
    }
  }
  if (tx.nodeCreated && !c.priv) {
    for (auto& [dom, delta] : owners) {
      uint32_t q = s.quota(dom, QuotaKey::Nodes);
      Domain* d = s.findDomain(dom);
      if (delta > 0 && Impl::unprivDomid(dom) && q != 0 && (d ? d->nodes : 0) + delta > q) {
        return Err::ENOSPC_;
      }
    }
  }

  // Apply, parents before children: removals, then creations and updates.
  std::vector<std::pair<size_t, TxEntry*>> byDepth;
  byDepth.reserve(changed.size());
  for (TxEntry* e : changed) {
    byDepth.emplace_back(depthOf(e->path), e);
  }
  std::stable_sort(byDepth.begin(), byDepth.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (size_t i = 0; i < byDepth.size(); ++i) {
    changed[i] = byDepth[i].second;
  }
  for (TxEntry* e : changed) {
    if (!e->exists) {
      if (Node* n = s.tree.find(e->path); n && n != s.tree.root()) {
        s.removeTree(n, e->path, /*events=*/false);
      }
    }
  }
  for (TxEntry* e : changed) {
    if (!e->exists) {
      continue;
    }
    Node* n = s.tree.find(e->path);
    bool fresh = false;
    if (!n) {
      // Its parent was processed first and created it, unless the parent
      // only gained it without being otherwise applied (cannot happen).
      Node* parent = s.tree.find(parentPath(e->path));
      if (!parent) {
        continue;
      }
      s.charge(parent, parentPath(e->path).size(), -1);
      n = s.tree.addChild(parent, baseName(e->path));
      s.charge(parent, parentPath(e->path).size(), 1);
      fresh = true;
    } else if (n->perms().empty()) {
      fresh = true;  // placeholder created for a parent's added list
    }
    if (!fresh) {
      s.charge(n, e->path.size(), -1);
      s.addNodes(n->owner(), -1);
    }
    // Children created by the transaction, in creation order; one that
    // exists already was removed and re-created: it moves to the end.
    for (const std::string& name : e->added) {
      if (Node* ch = s.tree.child(n, name)) {
        s.tree.moveToEnd(n, ch);
      } else {
        s.tree.addChild(n, name);
      }
    }
    s.tree.setValue(n, e->value);
    n->perms() = e->perms;
    n->setGeneration(++s.generation);
    s.charge(n, e->path.size(), 1);
    s.addNodes(n->owner(), 1);
    s.journalNode(e->path, e->value, e->perms);
  }

  releaseTxMemory(s, c, tx);
  for (TxEntry* e : tx.order) {
    if (e->fireWatch) {
      s.fireNow(e->path, e->watchExact, nullptr, e->hadBase ? &e->basePerms : nullptr);
    }
  }
  return kOk;
}

Status opTransactionStart(Req& r) {
  if (r.tx) {
    return Err::EBUSY_;
  }
  if (r.unpriv()) {
    uint32_t q = r.quota(QuotaKey::Transactions);
    if (q != 0 && r.c.txs.size() >= q) {
      return Err::ENOSPC_;
    }
  }
  auto tx = std::make_unique<Tx>();
  // Per-connection ids from 1, never one that is still open, never 0.
  for (;;) {
    uint32_t id = r.c.nextTxId++;
    if (id == 0) {
      continue;
    }
    bool used = std::any_of(r.c.txs.begin(), r.c.txs.end(),
                            [id](const auto& t) { return t->id == id; });
    if (!used) {
      tx->id = id;
      break;
    }
  }
  // The transaction counts as one generation step, as in C.
  ++r.s.generation;
  char buf[16];
  auto res = fmt::format_to_n(buf, sizeof buf - 1, "{}", tx->id);
  *res.out = '\0';
  r.c.txs.push_back(std::move(tx));
  ++r.s.txCount;
  r.reply(std::string_view(buf, res.size + 1));
  return kOk;
}

Status opTransactionEnd(Req& r) {
  std::string_view arg = nthString(r.payload, 0);
  if (arg != "T" && arg != "F") {
    return Err::EINVAL_;
  }
  if (!r.tx) {
    return Err::ENOENT_;
  }
  // The transaction ends here whatever the outcome.
  auto it = std::find_if(r.c.txs.begin(), r.c.txs.end(),
                         [&r](const auto& t) { return t.get() == r.tx; });
  std::unique_ptr<Tx> tx = std::move(*it);
  r.c.txs.erase(it);
  --r.s.txCount;
  r.tx = nullptr;
  Status st;
  if (arg == "T") {
    st = commitTransaction(r.s, r.c, *tx);
  }
  releaseTxMemory(r.s, r.c, *tx);
  if (st) {
    return st;
  }
  r.replyOk();
  return kOk;
}

}  // namespace xenia::xs::store

namespace xenia::xs {

void Engine::Impl::dropTransactions(Conn& c) {
  for (auto& tx : c.txs) {
    store::releaseTxMemory(*this, c, *tx);
  }
  txCount -= c.txs.size();
  c.txs.clear();
}

}  // namespace xenia::xs
