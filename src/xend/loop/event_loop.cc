// epoll + timer dispatch for xend's single thread. Callbacks are held by
// shared_ptr so a callback that removes its own fd stays alive until it
// returns; events for an fd removed earlier in the same round are skipped.
#include "xend/loop/event_loop.h"

#include <sys/epoll.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace xenia::xend {

EventLoop::EventLoop() : epoll_(::epoll_create1(EPOLL_CLOEXEC)) {
  if (!epoll_) {
    throw std::runtime_error(std::string("epoll_create1: ") + std::strerror(errno));
  }
}

void EventLoop::add(int fd, uint32_t events, FdCallback cb) {
  epoll_event ev{};
  ev.events = events;
  ev.data.fd = fd;
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &ev) != 0) {
    throw std::runtime_error(std::string("epoll_ctl(ADD): ") + std::strerror(errno));
  }
  fds_[fd] = Entry{events, std::make_shared<FdCallback>(std::move(cb))};
}

void EventLoop::modify(int fd, uint32_t events) {
  auto it = fds_.find(fd);
  if (it == fds_.end() || it->second.events == events) {
    return;
  }
  epoll_event ev{};
  ev.events = events;
  ev.data.fd = fd;
  ::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, fd, &ev);
  it->second.events = events;
}

void EventLoop::remove(int fd) {
  if (fds_.erase(fd) != 0) {
    ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr);
  }
}

EventLoop::TimerId EventLoop::addTimer(std::chrono::milliseconds delay,
                                       std::function<void()> cb) {
  TimerId id = nextTimer_++;
  timers_.emplace(Clock::now() + delay, std::make_pair(id, std::move(cb)));
  return id;
}

void EventLoop::cancelTimer(TimerId id) {
  for (auto it = timers_.begin(); it != timers_.end(); ++it) {
    if (it->second.first == id) {
      timers_.erase(it);
      return;
    }
  }
}

void EventLoop::runOnce(std::chrono::milliseconds maxWait) {
  auto now = Clock::now();
  auto wait = maxWait;
  if (!timers_.empty()) {
    auto untilTimer =
        std::chrono::duration_cast<std::chrono::milliseconds>(timers_.begin()->first - now);
    if (untilTimer < wait) {
      wait = std::max(untilTimer, std::chrono::milliseconds(0));
    }
  }
  epoll_event events[64];
  int n = ::epoll_wait(epoll_.get(), events, 64, static_cast<int>(wait.count()));
  for (int i = 0; i < n; ++i) {
    auto it = fds_.find(events[i].data.fd);
    if (it == fds_.end()) {
      continue;  // removed by an earlier callback in this round
    }
    auto cb = it->second.cb;  // keeps the callback alive if it removes itself
    (*cb)(events[i].events);
  }
  // Timers due now; ones added by these callbacks wait for the next round.
  now = Clock::now();
  std::vector<std::function<void()>> due;
  while (!timers_.empty() && timers_.begin()->first <= now) {
    due.push_back(std::move(timers_.begin()->second.second));
    timers_.erase(timers_.begin());
  }
  for (auto& f : due) {
    f();
  }
}

void EventLoop::run() {
  while (!stopped_) {
    runOnce();
  }
}

}  // namespace xenia::xend
