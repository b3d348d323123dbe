// What an xm command runs against: its output streams, the way to xend
// (connected lazily, so `xm help` and config errors never need it), and the
// few facts from the host (clock, /proc/uptime, root or not) behind hooks
// that tests replace. Also xm's ways of failing, with xm's exact words.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <ostream>
#include <string>

#include "common/expected.h"
#include "xend/rpc/client.h"

namespace xenia::xm {

using xend::Json;
using xend::RpcError;

struct Env {
  std::ostream* out = nullptr;
  std::ostream* err = nullptr;
  std::string socketPath;
  bool root = true;  // geteuid() == 0
  int stdinFd = 0;   // console
  int stdoutFd = 1;
  std::function<double()> now;                        // seconds since the epoch
  std::function<std::optional<double>()> hostUptime;  // /proc/uptime, for Domain-0
  std::function<std::string()> localTimeHms;          // "%H:%M:%S" now
  std::function<void(std::chrono::milliseconds)> sleep;
  // Per-call timeouts: most calls are quick; create/start/dump-core can
  // take as long as QEMU needs.
  std::chrono::milliseconds callTimeout = std::chrono::seconds(120);
  std::chrono::milliseconds longCallTimeout = std::chrono::seconds(900);
};

// The real environment: std::cout/cerr, $XEND_SOCKET..., clock, /proc.
Env systemEnv();

class Ctx {
 public:
  Ctx(Env& env, std::string command) : env_(env), command_(std::move(command)) {}

  std::ostream& out() { return *env_.out; }
  std::ostream& err() { return *env_.err; }
  Env& env() { return env_; }
  const std::string& command() const { return command_; }

  // One request; connects on first use.
  Expected<Json, RpcError> call(const std::string& method, const Json& params = Json::object(),
                                bool longCall = false);

  // Prints how an RPC failed and returns the exit status: connection
  // failures as xm did ("Unable to connect to xend: ... Is xend running?",
  // or the root hint when not root), xend's errors as "Error: <message>"
  // followed, except for ENOENT, by the command's usage as xm's Fault
  // handler did.
  int rpcFailed(const RpcError& e, bool withUsage = true);
  // A result that does not have the promised shape.
  int badAnswer(const std::string& why);

  // "Error: <msg>" on stderr.
  void error(const std::string& msg);
  // err + usage(cmd): "Error: msg", the command's help, exit status 1.
  int usageError(const std::string& msg);
  // arg_check(): "Error: 'xm list' requires 1 argument.\n" + usage.
  // Returns 0 when the count (not counting "--") is within [lo, hi];
  // hi < 0 means exactly lo.
  int argCheck(const std::vector<std::string>& args, int lo, int hi = -1);
  // X40's detach(args, deviceClass), shared by block-detach and network-detach:
  // DOMAIN DEVICE [-f|--force] (any other third word is ignored, with a note).
  int detach(const std::vector<std::string>& args, const std::string& method);
  // OptionError as _run_cmd printed it: error, usage, then an empty line.
  int optionError(const std::string& msg);
  // ValueError/OverflowError: "Error: Invalid argument." + usage.
  int invalidArgument() { return usageError("Invalid argument."); }

 private:
  Env& env_;
  std::string command_;
  std::optional<xend::RpcClient> client_;
};

}  // namespace xenia::xm
