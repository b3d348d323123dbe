// Client's typed calls: payload encoding as libxenstore does it (xs.c) and
// decoding of the replies; DIRECTORY with its DIRECTORY_PART fallback; watches.
#include <cstdlib>
#include <string>

#include "xenstore/client/client_internal.h"
#include "xenstore/client/dir_part.h"

namespace xenia::xs {
namespace {

bool hasNul(std::string_view s) { return s.find('\0') != std::string_view::npos; }

// "a\0b\0" from the arguments, each NUL-terminated.
template <class... S>
std::string nulJoin(const S&... parts) {
  std::string out;
  ((out.append(std::string_view(parts)), out.push_back('\0')), ...);
  return out;
}

Status okOf(const Result<std::string>& r) {
  if (!r) {
    return unexpected(r.error());
  }
  return Ok{};
}

// Reply text up to its first NUL (GET_DOMAIN_PATH, TRANSACTION_START...).
std::string cString(const std::string& payload) { return payload.substr(0, payload.find('\0')); }

}  // namespace

Result<std::string> Client::read(std::string_view path, TxId tx) {
  if (hasNul(path)) {
    return unexpected(Err::EINVAL_);
  }
  return request(MsgType::Read, nulJoin(path), tx);
}

Status Client::write(std::string_view path, std::string_view value, TxId tx) {
  if (hasNul(path)) {
    return unexpected(Err::EINVAL_);
  }
  // The value is not NUL-terminated on the wire.
  std::string payload = nulJoin(path);
  payload.append(value);
  return okOf(request(MsgType::Write, payload, tx));
}

Status Client::mkdir(std::string_view path, TxId tx) {
  if (hasNul(path)) {
    return unexpected(Err::EINVAL_);
  }
  return okOf(request(MsgType::Mkdir, nulJoin(path), tx));
}

Status Client::rm(std::string_view path, TxId tx) {
  if (hasNul(path)) {
    return unexpected(Err::EINVAL_);
  }
  return okOf(request(MsgType::Rm, nulJoin(path), tx));
}

Result<std::vector<std::string>> Client::directory(std::string_view path, TxId tx) {
  if (hasNul(path)) {
    return unexpected(Err::EINVAL_);
  }
  auto r = request(MsgType::Directory, nulJoin(path), tx);
  if (r) {
    return splitChildren(*r);
  }
  if (r.error() != Err::E2BIG_) {
    return unexpected(r.error());
  }
  DirPartAssembler parts;
  for (;;) {
    auto part = request(MsgType::DirectoryPart, nulJoin(path, std::to_string(parts.offset())), tx);
    if (!part) {
      // A daemon without DIRECTORY_PART (oxenstored): the list is just too big.
      return unexpected(part.error() == Err::ENOSYS_ ? Err::E2BIG_ : part.error());
    }
    switch (parts.feed(*part)) {
      case DirPartAssembler::Step::Continue:
        break;
      case DirPartAssembler::Step::Done:
        return parts.children();
      case DirPartAssembler::Step::Error:
        return unexpected(parts.error());
    }
  }
}

Result<Perms> Client::getPerms(std::string_view path, TxId tx) {
  if (hasNul(path)) {
    return unexpected(Err::EINVAL_);
  }
  auto r = request(MsgType::GetPerms, nulJoin(path), tx);
  if (!r) {
    return unexpected(r.error());
  }
  auto perms = parsePermsPayload(*r);
  if (!perms) {
    return unexpected(Err::EINVAL_);
  }
  return std::move(*perms);
}

Status Client::setPerms(std::string_view path, const Perms& perms, TxId tx) {
  if (hasNul(path)) {
    return unexpected(Err::EINVAL_);
  }
  std::string payload = nulJoin(path);
  for (const auto& p : perms) {
    payload += p.toString();
    payload.push_back('\0');
  }
  return okOf(request(MsgType::SetPerms, payload, tx));
}

Result<TxId> Client::transactionStart() {
  auto r = request(MsgType::TransactionStart, std::string_view("\0", 1), kNoTx);
  if (!r) {
    return unexpected(r.error());
  }
  std::string id = cString(*r);
  char* end = nullptr;
  unsigned long v = std::strtoul(id.c_str(), &end, 0);
  if (id.empty() || *end != '\0' || v == 0 || v > 0xffffffffUL) {
    return unexpected(Err::EIO_);
  }
  return static_cast<TxId>(v);
}

Status Client::transactionEnd(TxId tx, bool commit) {
  return okOf(request(MsgType::TransactionEnd, nulJoin(commit ? "T" : "F"), tx));
}

Status Client::watch(std::string_view path, std::string_view token, WatchCallback cb) {
  if (hasNul(path) || hasNul(token)) {
    return unexpected(Err::EINVAL_);
  }
  uint64_t id;
  {
    std::lock_guard lk(mu_);
    for (const auto& w : watches_) {
      if (w.path == path && w.token == token) {
        return unexpected(Err::EEXIST_);
      }
    }
    // Registered before the request: events may arrive ahead of the reply.
    id = nextWatchId_++;
    auto shared = cb ? std::make_shared<WatchCallback>(std::move(cb)) : nullptr;
    watches_.push_back({id, std::string(path), std::string(token), std::move(shared)});
  }
  auto r = request(MsgType::Watch, nulJoin(path, token), kNoTx);
  if (!r) {
    std::lock_guard lk(mu_);
    std::erase_if(watches_, [&](const WatchEntry& w) { return w.id == id; });
    return unexpected(r.error());
  }
  return Ok{};
}

Status Client::unwatch(std::string_view path, std::string_view token) {
  if (hasNul(path) || hasNul(token)) {
    return unexpected(Err::EINVAL_);
  }
  auto r = request(MsgType::Unwatch, nulJoin(path, token), kNoTx);
  if (r || r.error() == Err::ENOENT_) {
    // Forget it locally either way, with the events it had not yet delivered
    // (libxenstore's XS_UNWATCH_FILTER behaviour).
    std::lock_guard lk(mu_);
    std::erase_if(watches_, [&](const WatchEntry& w) { return w.path == path && w.token == token; });
    std::erase_if(plainEvents_, [&](const WatchEvent& e) {
      return e.token == token && watchCovers(path, e.path);
    });
    clearEventSignalLocked();
  }
  return okOf(r);
}

Status Client::resetWatches() {
  auto r = request(MsgType::ResetWatches, std::string_view("\0", 1), kNoTx);
  if (r) {
    std::lock_guard lk(mu_);
    watches_.clear();
    cbEvents_.clear();
    plainEvents_.clear();
    clearEventSignalLocked();
  }
  return okOf(r);
}

Status Client::introduce(uint32_t domid, uint64_t gfn, uint32_t evtchn) {
  return okOf(request(MsgType::Introduce,
                      nulJoin(std::to_string(domid), std::to_string(gfn), std::to_string(evtchn))));
}

Status Client::release(uint32_t domid) {
  return okOf(request(MsgType::Release, nulJoin(std::to_string(domid))));
}

Status Client::resume(uint32_t domid) {
  return okOf(request(MsgType::Resume, nulJoin(std::to_string(domid))));
}

Result<bool> Client::isDomainIntroduced(uint32_t domid) {
  auto r = request(MsgType::IsDomainIntroduced, nulJoin(std::to_string(domid)));
  if (!r) {
    return unexpected(r.error());
  }
  return cString(*r) != "F";
}

Result<std::string> Client::getDomainPath(uint32_t domid) {
  auto r = request(MsgType::GetDomainPath, nulJoin(std::to_string(domid)));
  if (!r) {
    return unexpected(r.error());
  }
  return cString(*r);
}

Status Client::setTarget(uint32_t domid, uint32_t target) {
  return okOf(
      request(MsgType::SetTarget, nulJoin(std::to_string(domid), std::to_string(target))));
}

Result<std::string> Client::control(const std::vector<std::string>& args) {
  std::string payload;
  for (const auto& a : args) {
    payload += a;
    payload.push_back('\0');
  }
  auto r = request(MsgType::Control, payload);
  if (!r) {
    return unexpected(r.error());
  }
  std::string text = std::move(*r);
  if (!text.empty() && text.back() == '\0') {
    text.pop_back();
  }
  return text;
}

Batch Client::batch(TxId tx) { return Batch(*this, tx); }

}  // namespace xenia::xs
