// Server lifecycle: start-up (socket, persistence, guest sockets), the event
// loop, the listeners and the engine hooks (INTRODUCE/RELEASE, CONTROL).
#include "xenstore/server/server.h"

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/log.h"
#include "xenstore/server/file_journal.h"
#include "xenstore/server/server_conn.h"
#include "xenstore/server/server_uring.h"
#include "xenstore/server/unix_socket.h"

namespace xenia::xs {
namespace {

// epoll user data: connections use their ConnId (small, sequential); these
// tags mark everything else.
constexpr uint64_t kTagWake = uint64_t(1) << 63;
constexpr uint64_t kTagMain = uint64_t(1) << 62;
constexpr uint64_t kTagGuest = uint64_t(1) << 61;  // | domid
constexpr uint64_t kTagMask = kTagWake | kTagMain | kTagGuest;
constexpr size_t kMaxEvents = 128;

}  // namespace

Server::Server(const ServerOptions& options)
    : options_(options), log_(xenia::log::get("xenstored")) {}

Server::~Server() {
  if (uring_) {
    uring_->drain();
  }
  for (auto& [id, c] : conns_) {
    c->fd.reset();
  }
  conns_.clear();
  while (!guests_.empty()) {
    removeGuestListener(guests_.begin()->first);
  }
  if (ownSocket_) {
    ::unlink(options_.socketPath.c_str());
  }
}

Expected<std::unique_ptr<Server>, std::string> Server::create(const ServerOptions& options) {
  std::unique_ptr<Server> s(new Server(options));
  if (auto ok = s->init(); !ok) {
    return unexpected(ok.error());
  }
  return s;
}

Expected<Ok, std::string> Server::init() {
  engine_ = std::make_unique<Engine>(*this, *this, options_.engine);
  readBuf_ = std::make_unique<char[]>(kReadChunk + kHeaderSize + kPayloadMax);
  outputSoftLimit_ = std::min<size_t>(256 * 1024, options_.maxOutputBytes / 4);

  epoll_.reset(::epoll_create1(EPOLL_CLOEXEC));
  wake_.reset(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
  spareFd_.reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (!epoll_ || !wake_) {
    return unexpected(std::string("Cannot create epoll/eventfd: ") + std::strerror(errno) + ".");
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kTagWake;
  ::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, wake_.get(), &ev);

  // The socket first: it tells us whether another daemon is already running
  // before we touch (and lock) its persistence directory.
  rundir_ = dirName(options_.socketPath);
  if (auto ok = makeDirs(rundir_, 0755); !ok) {
    return ok;
  }
  auto fd = listenUnix(options_.socketPath, 0600);
  if (!fd) {
    return unexpected(fd.error());
  }
  listener_ = std::move(*fd);
  ownSocket_ = true;
  ev.data.u64 = kTagMain;
  ::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, listener_.get(), &ev);

  if (options_.io != IoBackend::Epoll) {
    // Probed here, before daemonizing, so a forced backend that cannot work
    // fails the start; run() creates the ring it serves with in its own task.
    std::string why;
    useUring_ = Uring::create(why) != nullptr;
    if (!useUring_ && options_.io == IoBackend::IoUring) {
      return unexpected("Cannot use io_uring: " + why);
    }
    if (!useUring_) {
      log_->info("io_uring unavailable ({}); serving with epoll.", why);
    }
  }

  if (!options_.traceFile.empty() && !trace_.open(options_.traceFile)) {
    return unexpected("Cannot open trace file " + options_.traceFile + ": " +
                      std::strerror(errno) + ".");
  }

  if (!options_.persistDir.empty()) {
    auto journal = FileJournal::open(options_.persistDir, options_.journalLimitBytes);
    if (!journal) {
      return unexpected(journal.error());
    }
    journal_ = std::move(*journal);
    auto stats = journal_->load();
    if (!stats) {
      return unexpected(stats.error());
    }
    std::vector<DomId> domains = journal_->restoreInto(*engine_);
    log_->info("Restored {} nodes and {} domains from {} ({} snapshot + {} journal records).",
               engine_->nodeCount(), domains.size(), options_.persistDir,
               stats->snapshotRecords, stats->journalRecords);
    if (stats->tornBytes > 0) {
      log_->warn("Dropped {} bytes of a torn or damaged journal tail in {}.", stats->tornBytes,
                 options_.persistDir);
    }
    if (auto ok = journal_->compact(*engine_); !ok) {
      return ok;
    }
    engine_->setJournal(journal_.get());
    for (DomId d : domains) {
      domainIntroduced(d);
    }
  }
  return Ok{};
}

std::string Server::guestSocketPath(DomId domid) const {
  return rundir_ + "/domain/" + std::to_string(domid) + "/socket";
}

void Server::requestStop() {
  stop_.store(true);
  uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(wake_.get(), &one, sizeof(one));
}

void Server::requestReopen() {
  reopen_.store(true);
  uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(wake_.get(), &one, sizeof(one));
}

void Server::onWake() {
  uint64_t v;
  [[maybe_unused]] ssize_t n = ::read(wake_.get(), &v, sizeof(v));
  if (reopen_.exchange(false) && trace_.enabled()) {
    trace_.reopen();
  }
}

int Server::run() {
  if (useUring_) {
    return runUring();
  }
  return runEpoll();
}

int Server::runEpoll() {
  epoll_event events[kMaxEvents];
  while (!stop_.load()) {
    int n = ::epoll_wait(epoll_.get(), events, kMaxEvents, unblocked_.empty() ? -1 : 0);
    if (n < 0 && errno != EINTR) {
      log_->critical("epoll_wait failed: {}.", std::strerror(errno));
      return 1;
    }
    for (int i = 0; i < n; ++i) {
      uint64_t tag = events[i].data.u64;
      if (tag == kTagWake) {
        onWake();
      } else if (tag & kTagMask) {
        onAccept(tag);
      } else {
        onConnEvent(tag, events[i].events);
      }
    }
    if (!finishIteration()) {
      break;
    }
  }
  return exitCode_;
}

int Server::pollEpoll(int timeoutMs) {
  epoll_event events[kMaxEvents];
  int n = ::epoll_wait(epoll_.get(), events, kMaxEvents, timeoutMs);
  for (int i = 0; i < n; ++i) {
    uint64_t tag = events[i].data.u64;
    if (tag == kTagWake) {
      onWake();
    } else if (tag & kTagMask) {
      onAccept(tag);
    }
  }
  return n;
}

bool Server::finishIteration() {
  // Guests whose replies were read since they hit the outstanding limit.
  if (!unblocked_.empty()) {
    std::vector<ConnId> ready;
    ready.swap(unblocked_);
    for (ConnId id : ready) {
      if (Conn* c = find(id)) {
        processBlocked(*c);
      }
    }
  }
  // Group commit: everything changed in this iteration becomes durable
  // before any reply or event about it leaves the daemon.
  if (journal_ && journal_->dirty()) {
    if (auto ok = journal_->sync(); !ok) {
      log_->critical("{} Stopping: replies cannot be acknowledged.", ok.error());
      exitCode_ = 1;
      return false;
    }
  }
  for (size_t i = 0; i < dirty_.size(); ++i) {
    if (Conn* c = find(dirty_[i])) {
      c->dirty = false;
      flushConn(*c);
    }
  }
  dirty_.clear();
  runCloses();
  graveyard_.clear();
  if (journal_ && journal_->wantsCompaction()) {
    if (auto ok = journal_->compact(*engine_); !ok) {
      log_->critical("Journal compaction failed: {} Stopping.", ok.error());
      exitCode_ = 1;
      return false;
    }
  }
  trace_.flush();
  return true;
}

void Server::onAccept(uint64_t tag) {
  if (tag == kTagMain) {
    acceptOne(listener_.get(), kDom0, nullptr);
    return;
  }
  DomId domid = DomId(tag & ~kTagMask);
  auto it = guests_.find(domid);
  if (it != guests_.end()) {
    acceptOne(it->second.fd.get(), domid, &it->second);
  }
}

void Server::acceptOne(int listenFd, DomId domid, GuestListener* guest) {
  // One accept per readiness event: level-triggered epoll brings us back, and
  // a flood of connects cannot monopolise an iteration.
  UniqueFd fd(::accept4(listenFd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
  if (!fd) {
    if (errno == EMFILE || errno == ENFILE) {
      // Out of descriptors: accept with the spare one and drop the client, or
      // the pending connection would wake us forever.
      spareFd_.reset();
      UniqueFd drop(::accept4(listenFd, nullptr, nullptr, SOCK_CLOEXEC));
      spareFd_.reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));
      log_->warn("Out of file descriptors; refused a connection.");
    }
    return;
  }
  if (guest && guest->conns >= options_.maxGuestConnections) {
    log_->warn("Domain {} has {} connections; refused another.", domid, guest->conns);
    return;
  }
  auto c = std::make_unique<Conn>();
  c->id = engine_->connect(domid);
  c->domid = domid;
  c->privileged = guest == nullptr;
  c->fd = std::move(fd);
  if (!c->privileged) {
    // Bounded by the outstanding quota; a large SET_QUOTA value just grows it.
    c->replyEnds.reserve(std::min<uint32_t>(engine_->quotasFor(domid).outstanding, 1024) + 1);
  }
  if (!uring_) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = c->id;
    if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, c->fd.get(), &ev) != 0) {
      engine_->disconnect(c->id);
      return;
    }
  }
  if (guest) {
    ++guest->conns;
  }
  if (trace_.enabled()) {
    trace_.note("CREATE connection conn" + std::to_string(c->id) + " d" + std::to_string(domid));
  }
  log_->debug("New connection {} for domain {}.", c->id, domid);
  Conn& conn = *c;
  conns_.emplace(c->id, std::move(c));
  if (uring_) {
    uringArmRecv(conn);
  }
}

void Server::domainIntroduced(DomId domid) {
  if (domid == kDom0 || guests_.count(domid)) {
    return;
  }
  std::string path = guestSocketPath(domid);
  std::string dir = dirName(path);
  auto made = makeDirs(dirName(dir), 0755);
  // A directory left by an earlier daemon may have other permissions.
  if (made && ((::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) ||
               ::chmod(dir.c_str(), 0700) != 0)) {
    made = unexpected("Cannot create directory " + dir + ": " + std::strerror(errno) + ".");
  }
  if (!made) {
    log_->error("No socket for domain {}: {}", domid, made.error());
    return;
  }
  auto fd = listenUnix(path, 0600);
  if (!fd) {
    log_->error("No socket for domain {}: {}", domid, fd.error());
    return;
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kTagGuest | domid;
  ::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd->get(), &ev);
  guests_.emplace(domid, GuestListener{std::move(*fd), path, 0});
  log_->debug("Domain {} listens on {}.", domid, path);
}

void Server::removeGuestListener(DomId domid) {
  auto it = guests_.find(domid);
  if (it == guests_.end()) {
    return;
  }
  ::unlink(it->second.path.c_str());
  ::rmdir(dirName(it->second.path).c_str());
  guests_.erase(it);  // closing the fd removes it from the epoll set
}

void Server::domainReleased(DomId domid) {
  removeGuestListener(domid);
  // Called from inside Engine::request: the connections are disconnected
  // from the engine once that call returns (runCloses).
  for (auto& [id, c] : conns_) {
    if (c->domid == domid && !c->privileged) {
      scheduleClose(*c, "domain released");
    }
  }
}

std::optional<std::string> Server::control(const std::vector<std::string_view>& args) {
  if (args.empty()) {
    return std::nullopt;
  }
  // C xenstored: "log on|off" switches the trace, "logfile FILE" moves it.
  if (args[0] == "log" && args.size() == 2) {
    if (args[1] == "on") {
      if (trace_.path().empty() || !trace_.reopen()) {
        return std::nullopt;
      }
      return std::string("OK");
    }
    if (args[1] == "off") {
      trace_.close();
      return std::string("OK");
    }
    return std::nullopt;
  }
  if (args[0] == "logfile" && args.size() == 2 && !args[1].empty()) {
    if (!trace_.open(std::string(args[1]))) {
      return std::nullopt;
    }
    return std::string("OK");
  }
  if (args[0] == "print" && args.size() == 2) {
    trace_.note(std::string(args[1]));
    log_->info("{}", args[1]);
    return std::string("OK");
  }
  return std::nullopt;
}

}  // namespace xenia::xs
