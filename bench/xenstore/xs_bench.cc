// xs_bench: drives any XenStore daemon over its unix socket with the raw wire
// protocol and reports throughput and latency percentiles. The same binary is
// run against Xen's C xenstored, oxenstored and ours (bench/xenstore/compare.sh),
// so the numbers differ only by daemon.
//
//   xs_bench --socket PATH [--pid PID] [--test NAME]... [--domains N]
//
// Tests: write, read, tx, domains, pipeline, and floor (no daemon: the same
// request/reply pattern against a forked echo process on a socket pair, the
// least any daemon can cost on this machine). Output: one JSON object per test
// on stdout (machine-readable; compare.sh turns it into docs/benchmarks.md).
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#ifdef XS_BENCH_HAVE_CLIENT
#include "xenstore/client/client.h"
#endif
#include "xenstore/wire/wire.h"

namespace {

using Clock = std::chrono::steady_clock;
using xenia::xs::MsgType;

// A blocking request/reply connection that skips watch events.
class RawConn {
 public:
  explicit RawConn(int fd) : fd_(fd) {}
  explicit RawConn(const std::string& path) {
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      std::perror(("connect " + path).c_str());
      std::exit(2);
    }
  }
  ~RawConn() { ::close(fd_); }

  // Sends one request and returns the reply payload; aborts the run on ERROR.
  std::string call(MsgType type, std::string_view payload, uint32_t tx = 0) {
    send(type, payload, tx);
    return recv(type);
  }
  void send(MsgType type, std::string_view payload, uint32_t tx = 0) {
    out_.clear();
    xenia::xs::appendMessage(out_, uint32_t(type), ++reqId_, tx, payload);
    writeAll(out_);
  }
  void writeAll(const std::string& buf) {
    size_t off = 0;
    while (off < buf.size()) {
      ssize_t n = ::write(fd_, buf.data() + off, buf.size() - off);
      if (n <= 0) fail("write");
      off += size_t(n);
    }
  }
  std::string recv(MsgType expect) {
    for (;;) {
      char hdr[xenia::xs::kHeaderSize];
      readAll(hdr, sizeof hdr);
      auto h = xenia::xs::decodeHeader(hdr);
      std::string payload(h.len, '\0');
      readAll(payload.data(), h.len);
      if (h.type == uint32_t(MsgType::WatchEvent)) continue;
      if (h.type == uint32_t(MsgType::Error)) {
        if (expect == MsgType::TransactionEnd && payload.rfind("EAGAIN", 0) == 0) return "EAGAIN";
        fail(("error reply " + payload).c_str());
      }
      return payload;
    }
  }
  uint32_t nextReqId() { return ++reqId_; }
  int fd() const { return fd_; }

 private:
  void readAll(char* p, size_t n) {
    while (n > 0) {
      ssize_t r = ::read(fd_, p, n);
      if (r <= 0) fail("read");
      p += r;
      n -= size_t(r);
    }
  }
  [[noreturn]] static void fail(const char* what) {
    std::fprintf(stderr, "xs_bench: %s\n", what);
    std::exit(2);
  }
  int fd_ = -1;
  uint32_t reqId_ = 0;
  std::string out_;
};

std::string path0(std::string_view p) { return std::string(p) + '\0'; }
std::string kv(std::string_view p, std::string_view v) {
  std::string s(p);
  s.push_back('\0');
  s.append(v);
  return s;
}

struct Stats {
  double opsPerSec = 0;
  double p50us = 0;
  double p99us = 0;
};

// Runs op n times, timing each call.
Stats timed(size_t n, const std::function<void(size_t)>& op) {
  std::vector<double> lat(n);
  auto start = Clock::now();
  for (size_t i = 0; i < n; ++i) {
    auto t0 = Clock::now();
    op(i);
    lat[i] = std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
  }
  double secs = std::chrono::duration<double>(Clock::now() - start).count();
  std::sort(lat.begin(), lat.end());
  return Stats{double(n) / secs, lat[n / 2], lat[n * 99 / 100]};
}

long rssKb(int pid) {
  if (pid <= 0) return -1;
  std::ifstream f(fmt::format("/proc/{}/status", pid));
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

nlohmann::json benchWrite(RawConn& c, size_t n) {
  c.call(MsgType::Mkdir, path0("/bench"));
  Stats s = timed(n, [&](size_t i) {
    c.call(MsgType::Write, kv(fmt::format("/bench/w{}", i % 1000), "value-0123456789"));
  });
  return {{"test", "write"}, {"ops_per_sec", s.opsPerSec}, {"p50_us", s.p50us}, {"p99_us", s.p99us}};
}

nlohmann::json benchRead(RawConn& c, size_t n) {
  c.call(MsgType::Write, kv("/bench/r", "some-value-to-read"));
  std::string req = path0("/bench/r");
  Stats s = timed(n, [&](size_t) { c.call(MsgType::Read, req); });
  return {{"test", "read"}, {"ops_per_sec", s.opsPerSec}, {"p50_us", s.p50us}, {"p99_us", s.p99us}};
}

nlohmann::json benchTx(RawConn& c, size_t n) {
  size_t retries = 0;
  Stats s = timed(n, [&](size_t i) {
    for (;;) {
      std::string id = c.call(MsgType::TransactionStart, path0(""));
      uint32_t tx = uint32_t(std::stoul(id));
      for (int k = 0; k < 3; ++k) {
        c.call(MsgType::Write, kv(fmt::format("/bench/tx{}/k{}", i % 100, k), "v"), tx);
      }
      if (c.call(MsgType::TransactionEnd, path0("T"), tx) != "EAGAIN") break;
      ++retries;
    }
  });
  return {{"test", "tx"}, {"tx_per_sec", s.opsPerSec}, {"p50_us", s.p50us}, {"retries", retries}};
}

// The requests libxl's domain creation sends in its transaction
// (libxl_create.c libxl__domain_make, libxl_dom.c, device and console setup):
// dom/vm dirs with their permissions, identity, control, memory, cpu,
// console, a vbd and a vif backend/frontend pair: 74 requests incl. start/end.
void createDomain(RawConn& c, uint32_t domid) {
  std::string dom = fmt::format("/local/domain/{}", domid);
  std::string vm = fmt::format("/vm/00000000-0000-0000-0000-{:012}", domid);
  std::string be = "/local/domain/0/backend";
  std::string roPerm = fmt::format("n0{}r{}{}", '\0', domid, '\0');
  std::string rwPerm = fmt::format("n{}{}", domid, '\0');
  for (;;) {
    uint32_t tx = uint32_t(std::stoul(c.call(MsgType::TransactionStart, path0(""))));
    auto w = [&](const std::string& p, std::string_view v) { c.call(MsgType::Write, kv(p, v), tx); };
    auto mk = [&](const std::string& p, const std::string& perms) {
      c.call(MsgType::Mkdir, path0(p), tx);
      c.call(MsgType::SetPerms, path0(p) + perms, tx);
    };
    c.call(MsgType::Rm, path0(dom), tx);
    mk(dom, roPerm);
    c.call(MsgType::Rm, path0(vm), tx);
    mk(vm, roPerm);
    mk(dom + "/device", roPerm);
    mk(dom + "/control", roPerm);
    mk(dom + "/control/shutdown", rwPerm);
    mk(dom + "/control/feature-poweroff", rwPerm);
    mk(dom + "/control/feature-reboot", rwPerm);
    mk(dom + "/control/feature-suspend", rwPerm);
    mk(dom + "/data", rwPerm);
    mk(dom + "/drivers", rwPerm);
    mk(dom + "/feature", rwPerm);
    mk(dom + "/attr", rwPerm);
    mk(dom + "/error", rwPerm);
    w(vm + "/uuid", "00000000-0000-0000-0000-000000000000");
    w(vm + "/name", fmt::format("guest{}", domid));
    w(vm + "/image/ostype", "linux");
    w(vm + "/image/kernel", "/boot/vmlinuz");
    w(vm + "/image/cmdline", "console=hvc0 root=/dev/xvda1");
    w(vm + "/start_time", "1700000000.00");
    w(dom + "/vm", vm);
    w(dom + "/name", fmt::format("guest{}", domid));
    w(dom + "/domid", std::to_string(domid));
    w(dom + "/control/platform-feature-multiprocessor-suspend", "1");
    w(dom + "/control/platform-feature-xs_reset_watches", "1");
    w(dom + "/memory/static-max", "262144");
    w(dom + "/memory/target", "262144");
    w(dom + "/memory/videoram", "-1");
    w(dom + "/cpu/0/availability", "online");
    w(dom + "/cpu/1/availability", "online");
    w(dom + "/store/port", "1");
    w(dom + "/store/ring-ref", "1044476");
    w(dom + "/console/port", "2");
    w(dom + "/console/ring-ref", "1044477");
    w(dom + "/console/limit", "1048576");
    w(dom + "/console/type", "xenconsoled");
    w(dom + "/console/output", "pty");
    std::string vbdBe = fmt::format("{}/vbd/{}/51712", be, domid);
    std::string vbdFe = dom + "/device/vbd/51712";
    w(vbdBe + "/frontend", vbdFe);
    w(vbdBe + "/params", "/var/lib/xen/images/guest.img");
    w(vbdBe + "/type", "file");
    w(vbdBe + "/mode", "w");
    w(vbdBe + "/online", "1");
    w(vbdBe + "/removable", "0");
    w(vbdBe + "/state", "1");
    w(vbdBe + "/dev", "xvda");
    w(vbdFe + "/backend", vbdBe);
    w(vbdFe + "/backend-id", "0");
    w(vbdFe + "/state", "1");
    w(vbdFe + "/virtual-device", "51712");
    w(vbdFe + "/device-type", "disk");
    std::string vifBe = fmt::format("{}/vif/{}/0", be, domid);
    std::string vifFe = dom + "/device/vif/0";
    w(vifBe + "/frontend", vifFe);
    w(vifBe + "/mac", "00:16:3e:00:00:01");
    w(vifBe + "/bridge", "xenbr0");
    w(vifBe + "/online", "1");
    w(vifBe + "/state", "1");
    w(vifFe + "/backend", vifBe);
    w(vifFe + "/mac", "00:16:3e:00:00:01");
    w(vifFe + "/state", "1");
    if (c.call(MsgType::TransactionEnd, path0("T"), tx) != "EAGAIN") return;
  }
}

nlohmann::json benchDomains(RawConn& c, uint32_t n, int pid) {
  uint32_t window = std::max<uint32_t>(1, n / 10);
  std::vector<double> windowRates;
  // Dom0's own tree exists on a real host before any guest is created.
  c.call(MsgType::Mkdir, path0("/local/domain/0/backend"));
  c.call(MsgType::Mkdir, path0("/vm"));
  long rssBefore = rssKb(pid);
  auto start = Clock::now();
  auto wstart = start;
  for (uint32_t d = 1; d <= n; ++d) {
    createDomain(c, d);
    if (d % window == 0) {
      auto now = Clock::now();
      windowRates.push_back(window / std::chrono::duration<double>(now - wstart).count());
      wstart = now;
    }
  }
  double secs = std::chrono::duration<double>(Clock::now() - start).count();
  return {{"test", "domains"},      {"domains", n},
          {"domains_per_sec", n / secs},
          {"first_window_per_sec", windowRates.front()},
          {"last_window_per_sec", windowRates.back()},
          {"window", window},
          {"rss_kb_before", rssBefore}, {"rss_kb_after", rssKb(pid)}};
}

// The READ test's request and reply through a process that only echoes them
// back (read, write): what a daemon with no cost at all would score. Inherits
// the CPU pinning of xs_bench.
nlohmann::json benchFloor(size_t n) {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
    std::perror("socketpair");
    std::exit(2);
  }
  pid_t child = ::fork();
  if (child == 0) {
    ::close(sv[0]);
    char buf[4096 + xenia::xs::kHeaderSize];
    for (;;) {
      ssize_t r = ::read(sv[1], buf, sizeof buf);
      if (r <= 0 || ::write(sv[1], buf, size_t(r)) != r) {
        ::_exit(0);
      }
    }
  }
  ::close(sv[1]);
  RawConn c(sv[0]);
  std::string req = path0("/bench/r");
  // The echo turns the READ into a "reply" of the same type and size.
  Stats s = timed(n, [&](size_t) { c.call(MsgType::Read, req); });
  ::shutdown(sv[0], SHUT_RDWR);
  ::waitpid(child, nullptr, 0);
  return {{"test", "floor"}, {"ops_per_sec", s.opsPerSec}, {"p50_us", s.p50us}, {"p99_us", s.p99us}};
}

#ifdef XS_BENCH_HAVE_CLIENT
// Pipelined independent writes through Xenia's client library.
nlohmann::json benchPipeline(const std::string& socket, size_t n) {
  auto client = xenia::xs::Client::connect(socket);
  if (!client) {
    std::fprintf(stderr, "xs_bench: client connect failed\n");
    std::exit(2);
  }
  const size_t batchSize = 256;
  auto start = Clock::now();
  for (size_t done = 0; done < n; done += batchSize) {
    auto batch = (*client)->batch();
    for (size_t i = 0; i < batchSize; ++i) {
      batch.write(fmt::format("/bench/p{}", (done + i) % 1000), "pipelined-value");
    }
    auto results = batch.run();
    for (auto& r : results) {
      if (!r) {
        std::fprintf(stderr, "xs_bench: pipelined write failed\n");
        std::exit(2);
      }
    }
  }
  double secs = std::chrono::duration<double>(Clock::now() - start).count();
  return {{"test", "pipeline"}, {"writes_per_sec", double(n) / secs}, {"batch", batchSize}};
}
#else
nlohmann::json benchPipeline(const std::string&, size_t) {
  return {{"test", "pipeline"}, {"error", "built without the client library"}};
}
#endif

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"XenStore daemon benchmark"};
  std::string socket;
  int pid = 0;
  std::vector<std::string> tests{"write", "read", "tx", "domains", "pipeline"};
  size_t ops = 200000;
  uint32_t domains = 10000;
  app.add_option("--socket", socket, "daemon socket (not needed for --test floor alone)");
  app.add_option("--pid", pid, "daemon pid (for RSS)");
  app.add_option("--test", tests, "tests to run");
  app.add_option("--ops", ops, "operations for write/read");
  app.add_option("--domains", domains, "domains for the creation test");
  CLI11_PARSE(app, argc, argv);

  if (tests.size() == 1 && tests[0] == "floor") {
    std::printf("%s\n", benchFloor(ops).dump().c_str());
    return 0;
  }
  if (socket.empty()) {
    std::fprintf(stderr, "xs_bench: --socket is required\n");
    return 2;
  }
  RawConn conn(socket);
  for (const auto& t : tests) {
    nlohmann::json r;
    if (t == "floor") r = benchFloor(ops);
    else if (t == "write") r = benchWrite(conn, ops);
    else if (t == "read") r = benchRead(conn, ops);
    else if (t == "tx") r = benchTx(conn, ops / 10);
    else if (t == "domains") r = benchDomains(conn, domains, pid);
    else if (t == "pipeline") r = benchPipeline(socket, ops * 5);
    else {
      std::fprintf(stderr, "unknown test %s\n", t.c_str());
      return 2;
    }
    std::printf("%s\n", r.dump().c_str());
    std::fflush(stdout);
  }
  return 0;
}
