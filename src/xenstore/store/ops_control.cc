// CONTROL (C xenstored 4.17's xenstore-control commands: check, help,
// memreport, print, quota, quota-soft; log, logfile, live-update and anything
// unknown go to the server), GET_QUOTA / SET_QUOTA (Xen 4.22 semantics) and
// the memory report.
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <span>

#include <fmt/format.h>

#include "xenstore/store/state.h"

namespace xenia::xs::store {

namespace {

struct CtlQuota {
  std::string_view name;
  uint32_t Quotas::*field;
  std::string_view descr;
};

// C 4.17 hard_quotas[] / soft_quotas[] (names as xenstore-control knows them).
constexpr CtlQuota kHardQuotas[] = {
    {"nodes", &Quotas::nodesPerDomain, "Nodes per domain"},
    {"watches", &Quotas::watchesPerDomain, "Watches per domain"},
    {"transactions", &Quotas::transactionsPerDomain, "Transactions per domain"},
    {"outstanding", &Quotas::outstanding, "Outstanding requests per domain"},
    {"transaction-nodes", &Quotas::transactionNodes,
     "Max. number of accessed nodes per transaction"},
    {"memory", &Quotas::memoryHard, "Total Xenstore memory per domain (error level)"},
    {"node-size", &Quotas::nodeSize, "Max. size of a node"},
    {"path-max", &Quotas::pathMax, "Max. length of a node path"},
    {"permissions", &Quotas::permissions, "Max. number of permissions per node"},
};
constexpr CtlQuota kSoftQuotas[] = {
    {"memory", &Quotas::memorySoft, "Total Xenstore memory per domain (warning level)"},
};

constexpr std::pair<std::string_view, std::string_view> kCommands[] = {
    {"check", ""},
    {"log", "on|off"},
    {"live-update",
     "[-c <cmdline>] [-F] [-t <timeout>] <file>\n    Default timeout is 60 seconds."},
    {"logfile", "<file>"},
    {"memreport", "[<file>]"},
    {"print", "<string>"},
    {"quota", "[set <name> <val>|<domid>]"},
    {"quota-soft", "[set <name> <val>]"},
    {"help", ""},
};

void replyText(Req& r, std::string text) {
  text.push_back('\0');
  r.reply(text);
}

template <size_t N>
Status quotaCommand(Req& r, const CtlQuota (&table)[N], std::span<std::string_view> args,
                    bool allowDomain) {
  Quotas& q = r.s.opt.quotas;
  if (args.empty()) {
    std::string out = "Quota settings:\n";
    for (const CtlQuota& e : table) {
      out += fmt::format("{:<17}: {:>8} {}\n", e.name, static_cast<int>(q.*e.field), e.descr);
    }
    replyText(r, std::move(out));
    return kOk;
  }
  if (args[0] == "set") {
    if (args.size() != 3) {
      return Err::EINVAL_;
    }
    int val = cAtoi(args[2]);
    if (val < 1) {
      return Err::EINVAL_;
    }
    for (const CtlQuota& e : table) {
      if (e.name == args[1]) {
        q.*e.field = static_cast<uint32_t>(val);
        r.replyOk();
        return kOk;
      }
    }
    return Err::EINVAL_;
  }
  if (!allowDomain || args.size() != 1) {
    return Err::EINVAL_;
  }
  auto domid = static_cast<DomId>(cAtoi(args[0]));
  Domain* d = r.s.findDomain(domid);
  if (!d) {
    return Err::ENOENT_;
  }
  size_t ta = 0;
  for (auto& [id, c] : r.s.conns) {
    if (c->domid == domid && !c->priv) {
      ta += c->txs.size();
    }
  }
  std::string out = fmt::format("Domain {}:\n", domid);
  auto ent = [&out](std::string_view n, int64_t v) { out += fmt::format("{:<16}: {:>8}\n", n, v); };
  ent("nodes", d->nodes);
  ent("watches", d->watches);
  ent("transactions", static_cast<int64_t>(ta));
  ent("outstanding", 0);
  ent("memory", d->memory);
  replyText(r, std::move(out));
  return kOk;
}

}  // namespace

Status opControl(Req& r) {
  Impl& s = r.s;
  std::vector<std::string_view> all;
  size_t n = countStrings(r.payload);
  all.reserve(n);
  for (size_t i = 0, pos = 0; i < n; ++i) {
    size_t nul = r.payload.find('\0', pos);
    all.push_back(r.payload.substr(pos, nul - pos));
    pos = nul + 1;
  }
  std::string_view cmd = all[0];
  std::span<std::string_view> args(all.data() + 1, all.size() - 1);
  if (cmd == "help") {
    if (!args.empty()) {
      return Err::EINVAL_;
    }
    std::string out;
    for (auto& [name, pars] : kCommands) {
      out += fmt::format("{}\t{}\n", name, pars);
    }
    replyText(r, std::move(out));
    return kOk;
  }
  if (cmd == "check") {
    if (!args.empty()) {
      return Err::EINVAL_;
    }
    s.recount();
    r.replyOk();
    return kOk;
  }
  if (cmd == "memreport") {
    if (args.size() > 1) {
      return Err::EINVAL_;
    }
    replyText(r, s.memoryReport());
    return kOk;
  }
  if (cmd == "print") {
    if (args.size() != 1) {
      return Err::EINVAL_;
    }
    s.hooks.control(all);  // the server logs it
    r.replyOk();
    return kOk;
  }
  if (cmd == "quota") {
    return quotaCommand(r, kHardQuotas, args, true);
  }
  if (cmd == "quota-soft") {
    return quotaCommand(r, kSoftQuotas, args, false);
  }
  // log, logfile, live-update and the unknown belong to the server.
  std::optional<std::string> text = s.hooks.control(all);
  if (!text) {
    return Err::EINVAL_;
  }
  replyText(r, std::move(*text));
  return kOk;
}

namespace {

// Xen 4.22 parse_quota_name(): "<name>" or "soft-<name>" (memory only).
std::optional<QuotaKey> parseQuotaName(std::string_view name) {
  for (const QuotaName& q : kQuotaNames) {
    if (q.name == name) {
      return q.key;
    }
  }
  return std::nullopt;
}

// Xen 4.22 parse_domid(): decimal, nothing after it, at most 65535.
std::optional<DomId> parseDomid(std::string_view s) {
  std::string copy(s);
  char* end = nullptr;
  unsigned long v = std::strtoul(copy.c_str(), &end, 10);
  if (*end != '\0' || v > 65535) {
    return std::nullopt;
  }
  return static_cast<DomId>(v);
}

}  // namespace

Status opGetQuota(Req& r) {
  size_t n = countStrings(r.payload);
  std::string out;
  if (n == 0) {
    for (const QuotaName& q : kQuotaNames) {
      if (!out.empty()) {
        out.push_back(' ');
      }
      out.append(q.name);
    }
  } else {
    DomId domid = kDom0;
    std::string_view name = nthString(r.payload, n - 1);
    auto key = parseQuotaName(name);
    uint32_t value;
    if (n == 2) {
      auto d = parseDomid(nthString(r.payload, 0));
      if (!d) {
        return Err::EINVAL_;
      }
      domid = *d;
    }
    if (!key) {
      return Err::EINVAL_;
    }
    value = n == 2 ? r.s.quota(domid, *key)
                   : r.s.opt.quotas.*kQuotaNames[static_cast<size_t>(*key)].field;
    out = fmt::format("{}", value);
  }
  out.push_back('\0');
  r.reply(out);
  return kOk;
}

Status opSetQuota(Req& r) {
  size_t n = countStrings(r.payload);
  std::optional<DomId> domid;
  if (n == 3) {
    domid = parseDomid(nthString(r.payload, 0));
    if (!domid) {
      return Err::EINVAL_;
    }
  }
  auto key = parseQuotaName(nthString(r.payload, n - 2));
  auto val = static_cast<uint32_t>(cAtoi(nthString(r.payload, n - 1)));
  if (!key || val == kQuotaUnset) {
    return Err::EINVAL_;
  }
  auto idx = static_cast<size_t>(*key);
  if (!domid) {
    r.s.opt.quotas.*kQuotaNames[idx].field = val;
  } else {
    Domain& d = r.s.domainRecord(*domid);
    if (!d.quota) {
      d.quota = std::make_unique<std::array<uint32_t, kQuotaKeys>>();
      d.quota->fill(kQuotaUnset);
    }
    (*d.quota)[idx] = val;
  }
  r.replyOk();
  return kOk;
}

}  // namespace xenia::xs::store

namespace xenia::xs {

using namespace store;

void Engine::Impl::recount() {
  for (auto& [id, d] : domains) {
    d.nodes = 0;
    d.memory = 0;
  }
  std::vector<std::pair<const Node*, std::string>> stack;
  stack.emplace_back(tree.root(), "/");
  while (!stack.empty()) {
    auto [n, path] = std::move(stack.back());
    stack.pop_back();
    addNodes(n->owner(), 1);
    charge(n, path.size(), 1);
    for (Node* c = n->firstChild(); c; c = c->nextSibling()) {
      std::string child = path.size() == 1 ? path : path + "/";
      child.append(c->name());
      stack.emplace_back(c, std::move(child));
    }
  }
  for (auto& [id, c] : conns) {
    for (const Watch* w : c->watches) {
      addMemory(c->domid, static_cast<int64_t>(w->path.size() + w->token.size()));
    }
    for (auto& tx : c->txs) {
      addMemory(c->domid, tx->charged);
    }
  }
}

std::string Engine::Impl::memoryReport() const {
  size_t nodeBytes = tree.bytes();
  size_t watchBytes = 0;
  for (auto& [id, c] : conns) {
    for (const Watch* w : c->watches) {
      watchBytes += sizeof(Watch) + w->path.size() + w->token.size();
    }
  }
  size_t txBytes = 0;
  size_t txEntries = 0;
  for (auto& [id, c] : conns) {
    for (auto& tx : c->txs) {
      txEntries += tx->entries.size();
      for (auto& [path, e] : tx->entries) {
        txBytes += sizeof(TxEntry) + path.size() * 2 + e.value.size();
      }
    }
  }
  size_t introduced = 0;
  for (auto& [id, d] : domains) {
    introduced += d.introduced;
  }
  size_t domBytes = domains.size() * (sizeof(Domain) + 32);
  return fmt::format(
      "nodes: {} ({} bytes)\n"
      "watches: {} ({} bytes)\n"
      "transactions: {} ({} accessed nodes, {} bytes)\n"
      "domains: {} ({} introduced, {} bytes)\n"
      "connections: {}\n"
      "total: {} bytes\n",
      tree.nodeCount(), nodeBytes, watchCount, watchBytes, txCount, txEntries, txBytes,
      domains.size(), introduced, domBytes, conns.size(),
      nodeBytes + watchBytes + txBytes + domBytes);
}

std::string Engine::memoryReport() const { return impl_->memoryReport(); }

}  // namespace xenia::xs
