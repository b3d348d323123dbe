// A QMP connection to one QEMU over a unix socket. Two ways to drive it:
//  - epoll: register fd() for EPOLLIN (level-triggered), add EPOLLOUT while
//    wantsWrite(), call onReadable()/onWritable(); send() queues commands.
//  - blocking: call() sends one command and waits (with a timeout) for its
//    reply, still delivering events that arrive meanwhile.
// Both may be mixed on one client. Callbacks run inside onReadable()/call();
// they must not destroy the Client or make blocking calls (kUsage). One
// thread drives a client; destroying it completes pending commands with
// kClosed (so their completions must not outlive what they capture).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "common/expected.h"
#include "common/unique_fd.h"
#include "qemu/qmp/session.h"

namespace xenia::qmp {

struct ClientHandlers {
  std::function<void(const Event&)> onEvent;
  std::function<void(const Greeting&)> onReady;
  // Runs once when the connection ends (EOF, protocol or I/O error, close());
  // fd() is still open during it so an epoll owner can deregister it.
  std::function<void(const Error&)> onClosed;
};

// A non-blocking, close-on-exec connection to a unix stream socket.
Expected<UniqueFd, Error> connectUnixSocket(const std::string& path);

class Client {
 public:
  // Connects to QEMU's QMP socket (-qmp unix:PATH,server=on,wait=off),
  // retrying while the socket does not exist yet or refuses (QEMU is still
  // starting), then waits for the greeting and negotiates capabilities.
  static Expected<std::unique_ptr<Client>, Error> connect(const std::string& path,
                                                          std::chrono::milliseconds timeout,
                                                          ClientHandlers h = {});

  // Takes an already-connected stream socket (made non-blocking). Negotiation
  // proceeds as bytes arrive: via onReadable() or waitReady().
  static std::unique_ptr<Client> adopt(UniqueFd fd, ClientHandlers h = {});

  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Blocks until negotiation finished (or failed, or timed out).
  Expected<Ok, Error> waitReady(std::chrono::milliseconds timeout);

  // Queues a command (sent once the previous reply arrived); the completion
  // runs from onReadable()/call() with the reply, or with the close reason.
  uint64_t send(Command cmd, Completion done);

  // Sends and waits. On timeout the reply will be discarded when it comes;
  // the connection stays usable (a QEMU that never answers should be killed).
  Reply call(Command cmd, std::chrono::milliseconds timeout);

  void abandon(uint64_t id) { session_.abandon(id); }

  // The epoll side.
  int fd() const { return fd_.get(); }
  bool wantsWrite() const { return out_.has_value(); }
  void onReadable();
  void onWritable() { pump(); }

  // Closes the connection (kClosed to pending completions, then onClosed).
  void close();

  bool closed() const { return session_.state() == Session::State::kClosed; }
  bool ready() const { return session_.ready(); }
  const Greeting& greeting() const { return session_.greeting(); }
  const Version& qemuVersion() const { return session_.greeting().version; }

 private:
  Client(UniqueFd fd, ClientHandlers h);

  // Writes queued bytes until done or EAGAIN; fetches the next command.
  void pump();
  bool writeSome();
  void fail(ErrorKind kind, std::string why);
  // Runs the poll loop until done() or the deadline; false on timeout.
  bool waitUntil(const std::function<bool()>& done, std::chrono::steady_clock::time_point deadline);

  UniqueFd fd_;
  ClientHandlers h_;
  Session session_;
  std::optional<Session::Wire> out_;
  size_t outOffset_ = 0;
  int dispatching_ = 0;  // > 0 while callbacks may run
};

}  // namespace xenia::qmp
