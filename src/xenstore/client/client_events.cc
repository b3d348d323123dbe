// Client event delivery: the pollFd() epoll fd and dispatchEvents() for
// callers with their own event loop, readWatch() for callback-less watches,
// and the optional background thread that runs callbacks.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>

#include "xenstore/client/client_internal.h"

namespace xenia::xs {

int Client::pollFd() {
  std::lock_guard lk(mu_);
  if (epollFd_) {
    return epollFd_.get();
  }
  UniqueFd ep(::epoll_create1(EPOLL_CLOEXEC));
  UniqueFd ev(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!ep || !ev) {
    return -1;
  }
  epoll_event e{};
  e.events = EPOLLIN;
  e.data.fd = fd_.get();
  ::epoll_ctl(ep.get(), EPOLL_CTL_ADD, fd_.get(), &e);
  e.data.fd = ev.get();
  ::epoll_ctl(ep.get(), EPOLL_CTL_ADD, ev.get(), &e);
  epollFd_ = std::move(ep);
  eventFd_ = std::move(ev);
  if (!cbEvents_.empty() || !plainEvents_.empty() || broken_) {
    signalEventsLocked();
  }
  return epollFd_.get();
}

void Client::clearEventSignalLocked() {
  if (eventFd_ && eventFdSignalled_ && cbEvents_.empty() && plainEvents_.empty() && !broken_) {
    uint64_t v;
    if (::read(eventFd_.get(), &v, sizeof(v)) == sizeof(v)) {
      eventFdSignalled_ = false;
    }
  }
}

size_t Client::dispatchEvents() {
  std::unique_lock lk(mu_);
  if (!reading_) {
    reading_ = true;
    // Take what is there now; a bounded number of reads keeps a flood from
    // starving the caller's loop.
    for (int i = 0; i < 64 && pumpLocked(lk, 0, false) == Pump::Progress; ++i) {
    }
    reading_ = false;
    cv_.notify_all();
  }
  std::deque<QueuedEvent> todo;
  todo.swap(cbEvents_);
  clearEventSignalLocked();
  size_t ran = 0;
  for (auto& q : todo) {
    std::shared_ptr<WatchCallback> cb;
    for (const auto& w : watches_) {
      if (w.id == q.watchId) {
        cb = w.cb;
        break;
      }
    }
    if (!cb) {
      continue;  // unwatched meanwhile
    }
    lk.unlock();
    (*cb)(q.ev);
    ++ran;
    lk.lock();
  }
  return ran;
}

std::optional<WatchEvent> Client::readWatch(int timeoutMs) {
  std::unique_lock lk(mu_);
  if (!waitFor(lk, [&] { return !plainEvents_.empty(); }, timeoutMs)) {
    return std::nullopt;
  }
  WatchEvent ev = std::move(plainEvents_.front());
  plainEvents_.pop_front();
  clearEventSignalLocked();
  return ev;
}

Status Client::startEventThread() {
  std::lock_guard lk(mu_);
  if (eventThread_.joinable()) {
    return Ok{};
  }
  stopFd_.reset(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!stopFd_) {
    return unexpected(errFromErrno(errno));
  }
  stopping_ = false;
  eventThread_ = std::thread([this] { eventThreadMain(); });
  return Ok{};
}

void Client::stopEventThread() {
  {
    std::lock_guard lk(mu_);
    if (!eventThread_.joinable()) {
      return;
    }
    stopping_ = true;
    uint64_t one = 1;
    (void)!::write(stopFd_.get(), &one, sizeof(one));
    cv_.notify_all();
  }
  eventThread_.join();
  std::lock_guard lk(mu_);
  stopFd_.reset();
}

void Client::eventThreadMain() {
  std::unique_lock lk(mu_);
  while (!stopping_) {
    if (!cbEvents_.empty()) {
      lk.unlock();
      dispatchEvents();
      lk.lock();
      continue;
    }
    if (!reading_ && !broken_) {
      reading_ = true;
      pumpLocked(lk, -1, true);
      reading_ = false;
      cv_.notify_all();
    } else {
      cv_.wait(lk);
    }
  }
}

}  // namespace xenia::xs
