// The QMP protocol state machine without I/O: bytes in (feed), wire messages
// out (nextToSend). Handles the greeting and capabilities negotiation, gives
// every command an id, keeps at most one command in flight (as libvirt does;
// it also keeps SCM_RIGHTS fds paired with their getfd), matches replies by
// id and delivers events in stream order. Any protocol violation closes it.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "common/expected.h"
#include "common/unique_fd.h"
#include "qemu/qmp/error.h"
#include "qemu/qmp/line_reader.h"
#include "qemu/qmp/message.h"

namespace xenia::qmp {

// One QMP command. fd, when set, travels with it as SCM_RIGHTS (getfd, add-fd).
struct Command {
  Command() = default;
  explicit Command(std::string n, nlohmann::json a = nlohmann::json::object())
      : name(std::move(n)), args(std::move(a)) {}

  std::string name;
  nlohmann::json args = nlohmann::json::object();
  UniqueFd fd;
};

using Reply = Expected<nlohmann::json, Error>;
using Completion = std::function<void(Reply)>;

struct SessionHandlers {
  std::function<void(const Event&)> onEvent;
  std::function<void(const Greeting&)> onReady;   // capabilities accepted
  std::function<void(const Error&)> onClosed;     // once, with the reason
};

class Session {
 public:
  enum class State { kAwaitGreeting, kNegotiating, kReady, kClosed };

  // A message ready for the socket; fd (if any) must go with its first byte.
  struct Wire {
    uint64_t id = 0;  // the submit() handle
    std::string bytes;
    UniqueFd fd;
  };

  explicit Session(SessionHandlers h, size_t maxLine = kMaxMessageBytes);
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Bytes read from QEMU. Dispatches every complete line: events to onEvent,
  // replies to their completion. A violation closes the session and returns
  // the error (also given to onClosed and to every pending completion).
  Expected<Ok, Error> feed(std::string_view bytes);

  // Queues a command; returns a handle for abandon(). Wire ids ("xenia-N")
  // are given in send order, so a session's transcript is deterministic
  // (qmp_capabilities is always xenia-1). Commands wait until negotiation is done
  // and the previous command's reply arrived. On a closed session the
  // completion runs at once with kClosed.
  uint64_t submit(Command cmd, Completion done);

  // Forgets a command's completion (a blocking call timed out). If it is
  // already in flight its reply is still awaited, then discarded.
  void abandon(uint64_t id);

  // The next message to transmit, if one may go now. Marks it in flight.
  std::optional<Wire> nextToSend();

  // Closes with a reason: fails all pending completions, calls onClosed once.
  void close(const Error& why);

  State state() const { return state_; }
  bool ready() const { return state_ == State::kReady; }
  const Greeting& greeting() const { return greeting_; }
  // Why the session closed (meaningful once state() is kClosed).
  const Error& closeReason() const { return closeReason_; }
  // Commands queued or in flight.
  size_t pending() const { return queue_.size() + (inFlight_ ? 1 : 0); }

 private:
  struct Pending {
    uint64_t id = 0;      // the handle submit() returned
    uint64_t wireId = 0;  // set when sent
    Command cmd;
    Completion done;
  };

  Expected<Ok, Error> dispatch(Message& m);
  Expected<Ok, Error> onReply(ReplyMessage& r);
  Expected<Ok, Error> fail(Error e);
  static std::string wireId(uint64_t id);

  SessionHandlers h_;
  LineReader reader_;
  State state_ = State::kAwaitGreeting;
  Greeting greeting_;
  Error closeReason_;
  uint64_t nextId_ = 1;
  uint64_t nextWireId_ = 1;
  std::deque<Pending> queue_;
  std::optional<Pending> inFlight_;  // sent (or handed to the writer), awaiting reply
};

const char* stateName(Session::State s);

}  // namespace xenia::qmp
