// xend's main(): command line, xend-config.sxp, daemonizing (the starting
// process exits only once the RPC socket answers, with xend's error if it
// could not start), pid file, signals. Everything else is Daemon.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_sinks.h>

#include "common/daemonize.h"
#include "common/log.h"
#include "xend/daemon/daemon.h"
#include "xend/vm/vm_record.h"

namespace {

namespace fs = std::filesystem;

xenia::xend::Daemon* gDaemon = nullptr;

void onStop(int) {
  if (gDaemon) {
    gDaemon->requestStop();
  }
}

std::string absolute(const std::string& p) {
  return p.empty() || p[0] == '/' ? p : fs::absolute(p).lexically_normal().string();
}

std::string spdlogLevel(std::string level) {
  for (auto& c : level) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (level == "warning") {
    return "warn";
  }
  if (level == "critical" || level == "fatal") {
    return "critical";
  }
  if (level == "debug" || level == "info" || level == "error" || level == "trace") {
    return level;
  }
  return "info";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace xenia::xend;
  std::signal(SIGPIPE, SIG_IGN);

  CLI::App app("xend: the Xenia toolstack daemon (runs guests in QEMU)", "xend");
  std::string configPath, runDir, stateDir, logDir, pidFile;
  bool foreground = false;
  app.add_option("--config", configPath,
                 "xend-config.sxp (default: $XEND_CONFIG, else /etc/xen/xend-config.sxp)");
  app.add_option("--run-dir", runDir, "Run directory (overrides xend-run-path)");
  app.add_option("--state-dir", stateDir, "State directory (overrides xend-state-path)");
  app.add_option("--log-dir", logDir, "Log directory (overrides xend-log-dir)");
  app.add_flag("-F,--foreground", foreground, "Stay in the foreground, log to stderr too");
  app.add_option("--pid-file", pidFile, "Pid file (default: <run dir>/xend.pid)");
  // xend's init-script verbs are accepted for habit's sake: start = run.
  std::string verb;
  app.add_option("verb", verb, "start (default)")->check(CLI::IsMember({"start"}));
  CLI11_PARSE(app, argc, argv);

  bool explicitConfig = !configPath.empty();
  if (!explicitConfig) {
    const char* env = std::getenv("XEND_CONFIG");
    if (env && *env) {
      configPath = env;
      explicitConfig = true;
    } else {
      configPath = "/etc/xen/xend-config.sxp";
    }
  }
  XendOptions opts;
  if (!explicitConfig && ::access(configPath.c_str(), F_OK) != 0) {
    opts = defaultXendOptions();
  } else {
    auto loaded = loadXendOptionsFile(configPath);
    if (!loaded) {
      std::fprintf(stderr, "xend: %s\n", loaded.error().c_str());
      return 1;
    }
    opts = std::move(*loaded);
  }
  if (!runDir.empty()) {
    opts.runPath = runDir;
  }
  if (!stateDir.empty()) {
    opts.statePath = stateDir;
    opts.domainsPath = stateDir + "/domains";
  }
  if (!logDir.empty()) {
    opts.logDir = logDir;
    opts.logfile = logDir + "/xend.log";
  }
  for (std::string* p : {&opts.runPath, &opts.statePath, &opts.domainsPath, &opts.logDir,
                         &opts.logfile, &opts.dumpDir, &opts.autoDir, &opts.xenstoredSocket,
                         &pidFile}) {
    *p = absolute(*p);
  }
  if (pidFile.empty()) {
    pidFile = opts.runPath + "/xend.pid";
  }
  std::string selfDir = fs::canonical("/proc/self/exe").parent_path().string();

  int readyFd = foreground ? -1 : xenia::daemonize("xend", false);

  std::error_code ec;
  fs::create_directories(fs::path(opts.logfile).parent_path(), ec);
  xenia::log::init(spdlogLevel(opts.loglevel), opts.logfile);
  auto log = xenia::log::get("xend");
  log->flush_on(spdlog::level::trace);  // host.log and tests read the file
  if (foreground) {
    log->sinks().push_back(std::make_shared<spdlog::sinks::stderr_sink_mt>());
  }
  log->info("xend starting (config {}).", opts.configPath.empty() ? "defaults" : opts.configPath);

  auto daemon = Daemon::create(opts, selfDir);
  if (!daemon) {
    log->error("{}", daemon.error());
    xenia::reportFailure(readyFd, "xend: " + daemon.error());
    if (foreground) {
      std::fprintf(stderr, "xend: %s\n", daemon.error().c_str());
    }
    return 1;
  }
  if (auto w = writeFileAtomic(pidFile, std::to_string(::getpid()) + "\n"); !w) {
    log->warn("{}", w.error());
  }
  gDaemon = daemon->get();
  struct sigaction sa {};
  sa.sa_handler = onStop;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGTERM, &sa, nullptr);
  ::sigaction(SIGINT, &sa, nullptr);
  std::signal(SIGHUP, SIG_IGN);
  xenia::reportReady(readyFd, ::getpid());

  int rc = (*daemon)->run();
  gDaemon = nullptr;
  daemon->reset();
  ::unlink(pidFile.c_str());
  return rc;
}
