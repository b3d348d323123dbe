// xend's single-threaded event loop: epoll over file descriptors plus
// one-shot timers. Everything in xend (RPC connections, QMP sockets, QEMU
// pidfds, console multiplexers, XenStore watches) registers here, so no
// locking is needed anywhere in the daemon. Callbacks may add and remove
// registrations (including their own) while running.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <unordered_map>

#include "common/unique_fd.h"

namespace xenia::xend {

class EventLoop {
 public:
  using Clock = std::chrono::steady_clock;
  // events: EPOLLIN/EPOLLOUT/EPOLLERR/EPOLLHUP bits as epoll reported them.
  using FdCallback = std::function<void(uint32_t events)>;
  using TimerId = uint64_t;

  EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Level-triggered. `events` is EPOLLIN, EPOLLOUT or both. An fd may be
  // registered once; modify() changes the interest set.
  void add(int fd, uint32_t events, FdCallback cb);
  void modify(int fd, uint32_t events);
  // Safe from inside any callback, including fd's own.
  void remove(int fd);
  bool watching(int fd) const { return fds_.count(fd) != 0; }

  TimerId addTimer(std::chrono::milliseconds delay, std::function<void()> cb);
  void cancelTimer(TimerId id);

  // One round: waits up to `maxWait` (or the next timer), dispatches.
  void runOnce(std::chrono::milliseconds maxWait = std::chrono::milliseconds(1000));
  // Until stop() is called.
  void run();
  void stop() { stopped_ = true; }
  bool stopped() const { return stopped_; }

 private:
  struct Entry {
    uint32_t events;
    std::shared_ptr<FdCallback> cb;
  };
  UniqueFd epoll_;
  std::unordered_map<int, Entry> fds_;
  std::multimap<Clock::time_point, std::pair<TimerId, std::function<void()>>> timers_;
  TimerId nextTimer_ = 1;
  bool stopped_ = false;
};

}  // namespace xenia::xend
