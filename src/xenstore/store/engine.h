// The XenStore engine: the whole protocol behaviour of xenstored with no I/O.
// It owns the node tree, permissions, transactions, watches, quotas and the
// domain table, and turns one request from one connection into replies and
// watch events handed to a Sink. The server (src/xenstore/server) only moves
// bytes between sockets and this class; tests drive it directly.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "xenstore/wire/wire.h"

namespace xenia::xs {

using DomId = uint32_t;
using ConnId = uint64_t;
inline constexpr DomId kDom0 = 0;
inline constexpr DomId kDomIdSelf = 0x7ff0;  // DOMID_SELF

// Where the engine sends everything it produces. deliver() is called
// synchronously from inside request()/introduce paths, in wire order: for one
// request, watch events it triggers may precede its reply (as in C xenstored).
// deliver() must not call back into the Engine (defer closing a connection).
class Sink {
 public:
  virtual ~Sink() = default;
  virtual void deliver(ConnId conn, uint32_t type, uint32_t reqId, uint32_t txId,
                       std::string_view payload) = 0;
};

// Things only the server can do, reported or asked for by the engine.
class ServerHooks {
 public:
  virtual ~ServerHooks() = default;
  // INTRODUCE of a new domain: the server creates its guest socket.
  virtual void domainIntroduced(DomId domid) {}
  // RELEASE (or removal) of a domain: the server closes its socket and every
  // connection of that domain (it calls Engine::disconnect for each).
  virtual void domainReleased(DomId domid) {}
  // CONTROL commands the engine does not know ("log", "logfile"...). Return
  // the reply text, or nullopt for EINVAL.
  virtual std::optional<std::string> control(const std::vector<std::string_view>& args) {
    return std::nullopt;
  }
  // Whether a domain exists (C asks the hypervisor). Used when SET_PERMS
  // names a domain the engine does not know: entries for missing domains are
  // kept but ignored, and a missing owner is ENOENT. Ids from 0x7ff0
  // (DOMID_FIRST_RESERVED) up never exist; below that, by default, all do.
  virtual bool domainExists(DomId domid) { return true; }
};

// Durable storage of committed state (optional). Called after each committed
// change, before the reply that acknowledges it is delivered; the server calls
// flush() before it writes replies to sockets, so nothing acknowledged is lost.
class Journal {
 public:
  virtual ~Journal() = default;
  // A node was created or its value/permissions changed. perms in wire form ("b0").
  virtual void nodeWritten(std::string_view path, std::string_view value,
                           const std::vector<std::string>& perms) = 0;
  // A node and its whole subtree were removed.
  virtual void nodeRemoved(std::string_view path) = 0;
  virtual void domainIntroduced(DomId domid) = 0;
  virtual void domainReleased(DomId domid) = 0;
};

// C xenstored 4.17 defaults; they apply to unprivileged domains only (path
// length to everyone). 0 switches a quota off.
struct Quotas {
  uint32_t nodesPerDomain = 1000;      // ENOSPC
  uint32_t nodeSize = 2048;            // value+children+perms bytes, ENOSPC
  uint32_t watchesPerDomain = 128;     // E2BIG
  uint32_t transactionsPerDomain = 10; // ENOSPC
  uint32_t transactionNodes = 1024;    // nodes accessed per transaction, ENOSPC
  uint32_t outstanding = 20;           // requests in flight; server stops reading
  uint32_t permissions = 5;            // perms per node, ENOSPC
  uint32_t pathMax = 2048;             // relative part of a path, EINVAL
  uint32_t memoryHard = 2621440;       // bytes per domain, ENOMEM
  uint32_t memorySoft = 2097152;       // bytes per domain, logged
};

struct EngineOptions {
  Quotas quotas;
  // Keep nodes owned by a released domain (C xenstored -K).
  bool keepOrphans = false;
};

class Engine {
 public:
  Engine(Sink& sink, ServerHooks& hooks, EngineOptions options = {});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // A new connection acting as domid. Socket connections use kDom0
  // (privileged); a guest socket uses its domain's id.
  ConnId connect(DomId domid);
  // Drops the connection's watches and open transactions.
  void disconnect(ConnId conn);
  // Processes one complete request; all output goes to the Sink.
  void request(ConnId conn, const Message& msg);

  void setJournal(Journal* journal);
  // Restore path, used before any connection exists: re-creates a node (and
  // missing parents) or a domain exactly as journaled.
  void restoreNode(std::string_view path, std::string_view value,
                   const std::vector<std::string>& perms);
  void restoreDomain(DomId domid);
  // The whole committed state as journal calls, in an order restoreNode()/
  // restoreDomain() replay exactly: introduced domains, the special watch
  // nodes' permissions ("@introduceDomain"...), then every node parents
  // first, siblings in creation order. For compacting a journal without
  // keeping a second copy of the store.
  void snapshot(Journal& out) const;

  const Quotas& quotas() const;
  // The quotas that apply to one domain: the global ones with any per-domain
  // SET_QUOTA overrides applied (the server uses .outstanding).
  Quotas quotasFor(DomId domid) const;
  // Number of nodes in the store (for memreport and tests).
  size_t nodeCount() const;
  bool isIntroduced(DomId domid) const;
  // The domain shut down or crashed (C notices via VIRQ_DOM_EXC): fires
  // @releaseDomain once, re-armed by RESUME. Unknown domains are ignored.
  void domainShutdown(DomId domid);
  // The CONTROL memreport text: counts and approximate bytes.
  std::string memoryReport() const;

  // The engine's state; opaque outside src/xenstore/store (state.h).
  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace xenia::xs
