// xenstored's main(): options, daemonizing (double fork, setsid, pid file once
// the socket listens), signals, and the event loop.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

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

// Returns in the daemon (grandchild) with the write end of a pipe whose
// reader, the original process, exits once the daemon reports its pid.
int daemonize(bool printPid) {
  int pipeFds[2];
  if (::pipe2(pipeFds, O_CLOEXEC) != 0) {
    std::perror("pipe2");
    std::_Exit(1);
  }
  pid_t pid = ::fork();
  if (pid < 0) {
    std::perror("fork");
    std::_Exit(1);
  }
  if (pid > 0) {
    ::close(pipeFds[1]);
    pid_t daemonPid = 0;
    ssize_t n = ::read(pipeFds[0], &daemonPid, sizeof(daemonPid));
    if (n != ssize_t(sizeof(daemonPid))) {
      std::_Exit(1);
    }
    if (printPid) {
      std::printf("%d\n", int(daemonPid));
      std::fflush(stdout);
    }
    std::_Exit(0);  // not exit(): the Server's destructor would unlink the socket
  }
  ::close(pipeFds[0]);
  ::setsid();
  pid = ::fork();
  if (pid < 0) {
    std::_Exit(1);
  }
  if (pid > 0) {
    std::_Exit(0);
  }
  if (::chdir("/") != 0) {
    std::_Exit(1);
  }
  int null = ::open("/dev/null", O_RDWR);
  if (null >= 0) {
    ::dup2(null, 0);
    ::dup2(null, 1);
    ::dup2(null, 2);
    if (null > 2) {
      ::close(null);
    }
  }
  return pipeFds[1];
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
  int readyFd = opts->noFork ? -1 : daemonize(opts->outputPid);
  pid_t pid = ::getpid();
  if (!opts->pidFile.empty() && !writePidFile(opts->pidFile, pid)) {
    log->error("Cannot write pid file {}: {}.", opts->pidFile, std::strerror(errno));
    return 1;
  }
  if (readyFd >= 0) {
    [[maybe_unused]] ssize_t n = ::write(readyFd, &pid, sizeof(pid));
    ::close(readyFd);
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
