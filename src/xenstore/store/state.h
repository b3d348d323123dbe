// Internal state of the XenStore engine shared by its translation units:
// connections, domains, watches, transactions (overlays over the committed
// tree) and the per-request context handlers work with. Not a public header.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "xenstore/store/engine.h"
#include "xenstore/store/perms.h"
#include "xenstore/store/tree.h"

namespace xenia::xs::store {

// Handler result: nullopt = success (the handler already replied).
using Status = std::optional<Err>;
inline constexpr Status kOk = std::nullopt;

// Size of C xenstored's TDB record header (generation, counts), used for the
// node-size quota and memory accounting.
inline constexpr int64_t kRecordHeader = 24;
inline constexpr int64_t kPermBytes = 8;

inline int64_t recordSize(uint32_t nperms, size_t valLen, size_t childLen) {
  return kRecordHeader + kPermBytes * nperms + static_cast<int64_t>(valLen + childLen);
}

// Quota names (Xen 4.22 GET_QUOTA/SET_QUOTA) in ACC_* order.
enum class QuotaKey : uint8_t {
  Nodes, Watches, Outstanding, Memory, SoftMemory, Transactions, TransactionNodes,
  Permissions, PathMax, NodeSize, Count
};
inline constexpr size_t kQuotaKeys = static_cast<size_t>(QuotaKey::Count);
struct QuotaName {
  QuotaKey key;
  std::string_view name;
  uint32_t Quotas::*field;
};
extern const std::array<QuotaName, kQuotaKeys> kQuotaNames;
inline constexpr uint32_t kQuotaUnset = ~uint32_t{0};

struct TransparentHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

struct Watch {
  ConnId conn = 0;
  uint64_t seq = 0;       // global registration order
  std::string path;       // absolute, or "@..." special
  std::string token;
  bool relative = false;  // events drop the connection's home prefix
};

// One node accessed by a transaction. Reads only record the generation seen;
// the first modification copies the node's state into the entry.
struct TxEntry {
  std::string_view path;  // key in Tx::entries
  uint64_t readGen = kNoGeneration;
  bool checkGen = false;
  bool modified = false;
  bool exists = false;    // in the transaction's view (when modified)
  bool replaced = false;  // committed children are not part of the view
  bool hadBase = false;   // node existed at first access: basePerms valid
  bool fireWatch = false;
  bool watchExact = false;
  uint64_t gen = 0;       // generation of the transaction's copy
  std::string value;
  PermList perms;
  PermList basePerms;     // permissions at first access (watch filter)
  std::vector<std::string> added;    // children created, in order
  std::vector<std::string> removed;  // committed children removed
  uint32_t childLen = 0;
  int64_t charged = 0;    // memory charged to the transaction's domain
};

struct Tx {
  uint32_t id = 0;
  std::unordered_map<std::string, TxEntry, TransparentHash, std::equal_to<>> entries;
  std::vector<TxEntry*> order;  // first-access order
  bool fail = false;            // a change could not be completed: commit ENOMEM
  bool nodeCreated = false;
  int64_t charged = 0;
};

struct Conn {
  Conn() = default;
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;
  ~Conn() {
    for (Watch* w : watches) {
      delete w;
    }
  }
  ConnId id = 0;
  DomId domid = 0;
  bool priv = false;
  std::string home;             // /local/domain/<domid>
  std::vector<Watch*> watches;  // registration order
  std::vector<std::unique_ptr<Tx>> txs;
  uint32_t nextTxId = 1;
};

struct Domain {
  DomId id = 0;
  // Generation when the record was created, 0 for domains never released:
  // permission entries older than this are stale (a recycled domid must not
  // inherit its predecessor's rights).
  uint64_t gen = 0;
  bool introduced = false;
  bool shutdown = false;
  int64_t nodes = 0;   // nodes owned
  int64_t memory = 0;  // bytes accounted
  uint32_t watches = 0;
  std::optional<DomId> target;
  std::unique_ptr<std::array<uint32_t, kQuotaKeys>> quota;  // SET_QUOTA overrides
};

using WatchIndex =
    std::unordered_map<std::string, std::vector<Watch*>, TransparentHash, std::equal_to<>>;

// A node as seen by one request: the committed node, or a transaction's copy.
struct NodeRef {
  Node* base = nullptr;
  TxEntry* entry = nullptr;  // set when the transaction modified the node
  std::string_view value() const { return entry ? std::string_view(entry->value) : base->value(); }
  const PermList& perms() const { return entry ? entry->perms : base->perms(); }
  uint64_t gen() const { return entry ? entry->gen : base->generation(); }
  uint32_t childLen() const { return entry ? entry->childLen : base->childLen(); }
};

}  // namespace xenia::xs::store

namespace xenia::xs {

struct Engine::Impl {
  using Conn = store::Conn;
  using Domain = store::Domain;
  using Watch = store::Watch;
  using Tx = store::Tx;
  using Node = store::Node;
  using PermList = store::PermList;
  using Perm = store::Perm;
  using QuotaKey = store::QuotaKey;

  Impl(Sink& s, ServerHooks& h, EngineOptions o);

  Sink& sink;
  ServerHooks& hooks;
  EngineOptions opt;
  Journal* journal = nullptr;
  store::Tree tree;
  uint64_t generation = 0;
  std::unordered_map<ConnId, std::unique_ptr<Conn>> conns;
  ConnId nextConn = 1;
  std::unordered_map<DomId, Domain> domains;
  // Released domids and when: their permission entries are stale, and a
  // later record for the same domid is younger than every existing node.
  std::unordered_map<DomId, uint64_t> released;
  PermList introducePerms{Perm{0, store::kPermNone}};
  PermList releasePerms{Perm{0, store::kPermNone}};
  store::WatchIndex watchIndex;
  uint64_t watchSeq = 0;
  size_t watchCount = 0;
  size_t txCount = 0;
  // Scratch buffers reused across requests.
  std::string pathBuf;
  std::string outBuf;
  std::string eventBuf;
  std::vector<Watch*> matchBuf;

  // Domains and quotas (domains.cc).
  Domain* findDomain(DomId id);
  Domain& domainRecord(DomId id);
  uint32_t quota(DomId id, QuotaKey key) const;
  static bool unprivDomid(DomId id) { return id != kDom0; }
  void addNodes(DomId owner, int64_t delta);
  // C domain_memory_add: ENOMEM when check is set and the domain is
  // unprivileged and would reach its hard memory quota.
  bool memoryExceeds(DomId id, int64_t delta) const;
  void addMemory(DomId id, int64_t delta);
  // Memory C accounts for a node: its TDB record plus its path.
  static int64_t chargeOf(const Node* n, size_t pathLen) {
    return store::recordSize(n->perms().size(), n->value().size(), n->childLen()) +
           static_cast<int64_t>(pathLen);
  }
  void charge(const Node* n, size_t pathLen, int sign) {
    if (n->perms().size()) {
      addMemory(n->owner(), sign * chargeOf(n, pathLen));
    }
  }
  // C perm_for_conn, with stale entries (domain gone or younger than gen)
  // ignored and marked as C does.
  uint8_t permFor(const Conn& c, PermList& perms, uint64_t gen);
  bool entryStale(DomId id, uint64_t gen);
  // Marks entries of domains gone or younger than gen (C adjusts them on
  // every read, and the marks persist when the node is written again).
  void markStale(PermList& perms, uint64_t gen);
  uint8_t permForSpecial(const Conn& c, const PermList& perms) const;

  // Watches (watch.cc).
  void fireNow(std::string_view path, bool exact, const Node* node, const PermList* oldPerms);
  void sendEvent(const Conn& c, const Watch& w, std::string_view path);
  void dropWatches(Conn& c);
  void dropTransactions(Conn& c);

  // Removes a committed subtree outside any transaction: fires the watches
  // of every removed node (exact below the top), updates accounting and the
  // parent, journals the removal.
  void removeTree(Node* n, std::string_view path, bool events = true);
  void releaseDomain(DomId id);
  // Recomputes ownership counts and memory from scratch (CONTROL check).
  void recount();
  std::string memoryReport() const;

  // Journal helpers.
  void journalNode(std::string_view path, std::string_view value, const PermList& perms);
  void journalRemove(std::string_view path);

  Conn* conn(ConnId id) {
    auto it = conns.find(id);
    return it == conns.end() ? nullptr : it->second.get();
  }
};

}  // namespace xenia::xs

namespace xenia::xs::store {

using Impl = Engine::Impl;

// Per-request context handed to every handler.
struct Req {
  Impl& s;
  Conn& c;
  Tx* tx;
  const Message& msg;
  std::string_view payload;
  bool unpriv() const { return !c.priv; }
  uint32_t quota(QuotaKey k) const { return s.quota(c.domid, k); }
  void reply(std::string_view data) const;
  void replyOk() const { reply(std::string_view("OK", 3)); }
  // Canonical absolute path (into s.pathBuf); nullopt if not a valid node path.
  std::optional<std::string_view> nodePath(std::string_view arg) const;
};

// NUL-separated payload helpers with C's get_string/get_strings semantics.
// Number of NUL-terminated strings (trailing unterminated bytes ignored).
size_t countStrings(std::string_view payload);
// The i-th NUL-terminated string (caller checked the count).
std::string_view nthString(std::string_view payload, size_t i);
// C atoi().
int cAtoi(std::string_view s);

// Node access with C's read_node/get_node semantics (access.cc). In a
// transaction every access is recorded (and may hit the transaction-nodes
// quota); outside, they are plain tree lookups.
Status readNode(Req& r, std::string_view path, NodeRef& out);
// Validated path + permission check + EACCES/ENOENT hiding (errno_from_parents).
Status getNode(Req& r, std::string_view path, uint8_t perm, NodeRef& out);
uint8_t permForRef(Req& r, NodeRef& n);
// Children names in order, as the request sees them.
void listChildren(Req& r, std::string_view path, const NodeRef& n, std::string& out);

// Modifications (modify.cc).
Status writeValue(Req& r, std::string_view path, NodeRef& n, std::string_view value);
Status createNode(Req& r, std::string_view path, std::string_view value);
Status setNodePerms(Req& r, std::string_view path, NodeRef& n, const PermList& perms);
Status removeNode(Req& r, std::string_view path);
// Fires (or, in a transaction, queues) the watches for a change of path.
void fireWatches(Req& r, std::string_view path, bool exact, const Node* node,
                 const PermList* oldPerms);

// Transactions (transaction.cc).
TxEntry* txEntry(Req& r, std::string_view path, Status& err);  // record access
TxEntry& txModify(Req& r, TxEntry& e);                          // copy-on-write
Status commitTransaction(Impl& s, Conn& c, Tx& tx);
void releaseTxMemory(Impl& s, Conn& c, Tx& tx);

// Operation handlers: one per wire type (ops_*.cc).
Status opControl(Req& r);
Status opDirectory(Req& r);
Status opDirectoryPart(Req& r);
Status opRead(Req& r);
Status opGetPerms(Req& r);
Status opWatch(Req& r);
Status opUnwatch(Req& r);
Status opTransactionStart(Req& r);
Status opTransactionEnd(Req& r);
Status opIntroduce(Req& r);
Status opRelease(Req& r);
Status opGetDomainPath(Req& r);
Status opWrite(Req& r);
Status opMkdir(Req& r);
Status opRm(Req& r);
Status opSetPerms(Req& r);
Status opIsDomainIntroduced(Req& r);
Status opResume(Req& r);
Status opSetTarget(Req& r);
Status opResetWatches(Req& r);
Status opGetQuota(Req& r);
Status opSetQuota(Req& r);

}  // namespace xenia::xs::store
