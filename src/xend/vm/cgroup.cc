// cgroupfs access for the per-domain CPU group.
#include "xend/vm/cgroup.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>
#include <sstream>

#include <fmt/format.h>

#include "common/unique_fd.h"

namespace xenia::xend {

namespace {

bool isDir(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string slurp(const std::string& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Expected<Ok, std::string> writeValue(const std::string& file, const std::string& value) {
  UniqueFd fd(::open(file.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd) {
    return unexpected(fmt::format("Cannot open {}: {}.", file, std::strerror(errno)));
  }
  if (::write(fd.get(), value.data(), value.size()) != static_cast<ssize_t>(value.size())) {
    return unexpected(fmt::format("Cannot write '{}' to {}: {}.", value, file,
                                  std::strerror(errno)));
  }
  return Ok{};
}

Expected<Ok, std::string> makeDir(const std::string& p) {
  if (::mkdir(p.c_str(), 0755) != 0 && errno != EEXIST) {
    return unexpected(fmt::format("Cannot create {}: {}.", p, std::strerror(errno)));
  }
  return Ok{};
}

}  // namespace

CgroupRoot detectCgroupRoot(const std::string& sysfsCgroup) {
  std::string v1 = sysfsCgroup + "/cpu";
  if (isDir(v1) && ::access((v1 + "/cpu.shares").c_str(), F_OK) == 0) {
    return {CgroupVersion::kV1, v1};
  }
  std::string controllers = slurp(sysfsCgroup + "/cgroup.controllers");
  std::istringstream words(controllers);
  for (std::string w; words >> w;) {
    if (w == "cpu") {
      return {CgroupVersion::kV2, sysfsCgroup};
    }
  }
  return {};
}

int64_t v1Shares(int weight) { return std::max<int64_t>(2, int64_t{weight} * 4); }

int64_t v1QuotaUs(int cap) { return cap <= 0 ? -1 : int64_t{cap} * kCfsPeriodUs / 100; }

int64_t v2Weight(int weight) {
  return std::clamp<int64_t>((int64_t{weight} * 100 + 128) / 256, 1, 10000);
}

std::string v2Max(int cap) {
  return cap <= 0 ? fmt::format("max {}", kCfsPeriodUs)
                  : fmt::format("{} {}", v1QuotaUs(cap), kCfsPeriodUs);
}

Expected<DomainCgroup, std::string> DomainCgroup::create(const CgroupRoot& root,
                                                        const std::string& parentName,
                                                        int domid) {
  if (root.version == CgroupVersion::kNone) {
    return unexpected(std::string("No CPU cgroup controller is mounted."));
  }
  std::string parent = root.path + "/" + parentName;
  if (auto r = makeDir(parent); !r) {
    return unexpected(r.error());
  }
  if (root.version == CgroupVersion::kV2) {
    // Best effort: may already be enabled, or be managed by systemd.
    (void)writeValue(root.path + "/cgroup.subtree_control", "+cpu");
    (void)writeValue(parent + "/cgroup.subtree_control", "+cpu");
  }
  DomainCgroup g;
  g.root_ = root;
  g.path_ = fmt::format("{}/{}", parent, domid);
  if (auto r = makeDir(g.path_); !r) {
    return unexpected(r.error());
  }
  return g;
}

Expected<Ok, std::string> DomainCgroup::addProcess(pid_t pid) const {
  // v1: "tasks" moves one thread, "cgroup.procs" the whole thread group.
  return writeValue(path_ + "/cgroup.procs", std::to_string(pid));
}

Expected<Ok, std::string> DomainCgroup::apply(int weight, int cap) const {
  if (root_.version == CgroupVersion::kV1) {
    if (auto r = writeValue(path_ + "/cpu.shares", std::to_string(v1Shares(weight))); !r) {
      return r;
    }
    if (auto r = writeValue(path_ + "/cpu.cfs_period_us", std::to_string(kCfsPeriodUs)); !r) {
      return r;
    }
    return writeValue(path_ + "/cpu.cfs_quota_us", std::to_string(v1QuotaUs(cap)));
  }
  if (auto r = writeValue(path_ + "/cpu.weight", std::to_string(v2Weight(weight))); !r) {
    return r;
  }
  return writeValue(path_ + "/cpu.max", v2Max(cap));
}

namespace {

// The kernel takes a group offline asynchronously: rmdir right after its
// last task exited (or right after a child group went) may say EBUSY.
void rmdirPatiently(const std::string& path) {
  for (int i = 0; i < 50; ++i) {
    if (::rmdir(path.c_str()) == 0 || errno != EBUSY) {
      return;
    }
    ::usleep(10000);
  }
}

}  // namespace

void DomainCgroup::remove() const {
  if (!path_.empty()) {
    rmdirPatiently(path_);
    // The parent goes with its last domain (ENOTEMPTY otherwise), so private
    // parents of test instances do not pile up.
    rmdirPatiently(path_.substr(0, path_.rfind('/')));
  }
}

void removeStaleCgroups(const CgroupRoot& root, const std::string& parent,
                        const std::vector<int>& keep) {
  if (root.version == CgroupVersion::kNone) {
    return;
  }
  std::string dir = root.path + "/" + parent;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    if (!e.is_directory() || name.empty() ||
        name.find_first_not_of("0123456789") != std::string::npos) {
      continue;
    }
    if (std::find(keep.begin(), keep.end(), std::stoi(name)) == keep.end()) {
      rmdirPatiently(e.path().string());
    }
  }
  if (keep.empty()) {
    rmdirPatiently(dir);
  }
}

}  // namespace xenia::xend
