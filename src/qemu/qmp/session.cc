// QMP session state machine: negotiation, one command in flight, id matching.
#include "qemu/qmp/session.h"

#include <fmt/format.h>

namespace xenia::qmp {

using nlohmann::json;

const char* stateName(Session::State s) {
  switch (s) {
    case Session::State::kAwaitGreeting:
      return "awaiting greeting";
    case Session::State::kNegotiating:
      return "negotiating";
    case Session::State::kReady:
      return "ready";
    case Session::State::kClosed:
      return "closed";
  }
  return "unknown";
}

Session::Session(SessionHandlers h, size_t maxLine) : h_(std::move(h)), reader_(maxLine) {}

std::string Session::wireId(uint64_t id) { return fmt::format("xenia-{}", id); }

Expected<Ok, Error> Session::fail(Error e) {
  close(e);
  return unexpected(std::move(e));
}

Expected<Ok, Error> Session::feed(std::string_view bytes) {
  if (state_ == State::kClosed) {
    return unexpected(closeReason_);
  }
  if (!reader_.append(bytes)) {
    return fail(localError(ErrorKind::kProtocol,
                           fmt::format("QEMU sent a QMP line longer than {} bytes.",
                                       kMaxMessageBytes)));
  }
  std::string line;
  while (reader_.next(line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) {
      continue;  // blank lines carry nothing; QEMU never sends them but they are harmless
    }
    auto msg = decodeMessage(line);
    if (!msg) {
      return fail(msg.error());
    }
    auto r = dispatch(*msg);
    if (!r) {
      return r;
    }
    if (state_ == State::kClosed) {  // a callback closed us
      return unexpected(closeReason_);
    }
  }
  if (reader_.failed()) {
    return fail(localError(ErrorKind::kProtocol,
                           fmt::format("QEMU sent a QMP line longer than {} bytes.",
                                       kMaxMessageBytes)));
  }
  return Ok{};
}

Expected<Ok, Error> Session::dispatch(Message& m) {
  if (auto* g = std::get_if<Greeting>(&m)) {
    if (state_ != State::kAwaitGreeting) {
      return fail(localError(ErrorKind::kProtocol, "QEMU sent a second QMP greeting."));
    }
    greeting_ = std::move(*g);
    state_ = State::kNegotiating;
    Pending p;
    p.id = nextId_++;
    p.cmd.name = "qmp_capabilities";
    p.done = [this](Reply r) {
      if (!r) {
        if (r.error().kind == ErrorKind::kCommand) {
          close(localError(ErrorKind::kProtocol,
                           "QEMU refused qmp_capabilities: " + r.error().message()));
        }
        return;
      }
      state_ = State::kReady;
      if (h_.onReady) {
        h_.onReady(greeting_);
      }
    };
    queue_.push_front(std::move(p));
    return Ok{};
  }
  if (state_ == State::kAwaitGreeting) {
    return fail(localError(ErrorKind::kProtocol, "QEMU sent a message before its QMP greeting."));
  }
  if (auto* e = std::get_if<Event>(&m)) {
    if (h_.onEvent) {
      h_.onEvent(*e);
    }
    return Ok{};
  }
  return onReply(std::get<ReplyMessage>(m));
}

Expected<Ok, Error> Session::onReply(ReplyMessage& r) {
  if (!inFlight_) {
    return fail(localError(ErrorKind::kProtocol, "QEMU sent a reply no command is waiting for."));
  }
  if (r.id.is_null()) {
    // QEMU omits the id only when it could not parse our command at all.
    return fail(localError(ErrorKind::kProtocol,
                           r.ok ? "QEMU sent a reply without an id."
                                : "QEMU sent an error without an id: " + r.errorClass + ": " +
                                      r.errorDesc));
  }
  if (!r.id.is_string() || r.id.get_ref<const std::string&>() != wireId(inFlight_->wireId)) {
    return fail(localError(ErrorKind::kProtocol,
                           fmt::format("QEMU answered with an id other than the command's {}.",
                                       wireId(inFlight_->wireId))));
  }
  Completion done = std::move(inFlight_->done);
  inFlight_.reset();
  if (done) {
    if (r.ok) {
      done(Reply(std::move(r.value)));
    } else {
      done(Reply(unexpected(commandError(std::move(r.errorClass), std::move(r.errorDesc)))));
    }
  }
  return Ok{};
}

uint64_t Session::submit(Command cmd, Completion done) {
  uint64_t id = nextId_++;
  if (state_ == State::kClosed) {
    if (done) {
      done(Reply(unexpected(localError(ErrorKind::kClosed, "The QMP connection is closed."))));
    }
    return id;
  }
  queue_.push_back(Pending{id, 0, std::move(cmd), std::move(done)});
  return id;
}

void Session::abandon(uint64_t id) {
  if (inFlight_ && inFlight_->id == id) {
    inFlight_->done = nullptr;
    return;
  }
  for (auto it = queue_.begin(); it != queue_.end(); ++it) {
    if (it->id == id) {
      queue_.erase(it);
      return;
    }
  }
}

std::optional<Session::Wire> Session::nextToSend() {
  if (state_ == State::kAwaitGreeting || state_ == State::kClosed || inFlight_ || queue_.empty()) {
    return std::nullopt;
  }
  Pending p = std::move(queue_.front());
  queue_.pop_front();
  Wire w;
  w.id = p.id;
  p.wireId = nextWireId_++;
  w.bytes = encodeCommand(p.cmd.name, p.cmd.args, wireId(p.wireId));
  w.fd = std::move(p.cmd.fd);
  p.cmd.args = json();
  inFlight_ = std::move(p);
  return w;
}

void Session::close(const Error& why) {
  if (state_ == State::kClosed) {
    return;
  }
  state_ = State::kClosed;
  closeReason_ = why;
  std::deque<Pending> queued = std::move(queue_);
  queue_.clear();
  std::optional<Pending> flying = std::move(inFlight_);
  inFlight_.reset();
  Reply failed = unexpected(why);
  if (flying && flying->done) {
    flying->done(failed);
  }
  for (auto& p : queued) {
    if (p.done) {
      p.done(failed);
    }
  }
  if (h_.onClosed) {
    h_.onClosed(why);
  }
}

}  // namespace xenia::qmp
