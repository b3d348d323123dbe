// Time to plug one vif the way xend does (tap on /dev/net/tun, MAC/up and
// bridge port over rtnetlink, nftables anti-spoofing + rate table, tc tbf)
// and to unplug it, N rounds. Run inside a throwaway network namespace
// (bench/net/compare.sh does); prints one line per phase with the median and
// the 10th/90th percentiles in milliseconds.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "config/model/net_spec.h"
#include "net/io/host_io.h"
#include "net/io/vif_io.h"
#include "net/plan/host_plan.h"
#include "net/plan/vif_plan.h"

using namespace xenia;

namespace {

double ms(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

void report(const char* what, std::vector<double> v) {
  std::sort(v.begin(), v.end());
  auto at = [&](double q) { return v[static_cast<size_t>(q * (v.size() - 1))]; };
  std::printf("%-28s n=%zu median=%.2f ms p10=%.2f p90=%.2f\n", what, v.size(), at(0.5), at(0.1),
              at(0.9));
}

}  // namespace

int main(int argc, char** argv) {
  int rounds = argc > 1 ? std::atoi(argv[1]) : 50;
  auto nl = net::Netlink::open();
  if (!nl) {
    std::fprintf(stderr, "%s\n", nl.error().c_str());
    return 1;
  }
  auto host = net::parseNetworkScript("network-bridge bridge=xenbr0");
  if (auto r = net::setupHostNet(*nl, *host, "/tmp"); !r) {
    std::fprintf(stderr, "%s\n", r.error().c_str());
    return 1;
  }
  auto vif = config::parseVifSpec("mac=00:16:3e:00:00:01,ip=10.0.0.2,rate=10MB/s@20ms");
  std::vector<double> plug, unplug;
  for (int i = 0; i < rounds; ++i) {
    net::VifInput in;
    in.domid = 1 + i;
    in.vif = *vif;
    auto plan = net::planVif(in);
    auto t0 = std::chrono::steady_clock::now();
    auto fd = net::plugVif(*nl, *plan);
    auto t1 = std::chrono::steady_clock::now();
    if (!fd) {
      std::fprintf(stderr, "plug: %s\n", fd.error().c_str());
      return 1;
    }
    fd->reset();
    (void)net::unplugVif(*nl, *plan);
    auto t2 = std::chrono::steady_clock::now();
    plug.push_back(ms(t1 - t0));
    unplug.push_back(ms(t2 - t1));
  }
  report("xenia plug (tap+br+nft+tc)", plug);
  report("xenia unplug", unplug);
  return 0;
}
