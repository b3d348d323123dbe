// One client connection of the Server (internal to server*.cc): its socket,
// the unparsed input, the queued output and the counters that bound both.
#pragma once

#include <sys/epoll.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/unique_fd.h"
#include "xenstore/server/server.h"

namespace xenia::xs {

struct Server::Conn {
  ConnId id = 0;
  DomId domid = 0;
  bool privileged = false;  // the dom0 socket: no outstanding limit
  UniqueFd fd;
  // Bytes read but not yet processed: a partial message, or (while blocked)
  // requests waiting for the replies before them to be read by the client.
  // Never more than one read chunk plus one message.
  std::string in;
  // Queued output; out[outOff..] is unsent.
  std::string out;
  size_t outOff = 0;
  // io_uring: output handed to the kernel by a send still in flight, which
  // must not move until it completes; sending[sendingOff..] is unsent.
  // Swapped with out, so neither reallocates in steady state.
  std::string sending;
  size_t sendingOff = 0;
  bool recvArmed = false;  // io_uring: a recv is in flight
  bool sendArmed = false;  // io_uring: a send is in flight
  bool sendFast = false;   // io_uring: ... and is a fast send, resolved after the submit
  // Stream positions (bytes ever queued) where each unsent reply ends, to
  // count a guest's outstanding requests the way C xenstored does.
  uint64_t queuedTotal = 0;
  uint64_t sentTotal = 0;
  std::vector<uint64_t> replyEnds;
  size_t replyHead = 0;

  uint32_t events = EPOLLIN;  // current epoll interest
  bool reading = true;        // EPOLLIN wanted
  bool dirty = false;         // listed in Server::dirty_
  bool eof = false;           // peer finished sending; close once output drains
  bool closing = false;       // listed in Server::closing_
  bool closed = false;        // engine disconnected, fd closed (in the graveyard)

  size_t pending() const { return out.size() - outOff + sending.size() - sendingOff; }
  size_t outstanding() const { return replyEnds.size() - replyHead; }
};

}  // namespace xenia::xs
