// xenstored's main(): options, daemonizing (common/daemonize: the starting
// process exits once the socket listens and the pid file is written), signals,
// and the event loop.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

#include <fmt/format.h>

#include "common/daemonize.h"
#include "common/log.h"
#include "xenstore/server/options.h"
#include "xenstore/server/server.h"

namespace {

xenia::xs::Server* gServer = nullptr;

void onStopSignal(int) {
  if (gServer) {
    gServer->requestStop();
  }
}

void onHangup(int) {
  if (gServer) {
    gServer->requestReopen();
  }
}

// Paths must survive the chdir("/") of daemonizing.
void absolutize(std::string& path) {
  if (!path.empty() && path[0] != '/') {
    path = std::filesystem::absolute(path).lexically_normal().string();
  }
}

bool writePidFile(const std::string& path, pid_t pid) {
  std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "we");
  if (!f) {
    return false;
  }
  std::fprintf(f, "%d\n", int(pid));
  bool ok = std::fclose(f) == 0;
  // Renamed into place so a waiting caller never reads an empty file.
  return ok && std::rename(tmp.c_str(), path.c_str()) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  auto opts = xenia::xs::parseOptions(argc, argv, [](const char* n) -> const char* { return std::getenv(n); });
  if (!opts) {
    std::fputs(opts.error().message.c_str(), opts.error().exitCode == 0 ? stdout : stderr);
    return opts.error().exitCode;
  }
  for (std::string* p : {&opts->socketPath, &opts->pidFile, &opts->traceFile, &opts->persistDir,
                         &opts->logFile}) {
    absolutize(*p);
  }
  xenia::log::init(opts->verbose ? "debug" : "info", opts->logFile);
  auto log = xenia::log::get("xenstored");

  auto server = xenia::xs::Server::create(*opts);
  if (!server) {
    log->error("{}", server.error());
    return 1;
  }
  int readyFd = opts->noFork ? -1 : xenia::daemonize("xenstored", opts->outputPid);
  pid_t pid = ::getpid();
  if (!opts->pidFile.empty() && !writePidFile(opts->pidFile, pid)) {
    std::string why =
        fmt::format("Cannot write pid file {}: {}.", opts->pidFile, std::strerror(errno));
    log->error("{}", why);
    xenia::reportFailure(readyFd, "xenstored: " + why);
    return 1;
  }
  if (readyFd >= 0) {
    xenia::reportReady(readyFd, pid);
  } else if (opts->outputPid) {
    std::printf("%d\n", int(pid));
    std::fflush(stdout);
  }

  gServer = server->get();
  struct sigaction sa {};
  sa.sa_handler = onStopSignal;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGTERM, &sa, nullptr);
  ::sigaction(SIGINT, &sa, nullptr);
  sa.sa_handler = onHangup;
  ::sigaction(SIGHUP, &sa, nullptr);

  log->info("Listening on {}.", opts->socketPath);
  int rc = (*server)->run();
  gServer = nullptr;
  server->reset();  // removes the sockets
  if (!opts->pidFile.empty()) {
    ::unlink(opts->pidFile.c_str());
  }
  log->info("Stopped.");
  return rc;
}
