// xenia-image: create and grow sparse raw or qcow2 images for guests, in the
// spirit of the SUSE manual's §9.2 (dd with seek), safely: it never shrinks
// an image and never touches one a running domain uses (it asks xend, and
// probes QEMU's image locks for users xend does not know).
//
//   xenia-image create [-f raw|qcow2] PATH SIZE
//   xenia-image grow PATH SIZE
//   xenia-image info PATH
#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "common/unique_fd.h"
#include "xend/image/image_plan.h"
#include "xend/rpc/client.h"
#include "xend/rpc/socket_path.h"

extern char** environ;

namespace xenia::image {
namespace {

constexpr const char* kUsage =
    "Usage: xenia-image create [-f raw|qcow2] PATH SIZE\n"
    "       xenia-image grow PATH SIZE\n"
    "       xenia-image info PATH\n"
    "SIZE is in MiB, or a number with B, K, M, G or T. Images are sparse.\n";

int fail(const std::string& msg) {
  std::cerr << "xenia-image: " << msg << "\n";
  return 1;
}

// Runs qemu-img with `args` (no shell); its own messages go to our stderr.
bool qemuImg(std::vector<std::string> args) {
  args.insert(args.begin(), "qemu-img");
  std::vector<char*> argv;
  for (auto& a : args) {
    argv.push_back(a.data());
  }
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawnp(&pid, "qemu-img", nullptr, nullptr, argv.data(), environ) != 0) {
    return false;
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

struct ImageInfo {
  Format format = Format::kRaw;
  int64_t size = 0;       // virtual size
  int64_t allocated = 0;  // bytes on disk
};

Expected<ImageInfo, std::string> inspect(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    return unexpected(fmt::format("cannot open {}: {}", path, std::strerror(errno)));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return unexpected(fmt::format("{} is not a regular file", path));
  }
  std::array<unsigned char, 32> h{};
  ssize_t n = ::pread(fd.get(), h.data(), h.size(), 0);
  ImageInfo info;
  info.format = detectFormat(std::span(h.data(), n > 0 ? static_cast<size_t>(n) : 0));
  info.size = st.st_size;
  if (info.format == Format::kQcow2) {
    info.size = qcow2VirtualSize(h).value_or(0);
  }
  info.allocated = static_cast<int64_t>(st.st_blocks) * 512;
  return info;
}

// QEMU locks bytes 100.. (permissions) and 200.. (shared permissions) of an
// image it opened with OFD locks; any lock there means a QEMU uses it.
bool qemuHoldsLocks(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    return false;
  }
  struct flock fl {};
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET;
  fl.l_start = 100;
  fl.l_len = 200;
  return ::fcntl(fd.get(), F_OFD_GETLK, &fl) == 0 && fl.l_type != F_UNLCK;
}

Users users(const std::string& path) {
  Users u;
  u.lockedByQemu = qemuHoldsLocks(path);
  char* real = ::realpath(path.c_str(), nullptr);
  std::string abs = real ? real : path;
  std::free(real);
  auto c = xend::RpcClient::connect(xend::socketPathFromEnv());
  if (!c) {
    return u;  // no xend: QEMU's locks are all there is to ask
  }
  auto r = c->call("host.image_users", {{"path", abs}});
  if (r && r->contains("users") && (*r)["users"].is_array()) {
    for (const auto& e : (*r)["users"]) {
      u.domains.push_back(fmt::format("{} ({}, {})", e.value("domain", "?"), e.value("vdev", "?"),
                                      e.value("mode", "?")));
    }
  }
  return u;
}

int create(std::vector<std::string> args) {
  std::string fmtName = "raw";
  if (args.size() >= 2 && args[0] == "-f") {
    fmtName = args[1];
    args.erase(args.begin(), args.begin() + 2);
  }
  if (args.size() != 2 || (fmtName != "raw" && fmtName != "qcow2")) {
    std::cerr << kUsage;
    return 2;
  }
  auto size = parseSize(args[1]);
  if (!size) {
    return fail(size.error());
  }
  const std::string& path = args[0];
  if (::access(path.c_str(), F_OK) == 0) {
    return fail(fmt::format("{} exists; it is not overwritten (use grow).", path));
  }
  if (fmtName == "qcow2") {
    if (!qemuImg({"create", "-q", "-f", "qcow2", path, std::to_string(*size)})) {
      return fail("qemu-img create failed");
    }
  } else {
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (!fd || ::ftruncate(fd.get(), *size) != 0) {
      int e = errno;
      if (fd) {
        ::unlink(path.c_str());
      }
      return fail(fmt::format("cannot create {}: {}", path, std::strerror(e)));
    }
  }
  std::cout << fmt::format("Created {} ({}, {} bytes, sparse)\n", path, fmtName, *size);
  return 0;
}

int grow(const std::vector<std::string>& args) {
  if (args.size() != 2) {
    std::cerr << kUsage;
    return 2;
  }
  auto size = parseSize(args[1]);
  if (!size) {
    return fail(size.error());
  }
  const std::string& path = args[0];
  auto info = inspect(path);
  if (!info) {
    return fail(info.error());
  }
  if (auto why = refuseGrow(path, info->size, *size, users(path))) {
    return fail(*why);
  }
  if (*size == info->size) {
    std::cout << fmt::format("{} already has {} bytes\n", path, *size);
    return 0;
  }
  if (info->format == Format::kQcow2) {
    if (!qemuImg({"resize", "-q", "-f", "qcow2", path, std::to_string(*size)})) {
      return fail("qemu-img resize failed");
    }
  } else {
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
    if (!fd || ::ftruncate(fd.get(), *size) != 0) {
      return fail(fmt::format("cannot grow {}: {}", path, std::strerror(errno)));
    }
  }
  std::cout << fmt::format("Grew {} from {} to {} bytes\n", path, info->size, *size);
  return 0;
}

int info(const std::vector<std::string>& args) {
  if (args.size() != 1) {
    std::cerr << kUsage;
    return 2;
  }
  auto i = inspect(args[0]);
  if (!i) {
    return fail(i.error());
  }
  Users u = users(args[0]);
  std::cout << fmt::format("image: {}\nformat: {}\nvirtual size: {}\nallocated: {}\n", args[0],
                           i->format == Format::kQcow2 ? "qcow2" : "raw", i->size, i->allocated);
  for (const auto& d : u.domains) {
    std::cout << "used by: " << d << "\n";
  }
  if (u.lockedByQemu) {
    std::cout << "locked by: a running QEMU\n";
  }
  return 0;
}

}  // namespace
}  // namespace xenia::image

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::cerr << xenia::image::kUsage;
    return 2;
  }
  std::string cmd = args[0];
  args.erase(args.begin());
  if (cmd == "create") {
    return xenia::image::create(args);
  }
  if (cmd == "grow") {
    return xenia::image::grow(args);
  }
  if (cmd == "info") {
    return xenia::image::info(args);
  }
  std::cerr << xenia::image::kUsage;
  return 2;
}
