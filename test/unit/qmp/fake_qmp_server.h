// A scripted fake QEMU monitor for QMP tests (after libvirt's
// qemumonitortestutils.c): listens on a unix socket in a private temp dir,
// sends a greeting, answers each expected command with a scripted reply, emits
// events and raw bytes on cue, records every command (and any SCM_RIGHTS fd),
// and fails the running gtest on an unexpected or missing command.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "common/unique_fd.h"

namespace xenia::qmp::testing {

class FakeQmpServer {
 public:
  // Builds the raw reply text (without or with newline) from the command's id.
  using RawReply = std::function<std::string(const nlohmann::json& id)>;

  FakeQmpServer();  // creates the socket; the script runs after start()
  ~FakeQmpServer();  // stops the thread, removes socket and temp dir
  FakeQmpServer(const FakeQmpServer&) = delete;
  FakeQmpServer& operator=(const FakeQmpServer&) = delete;

  const std::string& path() const { return path_; }

  // --- Script, in order (call before start()). ---
  // Greeting: QEMU 7.2.22's unless replaced; rawGreeting sends any text.
  FakeQmpServer& greeting(nlohmann::json g);
  FakeQmpServer& rawGreeting(std::string line);
  // By default qmp_capabilities is expected and answered first.
  FakeQmpServer& manualNegotiation();
  // Expects command (and args, unless null) next; replies {"return": ret}.
  FakeQmpServer& expect(std::string command, nlohmann::json ret = nlohmann::json::object(),
                        nlohmann::json args = nullptr);
  FakeQmpServer& expectError(std::string command, std::string cls, std::string desc);
  // Expects command and sends whatever reply() returns, verbatim.
  FakeQmpServer& expectRaw(std::string command, RawReply reply);
  // Expects command, replies later with replyHeld().
  FakeQmpServer& expectHeld(std::string command);
  FakeQmpServer& replyHeld(nlohmann::json ret = nlohmann::json::object());
  FakeQmpServer& event(std::string name, nlohmann::json data = nlohmann::json::object());
  FakeQmpServer& raw(std::string bytes);
  // Pauses the script until the test calls signal().
  FakeQmpServer& waitSignal();
  // Closes the connection; later steps are not run.
  FakeQmpServer& hangUp();

  // Accepts one client and runs the script on a thread. After the script the
  // server keeps reading: any further command is an unexpected one.
  void start();
  void signal();
  // Waits until the script has run (bounded); fails the test if it did not.
  void waitScriptDone();

  // Every command received, as parsed JSON objects, in order.
  std::vector<nlohmann::json> received();
  // Takes the fd that came with the n-th received command (invalid if none).
  UniqueFd takeFd(size_t n);

 private:
  struct Step {
    enum Kind { kExpect, kRaw, kWait, kHangUp, kReplyHeld } kind;
    std::string command;
    nlohmann::json args;     // kExpect: args to match, null = any
    RawReply reply;          // kExpect: null = hold
    std::string bytes;       // kRaw
    nlohmann::json value;    // kReplyHeld
  };

  void run();
  bool readCommand(nlohmann::json& cmd);  // false on EOF/stop/timeout
  void sendAll(const std::string& bytes);
  void fail(const std::string& what);

  std::string dir_;
  std::string path_;
  UniqueFd listen_;
  UniqueFd conn_;
  UniqueFd stopRead_, stopWrite_;  // wakes the thread for shutdown
  std::string greeting_;
  bool autoNegotiate_ = true;
  std::vector<Step> steps_;
  std::thread thread_;
  std::string inbuf_;

  std::mutex mu_;
  std::condition_variable cv_;
  int signals_ = 0;
  bool scriptDone_ = false;
  std::vector<nlohmann::json> received_;
  std::vector<UniqueFd> fds_;  // parallel to received_
  std::vector<UniqueFd> pendingFds_;
};

}  // namespace xenia::qmp::testing
