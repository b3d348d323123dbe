// The acceptance test's substitutions; see argv_accept_stub.h for the rules.
#include "test/golden/argv_accept_stub.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "qemu_testdata.h"

extern char** environ;

namespace xenia::golden {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

constexpr const char* kQemuImg = "/usr/bin/qemu-img";
constexpr const char* kOvmfVars = "/usr/share/OVMF/OVMF_VARS_4M.fd";
// The options buildArgv() emits that take no value.
const std::set<std::string> kNoValue = {"-S", "-no-user-config", "-nodefaults"};

// ---- QemuOpts ("head,key=value,..." with ",," escapes) ---------------------

struct QemuOpts {
  struct Item {
    std::string key;  // "" = the positional head ("socket" in "socket,id=x")
    std::string value;
    bool eq = true;   // false for bare flags ("nowait")
  };
  std::vector<Item> items;
};

QemuOpts parseOpts(const std::string& s) {
  QemuOpts o;
  std::string cur;
  auto flush = [&] {
    size_t eq = cur.find('=');
    if (eq != std::string::npos) {
      o.items.push_back({cur.substr(0, eq), cur.substr(eq + 1), true});
    } else if (o.items.empty()) {
      o.items.push_back({"", cur, false});
    } else {
      o.items.push_back({cur, "", false});
    }
    cur.clear();
  };
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == ',' && i + 1 < s.size() && s[i + 1] == ',') {
      cur += ',';
      ++i;
    } else if (s[i] == ',') {
      flush();
    } else {
      cur += s[i];
    }
  }
  flush();
  return o;
}

std::string escape(const std::string& v) {
  std::string out;
  for (char ch : v) {
    out += ch;
    if (ch == ',') {
      out += ',';
    }
  }
  return out;
}

std::string formatOpts(const QemuOpts& o) {
  std::string s;
  for (const auto& it : o.items) {
    if (!s.empty()) {
      s += ',';
    }
    s += it.key.empty() ? escape(it.value) : it.eq ? it.key + "=" + escape(it.value) : it.key;
  }
  return s;
}

std::string* find(QemuOpts& o, const std::string& key) {
  for (auto& it : o.items) {
    if (it.key == key) {
      return &it.value;
    }
  }
  return nullptr;
}

void erase(QemuOpts& o, const std::string& key) {
  std::erase_if(o.items, [&](const QemuOpts::Item& it) { return it.key == key; });
}

// ---- host stubs -------------------------------------------------------------

bool writeBytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  return static_cast<bool>(out);
}

// The smallest file QEMU's x86 Linux loader accepts: a bzImage header
// (boot protocol 2.12, "HdrS") with four setup sectors and no kernel code.
std::string stubKernel() {
  std::string b(8192, '\0');
  auto put16 = [&](size_t at, uint16_t v) {
    b[at] = static_cast<char>(v & 0xff);
    b[at + 1] = static_cast<char>(v >> 8);
  };
  auto put32 = [&](size_t at, uint32_t v) {
    put16(at, v & 0xffff);
    put16(at + 2, v >> 16);
  };
  b[0x1f1] = 4;                // setup_sects
  put16(0x1fe, 0xaa55);        // boot_flag
  b.replace(0x202, 4, "HdrS");  // header magic
  put16(0x206, 0x020c);        // protocol version
  b[0x211] = 1;                // loadflags: LOADED_HIGH
  put32(0x22c, 0x37ffffff);    // initrd_addr_max
  put32(0x238, 4096);          // cmdline_size
  return b;
}

// Runs argv (no shell) and waits; true on exit status 0.
bool runQuiet(const Argv& argv, const std::string& logPath) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, logPath.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  std::vector<char*> cargv;
  for (const auto& a : argv) {
    cargv.push_back(const_cast<char*>(a.c_str()));
  }
  cargv.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, cargv[0], &fa, nullptr, cargv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    return false;
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// ---- substitution -----------------------------------------------------------

}  // namespace

int unixSocket(const std::string& path, bool listen_) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
  int rc = listen_ ? bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr)
                   : connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  if (rc != 0 || (listen_ && listen(fd, 4) != 0)) {
    close(fd);
    return -1;
  }
  return fd;
}

namespace {
int listenUnix(const std::string& path) { return unixSocket(path, true); }
}  // namespace


Substituter::~Substituter() {
  for (int fd : fds_) {
    close(fd);
  }
}

std::string Substituter::relocate(std::string arg) const {
  auto replaceAll = [&](const std::string& from, const std::string& to) {
    for (size_t at = arg.find(from); at != std::string::npos; at = arg.find(from, at + to.size())) {
      arg.replace(at, from.size(), to);
    }
  };
  replaceAll(qemu::testdata::kXenstoreSocket, dir_ + "/xs.sock");
  replaceAll(qemu::testdata::kRunDir, dir_);
  return arg;
}

Expected<std::string, std::string> Substituter::chardev(const std::string& value) {
  QemuOpts o = parseOpts(value);
  const std::string backend = o.items.empty() ? "" : o.items[0].value;
  if (backend == "serial" || backend == "tty") {
    // A host serial line: the slave side of a pty this test holds open.
    int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master >= 0) {
      fds_.push_back(master);
    }
    if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) {
      return unexpected(std::string("cannot open a pty for a tty chardev"));
    }
    *find(o, "path") = ptsname(master);
    return formatOpts(o);
  }
  if (backend == "socket" && find(o, "port")) {
    erase(o, "host");
    erase(o, "port");
    o.items.push_back({"path", "", true});
  }
  std::string* path = find(o, "path");
  if (path && path->rfind(dir_, 0) != 0) {
    *path = dir_ + "/chr" + std::to_string(counter_++);
    if (backend == "pipe" && mkfifo(path->c_str(), 0600) != 0) {
      return unexpected("cannot create the FIFO " + *path);
    }
  }
  if (path && backend == "socket" && !find(o, "server")) {
    // QEMU connects: listen there, as the peer (xenstored, a console
    // server) would.
    int fd = listenUnix(*path);
    if (fd < 0) {
      return unexpected("cannot listen on " + *path);
    }
    fds_.push_back(fd);
  }
  return formatOpts(o);
}

Expected<Ok, std::string> Substituter::blockdevs(Argv& argv) {
  std::vector<Json> nodes;
  for (size_t i = 0; i + 1 < argv.size(); ++i) {
    if (argv[i] == "-blockdev") {
      nodes.push_back(Json::parse(argv[i + 1]));
    }
  }
  std::map<std::string, std::string> formatOf;  // protocol node -> format driver
  for (const Json& n : nodes) {
    if (n.contains("file") && n["file"].is_string()) {
      formatOf[n["file"].get<std::string>()] = n["driver"].get<std::string>();
    }
  }
  size_t k = 0;
  for (size_t i = 0; i + 1 < argv.size(); ++i) {
    if (argv[i] != "-blockdev") {
      continue;
    }
    Json n = nodes[k++];
    std::string driver = n["driver"].get<std::string>();
    std::string name = n["node-name"].get<std::string>();
    if (driver != "file" && driver != "host_device" && driver != "host_cdrom" &&
        driver != "nbd" && driver != "iscsi") {
      continue;  // a format node: unchanged
    }
    std::string image = dir_ + "/" + name + ".img";
    if (name == "fw-code") {
      if (!fs::exists(n["filename"].get<std::string>())) {
        return unexpected("the OVMF code image " + n["filename"].get<std::string>() +
                          " is not installed");
      }
      continue;  // the host's read-only firmware, as the golden names it
    }
    if (name == "fw-vars") {
      std::error_code ec;
      if (!fs::copy_file(kOvmfVars, image, fs::copy_options::overwrite_existing, ec)) {
        return unexpected(std::string("no OVMF variable store to copy: ") + kOvmfVars);
      }
    } else {
      std::string format = formatOf.count(name) ? formatOf[name] : "raw";
      if (format == "raw") {
        std::ofstream(image, std::ios::binary | std::ios::trunc).close();
        std::error_code ec;
        fs::resize_file(image, 16 << 20, ec);
        if (ec) {
          return unexpected("cannot size " + image + ": " + ec.message());
        }
      } else if (!runQuiet({kQemuImg, "create", "-q", "-f", format, image, "16M"},
                           dir_ + "/qemu-img.log")) {
        return unexpected("qemu-img could not create a " + format + " image");
      }
    }
    Json stub{{"node-name", name}, {"driver", "file"}, {"filename", image}};
    for (const char* keep : {"cache", "read-only", "discard"}) {
      if (n.contains(keep)) {
        stub[keep] = n[keep];
      }
    }
    argv[i + 1] = stub.dump();
  }
  return Ok{};
}

Expected<Stubbed, std::string> Substituter::run(const Argv& golden) {
  Stubbed out;
  const std::string kernel = dir_ + "/kernel";
  const std::string initrd = dir_ + "/initrd";
  if (!writeBytes(kernel, stubKernel()) || !writeBytes(initrd, std::string(512, '\0'))) {
    return unexpected(std::string("cannot write stub kernel files"));
  }
  Argv& a = out.argv;
  a.push_back(golden[0]);
  if (std::find(golden.begin(), golden.end(), "-S") == golden.end()) {
    a.push_back("-S");
  }
  for (size_t i = 1; i < golden.size(); ++i) {
    const std::string& flag = golden[i];
    bool hasValue = i + 1 < golden.size() && !kNoValue.count(flag);
    std::string value = hasValue ? relocate(golden[i + 1]) : "";
    if (flag == "-add-fd") {
      return unexpected(std::string("-add-fd names an fd the test cannot inherit"));
    }
    if (flag == "-device" && value.rfind("vfio-pci,", 0) == 0) {
      ++i;
      continue;
    }
    if (flag == "-netdev" && value.rfind("tap,", 0) == 0) {
      QemuOpts o = parseOpts(value);
      value = "user,id=" + escape(*find(o, "id")) + ",restrict=on";
    } else if (flag == "-kernel") {
      value = kernel;
    } else if (flag == "-initrd") {
      value = initrd;
    } else if (flag == "-chardev") {
      auto v = chardev(value);
      if (!v) {
        return unexpected(v.error());
      }
      value = *v;
    } else if (flag == "-vnc") {
      QemuOpts o = parseOpts(value);
      o.items[0].value = "unix:" + dir_ + "/vnc.sock";
      erase(o, "to");
      value = formatOpts(o);
    } else if (flag == "-bios" && !fs::exists(value)) {
      out.skip = "the BIOS image " + value + " is not installed";
      return out;
    }
    a.push_back(flag);
    if (hasValue) {
      a.push_back(value);
      ++i;
    }
  }
  auto b = blockdevs(a);
  if (!b) {
    out.skip = b.error();
    return out;
  }
  for (size_t i = 0; i + 1 < a.size(); ++i) {
    if (a[i] == "-chardev" && a[i + 1].find("id=charqmp") != std::string::npos) {
      QemuOpts o = parseOpts(a[i + 1]);
      out.qmpPath = *find(o, "path");
    }
  }
  if (out.qmpPath.empty()) {
    return unexpected(std::string("the golden argv has no QMP socket"));
  }
  return out;
}

}  // namespace xenia::golden
