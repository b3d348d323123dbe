// Watches: registration (WATCH/UNWATCH/RESET_WATCHES), matching and event
// delivery as C xenstored does it: a change of P fires watches on P and (for
// non-exact changes) on every ancestor of P; connections are served in
// creation order and each connection's watches in registration order; a
// connection only hears about nodes it may read (or whose parent it may).
// Watches are indexed by path, so firing costs one lookup per path prefix
// rather than a scan of every watch.
#include <algorithm>

#include "xenstore/store/path.h"
#include "xenstore/store/state.h"

namespace xenia::xs {

using namespace store;

namespace {

bool watchPermitted(Engine::Impl& s, const Conn& c, std::string_view path, const Node* node,
                    const PermList* oldPerms) {
  // A watcher that loses access through a permission change still hears
  // about that change.
  if (oldPerms && (s.permForSpecial(c, *oldPerms) & kPermRead)) {
    return true;
  }
  // C looks the node up even for privileged watchers: a node created and
  // removed again inside one transaction fires nothing.
  Node* n = const_cast<Node*>(node);
  if (!n) {
    n = s.tree.find(path);
    if (!n) {
      return false;
    }
  }
  if (c.priv || (s.permFor(c, n->perms(), n->generation()) & kPermRead)) {
    return true;
  }
  Node* parent = s.tree.find(parentPath(path));
  return parent && (s.permFor(c, parent->perms(), parent->generation()) & kPermRead);
}

}  // namespace

void Engine::Impl::fireNow(std::string_view path, bool exact, const Node* node,
                           const PermList* oldPerms) {
  if (watchIndex.empty() || path.empty()) {
    return;
  }
  std::vector<Watch*>& m = matchBuf;
  m.clear();
  auto add = [this, &m](std::string_view key) {
    auto it = watchIndex.find(key);
    if (it != watchIndex.end()) {
      m.insert(m.end(), it->second.begin(), it->second.end());
    }
  };
  bool special = path[0] == '@';
  if (exact || special) {
    add(path);
  } else {
    add("/");
    for (size_t i = 1; i < path.size(); ++i) {
      if (path[i] == '/') {
        add(path.substr(0, i));
      }
    }
    if (path.size() > 1) {
      add(path);
    }
  }
  if (m.empty()) {
    return;
  }
  if (m.size() > 1) {
    std::sort(m.begin(), m.end(), [](const Watch* a, const Watch* b) {
      return a->conn != b->conn ? a->conn < b->conn : a->seq < b->seq;
    });
  }
  const PermList* specialPerms = nullptr;
  if (special) {
    if (path == "@introduceDomain") {
      specialPerms = &introducePerms;
    } else if (path == "@releaseDomain") {
      specialPerms = &releasePerms;
    } else {
      return;  // C only knows these two special events
    }
  }
  // Copy: delivering may not, but permission checks must not see m change.
  for (size_t i = 0; i < m.size();) {
    ConnId id = m[i]->conn;
    size_t j = i;
    while (j < m.size() && m[j]->conn == id) {
      ++j;
    }
    Conn* c = conn(id);
    bool ok = c && (special ? (permForSpecial(*c, *specialPerms) & kPermRead)
                            : watchPermitted(*this, *c, path, node, oldPerms));
    if (ok) {
      for (size_t k = i; k < j; ++k) {
        sendEvent(*c, *m[k], path);
      }
    }
    i = j;
  }
}

void Engine::Impl::sendEvent(const Conn& c, const Watch& w, std::string_view path) {
  std::string_view p = path;
  if (w.relative && p.size() >= c.home.size()) {
    p.remove_prefix(c.home.size());
    if (!p.empty() && p[0] == '/') {
      p.remove_prefix(1);
    }
  }
  std::string& buf = eventBuf;
  buf.clear();
  buf.append(p);
  buf.push_back('\0');
  buf.append(w.token);
  buf.push_back('\0');
  if (buf.size() > kPayloadMax) {
    return;  // C drops over-long events
  }
  sink.deliver(c.id, static_cast<uint32_t>(MsgType::WatchEvent), 0, 0, buf);
}

namespace {

void unindex(Engine::Impl& s, Watch* w) {
  auto it = s.watchIndex.find(std::string_view(w->path));
  if (it != s.watchIndex.end()) {
    auto& v = it->second;
    v.erase(std::find(v.begin(), v.end(), w));
    if (v.empty()) {
      s.watchIndex.erase(it);
    }
  }
}

void forget(Engine::Impl& s, Conn& c, Watch* w) {
  unindex(s, w);
  if (Domain* d = s.findDomain(c.domid)) {
    if (d->watches) {
      --d->watches;
    }
  }
  s.addMemory(c.domid, -static_cast<int64_t>(w->path.size() + w->token.size()));
  --s.watchCount;
  delete w;
}

}  // namespace

void Engine::Impl::dropWatches(Conn& c) {
  for (Watch* w : c.watches) {
    forget(*this, c, w);
  }
  c.watches.clear();
}

}  // namespace xenia::xs

namespace xenia::xs::store {

Status opWatch(Req& r) {
  Impl& s = r.s;
  std::string_view arg = nthString(r.payload, 0);
  std::string_view token = nthString(r.payload, 1);
  std::string path;
  bool relative = false;
  if (!arg.empty() && arg[0] == '@') {
    if (arg.size() > kRelPathMax) {
      return Err::EINVAL_;
    }
    path.assign(arg);
  } else {
    relative = canonicalize(r.c.home, arg, path);
    if (!isValidNodePath(path, r.quota(QuotaKey::PathMax))) {
      return Err::EINVAL_;
    }
  }
  for (const Watch* w : r.c.watches) {
    if (w->path == path && w->token == token) {
      return Err::EEXIST_;
    }
  }
  Domain& d = s.domainRecord(r.c.domid);
  if (r.unpriv()) {
    uint32_t q = r.quota(QuotaKey::Watches);
    if (q != 0 && d.watches >= q) {
      return Err::E2BIG_;
    }
  }
  auto bytes = static_cast<int64_t>(path.size() + token.size());
  if (s.memoryExceeds(r.c.domid, bytes)) {
    return Err::ENOMEM_;
  }
  auto* w = new Watch{r.c.id, ++s.watchSeq, std::move(path), std::string(token), relative};
  r.c.watches.push_back(w);
  s.watchIndex[w->path].push_back(w);
  ++d.watches;
  ++s.watchCount;
  s.addMemory(r.c.domid, bytes);
  r.replyOk();
  // C fires once up front, after the reply, with the path as registered.
  s.sendEvent(r.c, *w, w->path);
  return kOk;
}

Status opUnwatch(Req& r) {
  std::string_view arg = nthString(r.payload, 0);
  std::string_view token = nthString(r.payload, 1);
  std::string path;
  canonicalize(r.c.home, arg, path);
  auto& ws = r.c.watches;
  for (auto it = ws.begin(); it != ws.end(); ++it) {
    if ((*it)->path == path && (*it)->token == token) {
      Watch* w = *it;
      ws.erase(it);
      forget(r.s, r.c, w);
      r.replyOk();
      return kOk;
    }
  }
  return Err::ENOENT_;
}

Status opResetWatches(Req& r) {
  r.s.dropWatches(r.c);
  r.s.dropTransactions(r.c);
  r.tx = nullptr;
  r.replyOk();
  return kOk;
}

}  // namespace xenia::xs::store
