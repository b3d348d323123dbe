// Domain operations: INTRODUCE, RELEASE, RESUME, SET_TARGET,
// GET_DOMAIN_PATH, IS_DOMAIN_INTRODUCED, domain shutdown notification, and
// the restore path that rebuilds nodes and domains from a journal.
#include <fmt/format.h>

#include "xenstore/store/path.h"
#include "xenstore/store/state.h"

namespace xenia::xs::store {

namespace {

// C onearg_domain(): domid 0 is invalid, the domain must be introduced.
Status introducedDomain(Req& r, Domain*& out) {
  int domid = cAtoi(nthString(r.payload, 0));
  if (domid == 0) {
    return Err::EINVAL_;
  }
  out = r.s.findDomain(static_cast<DomId>(domid));
  if (!out || !out->introduced) {
    return Err::ENOENT_;
  }
  return kOk;
}

// The guest's own connections lose their watches and transactions (C
// domain_conn_reset() on INTRODUCE, connection teardown on RELEASE).
void resetGuestConns(Impl& s, DomId domid) {
  for (auto& [id, c] : s.conns) {
    if (c->domid == domid && !c->priv) {
      s.dropWatches(*c);
      s.dropTransactions(*c);
    }
  }
}

}  // namespace

Status opIntroduce(Req& r) {
  Impl& s = r.s;
  // The gfn and event channel are accepted and ignored: the server owns the
  // guest's transport.
  auto domid = static_cast<DomId>(cAtoi(nthString(r.payload, 0)));
  Domain& d = s.domainRecord(domid);
  bool fresh = !d.introduced;
  if (fresh) {
    d.introduced = true;
    d.shutdown = false;
    if (domid != kDom0) {
      s.fireNow("@introduceDomain", true, nullptr, nullptr);
    }
    if (s.journal) {
      s.journal->domainIntroduced(domid);
    }
  }
  resetGuestConns(s, domid);
  if (fresh) {
    s.hooks.domainIntroduced(domid);
  }
  r.replyOk();
  return kOk;
}

Status opRelease(Req& r) {
  Domain* d = nullptr;
  if (Status st = introducedDomain(r, d)) {
    return st;
  }
  r.s.releaseDomain(d->id);
  r.replyOk();
  return kOk;
}

Status opResume(Req& r) {
  Domain* d = nullptr;
  if (Status st = introducedDomain(r, d)) {
    return st;
  }
  d->shutdown = false;
  r.replyOk();
  return kOk;
}

Status opSetTarget(Req& r) {
  auto domid = static_cast<DomId>(cAtoi(nthString(r.payload, 0)));
  auto tdomid = static_cast<DomId>(cAtoi(nthString(r.payload, 1)));
  Domain* d = r.s.findDomain(domid);
  Domain* t = r.s.findDomain(tdomid);
  if (!d || !d->introduced || !t || !t->introduced) {
    return Err::ENOENT_;
  }
  d->target = tdomid;
  r.replyOk();
  return kOk;
}

Status opGetDomainPath(Req& r) {
  auto domid = static_cast<uint32_t>(cAtoi(nthString(r.payload, 0)));
  std::string out = fmt::format("/local/domain/{}", domid);
  out.push_back('\0');
  r.reply(out);
  return kOk;
}

Status opIsDomainIntroduced(Req& r) {
  auto domid = static_cast<DomId>(cAtoi(nthString(r.payload, 0)));
  Domain* d = r.s.findDomain(domid);
  bool yes = domid == kDomIdSelf || (d && d->introduced);
  r.reply(std::string_view(yes ? "T" : "F", 2));
  return kOk;
}

}  // namespace xenia::xs::store

namespace xenia::xs {

using namespace store;

namespace {

// Drops a released domain from a special node's permissions (C
// remove_domid_from_perm()).
void removeDomid(PermList& perms, DomId id) {
  PermList out;
  for (uint32_t i = 0; i < perms.size(); ++i) {
    Perm p = perms.get(i);
    if (i == 0) {
      if (p.id == id) {
        p.id = kDom0;
      }
      out.push(p);
    } else if (p.id != id) {
      out.push(p);
    }
  }
  perms = out;
}

// Pre-order walk from top removing (or, with keepOrphans, handing to dom0)
// every node owned by the domain, until it owns nothing more.
void sweepOwned(Engine::Impl& s, Node* top, std::string topPath, DomId id) {
  std::vector<std::pair<Node*, std::string>> stack;
  stack.emplace_back(top, std::move(topPath));
  std::vector<Node*> kids;
  while (!stack.empty()) {
    Domain* d = s.findDomain(id);
    if (!d || d->nodes <= 0) {
      return;
    }
    auto [n, path] = std::move(stack.back());
    stack.pop_back();
    if (n->owner() == id && n != s.tree.root()) {
      if (!s.opt.keepOrphans) {
        s.removeTree(n, path);
        continue;
      }
      s.charge(n, path.size(), -1);
      s.addNodes(id, -1);
      n->perms().set(0, Perm{kDom0, n->perms().get(0).bits});
      s.charge(n, path.size(), 1);
      s.addNodes(kDom0, 1);
      s.journalNode(path, n->value(), n->perms());
    }
    kids.clear();
    for (Node* c = n->firstChild(); c; c = c->nextSibling()) {
      kids.push_back(c);
    }
    for (auto it = kids.rbegin(); it != kids.rend(); ++it) {
      std::string child = path;
      if (child.size() != 1) {
        child.push_back('/');
      }
      child.append((*it)->name());
      stack.emplace_back(*it, std::move(child));
    }
  }
}

}  // namespace

void Engine::Impl::releaseDomain(DomId id) {
  resetGuestConns(*this, id);
  // Nodes the domain owns go away with their subtrees. Its home is searched
  // first as almost all of them live there; the whole tree only if some are
  // left (C walks the whole tree).
  Domain* d = findDomain(id);
  if (d && d->nodes > 0) {
    std::string home = fmt::format("/local/domain/{}", id);
    if (Node* h = tree.find(home)) {
      sweepOwned(*this, h, home, id);
    }
    sweepOwned(*this, tree.root(), "/", id);
  }
  removeDomid(introducePerms, id);
  removeDomid(releasePerms, id);
  fireNow("@releaseDomain", true, nullptr, nullptr);
  domains.erase(id);
  // A step of its own, so any later record of this domid is younger than
  // every node written so far (C can miss this when nothing was written).
  released[id] = ++generation;
  if (journal) {
    journal->domainReleased(id);
  }
  hooks.domainReleased(id);
}

void Engine::domainShutdown(DomId domid) {
  Domain* d = impl_->findDomain(domid);
  if (!d || !d->introduced || d->shutdown) {
    return;
  }
  d->shutdown = true;
  impl_->fireNow("@releaseDomain", true, nullptr, nullptr);
}

}  // namespace xenia::xs
