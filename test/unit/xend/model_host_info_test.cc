// xm info: key order, MiB arithmetic, virt_caps, the Xenia version fields,
// and the /proc parsers behind the snapshot.
#include <gtest/gtest.h>

#include "xend/model/host_info.h"

namespace xenia::xend {
namespace {

HostSnapshot sample() {
  HostSnapshot h;
  h.system = "Linux";
  h.host = "box";
  h.release = "6.1.0-21-amd64";
  h.version = "#1 SMP PREEMPT_DYNAMIC Debian 6.1.90-1";
  h.machine = "x86_64";
  h.nrCpus = 4;
  h.coresPerSocket = 2;
  h.threadsPerCore = 2;
  h.cpuMhz = 2893;
  h.hwCaps = "178bfbff:2fd3fbff:00000000:00000000:f6d8320b:00000000:000001f7:219c07a9";
  h.totalMemKiB = 8 * 1024 * 1024;  // 8192 MiB
  h.freeMemKiB = 6 * 1024 * 1024;
  h.accel = "tcg";
  h.accelReason = "/dev/kvm: No such file or directory";
  h.qemuVersion = "7.2.11";
  return h;
}

std::string value(const std::vector<std::pair<std::string, std::string>>& info,
                  const std::string& key) {
  for (const auto& [k, v] : info) {
    if (k == key) {
      return v;
    }
  }
  return "<absent>";
}

TEST(XmInfo, KeysInXendsOrder) {
  auto info = xmInfo(sample(), XendOptions{}, HostUsage{});
  std::vector<std::string> keys;
  for (const auto& kv : info) {
    keys.push_back(kv.first);
  }
  const std::vector<std::string> expected = {"system",
                                             "host",
                                             "release",
                                             "version",
                                             "machine",
                                             "nr_cpus",
                                             "nr_nodes",
                                             "cores_per_socket",
                                             "threads_per_core",
                                             "cpu_mhz",
                                             "hw_caps",
                                             "virt_caps",
                                             "total_memory",
                                             "free_memory",
                                             "node_to_cpu",
                                             "node_to_memory",
                                             "node_to_dma32_mem",
                                             "max_node_id",
                                             "xen_major",
                                             "xen_minor",
                                             "xen_extra",
                                             "xen_caps",
                                             "xen_scheduler",
                                             "xen_pagesize",
                                             "platform_params",
                                             "xen_changeset",
                                             "xen_commandline",
                                             "cc_compiler",
                                             "cc_compile_by",
                                             "cc_compile_domain",
                                             "cc_compile_date",
                                             "xend_config_format"};
  EXPECT_EQ(keys, expected);
}

TEST(XmInfo, Values) {
  XendOptions o;
  o.dom0MinMem = 196;
  auto info = xmInfo(sample(), o, HostUsage{1024});
  EXPECT_EQ(value(info, "system"), "Linux");
  EXPECT_EQ(value(info, "host"), "box");
  EXPECT_EQ(value(info, "nr_cpus"), "4");
  EXPECT_EQ(value(info, "nr_nodes"), "1");
  EXPECT_EQ(value(info, "cores_per_socket"), "2");
  EXPECT_EQ(value(info, "threads_per_core"), "2");
  EXPECT_EQ(value(info, "cpu_mhz"), "2893");
  EXPECT_EQ(value(info, "hw_caps"), sample().hwCaps);
  EXPECT_EQ(value(info, "total_memory"), "8192");
  EXPECT_EQ(value(info, "free_memory"), "6972");  // 8192 - 196 - 1024
  EXPECT_EQ(value(info, "node_to_cpu"), "node0:0-3");
  EXPECT_EQ(value(info, "node_to_memory"), "node0:6972");
  EXPECT_EQ(value(info, "node_to_dma32_mem"), "none");
  EXPECT_EQ(value(info, "max_node_id"), "0");
  EXPECT_EQ(value(info, "xen_major"), "4");
  EXPECT_EQ(value(info, "xen_minor"), "4");
  EXPECT_EQ(value(info, "xen_extra"), ".0-xenia");
  EXPECT_EQ(value(info, "xen_caps"),
            "xen-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64");
  EXPECT_EQ(value(info, "xen_scheduler"), "credit");
  EXPECT_EQ(value(info, "xen_pagesize"), "4096");
  EXPECT_EQ(value(info, "xen_changeset"), "Xenia: no hypervisor, guests run in QEMU 7.2.11");
  EXPECT_EQ(value(info, "xend_config_format"), "4");
  std::string cc = value(info, "cc_compiler");
  EXPECT_TRUE(cc.rfind("gcc version ", 0) == 0 || cc.rfind("clang version ", 0) == 0) << cc;
  EXPECT_FALSE(value(info, "cc_compile_date").empty());
}

TEST(XmInfo, FreeMemoryNeverNegative) {
  XendOptions o;
  o.dom0MinMem = 4096;
  auto info = xmInfo(sample(), o, HostUsage{8192});
  EXPECT_EQ(value(info, "free_memory"), "0");
}

TEST(XmInfo, VirtCapsShowTheAccelerator) {
  HostSnapshot h = sample();
  EXPECT_EQ(virtCaps(h), "hvm hvm_directio accel=tcg (kvm: /dev/kvm: No such file or directory)");
  h.accel = "kvm";
  h.accelReason = "KVM ran the test guest";
  EXPECT_EQ(virtCaps(h), "hvm hvm_directio accel=kvm");
  h.accel = "tcg";
  h.accelReason = "";
  EXPECT_EQ(virtCaps(h), "hvm hvm_directio accel=tcg");
  h.accel = "";
  EXPECT_EQ(virtCaps(h), "hvm hvm_directio accel=unknown");
  EXPECT_EQ(value(xmInfo(sample(), XendOptions{}, HostUsage{}), "virt_caps"), virtCaps(sample()));
}

TEST(XmInfo, UnknownQemuVersion) {
  HostSnapshot h = sample();
  h.qemuVersion = "";
  EXPECT_EQ(value(xmInfo(h, XendOptions{}, HostUsage{}), "xen_changeset"),
            "Xenia: no hypervisor, guests run in QEMU (version unknown)");
}

TEST(XmInfo, SeveralNumaNodes) {
  HostSnapshot h = sample();
  h.nrCpus = 8;
  h.nrNodes = 2;
  h.nodeCpus = {{0, 1, 2, 3}, {4, 5, 7}};
  h.nodeFreeKiB = {2048 * 1024, 1024 * 1024};
  auto info = xmInfo(h, XendOptions{}, HostUsage{});
  // Continuation lines line up under the values (xend's 25-column indent).
  EXPECT_EQ(value(info, "node_to_cpu"), "node0:0-3\n" + std::string(25, ' ') + "node1:4-5,7");
  EXPECT_EQ(value(info, "node_to_memory"), "node0:2048\n" + std::string(25, ' ') + "node1:1024");
  EXPECT_EQ(value(info, "nr_nodes"), "2");
  EXPECT_EQ(value(info, "max_node_id"), "1");
  h.nodeFreeKiB.clear();
  EXPECT_EQ(value(xmInfo(h, XendOptions{}, HostUsage{}), "node_to_memory"), "none");
}

TEST(HostParsers, Cpuinfo) {
  const std::string text =
      "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu MHz\t\t: 2893.204\nsiblings\t: 4\n"
      "cpu cores\t: 2\n\nprocessor\t: 1\ncpu MHz\t\t: 1200.000\nsiblings\t: 4\ncpu cores\t: 2\n\n"
      "processor\t: 2\n\nprocessor\t: 3\n";
  HostSnapshot h;
  parseCpuinfo(text, h);
  EXPECT_EQ(h.nrCpus, 4);
  EXPECT_EQ(h.cpuMhz, 2893);
  EXPECT_EQ(h.coresPerSocket, 2);
  EXPECT_EQ(h.threadsPerCore, 2);

  HostSnapshot empty;
  parseCpuinfo("", empty);
  EXPECT_EQ(empty.nrCpus, 1);
  EXPECT_EQ(empty.cpuMhz, 0);
}

TEST(HostParsers, Meminfo) {
  HostSnapshot h;
  parseMeminfo(
      "MemTotal:       16318352 kB\nMemFree:          512000 kB\n"
      "MemAvailable:    9000000 kB\n",
      h);
  EXPECT_EQ(h.totalMemKiB, 16318352);
  EXPECT_EQ(h.freeMemKiB, 9000000);
  HostSnapshot old;
  parseMeminfo("MemTotal: 2048 kB\nMemFree: 1024 kB\n", old);
  EXPECT_EQ(old.freeMemKiB, 1024);
}

TEST(HostParsers, CpuListsAndRanges) {
  EXPECT_EQ(parseCpuList("0-3,8,10-11\n"), (std::vector<int>{0, 1, 2, 3, 8, 10, 11}));
  EXPECT_EQ(parseCpuList("5"), (std::vector<int>{5}));
  EXPECT_TRUE(parseCpuList("").empty());
  EXPECT_TRUE(parseCpuList("3-1").empty());
  EXPECT_TRUE(parseCpuList("a-b").empty());
  EXPECT_TRUE(parseCpuList("0-999999").empty());
  EXPECT_EQ(cpuRanges({5, 0, 1, 2, 3}), "0-3,5");
  EXPECT_EQ(cpuRanges({7}), "7");
  EXPECT_EQ(cpuRanges({}), "no cpus");
}

TEST(HostProbe, ReadsThisHost) {
  HostSnapshot h = readHostSnapshot();
  EXPECT_EQ(h.system, "Linux");
  EXPECT_GE(h.nrCpus, 1);
  EXPECT_GT(h.totalMemKiB, 0);
  EXPECT_LE(h.freeMemKiB, h.totalMemKiB);
  EXPECT_EQ(h.hwCaps.size(), 8u * 9 - 1);  // eight %08x words joined by ':'
}

}  // namespace
}  // namespace xenia::xend
