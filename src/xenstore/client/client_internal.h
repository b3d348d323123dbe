// Pieces of Client shared by client.cc, client_ops.cc and batch.cc only:
// the pending-reply records and the leader/follower wait loop.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "xenstore/client/client.h"

namespace xenia::xs {

// One synchronous request waiting for its reply.
struct Client::Slot {
  uint32_t expectType = 0;
  bool done = false;
  uint32_t type = 0;
  std::string payload;
};

// One Batch::run() in progress: replies with req_id in [base, base+count).
struct Client::BatchRun {
  uint32_t base = 0;
  uint32_t count = 0;
  const uint8_t* types = nullptr;
  std::vector<char> answered;
  std::vector<Expected<std::string, Err>>* results = nullptr;
  size_t completed = 0;
};

// The error an ERROR reply names ("ENOENT\0"); unknown names give EINVAL.
Err errorFromPayload(std::string_view payload);
// Request types whose success reply is just "OK".
bool repliesOk(uint32_t type);

template <class Pred>
bool Client::waitFor(std::unique_lock<std::mutex>& lk, Pred done, int timeoutMs) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
  while (!done()) {
    if (broken_) {
      return false;
    }
    int left = -1;
    if (timeoutMs >= 0) {
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
      if (ms <= 0) {
        return false;
      }
      left = static_cast<int>(ms);
    }
    if (!reading_) {
      reading_ = true;
      pumpLocked(lk, left, false);
      reading_ = false;
      cv_.notify_all();
    } else if (timeoutMs < 0) {
      cv_.wait(lk);
    } else {
      cv_.wait_until(lk, deadline);
    }
  }
  return true;
}

}  // namespace xenia::xs
