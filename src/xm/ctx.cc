// Ctx: the lazily connected RPC client and xm's error reporting; systemEnv():
// the real process environment.
#include "xm/ctx.h"

#include <unistd.h>

#include <ctime>
#include <fstream>
#include <iostream>
#include <thread>

#include "xend/rpc/socket_path.h"
#include "xm/commands.h"

namespace xenia::xm {

Env systemEnv() {
  Env e;
  e.out = &std::cout;
  e.err = &std::cerr;
  e.socketPath = xend::socketPathFromEnv();
  e.root = ::geteuid() == 0;
  e.now = [] {
    timespec ts{};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
  };
  e.hostUptime = []() -> std::optional<double> {
    std::ifstream f("/proc/uptime");
    double up = 0;
    if (f >> up) {
      return up;
    }
    return std::nullopt;
  };
  e.localTimeHms = [] {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    ::localtime_r(&t, &tm);
    char buf[16];
    std::strftime(buf, sizeof(buf), "%H:%M:%S", &tm);
    return std::string(buf);
  };
  e.sleep = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
  return e;
}

Expected<Json, RpcError> Ctx::call(const std::string& method, const Json& params, bool longCall) {
  if (!client_ || !client_->connected()) {
    auto c = xend::RpcClient::connect(env_.socketPath);
    if (!c) {
      return unexpected(c.error());
    }
    client_.emplace(std::move(*c));
  }
  return client_->call(method, params, longCall ? env_.longCallTimeout : env_.callTimeout);
}

void Ctx::error(const std::string& msg) { err() << "Error: " << msg << "\n"; }

int Ctx::rpcFailed(const RpcError& e, bool withUsage) {
  if (e.code == xend::kECONNREFUSED) {
    if (!env_.root) {
      error("Most commands need root access. Please try again as root.");
    } else {
      error("Unable to connect to xend: " + e.message + ". Is xend running?");
    }
    return 1;
  }
  error(e.message);
  // X40 _run_cmd: an invalid domain is reported without usage and xm exits
  // with its fault code, 3 (XendClient.ERROR_INVALID_DOMAIN).
  if (e.code == xend::kESRCH) {
    return 3;
  }
  // Missing files, timeouts and garbled answers come without usage; xm
  // printed usage after every other xend Fault.
  bool plain = e.code == xend::kENOENT || e.code == xend::kETIMEDOUT || e.code == xend::kEPROTO;
  if (withUsage && !plain) {
    out() << commandHelp(command_);
  }
  return 1;
}

int Ctx::badAnswer(const std::string& why) {
  error("malformed answer from xend: " + why);
  return 1;
}

int Ctx::usageError(const std::string& msg) {
  error(msg);
  out() << commandHelp(command_);
  return 1;
}

int Ctx::argCheck(const std::vector<std::string>& args, int lo, int hi) {
  int n = 0;
  for (const auto& a : args) {
    if (a != "--") {
      ++n;
    }
  }
  if (hi < 0) {
    if (n != lo) {
      return usageError("'xm " + command_ + "' requires " + std::to_string(lo) + " argument" +
                        (lo == 1 ? "" : "s") + ".\n");
    }
  } else if (n < lo || n > hi) {
    return usageError("'xm " + command_ + "' requires between " + std::to_string(lo) + " and " +
                      std::to_string(hi) + " arguments.\n");
  }
  return 0;
}

int Ctx::detach(const std::vector<std::string>& args, const std::string& method) {
  if (int rc = argCheck(args, 2, 3)) {
    return rc;
  }
  bool force = false;
  if (args.size() == 3) {
    if (args[2] == "-f" || args[2] == "--force") {
      force = true;
    } else {
      out() << "Ignoring option " << args[2] << "\n";
    }
  }
  auto r = call(method, {{"dom", args[0]}, {"dev", args[1]}, {"force", force}}, true);
  return r ? 0 : rpcFailed(r.error());
}

int Ctx::optionError(const std::string& msg) {
  usageError(msg);
  out() << "\n";
  return 1;
}

}  // namespace xenia::xm
