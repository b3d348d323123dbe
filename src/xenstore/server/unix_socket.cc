// Unix socket helpers: directory creation, stale-socket detection, bind+listen.
#include "xenstore/server/unix_socket.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace xenia::xs {
namespace {

std::string errnoText(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno) + ".";
}

bool fillAddr(const std::string& path, sockaddr_un& addr) {
  if (path.empty() || path.size() >= sizeof(addr.sun_path)) {
    return false;
  }
  std::memset(&addr, 0, sizeof(addr));
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.data(), path.size());
  return true;
}

}  // namespace

std::string dirName(const std::string& path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos) {
    return ".";
  }
  if (slash == 0) {
    return "/";
  }
  return path.substr(0, slash);
}

Expected<Ok, std::string> makeDirs(const std::string& path, mode_t mode) {
  struct stat st;
  if (path.empty() || path == "/" || path == ".") {
    return Ok{};
  }
  if (::stat(path.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode)) {
      return unexpected("Path " + path + " exists and is not a directory.");
    }
    return Ok{};
  }
  auto parent = makeDirs(dirName(path), 0755);
  if (!parent) {
    return parent;
  }
  if (::mkdir(path.c_str(), mode) != 0 && errno != EEXIST) {
    return unexpected(errnoText("Cannot create directory", path));
  }
  return Ok{};
}

int connectUnix(const std::string& path) {
  sockaddr_un addr;
  if (!fillAddr(path, addr)) {
    errno = ENAMETOOLONG;
    return -1;
  }
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return -1;
  }
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    int saved = errno;
    ::close(fd);
    errno = saved;
    return -1;
  }
  return fd;
}

Expected<UniqueFd, std::string> listenUnix(const std::string& path, mode_t mode) {
  sockaddr_un addr;
  if (!fillAddr(path, addr)) {
    return unexpected("Socket path " + path + " is empty or longer than " +
                      std::to_string(sizeof(addr.sun_path) - 1) + " bytes.");
  }
  struct stat st;
  if (::lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      return unexpected("Path " + path + " exists and is not a socket; not removing it.");
    }
    // A non-blocking probe: EAGAIN means a listener with a full backlog.
    UniqueFd probe(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (::connect(probe.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 ||
        errno == EAGAIN || errno == EINPROGRESS) {
      return unexpected("Another daemon is listening on " + path + ".");
    }
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
      return unexpected(errnoText("Cannot remove stale socket", path));
    }
  }
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) {
    return unexpected(errnoText("Cannot create a socket for", path));
  }
  // Bind under a tight umask so the socket is never briefly world-accessible.
  mode_t old = ::umask(0777 & ~mode);
  int rc = ::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  ::umask(old);
  if (rc != 0) {
    return unexpected(errnoText("Cannot bind", path));
  }
  if (::chmod(path.c_str(), mode) != 0 || ::listen(fd.get(), SOMAXCONN) != 0) {
    std::string msg = errnoText("Cannot listen on", path);
    ::unlink(path.c_str());
    return unexpected(msg);
  }
  return fd;
}

}  // namespace xenia::xs
