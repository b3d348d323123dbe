// Finding domains as xm names them (domid, then name, then UUID), the
// domain table, and memory accounting.
#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "xend/daemon/daemon.h"

namespace xenia::xend {

namespace {

std::optional<int> parseDomid(const std::string& s) {
  int v = 0;
  if (s.empty() || s.size() > 9) {
    return std::nullopt;
  }
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size() || v < 0) {
    return std::nullopt;
  }
  return v;
}

}  // namespace

Domain* Daemon::find(const std::string& dom) {
  if (auto id = parseDomid(dom)) {
    for (auto& [k, d] : domains_) {
      if (d->domid == *id) {
        return d.get();
      }
    }
  }
  for (auto& [k, d] : domains_) {
    if (d->cfg.name == dom) {
      return d.get();
    }
  }
  for (auto& [k, d] : domains_) {
    if (d->cfg.uuid == dom) {
      return d.get();
    }
  }
  return nullptr;
}

Expected<Domain*, RpcError> Daemon::lookup(const Json& params, const char* key) {
  auto dom = paramString(params, key);
  if (!dom) {
    // xm passes domids as numbers sometimes; accept those too.
    auto it = params.find(key);
    if (it != params.end() && it->is_number_integer()) {
      dom = std::to_string(it->get<int64_t>());
    } else {
      return unexpected(dom.error());
    }
  }
  if (*dom == "0" || *dom == "Domain-0" || *dom == "00000000-0000-0000-0000-000000000000") {
    return rpcError(kEPERM, "Cannot do that to Domain-0.");
  }
  Domain* d = find(*dom);
  if (!d) {
    return rpcError(kESRCH, fmt::format("Domain '{}' does not exist.", *dom));
  }
  return d;
}

Expected<Domain*, RpcError> Daemon::lookupRunning(const Json& params) {
  auto d = lookup(params);
  if (!d) {
    return d;
  }
  if (!(*d)->running() || !(*d)->vm) {
    return rpcError(kEINVAL, fmt::format("Domain '{}' is not running.", (*d)->cfg.name));
  }
  return d;
}

Domain* Daemon::byKey(uint64_t key) {
  auto it = domains_.find(key);
  return it == domains_.end() ? nullptr : it->second.get();
}

Domain& Daemon::addDomain(config::DomainConfig cfg, bool managed) {
  auto d = std::make_unique<Domain>();
  d->key = nextKey_++;
  d->cfg = std::move(cfg);
  d->managed = managed;
  Domain& ref = *d;
  domains_[ref.key] = std::move(d);
  return ref;
}

void Daemon::eraseDomain(uint64_t key) { domains_.erase(key); }

std::vector<Domain*> Daemon::sortedDomains() {
  std::vector<Domain*> out;
  for (auto& [k, d] : domains_) {
    out.push_back(d.get());
  }
  // Running ones by domid, then halted managed ones by name.
  std::sort(out.begin(), out.end(), [](const Domain* a, const Domain* b) {
    if (a->running() != b->running()) {
      return a->running();
    }
    if (a->running()) {
      return *a->domid < *b->domid;
    }
    return a->cfg.name < b->cfg.name;
  });
  return out;
}

int64_t Daemon::committedMiB(const Domain* except) const {
  int64_t sum = 0;
  for (const auto& [k, d] : domains_) {
    if (d->running() && d.get() != except) {
      sum += d->cfg.maxmem;
    }
  }
  return sum;
}

int64_t Daemon::hostTotalMiB() const { return host_.totalMemKiB / 1024; }

Expected<Domain*, RpcError> Daemon::checkedLookup(const Json& params,
                                                   std::initializer_list<const char*> known) {
  if (auto c = checkParams(params, known); !c) {
    return unexpected(c.error());
  }
  return lookup(params);
}

Expected<Domain*, RpcError> Daemon::checkedLookupRunning(const Json& params,
                                                          std::initializer_list<const char*> known) {
  if (auto c = checkParams(params, known); !c) {
    return unexpected(c.error());
  }
  return lookupRunning(params);
}

}  // namespace xenia::xend
