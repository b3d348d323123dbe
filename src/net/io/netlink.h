// A NETLINK_ROUTE socket that sends one plan/rtnl.h request at a time and
// waits for the kernel's acknowledgement (the errno becomes the error text).
#pragma once

#include <linux/netlink.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "common/expected.h"
#include "common/unique_fd.h"
#include "net/plan/rtnl.h"

namespace xenia::net {

class Netlink {
 public:
  static Expected<Netlink, std::string> open();
  // Sends r and returns Ok or "<what>: <strerror>"; `errnoOut` gets the errno.
  Expected<Ok, std::string> request(const NlRequest& r, int* errnoOut = nullptr);
  // Sends a dump request (plan/rtnl.h addrDump, routeDump) and returns every
  // reply message back to back, up to NLMSG_DONE (at most 4 MiB).
  Expected<Bytes, std::string> dump(const NlRequest& r);
  uint32_t nextSeq() { return ++seq_; }

 private:
  // Sends r under a fresh sequence number, then hands every reply message of
  // that sequence (read into buf) to `take` until it returns false.
  Expected<Ok, std::string> exchange(const NlRequest& r, char* buf, size_t size,
                                     const std::function<bool(const nlmsghdr&)>& take);
  UniqueFd fd_;
  uint32_t seq_ = 0;
};

}  // namespace xenia::net
