// The domain table and what hangs off it: quotas (global and per-domain),
// node ownership counts, memory accounting and C's perm_for_conn() including
// stale permission entries.
#include <fmt/format.h>

#include "xenstore/store/state.h"

namespace xenia::xs::store {

const std::array<QuotaName, kQuotaKeys> kQuotaNames = {{
    {QuotaKey::Nodes, "nodes", &Quotas::nodesPerDomain},
    {QuotaKey::Watches, "watches", &Quotas::watchesPerDomain},
    {QuotaKey::Outstanding, "outstanding", &Quotas::outstanding},
    {QuotaKey::Memory, "memory", &Quotas::memoryHard},
    {QuotaKey::SoftMemory, "soft-memory", &Quotas::memorySoft},
    {QuotaKey::Transactions, "transactions", &Quotas::transactionsPerDomain},
    {QuotaKey::TransactionNodes, "transaction-nodes", &Quotas::transactionNodes},
    {QuotaKey::Permissions, "node-permissions", &Quotas::permissions},
    {QuotaKey::PathMax, "path-max", &Quotas::pathMax},
    {QuotaKey::NodeSize, "node-size", &Quotas::nodeSize},
}};

}  // namespace xenia::xs::store

namespace xenia::xs {

using namespace store;

Engine::Impl::Domain* Engine::Impl::findDomain(DomId id) {
  auto it = domains.find(id);
  return it == domains.end() ? nullptr : &it->second;
}

Engine::Impl::Domain& Engine::Impl::domainRecord(DomId id) {
  auto [it, inserted] = domains.try_emplace(id);
  if (inserted) {
    it->second.id = id;
    // Without a hypervisor to ask, a domid counts as existing from the
    // start until it is released; a record made after a release is as young
    // as C's alloc_domain() makes it (the current count, not a new one).
    it->second.gen = released.count(id) ? generation : 0;
  }
  return it->second;
}

uint32_t Engine::Impl::quota(DomId id, QuotaKey key) const {
  auto it = domains.find(id);
  if (it != domains.end() && it->second.quota) {
    uint32_t v = (*it->second.quota)[static_cast<size_t>(key)];
    if (v != kQuotaUnset) {
      return v;
    }
  }
  return opt.quotas.*kQuotaNames[static_cast<size_t>(key)].field;
}

void Engine::Impl::addNodes(DomId owner, int64_t delta) {
  if (delta != 0) {
    domainRecord(owner).nodes += delta;
  }
}

bool Engine::Impl::memoryExceeds(DomId id, int64_t delta) const {
  if (!unprivDomid(id)) {
    return false;
  }
  uint32_t hard = quota(id, QuotaKey::Memory);
  if (hard == 0) {
    return false;
  }
  auto it = domains.find(id);
  int64_t cur = it == domains.end() ? 0 : it->second.memory;
  return cur + delta >= static_cast<int64_t>(hard);
}

void Engine::Impl::addMemory(DomId id, int64_t delta) {
  if (delta != 0) {
    domainRecord(id).memory += delta;
  }
}

bool Engine::Impl::entryStale(DomId id, uint64_t gen) {
  if (id == kDom0) {
    return false;
  }
  if (Domain* d = findDomain(id)) {
    return d->gen > gen;
  }
  return released.count(id) != 0;
}

void Engine::Impl::markStale(PermList& perms, uint64_t gen) {
  for (uint32_t i = 1; i < perms.size(); ++i) {
    Perm p = perms.get(i);
    if (!(p.bits & kPermIgnore) && entryStale(p.id, gen)) {
      perms.setBits(i, p.bits | kPermIgnore);
    }
  }
}

uint8_t Engine::Impl::permFor(const Conn& c, PermList& perms, uint64_t gen) {
  constexpr uint8_t kAll = kPermRead | kPermWrite | kPermOwner;
  if (c.priv || perms.empty()) {
    return kAll;
  }
  std::optional<DomId> target;
  if (Domain* d = findDomain(c.domid)) {
    target = d->target;
  }
  Perm owner = perms.get(0);
  if (owner.id == c.domid || (target && owner.id == *target)) {
    return kAll;
  }
  for (uint32_t i = 1; i < perms.size(); ++i) {
    Perm p = perms.get(i);
    if (p.bits & kPermIgnore) {
      continue;
    }
    if (p.id == c.domid || (target && p.id == *target)) {
      if (entryStale(p.id, gen)) {
        perms.setBits(i, p.bits | kPermIgnore);
        continue;
      }
      return p.bits & kAll;
    }
  }
  return owner.bits & kAll;
}

uint8_t Engine::Impl::permForSpecial(const Conn& c, const PermList& perms) const {
  constexpr uint8_t kAll = kPermRead | kPermWrite | kPermOwner;
  if (c.priv || perms.empty()) {
    return kAll;
  }
  std::optional<DomId> target;
  auto it = domains.find(c.domid);
  if (it != domains.end()) {
    target = it->second.target;
  }
  Perm owner = perms.get(0);
  if (owner.id == c.domid || (target && owner.id == *target)) {
    return kAll;
  }
  for (uint32_t i = 1; i < perms.size(); ++i) {
    Perm p = perms.get(i);
    if (!(p.bits & kPermIgnore) && (p.id == c.domid || (target && p.id == *target))) {
      return p.bits & kAll;
    }
  }
  return owner.bits & kAll;
}

void Engine::Impl::journalNode(std::string_view path, std::string_view value,
                               const PermList& perms) {
  if (!journal) {
    return;
  }
  std::vector<std::string> strs;
  strs.reserve(perms.size());
  for (uint32_t i = 0; i < perms.size(); ++i) {
    std::string one;
    formatPerm(perms.get(i), one);
    strs.push_back(std::move(one));
  }
  journal->nodeWritten(path, value, strs);
}

void Engine::Impl::journalRemove(std::string_view path) {
  if (journal) {
    journal->nodeRemoved(path);
  }
}

}  // namespace xenia::xs
