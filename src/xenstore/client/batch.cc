// Batch: request encoding into one buffer and the windowed send/collect loop.
#include "xenstore/client/batch.h"

#include <algorithm>
#include <cstring>

#include "xenstore/client/client_internal.h"

namespace xenia::xs {

Batch::Batch(Client& client, uint32_t tx) : client_(&client), tx_(tx) {}

void Batch::clear() {
  buf_.clear();
  entries_.clear();
}

size_t Batch::addLocalError(MsgType type, Err e) {
  entries_.push_back({static_cast<uint32_t>(buf_.size()), static_cast<uint8_t>(type),
                      static_cast<int8_t>(e)});
  return entries_.size() - 1;
}

size_t Batch::add(MsgType type, std::string_view path, std::string_view extra, bool extraNul) {
  if (path.find('\0') != std::string_view::npos) {
    return addLocalError(type, Err::EINVAL_);
  }
  size_t len = path.size() + 1 + extra.size() + (extraNul ? 1 : 0);
  if (len > kPayloadMax) {
    return addLocalError(type, Err::E2BIG_);
  }
  uint32_t offset = static_cast<uint32_t>(buf_.size());
  char hdr[kHeaderSize];
  // req_id is filled in by run(), which knows the range it owns.
  encodeHeader(Header{uint32_t(type), 0, tx_, uint32_t(len)}, hdr);
  buf_.append(hdr, kHeaderSize);
  buf_.append(path);
  buf_.push_back('\0');
  buf_.append(extra);
  if (extraNul) {
    buf_.push_back('\0');
  }
  entries_.push_back({offset, static_cast<uint8_t>(type), -1});
  return entries_.size() - 1;
}

size_t Batch::read(std::string_view path) { return add(MsgType::Read, path, {}, false); }
size_t Batch::write(std::string_view path, std::string_view value) {
  return add(MsgType::Write, path, value, false);
}
size_t Batch::mkdir(std::string_view path) { return add(MsgType::Mkdir, path, {}, false); }
size_t Batch::rm(std::string_view path) { return add(MsgType::Rm, path, {}, false); }
size_t Batch::directory(std::string_view path) {
  return add(MsgType::Directory, path, {}, false);
}
size_t Batch::getPerms(std::string_view path) { return add(MsgType::GetPerms, path, {}, false); }

size_t Batch::setPerms(std::string_view path, const Perms& perms) {
  std::string list;
  for (const auto& p : perms) {
    list += p.toString();
    list.push_back('\0');
  }
  return add(MsgType::SetPerms, path, list, false);
}

size_t Batch::request(MsgType type, std::string_view payload) {
  if (payload.size() > kPayloadMax) {
    return addLocalError(type, Err::E2BIG_);
  }
  uint32_t offset = static_cast<uint32_t>(buf_.size());
  char hdr[kHeaderSize];
  encodeHeader(Header{uint32_t(type), 0, tx_, uint32_t(payload.size())}, hdr);
  buf_.append(hdr, kHeaderSize);
  buf_.append(payload);
  entries_.push_back({offset, static_cast<uint8_t>(type), -1});
  return entries_.size() - 1;
}

std::vector<Expected<std::string, Err>> Batch::run() {
  const size_t n = entries_.size();
  std::vector<Expected<std::string, Err>> results(n, unexpected(Err::EIO_));
  std::vector<uint8_t> types(n);
  size_t toSend = 0;
  for (size_t i = 0; i < n; ++i) {
    types[i] = entries_[i].type;
    if (entries_[i].localErr >= 0) {
      results[i] = unexpected(static_cast<Err>(entries_[i].localErr));
    } else {
      ++toSend;
    }
  }
  if (toSend == 0) {
    return results;
  }
  Client& c = *client_;
  Client::BatchRun run;
  run.count = static_cast<uint32_t>(n);
  run.types = types.data();
  run.answered.assign(n, 0);
  for (size_t i = 0; i < n; ++i) {
    // Never sent: a reply claiming to answer it is a protocol error.
    run.answered[i] = entries_[i].localErr >= 0 ? 1 : 0;
  }
  run.results = &results;

  std::unique_lock lk(c.mu_);
  if (c.broken_) {
    return results;
  }
  run.base = c.takeReqIdsLocked(run.count);
  c.batches_.push_back(&run);
  lk.unlock();
  for (size_t i = 0; i < n; ++i) {
    if (entries_[i].localErr < 0) {
      char* h = buf_.data() + entries_[i].offset;
      Header hdr = decodeHeader(h);
      hdr.reqId = run.base + static_cast<uint32_t>(i);
      encodeHeader(hdr, h);
    }
  }
  auto endOffset = [&](size_t i) { return i < n ? entries_[i].offset : buf_.size(); };

  size_t next = 0;     // entries before this one have been sent
  size_t inFlightSent = 0;  // requests sent so far (not counting local errors)
  lk.lock();
  while (!c.broken_ && run.completed < toSend) {
    size_t inFlight = inFlightSent - run.completed;
    if (next < n && inFlight < kWindow) {
      size_t end = next;
      size_t added = 0;
      while (end < n && inFlight + added < kWindow) {
        added += entries_[end].localErr < 0 ? 1 : 0;
        ++end;
      }
      lk.unlock();
      bool ok;
      {
        std::lock_guard w(c.writeMu_);
        ok = c.sendAll(buf_.data() + entries_[next].offset,
                       endOffset(end) - entries_[next].offset);
      }
      lk.lock();
      if (!ok) {
        break;
      }
      next = end;
      inFlightSent += added;
      continue;
    }
    c.waitFor(lk, [&] {
      return run.completed == toSend ||
             (next < n && inFlightSent - run.completed <= kWindow / 2);
    });
  }
  std::erase(c.batches_, &run);
  return results;
}

}  // namespace xenia::xs
