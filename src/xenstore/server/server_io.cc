// Connection I/O: reading and framing requests, queueing the engine's output,
// writing it, and the limits that keep hostile clients contained:
//  * a header announcing more than 4096 bytes closes the connection (as C);
//  * a connection stops being read while its unsent output exceeds a soft
//    limit, and a guest also while it has quota.outstanding unread replies;
//  * output that still grows (watch events a client never reads) past
//    maxOutputBytes closes that connection.
#include <sys/epoll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/log.h"
#include "xenstore/server/server.h"
#include "xenstore/server/server_conn.h"

namespace xenia::xs {

Server::Conn* Server::find(ConnId id) {
  if (current_ && current_->id == id) {
    return current_;
  }
  auto it = conns_.find(id);
  return it == conns_.end() ? nullptr : it->second.get();
}

void Server::markDirty(Conn& c) {
  if (!c.dirty) {
    c.dirty = true;
    dirty_.push_back(c.id);
  }
}

bool Server::blocked(const Conn& c) const {
  if (c.pending() >= outputSoftLimit_) {
    return true;
  }
  if (c.privileged || c.outstanding() == 0) {
    return false;
  }
  // Per domain: SET_QUOTA may override the global value.
  return c.outstanding() >= std::max<uint32_t>(1, engine_->quotasFor(c.domid).outstanding);
}

void Server::onConnEvent(ConnId id, uint32_t events) {
  Conn* c = find(id);
  if (!c || c->closing) {
    return;
  }
  if (events & EPOLLIN) {
    readConn(*c);
  } else if (events & (EPOLLHUP | EPOLLERR)) {
    // Nothing left to read and the peer is gone both ways.
    scheduleClose(*c, "hang-up");
    runCloses();
    return;
  }
  if ((events & EPOLLOUT) && !c->closing) {
    // Written in the flush phase, after the journal sync, never here.
    markDirty(*c);
  }
}

void Server::readConn(Conn& c) {
  if (!c.reading) {
    return;
  }
  // The carried-over partial message goes first, then whatever is waiting.
  size_t have = c.in.size();
  if (have) {
    std::memcpy(readBuf_.get(), c.in.data(), have);
  }
  ssize_t n = ::recv(c.fd.get(), readBuf_.get() + have, kReadChunk, MSG_DONTWAIT);
  if (n <= 0) {
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      return;
    }
    if (n < 0) {
      scheduleClose(c, "read error");
      runCloses();
      return;
    }
    onPeerEof(c);
    return;
  }
  size_t total = have + size_t(n);
  size_t used = processBuffer(c, readBuf_.get(), total);
  if (c.closed || c.closing) {
    return;
  }
  c.in.assign(readBuf_.get() + used, total - used);
  if (blocked(c)) {
    c.reading = false;
    updateInterest(c);
  }
}

void Server::onPeerEof(Conn& c) {
  if (c.pending() == 0) {
    scheduleClose(c, "closed by peer");
    runCloses();
    return;
  }
  // Half-closed: deliver what is queued, then close (afterOutput).
  c.eof = true;
  c.in.clear();
  c.reading = false;
  updateInterest(c);
}

size_t Server::processBuffer(Conn& c, const char* data, size_t size) {
  size_t pos = 0;
  while (size - pos >= kHeaderSize) {
    if (blocked(c)) {
      break;
    }
    Header hdr = decodeHeader(data + pos);
    if (hdr.len > kPayloadMax) {
      log_->debug("Connection {} sent a {}-byte payload; closing it.", c.id, hdr.len);
      scheduleClose(c, "oversized message");
      runCloses();
      return pos;
    }
    if (size - pos - kHeaderSize < hdr.len) {
      break;
    }
    msg_.hdr = hdr;
    msg_.payload.assign(data + pos + kHeaderSize, hdr.len);
    pos += kHeaderSize + hdr.len;
    if (trace_.enabled()) {
      trace_.message(false, c.id, c.domid, hdr.type, hdr.reqId, hdr.txId, msg_.payload);
    }
    current_ = &c;
    engine_->request(c.id, msg_);
    current_ = nullptr;
    if (!closing_.empty()) {
      runCloses();
      if (c.closed) {
        return pos;
      }
    }
  }
  return pos;
}

void Server::processBlocked(Conn& c) {
  // c.in may hold several requests read before the limit was reached.
  size_t used = processBuffer(c, c.in.data(), c.in.size());
  if (c.closed) {
    return;
  }
  c.in.erase(0, used);
  if (!blocked(c) && !c.eof) {
    c.reading = true;
    updateInterest(c);
  }
}

void Server::deliver(ConnId conn, uint32_t type, uint32_t reqId, uint32_t txId,
                     std::string_view payload) {
  Conn* c = find(conn);
  if (!c || c->closing) {
    return;
  }
  if (trace_.enabled()) {
    trace_.message(true, c->id, c->domid, type, reqId, txId, payload);
  }
  size_t size = kHeaderSize + payload.size();
  if (c->pending() + size > options_.maxOutputBytes) {
    // Only watch events can get here (requests stop being read at the soft
    // limit): the client is not reading and would make us hold its events
    // forever. C xenstored drops a guest's events after 20 s; we drop the
    // connection, which the client can see and recover from.
    log_->warn("Connection {} (domain {}) does not read its output ({} bytes queued); closing it.",
               c->id, c->domid, c->pending());
    scheduleClose(*c, "output queue full");
    return;
  }
  appendMessage(c->out, type, reqId, txId, payload);
  c->queuedTotal += size;
  if (!c->privileged && type != uint32_t(MsgType::WatchEvent)) {
    c->replyEnds.push_back(c->queuedTotal);
  }
  markDirty(*c);
}

void Server::flushConn(Conn& c) {
  if (c.closing || c.closed) {
    return;
  }
  if (uring_) {
    // The send completes later (uringSendDone), which calls afterOutput.
    if (!c.sendArmed && c.pending() > 0) {
      uringArmSend(c, true);
    }
    afterOutput(c);
    return;
  }
  if (c.pending() > 0) {
    ssize_t n = ::send(c.fd.get(), c.out.data() + c.outOff, c.pending(),
                       MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN && errno != EINTR) {
      scheduleClose(c, "write error");
      return;
    }
    if (n > 0) {
      c.outOff += size_t(n);
      sent(c, size_t(n));
    }
    if (c.outOff == c.out.size()) {
      c.out.clear();
      c.outOff = 0;
      // Give back what a burst of events made us allocate.
      if (c.out.capacity() > 64 * 1024) {
        std::string().swap(c.out);
      }
    } else if (c.outOff >= 64 * 1024 && c.outOff >= c.out.size() / 2) {
      c.out.erase(0, c.outOff);
      c.outOff = 0;
    }
  }
  afterOutput(c);
}

void Server::sent(Conn& c, size_t n) {
  c.sentTotal += uint64_t(n);
  while (c.replyHead < c.replyEnds.size() && c.replyEnds[c.replyHead] <= c.sentTotal) {
    ++c.replyHead;
  }
  if (c.replyHead == c.replyEnds.size()) {
    c.replyEnds.clear();
    c.replyHead = 0;
  }
}

void Server::afterOutput(Conn& c) {
  if (c.closing || c.closed) {
    return;
  }
  if (c.eof && c.pending() == 0) {
    scheduleClose(c, "closed by peer");
    return;
  }
  if (!c.reading && !c.eof && !blocked(c)) {
    // Resume the buffered requests next iteration, so their replies are
    // journaled and synced before being written like any others.
    if (c.in.size() >= kHeaderSize) {
      unblocked_.push_back(c.id);
    } else {
      c.reading = true;
    }
  }
  updateInterest(c);
}

void Server::updateInterest(Conn& c) {
  if (uring_) {
    // io_uring has no interest set: reading means a recv is in flight.
    if (c.reading && !c.eof && !c.recvArmed && !c.closing && !c.closed) {
      uringArmRecv(c);
    }
    return;
  }
  uint32_t want = (c.reading ? uint32_t(EPOLLIN) : 0u) | (c.pending() > 0 ? uint32_t(EPOLLOUT) : 0u);
  if (want != c.events) {
    epoll_event ev{};
    ev.events = want;
    ev.data.u64 = c.id;
    ::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, c.fd.get(), &ev);
    c.events = want;
  }
}

void Server::scheduleClose(Conn& c, const char* why) {
  if (!c.closing) {
    c.closing = true;
    closing_.push_back(c.id);
    log_->debug("Closing connection {} (domain {}): {}.", c.id, c.domid, why);
  }
}

void Server::runCloses() {
  // Never from inside an Engine call: disconnect re-enters the engine.
  if (current_) {
    return;
  }
  for (size_t i = 0; i < closing_.size(); ++i) {
    auto it = conns_.find(closing_[i]);
    if (it != conns_.end()) {
      closeConn(*it->second);
    }
  }
  closing_.clear();
}

void Server::closeConn(Conn& c) {
  engine_->disconnect(c.id);
  if (trace_.enabled()) {
    trace_.note("DESTROY connection conn" + std::to_string(c.id));
  }
  if (!c.privileged) {
    auto g = guests_.find(c.domid);
    if (g != guests_.end() && g->second.conns > 0) {
      --g->second.conns;
    }
  }
  c.closed = true;
  auto it = conns_.find(c.id);
  std::unique_ptr<Conn> dead = std::move(it->second);
  conns_.erase(it);
  if (uring_ && (dead->recvArmed || dead->sendArmed)) {
    uringRetire(std::move(dead));  // closes the fd once the kernel holds the socket
  } else {
    dead->fd.reset();
    graveyard_.push_back(std::move(dead));
  }
}

}  // namespace xenia::xs
