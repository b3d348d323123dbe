// Parses xenstored's command line with CLI11 and resolves the socket path from
// --rundir, $XENSTORED_PATH and $XENSTORED_RUNDIR like C xenstored does.
#include "xenstore/server/options.h"

#include <CLI/CLI.hpp>

#include <charconv>
#include <sstream>
#include <vector>

namespace xenia::xs {
namespace {

constexpr const char* kDefaultRundir = "/var/run/xenstored";

bool parseU32(std::string_view s, uint32_t& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

// "-Q name=value" as C xenstored spells it.
std::string applyQuota(const std::string& spec, Quotas& q, bool soft) {
  auto eq = spec.find('=');
  uint32_t v = 0;
  if (eq == std::string::npos || !parseU32(std::string_view(spec).substr(eq + 1), v)) {
    return "Quota \"" + spec + "\" is not of the form <what>=<number>.";
  }
  std::string name = spec.substr(0, eq);
  if (soft) {
    if (name == "memory") {
      q.memorySoft = v;
      return "";
    }
  } else if (name == "transaction-nodes") {
    q.transactionNodes = v;
    return "";
  } else if (name == "memory") {
    q.memoryHard = v;
    return "";
  } else if (name == "outstanding") {
    q.outstanding = v;
    return "";
  }
  return "Quota \"" + name + "\" is unknown.";
}

}  // namespace

Expected<ServerOptions, OptionsExit> parseOptions(int argc, const char* const* argv,
                                                  const std::function<const char*(const char*)>& env) {
  ServerOptions o;
  Quotas& q = o.engine.quotas;
  std::string rundir;
  std::vector<std::string> hard;
  std::vector<std::string> soft;
  bool ignoredFlag = false;
  std::string ignoredValue;

  CLI::App app{"xenstored: the Xenia XenStore daemon"};
  app.set_help_flag("-H,--help", "Print this help and exit.");
  app.add_flag("-N,--no-fork", o.noFork, "Stay in the foreground.");
  app.add_flag("-P,--output-pid", o.outputPid, "Print the daemon's pid on stdout.");
  app.add_option("-F,--pid-file", o.pidFile, "Write the daemon's pid to FILE once it listens.");
  app.add_option("-T,--trace-file", o.traceFile, "Log every request and reply to FILE.");
  app.add_option("-E,--entry-nb", q.nodesPerDomain, "Nodes per domain (quota).");
  app.add_option("-S,--entry-size", q.nodeSize, "Bytes per node (quota).");
  app.add_option("-W,--watch-nb", q.watchesPerDomain, "Watches per domain (quota).");
  app.add_option("-t,--transaction", q.transactionsPerDomain,
                 "Open transactions per domain (quota).");
  app.add_option("-A,--perm-nb", q.permissions, "Permissions per node (quota).");
  app.add_option("-M,--path-max", q.pathMax, "Maximum relative path length.");
  app.add_option("-Q,--quota", hard,
                 "<what>=<nb>: transaction-nodes, memory or outstanding.");
  app.add_option("-q,--quota-soft", soft, "<what>=<nb>: memory (logged when exceeded).");
  app.add_flag("-K,--keep-orphans", o.engine.keepOrphans,
               "Keep the nodes of a domain when it is released.");
  app.add_flag("-V,--verbose", o.verbose, "Log debugging detail.");
  // Accepted for command-line compatibility with C xenstored; no effect here.
  app.add_flag("-D,--no-domain-init,-R,--no-recovery", ignoredFlag, "Ignored (C compat).");
  app.add_option("-I,--internal-db", ignoredValue, "Ignored (C compat).")->expected(0, 1);
  app.add_option("--rundir", rundir, "Directory of the socket and guest sockets.");
  app.add_option("--persist", o.persistDir, "Keep the store in DIR across restarts.");
  app.add_option("--log-file", o.logFile, "Log to FILE instead of stderr.");
  app.add_option("--journal-limit", o.journalLimitBytes,
                 "Compact the --persist journal once it exceeds this many bytes.");
  app.add_option("--max-output", o.maxOutputBytes,
                 "Close a connection whose unread output exceeds this many bytes.");
  std::string io = "auto";
  app.add_option("--io", io, "I/O backend: auto (io_uring if available), epoll or io_uring.")
      ->check(CLI::IsMember({"auto", "epoll", "io_uring"}));

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    std::ostringstream out;
    std::ostringstream err;
    int rc = app.exit(e, out, err);
    return unexpected(OptionsExit{out.str() + err.str(), rc});
  }
  for (const auto& spec : hard) {
    if (auto msg = applyQuota(spec, q, false); !msg.empty()) {
      return unexpected(OptionsExit{msg + "\n", 1});
    }
  }
  for (const auto& spec : soft) {
    if (auto msg = applyQuota(spec, q, true); !msg.empty()) {
      return unexpected(OptionsExit{msg + "\n", 1});
    }
  }
  o.io = io == "epoll" ? IoBackend::Epoll : io == "io_uring" ? IoBackend::IoUring : IoBackend::Auto;
  if (o.maxOutputBytes < 64 * 1024) {
    return unexpected(OptionsExit{"--max-output must be at least 65536 bytes.\n", 1});
  }

  if (!rundir.empty()) {
    o.socketPath = rundir + "/socket";
  } else if (const char* p = env("XENSTORED_PATH"); p && *p) {
    o.socketPath = p;
  } else if (const char* r = env("XENSTORED_RUNDIR"); r && *r) {
    o.socketPath = std::string(r) + "/socket";
  } else {
    o.socketPath = std::string(kDefaultRundir) + "/socket";
  }
  return o;
}

}  // namespace xenia::xs
