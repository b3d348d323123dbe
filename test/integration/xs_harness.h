// Test harness for xenstored integration tests: a temporary directory, a
// daemon process started with -N on a socket inside it (killed afterwards),
// and a raw wire-protocol client built on wire.h.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <deque>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "xenstore/wire/wire.h"

namespace xenia::xs::test {

// mkdtemp("/tmp/xs-XXXXXX"), removed recursively on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string file(std::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

// "a","b" -> "a\0b\0"
std::string nul(std::initializer_list<std::string_view> parts);

class Daemon {
 public:
  // Starts build/bin/xenstored -N --rundir <rundir> [--io $XS_TEST_IO] <args...>,
  // stderr to <rundir>/daemon.log, and waits until its socket accepts connections.
  static std::unique_ptr<Daemon> start(const std::string& rundir,
                                       const std::vector<std::string>& args = {});
  ~Daemon();  // SIGTERM, then SIGKILL if it does not stop

  pid_t pid() const { return pid_; }
  const std::string& socket() const { return socket_; }
  std::string guestSocket(unsigned domid) const;
  // Sends sig and waits for the process; returns its wait status.
  int killAndWait(int sig);
  bool running();
  // Resident set size in KiB, from /proc.
  long rssKiB() const;
  std::string log() const;

 private:
  pid_t pid_ = -1;
  std::string rundir_;
  std::string socket_;
};

// The path of the xenstored binary under test.
std::string xenstoredBinary();
// Runs argv (no shell) to completion, stdio inherited; returns the wait status.
int runProgram(std::vector<std::string> args);

struct Reply {
  uint32_t type = 0;
  uint32_t reqId = 0;
  uint32_t txId = 0;
  std::string payload;
  bool isError() const { return type == uint32_t(MsgType::Error); }
  // "EACCES" for an error reply, "" otherwise.
  std::string error() const;
  // Payload up to the first NUL ("OK", "5"...).
  std::string text() const;
};

class RawClient {
 public:
  // Connects (blocking); check connected().
  explicit RawClient(const std::string& socketPath);
  ~RawClient();
  bool connected() const { return fd_ >= 0; }
  int fd() const { return fd_; }

  bool sendRaw(std::string_view bytes);
  bool send(MsgType type, std::string_view payload, uint32_t txId = 0, uint32_t reqId = 0);
  // Next message from the daemon (reply or watch event); nullopt on EOF,
  // error or timeout.
  std::optional<Reply> recv(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Sends a request and returns its reply; watch events that arrive first are
  // kept for nextEvent(). A missing reply fails the calling test.
  Reply call(MsgType type, std::string_view payload, uint32_t txId = 0);
  std::optional<Reply> nextEvent(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // True once the daemon has closed the connection (within the timeout).
  bool waitClosed(std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // Convenience wrappers returning "OK"/the value, or the error name.
  std::string write(std::string_view path, std::string_view value, uint32_t tx = 0);
  std::string read(std::string_view path, uint32_t tx = 0);
  std::string mkdir(std::string_view path);
  std::string rm(std::string_view path);
  std::string setPerms(std::string_view path, std::initializer_list<std::string_view> perms);
  std::string getPerms(std::string_view path);
  std::string watch(std::string_view path, std::string_view token);
  std::string introduce(unsigned domid);
  std::string release(unsigned domid);

 private:
  int fd_ = -1;
  uint32_t nextReq_ = 1;
  StreamDecoder decoder_;
  std::string inbuf_;  // received, not yet decoded
  std::deque<Reply> events_;
};

}  // namespace xenia::xs::test
