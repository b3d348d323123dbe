// Engine front door: the operation table (in the spirit of C xenstored's
// wire_funcs[]), the checks every request goes through before its handler
// (type, privilege, transaction id, argument shape), replies, connections and
// the restore path.
#include "xenstore/store/engine.h"

#include <algorithm>
#include <climits>
#include <cstdlib>

#include <fmt/format.h>

#include "xenstore/store/path.h"
#include "xenstore/store/state.h"

namespace xenia::xs {

using namespace store;

namespace {

enum OpFlag : uint8_t {
  kPriv = 1,   // privileged connections only (EACCES otherwise)
  kNoTid = 2,  // tx_id is ignored (WATCH/UNWATCH)
};

// Shape of the NUL-separated argument list, checked before the handler runs.
enum class Args : uint8_t {
  Any,    // not looked at
  One,    // exactly one string, NUL-terminated at the end (C onearg())
  Min,    // at least n NUL-terminated strings
  Exact,  // exactly n NUL-terminated strings
  Range,  // between n and m NUL-terminated strings
};

struct OpDesc {
  const char* name = nullptr;
  Status (*fn)(Req&) = nullptr;
  uint8_t flags = 0;
  Args args = Args::Any;
  uint8_t n = 0;
  uint8_t m = 0;
};

constexpr std::array<OpDesc, kMsgTypeCount> makeOps() {
  std::array<OpDesc, kMsgTypeCount> t{};
  auto set = [&t](MsgType type, OpDesc d) { t[static_cast<size_t>(type)] = d; };
  set(MsgType::Control, {"CONTROL", opControl, kPriv, Args::Min, 1});
  set(MsgType::Directory, {"DIRECTORY", opDirectory, 0, Args::One});
  set(MsgType::Read, {"READ", opRead, 0, Args::One});
  set(MsgType::GetPerms, {"GET_PERMS", opGetPerms, 0, Args::One});
  set(MsgType::Watch, {"WATCH", opWatch, kNoTid, Args::Exact, 2});
  set(MsgType::Unwatch, {"UNWATCH", opUnwatch, kNoTid, Args::Exact, 2});
  set(MsgType::TransactionStart, {"TRANSACTION_START", opTransactionStart, 0, Args::Any});
  set(MsgType::TransactionEnd, {"TRANSACTION_END", opTransactionEnd, 0, Args::One});
  set(MsgType::Introduce, {"INTRODUCE", opIntroduce, kPriv, Args::Min, 3});
  set(MsgType::Release, {"RELEASE", opRelease, kPriv, Args::One});
  set(MsgType::GetDomainPath, {"GET_DOMAIN_PATH", opGetDomainPath, 0, Args::One});
  set(MsgType::Write, {"WRITE", opWrite, 0, Args::Min, 1});
  set(MsgType::Mkdir, {"MKDIR", opMkdir, 0, Args::One});
  set(MsgType::Rm, {"RM", opRm, 0, Args::One});
  set(MsgType::SetPerms, {"SET_PERMS", opSetPerms, 0, Args::Min, 2});
  // WATCH_EVENT and ERROR only travel server -> client: no handler, ENOSYS.
  set(MsgType::IsDomainIntroduced,
      {"IS_DOMAIN_INTRODUCED", opIsDomainIntroduced, kPriv, Args::One});
  set(MsgType::Resume, {"RESUME", opResume, kPriv, Args::One});
  set(MsgType::SetTarget, {"SET_TARGET", opSetTarget, kPriv, Args::Min, 2});
  // RESTRICT was removed from Xen; GET/SET_FEATURE are not offered: ENOSYS.
  set(MsgType::ResetWatches, {"RESET_WATCHES", opResetWatches, 0, Args::Any});
  set(MsgType::DirectoryPart, {"DIRECTORY_PART", opDirectoryPart, 0, Args::Exact, 2});
  set(MsgType::GetQuota, {"GET_QUOTA", opGetQuota, kPriv, Args::Range, 0, 2});
  set(MsgType::SetQuota, {"SET_QUOTA", opSetQuota, kPriv, Args::Range, 2, 3});
  return t;
}

constexpr std::array<OpDesc, kMsgTypeCount> kOps = makeOps();

bool argsOk(const OpDesc& op, std::string_view p) {
  switch (op.args) {
    case Args::Any:
      return true;
    case Args::One:
      return !p.empty() && p.find('\0') == p.size() - 1;
    case Args::Min:
      return countStrings(p) >= op.n;
    case Args::Exact:
      return countStrings(p) == op.n;
    case Args::Range: {
      size_t k = countStrings(p);
      return k >= op.n && k <= op.m;
    }
  }
  return false;
}

void sendError(Impl& s, ConnId conn, const Header& h, Err e) {
  std::string_view name = errName(e);
  char buf[16];
  std::copy(name.begin(), name.end(), buf);
  buf[name.size()] = '\0';
  s.sink.deliver(conn, static_cast<uint32_t>(MsgType::Error), h.reqId, h.txId,
                 std::string_view(buf, name.size() + 1));
}

}  // namespace

}  // namespace xenia::xs

namespace xenia::xs::store {

size_t countStrings(std::string_view p) { return std::count(p.begin(), p.end(), '\0'); }

std::string_view nthString(std::string_view p, size_t i) {
  size_t start = 0;
  for (;;) {
    size_t nul = p.find('\0', start);
    if (nul == std::string_view::npos) {
      return p.substr(start);
    }
    if (i == 0) {
      return p.substr(start, nul - start);
    }
    --i;
    start = nul + 1;
  }
}

int cAtoi(std::string_view s) {
  // atoi() on the (NUL-terminated) argument; saturate instead of UB.
  size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r'))) {
    ++i;
  }
  bool neg = false;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) {
    neg = s[i] == '-';
    ++i;
  }
  long long v = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
    v = std::min<long long>(v * 10 + (s[i] - '0'), LLONG_MAX / 20);
    ++i;
  }
  if (neg) {
    v = -v;
  }
  return static_cast<int>(std::clamp<long long>(v, INT_MIN, INT_MAX));
}

void Req::reply(std::string_view data) const {
  if (data.size() > kPayloadMax) {
    std::string_view e = errName(Err::E2BIG_);
    std::string buf(e);
    buf.push_back('\0');
    s.sink.deliver(c.id, static_cast<uint32_t>(MsgType::Error), msg.hdr.reqId, msg.hdr.txId,
                   buf);
    return;
  }
  s.sink.deliver(c.id, msg.hdr.type, msg.hdr.reqId, msg.hdr.txId, data);
}

std::optional<std::string_view> Req::nodePath(std::string_view arg) const {
  canonicalize(c.home, arg, s.pathBuf);
  if (!isValidNodePath(s.pathBuf, quota(QuotaKey::PathMax))) {
    return std::nullopt;
  }
  return std::string_view(s.pathBuf);
}

}  // namespace xenia::xs::store

namespace xenia::xs {

Impl::Impl(Sink& s, ServerHooks& h, EngineOptions o) : sink(s), hooks(h), opt(o) {
  // C's initial tree: "/", "/tool", "/tool/xenstored", all "n0".
  Domain& dom0 = domainRecord(kDom0);
  dom0.introduced = true;
  Node* root = tree.root();
  root->perms() = PermList(Perm{kDom0, kPermNone});
  root->setGeneration(++generation);
  Node* tool = tree.addChild(root, "tool");
  tool->perms() = root->perms();
  tool->setGeneration(++generation);
  Node* xsd = tree.addChild(tool, "xenstored");
  xsd->perms() = root->perms();
  xsd->setGeneration(++generation);
  addNodes(kDom0, 3);
}

Engine::Engine(Sink& sink, ServerHooks& hooks, EngineOptions options)
    : impl_(std::make_unique<Impl>(sink, hooks, options)) {}
Engine::~Engine() = default;

ConnId Engine::connect(DomId domid) {
  auto c = std::make_unique<Conn>();
  c->id = impl_->nextConn++;
  c->domid = domid;
  c->priv = !Impl::unprivDomid(domid);
  c->home = fmt::format("/local/domain/{}", domid);
  ConnId id = c->id;
  impl_->conns.emplace(id, std::move(c));
  return id;
}

void Engine::disconnect(ConnId id) {
  Conn* c = impl_->conn(id);
  if (!c) {
    return;
  }
  impl_->dropWatches(*c);
  impl_->dropTransactions(*c);
  impl_->conns.erase(id);
}

void Engine::request(ConnId id, const Message& msg) {
  Impl& s = *impl_;
  Conn* c = s.conn(id);
  if (!c) {
    return;
  }
  uint32_t type = msg.hdr.type;
  if (type >= kMsgTypeCount || !kOps[type].fn) {
    sendError(s, id, msg.hdr, Err::ENOSYS_);
    return;
  }
  const OpDesc& op = kOps[type];
  if ((op.flags & kPriv) && !c->priv) {
    sendError(s, id, msg.hdr, Err::EACCES_);
    return;
  }
  Tx* tx = nullptr;
  if (!(op.flags & kNoTid) && msg.hdr.txId != 0) {
    for (auto& t : c->txs) {
      if (t->id == msg.hdr.txId) {
        tx = t.get();
        break;
      }
    }
    if (!tx) {
      sendError(s, id, msg.hdr, Err::ENOENT_);
      return;
    }
  }
  if (!argsOk(op, msg.payload)) {
    sendError(s, id, msg.hdr, Err::EINVAL_);
    return;
  }
  Req r{s, *c, tx, msg, msg.payload};
  Status st = op.fn(r);
  if (st) {
    sendError(s, id, msg.hdr, *st);
  }
}

void Engine::setJournal(Journal* journal) { impl_->journal = journal; }

const Quotas& Engine::quotas() const { return impl_->opt.quotas; }

Quotas Engine::quotasFor(DomId domid) const {
  Quotas q = impl_->opt.quotas;
  for (const QuotaName& n : kQuotaNames) {
    q.*n.field = impl_->quota(domid, n.key);
  }
  return q;
}

size_t Engine::nodeCount() const { return impl_->tree.nodeCount(); }

bool Engine::isIntroduced(DomId domid) const {
  Domain* d = impl_->findDomain(domid);
  return d && d->introduced;
}

}  // namespace xenia::xs
